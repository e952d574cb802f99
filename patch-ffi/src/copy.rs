//! The copying functions, one verb with the other doors: extract (the
//! patches into a caller buffer), fold, frame and overlap-add. Every buffer
//! is `void *` with a byte length; the element type is the view's (or the
//! `dtype` argument where there is no view), and the `_convert_` forms
//! write another type, mapped by a `patch_affine` on the way.

use std::ffi::c_void;

use patch_core::{
    Affine, FloatElement, PatchOrder, Reduce, frame_count, frame_plan, overlap_add_len,
};

use crate::buffers;
use crate::enums::{self, patch_dtype};
use crate::ptr::{
    Failure, FfiResult, check_align, opt_ref, out_opt, out_ref, region, slice_in, slice_out,
};
use crate::status::{ffi_boundary, patch_status};
use crate::view::{patch_view, view_arg};

/// How `patch_extract_into` copies: the layout of the copy and the value
/// constant padding reads. A NULL `patch_extract_options *` means the
/// defaults, `{PATCH_ORDER_PATCH_MAJOR, NULL, 0}` (zeros); so does a
/// zero-initialized one.
///
/// The fill value is given as the bytes of one destination element
/// (`fill_bytes` equal to the view's item size: a `float` for a
/// `PATCH_DTYPE_F32` view, an `int64_t` for `PATCH_DTYPE_I64`, exact);
/// `fill_bytes = 0` means zeros. Pad modes other than
/// `PATCH_PAD_MODE_CONSTANT` never read it. The struct is read during the
/// call only.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct patch_extract_options {
    /// A `patch_order`.
    pub order: u32,
    /// One destination element (`fill_bytes` bytes, no alignment needed),
    /// or NULL with `fill_bytes = 0` for zeros.
    pub fill: *const c_void,
    /// 0, or the item size of the destination (the view's, or the
    /// `dst_dtype` of `patch_extract_convert_into`).
    pub fill_bytes: usize,
}

impl Default for patch_extract_options {
    fn default() -> Self {
        patch_extract_options {
            order: enums::patch_order::PatchMajor as u32,
            fill: std::ptr::null(),
            fill_bytes: 0,
        }
    }
}

/// How `patch_fold_into` folds: the layout of the patches and the
/// reduction. A NULL `patch_fold_options *` means the defaults,
/// patch-major and `PATCH_REDUCE_MEAN` (`patch_fold_options_default()`
/// returns them, with `PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT` as
/// `sigma_scale`). A zero-initialized struct is not the defaults: its
/// reduce is `PATCH_REDUCE_SUM` (0).
///
/// `sigma_scale` is read by `PATCH_REDUCE_WEIGHTED_GAUSSIAN` only (finite
/// and > 0; `PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT` is MONAI's width); the
/// other reductions ignore it.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct patch_fold_options {
    /// A `patch_order`: how the patches are laid out.
    pub order: u32,
    /// A `patch_reduce`.
    pub reduce: u32,
    /// The Gaussian's width relative to the window size.
    pub sigma_scale: f64,
}

/// How `patch_frame_into` frames: whether the end is padded, and the value
/// padding reads (the bytes of one element of the output's type, the
/// signal's or `patch_frame_convert_into`'s `out_dtype`, as in
/// `patch_extract_options`; `fill_bytes = 0` means zeros). A NULL
/// `patch_frame_options *` (or a zero-initialized one) means no end
/// padding.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct patch_frame_options {
    /// `tf.signal.frame`'s `pad_end`.
    pub pad_end: bool,
    /// One element, or NULL with `fill_bytes = 0` for zeros.
    pub fill: *const c_void,
    /// 0, or the item size of the output's type (`dtype`, or the `out_dtype`
    /// of `patch_frame_convert_into`).
    pub fill_bytes: usize,
}

impl Default for patch_frame_options {
    fn default() -> Self {
        patch_frame_options {
            pad_end: false,
            fill: std::ptr::null(),
            fill_bytes: 0,
        }
    }
}

/// The `axis` of a `patch_affine` that means one `scale` and one `shift`
/// for every element (`SIZE_MAX`).
pub const PATCH_AFFINE_SCALAR: usize = usize::MAX;

