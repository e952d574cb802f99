//! Streams: `patch_framer` (patch-core's `StreamFramer`) and
//! `patch_overlap_adder` (`StreamOverlapAdd`) behind opaque handles with
//! create / push / finish / free, and a query call that sizes the caller's
//! buffer before each push.
//!
//! The element types are known at run time here: a framer is a
//! `StreamFramer<S, D>` for the `S` of `dtype` and the `D` of `out_dtype`
//! behind a trait object, an adder one of the two float types.

use std::ffi::c_void;

use half::{bf16, f16};
use patch_core::{
    Affine, Element, ExtractOptions, FloatElement, PatchOrder, Result as CoreResult, StreamFramer,
    StreamOverlapAdd, frame_plan,
};

use crate::buffers;
use crate::copy::{Float, affine_arg, fill_arg, float_dtype, patch_affine, patch_frame_options};
use crate::enums::{self, patch_dtype};
use crate::ptr::{
    Failure, FfiResult, free_handle, handle_mut, handle_ref, opt_ref, out_opt, out_ref, region,
    slice_in, slice_out,
};
use crate::status::{ffi_boundary, ffi_value_boundary, patch_status};

/// What the exports need of a `StreamFramer<S, D>` whatever its types:
/// buffers come as pointers with element counts, typed here.
trait Framer: Send {
    fn frames_for(&self, n: usize) -> CoreResult<usize>;
    fn finish_frames(&self) -> usize;
    fn push(
        &mut self,
        chunk: *const c_void,
        n: usize,
        out: *mut c_void,
        m: usize,
    ) -> FfiResult<usize>;
    fn finish(&mut self, out: *mut c_void, m: usize) -> FfiResult<usize>;
}

impl<S: Element, D: Element> Framer for StreamFramer<S, D> {
    fn frames_for(&self, n: usize) -> CoreResult<usize> {
        StreamFramer::frames_for(self, n)
    }

    fn finish_frames(&self) -> usize {
        StreamFramer::finish_frames(self)
    }

    fn push(
        &mut self,
        chunk: *const c_void,
        n: usize,
        out: *mut c_void,
        m: usize,
    ) -> FfiResult<usize> {
        let chunk = slice_in(chunk.cast::<S>(), n, "chunk")?;
        let out = slice_out(out.cast::<D>(), m, "out", &[region(chunk, "chunk")])?;
        Ok(self.push_into(chunk, out)?)
    }

    fn finish(&mut self, out: *mut c_void, m: usize) -> FfiResult<usize> {
        let out = slice_out(out.cast::<D>(), m, "out", &[])?;
        Ok(self.finish_into(out)?)
    }
}

/// A framer over a stream of samples: `patch_frame_into`'s frames of a
/// signal that arrives in chunks (a microphone, a network stream, an audio
/// callback). Made by `patch_framer_create`, fed by `patch_framer_push`,
/// ended by `patch_framer_finish`, released by `patch_framer_free`.
///
/// The frames of every push and of the finish, concatenated, are exactly
/// `patch_frame_into` (or `patch_frame_convert_into`) of the whole signal,
/// bit for bit, for every way of cutting it into chunks. Its state is at
/// most `2 * frame_len` samples, reserved at creation; a push allocates
/// nothing but the small tables of the copy.
///
/// A framer changes with every push: use one from one thread at a time
/// (different framers are independent).
#[allow(non_camel_case_types)]
pub struct patch_framer {
    inner: Box<dyn Framer>,
    dtype: patch_dtype,
    out_dtype: patch_dtype,
}

/// The framer of `S` samples into `D` frames.
fn framer<S: Element, D: Element>(
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    fill: &[u8],
    affine: Option<Affine>,
) -> FfiResult<Box<dyn Framer>> {
    let fill = match slice_in(
        fill.as_ptr().cast::<D>(),
        fill.len() / size_of::<D>(),
        "fill",
    )? {
        [f] => *f,
        _ => D::default(),
    };
    let mut opts = ExtractOptions::<D>::new().fill(fill);
    if let Some(a) = affine {
        opts = opts.affine(a);
    }
    Ok(Box::new(StreamFramer::<S, D>::with_options(
        frame_len, hop, pad_end, opts,
    )?))
}

