//! The one error type of the library: a kind to match on and a message that
//! quotes the numbers that caused it.

use std::fmt;

/// Defines [`ErrorKind`] and everything derived from it from one table.
///
/// Each row is `Variant = code, "name", "description";`. The code is the
/// kind's fixed number in every language (the C `patch_status`, the
/// JavaScript `kind` list): numbers are never reused. A retired kind leaves
/// its row as a comment, `// 14: reserved (was Foo, removed in 0.x)`, so
/// that its number stays taken. Codes are `1..=99` (the C boundary's own
/// statuses start at 100), checked at compile time below.
macro_rules! error_kinds {
    ($($variant:ident = $code:literal, $name:literal, $doc:literal;)*) => {
        /// What went wrong, for callers that want to branch on it.
        ///
        /// Every kind has a fixed number ([`code`](ErrorKind::code)) and a
        /// name ([`name`](ErrorKind::name)): the C ABI returns the number as
        /// its `patch_status`, and the JavaScript bindings put the name at
        /// the start of the thrown message and in its `kind`, so the same
        /// failure reads the same in all three languages. Both lists are
        /// generated from [`ErrorKind::ALL`].
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl ErrorKind {
            /// Every kind, in the order of their codes (for bindings that
            /// mirror the list).
            pub const ALL: [ErrorKind; [$($code),*].len()] = [$(ErrorKind::$variant),*];

            /// A stable, human-readable name of the kind, such as
            /// `"window too large"`: the prefix of every message of the kind.
            pub const fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$variant => $name,)*
                }
            }

            /// The kind's fixed number (`1..=99`), never reused: the C
            /// `patch_status` of the kind.
            pub const fn code(self) -> u32 {
                match self {
                    $(ErrorKind::$variant => $code,)*
                }
            }

            /// The kind with number `code`, or `None` for a number that is
            /// no kind (never used, or reserved by a retired kind).
            pub const fn from_code(code: u32) -> Option<ErrorKind> {
                match code {
                    $($code => Some(ErrorKind::$variant),)*
                    _ => None,
                }
            }

            /// What the kind means, in one paragraph (the rustdoc of its
            /// variant), for bindings that document their own list.
            pub const fn description(self) -> &'static str {
                match self {
                    $(ErrorKind::$variant => $doc,)*
                }
            }
        }
    };
}

error_kinds! {
    RankMismatch = 1, "rank mismatch",
        "Two lists that must have one entry per axis have different lengths \
         (the axis roles and the shape, the windows and the steps, for example).";
    ZeroSize = 2, "zero size", "A window size of zero.";
    ZeroStep = 3, "zero step", "A step (the distance between windows) of zero.";
    ZeroDilation = 4, "zero dilation", "A dilation of zero.";
    WindowTooLarge = 5, "window too large",
        "A window (with its dilation and padding) does not fit in its axis.";
    OutOfBounds = 6, "out of bounds",
        "An element, patch or axis index outside its range, or a layout that \
         reaches outside the buffer it is used with.";
    Overflow = 7, "overflow",
        "A size, stride or offset that does not fit the machine's integers.";
    Aliasing = 8, "aliasing",
        "A writable view was asked for where two patch positions would reach \
         the same element (overlapping windows).";
    BufferSize = 9, "buffer size",
        "A caller buffer of the wrong length: too short for what must be \
         written, or (for copies and folds) not exactly the length needed.";
    UnsupportedDtype = 10, "unsupported dtype",
        "An element type or item size the operation does not handle (an item \
         size of 0, a copy into another element type, ...).";
    InvalidArgument = 11, "invalid argument",
        "An argument outside its documented domain (an unknown option or enum \
         value, a non-finite weight, padding of an empty axis, a misaligned or \
         overlapping buffer, ...).";
    NotAView = 12, "not a view",
        "The operation needs a view, but no strides express padding or a \
         shifted last window: extract (copy) the patches instead.";
    Allocation = 13, "allocation", "Memory for the result could not be allocated.";
}

// Codes are unique, increasing and inside 1..=99, so that the C boundary's
// statuses (0 and 100 on) never collide with a kind.
const _: () = {
    let mut i = 0;
    while i < ErrorKind::ALL.len() {
        let code = ErrorKind::ALL[i].code();
        assert!(code >= 1 && code <= 99, "error codes are 1..=99");
        assert!(
            i == 0 || code > ErrorKind::ALL[i - 1].code(),
            "error codes increase"
        );
        i += 1;
    }
};

/// The error of every fallible function in the library.
///
/// ```
/// use patch_core::{ErrorKind, Layout, PatchSpec, Plan};
///
/// let layout = Layout::of::<f32>(&[8]).unwrap();
/// let err = Plan::valid(&layout, &PatchSpec::dilated(&[5], &[1], &[2]).unwrap()).unwrap_err();
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

/// A caller's list in a message, printed as `[1, 2, 3]` when it is short
/// and as its first entries and its length when it is long, so that a
/// message about a 200,000-axis shape stays a line (and its allocation
/// bounded).
pub(crate) struct Short<'a, T>(pub(crate) &'a [T]);

/// Entries of a list a message prints before it elides the rest.
const SHORT_ENTRIES: usize = 8;

impl<T: fmt::Debug> fmt::Display for Short<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = self.0;
        if list.len() <= SHORT_ENTRIES {
            return write!(f, "{list:?}");
        }
        f.write_str("[")?;
        for v in &list[..SHORT_ENTRIES] {
            write!(f, "{v:?}, ")?;
        }
        write!(f, "... ({} entries)]", list.len())
    }
}

/// The error of an allocation of `n` elements of `T` that failed.
pub(crate) fn allocation<T>(n: usize) -> PatchError {
    err!(
        Allocation,
        "cannot allocate {n} elements of {} bytes",
        size_of::<T>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_gives_every_kind_a_code_a_name_and_a_description() {
        for (i, kind) in ErrorKind::ALL.into_iter().enumerate() {
            // No number is reserved yet: the codes are 1..=13 in order.
            assert_eq!(kind.code(), i as u32 + 1);
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
            assert!(!kind.description().is_empty() && !kind.name().is_empty());
        }
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::from_code(14), None);
        assert_eq!(ErrorKind::BufferSize.code(), 9);
        assert_eq!(ErrorKind::BufferSize.name(), "buffer size");
        let e = PatchError::new(ErrorKind::BufferSize, "3 of 4");
        assert_eq!(e.to_string(), "buffer size: 3 of 4");
    }

    #[test]
    fn long_lists_print_a_bounded_prefix() {
        assert_eq!(Short(&[1, 2, 3]).to_string(), "[1, 2, 3]");
        assert_eq!(Short::<u8>(&[]).to_string(), "[]");
        let long = vec![7usize; 200_000];
        assert_eq!(
            Short(&long).to_string(),
            "[7, 7, 7, 7, 7, 7, 7, 7, ... (200000 entries)]"
        );
    }
}