/// The affine map of a converting copy (`patch_extract_convert_into`,
/// `patch_frame_convert_into`): `y = x * scale[i] + shift[i]`, where `i` is
/// the index along patch axis `axis`, or `y = x * scale[0] + shift[0]` for
/// every element when `axis` is `PATCH_AFFINE_SCALAR`.
///
/// The patch axes are the copy's inner shape (`patch_view_shape` after the
/// outer axes): the window sizes and whole axes in input order, so `[ph,
/// pw, C]` for an HWC image tiled with a whole channel axis (the channel
/// is axis 2), `[C, ph, pw]` for a CHW one (axis 0), `[frame_len]` for
/// frames (axis 0: a window function).
///
/// `scale_len` must be the length of that axis (1 for a scalar), checked
/// when the copy runs; `shift_len` must equal `scale_len`, or be 0 with
/// `shift = NULL` for all-zero shifts (a window function). Every value
/// must be finite. `patch_normalize_coeffs` and `patch_window_hann` /
/// `patch_window_hamming` fill the arrays from the usual conventions.
///
/// **Formula, bit for bit** (patch-core's `ExtractOptions`): for a
/// `PATCH_DTYPE_F32`, `_F16` or `_BF16` destination, `y = round(f32(x) *
/// f32(scale[i]) + f32(shift[i]))`: the source value and the coefficients
/// rounded to nearest `float`, the product and the sum each rounded in
/// `float` (no fused multiply-add), and the result rounded to nearest even
/// into the destination type. For `PATCH_DTYPE_F64` the same in `double`.
/// In C: `(float)x * (float)scale[i] + (float)shift[i]` with
/// `-ffp-contract=off` (or `#pragma STDC FP_CONTRACT OFF`).
///
/// The struct and the arrays are read during the call only.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug)]
pub struct patch_affine {
    /// A patch axis, or `PATCH_AFFINE_SCALAR`.
    pub axis: usize,
    /// `scale_len` coefficients.
    pub scale: *const f64,
    /// One per index of the axis (1 for a scalar).
    pub scale_len: usize,
    /// `shift_len` offsets, or NULL with `shift_len = 0` for zeros.
    pub shift: *const f64,
    /// `scale_len`, or 0 for zeros.
    pub shift_len: usize,
}

/// The engine's affine of a `patch_affine` (NULL: none).
pub(crate) fn affine_arg(affine: *const patch_affine) -> FfiResult<Option<Affine>> {
    let Some(a) = opt_ref(affine, "affine")? else {
        return Ok(None);
    };
    let scale = slice_in(a.scale, a.scale_len, "affine->scale")?;
    let shift = slice_in(a.shift, a.shift_len, "affine->shift")?;
    if a.axis == PATCH_AFFINE_SCALAR {
        let pair = match (scale, shift) {
            ([scale], [shift]) => Ok((*scale, *shift)),
            ([scale], []) => Ok((*scale, 0.0)),
            _ => Err(Failure::new(
                patch_status::InvalidArgument,
                format!(
                    "the affine is scalar (axis PATCH_AFFINE_SCALAR) but has scale_len {} and \
                     shift_len {}: a scalar map has one scale and one shift (or shift_len 0)",
                    a.scale_len, a.shift_len
                ),
            )),
        };
        let (scale, shift) = pair?;
        // The engine's checks of the values (finite), as for a per-axis map.
        Affine::per_axis(0, &[scale], &[shift])?;
        return Ok(Some(Affine::scalar(scale, shift)));
    }
    Ok(Some(if shift.is_empty() {
        Affine::window(a.axis, scale)?
    } else {
        Affine::per_axis(a.axis, scale, shift)?
    }))
}

/// Checks, for a converting copy, that the byte buffer `name` is aligned
/// for its elements of `dtype`.
fn aligned(ptr: *const c_void, dtype: patch_dtype, name: &str) -> FfiResult<()> {
    check_align(ptr.addr(), dtype.itemsize(), name).map_err(|f| Failure {
        message: format!("{} ({} elements)", f.message, dtype.name()),
        ..f
    })
}

