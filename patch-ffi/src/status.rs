//! Statuses, the per-thread last error message, and the panic boundary that
//! wraps every export.
//!
//! Modelled on rustls-ffi: a `#[repr(u32)]` status enum with explicit,
//! never-reused numbers (generated from patch-core's kinds into
//! `status_codes.rs`, see `status_gen.rs`); every export runs its body inside
//! [`ffi_boundary!`], which turns an `Err` into its status (recording the
//! message for [`patch_last_error_message`]) and a panic into
//! [`patch_status::Panic`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use patch_core::{ErrorKind, PatchError};

use crate::ptr::{Failure, FfiResult, region, two_call};
pub use crate::status_codes::patch_status;

impl patch_status {
    /// The status of an engine error kind: the status with the kind's number
    /// (kinds are 1 to 99). A kind this build does not list yet (its
    /// `status_codes.rs` not regenerated) maps to [`patch_status::Other`].
    pub fn from_kind(kind: ErrorKind) -> patch_status {
        patch_status::from_u32(kind.code())
            .filter(|s| (1..100).contains(&(*s as u32)))
            .unwrap_or(patch_status::Other)
    }

    /// The status with number `n`, if there is one.
    pub fn from_u32(n: u32) -> Option<patch_status> {
        patch_status::all().into_iter().find(|s| *s as u32 == n)
    }
}

impl Failure {
    /// An engine error with `context` between its kind and its message
    /// (`"out of bounds: `src` holds 287 bytes (287 uint8 elements): shape
    /// ..."`), for what the caller passed in other units than the engine's.
    pub(crate) fn in_context(e: &PatchError, context: fmt::Arguments<'_>) -> Self {
        let status = patch_status::from_kind(e.kind());
        Failure {
            status,
            message: format!("{}: {context}{}", e.kind().name(), e.message()),
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
    /// The message of the last failure on this thread (static when the
    /// message could not be stored, see [`set_last_error`]).
    static LAST_ERROR: RefCell<Cow<'static, CStr>> = const { RefCell::new(Cow::Borrowed(c"")) };
}

/// `message` as a C string, or `None` when its memory cannot be allocated.
fn c_message(message: &str) -> Option<CString> {
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(message.len().checked_add(1)?)
        .ok()?;
    // A message never holds NUL; drop any so the C string is whole.
    bytes.extend(message.bytes().filter(|&b| b != 0));
    bytes.push(0);
    CString::from_vec_with_nul(bytes).ok()
}

/// Records the message of a failure of `status` as this thread's last error
/// (never panics, never aborts: when the message cannot be stored, the
/// status's name stands in for it).
pub(crate) fn set_last_error(status: patch_status, message: &str) {
    let c = c_message(message).map_or(Cow::Borrowed(status.name()), Cow::Owned);
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
            set_last_error(failure.status, &failure.message);
            failure.status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            set_last_error(
                patch_status::Panic,
                &format!("panic: {what} (a bug in libpatch; please report it)"),
            );
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
/// axis 0 of length 8"`; `""` before any failure. Never NULL.
///
/// Each thread has its own message. The pointer stays valid, and the text
/// unchanged, until the calling thread makes a call that fails (any
/// function returning a status other than `PATCH_STATUS_OK`), except a
/// failing `patch_last_error_copy`, which leaves the message and this
/// pointer as they are; and at most until the thread exits. Successful
/// calls leave both alone. Copy the text (`patch_last_error_copy`) to keep
/// it longer.
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

/// The body of `patch_last_error_copy`: copies `message` (NUL included).
fn copy_message(
    message: &CStr,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> FfiResult<()> {
    let text = message.to_bytes_with_nul();
    let what = ("buf", "bytes", "the message (NUL included)");
    let inputs = [region(text, "the message")];
    let bufs = (buf.cast::<u8>(), buf_len, out_len);
    two_call(text.len(), bufs, what, &inputs, |dst| {
        dst.copy_from_slice(text);
        Ok(())
    })
}

/// Copies the calling thread's last error message, NUL-terminated, into
/// `buf` (`buf_len` bytes) and writes the bytes it needs, NUL included, to
/// `*out_len` (when `out_len` is not NULL).
///
/// Pass `buf = NULL, buf_len = 0` to learn the length only. A buffer shorter
/// than the message gives `PATCH_STATUS_BUFFER_SIZE` and writes nothing.
/// Unlike every other function, a failure here does not replace the
/// message: the message being copied, and the pointer
/// `patch_last_error_message()` returned, stay as they were. It allocates
/// nothing.
#[unsafe(no_mangle)]
pub extern "C" fn patch_last_error_copy(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> patch_status {
    // Not through `ffi_boundary!`, which would record this call's own
    // failure as the new message (freeing the one the caller is copying).
    value_boundary(patch_status::Panic, || {
        let copied = LAST_ERROR.try_with(|slot| match slot.try_borrow() {
            Ok(message) => copy_message(&message, buf, buf_len, out_len),
            Err(_) => copy_message(c"", buf, buf_len, out_len),
        });
        match copied {
            Ok(Ok(())) => patch_status::Ok,
            Ok(Err(failure)) => failure.status,
            // The thread is exiting: its message is gone.
            Err(_) => copy_message(c"", buf, buf_len, out_len)
                .map_or_else(|f| f.status, |()| patch_status::Ok),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

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
