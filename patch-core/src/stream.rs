//! Streaming framing and overlap-add: [`frame`](crate::frame) and
//! [`overlap_add`](crate::overlap_add) over a signal that arrives in chunks
//! (a microphone, a network stream, an audio callback), with state bounded
//! by the frame length.
//!
//! For every way of cutting the input into chunks, the concatenated output
//! equals the offline call on the whole input, bit for bit. The geometry is
//! [`frame_count`] and [`overlap_add_len`](crate::overlap_add_len)'s; the copies are
//! [`frame_into_with`](crate::frame_into_with)'s (its plan, kept); nothing here has its own rule for where a frame
//! starts or how many there are.

use crate::alloc::{try_with_capacity, try_zeroed};
use crate::array::NdArray;
use crate::convert::check_conversion;
use crate::element::{Element, FloatElement, cast};
use crate::error::{Result, bail, err};
use crate::extract::ExtractOptions;
use crate::frame::{frame_count, frame_plan, overlap_add_span};
use crate::order::PatchOrder;
use crate::plan::Plan;

/// `a * b`, or an overflow error naming both.
fn mul(a: usize, b: usize, what: &str) -> Result<usize> {
    a.checked_mul(b)
        .ok_or_else(|| err!(Overflow, "{a} {what} of {b} overflow usize"))
}

/// A framer over a stream: [`push`](StreamFramer::push) chunks of any
/// length (empty, shorter than a hop, longer than many frames) and get the
/// frames that became complete; [`finish`](StreamFramer::finish) gives the
/// tail (with `pad_end`, the frames that run past the end, padded with the
/// fill). The frames of every push and of the finish, concatenated, are
/// exactly `frame_with(signal, frame_len, hop, pad_end, opts)` of the whole
/// signal, bit for bit, conversion and window included.
///
/// `S` is the type of the samples pushed, `D` the type of the frames (`S`
/// itself, or a float type with the conversion and [`Affine`](crate::Affine)
/// of [`ExtractOptions`]).
///
/// The state is the samples of the next frame that have arrived (fewer than
/// `frame_len`), in a buffer of `2 * frame_len` samples reserved when the
/// framer is made; the frames come straight from the pushed chunk where they
/// lie inside it. After [`finish`](StreamFramer::finish) the framer is
/// ready for a new stream.
///
/// ```
/// use patch_core::{StreamFramer, frame};
///
/// let signal: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.1).sin()).collect();
/// let mut framer = StreamFramer::new(400, 160, true, 0.0f32).unwrap();
/// let mut frames = Vec::new();
/// for chunk in signal.chunks(128) {
///     // A push of 128 samples gives 0 or 1 frames of 400 here.
///     frames.extend_from_slice(framer.push(chunk).unwrap().data());
/// }
/// frames.extend_from_slice(framer.finish().unwrap().data());
/// assert_eq!(frames, frame(&signal, 400, 160, true, 0.0).unwrap().data());
/// ```
#[derive(Clone, Debug)]
pub struct StreamFramer<S, D = S> {
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    opts: ExtractOptions<D>,
    /// The samples `[emitted * hop, total)` (none when the next frame
    /// starts after `total`): fewer than `frame_len` between calls; during
    /// a push also the first samples of the chunk that complete the frames
    /// that straddle it (at most `2 * frame_len - 2` in all).
    carry: Vec<S>,
    /// Samples pushed since the stream began.
    total: usize,
    /// Frames emitted since the stream began.
    emitted: usize,
    /// The last few plans of `frame_into_with` (by signal length and
    /// `pad_end`): a stream of equal chunks frames the same few lengths
    /// again and again, and a plan costs more than the copy of 3 frames.
    plans: Vec<((usize, bool), Plan)>,
}

/// How many plans a framer keeps.
const PLANS: usize = 4;

