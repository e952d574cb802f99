//! Statuses, the per-thread last error message, and the panic boundary that
//! wraps every export.
//!
//! Modelled on rustls-ffi: a `#[repr(u32)]` status enum with explicit,
//! never-reused numbers; every export runs its body inside
//! [`ffi_boundary!`], which turns an `Err` into its status (recording the
//! message for [`patch_last_error_message`]) and a panic into
//! [`patch_status::Panic`].

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use patch_core::{ErrorKind, PatchError};

use crate::ptr::{Failure, copy_array};

/// The result of every fallible function: `PATCH_STATUS_OK` (0) or the
/// reason for the failure.
///
/// Numbers are fixed and never reused. Statuses 1 to 99 mirror the error
/// kinds of the engine (patch-core); 100 and above are failures of the C
/// boundary itself. On any status other than `PATCH_STATUS_OK` no
/// out-parameter was written, and `patch_last_error_message()` returns a
/// message that starts with `patch_status_str(status)` and quotes the
/// numbers that caused it.
///
/// In C the type is `uint32_t` (the enum only names the values); compare a
/// returned status with the `PATCH_STATUS_*` names.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum patch_status {
    /// Success.
    Ok = 0,
    /// Two lists that need one entry per axis have different lengths
    /// (axis specs versus the shape, for example).
    RankMismatch = 1,
    /// A window size of zero.
    ZeroSize = 2,
    /// A step of zero.
    ZeroStep = 3,
    /// A dilation of zero.
    ZeroDilation = 4,
    /// A window (with its dilation and padding) does not fit in its axis.
    WindowTooLarge = 5,
    /// An index outside its range (a patch number, for example), or a layout
    /// that reaches outside the buffer it is used with.
    OutOfBounds = 6,
    /// A size, stride or offset that does not fit the machine's integers.
    Overflow = 7,
    /// Writing through the view would reach one element through several
    /// patches (overlapping windows).
    Aliasing = 8,
    /// A caller buffer of the wrong length: too short for what must be
    /// written, or (for copies and folds) not exactly the needed length.
    BufferTooSmall = 9,
    /// An item size the operation does not handle (0, or 3 for a copy).
    UnsupportedDtype = 10,
    /// An argument outside its domain: a misaligned pointer, overlapping
    /// input and output buffers, padding given with the wrong convention, a
    /// non-positive Gaussian width, ...
    InvalidArgument = 11,
    /// The view has padding or a shifted last window (`PATCH_CONVENTION_SAME`,
    /// `_EXPLICIT` with pads, `_COVER`), so no strides express it: copy it
    /// with `patch_materialize` instead.
    NotAView = 12,
    /// Memory for an intermediate result could not be allocated.
    Allocation = 13,
    /// A required pointer argument was NULL (the message names it).
    NullPointer = 100,
    /// An integer passed for an enum (`patch_role`, `patch_convention`,
    /// `patch_pad_mode`, `patch_order`, `patch_reduce`) is not one of its values.
    InvalidEnum = 101,
    /// The library panicked (a bug): the panic was caught at the boundary
    /// and the message says where. The view passed in is still valid.
    Panic = 102,
    /// An engine error of a kind this version of the C ABI does not know yet.
    Other = 103,
}

/// Every status, in number order (not exported: cbindgen would turn an
/// associated constant into a macro).
const ALL_STATUSES: [patch_status; 18] = [
    patch_status::Ok,
    patch_status::RankMismatch,
    patch_status::ZeroSize,
    patch_status::ZeroStep,
    patch_status::ZeroDilation,
    patch_status::WindowTooLarge,
    patch_status::OutOfBounds,
    patch_status::Overflow,
    patch_status::Aliasing,
    patch_status::BufferTooSmall,
    patch_status::UnsupportedDtype,
    patch_status::InvalidArgument,
    patch_status::NotAView,
    patch_status::Allocation,
    patch_status::NullPointer,
    patch_status::InvalidEnum,
    patch_status::Panic,
    patch_status::Other,
];

impl patch_status {
    /// Every status, in number order.
    pub fn all() -> [patch_status; 18] {
        ALL_STATUSES
    }

