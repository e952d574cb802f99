//! The affine map of a converting copy: `y = x * scale[i] + shift[i]`,
//! where `i` is the index along one axis of the patch (the channel axis
//! for per-channel normalization, the frame position for a window
//! function), or one scalar pair for every element.
//!
//! Coefficients are given in `f64` and rounded once to the computing type
//! of the destination (`f32` for `f32`, `f16` and `bf16`, `f64` for `f64`);
//! see [`ExtractOptions::affine`](crate::ExtractOptions::affine) for the
//! exact formula.

use crate::alloc::{try_collect, try_to_vec, try_with_capacity};
use crate::error::{Result, bail};
use crate::plan::Plan;

/// `y = x * scale[i] + shift[i]` along one axis of the patch, or
/// `y = x * scale + shift` for every element.
///
/// The axis is an index into the patch's axes, [`Plan::inner_shape`]: the
/// window sizes and whole axes in input order (`[ph, pw, C]` for
/// channels-last tiles, `[C, ph, pw]` for channels-first ones, `[frame_len]`
/// for frames). It is checked against the plan when the copy runs.
///
/// ```
/// use patch_core::{Affine, ExtractOptions, Layout, PatchSpec, Plan};
///
/// // ViT preprocessing: u8 RGB pixels, 2x2 tiles, normalized per channel
/// // the Hugging Face way, `(x * rescale - mean) / std`, into f32.
/// let image = [0u8, 255, 51, 102, 153, 204, 255, 0, 0, 10, 20, 30];
/// let layout = Layout::of::<u8>(&[2, 2, 3]).unwrap();
/// let plan = Plan::valid(&layout, &PatchSpec::tiles(&[2, 2]).channels_last()).unwrap();
/// // The patch is [ph, pw, C] = [2, 2, 3]: the channel is axis 2.
/// let norm = Affine::normalize(2, 1.0 / 255.0, &[0.5, 0.5, 0.5], &[0.5, 0.5, 0.5]).unwrap();
/// let x = plan.extract_with(&image, &ExtractOptions::<f32>::new().affine(norm)).unwrap();
/// assert_eq!(x.shape(), &[1, 12]);
/// assert_eq!(&x.data()[..2], &[-1.0, 1.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Affine {
    axis: Option<usize>,
    scale: Vec<f64>,
    shift: Vec<f64>,
}

impl Affine {
    /// One `scale` and `shift` for every element: `y = x * scale + shift`.
    pub fn scalar(scale: f64, shift: f64) -> Affine {
        Affine {
            axis: None,
            scale: vec![scale],
            shift: vec![shift],
        }
    }