/// The framer of `S` samples into `out_dtype` frames: `S` itself or a
/// float type (patch-core refuses the rest).
fn framer_from<S: Element>(
    out_dtype: patch_dtype,
    (frame_len, hop, pad_end): (usize, usize, bool),
    fill: &[u8],
    affine: Option<Affine>,
) -> FfiResult<Box<dyn Framer>> {
    let (fl, h, p, f, a) = (frame_len, hop, pad_end, fill, affine);
    match out_dtype.core() {
        d if d == S::DTYPE => framer::<S, S>(fl, h, p, f, a),
        patch_core::DType::F32 => framer::<S, f32>(fl, h, p, f, a),
        patch_core::DType::F64 => framer::<S, f64>(fl, h, p, f, a),
        patch_core::DType::F16 => framer::<S, f16>(fl, h, p, f, a),
        patch_core::DType::BF16 => framer::<S, bf16>(fl, h, p, f, a),
        d => {
            // The engine's refusal of the conversion, from an empty copy.
            frame_plan::<S>(0, 1, 1, false)?.extract_bytes_as(
                &[],
                S::DTYPE,
                &mut [],
                d,
                PatchOrder::PatchMajor,
                &[],
                a.as_ref(),
            )?;
            Err(Failure::new(
                patch_status::UnsupportedDtype,
                format!("cannot frame {} samples into {}", S::DTYPE.name(), d.name()),
            ))
        }
    }
}

/// Creates a framer of `dtype` samples (a `patch_dtype`) into frames of
/// `frame_len` samples every `hop` samples, of `out_dtype` elements: the
/// frames `patch_frame_into` (when `out_dtype == dtype` and `affine` is
/// NULL) or `patch_frame_convert_into` would make of the whole signal.
///
/// `opts` gives `pad_end` and the fill of the end padding (one `out_dtype`
/// element, aligned for it, or `fill_bytes = 0` for zeros; written as
/// given, never mapped by the affine); NULL means no end padding. `affine`
/// (NULL: none) maps every sample on the way, as for
/// `patch_frame_convert_into` (a window function along axis 0); its
/// coefficients are copied, so the arrays may be freed after the call.
///
/// On success `*out_framer` receives a new framer, to be released with
/// `patch_framer_free`; on failure it is left untouched
/// (`PATCH_STATUS_ZERO_SIZE` for `frame_len = 0`, `PATCH_STATUS_ZERO_STEP`
/// for `hop = 0`, `PATCH_STATUS_UNSUPPORTED_DTYPE` for a conversion no
/// copy makes, `PATCH_STATUS_INVALID_ARGUMENT` for an affine that does not
/// fit the frame).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn patch_framer_create(
    dtype: u32,
    out_dtype: u32,
    frame_len: usize,
    hop: usize,
    opts: *const patch_frame_options,
    affine: *const patch_affine,
    out_framer: *mut *mut patch_framer,
) -> patch_status {
    ffi_boundary! {
        let out_framer = out_ref(out_framer, "out_framer")?;
        let dtype = enums::dtype(dtype)?;
        let out_dtype = enums::dtype(out_dtype)?;
        let opts = opt_ref(opts, "opts")?.copied().unwrap_or_default();
        let fill = fill_arg(opts.fill, opts.fill_bytes, out_dtype)?;
        let affine = affine_arg(affine)?;
        let geometry = (frame_len, hop, opts.pad_end);
        macro_rules! from {
            ($($d:ident => $s:ty),*) => {
                match dtype {
                    $(patch_dtype::$d => framer_from::<$s>(out_dtype, geometry, fill, affine)?,)*
                }
            };
        }
        let inner = from!(U8 => u8, I8 => i8, U16 => u16, I16 => i16, U32 => u32, I32 => i32,
                          U64 => u64, I64 => i64, F32 => f32, F64 => f64, F16 => f16,
                          BF16 => bf16);
        out_framer.set(Box::into_raw(Box::new(patch_framer { inner, dtype, out_dtype })));
        Ok(())
    }
}

/// Writes to `*out_frames` how many frames a push of `n_samples` samples
/// would emit now: size the `out` of `patch_framer_push` by it (`frames *
/// frame_len` elements of `out_dtype`). A buffer of `n_samples / hop + 1`
/// frames for the largest chunk always suffices. `PATCH_STATUS_OVERFLOW` when the stream's length would
/// overflow `size_t`.
#[unsafe(no_mangle)]
pub extern "C" fn patch_framer_frames_for(
    framer: *const patch_framer,
    n_samples: usize,
    out_frames: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let framer = handle_ref(framer, "framer")?;
        let out = out_ref(out_frames, "out_frames")?;
        out.set(framer.inner.frames_for(n_samples)?);
        Ok(())
    }
}

