//! The one error type of the library: a kind to match on and a message that
//! quotes the numbers that caused it.

use std::fmt;

/// What went wrong, for callers that want to branch on it.
///
/// The C ABI maps every kind to a fixed `patch_status` number and the
/// JavaScript bindings put its [`name`](ErrorKind::name) at the start of the
/// thrown message, so the same failure reads the same in all three languages.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Two lists that must have one entry per axis have different lengths.
    RankMismatch,
    /// A window size of zero.
    ZeroSize,
    /// A step (stride between windows) of zero.
    ZeroStep,
    /// A dilation of zero.
    ZeroDilation,
    /// A window (with its dilation and padding) does not fit in its axis.
    WindowTooLarge,
    /// An element, patch or axis index outside its range, or a layout that
    /// reaches outside its buffer.
    OutOfBounds,
    /// A size, stride or offset that does not fit the machine's integers.
    Overflow,
    /// A writable view was asked for where two patch positions would reach
    /// the same element.
    Aliasing,
    /// A caller buffer shorter (or longer) than the operation needs.
    BufferTooSmall,
    /// An element type or item size the operation does not handle.
    UnsupportedDtype,
    /// An argument outside its documented domain (an unknown enum value, a
    /// non-finite weight, padding of an empty axis, ...).
    InvalidArgument,
    /// The operation needs a copy: a view cannot express padding or a
    /// shifted last window.
    NotAView,
    /// Memory for the result could not be allocated.
    Allocation,
}

impl ErrorKind {
    /// Every kind, in declaration order (for bindings that mirror the list).
    pub const ALL: [ErrorKind; 13] = [
        ErrorKind::RankMismatch,
        ErrorKind::ZeroSize,
        ErrorKind::ZeroStep,
        ErrorKind::ZeroDilation,
        ErrorKind::WindowTooLarge,
        ErrorKind::OutOfBounds,
        ErrorKind::Overflow,
        ErrorKind::Aliasing,
        ErrorKind::BufferTooSmall,
        ErrorKind::UnsupportedDtype,
        ErrorKind::InvalidArgument,
        ErrorKind::NotAView,
        ErrorKind::Allocation,
    ];

    /// A stable, human-readable name of the kind, such as `"window too large"`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::RankMismatch => "rank mismatch",
            ErrorKind::ZeroSize => "zero size",
            ErrorKind::ZeroStep => "zero step",
            ErrorKind::ZeroDilation => "zero dilation",
            ErrorKind::WindowTooLarge => "window too large",
            ErrorKind::OutOfBounds => "out of bounds",
            ErrorKind::Overflow => "overflow",
            ErrorKind::Aliasing => "aliasing",
            ErrorKind::BufferTooSmall => "buffer size",
            ErrorKind::UnsupportedDtype => "unsupported dtype",
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::NotAView => "not a view",
            ErrorKind::Allocation => "allocation",
        }
    }
}

/// The error of every fallible function in the library.
///
/// ```
/// use patch_core::{ErrorKind, Layout, PatchSpec, Plan};
///
/// let layout = Layout::of::<f32>(&[8]).unwrap();
/// let err = Plan::valid(&layout, &PatchSpec::sliding(&[5], &[1], &[2]).unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::WindowTooLarge);
/// assert_eq!(
///     err.to_string(),
///     "window too large: window 5 (extent 9 with dilation 2) is larger than axis 0 of length 8"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError {
    kind: ErrorKind,
    message: String,
}

impl PatchError {
    /// A new error of `kind` with a message that should quote the numbers.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        PatchError {
            kind,
            message: message.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without the kind prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for PatchError {}

/// The result type of the library.
pub type Result<T> = std::result::Result<T, PatchError>;

/// Shorthand for building an `Err` of a kind with a formatted message.
macro_rules! bail {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::error::PatchError::new(
            $crate::error::ErrorKind::$kind,
            format!($($arg)*),
        ))
    };
}
pub(crate) use bail;

/// Shorthand for building a `PatchError` of a kind with a formatted message.
macro_rules! err {
    ($kind:ident, $($arg:tt)*) => {
        $crate::error::PatchError::new($crate::error::ErrorKind::$kind, format!($($arg)*))
    };
}
pub(crate) use err;
