//! The copying functions: materialize (patch-core's extract), fold, frame
//! and overlap-add.

use std::ffi::c_void;

use patch_core::{FloatElement, PatchOrder, frame_count, frame_plan, overlap_add_into};

use crate::enums;
use crate::ptr::{
    Failure, FfiResult, check_disjoint, out_opt, out_ref, region, slice_in, slice_out,
};
use crate::status::{ffi_boundary, patch_status};
use crate::view::{patch_view, view_arg};

/// Copies every patch of `src` into `dst`, padding included.
///
/// `src` is the buffer the view's layout describes (`src_bytes` bytes; every
/// element the layout reaches must lie inside it). `dst` receives
/// `num_patches * patch_len` elements (`dst_bytes` must equal
/// `patch_view_copy_bytes`), laid out as `order` says (a `patch_order`):
/// patch-major `[num_patches][patch_len]` or feature-major
/// `[patch_len][num_patches]`, each patch in C order of the inner shape.
///
/// `fill` holds the bytes of one element (`fill_bytes == itemsize`), the
/// constant read in padding with `PATCH_PAD_MODE_CONSTANT`; NULL with
/// `fill_bytes = 0` means zeros. Other modes ignore it. Item sizes 1, 2, 4,
/// 8 and 16 are supported, any element type, no alignment needed. `src`
/// and `dst` must not overlap.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_materialize(
    view: *const patch_view,
    src: *const c_void,
    src_bytes: usize,
    dst: *mut c_void,
    dst_bytes: usize,
    order: u32,
    fill: *const c_void,
    fill_bytes: usize,
) -> patch_status {
    ffi_boundary! {
        let plan = view_arg(view)?.plan();
        let order = enums::order(order)?;
        let src = slice_in(src.cast::<u8>(), src_bytes, "src")?;
        let dst = slice_out(dst.cast::<u8>(), dst_bytes, "dst")?;
        let fill = slice_in(fill.cast::<u8>(), fill_bytes, "fill")?;
        check_disjoint(region(src, "src"), region(dst, "dst"))?;
        check_disjoint(region(fill, "fill"), region(dst, "dst"))?;
        plan.extract_bytes(src, dst, order, fill)?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn fold<T: FloatElement>(
    view: *const patch_view,
    patches: *const T,
    patches_len: usize,
    out: *mut T,
    out_len: usize,
    order: u32,
    reduce: u32,
    sigma_scale: f64,
) -> patch_status {
    ffi_boundary! {
        let plan = view_arg(view)?.plan();
        let order = enums::order(order)?;
        let reduce = enums::reduce(reduce, sigma_scale)?;
        let patches = slice_in(patches, patches_len, "patches")?;
        let out = slice_out(out, out_len, "out")?;
        check_disjoint(region(patches, "patches"), region(out, "out"))?;
        plan.fold_into(patches, out, order, &reduce)?;
        Ok(())
    }
}

/// Folds `patches` (laid out as `patch_materialize` writes them in `order`)
/// back into `out`, a C-contiguous `float` array of the input's shape
/// (`out_len` must equal `patch_view_input_len`; `patches_len` must equal
/// `num_patches * patch_len`). `out` is overwritten, whatever the input's
/// strides were.
///
/// `reduce` is a `patch_reduce`; `sigma_scale` is read by
/// `PATCH_REDUCE_WEIGHTED_GAUSSIAN` only (finite and > 0; pass
/// `PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT`). Patch elements that lie in padding
/// are dropped; elements no window covers are 0. `patches` and `out` must
/// not overlap.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_fold_f32(
    view: *const patch_view,
    patches: *const f32,
    patches_len: usize,
    out: *mut f32,
    out_len: usize,
    order: u32,
    reduce: u32,
    sigma_scale: f64,
) -> patch_status {
    fold(
        view,
        patches,
        patches_len,
        out,
        out_len,
        order,
        reduce,
        sigma_scale,
    )
}

/// `patch_fold_f32` for `double` patches and output.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_fold_f64(
    view: *const patch_view,
    patches: *const f64,
    patches_len: usize,
    out: *mut f64,
    out_len: usize,
    order: u32,
    reduce: u32,
    sigma_scale: f64,
) -> patch_status {
    fold(
        view,
        patches,
        patches_len,
        out,
        out_len,
        order,
        reduce,
        sigma_scale,
    )
}

