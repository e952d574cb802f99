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

/// Checks that the buffer `name` at `addr` is aligned to `align` bytes
/// (for buffers passed as bytes that a call reads as wider elements).
pub(crate) fn check_align(addr: usize, align: usize, name: &str) -> FfiResult<()> {
    if !addr.is_multiple_of(align) {
        return Err(Failure::new(
            patch_status::InvalidArgument,
            format!("`{name}` (address {addr:#x}) is misaligned for {align}-byte alignment"),
        ));
    }
    Ok(())
}

/// Checks a non-NULL pointer to `len` elements of `T`: aligned, and a byte
/// length that fits `isize` (what `slice::from_raw_parts` needs).
fn check_region<T>(addr: usize, len: usize, name: &str) -> FfiResult<()> {
    check_align(addr, align_of::<T>(), name)?;
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

/// Where a caller's buffer lies: its address and byte length, and its
/// argument name for messages. Compared before any reference to an output
/// exists, so that an output overlapping an input is refused without ever
/// holding a `&mut` and a `&` to the same bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Region<'n> {
    addr: usize,
    bytes: usize,
    name: &'n str,
}

/// The region of a slice.
pub(crate) fn region<'n, T>(s: &[T], name: &'n str) -> Region<'n> {
    Region {
        addr: s.as_ptr().addr(),
        bytes: std::mem::size_of_val(s),
        name,
    }
}

/// Checks that `a` and `b` do not overlap (an output must not alias an
/// input: Rust would see `&T` and `&mut T` to the same memory).
fn check_disjoint(a: Region<'_>, b: Region<'_>) -> FfiResult<()> {
    if a.bytes == 0 || b.bytes == 0 {
        return Ok(());
    }
    // Both regions were checked not to wrap around the address space.
    let overlap =
        a.addr < b.addr.saturating_add(b.bytes) && b.addr < a.addr.saturating_add(a.bytes);
    if overlap {
        return Err(Failure::new(
            patch_status::InvalidArgument,
            format!(
                "`{}` ({} bytes at {:#x}) overlaps `{}` ({} bytes at {:#x}); the output must be a separate buffer",
                a.name, a.bytes, a.addr, b.name, b.bytes, b.addr
            ),
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
    // Inputs are only read, so they may overlap each other.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// `len` elements written through `ptr` (NULL is allowed when `len == 0`),
/// which must not overlap any of `inputs` (the regions of the slices the
/// call reads): that is checked before the `&mut` is made.
pub(crate) fn slice_out<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &str,
    inputs: &[Region<'_>],
) -> FfiResult<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(null(name, Some(len)));
    }
    check_region::<T>(ptr.addr(), len, name)?;
    let this = Region {
        addr: ptr.addr(),
        bytes: len * size_of::<T>(),
        name,
    };
    for input in inputs {
        check_disjoint(*input, this)?;
    }
    // SAFETY: non-NULL, aligned, byte length within `isize` (checked above),
    // and disjoint from every slice the call reads (checked above). The C
    // contract of every output buffer is that it addresses `len` writable
    // elements, alive for the call and not accessed by anyone else during
    // it.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// A required out-parameter: a checked pointer to one `T`, written once by
/// [`Out::set`] when the call succeeds. It holds no `&mut` in between, so
/// an out-parameter that aliases an input or another out-parameter (a
/// caller's mistake) makes wrong results, never undefined behaviour.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Writes the result.
    pub(crate) fn set(self, value: T) {
        // SAFETY: `ptr` is non-NULL and aligned (checked by `out_ref`); the
        // C contract of an out-parameter is that it points to one writable
        // `T`. The write is the last thing the call does with any memory
        // the pointer may alias, and `T` is a plain C type (an integer, a
        // bool or a pointer), so nothing is dropped.
        unsafe { self.ptr.write(value) }
    }
}

/// The target of a required out-parameter.
pub(crate) fn out_ref<T>(ptr: *mut T, name: &str) -> FfiResult<Out<T>> {
    if ptr.is_null() {
        return Err(null(name, None));
    }
    check_region::<T>(ptr.addr(), 1, name)?;
    Ok(Out { ptr })
}

/// The target of an optional out-parameter (NULL means "not wanted").
pub(crate) fn out_opt<T>(ptr: *mut T, name: &str) -> FfiResult<Option<Out<T>>> {
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

/// The object behind a required handle argument that the call changes (a
/// stream's state).
pub(crate) fn handle_mut<'a, T>(ptr: *mut T, name: &str) -> FfiResult<&'a mut T> {
    if ptr.is_null() {
        return Err(null(name, None));
    }
    check_region::<T>(ptr.addr(), 1, name)?;
    // SAFETY: non-NULL and aligned (checked above); the C contract of a
    // mutable handle (a `patch_framer *`, a `patch_overlap_adder *`) is
    // that it came from the matching `_create`, was not freed, and is used
    // by one call at a time (a stream is not shared between threads
    // without a lock), so no other reference to it exists during the call.
    Ok(unsafe { &mut *ptr })
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

/// The two-call idiom of every array getter: `len` entries of `T`, written
/// by `write` into `buf` (`buf_len` entries), and `len` written to
/// `*out_len` (when not NULL).
///
/// `buf = NULL, buf_len = 0` only reports the length. A shorter buffer is
/// `PATCH_STATUS_BUFFER_SIZE` and nothing is written; a longer one keeps
/// its tail. `unit` names what `buf_len` counts ("entries", "bytes");
/// `inputs` are the regions `write` reads, which `buf` must not overlap.
pub(crate) fn two_call<T>(
    len: usize,
    (buf, buf_len, out_len): (*mut T, usize, *mut usize),
    (buf_name, unit, what): (&str, &str, &str),
    inputs: &[Region<'_>],
    write: impl FnOnce(&mut [T]) -> FfiResult<()>,
) -> FfiResult<()> {
    let out_len = out_opt(out_len, "out_len")?;
    if !(buf.is_null() && buf_len == 0) {
        let dst = slice_out(buf, buf_len, buf_name, inputs)?;
        if dst.len() < len {
            return Err(Failure::new(
                patch_status::BufferSize,
                format!("`{buf_name}` holds {buf_len} {unit} but {what} needs {len}"),
            ));
        }
        write(&mut dst[..len])?;
    }
    if let Some(n) = out_len {
        n.set(len);
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
        (buf, buf_len, out_len),
        (buf_name, "entries", what),
        &[region(src, what)],
        |dst| {
            dst.copy_from_slice(src);
            Ok(())
        },
    )
}
