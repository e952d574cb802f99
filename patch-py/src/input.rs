//! Inputs: any numpy array, any object with the buffer protocol, any object
//! with `__dlpack__`, described to patch-core as a [`Layout`] over the
//! span of memory it reaches.
//!
//! numpy arrays are taken as they are (any strides, negative and zero
//! included, any offset into their base). Other objects become a numpy
//! array over the same memory, without a copy: `numpy.from_dlpack(obj)`
//! for `__dlpack__` (torch, jax, cupy on the CPU, ...), `numpy.asarray(
//! memoryview(obj))` for the buffer protocol (`bytes`, `bytearray`,
//! `array.array`, `memoryview`, ...). The numpy array keeps the object
//! alive: a view made from it does too.

use numpy::npyffi::{NPY_ARRAY_ALIGNED, NPY_ARRAY_C_CONTIGUOUS, NPY_ARRAY_WRITEABLE};
use numpy::{PyArrayDescr, PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use patch_core::{Element, Layout};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyMemoryView;

use crate::args::type_name;
use crate::error::{Result, invalid, type_error};

/// A numpy function, looked up once.
fn numpy_fn<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || Ok(py.import("numpy")?.getattr(name)?.unbind()))
        .map(|f| f.bind(py))
}

/// `obj` as a numpy array over the same memory (see the module docs), or
/// `TypeError` naming `what`.
pub(crate) fn as_array<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> Result<Bound<'py, PyUntypedArray>> {
    static FROM_DLPACK: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if let Ok(a) = obj.cast::<PyUntypedArray>() {
        return Ok(a.clone());
    }
    let py = obj.py();
    let array = if obj.hasattr("__dlpack__")? {
        numpy_fn(py, &FROM_DLPACK, "from_dlpack")?.call1((obj,))?
    } else if let Ok(view) = PyMemoryView::from(obj) {
        numpy_fn(py, &ASARRAY, "asarray")?.call1((view,))?
    } else {
        return Err(type_error(format!(
            "{what} must be a numpy array, an object with the buffer protocol or with __dlpack__, not {}",
            type_name(obj)
        )));
    };
    Ok(array.cast_into::<PyUntypedArray>().map_err(PyErr::from)?)
}

/// An array as patch-core sees it: a [`Layout`] in elements whose offset
/// counts from the lowest byte the array reaches (`base`), and the number
/// of elements from there to the highest one it reaches.
pub(crate) struct Input<'py> {
    /// The array (keeps its memory alive).
    pub(crate) array: Bound<'py, PyUntypedArray>,
    pub(crate) layout: Layout,
    base: *mut u8,
    len: usize,
}

fn flags(a: &Bound<'_, PyUntypedArray>) -> i32 {
    // SAFETY: `a` is a live numpy array (checked by its type), so its
    // object holds the fields numpy's C API defines; reading `flags` is
    // what numpy's own `PyArray_FLAGS` macro does.
    unsafe { (*numpy::npyffi::_PyArray_GET_ITEM_DATA(a.as_array_ptr())).flags }
}

/// The address of element `[0, 0, ...]` of `a`.
pub(crate) fn data_ptr(a: &Bound<'_, PyUntypedArray>) -> *mut u8 {
    // SAFETY: as in `flags`: numpy's `PyArray_DATA`.
    unsafe {
        (*numpy::npyffi::_PyArray_GET_ITEM_DATA(a.as_array_ptr()))
            .data
            .cast()
    }
}

/// Whether `a` is C-contiguous and aligned (a plain buffer patch-core can
/// write or read as one slice).
pub(crate) fn is_plain(a: &Bound<'_, PyUntypedArray>) -> bool {
    let f = flags(a);
    f & NPY_ARRAY_C_CONTIGUOUS != 0 && f & NPY_ARRAY_ALIGNED != 0
}

/// Whether numpy lets `a` be written.
pub(crate) fn is_writeable(a: &Bound<'_, PyUntypedArray>) -> bool {
    flags(a) & NPY_ARRAY_WRITEABLE != 0
}

impl<'py> Input<'py> {
    /// Converts `obj` (see [`as_array`]) and describes it.
    pub(crate) fn new(obj: &Bound<'py, PyAny>, what: &str) -> Result<Self> {
        Input::of(as_array(obj, what)?, what)
    }

