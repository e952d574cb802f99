//! The Python door of patch-core: the extension module `stridepatch._native`,
//! re-exported by the `stridepatch` package (`patch-py/python/stridepatch`).
//!
//! A thin translation: geometry, checks and copies are patch-core's; this
//! crate converts Python arguments into patch-core values, numpy arrays
//! into layouts and slices, engine errors into `PatchError`, and owns the
//! lifetimes (a view's base is its input). Its modules:
//!
//! - `args`: ints, sequences, modes, orders, padding, reductions;
//! - `geometry`: numpy-style `window_shape`/`axis`/`whole` into a spec;
//! - `input`: arrays, buffers and DLPack objects into layouts and slices;
//! - `dtype`, `fill`: element types and typed fill values;
//! - `view`, `copy`: numpy views, copies and folds;
//! - `plan`: the reusable `Plan` class; `error`: `PatchError`.

use patch_core::{
    AxisRole, ErrorKind, Layout, PadMode, PatchOrder, PatchSpec, Plan, Reduce, Window,
};
use pyo3::prelude::*;

mod args;
mod copy;
mod dtype;
mod error;
mod fill;
mod geometry;
mod input;
mod plan;
mod view;

use error::{PatchError, Result, error};
use geometry::GeometryArgs;
use input::{Input, as_array};

/// `reduce=` and `sigma_scale=` into a [`Reduce`] (default mean).
pub(crate) fn reduce_arg(
    reduce: Option<&Bound<'_, PyAny>>,
    sigma_scale: Option<f64>,
) -> Result<Reduce> {
    match reduce.filter(|r| !r.is_none()) {
        Some(r) => args::reduce(r, sigma_scale),
        None if sigma_scale.is_some() => Err(error::invalid(
            "sigma_scale is only used with reduce='gaussian'",
        )),
        None => Ok(Reduce::Mean),
    }
}

/// A copy of the patches of `input` through `plan`, into the copy shape
/// in `order` (or, patch-major, the view shape for `out=`).
pub(crate) fn extract_with<'py>(
    input: &Input<'py>,
    plan: &Plan,
    order: PatchOrder,
    mode: PadMode,
    fill: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let copy_shape = plan.copy_shape(order);
    let mut shapes: Vec<&[usize]> = vec![&copy_shape];
    if order == PatchOrder::PatchMajor {
        shapes.push(plan.shape());
    }
    copy::extract(input, plan, order, mode, fill, dtype, out, &shapes)
}

/// A view of ``x`` as sliding windows, sharing its memory.
///
/// Equal to ``numpy.lib.stride_tricks.sliding_window_view(x, window_shape,
/// axis)[..., ::step, ...]`` (with ``dilation``, every ``dilation``-th
/// sample of a window of extent ``dilation*(size-1)+1``) in shape, strides
/// and values, but checked by the engine: it can never reach outside
/// ``x``. The view is read-only unless ``writeable=True`` and no two of its
/// positions reach the same element (non-overlapping windows of a
/// writeable array); it keeps ``x`` alive.
///
/// Parameters
/// ----------
/// x : numpy array, buffer or object with ``__dlpack__``
///     Any dtype, any strides (negative and zero too).
/// window_shape : int or sequence of int
///     The window size along each window axis.
/// axis : int or sequence of int, optional
///     The window axes (negative from the end, increasing); every axis by
///     default. The other axes stay outside the windows, as in numpy.
/// step, dilation : int or sequence of int, default 1
///     Distance between windows, and between the samples of a window.
/// writeable : bool, default False
///
/// Returns
/// -------
/// numpy.ndarray
///     Shape: the other axes and each window axis's window count, then the
///     window shape.
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> x = np.arange(10)
/// >>> sp.windows(x, 4, step=3)
/// array([[0, 1, 2, 3],
///        [3, 4, 5, 6],
///        [6, 7, 8, 9]])
/// >>> img = np.zeros((6, 8), np.float32)
/// >>> sp.windows(img, (3, 3), dilation=2).shape
/// (2, 4, 3, 3)
#[pyfunction]
#[pyo3(signature = (x, window_shape, axis=None, step=None, dilation=None, writeable=false),
       text_signature = "(x, window_shape, axis=None, step=1, dilation=1, writeable=False)")]
fn windows<'py>(
    x: &Bound<'py, PyAny>,
    window_shape: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
    step: Option<&Bound<'py, PyAny>>,
    dilation: Option<&Bound<'py, PyAny>>,
    writeable: bool,
) -> Result<Bound<'py, PyAny>> {
    let input = Input::new(x, "x")?;
    let g = GeometryArgs {
        window_shape,
        axis,
        step,
        dilation,
        whole: None,
        padding: None,
        mode: None,
    }
    .resolve(input.layout.ndim())?;
    let plan = Plan::new(&input.layout, &g.spec, &g.padding)?;
    view::view(&input, &plan, writeable)
}