    /// The status of an engine error kind; kinds added to patch-core after
    /// this version map to [`patch_status::Other`].
    pub fn from_kind(kind: ErrorKind) -> patch_status {
        match kind {
            ErrorKind::RankMismatch => patch_status::RankMismatch,
            ErrorKind::ZeroSize => patch_status::ZeroSize,
            ErrorKind::ZeroStep => patch_status::ZeroStep,
            ErrorKind::ZeroDilation => patch_status::ZeroDilation,
            ErrorKind::WindowTooLarge => patch_status::WindowTooLarge,
            ErrorKind::OutOfBounds => patch_status::OutOfBounds,
            ErrorKind::Overflow => patch_status::Overflow,
            ErrorKind::Aliasing => patch_status::Aliasing,
            ErrorKind::BufferSize => patch_status::BufferTooSmall,
            ErrorKind::UnsupportedDtype => patch_status::UnsupportedDtype,
            ErrorKind::InvalidArgument => patch_status::InvalidArgument,
            ErrorKind::NotAView => patch_status::NotAView,
            ErrorKind::Allocation => patch_status::Allocation,
            _ => patch_status::Other,
        }
    }

    /// The status with number `n`, if there is one.
    pub fn from_u32(n: u32) -> Option<patch_status> {
        ALL_STATUSES.into_iter().find(|s| *s as u32 == n)
    }

    /// The short name of the status: for statuses that mirror an engine
    /// kind, the kind's own name (`"window too large"`), which is also the
    /// prefix of its messages.
    pub fn name(self) -> &'static CStr {
        match self {
            patch_status::Ok => c"ok",
            patch_status::RankMismatch => c"rank mismatch",
            patch_status::ZeroSize => c"zero size",
            patch_status::ZeroStep => c"zero step",
            patch_status::ZeroDilation => c"zero dilation",
            patch_status::WindowTooLarge => c"window too large",
            patch_status::OutOfBounds => c"out of bounds",
            patch_status::Overflow => c"overflow",
            patch_status::Aliasing => c"aliasing",
            patch_status::BufferTooSmall => c"buffer size",
            patch_status::UnsupportedDtype => c"unsupported dtype",
            patch_status::InvalidArgument => c"invalid argument",
            patch_status::NotAView => c"not a view",
            patch_status::Allocation => c"allocation",
            patch_status::NullPointer => c"null pointer",
            patch_status::InvalidEnum => c"invalid enum",
            patch_status::Panic => c"panic",
            patch_status::Other => c"other",
        }
    }
}

impl From<PatchError> for Failure {
    fn from(e: PatchError) -> Self {
        Failure {
            status: patch_status::from_kind(e.kind()),
            // "kind name: message", the same text as in Rust and JavaScript.
            message: e.to_string(),
        }
    }
}

thread_local! {
    /// The message of the last failure on this thread.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (never panics).
pub(crate) fn set_last_error(message: &str) {
    // A message never holds NUL; drop any so the C string is whole.
    let bytes: Vec<u8> = message.bytes().filter(|&b| b != 0).collect();
    let c = CString::new(bytes).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = c;
        }
    });
}

/// Runs `body` as the whole of an export that returns a status: `Ok` gives
/// `PATCH_STATUS_OK`; an `Err` records its message and gives its status; a
/// panic records where it happened and gives `PATCH_STATUS_PANIC`.
pub(crate) fn status_boundary(body: impl FnOnce() -> Result<(), Failure>) -> patch_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => patch_status::Ok,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            set_last_error(&format!(
                "panic: {what} (a bug in libpatch; please report it)"
            ));
            patch_status::Panic
        }
    }
}

/// Runs `body` as the whole of an export that returns a value instead of a
/// status; a panic gives `fallback`.
pub(crate) fn value_boundary<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Wraps the body of an export that returns `patch_status`: the body
/// evaluates to `Result<(), Failure>` and may use `?`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        $crate::status::status_boundary(move || -> ::std::result::Result<(), $crate::ptr::Failure> {
            $($body)*
        })
    };
}
pub(crate) use ffi_boundary;