/// `frame_into_with(signal, out, frame_len, hop, pad, opts)`, with the plan
/// taken from (or added to) `plans`.
fn frame_cached<S: Element, D: Element>(
    plans: &mut Vec<((usize, bool), Plan)>,
    (frame_len, hop): (usize, usize),
    signal: &[S],
    out: &mut [D],
    pad: bool,
    opts: &ExtractOptions<D>,
) -> Result<()> {
    if !pad
        && S::DTYPE == D::DTYPE
        && opts.get_affine().is_none()
        && let Some(signal) = cast::<S, D>(signal)
    {
        // A plain copy of whole frames: a frame of a 1-D signal is one
        // contiguous run of it (the plan's view, `[frames, frame_len]` with
        // strides `[hop, 1]`), copied as it is, without making a plan per
        // push. `frame_count` (checked by the caller) says `out` holds
        // exactly the frames of `signal`.
        for (k, dst) in out.chunks_exact_mut(frame_len).enumerate() {
            dst.copy_from_slice(&signal[k * hop..k * hop + frame_len]);
        }
        return Ok(());
    }
    let key = (signal.len(), pad);
    let i = match plans.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            let plan = frame_plan::<S>(signal.len(), frame_len, hop, pad)?;
            if plans.len() == PLANS {
                plans.remove(0);
            }
            plans.push((key, plan));
            plans.len() - 1
        }
    };
    plans[i].1.extract_into_with(signal, out, opts)
}

impl<T: Element> StreamFramer<T, T> {
    /// A framer of `T` samples into `T` frames, like
    /// [`frame`](crate::frame)`(signal, frame_len, hop, pad_end, fill)`.
    /// Fails when `frame_len` or `hop` is 0, or the carry buffer cannot be
    /// allocated.
    pub fn new(frame_len: usize, hop: usize, pad_end: bool, fill: T) -> Result<Self> {
        StreamFramer::with_options(frame_len, hop, pad_end, ExtractOptions::new().fill(fill))
    }
}

impl<S: Element, D: Element> StreamFramer<S, D> {
    /// A framer with the options of [`frame_with`](crate::frame_with): the
    /// destination type `D`, the fill of the end padding (in `D`) and an
    /// [`Affine`](crate::Affine) along the frame (axis 0, a window
    /// function). The options are checked here (the conversion, the
    /// affine's axis and length against the frame); their order must be
    /// [`PatchOrder::PatchMajor`], the order in which frames stream.
    ///
    /// ```
    /// use patch_core::{Affine, ExtractOptions, StreamFramer, frame_with, window};
    ///
    /// // 16-bit PCM into Hann-windowed f32 frames, pushed 10 ms at a time.
    /// let pcm: Vec<i16> = (0..4000).map(|i| ((i * 37) % 2000) as i16 - 1000).collect();
    /// let hann = Affine::window(0, &window::hann(400, true).unwrap()).unwrap();
    /// let opts = ExtractOptions::<f32>::new().affine(hann);
    /// let mut framer = StreamFramer::with_options(400, 160, true, opts.clone()).unwrap();
    /// // A push of n samples emits at most n / hop + 1 frames.
    /// let mut out = vec![0.0f32; (160 / 160 + 1) * 400];
    /// let mut frames = Vec::new();
    /// for chunk in pcm.chunks(160) {
    ///     let n = framer.push_into(chunk, &mut out).unwrap();
    ///     frames.extend_from_slice(&out[..n * 400]);
    /// }
    /// frames.extend_from_slice(framer.finish().unwrap().data());
    /// assert_eq!(frames, frame_with(&pcm, 400, 160, true, &opts).unwrap().data());
    /// ```
    pub fn with_options(
        frame_len: usize,
        hop: usize,
        pad_end: bool,
        opts: ExtractOptions<D>,
    ) -> Result<Self> {
        frame_count(0, frame_len, hop, pad_end)?;
        if opts.get_order() != PatchOrder::PatchMajor {
            bail!(
                InvalidArgument,
                "a stream emits frames one after the other (patch-major order), not {:?}",
                opts.get_order()
            );
        }
        check_conversion(S::DTYPE, D::DTYPE, opts.get_affine().is_some())?;
        if let Some(affine) = opts.get_affine() {
            // The affine against the plan of one frame: its axis and length.
            affine.per_feature(&frame_plan::<S>(frame_len, frame_len, hop, false)?, |v| v)?;
        }
        let carry = try_with_capacity(mul(2, frame_len, "times frames")?)?;
        Ok(StreamFramer {
            frame_len,
            hop,
            pad_end,
            opts,
            carry,
            total: 0,
            emitted: 0,
            plans: try_with_capacity(PLANS)?,
        })
    }

