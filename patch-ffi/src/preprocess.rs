//! The helpers of preprocessing: the coefficients of a `patch_affine` from
//! the conventions people use (Hugging Face / torchvision normalization,
//! torch's window functions) and the `patch_layout` of an interleaved
//! pixel buffer read as RGB. Each fills caller arrays with what patch-core
//! computes (`Affine::normalize`, `window::hann`/`hamming`,
//! `Layout::pixels_hwc`/`pixels_chw`).

use patch_core::{Affine, Layout, PixelFormat, Result as CoreResult, window};

use crate::enums::{self, patch_dtype};
use crate::ptr::{Failure, FfiResult, out_ref, region, slice_in, slice_out};
use crate::status::{ffi_boundary, patch_status};
use crate::view::patch_layout;

/// Copies the `n` samples of a window into `out` (`out_len` entries, which
/// must be `n`).
fn window_into(
    values: impl FnOnce() -> CoreResult<Vec<f64>>,
    n: usize,
    out: *mut f64,
    out_len: usize,
) -> FfiResult<()> {
    if out_len != n {
        return Err(Failure::new(
            patch_status::BufferSize,
            format!("`out_len` is {out_len} but a window of {n} samples needs {n} entries"),
        ));
    }
    let values = values()?;
    slice_out(out, out_len, "out", &[])?.copy_from_slice(&values);
    Ok(())
}

/// Writes the Hann window of `n` samples, `0.5 - 0.5 cos(2 pi k / N)` for
/// `k` in `0..n`, into `out` (`out_len` must be `n`): `N = n` when
/// `periodic` (`torch.hann_window(n)`'s default, equal to
/// `scipy.signal.get_window("hann", n)`) or `n - 1` (symmetric,
/// `torch.hann_window(n, periodic=False)`, `np.hanning(n)`); one sample is
/// `{1}`. Computed in `double`; torch computes its `float32` windows in
/// `float32`, so the two may differ in the last place of a `float`.
///
/// Pass it as the `scale` of a `patch_affine` along axis 0 (no shift) to
/// `patch_frame_convert_into` for windowed frames. This is not the Hann of
/// `PATCH_REDUCE_WEIGHTED_HANN`, which weighs overlapping patches, sampled
/// at the centres of the cells (never zero at the ends). Nothing is
/// written on failure.
#[unsafe(no_mangle)]
pub extern "C" fn patch_window_hann(
    n: usize,
    periodic: bool,
    out: *mut f64,
    out_len: usize,
) -> patch_status {
    ffi_boundary! {
        window_into(|| window::hann(n, periodic), n, out, out_len)
    }
}

/// Writes the Hamming window of `n` samples, `0.54 - 0.46 cos(2 pi k /
/// N)`, `N` as for `patch_window_hann`, into `out` (`out_len` must be
/// `n`): `torch.hamming_window(n, periodic)` with its default `alpha` and
/// `beta`. Nothing is written on failure.
#[unsafe(no_mangle)]
pub extern "C" fn patch_window_hamming(
    n: usize,
    periodic: bool,
    out: *mut f64,
    out_len: usize,
) -> patch_status {
    ffi_boundary! {
        window_into(|| window::hamming(n, periodic), n, out, out_len)
    }
}