/// The float types folds and overlap-add accept.
pub(crate) enum Float {
    F32,
    F64,
}

/// `dtype` as a float type, or `PATCH_STATUS_UNSUPPORTED_DTYPE`; `what`
/// says who needs one.
pub(crate) fn float_dtype(dtype: patch_dtype, what: &str) -> FfiResult<Float> {
    match dtype {
        patch_dtype::F32 => Ok(Float::F32),
        patch_dtype::F64 => Ok(Float::F64),
        _ => Err(Failure::new(
            patch_status::UnsupportedDtype,
            format!("{what} must be float32 or float64, not {}", dtype.name()),
        )),
    }
}

/// The fill value: empty (zeros) or exactly one `dtype` element.
pub(crate) fn fill_arg<'a>(
    fill: *const c_void,
    fill_bytes: usize,
    dtype: patch_dtype,
) -> FfiResult<&'a [u8]> {
    let item = dtype.itemsize();
    if fill_bytes != 0 && fill_bytes != item {
        return Err(Failure::new(
            patch_status::InvalidArgument,
            format!(
                "`fill_bytes` is {fill_bytes} but the fill value is one {item}-byte {} element \
                 (or 0 for zeros)",
                dtype.name()
            ),
        ));
    }
    slice_in(fill.cast::<u8>(), fill_bytes, "fill")
}

/// The body of the extract exports: `dst` holds `dst_dtype` elements,
/// mapped by `affine` when there is one.
#[allow(clippy::too_many_arguments)]
fn extract_body(
    view: &patch_view,
    src: *const c_void,
    src_bytes: usize,
    dst: *mut c_void,
    dst_bytes: usize,
    dst_dtype: patch_dtype,
    opts: *const patch_extract_options,
    affine: Option<&Affine>,
) -> FfiResult<()> {
    let opts = opt_ref(opts, "opts")?.copied().unwrap_or_default();
    let order = enums::order(opts.order)?;
    let fill = fill_arg(opts.fill, opts.fill_bytes, dst_dtype)?;
    let plan = view.plan();
    buffers::source(view, src_bytes, "src_bytes")?;
    buffers::exact(dst_bytes, plan.copy_len(), dst_dtype, "dst_bytes", || {
        format!(
            "{} patches of {} {} elements need",
            plan.num_patches(),
            plan.patch_len(),
            dst_dtype.name()
        )
    })?;
    let converting = dst_dtype != view.dtype() || affine.is_some();
    if converting {
        aligned(src, view.dtype(), "src")?;
        aligned(dst, dst_dtype, "dst")?;
    }
    let src = slice_in(src.cast::<u8>(), src_bytes, "src")?;
    let inputs = [region(src, "src"), region(fill, "fill")];
    let dst = slice_out(dst.cast::<u8>(), dst_bytes, "dst", &inputs)?;
    let (src_type, dst_type) = (view.dtype().core(), dst_dtype.core());
    plan.extract_bytes_as(src, src_type, dst, dst_type, order, fill, affine)?;
    Ok(())
}

/// Copies every patch of `src` into `dst`, padding included.
///
/// `src` is the buffer the view's layout describes (`src_bytes` bytes, a
/// whole number of elements of the view's dtype; every element the layout
/// reaches must lie inside it). `dst` receives `num_patches * patch_len`
/// elements of the same type (`dst_bytes` must equal
/// `patch_view_copy_bytes`), laid out as `opts->order` says: patch-major
/// `[num_patches][patch_len]` or feature-major `[patch_len][num_patches]`,
/// each patch in C order of the inner shape. Constant padding reads
/// `opts->fill` (zeros by default). NULL `opts` means the defaults.
///
/// Every dtype; no alignment needed. `src` and `dst` must not overlap.
/// Nothing is written to `dst` on failure. `patch_extract_convert_into`
/// writes another type, normalized on the way.
#[unsafe(no_mangle)]
pub extern "C" fn patch_extract_into(
    view: *const patch_view,
    src: *const c_void,
    src_bytes: usize,
    dst: *mut c_void,
    dst_bytes: usize,
    opts: *const patch_extract_options,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        extract_body(view, src, src_bytes, dst, dst_bytes, view.dtype(), opts, None)
    }
}

