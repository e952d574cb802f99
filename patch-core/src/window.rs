//! Named window functions for windowed frames (a speech front end
//! multiplies every frame by one before the FFT), as coefficient lists for
//! [`Affine::window`](crate::Affine::window).
//!
//! They equal PyTorch's `torch.hann_window(n, periodic)` and
//! `torch.hamming_window(n, periodic)` and, for `periodic = true`,
//! `scipy.signal.get_window('hann', n)` (SciPy's default `fftbins=True`
//! is the periodic window). Values are computed in `f64`; PyTorch computes
//! its float32 windows in float32, so the two can differ in the last place
//! of an `f32`.
//!
//! These are not the fold's [`WindowFn::Hann`](crate::WindowFn::Hann):
//! that one weighs overlapping patches for blending, sampled at the centres
//! of the cells (never zero at the ends, so every element keeps a weight);
//! these are the signal-processing windows, zero at the first sample.

use crate::alloc::try_collect;
use crate::error::Result;

/// `a - (1 - a) * cos(2πk / N)` for `k` in `0..n`, with `N = n` (periodic)
/// or `n - 1` (symmetric); one sample is `[1]`, as in PyTorch.
fn cosine(n: usize, periodic: bool, a: f64) -> Result<Vec<f64>> {
    match n {
        0 => return Ok(Vec::new()),
        1 => return try_collect(std::iter::once(1.0)),
        _ => {}
    }
    let den = if periodic { n } else { n - 1 } as f64;
    try_collect((0..n).map(|k| a - (1.0 - a) * (std::f64::consts::TAU * k as f64 / den).cos()))
}

/// The Hann window of `n` samples: `0.5 - 0.5 cos(2πk/N)`, `N = n` when
/// `periodic` (for spectral analysis; `torch.hann_window(n)`'s default) or
/// `n - 1` (symmetric, `torch.hann_window(n, periodic=False)`, numpy's
/// `np.hanning(n)`).
///
/// ```
/// use patch_core::window::hann;
///
/// let w = hann(4, true).unwrap();
/// let want = [0.0, 0.5, 1.0, 0.5];
/// assert!(w.iter().zip(want).all(|(w, v)| (w - v).abs() < 1e-15));
/// let w = hann(5, false).unwrap();
/// assert_eq!((w[0], w[2], w[4]), (0.0, 1.0, 0.0));
/// assert_eq!(hann(0, true).unwrap(), []);
/// ```
pub fn hann(n: usize, periodic: bool) -> Result<Vec<f64>> {
    cosine(n, periodic, 0.5)
}

/// The Hamming window of `n` samples: `0.54 - 0.46 cos(2πk/N)`, `N` as for
/// [`hann`] (`torch.hamming_window(n, periodic)` with its default `alpha`
/// 0.54 and `beta` 0.46).
///
/// ```
/// use patch_core::window::hamming;
///
/// let w = hamming(4, true).unwrap();
/// assert!((w[0] - 0.08).abs() < 1e-15 && (w[2] - 1.0).abs() < 1e-15);
/// ```
pub fn hamming(n: usize, periodic: bool) -> Result<Vec<f64>> {
    cosine(n, periodic, 0.54)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by PyTorch 2.x (`torch.hann_window(8, dtype=torch.float64)`
    /// and so on) and SciPy (`scipy.signal.get_window('hann', 8)`), written
    /// here to 12 digits.
    #[test]
    fn windows_equal_torch_and_scipy() {
        let close = |got: &[f64], want: &[f64]| {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
            }
        };
        // torch.hann_window(8) == scipy.signal.get_window('hann', 8)
        close(
            &hann(8, true).unwrap(),
            &[
                0.0,
                0.146446609407,
                0.5,
                0.853553390593,
                1.0,
                0.853553390593,
                0.5,
                0.146446609407,
            ],
        );
        // torch.hann_window(7, periodic=False) == np.hanning(7)
        close(
            &hann(7, false).unwrap(),
            &[0.0, 0.25, 0.75, 1.0, 0.75, 0.25, 0.0],
        );
        // torch.hamming_window(6)
        close(
            &hamming(6, true).unwrap(),
            &[0.08, 0.31, 0.77, 1.0, 0.77, 0.31],
        );
        // torch.hamming_window(5, periodic=False) == np.hamming(5)
        close(&hamming(5, false).unwrap(), &[0.08, 0.54, 1.0, 0.54, 0.08]);
        close(&hann(1, true).unwrap(), &[1.0]);
        close(&hamming(1, false).unwrap(), &[1.0]);
        assert!(hann(0, false).unwrap().is_empty());
    }
}