/// Wraps the body of an export that returns a plain value; a panic returns
/// the fallback.
macro_rules! ffi_value_boundary {
    ($fallback:expr, $($body:tt)*) => {
        $crate::status::value_boundary($fallback, move || { $($body)* })
    };
}
pub(crate) use ffi_value_boundary;

/// The short, static name of a status: `"ok"`, `"window too large"`,
/// `"null pointer"`, ...; `"unknown status"` for a number that is not a
/// status. Never NULL; the string lives for the whole program.
#[unsafe(no_mangle)]
pub extern "C" fn patch_status_str(status: u32) -> *const c_char {
    ffi_value_boundary!(c"panic".as_ptr(), {
        patch_status::from_u32(status)
            .map_or(c"unknown status", patch_status::name)
            .as_ptr()
    })
}

/// The message of the last failing call on the calling thread, such as
/// `"window too large: window 5 (extent 9 with dilation 2) is larger than
/// axis 0 of length 8"`; `""` before any failure.
///
/// Each thread has its own message. Successful calls leave it unchanged.
/// The pointer stays valid until the next failing call on the same thread;
/// copy the text (or use `patch_last_error_copy`) to keep it longer. Never
/// NULL.
#[unsafe(no_mangle)]
pub extern "C" fn patch_last_error_message() -> *const c_char {
    ffi_value_boundary!(c"".as_ptr(), {
        LAST_ERROR
            .try_with(|slot| slot.try_borrow().map(|s| s.as_ptr()).ok())
            .ok()
            .flatten()
            .unwrap_or(c"".as_ptr())
    })
}

/// Copies the calling thread's last error message, NUL-terminated, into
/// `buf` (`buf_len` bytes) and writes the bytes it needs, NUL included, to
/// `*out_len` (when `out_len` is not NULL).
///
/// Pass `buf = NULL, buf_len = 0` to learn the length only. A buffer shorter
/// than the message gives `PATCH_STATUS_BUFFER_TOO_SMALL` and writes
/// nothing; this failure does not replace the message being copied.
#[unsafe(no_mangle)]
pub extern "C" fn patch_last_error_copy(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    let mut message: Vec<u8> = LAST_ERROR
        .try_with(|slot| {
            slot.try_borrow()
                .map(|s| s.as_bytes_with_nul().to_vec())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    if message.is_empty() {
        message.push(0);
    }
    let kept = message.clone();
    let status = ffi_boundary! {
        copy_array(&message, buf.cast::<u8>(), buf_len, out_len, "buf", "the message (NUL included)")
    };
    if status != patch_status::Ok {
        // This failure must not replace the message the caller asked for.
        set_last_error(&String::from_utf8_lossy(&kept[..kept.len() - 1]));
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> String {
        // SAFETY: the returned pointer is a NUL-terminated thread-local
        // string, valid until the next failure on this thread.
        unsafe { CStr::from_ptr(patch_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let st = status_boundary(|| panic!("boom at axis {}", 7));
        assert_eq!(st, patch_status::Panic);
        assert!(
            message().starts_with("panic: boom at axis 7"),
            "{}",
            message()
        );
        let st = ffi_boundary! {
            let v: Vec<usize> = Vec::new();
            let _ = v[3];
            Ok(())
        };
        assert_eq!(st, patch_status::Panic);
        assert!(message().contains("index out of bounds"), "{}", message());
        assert_eq!(value_boundary(5usize, || panic!("no")), 5);
    }

    #[test]
    fn an_error_sets_the_message_and_ok_keeps_it() {
        let st = ffi_boundary! {
            Err(Failure::new(patch_status::InvalidArgument, "value 3 with\0NUL"))
        };
        assert_eq!(st, patch_status::InvalidArgument);
        assert_eq!(message(), "invalid argument: value 3 withNUL");
        assert_eq!(ffi_boundary! { Ok(()) }, patch_status::Ok);
        assert_eq!(message(), "invalid argument: value 3 withNUL");
    }

    #[test]
    fn unknown_engine_kinds_map_to_other_and_known_ones_do_not() {
        let e = PatchError::new(ErrorKind::NotAView, "x");
        assert_eq!(Failure::from(e).status, patch_status::NotAView);
        for s in patch_status::all() {
            assert!(!s.name().to_bytes().is_empty());
        }
    }
}
