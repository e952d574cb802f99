//! The only place raw pointers from C become Rust references.
//!
//! Every helper checks what can be checked (NULL, alignment, a byte length
//! that fits `isize`) and returns a [`Failure`] naming the argument; what
//! cannot be checked (that a non-NULL pointer really points to `len` live
//! elements) is the C caller's side of the contract, stated in the header
//! beside every function. Each `unsafe` block below relies on exactly that.

use std::mem::{align_of, size_of};

use crate::status::patch_status;

/// A failed call: its status and the full message (`"kind: details"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The status the export returns.
    pub status: patch_status,
    /// The message `patch_last_error_message` returns.
    pub message: String,
}

impl Failure {
    /// A failure of `status` with `details` after the status name.
    pub fn new(status: patch_status, details: impl AsRef<str>) -> Self {
        Failure {
            status,
            message: format!("{}: {}", status.name().to_string_lossy(), details.as_ref()),
        }
    }
}

/// The result of the body of an export.
pub(crate) type FfiResult<T> = Result<T, Failure>;

fn null(name: &str, len: Option<usize>) -> Failure {
    let details = match len {
        Some(len) => format!("`{name}` is NULL but its length is {len}"),
        None => format!("`{name}` is NULL"),
    };
    Failure::new(patch_status::NullPointer, details)
}

/// Checks a non-NULL pointer to `len` elements of `T`: aligned, and a byte
/// length that fits `isize` (what `slice::from_raw_parts` needs).
fn check_region<T>(addr: usize, len: usize, name: &str) -> FfiResult<()> {
    if !addr.is_multiple_of(align_of::<T>()) {
        return Err(Failure::new(
            patch_status::InvalidArgument,
            format!(
                "`{name}` (address {addr:#x}) is misaligned for {}-byte alignment",
                align_of::<T>()
            ),
        ));
    }
    let bytes = len
        .checked_mul(size_of::<T>())
        .filter(|&b| isize::try_from(b).is_ok());
    let Some(bytes) = bytes else {
        return Err(Failure::new(
            patch_status::Overflow,
            format!(
                "`{name}` has length {len}: {len} elements of {} bytes overflow isize",
                size_of::<T>()
            ),
        ));
    };
    if addr.checked_add(bytes).is_none() {
        return Err(Failure::new(
            patch_status::Overflow,
            format!("`{name}` at {addr:#x} with {bytes} bytes wraps around the address space"),
        ));
    }
    Ok(())
}

/// `len` elements read from `ptr` (NULL is allowed when `len == 0`).
pub(crate) fn slice_in<'a, T>(ptr: *const T, len: usize, name: &str) -> FfiResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(null(name, Some(len)));
    }
    check_region::<T>(ptr.addr(), len, name)?;
    // SAFETY: `ptr` is non-NULL and aligned and `len * size_of::<T>()` fits
    // `isize` (checked above). The C contract of every function taking a
    // (pointer, length) input is that the pointer addresses `len` initialized
    // elements that stay alive and unmodified for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// `len` elements written through `ptr` (NULL is allowed when `len == 0`).
pub(crate) fn slice_out<'a, T>(ptr: *mut T, len: usize, name: &str) -> FfiResult<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(null(name, Some(len)));
    }
    check_region::<T>(ptr.addr(), len, name)?;
    // SAFETY: non-NULL, aligned, byte length within `isize` (checked above).
    // The C contract of every output buffer is that it addresses `len`
    // writable elements, alive for the call and not accessed by anyone else
    // during it; the exports check with `check_disjoint` that it does not
    // overlap the inputs they read.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// The target of a required out-parameter.
pub(crate) fn out_ref<'a, T>(ptr: *mut T, name: &str) -> FfiResult<&'a mut T> {
    if ptr.is_null() {
        return Err(null(name, None));
    }
    check_region::<T>(ptr.addr(), 1, name)?;
    // SAFETY: non-NULL and aligned (checked above); the C contract of an
    // out-parameter is that it points to one writable `T`.
    Ok(unsafe { &mut *ptr })
}

/// The target of an optional out-parameter (NULL means "not wanted").
pub(crate) fn out_opt<'a, T>(ptr: *mut T, name: &str) -> FfiResult<Option<&'a mut T>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        out_ref(ptr, name).map(Some)
    }
}