    /// The frame length.
    pub fn frame_len(&self) -> usize {
        self.frame_len
    }

    /// The hop between frame starts.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// Whether [`finish`](StreamFramer::finish) pads the tail.
    pub fn pad_end(&self) -> bool {
        self.pad_end
    }

    /// The options of the copy (type, fill, affine).
    pub fn options(&self) -> &ExtractOptions<D> {
        &self.opts
    }

    /// Samples pushed since the stream began.
    pub fn samples_pushed(&self) -> usize {
        self.total
    }

    /// Frames emitted since the stream began.
    pub fn frames_emitted(&self) -> usize {
        self.emitted
    }

    /// The samples the framer holds (the start of the next frame): fewer
    /// than `frame_len`.
    pub fn buffered(&self) -> usize {
        self.carry.len()
    }

    /// How many frames a push of `n` samples emits now (the whole frames of
    /// `samples_pushed() + n` samples, by [`frame_count`] without padding,
    /// less those already emitted): never more than `n / hop + 1`, a bound
    /// to size a reusable buffer by. Fails only when the stream's length
    /// would overflow `usize`.
    pub fn frames_for(&self, n: usize) -> Result<usize> {
        let total = self.total.checked_add(n).ok_or_else(|| {
            err!(
                Overflow,
                "{} samples pushed and {n} more overflow usize",
                self.total
            )
        })?;
        let (whole, _) = frame_count(total, self.frame_len, self.hop, false)?;
        Ok(whole - self.emitted)
    }

    /// How many frames [`finish`](StreamFramer::finish) emits now: with
    /// `pad_end`, those of `frame`'s that start before the end and were not
    /// emitted yet (the buffered samples framed with [`frame_count`]'s
    /// `pad_end` rule); without, none.
    pub fn finish_frames(&self) -> usize {
        if !self.pad_end {
            return 0;
        }
        // Cannot fail: checked at creation, and the end of the last frame
        // lies within (emitted + frames) * hop + frame_len of an earlier
        // push's checks.
        frame_count(self.carry.len(), self.frame_len, self.hop, true).map_or(0, |(n, _)| n)
    }

    /// Pushes `chunk` and writes the frames that became complete into the
    /// start of `out` (frame-major, `frame_len` samples each), which must
    /// hold at least [`frames_for`](StreamFramer::frames_for)`(chunk.len())`
    /// frames; returns how many were written. On failure nothing is written
    /// and the framer is as it was.
    pub fn push_into(&mut self, chunk: &[S], out: &mut [D]) -> Result<usize> {
        let (fl, hop) = (self.frame_len, self.hop);
        let m = self.frames_for(chunk.len())?;
        let need = mul(m, fl, "frames")?;
        if out.len() < need {
            bail!(
                BufferSize,
                "the output holds {} samples but a push of {} samples emits {m} frames of {fl}, {need} samples",
                out.len(),
                chunk.len()
            );
        }
        let total_old = self.total;
        let total_new = total_old + chunk.len();
        let first = self.emitted;
        // The start of the next frame; at most total + hop, checked by
        // frames_for's frame_count of an earlier push.
        let base = first * hop;
        if m == 0 {
            if base < total_new {
                // When the next frame starts after total (hop > frame_len),
                // nothing is buffered and the samples before it are skipped.
                let skip = base.saturating_sub(total_old);
                self.carry.extend_from_slice(&chunk[skip..]);
            }
            self.total = total_new;
            return Ok(0);
        }
        let out = &mut out[..need];
        // Frames that start in the buffered samples: framed from the carry
        // completed by the start of the chunk.
        let straddling = if base < total_old {
            (total_old - base).div_ceil(hop).min(m)
        } else {
            0
        };
        let held = self.carry.len();
        let mut from_chunk = 0;
        if straddling > 0 {
            from_chunk = base + (straddling - 1) * hop + fl - total_old;
            self.carry.extend_from_slice(&chunk[..from_chunk]);
            let (staged, _) = out.split_at_mut(straddling * fl);
            if let Err(e) = self.frame_carry(staged, false) {
                self.carry.truncate(held);
                return Err(e);
            }
        }
        // Frames that lie inside the chunk: framed from it in place.
        if m > straddling {
            let start = (first + straddling) * hop - total_old;
            let len = (m - straddling - 1) * hop + fl;
            let signal = &chunk[start..start + len];
            let dst = &mut out[straddling * fl..];
            if let Err(e) = frame_cached(&mut self.plans, (fl, hop), signal, dst, false, &self.opts)
            {
                self.carry.truncate(held);
                return Err(e);
            }
        }
        // What the next frame has of its samples.
        let next = (first + m) * hop;
        if next < total_old {
            // Every frame of the push started in the carry.
            self.carry.drain(..next - base);
            self.carry.extend_from_slice(&chunk[from_chunk..]);
        } else {
            self.carry.clear();
            if next < total_new {
                self.carry.extend_from_slice(&chunk[next - total_old..]);
            }
        }
        self.total = total_new;
        self.emitted += m;
        Ok(m)
    }