/// Pushes `chunk_bytes` bytes of `dtype` samples (any number, 0 included;
/// `chunk` may be NULL when 0) and writes the frames that became complete
/// into the start of `out` (`out_bytes` bytes of `out_dtype` elements, at
/// least `patch_framer_frames_for(framer, samples)` frames of
/// `frame_len`), frame after frame; `*out_frames` (when not NULL)
/// receives how many were written.
///
/// Both buffers must be aligned for their types and must not overlap. On
/// failure (`PATCH_STATUS_BUFFER_SIZE` for a short `out`, naming the
/// sizes) nothing is written and the framer is as it was, so the push can
/// be retried.
#[unsafe(no_mangle)]
pub extern "C" fn patch_framer_push(
    framer: *mut patch_framer,
    chunk: *const c_void,
    chunk_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    out_frames: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let framer = handle_mut(framer, "framer")?;
        let out_frames = out_opt(out_frames, "out_frames")?;
        let n = buffers::elements(chunk_bytes, framer.dtype, "chunk_bytes")?;
        let m = buffers::elements(out_bytes, framer.out_dtype, "out_bytes")?;
        let frames = framer.inner.push(chunk, n, out, m)?;
        if let Some(o) = out_frames {
            o.set(frames);
        }
        Ok(())
    }
}

/// Writes to `*out_frames` how many frames `patch_framer_finish` would
/// emit now: with `pad_end`, the frames that start before the end of the
/// signal and were not emitted yet (at most `(frame_len - 1) / hop + 1`);
/// without, 0.
#[unsafe(no_mangle)]
pub extern "C" fn patch_framer_finish_frames(
    framer: *const patch_framer,
    out_frames: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let framer = handle_ref(framer, "framer")?;
        out_ref(out_frames, "out_frames")?.set(framer.inner.finish_frames());
        Ok(())
    }
}

/// Ends the stream: writes the tail into the start of `out` (`out_bytes`
/// bytes, at least `patch_framer_finish_frames` frames): with `pad_end`
/// the frames that run past the end, padded with the fill; without, none.
/// `*out_frames` (when not NULL) receives how many were written. The
/// framer then starts a new stream (finishing twice emits nothing the
/// second time). On failure nothing is written and the framer is as it
/// was.
#[unsafe(no_mangle)]
pub extern "C" fn patch_framer_finish(
    framer: *mut patch_framer,
    out: *mut c_void,
    out_bytes: usize,
    out_frames: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let framer = handle_mut(framer, "framer")?;
        let out_frames = out_opt(out_frames, "out_frames")?;
        let m = buffers::elements(out_bytes, framer.out_dtype, "out_bytes")?;
        let frames = framer.inner.finish(out, m)?;
        if let Some(o) = out_frames {
            o.set(frames);
        }
        Ok(())
    }
}

/// Releases a framer (and the samples it holds). NULL is allowed and does
/// nothing. The framer must not be used afterwards, nor freed twice.
#[unsafe(no_mangle)]
pub extern "C" fn patch_framer_free(framer: *mut patch_framer) {
    ffi_value_boundary!((), {
        free_handle(framer);
    })
}

/// The two adders, one per float type.
enum Adder {
    F32(StreamOverlapAdd<f32>),
    F64(StreamOverlapAdd<f64>),
}

/// An overlap-add over a stream of frames: `patch_overlap_add_into` of
/// frames that arrive a few at a time (the frames of a streaming STFT, say).
/// Made by `patch_overlap_adder_create`, fed by `patch_overlap_adder_push`,
/// ended by `patch_overlap_adder_finish`, released by
/// `patch_overlap_adder_free`.
///
/// The samples of every push and of the finish, concatenated, are exactly
/// `patch_overlap_add_into` of all the frames, bit for bit, for every way
/// of batching them. Its state is one frame of partial sums. With
/// overlapping frames each pushed frame releases `hop` samples, except the
/// first, whose samples are released with the second (or by the finish).
///
/// Use one adder from one thread at a time.
#[allow(non_camel_case_types)]
pub struct patch_overlap_adder {
    inner: Adder,
    dtype: patch_dtype,
}

fn adder_push<T: FloatElement>(
    ola: &mut StreamOverlapAdd<T>,
    frames: *const c_void,
    n: usize,
    out: *mut c_void,
    m: usize,
) -> FfiResult<usize> {
    let frames = slice_in(frames.cast::<T>(), n, "frames")?;
    let out = slice_out(out.cast::<T>(), m, "out", &[region(frames, "frames")])?;
    Ok(ola.push_into(frames, out)?)
}

fn adder_finish<T: FloatElement>(
    ola: &mut StreamOverlapAdd<T>,
    out: *mut c_void,
    m: usize,
) -> FfiResult<usize> {
    let out = slice_out(out.cast::<T>(), m, "out", &[])?;
    Ok(ola.finish_into(out)?)
}