/// The object behind a required input pointer (a descriptor).
pub(crate) fn in_ref<'a, T>(ptr: *const T, name: &str) -> FfiResult<&'a T> {
    if ptr.is_null() {
        return Err(null(name, None));
    }
    check_region::<T>(ptr.addr(), 1, name)?;
    // SAFETY: non-NULL and aligned (checked above); the C contract of a
    // pointer argument to a struct is that it points to one initialized `T`
    // that stays alive and unmodified for the duration of the call. For a
    // handle, that it came from the matching `_create` function and was
    // not freed; handles are immutable, so shared references are sound
    // across threads.
    Ok(unsafe { &*ptr })
}

/// The object behind an optional input pointer (NULL means "the defaults").
pub(crate) fn opt_ref<'a, T>(ptr: *const T, name: &str) -> FfiResult<Option<&'a T>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        in_ref(ptr, name).map(Some)
    }
}

/// The object behind a required handle argument.
pub(crate) fn handle_ref<'a, T>(ptr: *const T, name: &str) -> FfiResult<&'a T> {
    in_ref(ptr, name)
}

/// Drops the object behind a handle made by `Box::into_raw`; NULL does nothing.
pub(crate) fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the C contract of every `_free` function: a non-NULL
        // handle came from the matching `_create` (`Box::into_raw` of a
        // `Box<T>`), is freed once, and is not used afterwards.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Checks that two buffers of `a_bytes` and `b_bytes` bytes do not overlap
/// (an output must not alias an input: Rust would see `&T` and `&mut T`
/// to the same memory).
pub(crate) fn check_disjoint(a: (usize, usize, &str), b: (usize, usize, &str)) -> FfiResult<()> {
    let (a_at, a_len, a_name) = a;
    let (b_at, b_len, b_name) = b;
    if a_len == 0 || b_len == 0 {
        return Ok(());
    }
    // Both regions were checked not to wrap around.
    if a_at < b_at + b_len && b_at < a_at + a_len {
        return Err(Failure::new(
            patch_status::InvalidArgument,
            format!(
                "`{a_name}` ({a_len} bytes at {a_at:#x}) overlaps `{b_name}` ({b_len} bytes at {b_at:#x}); the output must be a separate buffer"
            ),
        ));
    }
    Ok(())
}

/// The address and byte length of a slice, for [`check_disjoint`].
pub(crate) fn region<'n, T>(s: &[T], name: &'n str) -> (usize, usize, &'n str) {
    (s.as_ptr().addr(), std::mem::size_of_val(s), name)
}

/// The two-call idiom of every array getter: `len` entries of `T`, written
/// by `write` into `buf` (`buf_len` entries), and `len` written to
/// `*out_len` (when not NULL).
///
/// `buf = NULL, buf_len = 0` only reports the length. A shorter buffer is
/// `PATCH_STATUS_BUFFER_SIZE` and nothing is written; a longer one keeps
/// its tail. `unit` names what `buf_len` counts ("entries", "bytes").
pub(crate) fn two_call<T>(
    len: usize,
    buf: *mut T,
    buf_len: usize,
    out_len: *mut usize,
    (buf_name, unit, what): (&str, &str, &str),
    write: impl FnOnce(&mut [T]) -> FfiResult<()>,
) -> FfiResult<()> {
    let out_len = out_opt(out_len, "out_len")?;
    if !(buf.is_null() && buf_len == 0) {
        let dst = slice_out(buf, buf_len, buf_name)?;
        if dst.len() < len {
            return Err(Failure::new(
                patch_status::BufferSize,
                format!("`{buf_name}` holds {buf_len} {unit} but {what} needs {len}"),
            ));
        }
        write(&mut dst[..len])?;
    }
    if let Some(n) = out_len {
        *n = len;
    }
    Ok(())
}

/// [`two_call`] for a getter that copies `src` (counted in entries).
pub(crate) fn copy_array<T: Copy>(
    src: &[T],
    buf: *mut T,
    buf_len: usize,
    out_len: *mut usize,
    buf_name: &str,
    what: &str,
) -> FfiResult<()> {
    two_call(
        src.len(),
        buf,
        buf_len,
        out_len,
        (buf_name, "entries", what),
        |dst| {
            dst.copy_from_slice(src);
            Ok(())
        },
    )
}
