//! Patch views as numpy arrays: the input's memory through the plan's
//! shape and byte strides, with the input as the view's base.

use numpy::PyArrayDescrMethods;
use numpy::npyffi::{NPY_ARRAY_WRITEABLE, NpyTypes, PY_ARRAY_API, get_type_object};
use patch_core::Plan;
use pyo3::prelude::*;

use crate::error::{Result, invalid};
use crate::input::{Input, data_ptr, is_writeable};

/// The patch view of `input` through `plan` (which must be a view, and was
/// made from `input.layout`): a numpy array sharing `input`'s memory and
/// keeping it alive. Read-only unless `writeable`, which needs a plan whose
/// positions cannot alias (`Plan::check_writable`) and a writeable input.
pub(crate) fn view<'py>(
    input: &Input<'py>,
    plan: &Plan,
    writeable: bool,
) -> Result<Bound<'py, PyAny>> {
    let py = input.array.py();
    let mut strides: Vec<isize> = plan.view_byte_strides()?.to_vec();
    if writeable {
        plan.check_writable()?;
        if !is_writeable(&input.array) {
            return Err(invalid(
                "the array is read-only, so no writeable view of it can be made",
            ));
        }
    }
    debug_assert_eq!(plan.layout(), &input.layout);
    let mut dims: Vec<isize> = plan.shape().iter().map(|&n| n as isize).collect();
    let descr = input.dtype().into_dtype_ptr();
    let flags = if writeable { NPY_ARRAY_WRITEABLE } else { 0 };
    // SAFETY: the type object and descriptor come from numpy's C API (the
    // descriptor's reference is handed over, as PyArray_NewFromDescr
    // steals it); `dims` and `strides` hold one entry per axis of the
    // view and outlive the call, which copies them. The data pointer is
    // the input's element [0, ...] and plan.layout() is input.layout, so
    // patch-core checked that every element the view reaches lies in the
    // memory the input reaches: the view cannot read outside it.
    let raw = unsafe {
        PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            get_type_object(py, NpyTypes::PyArray_Type),
            descr,
            dims.len() as i32,
            dims.as_mut_ptr(),
            strides.as_mut_ptr(),
            data_ptr(&input.array).cast(),
            flags,
            std::ptr::null_mut(),
        )
    };
    // SAFETY: `raw` is a new reference or NULL with the Python error set.
    let view = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
    let base = input.array.clone().into_any().unbind();
    // SAFETY: `view` is the numpy array just made, and PyArray_SetBaseObject
    // steals the reference to `base` (the input array, which owns or keeps
    // alive the memory the view reads), also when it fails.
    let status =
        unsafe { PY_ARRAY_API.PyArray_SetBaseObject(py, view.as_ptr().cast(), base.into_ptr()) };
    if status != 0 {
        return Err(PyErr::fetch(py).into());
    }
    Ok(view)
}
