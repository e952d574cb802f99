//! 1-D framing with `tf.signal.frame` semantics, and overlap-add as its fold.

use crate::alloc::try_zeroed;
use crate::array::NdArray;
use crate::element::{Element, FloatElement};
use crate::error::{Result, bail};
use crate::extract::ExtractOptions;
use crate::fold::Reduce;
use crate::layout::Layout;
use crate::order::PatchOrder;
use crate::padding::{PadMode, Padding};
use crate::plan::Plan;
use crate::spec::PatchSpec;

/// Number of frames and end padding of `tf.signal.frame` for a signal of
/// `len` samples: with `pad_end`, `ceil(len / hop)` frames and the end padded
/// so the last one fits; without, only whole frames (`0` when the signal is
/// shorter than a frame).
pub fn frame_count(
    len: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
) -> Result<(usize, usize)> {
    if frame_len == 0 {
        bail!(ZeroSize, "frame length is 0; it must be at least 1");
    }
    if hop == 0 {
        bail!(ZeroStep, "hop is 0; it must be at least 1");
    }
    if pad_end {
        let n = len.div_ceil(hop);
        if n == 0 {
            return Ok((0, 0));
        }
        // (n-1)*hop < len, so the end fits in usize when frame_len does.
        let end = ((n - 1) * hop).checked_add(frame_len).ok_or_else(|| {
            crate::error::err!(
                Overflow,
                "{n} frames of {frame_len} every {hop} overflow usize"
            )
        })?;
        Ok((n, end.saturating_sub(len)))
    } else if len < frame_len {
        Ok((0, 0))
    } else {
        Ok(((len - frame_len) / hop + 1, 0))
    }
}

/// The plan `tf.signal.frame` follows for a signal of `len` samples of type
/// `T`: 1-D windows of `frame_len` every `hop`, the end padded with the
/// fill value ([`PadMode::Constant`]) when `pad_end` asks for it.
///
/// A signal too short for one frame without `pad_end` (or an empty one)
/// gives a plan with no patches, of shape `[0, frame_len]`: extracting it
/// gives an empty array, as `tf.signal.frame` does.
///
/// ```
/// use patch_core::{PatchOrder, frame_plan};
///
/// let plan = frame_plan::<f32>(10, 4, 3, true).unwrap();
/// assert_eq!((plan.shape(), plan.axes()[0].pad_hi), (&[4, 4][..], 3));
/// let none = frame_plan::<f32>(3, 4, 1, false).unwrap();
/// assert_eq!(none.shape(), &[0, 4]);
/// assert_eq!(none.extract(&[1.0f32, 2.0, 3.0], PatchOrder::PatchMajor).unwrap().shape(), &[0, 4]);
/// ```
pub fn frame_plan<T: Element>(
    len: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
) -> Result<Plan> {
    let (_, pad) = frame_count(len, frame_len, hop, pad_end)?;
    let layout = Layout::of::<T>(&[len])?;
    let padding = Padding::explicit(&[(0, pad)], PadMode::Constant);
    Plan::build(&layout, &PatchSpec::frames(frame_len, hop), &padding, true)
}

/// Cuts `signal` into frames of `frame_len` samples every `hop` samples,
/// like `tf.signal.frame(signal, frame_len, hop, pad_end, pad_value=fill)`.
/// Returns an array of shape `[num_frames, frame_len]` (see
/// [`frame_count`]); `fill` is what the end padding reads.
///
/// ```
/// use patch_core::frame;
///
/// // One second of 16 kHz audio in 25 ms frames with a 10 ms hop.
/// let audio: Vec<f32> = (0..16000).map(|i| (i as f32 * 0.01).sin()).collect();
/// let frames = frame(&audio, 400, 160, true, 0.0).unwrap();
/// assert_eq!(frames.shape(), &[100, 400]); // ceil(16000 / 160)
/// assert_eq!(frames[[1, 3]], audio[160 + 3]);
/// // The last frame runs past the end and is padded with zeros.
/// assert_eq!(*frames.data().last().unwrap(), 0.0);
/// ```
pub fn frame<T: Element>(
    signal: &[T],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    fill: T,
) -> Result<NdArray<T>> {
    frame_plan::<T>(signal.len(), frame_len, hop, pad_end)?
        .extract_with(signal, &ExtractOptions::new().fill(fill))
}

/// [`frame`] into `out`, which must hold exactly `num_frames * frame_len`
/// samples (frame-major; [`frame_count`] gives `num_frames`). Nothing is
/// written on failure.
///
/// ```
/// use patch_core::frame_into;
///
/// // ceil(5 / 2) = 3 frames of 3, the last one padded with -1.
/// let mut out = [0i16; 9];
/// frame_into(&[1i16, 2, 3, 4, 5], &mut out, 3, 2, true, -1).unwrap();
/// assert_eq!(out, [1, 2, 3, 3, 4, 5, 5, -1, -1]);
/// ```
pub fn frame_into<T: Element>(
    signal: &[T],
    out: &mut [T],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    fill: T,
) -> Result<()> {
    frame_plan::<T>(signal.len(), frame_len, hop, pad_end)?.extract_into_with(
        signal,
        out,
        &ExtractOptions::new().fill(fill),
    )
}

