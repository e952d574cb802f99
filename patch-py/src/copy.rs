//! Copies and folds: numpy arrays in and out of patch-core's typed
//! `extract_into_with` and `fold_into`, with the GIL released while large
//! ones run.

use numpy::{PyArray, PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use patch_core::{
    DType, ErrorKind, ExtractOptions, FloatElement, PadMode, PatchOrder, Plan, Reduce,
};
use pyo3::prelude::*;

use crate::args::shape_text;
use crate::dtype::{core_dtype, to_descr, with_type};
use crate::error::{Result, error, invalid, type_error};
use crate::fill::fill;
use crate::input::{
    Input, as_array, is_plain, is_writeable, overlaps, plain_range, plain_slice, plain_slice_mut,
};

/// Copies and folds of at least this many bytes release the GIL while they
/// run (below it, releasing and taking it back costs more than the copy).
const RELEASE_GIL_BYTES: usize = 64 * 1024;

/// Runs `f`, without the GIL when the work is `bytes` or more.
fn run<F>(py: Python<'_>, bytes: usize, f: F) -> Result<()>
where
    F: FnOnce() -> patch_core::Result<()> + Send,
{
    if bytes >= RELEASE_GIL_BYTES {
        py.detach(f)?;
    } else {
        f()?;
    }
    Ok(())
}

/// The destination of a copy: `out` when given (checked: an ndarray of
/// dtype `T`, one of `shapes`, C-contiguous, aligned, writeable, not
/// overlapping `src`), else a new zeroed array of `shapes[0]`.
fn destination<'py, T: numpy::Element + patch_core::Element>(
    py: Python<'py>,
    out: Option<&Bound<'py, PyAny>>,
    shapes: &[&[usize]],
    src: &std::ops::Range<usize>,
) -> Result<Bound<'py, PyUntypedArray>> {
    let Some(out) = out.filter(|o| !o.is_none()) else {
        return Ok(PyArray::<T, numpy::IxDyn>::zeros(py, shapes[0], false)
            .into_any()
            .cast_into()
            .map_err(PyErr::from)?);
    };
    let out = out.cast::<PyUntypedArray>().map_err(|_| {
        type_error(format!(
            "out must be a numpy array, not {}",
            crate::args::type_name(out)
        ))
    })?;
    if core_dtype(&out.dtype())? != T::DTYPE {
        return Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "out has dtype {} but the copy writes {}",
                out.dtype(),
                T::DTYPE.name()
            ),
        ));
    }
    if !shapes.contains(&out.shape()) {
        let want: Vec<String> = shapes.iter().map(|s| shape_text(s)).collect();
        return Err(error(
            ErrorKind::BufferSize,
            format!(
                "out has shape {} but the copy needs {}",
                shape_text(out.shape()),
                want.join(" or ")
            ),
        ));
    }
    if !is_plain(out) || !is_writeable(out) {
        return Err(invalid("out must be C-contiguous, aligned and writeable"));
    }
    if overlaps(&plain_range(out), src) {
        return Err(invalid("out overlaps the memory of the input"));
    }
    Ok(out.clone())
}

/// Copies the patches of `input` through `plan` (made from `input.layout`)
/// into `out` or a new array of `shapes[0]`, in `order`, constant padding
/// reading `fill`, as elements of `dtype` (the input's by default: copies
/// into another type are refused by patch-core until conversion lands).
#[allow(clippy::too_many_arguments)]
pub(crate) fn extract<'py>(
    input: &Input<'py>,
    plan: &Plan,
    order: PatchOrder,
    mode: PadMode,
    fill_value: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
    shapes: &[&[usize]],
) -> Result<Bound<'py, PyAny>> {
    let src = core_dtype(&input.dtype())?;
    let out = out.filter(|o| !o.is_none());
    let dst = match (dtype.filter(|d| !d.is_none()), out) {
        (Some(d), _) => core_dtype(&to_descr(d)?)?,
        (None, Some(o)) => match o.cast::<PyUntypedArray>() {
            Ok(o) => core_dtype(&o.dtype())?,
            Err(_) => src,
        },
        (None, None) => src,
    };
    if dst != src {
        // A converting copy (into float32 or float64; patch-core refuses
        // other destinations, with its own message, before anything is
        // allocated or written).
        return with_type!(src, S => with_type!(dst, D => {
            if !dst.is_conversion_target() {
                let refused = plan.extract_into_with::<S, D>(&[], &mut [], &ExtractOptions::new());
                return Err(match refused {
                    Err(e) => e.into(),
                    Ok(()) => error(ErrorKind::UnsupportedDtype, "conversion refused"),
                });
            }
            extract_typed::<S, D>(input, plan, order, fill::<D>(fill_value, mode)?, out, shapes)
        }));
    }
    with_type!(src, T => extract_typed::<T, T>(input, plan, order, fill::<T>(fill_value, mode)?, out, shapes))
}