    /// Describes the numpy array `array`.
    pub(crate) fn of(array: Bound<'py, PyUntypedArray>, what: &str) -> Result<Self> {
        let itemsize = array.dtype().itemsize();
        let shape = array.shape().to_vec();
        let empty = shape.contains(&0);
        let item = itemsize.max(1) as isize;
        // Byte strides into element strides. numpy gives any stride to an
        // axis of length 1 (never multiplied by a non-zero index): those
        // become 0 when they are not whole elements.
        let strides = array
            .strides()
            .iter()
            .zip(&shape)
            .map(|(&s, &n)| match s % item {
                0 => Ok(s / item),
                _ if n <= 1 => Ok(0),
                _ => Err(invalid(format!(
                    "{what} has byte strides {}, which are not whole {itemsize}-byte elements (a field of a packed structured array?); copy it with numpy.ascontiguousarray first",
                    crate::args::shape_text(array.strides())
                ))),
            })
            .collect::<Result<Vec<isize>>>()?;
        let data = data_ptr(&array);
        if empty {
            let layout = Layout::new(&shape, &strides, 0, itemsize)?;
            return Ok(Input {
                array,
                layout,
                base: data,
                len: 0,
            });
        }
        // The lowest reachable element is `below` elements before the
        // data pointer (negative strides), the highest `above` after it.
        let (mut below, mut above) = (0usize, 0usize);
        for (&n, &s) in shape.iter().zip(&strides) {
            let span = (n - 1).checked_mul(s.unsigned_abs());
            let span = span.ok_or_else(|| invalid(format!("{what} spans more than usize")))?;
            if s < 0 {
                below = below.saturating_add(span);
            } else {
                above = above.saturating_add(span);
            }
        }
        let layout = Layout::new(&shape, &strides, below, itemsize)?;
        // Checked by `Layout::new`: `below + above` elements fit isize bytes.
        let len = below + above + 1;
        Ok(Input {
            array,
            layout,
            base: data.wrapping_sub(below * itemsize),
            len,
        })
    }

    /// The dtype of the array.
    pub(crate) fn dtype(&self) -> Bound<'py, PyArrayDescr> {
        self.array.dtype()
    }

    /// The bytes the array reaches, as an address range (for overlap checks).
    pub(crate) fn byte_range(&self) -> std::ops::Range<usize> {
        let start = self.base as usize;
        start..start + self.len * self.layout.itemsize()
    }

    /// The span the array reaches as a slice of `T`, to read.
    ///
    /// `T` must be the array's element type (its dtype mapped by
    /// [`crate::dtype::core_dtype`]); the data must be aligned for `T`.
    pub(crate) fn slice<T: Element>(&self) -> Result<&[T]> {
        if self.len == 0 {
            return Ok(&[]);
        }
        debug_assert_eq!(size_of::<T>(), self.layout.itemsize());
        if !(self.base as usize).is_multiple_of(align_of::<T>()) {
            return Err(invalid(format!(
                "the data of this {} array at address {:#x} is not aligned to {} bytes; copy it with numpy.ascontiguousarray first",
                T::DTYPE.name(),
                self.base as usize,
                align_of::<T>()
            )));
        }
        // SAFETY: numpy guarantees that every element the array reaches
        // lies in memory its base owns and keeps alive while `self.array`
        // lives (it is borrowed for the slice's lifetime). `base` is the
        // lowest reachable element and `len` counts elements up to the
        // highest one, so the slice covers exactly that memory; it is
        // aligned (checked above) and `T` is the array's element type, of
        // which every bit pattern is a valid value. Another thread may
        // write the memory while a copy reads it, as it may for numpy's own
        // copies: the values read are then unspecified, never out of bounds.
        Ok(unsafe { std::slice::from_raw_parts(self.base.cast::<T>(), self.len) })
    }
}

/// A C-contiguous, aligned numpy array as a slice of `T` (the caller
/// checked [`is_plain`] and that `T` is its element type), to read.
pub(crate) fn plain_slice<'a, T: Element>(a: &'a Bound<'_, PyUntypedArray>) -> &'a [T] {
    let n = a.len();
    if n == 0 {
        return &[];
    }
    // SAFETY: `a` is C-contiguous and aligned (the caller checked
    // `is_plain`), so its `n` elements of type `T` lie one after another
    // from its data pointer, in memory kept alive while `a` is borrowed.
    unsafe { std::slice::from_raw_parts(data_ptr(a).cast::<T>(), n) }
}

/// A C-contiguous, aligned, writeable numpy array as a slice of `T`, to
/// write.
///
/// # Safety
///
/// The caller checked [`is_plain`], [`is_writeable`] and that `T` is the
/// array's element type, and no other Rust reference to its memory exists
/// while the slice lives (no input slice overlaps it: [`overlaps`]).
// The slice borrows the array object (which keeps the memory alive), not
// the memory itself, which numpy owns: exclusivity is the caller's promise.
#[allow(clippy::mut_from_ref)]
pub(crate) unsafe fn plain_slice_mut<'a, T: Element>(
    a: &'a Bound<'_, PyUntypedArray>,
) -> &'a mut [T] {
    let n = a.len();
    if n == 0 {
        return &mut [];
    }
    // SAFETY: as in `plain_slice`; numpy allows writing the array (its
    // WRITEABLE flag), and the caller guarantees that this is the only
    // Rust reference to its memory (see the function's contract).
    unsafe { std::slice::from_raw_parts_mut(data_ptr(a).cast::<T>(), n) }
}

/// The byte range of a C-contiguous array, for overlap checks.
pub(crate) fn plain_range(a: &Bound<'_, PyUntypedArray>) -> std::ops::Range<usize> {
    let start = data_ptr(a) as usize;
    start..start + a.len() * a.dtype().itemsize()
}

/// Whether two address ranges share a byte.
pub(crate) fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}