/// A view of images as non-overlapping tiles (ViT patches), sharing memory.
///
/// ``tile_shape`` windows with step = size over the axes before (or,
/// ``channels='first'``, after) the channel axis; the channel axis goes
/// whole into every tile; leading axes are batch axes. Tiles that do not
/// fit at the border are dropped. For an HWC image the view is
/// ``(H//p, W//p, p, p, C)``; for a CHW image (``channels='first'``)
/// ``(H//p, W//p, C, p, p)``; with ``channels=None`` every trailing axis is
/// tiled.
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> img = np.zeros((224, 224, 3), np.uint8)
/// >>> v = sp.tiles(img, (16, 16))
/// >>> v.shape, v.strides
/// ((14, 14, 16, 16, 3), (10752, 48, 672, 3, 1))
/// >>> sp.tiles(np.zeros((8, 3, 32, 32)), (8, 8), channels='first').shape
/// (8, 4, 4, 3, 8, 8)
#[pyfunction]
#[pyo3(signature = (x, tile_shape, *, channels=Some("last".to_string()), writeable=false),
       text_signature = "(x, tile_shape, *, channels='last', writeable=False)")]
fn tiles<'py>(
    x: &Bound<'py, PyAny>,
    tile_shape: &Bound<'py, PyAny>,
    channels: Option<String>,
    writeable: bool,
) -> Result<Bound<'py, PyAny>> {
    let input = Input::new(x, "x")?;
    let tile = args::sizes(tile_shape, "tile_shape")?;
    let g = geometry::tiles(input.layout.ndim(), &tile, channels.as_deref())?;
    let plan = Plan::new(&input.layout, &g.spec, &g.padding)?;
    view::view(&input, &plan, writeable)
}

/// Copies the patches of ``x`` into a contiguous array, padding as it goes.
///
/// The geometry is :func:`windows`'s, plus ``whole`` axes (inside every
/// patch: the channels of an HWC image) and padding. The result is the
/// patch matrix ``(num_patches, patch_len)`` (``order='patch'``: ViT
/// tokens, ``windows(...).reshape(num_patches, -1)``) or ``(patch_len,
/// num_patches)`` (``order='feature'``: im2col, torch's ``F.unfold``
/// columns), written in one pass.
///
/// Parameters
/// ----------
/// x : numpy array, buffer or object with ``__dlpack__``
///     uint8..uint64, int8..int64, float32 or float64; any strides.
/// window_shape, axis, step, dilation
///     As for :func:`windows`. With ``whole`` and no ``axis``, the window
///     axes are the axes that are not whole.
/// whole : int or sequence of int, optional
///     Axes that go whole into every patch.
/// padding : 'valid', 'same', 'cover', int, (lo, hi) or ((lo, hi), ...)
///     'valid' (default): no padding. 'same': TensorFlow's SAME
///     (``ceil(n / step)`` windows). 'cover': the last window shifted back
///     to end at the border. An int or pairs: explicit padding per window
///     axis, broadcast as ``numpy.pad``'s ``pad_width``.
/// mode : 'constant', 'reflect', 'symmetric', 'edge', 'wrap'
///     What padding reads, with ``numpy.pad``'s names.
/// fill : number, default 0
///     The value constant padding reads, in the destination dtype (refused
///     when it does not fit: 1.5 or 256 for uint8).
/// order : 'patch' or 'feature'
/// dtype : dtype, optional
///     The destination dtype: x's, or float32/float64, converted in the
///     same pass that cuts the patches (normalization options and float16
///     are not in the Python package yet).
/// out : numpy array, optional
///     A C-contiguous array of the result's shape (or, for
///     ``order='patch'``, of the view's shape) and dtype to write into.
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> img = np.arange(4 * 4, dtype=np.float32).reshape(4, 4)
/// >>> p = sp.extract(img, (3, 3), padding='same')
/// >>> p.shape
/// (16, 9)
/// >>> p[0].reshape(3, 3)
/// array([[0., 0., 0.],
///        [0., 0., 1.],
///        [0., 4., 5.]], dtype=float32)
/// >>> sp.extract(np.arange(5), 3, padding=1, mode='reflect')
/// array([[1, 0, 1],
///        [0, 1, 2],
///        [1, 2, 3],
///        [2, 3, 4],
///        [3, 4, 3]])
#[pyfunction]
#[pyo3(signature = (x, window_shape, axis=None, *, step=None, dilation=None, whole=None, padding=None, mode=None, fill=None, order=None, dtype=None, out=None),
       text_signature = "(x, window_shape, axis=None, *, step=1, dilation=1, whole=None, padding='valid', mode='constant', fill=0, order='patch', dtype=None, out=None)")]