/// Writes the number of frames `patch_frame` makes of `signal_len` samples
/// to `*out_frames`, and the samples of padding it adds at the end to
/// `*out_pad` (when not NULL): `tf.signal.frame` semantics, see
/// `patch_frame`.
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
        *out_frames = n;
        if let Some(p) = out_pad {
            *p = pad;
        }
        Ok(())
    }
}

/// Cuts a 1-D signal of `signal_bytes / itemsize` samples into frames of
/// `frame_len` samples every `hop` samples, like
/// `tf.signal.frame(signal, frame_len, hop, pad_end, pad_value)`: without
/// `pad_end` only whole frames (none when the signal is shorter than a
/// frame); with `pad_end`, `ceil(len / hop)` frames, the end padded with
/// `fill` (one element's bytes; NULL/0 means zeros).
///
/// `out` receives `frames * frame_len` samples (`out_bytes` must be exactly
/// that times `itemsize`; `patch_frame_count` gives `frames`). Any element
/// type of 1, 2, 4, 8 or 16 bytes; no alignment needed.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_frame(
    signal: *const c_void,
    signal_bytes: usize,
    itemsize: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    fill: *const c_void,
    fill_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
) -> patch_status {
    ffi_boundary! {
        let signal = slice_in(signal.cast::<u8>(), signal_bytes, "signal")?;
        let out = slice_out(out.cast::<u8>(), out_bytes, "out")?;
        let fill = slice_in(fill.cast::<u8>(), fill_bytes, "fill")?;
        check_disjoint(region(signal, "signal"), region(out, "out"))?;
        check_disjoint(region(fill, "fill"), region(out, "out"))?;
        if itemsize == 0 || !signal_bytes.is_multiple_of(itemsize) {
            return Err(Failure::new(
                patch_status::UnsupportedDtype,
                format!("a signal of {signal_bytes} bytes is not a whole number of {itemsize}-byte samples"),
            ));
        }
        let len = signal_bytes / itemsize;
        // The plan in elements, for elements of `itemsize` bytes.
        let plan = frame_plan::<u8>(len, frame_len, hop, pad_end)?.with_itemsize(itemsize)?;
        if plan.num_patches() == 0 {
            return empty_frames(out_bytes, len, frame_len);
        }
        plan.extract_bytes(signal, out, PatchOrder::PatchMajor, fill)?;
        Ok(())
    }
}

fn empty_frames(out_bytes: usize, len: usize, frame_len: usize) -> FfiResult<()> {
    if out_bytes != 0 {
        return Err(Failure::new(
            patch_status::BufferSize,
            format!(
                "the output holds {out_bytes} bytes but a signal of {len} samples makes 0 frames of {frame_len}"
            ),
        ));
    }
    Ok(())
}

fn overlap_add_export<T: FloatElement>(
    frames: *const T,
    frames_len: usize,
    frame_len: usize,
    hop: usize,
    out: *mut T,
    out_len: usize,
) -> patch_status {
    ffi_boundary! {
        let frames = slice_in(frames, frames_len, "frames")?;
        let out = slice_out(out, out_len, "out")?;
        check_disjoint(region(frames, "frames"), region(out, "out"))?;
        overlap_add_into(frames, out, frame_len, hop)?;
        Ok(())
    }
}

/// Adds `frames_len / frame_len` frames of `frame_len` samples back
/// together at `hop` intervals, like `tf.signal.overlap_and_add`: `out`
/// receives `(frames - 1) * hop + frame_len` samples (`out_len` must be
/// exactly that; 0 when there are no frames). `frames` and `out` must not
/// overlap.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_add_f32(
    frames: *const f32,
    frames_len: usize,
    frame_len: usize,
    hop: usize,
    out: *mut f32,
    out_len: usize,
) -> patch_status {
    overlap_add_export(frames, frames_len, frame_len, hop, out, out_len)
}

/// `patch_overlap_add_f32` for `double` samples.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_add_f64(
    frames: *const f64,
    frames_len: usize,
    frame_len: usize,
    hop: usize,
    out: *mut f64,
    out_len: usize,
) -> patch_status {
    overlap_add_export(frames, frames_len, frame_len, hop, out, out_len)
}
