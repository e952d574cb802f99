//! Byte lengths. Every buffer of the C API is a `void *` with its length in
//! bytes; these check a length against what a call needs before any data is
//! read, with one status per condition (`PATCH_STATUS_BUFFER_SIZE` for a
//! length that is not a whole number of elements or not the one needed),
//! and quote bytes in their messages, since the caller passed bytes.

use std::fmt::Write as _;

use crate::enums::patch_dtype;
use crate::ptr::{Failure, FfiResult};
use crate::status::patch_status;
use crate::view::patch_view;

/// The number of `dtype` elements in `bytes` bytes of the buffer `name`.
pub(crate) fn elements(bytes: usize, dtype: patch_dtype, name: &str) -> FfiResult<usize> {
    let item = dtype.itemsize();
    if !bytes.is_multiple_of(item) {
        return Err(Failure::new(
            patch_status::BufferSize,
            format!(
                "`{name}` holds {bytes} bytes, not a whole number of {item}-byte {} elements",
                dtype.name()
            ),
        ));
    }
    Ok(bytes / item)
}

/// Checks that the buffer `name` of `bytes` bytes holds exactly `count`
/// elements of `dtype`; `what` says who needs them, ending with its verb
/// ("2 patches of 4 float32 elements need").
pub(crate) fn exact(
    bytes: usize,
    count: usize,
    dtype: patch_dtype,
    name: &str,
    what: impl FnOnce() -> String,
) -> FfiResult<()> {
    let want = count.checked_mul(dtype.itemsize());
    if want != Some(bytes) {
        let want = want.map_or_else(
            || {
                format!(
                    "{count} elements of {} bytes, more than SIZE_MAX bytes",
                    dtype.itemsize()
                )
            },
            |w| format!("{w} bytes"),
        );
        return Err(Failure::new(
            patch_status::BufferSize,
            format!("`{name}` holds {bytes} bytes but {} {want}", what()),
        ));
    }
    Ok(())
}

/// A shape for a message, its first axes only when it has many: a message's
/// size must not depend on the caller's numbers (it is allocated even when
/// memory runs out).
pub(crate) fn shape_text(shape: &[usize]) -> String {
    const SHOWN: usize = 8;
    let mut text = String::from("[");
    for (i, n) in shape.iter().take(SHOWN).enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(text, "{sep}{n}");
    }
    if shape.len() > SHOWN {
        let _ = write!(text, ", ... ({} axes)", shape.len());
    }
    text.push(']');
    text
}

/// Checks that a buffer of `bytes` bytes (the argument `name`) holds every
/// element the view's layout reaches.
pub(crate) fn source(view: &patch_view, bytes: usize, name: &str) -> FfiResult<()> {
    let n = elements(bytes, view.dtype(), name)?;
    view.plan().layout().check_buffer(n).map_err(|e| {
        Failure::in_context(
            &e,
            format_args!(
                "`{name}` holds {bytes} bytes ({n} {} elements): ",
                view.dtype().name()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_and_quoted_in_bytes() {
        assert_eq!(elements(12, patch_dtype::F32, "src"), Ok(3));
        let e = elements(10, patch_dtype::F32, "src").unwrap_err();
        assert_eq!(e.status, patch_status::BufferSize);
        assert_eq!(
            e.message,
            "buffer size: `src` holds 10 bytes, not a whole number of 4-byte float32 elements"
        );
        assert_eq!(exact(32, 8, patch_dtype::F32, "dst", String::new), Ok(()));
        assert_eq!(shape_text(&[6, 6]), "[6, 6]");
        assert_eq!(
            shape_text(&[1; 200_000]),
            "[1, 1, 1, 1, 1, 1, 1, 1, ... (200000 axes)]"
        );
        let e = exact(60, 8, patch_dtype::F32, "dst", || "8 elements need".into()).unwrap_err();
        assert_eq!(
            e.message,
            "buffer size: `dst` holds 60 bytes but 8 elements need 32 bytes"
        );
        let e = exact(8, usize::MAX, patch_dtype::U16, "dst", || {
            "they need".into()
        })
        .unwrap_err();
        assert!(
            e.message.ends_with(
                "they need 18446744073709551615 elements of 2 bytes, more than SIZE_MAX bytes"
            ),
            "{}",
            e.message
        );
    }
}