/// [`frame`] into another element type with the options of a copy:
/// `opts` gives the destination type `D` (`S` or a float type), the fill of
/// the end padding (in `D`, written as given) and an [`Affine`](crate::Affine)
/// along the frame (axis 0: a window function), so a windowed frame
/// matrix is made in one pass.
///
/// ```
/// use patch_core::{Affine, ExtractOptions, frame_with, window};
///
/// // 16-bit PCM into periodic-Hann-windowed f32 frames of 400, hop 160.
/// let pcm: Vec<i16> = (0..16000).map(|i| ((i * 37) % 2000) as i16 - 1000).collect();
/// let hann = window::hann(400, true).unwrap();
/// let opts = ExtractOptions::<f32>::new().affine(Affine::window(0, &hann).unwrap());
/// let frames = frame_with(&pcm, 400, 160, true, &opts).unwrap();
/// assert_eq!(frames.shape(), &[100, 400]);
/// assert_eq!(frames[[1, 100]], pcm[260] as f32 * hann[100] as f32);
/// ```
pub fn frame_with<S: Element, D: Element>(
    signal: &[S],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    opts: &ExtractOptions<D>,
) -> Result<NdArray<D>> {
    frame_plan::<S>(signal.len(), frame_len, hop, pad_end)?.extract_with(signal, opts)
}

/// [`frame_with`] into `out`, which must hold exactly
/// `num_frames * frame_len` elements of `D`. Nothing is written on failure.
pub fn frame_into_with<S: Element, D: Element>(
    signal: &[S],
    out: &mut [D],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    opts: &ExtractOptions<D>,
) -> Result<()> {
    frame_plan::<S>(signal.len(), frame_len, hop, pad_end)?.extract_into_with(signal, out, opts)
}

/// Adds frames back together at `hop` intervals, like
/// `tf.signal.overlap_and_add`: `frames` holds `n` frames of `frame_len`
/// samples; the result is a 1-D array of `(n-1)*hop + frame_len` samples
/// (0 when `n == 0`).
///
/// This is the plain sum, neither normalized nor trimmed: for the inverse
/// of [`frame`] (back to the signal's length, divided by the overlap) use
/// [`unframe`].
///
/// ```
/// use patch_core::overlap_add;
///
/// let frames = [1.0f32, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0];
/// let out = overlap_add(&frames, 4, 2).unwrap();
/// assert_eq!(out.shape(), &[6]);
/// assert_eq!(out.data(), &[1.0, 1.0, 3.0, 3.0, 2.0, 2.0]);
/// ```
pub fn overlap_add<T: FloatElement>(
    frames: &[T],
    frame_len: usize,
    hop: usize,
) -> Result<NdArray<T>> {
    let len = overlap_add_len(frames.len(), frame_len, hop)?;
    let mut out = try_zeroed::<T>(len)?;
    overlap_add_into(frames, &mut out, frame_len, hop)?;
    NdArray::from_vec(vec![len], out)
}

/// Length of [`overlap_add`]'s result for `samples` frame samples:
/// `(n-1)*hop + frame_len` with `n = samples / frame_len` frames (0 when
/// `n == 0`); an error when `samples` is not a whole number of frames.
pub fn overlap_add_len(samples: usize, frame_len: usize, hop: usize) -> Result<usize> {
    overlap_add_span(0, frame_len, hop)?;
    if !samples.is_multiple_of(frame_len) {
        bail!(
            BufferSize,
            "{samples} samples are not a whole number of frames of {frame_len}"
        );
    }
    overlap_add_span(samples / frame_len, frame_len, hop)
}

/// The length of the overlap-add of `n` frames of `frame_len` every `hop`:
/// `(n-1)*hop + frame_len`, 0 when `n == 0`; an error when `frame_len` or
/// `hop` is 0 or the length overflows.
pub(crate) fn overlap_add_span(n: usize, frame_len: usize, hop: usize) -> Result<usize> {
    if frame_len == 0 {
        bail!(ZeroSize, "frame length is 0; it must be at least 1");
    }
    if hop == 0 {
        bail!(ZeroStep, "hop is 0; it must be at least 1");
    }
    if n == 0 {
        return Ok(0);
    }
    (n - 1)
        .checked_mul(hop)
        .and_then(|v| v.checked_add(frame_len))
        .ok_or_else(|| {
            crate::error::err!(
                Overflow,
                "{n} frames of {frame_len} every {hop} overflow usize"
            )
        })
}