/// Copies the patches of `input` (elements `S`) into a new array or `out`
/// of `D`: the same type, or a float type `S` converts to.
fn extract_typed<'py, S, D>(
    input: &Input<'py>,
    plan: &Plan,
    order: PatchOrder,
    fill: D,
    out: Option<&Bound<'py, PyAny>>,
    shapes: &[&[usize]],
) -> Result<Bound<'py, PyAny>>
where
    S: numpy::Element + patch_core::Element,
    D: numpy::Element + patch_core::Element,
{
    let py = input.array.py();
    let src = input.slice::<S>()?;
    let dst = destination::<D>(py, out, shapes, &input.byte_range())?;
    // SAFETY: `destination` returned a new array or an `out` it checked to
    // be C-contiguous, aligned, writeable, of element type `D` and not
    // overlapping the input's memory, the only other slice of this call.
    let dst_slice = unsafe { plain_slice_mut::<D>(&dst) };
    let opts = ExtractOptions::new().order(order).fill(fill);
    run(py, plan.copy_bytes(), || {
        plan.extract_into_with(src, dst_slice, &opts)
    })?;
    Ok(dst.into_any())
}

/// `patches` as a C-contiguous, aligned numpy array of `T` (a copy when
/// they are not one already: folds read one flat buffer).
fn plain_patches<'py>(patches: Bound<'py, PyUntypedArray>) -> Result<Bound<'py, PyUntypedArray>> {
    if is_plain(&patches) {
        return Ok(patches);
    }
    let py = patches.py();
    static ASCONTIGUOUS: pyo3::sync::PyOnceLock<Py<PyAny>> = pyo3::sync::PyOnceLock::new();
    let f = ASCONTIGUOUS.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("numpy")?.getattr("ascontiguousarray")?.unbind())
    })?;
    Ok(f.bind(py)
        .call1((patches,))?
        .cast_into()
        .map_err(PyErr::from)?)
}

/// Folds `patches` (shape `shapes[..]`: the copy shape in `order`, or the
/// view shape) back through `plan` (a C-contiguous layout of the patches'
/// item size, made by `plan_for(itemsize)`) into `out` or a new array of the
/// input's shape.
pub(crate) fn fold<'py>(
    patches: &Bound<'py, PyAny>,
    plan_for: impl FnOnce(usize) -> Result<std::sync::Arc<Plan>>,
    order: PatchOrder,
    reduce: &Reduce,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let patches = as_array(patches, "patches")?;
    let t = core_dtype(&patches.dtype())?;
    let plan = plan_for(patches.dtype().itemsize())?;
    let copy = plan.copy_shape(order);
    let mut shapes: Vec<&[usize]> = vec![&copy];
    if order == PatchOrder::PatchMajor {
        shapes.push(plan.shape());
    }
    if !shapes.contains(&patches.shape()) {
        let want: Vec<String> = shapes.iter().map(|s| shape_text(s)).collect();
        return Err(error(
            ErrorKind::BufferSize,
            format!(
                "patches of shape {} do not fit this geometry, which needs {}",
                shape_text(patches.shape()),
                want.join(" or ")
            ),
        ));
    }
    match t {
        DType::F32 => fold_typed::<f32>(patches, &plan, order, reduce, out),
        DType::F64 => fold_typed::<f64>(patches, &plan, order, reduce, out),
        other => Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "folds add and average: the patches must be float32 or float64, not {}",
                other.name()
            ),
        )),
    }
}

fn fold_typed<'py, T: numpy::Element + FloatElement>(
    patches: Bound<'py, PyUntypedArray>,
    plan: &Plan,
    order: PatchOrder,
    reduce: &Reduce,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let py = patches.py();
    let patches = plain_patches(patches)?;
    let src = plain_slice::<T>(&patches);
    let dst = destination::<T>(py, out, &[plan.layout().shape()], &plain_range(&patches))?;
    // SAFETY: as in `extract_typed`: `out` was checked not to overlap the
    // patches, the only other slice of this call.
    let dst_slice = unsafe { plain_slice_mut::<T>(&dst) };
    run(py, plan.copy_bytes(), || {
        plan.fold_into(src, dst_slice, order, reduce)
    })?;
    Ok(dst.into_any())
}

/// A new zeroed array of `shape` and the dtype of `descr` (for results with
/// no patches, which need no plan), or `out` checked against it.
pub(crate) fn empty<'py>(
    py: Python<'py>,
    dtype: DType,
    shape: &[usize],
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    with_type!(dtype, T => Ok(destination::<T>(py, out, &[shape], &(0..0))?.into_any()))
}