/// `patch_extract_into` into another element type, each element mapped by
/// `affine` on the way, in the same single pass that cuts the patches:
/// preprocessing for a model (u8 pixels to normalized `float` tokens) in
/// one call.
///
/// `dst` receives `num_patches * patch_len` elements of `dst_dtype` (a
/// `patch_dtype`): `dst_bytes` must be exactly that many elements' bytes
/// (`num_patches * patch_len` times the destination's item size).
/// `dst_dtype` is the view's dtype (a plain copy, or an affine when the
/// type is a float) or one of `PATCH_DTYPE_F32`, `_F64`, `_F16`, `_BF16`,
/// into which every source type converts, rounded to nearest even; other
/// integer destinations, and an affine into an integer type, are
/// `PATCH_STATUS_UNSUPPORTED_DTYPE`. `affine` may be NULL (conversion
/// only); see `patch_affine` for the axis and the exact formula.
///
/// `opts` is as for `patch_extract_into`, except that the fill value is one
/// element of `dst_dtype` (`fill_bytes` 0 or its item size), in
/// destination units: constant padding writes it as given, not mapped by
/// the affine (a zero fill of a normalized input is what a convolution's
/// zero padding means). Reflect, edge and wrap padding read real elements
/// and are mapped like them.
///
/// A converting copy reads `src` and writes `dst` as typed elements: both
/// must be aligned to their item sizes (`PATCH_STATUS_INVALID_ARGUMENT`
/// otherwise; a plain copy needs no alignment). `src` and `dst` must not
/// overlap. Nothing is written to `dst` on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_extract_convert_into(
    view: *const patch_view,
    src: *const c_void,
    src_bytes: usize,
    dst: *mut c_void,
    dst_bytes: usize,
    dst_dtype: u32,
    opts: *const patch_extract_options,
    affine: *const patch_affine,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        let dst_dtype = enums::dtype(dst_dtype)?;
        let affine = affine_arg(affine)?;
        extract_body(view, src, src_bytes, dst, dst_bytes, dst_dtype, opts, affine.as_ref())
    }
}

/// The reduction of fold options.
fn reduce_arg(opts: Option<&patch_fold_options>) -> FfiResult<(PatchOrder, Reduce)> {
    Ok(match opts {
        None => (PatchOrder::PatchMajor, Reduce::Mean),
        Some(o) => (
            enums::order(o.order)?,
            enums::reduce(o.reduce, o.sigma_scale)?,
        ),
    })
}

/// The typed body of `patch_fold_into`, lengths already checked in bytes.
fn fold_typed<T: FloatElement>(
    view: &patch_view,
    patches: *const c_void,
    patches_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    (order, reduce): (PatchOrder, Reduce),
) -> FfiResult<()> {
    let size = size_of::<T>();
    let patches = slice_in(patches.cast::<T>(), patches_bytes / size, "patches")?;
    let out = slice_out(
        out.cast::<T>(),
        out_bytes / size,
        "out",
        &[region(patches, "patches")],
    )?;
    view.plan().fold_into(patches, out, order, &reduce)?;
    Ok(())
}