    /// Frames the carry into `out`: its whole frames, or with `pad`, those
    /// of `frame`'s `pad_end` rule.
    fn frame_carry(&mut self, out: &mut [D], pad: bool) -> Result<()> {
        let geometry = (self.frame_len, self.hop);
        frame_cached(&mut self.plans, geometry, &self.carry, out, pad, &self.opts)
    }

    /// Pushes `chunk` and returns the frames that became complete, an
    /// array of shape `[frames, frame_len]` (`frames` may be 0).
    pub fn push(&mut self, chunk: &[S]) -> Result<NdArray<D>> {
        let m = self.frames_for(chunk.len())?;
        let mut out = try_zeroed(mul(m, self.frame_len, "frames")?)?;
        let m = self.push_into(chunk, &mut out)?;
        NdArray::from_vec(vec![m, self.frame_len], out)
    }

    /// Ends the stream: writes the tail into the start of `out`, which must
    /// hold at least [`finish_frames`](StreamFramer::finish_frames) frames,
    /// and returns how many were written. With `pad_end` these are the
    /// frames that start before the end of the signal and run past it,
    /// padded with the fill, as [`frame`](crate::frame) makes them; without,
    /// there are none (the samples after the last whole frame are dropped).
    ///
    /// The framer then starts a new stream. On failure nothing is written
    /// and the framer is as it was.
    pub fn finish_into(&mut self, out: &mut [D]) -> Result<usize> {
        let n = self.finish_frames();
        let need = mul(n, self.frame_len, "frames")?;
        if out.len() < need {
            bail!(
                BufferSize,
                "the output holds {} samples but the end of the stream emits {n} frames of {}, {need} samples",
                out.len(),
                self.frame_len
            );
        }
        if n > 0 {
            self.frame_carry(&mut out[..need], true)?;
        }
        self.reset();
        Ok(n)
    }

    /// Ends the stream and returns the tail, an array of shape
    /// `[frames, frame_len]` (see [`finish_into`](StreamFramer::finish_into)).
    pub fn finish(&mut self) -> Result<NdArray<D>> {
        let mut out = try_zeroed(mul(self.finish_frames(), self.frame_len, "frames")?)?;
        let n = self.finish_into(&mut out)?;
        NdArray::from_vec(vec![n, self.frame_len], out)
    }

    /// Drops the buffered samples and starts a new stream.
    pub fn reset(&mut self) {
        self.carry.clear();
        self.total = 0;
        self.emitted = 0;
    }
}

