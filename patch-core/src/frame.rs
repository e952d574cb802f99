//! 1-D framing with `tf.signal.frame` semantics, and overlap-add as its fold.

use crate::array::Array;
use crate::element::{Element, FloatElement};
use crate::error::{Result, bail};
use crate::fold::Reduce;
use crate::layout::Layout;
use crate::materialize::{alloc, copy_typed};
use crate::padding::{PadMode, Padding};
use crate::plan::Plan;
use crate::spec::PatchSpec;
use crate::walk::PatchOrder;

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

/// The plan `tf.signal.frame` follows for a signal of `len` samples of
/// `itemsize` bytes: 1-D windows of `frame_len` every `hop`, the end padded
/// with a constant when `pad_end` asks for it. `None` when there are no
/// frames (a signal shorter than a frame without `pad_end`, or empty).
pub fn frame_plan(
    len: usize,
    itemsize: usize,
    frame_len: usize,
    hop: usize,
    pad_end: bool,
) -> Result<Option<Plan>> {
    let (n, pad) = frame_count(len, frame_len, hop, pad_end)?;
    if n == 0 {
        return Ok(None);
    }
    let layout = Layout::contiguous(&[len], itemsize)?;
    let padding = Padding::explicit(vec![(0, pad)], PadMode::Constant(0.0));
    Ok(Some(Plan::new(
        &layout,
        &PatchSpec::frames(frame_len, hop),
        &padding,
    )?))
}

/// Cuts `signal` into frames of `frame_len` samples every `hop` samples,
/// like `tf.signal.frame(signal, frame_len, hop, pad_end, pad_value)`.
/// Returns an array of shape `[num_frames, frame_len]`.
///
/// ```
/// use patch_core::frame;
///
/// // One second of 16 kHz audio in 25 ms frames with a 10 ms hop.
/// let audio: Vec<f32> = (0..16000).map(|i| (i as f32 * 0.01).sin()).collect();
/// let frames = frame(&audio, 400, 160, true, 0.0).unwrap();
/// assert_eq!(frames.shape(), &[100, 400]); // ceil(16000 / 160)
/// assert_eq!(frames.data()[400 + 3], audio[160 + 3]);
/// // The last frame runs past the end and is padded with zeros.
/// assert_eq!(*frames.data().last().unwrap(), 0.0);
/// ```
pub fn frame<T: Element>(
    signal: &[T],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    pad_value: T,
) -> Result<Array<T>> {
    let Some(plan) = frame_plan(
        signal.len(),
        std::mem::size_of::<T>(),
        frame_len,
        hop,
        pad_end,
    )?
    else {
        return Array::from_vec(vec![0, frame_len], Vec::new());
    };
    let mut out = alloc::<T>(plan.copy_len())?;
    copy_typed(&plan, signal, &mut out, PatchOrder::PatchMajor, pad_value);
    Array::from_vec(vec![plan.num_patches(), frame_len], out)
}

/// Adds frames back together at `hop` intervals, like
/// `tf.signal.overlap_and_add`: `frames` holds `n` frames of `frame_len`
/// samples; the result has `(n-1)*hop + frame_len` samples (0 when `n == 0`).
///
/// ```
/// use patch_core::overlap_add;
///
/// let frames = [1.0f32, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0];
/// assert_eq!(overlap_add(&frames, 4, 2).unwrap(), vec![1.0, 1.0, 3.0, 3.0, 2.0, 2.0]);
/// ```
pub fn overlap_add<T: FloatElement>(frames: &[T], frame_len: usize, hop: usize) -> Result<Vec<T>> {
    let mut out = alloc::<T>(overlap_add_len(frames.len(), frame_len, hop)?)?;
    overlap_add_into(frames, frame_len, hop, &mut out)?;
    Ok(out)
}

/// Length of [`overlap_add`]'s result for `samples` frame samples:
/// `(n-1)*hop + frame_len` with `n = samples / frame_len` frames (0 when
/// `n == 0`); an error when `samples` is not a whole number of frames.
pub fn overlap_add_len(samples: usize, frame_len: usize, hop: usize) -> Result<usize> {
    if frame_len == 0 {
        bail!(ZeroSize, "frame length is 0; it must be at least 1");
    }
    if hop == 0 {
        bail!(ZeroStep, "hop is 0; it must be at least 1");
    }
    if !samples.is_multiple_of(frame_len) {
        bail!(
            BufferTooSmall,
            "{samples} samples are not a whole number of frames of {frame_len}"
        );
    }
    let n = samples / frame_len;
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
/// [`overlap_add_len`] samples.
pub fn overlap_add_into<T: FloatElement>(
    frames: &[T],
    frame_len: usize,
    hop: usize,
    out: &mut [T],
) -> Result<()> {
    let len = overlap_add_len(frames.len(), frame_len, hop)?;
    if out.len() != len {
        bail!(
            BufferTooSmall,
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