/// Creates an overlap-add of frames of `frame_len` samples every `hop`
/// samples, of `dtype` (`PATCH_DTYPE_F32` or `PATCH_DTYPE_F64`). On
/// success `*out_adder` receives a new adder, to be released with
/// `patch_overlap_adder_free`; on failure it is left untouched.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_create(
    dtype: u32,
    frame_len: usize,
    hop: usize,
    out_adder: *mut *mut patch_overlap_adder,
) -> patch_status {
    ffi_boundary! {
        let out_adder = out_ref(out_adder, "out_adder")?;
        let dtype = enums::dtype(dtype)?;
        let inner = match float_dtype(dtype, "overlap-add adds samples up: `dtype`")? {
            Float::F32 => Adder::F32(StreamOverlapAdd::new(frame_len, hop)?),
            Float::F64 => Adder::F64(StreamOverlapAdd::new(frame_len, hop)?),
        };
        out_adder.set(Box::into_raw(Box::new(patch_overlap_adder { inner, dtype })));
        Ok(())
    }
}

/// Writes to `*out_samples` how many samples a push of `n_frames` frames
/// would release now: size the `out` of `patch_overlap_adder_push` by it.
/// `(n_frames + 1) * max(hop, frame_len)` always suffices.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_samples_for(
    adder: *const patch_overlap_adder,
    n_frames: usize,
    out_samples: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let adder = handle_ref(adder, "adder")?;
        let out = out_ref(out_samples, "out_samples")?;
        out.set(match &adder.inner {
            Adder::F32(a) => a.samples_for(n_frames)?,
            Adder::F64(a) => a.samples_for(n_frames)?,
        });
        Ok(())
    }
}

/// Pushes `frames_bytes` bytes of frames (whole frames of `frame_len`
/// samples of the adder's type, one after the other; 0 frames is fine) and
/// writes the samples that no later frame can change into the start of
/// `out` (`out_bytes` bytes, at least `patch_overlap_adder_samples_for`
/// samples); `*out_samples` (when not NULL) receives how many were written.
///
/// Both buffers must be aligned for the type and must not overlap. On
/// failure nothing is written and the adder is as it was.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_push(
    adder: *mut patch_overlap_adder,
    frames: *const c_void,
    frames_bytes: usize,
    out: *mut c_void,
    out_bytes: usize,
    out_samples: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let adder = handle_mut(adder, "adder")?;
        let out_samples = out_opt(out_samples, "out_samples")?;
        let n = buffers::elements(frames_bytes, adder.dtype, "frames_bytes")?;
        let m = buffers::elements(out_bytes, adder.dtype, "out_bytes")?;
        let done = match &mut adder.inner {
            Adder::F32(a) => adder_push(a, frames, n, out, m)?,
            Adder::F64(a) => adder_push(a, frames, n, out, m)?,
        };
        if let Some(o) = out_samples {
            o.set(done);
        }
        Ok(())
    }
}

/// Writes to `*out_samples` how many samples `patch_overlap_adder_finish`
/// would release now (at most `frame_len`).
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_finish_samples(
    adder: *const patch_overlap_adder,
    out_samples: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let adder = handle_ref(adder, "adder")?;
        out_ref(out_samples, "out_samples")?.set(match &adder.inner {
            Adder::F32(a) => a.finish_samples(),
            Adder::F64(a) => a.finish_samples(),
        });
        Ok(())
    }
}

/// Ends the stream: writes the remaining samples (up to
/// `(frames - 1) * hop + frame_len` in all) into the start of `out`
/// (`out_bytes` bytes, at least `patch_overlap_adder_finish_samples`);
/// `*out_samples` (when not NULL) receives how many were written. The
/// adder then starts a new stream. On failure nothing is written and the
/// adder is as it was.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_finish(
    adder: *mut patch_overlap_adder,
    out: *mut c_void,
    out_bytes: usize,
    out_samples: *mut usize,
) -> patch_status {
    ffi_boundary! {
        let adder = handle_mut(adder, "adder")?;
        let out_samples = out_opt(out_samples, "out_samples")?;
        let m = buffers::elements(out_bytes, adder.dtype, "out_bytes")?;
        let done = match &mut adder.inner {
            Adder::F32(a) => adder_finish(a, out, m)?,
            Adder::F64(a) => adder_finish(a, out, m)?,
        };
        if let Some(o) = out_samples {
            o.set(done);
        }
        Ok(())
    }
}

/// Releases an adder. NULL is allowed and does nothing. The adder must not
/// be used afterwards, nor freed twice.
#[unsafe(no_mangle)]
pub extern "C" fn patch_overlap_adder_free(adder: *mut patch_overlap_adder) {
    ffi_value_boundary!((), {
        free_handle(adder);
    })
}
