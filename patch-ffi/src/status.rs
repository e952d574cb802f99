//! Statuses, the per-thread last error message, and the panic boundary that
//! wraps every export.
//!
//! Modelled on rustls-ffi: a `#[repr(u32)]` status enum with explicit,
//! never-reused numbers (generated from patch-core's kinds into
//! `status_codes.rs`, see `status_gen.rs`); every export runs its body inside
//! [`ffi_boundary!`], which turns an `Err` into its status (recording the
//! message for [`patch_last_error_message`]) and a panic into
//! [`patch_status::Panic`].

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use patch_core::{ErrorKind, PatchError};

use crate::ptr::{Failure, copy_array};
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
/// than the message gives `PATCH_STATUS_BUFFER_SIZE` and writes
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