/// Folds `patches` (laid out as `patch_extract_into` writes them in
/// `opts->order`) back into `out`, a C-contiguous array of the input's
/// shape and of the view's element type, which must be
/// `PATCH_DTYPE_F32` or `PATCH_DTYPE_F64` (`PATCH_STATUS_UNSUPPORTED_DTYPE`
/// otherwise). `patches_bytes` must equal `patch_view_copy_bytes` and
/// `out_bytes` `patch_view_fold_bytes`; both buffers must be aligned for
/// the element type and must not overlap. `out` is overwritten, whatever
/// the input's strides were; nothing is written to it on failure.
///
/// `opts->reduce` combines overlapping elements (`PATCH_REDUCE_SUM` is
/// torch's `F.fold`; see `patch_reduce`). Patch elements that lie in
/// padding are dropped; elements no window covers are 0. NULL `opts` means
/// patch-major and `PATCH_REDUCE_MEAN`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_fold_into(
    view: *const patch_view,
    patches: *const c_void,
    patches_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    opts: *const patch_fold_options,
) -> patch_status {
    ffi_boundary! {
        let view = view_arg(view)?;
        let how = reduce_arg(opt_ref(opts, "opts")?)?;
        let dtype = view.dtype();
        let float = float_dtype(dtype, "folds add elements up: the view's dtype")?;
        let plan = view.plan();
        buffers::exact(patches_bytes, plan.copy_len(), dtype, "patches_bytes", || {
            format!(
                "{} patches of {} {} elements need",
                plan.num_patches(),
                plan.patch_len(),
                dtype.name()
            )
        })?;
        let shape = plan.layout().shape();
        buffers::exact(out_bytes, plan.layout().num_elements(), dtype, "out_bytes", || {
            format!(
                "an array of shape {} of {} needs",
                buffers::shape_text(shape),
                dtype.name()
            )
        })?;
        match float {
            Float::F32 => fold_typed::<f32>(view, patches, patches_bytes, out, out_bytes, how),
            Float::F64 => fold_typed::<f64>(view, patches, patches_bytes, out, out_bytes, how),
        }
    }
}

/// Writes the number of frames `patch_frame_into` makes of `signal_len`
/// samples to `*out_frames`, and the samples of padding it adds at the end
/// to `*out_pad` (when not NULL): `tf.signal.frame` semantics, see
/// `patch_frame_into`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_frame_count(
    signal_len: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    out_frames: *mut usize,
    out_pad: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let out_frames = out_ref(out_frames, "out_frames")?;
        let out_pad = out_opt(out_pad, "out_pad")?;
        let (n, pad) = frame_count(signal_len, frame_len, hop, pad_end)?;
        out_frames.set(n);
        if let Some(p) = out_pad {
            p.set(pad);
        }
        Ok(())
    }
}

/// The body of the frame exports: `out` holds `out_dtype` elements.
#[allow(clippy::too_many_arguments)]
fn frame_body(
    dtype: patch_dtype,
    signal: *const c_void,
    signal_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    out_dtype: patch_dtype,
    (frame_len, hop): (usize, usize),
    opts: *const patch_frame_options,
    affine: Option<&Affine>,
) -> FfiResult<()> {
    let opts = opt_ref(opts, "opts")?.copied().unwrap_or_default();
    let fill = fill_arg(opts.fill, opts.fill_bytes, out_dtype)?;
    let len = buffers::elements(signal_bytes, dtype, "signal_bytes")?;
    // The plan in elements, for elements of the dtype's size.
    let plan =
        frame_plan::<u8>(len, frame_len, hop, opts.pad_end)?.with_itemsize(dtype.itemsize())?;
    buffers::exact(out_bytes, plan.copy_len(), out_dtype, "out_bytes", || {
        format!(
            "{} frames of {frame_len} {} samples (a signal of {len}, hop {hop}) need",
            plan.num_patches(),
            out_dtype.name()
        )
    })?;
    if out_dtype != dtype || affine.is_some() {
        aligned(signal, dtype, "signal")?;
        aligned(out, out_dtype, "out")?;
    }
    let signal = slice_in(signal.cast::<u8>(), signal_bytes, "signal")?;
    let inputs = [region(signal, "signal"), region(fill, "fill")];
    let out = slice_out(out.cast::<u8>(), out_bytes, "out", &inputs)?;
    let (src_type, dst_type) = (dtype.core(), out_dtype.core());
    plan.extract_bytes_as(
        signal,
        src_type,
        out,
        dst_type,
        PatchOrder::PatchMajor,
        fill,
        affine,
    )?;
    Ok(())
}