/// Overlap-add over a stream of frames: [`push`](StreamOverlapAdd::push)
/// any number of whole frames and get the samples that no later frame can
/// change; [`finish`](StreamOverlapAdd::finish) gives the rest. The
/// samples of every push and of the finish, concatenated, are exactly
/// [`overlap_add`](crate::overlap_add)`(frames, frame_len, hop)` of all the
/// frames, bit for bit: each sample is summed from zero in frame order, as
/// the offline fold sums it (a frame that overlaps no other is copied as it
/// is, as the offline fold copies it).
///
/// The state is one frame of partial sums. With overlapping frames
/// (`hop < frame_len`) a push of frames releases `hop` samples per frame,
/// except that the first frame's samples are held until a second frame (or
/// the finish) arrives: offline, a single frame is copied as it is, and
/// more are summed from zero, which differ for `-0.0`. After
/// [`finish`](StreamOverlapAdd::finish) it is ready for a new stream.
///
/// ```
/// use patch_core::{StreamOverlapAdd, overlap_add};
///
/// let frames: Vec<f32> = (0..10 * 400).map(|i| (i as f32 * 0.3).cos()).collect();
/// let mut ola = StreamOverlapAdd::new(400, 160).unwrap();
/// let mut out = Vec::new();
/// for batch in frames.chunks(3 * 400) {
///     out.extend_from_slice(ola.push(batch).unwrap().data());
/// }
/// out.extend_from_slice(ola.finish().unwrap().data());
/// assert_eq!(out, overlap_add(&frames, 400, 160).unwrap().data());
/// ```
#[derive(Clone, Debug)]
pub struct StreamOverlapAdd<T> {
    frame_len: usize,
    hop: usize,
    /// The partial sums of the samples `[released, released + frame_len)`,
    /// a ring starting at `head` (overlapping frames only; empty when
    /// `hop >= frame_len`, where every frame is final as it arrives).
    ring: Vec<T>,
    head: usize,
    /// Frames pushed since the stream began.
    frames: usize,
}

impl<T: FloatElement> StreamOverlapAdd<T> {
    /// An overlap-add of frames of `frame_len` every `hop`. Fails when
    /// either is 0, or the partial sums cannot be allocated.
    pub fn new(frame_len: usize, hop: usize) -> Result<Self> {
        overlap_add_span(0, frame_len, hop)?;
        let ring = if hop < frame_len {
            try_zeroed(frame_len)?
        } else {
            Vec::new()
        };
        Ok(StreamOverlapAdd {
            frame_len,
            hop,
            ring,
            head: 0,
            frames: 0,
        })
    }

    /// The frame length.
    pub fn frame_len(&self) -> usize {
        self.frame_len
    }

    /// The hop between frame starts.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// Frames pushed since the stream began.
    pub fn frames_pushed(&self) -> usize {
        self.frames
    }

    /// The samples that are final once `n` frames have arrived: those
    /// before the start of frame `n` that exist (the result has
    /// [`overlap_add_len`](crate::overlap_add_len) samples), none while a
    /// single overlapping frame is held.
    fn released(&self, n: usize) -> Result<usize> {
        if n == 0 || (n == 1 && self.hop < self.frame_len) {
            return Ok(0);
        }
        let span = overlap_add_span(n, self.frame_len, self.hop)?;
        Ok(mul(n, self.hop, "frames every").unwrap_or(span).min(span))
    }

    /// How many frames `samples` frame samples are; an error when they are
    /// not whole frames.
    fn frames_in(&self, samples: usize) -> Result<usize> {
        if !samples.is_multiple_of(self.frame_len) {
            bail!(
                BufferSize,
                "{samples} samples are not a whole number of frames of {}",
                self.frame_len
            );
        }
        Ok(samples / self.frame_len)
    }

    /// How many samples a push of `frames` frames releases now. Fails only
    /// when the stream's length would overflow `usize`.
    pub fn samples_for(&self, frames: usize) -> Result<usize> {
        let n = self.frames.checked_add(frames).ok_or_else(|| {
            err!(
                Overflow,
                "{} frames pushed and {frames} more overflow usize",
                self.frames
            )
        })?;
        Ok(self.released(n)? - self.released(self.frames)?)
    }

    /// How many samples [`finish`](StreamOverlapAdd::finish) releases now:
    /// the rest of [`overlap_add_len`](crate::overlap_add_len)'s samples.
    pub fn finish_samples(&self) -> usize {
        // Cannot fail: the push that brought the frames checked the span.
        let span = overlap_add_span(self.frames, self.frame_len, self.hop).unwrap_or(0);
        span - self.released(self.frames).unwrap_or(0)
    }

