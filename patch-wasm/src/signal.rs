//! 1-D framing: `frame`/`frameInto` and their inverse
//! `overlapAdd`/`overlapAddInto`.

use patch_core::{Affine, ErrorKind, PadMode, PatchOrder};
use wasm_bindgen::prelude::*;

use crate::args::{self, get};
use crate::array::WasmArray;
use crate::buf::same_type;
use crate::convert;
use crate::copy;
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error};
use crate::fill;
use crate::input::{Input, input, with_input, with_into};
use crate::store::{Dst, Entry, Src, written};

/// The checked arguments of `frame` and `frameInto`.
struct Framing {
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    /// `opts.fill`, checked against the destination's dtype once it is known.
    fill: JsValue,
    /// `opts.dtype`, resolved once the signal's dtype is known.
    dtype: JsValue,
    /// The window and the normalization, composed.
    affine: Option<Affine>,
}

const FRAME_KEYS: &[&str] = &["padEnd", "fill", "dtype", "normalize", "window", "periodic"];

impl Framing {
    /// Checks `frameLen`, `hop` and `{ padEnd, fill, dtype, normalize,
    /// window, periodic }`, before the signal.
    fn parse(frame_len: &JsValue, hop: &JsValue, opts: &JsValue) -> JsResult<Framing> {
        let frame_len = args::uint(frame_len, "frameLen")?;
        let hop = args::uint(hop, "hop")?;
        let mut framing = Framing {
            frame_len,
            hop,
            pad_end: false,
            fill: JsValue::UNDEFINED,
            dtype: JsValue::UNDEFINED,
            affine: None,
        };
        if let Some(o) = args::options(opts, "opts", FRAME_KEYS)? {
            let pe = get(&o, "padEnd")?;
            framing.pad_end = !pe.is_undefined() && args::boolean(&pe, "opts.padEnd")?;
            framing.fill = get(&o, "fill")?;
            framing.dtype = get(&o, "dtype")?;
            let normalize = convert::parse_normalize(&get(&o, "normalize")?, &[frame_len])?;
            let window =
                convert::parse_window(&get(&o, "window")?, &get(&o, "periodic")?, frame_len)?;
            framing.affine = convert::frame_affine(window, normalize, frame_len)?;
        }
        Ok(framing)
    }

    /// The destination dtype for a signal of `dtype` (default: the
    /// signal's, or float32 with a window or normalization) and the fill.
    fn target(&self, dtype: JsDType) -> JsResult<(JsDType, Option<f64>)> {
        let to = convert::parse_dtype(&self.dtype, dtype, self.affine.is_some())?;
        Ok((
            to,
            fill::parse(&self.fill, "opts.fill", to, PadMode::Constant)?,
        ))
    }

    /// The number of frames of a signal of `len` samples.
    fn count(&self, len: usize) -> JsResult<usize> {
        let (n, _) = patch_core::frame_count(len, self.frame_len, self.hop, self.pad_end).js()?;
        Ok(n)
    }

    /// Frames `signal` (1-D) into `out`, which holds exactly
    /// `numFrames * frameLen` elements of the destination's type.
    fn write(&self, signal: Src<'_>, out: Dst<'_>, fill: Option<f64>) -> JsResult<()> {
        let len = one_d(&signal)?;
        // The plan of u8 frames, read with the signal's item size: a signal
        // too short for a frame gives a plan of 0 patches.
        let plan = patch_core::frame_plan::<u8>(len, self.frame_len, self.hop, self.pad_end)
            .and_then(|p| p.with_itemsize(signal.dtype.itemsize()))
            .js()?;
        let n = out.elements.len();
        if plan.num_patches() == 0 && n != 0 {
            return Err(error(
                ErrorKind::BufferSize,
                format!(
                    "the destination holds {n} elements but a signal of {len} samples has no frame of {}",
                    self.frame_len
                ),
            ));
        }
        copy::extract_into(
            &plan,
            signal,
            out,
            PatchOrder::PatchMajor,
            fill,
            self.affine.as_ref(),
        )
    }
}

/// The length of a 1-D signal (`rank mismatch` otherwise).
fn one_d(signal: &Src<'_>) -> JsResult<usize> {
    match signal.shape[..] {
        [len] => Ok(len),
        _ => Err(error(
            ErrorKind::RankMismatch,
            format!("frame needs a 1-D signal, got shape {:?}", signal.shape),
        )),
    }
}

/// Cuts a 1-D signal into frames of `frameLen` samples every `hop`
/// samples, like `tf.signal.frame(signal, frameLen, hop, padEnd, fill)`:
/// a new `WasmArray` of shape `[numFrames, frameLen]` and the signal's dtype
/// (or `opts.dtype`). Without `padEnd` (default false) only whole frames
/// are kept; with it, `ceil(length / hop)` frames, the end padded with
/// `fill` (default 0; a value the destination's dtype holds exactly).
/// `opts.window` (`'hann'` or `'hamming'`, `periodic` by default as in
/// torch, or an array of `frameLen` weights) and `opts.normalize` map the
/// samples in the same pass (the dtype then defaults to `'float32'`).
///
/// `signal` is a 1-D `WasmArray` (read in place) or a typed array (copied in).
#[wasm_bindgen(js_name = frame, unchecked_return_type = "WasmArray<CopyDType<D, O>>")]
pub fn frame_signal(
    #[wasm_bindgen(unchecked_param_type = "WasmArray<D> | TypedArrayOf<D>")] signal: JsValue,
    #[wasm_bindgen(js_name = frameLen, unchecked_param_type = "number")] frame_len: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hop: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "O")] opts: JsValue,
) -> Result<WasmArray, JsValue> {
    let framing = Framing::parse(&frame_len, &hop, &opts)?;
    let signal = input(&signal, "signal")?;
    let (dtype, fill) = framing.target(signal.dtype()?)?;
    let entry = with_input(signal, |signal| {
        let n = framing.count(one_d(&signal)?)?;
        let len = n.checked_mul(framing.frame_len).ok_or_else(|| {
            error(
                ErrorKind::Overflow,
                format!(
                    "{n} frames of {} overflow wasm32's usize",
                    framing.frame_len
                ),
            )
        })?;
        Ok(Entry {
            dtype,
            shape: vec![n, framing.frame_len],
            buf: written(dtype, len, |out| framing.write(signal, out, fill))?,
        })
    })?;
    WasmArray::adopt(entry)
}