/// Cuts a 1-D signal of `signal_bytes` bytes of `dtype` (a `patch_dtype`)
/// into frames of `frame_len` samples every `hop` samples, like
/// `tf.signal.frame(signal, frame_len, hop, pad_end, pad_value)`: without
/// `opts->pad_end` only whole frames (none when the signal is shorter than
/// a frame); with it, `ceil(len / hop)` frames, the end padded with
/// `opts->fill` (zeros by default). NULL `opts` means no end padding.
///
/// `out` receives `frames * frame_len` samples (`out_bytes` must be exactly
/// that many elements' bytes; `patch_frame_count` gives `frames`). Every
/// dtype; no alignment needed; `signal` and `out` must not overlap. The
/// arguments are checked before the signal is read, and nothing is
/// written to `out` on failure. `patch_frame_convert_into` writes windowed
/// frames of another type.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_frame_into(
    dtype: u32,
    signal: *const c_void,
    signal_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    frame_len: usize,
    hop: usize,
    opts: *const patch_frame_options,
) -> patch_status {
    ffi_boundary! {
        let dtype = enums::dtype(dtype)?;
        let (sig, sig_bytes, lens) = (signal, signal_bytes, (frame_len, hop));
        frame_body(dtype, sig, sig_bytes, out, out_bytes, dtype, lens, opts, None)
    }
}

/// `patch_frame_into` into `out_dtype` elements, each mapped by `affine`
/// on the way: a windowed frame matrix in one pass (an affine along axis 0
/// with the window as `scale` and no shift: `patch_window_hann` fills
/// one).
///
/// `out_bytes` must be exactly `frames * frame_len` elements of
/// `out_dtype`; the types, the formula, the fill (one `out_dtype` element,
/// written as given: end padding is not windowed), the alignment rule and
/// the statuses are those of `patch_extract_convert_into`. Nothing is
/// written to `out` on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_frame_convert_into(
    dtype: u32,
    signal: *const c_void,
    signal_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    out_dtype: u32,
    frame_len: usize,
    hop: usize,
    opts: *const patch_frame_options,
    affine: *const patch_affine,
) -> patch_status {
    ffi_boundary! {
        let dtype = enums::dtype(dtype)?;
        let out_dtype = enums::dtype(out_dtype)?;
        let affine = affine_arg(affine)?;
        let (sig, sig_bytes, lens) = (signal, signal_bytes, (frame_len, hop));
        frame_body(dtype, sig, sig_bytes, out, out_bytes, out_dtype, lens, opts, affine.as_ref())
    }
}

fn overlap_add_typed<T: FloatElement>(
    frames: *const c_void,
    frames_len: usize,
    out: *mut c_void,
    out_len: usize,
    frame_len: usize,
    hop: usize,
) -> FfiResult<()> {
    let frames = slice_in(frames.cast::<T>(), frames_len, "frames")?;
    let out = slice_out(out.cast::<T>(), out_len, "out", &[region(frames, "frames")])?;
    patch_core::overlap_add_into(frames, out, frame_len, hop)?;
    Ok(())
}

/// Adds `frames_bytes` bytes of `dtype` samples, frames of `frame_len`
/// samples, back together at `hop` intervals, like
/// `tf.signal.overlap_and_add`: `out` receives `(frames - 1) * hop +
/// frame_len` samples (`out_bytes` must be exactly that many elements'
/// bytes; 0 when there are no frames). `dtype` must be `PATCH_DTYPE_F32`
/// or `PATCH_DTYPE_F64`; both buffers must be aligned for it and must not
/// overlap. Nothing is written to `out` on failure.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_add_into(
    dtype: u32,
    frames: *const c_void,
    frames_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    frame_len: usize,
    hop: usize,
) -> patch_status {
    ffi_boundary! {
        let dtype = enums::dtype(dtype)?;
        let float = float_dtype(dtype, "overlap-add adds samples up: `dtype`")?;
        let samples = buffers::elements(frames_bytes, dtype, "frames_bytes")?;
        let len = overlap_add_len(samples, frame_len, hop)?;
        buffers::exact(out_bytes, len, dtype, "out_bytes", || {
            format!(
                "{} frames of {frame_len} {} samples every {hop} need",
                samples / frame_len,
                dtype.name()
            )
        })?;
        match float {
            Float::F32 => overlap_add_typed::<f32>(frames, samples, out, len, frame_len, hop),
            Float::F64 => overlap_add_typed::<f64>(frames, samples, out, len, frame_len, hop),
        }
    }
}