/// Writes the coefficients of the Hugging Face image processors'
/// normalization, `(x * rescale - mean[i]) / std[i]` (`rescale_factor`,
/// `image_mean`, `image_std`), as the `scale_out[i] = rescale / std[i]` and
/// `shift_out[i] = -mean[i] / std[i]` of a `patch_affine` (computed in
/// `double`). torchvision's `Normalize(mean, std)` after `ToTensor()` is
/// `rescale = 1.0 / 255.0`.
///
/// `mean`, `std`, `scale_out` and `shift_out` each hold `n` entries; every
/// `std[i]` must be finite and non-zero, every value finite
/// (`PATCH_STATUS_INVALID_ARGUMENT` names the first that is not). The
/// outputs must not overlap the inputs or each other. Nothing is written on
/// failure.
///
/// The copy then computes `x * scale + shift` in `float`, which differs
/// from the processors' own `float32` arithmetic (a multiply, a subtract
/// and a divide, each rounded) by a few units in the last place.
#[unsafe(no_mangle)]
pub extern "C" fn patch_normalize_coeffs(
    rescale: f64,
    mean: *const f64,
    std: *const f64,
    n: usize,
    scale_out: *mut f64,
    shift_out: *mut f64,
) -> patch_status {
    ffi_boundary! {
        let mean = slice_in(mean, n, "mean")?;
        let std = slice_in(std, n, "std")?;
        let affine = Affine::normalize(0, rescale, mean, std)?;
        let inputs = [region(mean, "mean"), region(std, "std")];
        let scale = slice_out(scale_out, n, "scale_out", &inputs)?;
        let scale_region = region(scale, "scale_out");
        let inputs = [inputs[0], inputs[1], scale_region];
        let shift = slice_out(shift_out, n, "shift_out", &inputs)?;
        scale.copy_from_slice(affine.scale());
        shift.copy_from_slice(affine.shift());
        Ok(())
    }
}

/// The layout of `format` pixels as RGB, in elements of `itemsize` bytes.
fn pixel_layout(
    format: PixelFormat,
    height: usize,
    width: usize,
    chw: bool,
    itemsize: usize,
) -> FfiResult<Layout> {
    // The constructors read only the size of their element type.
    macro_rules! sized {
        ($t:ty) => {
            if chw {
                Layout::pixels_chw::<$t>(format, height, width)
            } else {
                Layout::pixels_hwc::<$t>(format, height, width)
            }
        };
    }
    let layout = match itemsize {
        1 => sized!(u8),
        2 => sized!(u16),
        4 => sized!(u32),
        _ => sized!(u64),
    };
    Ok(layout?)
}

/// Describes an interleaved `height x width` buffer of `dtype` pixels
/// (`format`, a `patch_pixel_format`, says how each pixel's channels are
/// stored) read as RGB: HWC, shape `{height, width, 3}`, or, when `chw`,
/// CHW, shape `{3, height, width}`. Alpha is dropped and BGR reversed by
/// strides alone: the image is never copied. For RGBA, HWC has element
/// strides `{4W, 4, 1}`, CHW `{1, 4W, 4}`; BGR and BGRA read the channels
/// backwards from the third element (`offset` 2, channel stride -1).
///
/// Writes the shape into `shape_out` and the element strides into
/// `strides_out` (each `out_len` entries, at least 3; 3 are written), and
/// `*out_layout` a `patch_layout` whose `shape` and `strides` point to
/// those two arrays: keep them alive while the descriptor is used (by
/// `patch_view_create`, which reads it during the call only). Tile the
/// HWC layout with two window axes and a whole channel axis for `(ph, pw,
/// C)` patches, the CHW one with a whole channel axis then two window
/// axes for PyTorch's `(C, ph, pw)` (a ViT's patch embedding), and
/// normalize along the channel's patch axis (2 or 0) in the copy.
/// Nothing is written on failure.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_layout_pixels(
    format: u32,
    height: usize,
    width: usize,
    chw: bool,
    dtype: u32,
    shape_out: *mut usize,
    strides_out: *mut isize,
    out_len: usize,
    out_layout: *mut patch_layout,
) -> patch_status {
    ffi_boundary! {
        let format = enums::pixel_format(format)?;
        let dtype: patch_dtype = enums::dtype(dtype)?;
        let out_layout = out_ref(out_layout, "out_layout")?;
        if out_len < 3 {
            return Err(Failure::new(
                patch_status::BufferSize,
                format!("`out_len` is {out_len} but a pixel layout has 3 axes"),
            ));
        }
        let layout = pixel_layout(format, height, width, chw, dtype.itemsize())?;
        let shape = slice_out(shape_out, 3, "shape_out", &[])?;
        let shape_region = region(shape, "shape_out");
        let strides = slice_out(strides_out, 3, "strides_out", &[shape_region])?;
        shape.copy_from_slice(layout.shape());
        strides.copy_from_slice(layout.strides());
        out_layout.set(patch_layout {
            shape: shape_out,
            strides: strides_out,
            ndim: 3,
            offset: layout.offset(),
            dtype: dtype.number(),
        });
        Ok(())
    }
}