/// `frame` into `out`: a `WasmArray` (written in place; a range of the
/// signal's own array that does not overlap it is fine) or a typed array of
/// the destination dtype's class (one copy out; a `Uint16Array` of bits for
/// float16 and bfloat16) holding exactly `numFrames * frameLen` elements.
/// Nothing is written on failure.
#[wasm_bindgen(js_name = frameInto)]
pub fn frame_into(
    #[wasm_bindgen(unchecked_param_type = "WasmArray | TypedArray")] signal: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WasmArray | TypedArray")] out: JsValue,
    #[wasm_bindgen(js_name = frameLen, unchecked_param_type = "number")] frame_len: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hop: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "FrameOptions")] opts: JsValue,
) -> Result<(), JsValue> {
    let framing = Framing::parse(&frame_len, &hop, &opts)?;
    let signal = input(&signal, "signal")?;
    let out = input(&out, "out")?;
    let (dtype, fill) = framing.target(signal.dtype()?)?;
    let out = match out {
        // A typed array of the destination's class (16-bit float bits in a
        // Uint16Array too), staged as the destination's dtype.
        Input::Typed(d, v) if dtype.accepts(d) => Input::Typed(dtype, v),
        other => other,
    };
    with_into(signal, out, &mut |signal, out| {
        if !dtype.accepts(out.dtype) {
            return Err(error(
                ErrorKind::UnsupportedDtype,
                format!(
                    "the destination holds {} but the frames are {} (the signal's dtype or opts.dtype)",
                    out.dtype.name(),
                    dtype.name()
                ),
            ));
        }
        framing.write(signal, out, fill)
    })
}

/// Refuses a destination of another element type than the source.
fn same_elements(src: &Src<'_>, dst: &Dst<'_>) -> JsResult<()> {
    if src.dtype.same_elements(dst.dtype) {
        Ok(())
    } else {
        Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "the destination holds {} but the source holds {}",
                dst.dtype.name(),
                src.dtype.name()
            ),
        ))
    }
}

/// Adds `frames` into `out` at `hop` intervals.
fn overlap_add_into(frames: Src<'_>, out: Dst<'_>, frame_len: usize, hop: usize) -> JsResult<()> {
    copy::require_float(frames.dtype, "overlapAdd", "frames")?;
    same_elements(&frames, &out)?;
    same_type!(
        (frames.elements, out.elements),
        (x, y) => patch_core::overlap_add_into(x, y, frame_len, hop).js(),
        [F32, F64],
        Err(error(ErrorKind::UnsupportedDtype, "frames and out hold different element types"))
    )
}

/// Adds frames back together at `hop` intervals, like
/// `tf.signal.overlap_and_add`: `frames` holds `n` frames of `frameLen`
/// samples (a float32/float64 `WasmArray` of any shape, read in place, or a
/// `Float32Array`/`Float64Array`, copied in); the result is a new 1-D
/// `WasmArray` of `(n - 1) * hop + frameLen` samples (0 when `n == 0`).
#[wasm_bindgen(js_name = overlapAdd, unchecked_return_type = "WasmArray<FloatDType>")]
pub fn overlap_add(
    #[wasm_bindgen(unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array")]
    frames: JsValue,
    #[wasm_bindgen(js_name = frameLen, unchecked_param_type = "number")] frame_len: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hop: JsValue,
) -> Result<WasmArray, JsValue> {
    let frame_len = args::uint(&frame_len, "frameLen")?;
    let hop = args::uint(&hop, "hop")?;
    let frames = input(&frames, "frames")?;
    let entry = with_input(frames, |frames| {
        let dtype = frames.dtype;
        copy::require_float(dtype, "overlapAdd", "frames")?;
        let len = patch_core::overlap_add_len(frames.elements.len(), frame_len, hop).js()?;
        Ok(Entry {
            dtype,
            shape: vec![len],
            buf: written(dtype, len, |out| {
                overlap_add_into(frames, out, frame_len, hop)
            })?,
        })
    })?;
    WasmArray::adopt(entry)
}

/// `overlapAdd` into `out`: a float `WasmArray` (written in place) or a
/// `Float32Array`/`Float64Array` (one copy out) of the frames' dtype
/// holding exactly `(n - 1) * hop + frameLen` samples, which are
/// overwritten. Nothing is written on failure.
#[wasm_bindgen(js_name = overlapAddInto)]
pub fn overlap_add_into_js(
    #[wasm_bindgen(unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array")]
    frames: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array")]
    out: JsValue,
    #[wasm_bindgen(js_name = frameLen, unchecked_param_type = "number")] frame_len: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hop: JsValue,
) -> Result<(), JsValue> {
    let frame_len = args::uint(&frame_len, "frameLen")?;
    let hop = args::uint(&hop, "hop")?;
    let frames = input(&frames, "frames")?;
    let out = input(&out, "out")?;
    with_into(frames, out, &mut |frames, out| {
        overlap_add_into(frames, out, frame_len, hop)
    })
}