#[allow(clippy::too_many_arguments)]
fn extract<'py>(
    x: &Bound<'py, PyAny>,
    window_shape: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
    step: Option<&Bound<'py, PyAny>>,
    dilation: Option<&Bound<'py, PyAny>>,
    whole: Option<&Bound<'py, PyAny>>,
    padding: Option<&Bound<'py, PyAny>>,
    mode: Option<&Bound<'py, PyAny>>,
    fill: Option<&Bound<'py, PyAny>>,
    order: Option<&Bound<'py, PyAny>>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let input = Input::new(x, "x")?;
    let g = GeometryArgs {
        window_shape,
        axis,
        step,
        dilation,
        whole,
        padding,
        mode,
    }
    .resolve(input.layout.ndim())?;
    let order = order.map_or(Ok(PatchOrder::PatchMajor), args::order)?;
    let plan = Plan::new(&input.layout, &g.spec, &g.padding)?;
    extract_with(&input, &plan, order, g.mode, fill, dtype, out)
}

/// Folds patches back into an array of ``shape``: the inverse of
/// :func:`extract` with a reduction where patches overlap.
///
/// ``patches`` are laid out as :func:`extract` returns them for the same
/// geometry (``(num_patches, patch_len)``, ``(patch_len, num_patches)`` with
/// ``order='feature'``, or the view's shape), float32 or float64; patches
/// that are not C-contiguous are copied to a contiguous array first.
/// Patch elements that lie in padding are dropped (as torch's ``F.fold``
/// crops them); elements no patch covers are 0.
///
/// Parameters
/// ----------
/// reduce : 'sum', 'mean', 'overwrite', 'hann', 'gaussian' or weights
///     'sum' adds (torch ``F.fold``); 'mean' (default) averages the patches
///     covering each element (so folding ``extract(x)`` gives back ``x``
///     exactly); 'overwrite': the highest patch index wins; 'hann' and
///     'gaussian' weight each window position (``sigma_scale`` times the
///     window size is the Gaussian's sigma, 0.125 by default) and
///     normalize by the summed weights; a sequence of one weight list per
///     window axis weights by their product.
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> x = np.arange(6, dtype=np.float64)
/// >>> p = sp.extract(x, 3, step=1)
/// >>> sp.fold(p, x.shape, 3, reduce='sum')
/// array([0., 2., 6., 9., 8., 5.])
/// >>> sp.fold(p, x.shape, 3)
/// array([0., 1., 2., 3., 4., 5.])
#[pyfunction]
#[pyo3(signature = (patches, shape, window_shape, axis=None, *, step=None, dilation=None, whole=None, padding=None, reduce=None, sigma_scale=None, order=None, out=None),
       text_signature = "(patches, shape, window_shape, axis=None, *, step=1, dilation=1, whole=None, padding='valid', reduce='mean', sigma_scale=None, order='patch', out=None)")]
#[allow(clippy::too_many_arguments)]
fn fold<'py>(
    patches: &Bound<'py, PyAny>,
    shape: &Bound<'py, PyAny>,
    window_shape: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
    step: Option<&Bound<'py, PyAny>>,
    dilation: Option<&Bound<'py, PyAny>>,
    whole: Option<&Bound<'py, PyAny>>,
    padding: Option<&Bound<'py, PyAny>>,
    reduce: Option<&Bound<'py, PyAny>>,
    sigma_scale: Option<f64>,
    order: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let shape = args::sizes(shape, "shape")?;
    let g = GeometryArgs {
        window_shape,
        axis,
        step,
        dilation,
        whole,
        padding,
        mode: None,
    }
    .resolve(shape.len())?;
    let order = order.map_or(Ok(PatchOrder::PatchMajor), args::order)?;
    let reduce = reduce_arg(reduce, sigma_scale)?;
    copy::fold(
        patches,
        |itemsize| {
            let layout = Layout::contiguous(&shape, itemsize)?;
            Ok(std::sync::Arc::new(Plan::new(
                &layout, &g.spec, &g.padding,
            )?))
        },
        order,
        &reduce,
        out,
    )
}

/// Cuts signals into frames along the last axis, like ``tf.signal.frame``.
///
/// ``signal[..., T]`` becomes ``frames[..., n, frame_length]``: frames of
/// ``frame_length`` samples every ``hop`` samples. Without ``pad_end`` only
/// whole frames (none when the signal is shorter than a frame); with it
/// ``ceil(T / hop)`` frames, the end padded with ``fill``.
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> sp.frame(np.arange(1, 6), 3, 2, pad_end=True, fill=-1)
/// array([[ 1,  2,  3],
///        [ 3,  4,  5],
///        [ 5, -1, -1]])
#[pyfunction]
#[pyo3(signature = (signal, frame_length, hop, *, pad_end=false, fill=None, out=None),
       text_signature = "(signal, frame_length, hop, *, pad_end=False, fill=0, out=None)")]