/// [`overlap_add`] into `out`, which must hold exactly
/// [`overlap_add_len`] samples (and is overwritten).
pub fn overlap_add_into<T: FloatElement>(
    frames: &[T],
    out: &mut [T],
    frame_len: usize,
    hop: usize,
) -> Result<()> {
    let len = overlap_add_len(frames.len(), frame_len, hop)?;
    if out.len() != len {
        bail!(
            BufferSize,
            "the output holds {} samples but {} frames of {frame_len} every {hop} need {len}",
            out.len(),
            frames.len() / frame_len
        );
    }
    if len == 0 {
        return Ok(());
    }
    let layout = Layout::of::<T>(&[len])?;
    let plan = Plan::valid(&layout, &PatchSpec::frames(frame_len, hop))?;
    plan.fold_into(frames, out, PatchOrder::PatchMajor, &Reduce::Sum)
}

/// The inverse of [`frame`]: puts `frames` (as `frame(signal, frame_len,
/// hop, pad_end, _)` made them, `num_frames * frame_len` samples) back into
/// a signal of `len` samples, normalized by how the frames overlap and
/// trimmed to `len`, so that
/// `unframe(frame(x, ..).data(), x.len(), ..) == x` exactly wherever a
/// frame covers `x` (every sample, unless `hop > frame_len` leaves gaps
/// between frames or, without `pad_end`, the tail after the last whole
/// frame is dropped; those samples are 0).
///
/// `reduce` says how overlapping samples combine:
///
/// - [`Reduce::Mean`] (what most callers want): divided by the number of
///   frames covering each sample;
/// - [`Reduce::Weighted`]: the weighted mean `Σ w·f / Σ w` with the weights
///   of a window over each frame ([`WindowFn::Hann`](crate::WindowFn::Hann),
///   [`WindowFn::PerAxis`](crate::WindowFn::PerAxis)`(vec![w])` for your
///   own): frames processed one by one (denoised, say) blend smoothly, and
///   unprocessed frames still come back exactly. This is `torch.istft`'s
///   normalization for frames that carry no analysis window; `torch.istft`
///   divides by `Σ w²` because its frames were multiplied by `w` once
///   before and are multiplied again;
/// - [`Reduce::Sum`]: plain overlap-add ([`overlap_add`]) trimmed to `len`;
/// - [`Reduce::Overwrite`]: the last frame covering a sample wins.
///
/// It is exactly `frame_plan::<T>(len, frame_len, hop, pad_end)?.fold(frames,
/// PatchOrder::PatchMajor, reduce)`: the plan of the framing, folded back.
/// The number of frames must be the one [`frame_count`] gives for `len`.
///
/// ```
/// use patch_core::{PatchOrder, Reduce, WindowFn, frame, frame_plan, unframe};
///
/// let x: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
/// // 25% hop, the end padded: 10 frames reach past the signal.
/// let frames = frame(&x, 400, 100, true, 0.0).unwrap();
/// assert_eq!(frames.shape(), &[10, 400]);
/// let back = unframe(frames.data(), x.len(), 400, 100, true, &Reduce::Mean).unwrap();
/// assert_eq!(back.data(), x); // exactly, and trimmed to 1000 samples
///
/// // A Hann blend of the same frames gives x back too.
/// let hann = Reduce::Weighted(WindowFn::Hann);
/// assert_eq!(unframe(frames.data(), x.len(), 400, 100, true, &hann).unwrap().data(), x);
///
/// // The same thing spelled out: the framing's plan, folded with Mean.
/// let plan = frame_plan::<f32>(x.len(), 400, 100, true).unwrap();
/// let folded = plan.fold(frames.data(), PatchOrder::PatchMajor, &Reduce::Mean).unwrap();
/// assert_eq!(folded, back);
/// ```
pub fn unframe<T: FloatElement>(
    frames: &[T],
    len: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    reduce: &Reduce,
) -> Result<NdArray<T>> {
    frame_plan::<T>(len, frame_len, hop, pad_end)?.fold(frames, PatchOrder::PatchMajor, reduce)
}

/// [`unframe`] into `out`, whose length is the signal's (`len`); `out` is
/// overwritten, and nothing is written on failure.
///
/// ```
/// use patch_core::{Reduce, unframe_into};
///
/// // Frames of 3 every 2 over 6 samples with pad_end: 3 frames.
/// let frames = [1.0f64, 2.0, 3.0, 3.0, 4.0, 5.0, 5.0, 6.0, 0.0];
/// let mut out = [0.0f64; 6];
/// unframe_into(&frames, &mut out, 3, 2, true, &Reduce::Mean).unwrap();
/// assert_eq!(out, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// ```
pub fn unframe_into<T: FloatElement>(
    frames: &[T],
    out: &mut [T],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    reduce: &Reduce,
) -> Result<()> {
    frame_plan::<T>(out.len(), frame_len, hop, pad_end)?.fold_into(
        frames,
        out,
        PatchOrder::PatchMajor,
        reduce,
    )
}