    /// Pushes `frames` (whole frames of `frame_len` samples, one after the
    /// other, as [`overlap_add`](crate::overlap_add) takes them) and writes
    /// the samples that became final into the start of `out`, which must
    /// hold at least [`samples_for`](StreamOverlapAdd::samples_for) of the
    /// number of frames; returns how many were written. On failure nothing
    /// is written and the state is as it was.
    pub fn push_into(&mut self, frames: &[T], out: &mut [T]) -> Result<usize> {
        let m = self.frames_in(frames.len())?;
        let need = self.samples_for(m)?;
        if out.len() < need {
            bail!(
                BufferSize,
                "the output holds {} samples but a push of {m} frames of {} every {} releases {need}",
                out.len(),
                self.frame_len,
                self.hop
            );
        }
        let (fl, hop) = (self.frame_len, self.hop);
        let mut at = 0;
        for frame in frames.chunks_exact(fl) {
            if hop >= fl {
                // Frames never overlap: each is final as it arrives, after
                // the gap of zeros between it and the previous one.
                if self.frames > 0 {
                    out[at..at + hop - fl].fill(T::ZERO);
                    at += hop - fl;
                }
                out[at..at + fl].copy_from_slice(frame);
                at += fl;
            } else if self.frames == 0 {
                // Held as it is: alone, it is the result.
                self.ring.copy_from_slice(frame);
            } else {
                if self.frames == 1 {
                    // A second frame: the sums start from zero.
                    for v in &mut self.ring {
                        *v = T::ZERO + *v;
                    }
                    at += self.release(&mut out[at..at + hop]);
                }
                let (a, b) = self.ring.split_at_mut(self.head);
                let (fa, fb) = frame.split_at(fl - self.head);
                for (d, &v) in b.iter_mut().zip(fa) {
                    *d += v;
                }
                for (d, &v) in a.iter_mut().zip(fb) {
                    *d += v;
                }
                at += self.release(&mut out[at..at + hop]);
            }
            self.frames += 1;
        }
        debug_assert_eq!(at, need);
        Ok(need)
    }

    /// Writes the first `out.len()` partial sums of the ring (final ones)
    /// into `out`, zeroes their slots for the samples a frame later, and
    /// moves the head past them; returns their number.
    fn release(&mut self, out: &mut [T]) -> usize {
        let n = out.len();
        let fl = self.frame_len;
        let first = n.min(fl - self.head);
        let (o1, o2) = out.split_at_mut(first);
        let r1 = &mut self.ring[self.head..self.head + first];
        o1.copy_from_slice(r1);
        r1.fill(T::ZERO);
        let r2 = &mut self.ring[..n - first];
        o2.copy_from_slice(r2);
        r2.fill(T::ZERO);
        self.head = (self.head + n) % fl;
        n
    }

    /// Pushes `frames` and returns the samples that became final, a 1-D
    /// array (possibly empty).
    pub fn push(&mut self, frames: &[T]) -> Result<NdArray<T>> {
        let m = self.frames_in(frames.len())?;
        let mut out = try_zeroed(self.samples_for(m)?)?;
        let n = self.push_into(frames, &mut out)?;
        NdArray::from_vec(vec![n], out)
    }

    /// Ends the stream: writes the remaining samples (up to
    /// [`overlap_add_len`](crate::overlap_add_len) of all the frames) into
    /// the start of `out`, which must hold at least
    /// [`finish_samples`](StreamOverlapAdd::finish_samples), and returns how
    /// many were written. It then starts a new stream. On failure nothing
    /// is written and the state is as it was.
    pub fn finish_into(&mut self, out: &mut [T]) -> Result<usize> {
        let need = self.finish_samples();
        if out.len() < need {
            bail!(
                BufferSize,
                "the output holds {} samples but the end of the stream releases {need}",
                out.len()
            );
        }
        if need > 0 {
            self.release(&mut out[..need]);
        }
        self.reset();
        Ok(need)
    }

    /// Ends the stream and returns the remaining samples, a 1-D array (see
    /// [`finish_into`](StreamOverlapAdd::finish_into)).
    pub fn finish(&mut self) -> Result<NdArray<T>> {
        let mut out = try_zeroed(self.finish_samples())?;
        let n = self.finish_into(&mut out)?;
        NdArray::from_vec(vec![n], out)
    }

    /// Drops the partial sums and starts a new stream.
    pub fn reset(&mut self) {
        self.ring.fill(T::ZERO);
        self.head = 0;
        self.frames = 0;
    }
}