fn frame<'py>(
    signal: &Bound<'py, PyAny>,
    frame_length: usize,
    hop: usize,
    pad_end: bool,
    fill: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let input = Input::new(signal, "signal")?;
    let shape = input.layout.shape();
    let Some((&len, batch)) = shape.split_last() else {
        return Err(error(
            ErrorKind::RankMismatch,
            "signal must have at least 1 axis (samples last), got a 0-d array",
        ));
    };
    let (n, pad) = patch_core::frame_count(len, frame_length, hop, pad_end)?;
    let mut out_shape = batch.to_vec();
    out_shape.extend([n, frame_length]);
    if n == 0 {
        // No frames: tf.signal.frame's empty result (no window to plan).
        let dtype = dtype::core_dtype(&input.dtype())?;
        return copy::empty(signal.py(), dtype, &out_shape, out);
    }
    let mut roles = vec![AxisRole::Batch; batch.len()];
    roles.push(AxisRole::Window(Window::new(frame_length, hop)));
    let padding = patch_core::Padding::explicit(&[(0, pad)], PadMode::Constant);
    let plan = Plan::new(&input.layout, &PatchSpec::new(roles), &padding)?;
    copy::extract(
        &input,
        &plan,
        PatchOrder::PatchMajor,
        PadMode::Constant,
        fill,
        None,
        out,
        &[&out_shape],
    )
}

/// Adds frames back together at ``hop`` intervals, like
/// ``tf.signal.overlap_and_add``: ``frames[..., n, frame_length]`` becomes
/// ``signal[..., (n-1)*hop + frame_length]`` (float32 or float64).
///
/// Examples
/// --------
/// >>> import numpy as np, stridepatch as sp
/// >>> sp.overlap_add(np.ones((3, 4)), 2)
/// array([1., 1., 2., 2., 2., 2., 1., 1.])
#[pyfunction]
#[pyo3(signature = (frames, hop, *, out=None))]
fn overlap_add<'py>(
    frames: &Bound<'py, PyAny>,
    hop: usize,
    out: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    use numpy::PyUntypedArrayMethods;
    let array = as_array(frames, "frames")?;
    let shape = array.shape().to_vec();
    let [batch @ .., n, frame_length] = &shape[..] else {
        return Err(error(
            ErrorKind::RankMismatch,
            format!(
                "frames must have shape (..., n_frames, frame_length), got {} axes",
                shape.len()
            ),
        ));
    };
    let len = patch_core::overlap_add_len(n * frame_length, *frame_length, hop)?;
    let mut out_shape = batch.to_vec();
    out_shape.push(len);
    if len == 0 {
        let dtype = dtype::core_dtype(&array.dtype())?;
        return copy::empty(frames.py(), dtype, &out_shape, out);
    }
    let mut roles = vec![AxisRole::Batch; batch.len()];
    roles.push(AxisRole::Window(Window::new(*frame_length, hop)));
    let spec = PatchSpec::new(roles);
    copy::fold(
        array.as_any(),
        |itemsize| {
            let layout = Layout::contiguous(&out_shape, itemsize)?;
            Ok(std::sync::Arc::new(Plan::valid(&layout, &spec)?))
        },
        PatchOrder::PatchMajor,
        &Reduce::Sum,
        out,
    )
}

/// Sets how many threads large copies and folds may use: 1 for one
/// thread, 0 (the default) for every core.
#[pyfunction]
fn set_num_threads(n: usize) {
    patch_core::set_num_threads(n);
}

/// The number of threads large copies and folds use.
#[pyfunction]
fn num_threads() -> usize {
    patch_core::num_threads()
}

/// The engine's error kinds: ``(code, name, description)`` for each, in
/// the order of their codes (``PatchError.kind`` is one of the names).
#[pyfunction]
fn error_kinds() -> Vec<(u32, &'static str, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.code(), k.name(), k.description()))
        .collect()
}

/// Patch extraction by strides (the Rust extension behind ``stridepatch``).
#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PatchError", py.get_type::<PatchError>())?;
    m.add_class::<plan::PyPlan>()?;
    m.add_function(wrap_pyfunction!(windows, m)?)?;
    m.add_function(wrap_pyfunction!(tiles, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(fold, m)?)?;
    m.add_function(wrap_pyfunction!(frame, m)?)?;
    m.add_function(wrap_pyfunction!(overlap_add, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