    /// `y = x * scale[i] + shift[i]` where `i` is the index along `axis` of
    /// the patch; `scale` and `shift` have one value per index of that axis
    /// (checked against the plan when the copy runs).
    ///
    /// Fails when the two lists differ in length, are empty, or hold a
    /// value that is not finite.
    pub fn per_axis(axis: usize, scale: &[f64], shift: &[f64]) -> Result<Affine> {
        if scale.len() != shift.len() {
            bail!(
                InvalidArgument,
                "the affine has {} scales but {} shifts: give one of each per index of the axis",
                scale.len(),
                shift.len()
            );
        }
        if scale.is_empty() {
            bail!(
                InvalidArgument,
                "the affine has no values: give one scale and shift per index of axis {axis}"
            );
        }
        for (what, values) in [("scale", scale), ("shift", shift)] {
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                bail!(
                    InvalidArgument,
                    "{what}[{i}] of the affine is {}: every value must be finite",
                    values[i]
                );
            }
        }
        Ok(Affine {
            axis: Some(axis),
            scale: try_to_vec(scale)?,
            shift: try_to_vec(shift)?,
        })
    }

    /// The normalization of the Hugging Face image processors,
    /// `(x * rescale - mean[i]) / std[i]` along `axis` (`rescale_factor`,
    /// `image_mean`, `image_std`), as `scale = rescale / std[i]` and
    /// `shift = -mean[i] / std[i]` (computed in `f64`).
    ///
    /// The copy computes `x * scale + shift`, so results differ from the
    /// processors' own float32 arithmetic (a multiply, a subtract and a
    /// divide, each rounded) by a few units in the last place, never more
    /// than `1e-6` for inputs of 0..=255 and the usual means and stds.
    ///
    /// ```
    /// use patch_core::Affine;
    ///
    /// // CLIP's image processor.
    /// let clip = Affine::normalize(
    ///     0,
    ///     1.0 / 255.0,
    ///     &[0.48145466, 0.4578275, 0.40821073],
    ///     &[0.26862954, 0.26130258, 0.27577711],
    /// )
    /// .unwrap();
    /// assert_eq!(clip.axis(), Some(0));
    /// ```
    pub fn normalize(axis: usize, rescale: f64, mean: &[f64], std: &[f64]) -> Result<Affine> {
        if mean.len() != std.len() {
            bail!(
                InvalidArgument,
                "the normalization has {} means but {} stds",
                mean.len(),
                std.len()
            );
        }
        if let Some(i) = std.iter().position(|&s| s == 0.0 || !s.is_finite()) {
            bail!(
                InvalidArgument,
                "std[{i}] is {}: a normalization divides by every std, which must be finite and non-zero",
                std[i]
            );
        }
        let scale = try_collect(std.iter().map(|s| rescale / s))?;
        let shift = try_collect(mean.iter().zip(std).map(|(m, s)| -m / s))?;
        Affine::per_axis(axis, &scale, &shift)
    }

    /// torchvision's `Normalize(mean, std)` after `ToTensor()` (which
    /// divides `u8` pixels by 255): [`normalize`](Affine::normalize) with a
    /// rescale of `1/255`.
    pub fn torchvision(axis: usize, mean: &[f64], std: &[f64]) -> Result<Affine> {
        Affine::normalize(axis, 1.0 / 255.0, mean, std)
    }

    /// A window function along `axis` (`y = x * window[i]`): a windowed
    /// frame matrix in one pass. See [`window`](crate::window) for the
    /// named windows.
    ///
    /// ```
    /// use patch_core::{Affine, ExtractOptions, frame_with, window};
    ///
    /// let signal: Vec<i16> = (0..8).collect();
    /// let hann = Affine::window(0, &window::hann(4, true).unwrap()).unwrap();
    /// let frames = frame_with(&signal, 4, 2, false, &ExtractOptions::<f32>::new().affine(hann)).unwrap();
    /// assert_eq!(frames.shape(), &[3, 4]);
    /// assert_eq!(&frames.data()[..4], &[0.0, 0.5, 2.0, 1.5]);
    /// ```
    pub fn window(axis: usize, window: &[f64]) -> Result<Affine> {
        let zeros = try_collect(window.iter().map(|_| 0.0))?;
        Affine::per_axis(axis, window, &zeros)
    }

    /// The patch axis the coefficients run along; `None` for a scalar map.
    pub fn axis(&self) -> Option<usize> {
        self.axis
    }

    /// The scales, one per index of the axis (one for a scalar map).
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// The shifts, one per index of the axis (one for a scalar map).
    pub fn shift(&self) -> &[f64] {
        &self.shift
    }

    /// The (scale, shift) of every element of a patch, in the patch's C
    /// order, rounded by `round`; a single pair for a scalar map. Fails when
    /// the axis is not an axis of the plan's patches or its length is not
    /// the number of coefficients.
    pub(crate) fn per_feature<A: Clone>(
        &self,
        plan: &Plan,
        round: impl Fn(f64) -> A,
    ) -> Result<(Vec<A>, Vec<A>)> {
        let Some(axis) = self.axis else {
            return Ok((
                try_collect(self.scale.iter().map(|&v| round(v)))?,
                try_collect(self.shift.iter().map(|&v| round(v)))?,
            ));
        };
        let inner = plan.inner_shape();
        let Some(&len) = inner.get(axis) else {
            bail!(
                InvalidArgument,
                "the affine runs along axis {axis} of the patch, but the patch has {} axes (shape {inner:?})",
                inner.len()
            );
        };
        if len != self.scale.len() {
            bail!(
                InvalidArgument,
                "the affine has {} values but axis {axis} of the patch (shape {inner:?}) has length {len}",
                self.scale.len()
            );
        }
        self.table(inner, axis, round)
    }

    /// The (scale, shift) of every element of an array of shape `inner`
    /// in C order, the coefficients running along `axis` of it (checked
    /// by the caller to have one index per coefficient).
    pub(crate) fn table<A: Clone>(
        &self,
        inner: &[usize],
        axis: usize,
        round: impl Fn(f64) -> A,
    ) -> Result<(Vec<A>, Vec<A>)> {
        // Element `f` has index `(f / after) % len` along the axis:
        // `before` repeats of each value `after` times, in turn (no
        // division per element).
        let after: usize = inner[axis + 1..].iter().product();
        let before: usize = inner[..axis].iter().product();
        let n: usize = inner.iter().product();
        let spread = |values: &[f64]| -> Result<Vec<A>> {
            let mut out = try_with_capacity(n)?;
            for _ in 0..before {
                for &v in values {
                    out.extend(std::iter::repeat_n(round(v), after));
                }
            }
            Ok(out)
        };
        Ok((spread(&self.scale)?, spread(&self.shift)?))
    }
}
