//! 1-D framing: `frame` and its inverse `overlapAdd`.

use patch_core::{ErrorKind, FloatElement};
use wasm_bindgen::prelude::*;

use crate::args::{self, get};
use crate::array::{Buf, BufRef, Entry, Stored, WasmArray, each_ref, with_input};
use crate::error::{JsResult, OrThrow, error};
use crate::fill::FromNumber;

fn frame_vec<T: Stored + FromNumber>(
    signal: &[T],
    frame_len: usize,
    hop: usize,
    pad_end: bool,
    pad_value: f64,
) -> JsResult<(Vec<usize>, Buf)> {
    let frames =
        patch_core::frame(signal, frame_len, hop, pad_end, T::from_number(pad_value)).js()?;
    let shape = frames.shape().to_vec();
    Ok((shape, T::wrap(frames.into_vec())))
}

fn overlap_add_vec<T: FloatElement + Stored>(
    frames: &[T],
    frame_len: usize,
    hop: usize,
) -> JsResult<(Vec<usize>, Buf)> {
    let out = patch_core::overlap_add(frames, frame_len, hop).js()?;
    Ok((out.shape().to_vec(), T::wrap(out.into_vec())))
}

/// Cuts a 1-D signal into frames of `frameLen` samples every `hop`
/// samples, like `tf.signal.frame(signal, frameLen, hop, padEnd, padValue)`:
/// a new `WasmArray` of shape `[numFrames, frameLen]` and the signal's dtype.
/// Without `padEnd` (default false) only whole frames are kept; with it,
/// `ceil(length / hop)` frames, the end padded with `padValue` (default 0).
///
/// `signal` is a 1-D `WasmArray` (read in place) or a typed array (copied in).
#[wasm_bindgen(js_name = frame)]
pub fn frame_signal(
    #[wasm_bindgen(unchecked_param_type = "WasmArray | TypedArray")] signal: JsValue,
    #[wasm_bindgen(js_name = frameLen)] frame_len: f64,
    hop: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "FrameOptions")] opts: JsValue,
) -> Result<WasmArray, JsValue> {
    let frame_len = args::uint_arg(frame_len, "frameLen")?;
    let hop = args::uint_arg(hop, "hop")?;
    let (pad_end, pad_value) = match args::options(&opts, "opts", &["padEnd", "padValue"])? {
        None => (false, 0.0),
        Some(o) => {
            let pe = get(&o, "padEnd")?;
            let pv = get(&o, "padValue")?;
            (
                if pe.is_undefined() {
                    false
                } else {
                    args::boolean(&pe, "opts.padEnd")?
                },
                if pv.is_undefined() {
                    0.0
                } else {
                    args::number(&pv, "opts.padValue")?
                },
            )
        }
    };
    let entry = with_input(&signal, "signal", |dtype, shape, buf| {
        if shape.len() != 1 {
            return Err(error(
                ErrorKind::RankMismatch,
                format!("frame needs a 1-D signal, got shape {shape:?}"),
            ));
        }
        let (shape, buf) = each_ref!(buf, v => frame_vec(v, frame_len, hop, pad_end, pad_value)?);
        Ok(Entry { dtype, shape, buf })
    })?;
    WasmArray::adopt(entry)
}

/// Adds frames back together at `hop` intervals, like
/// `tf.signal.overlap_and_add`: `frames` holds `n` frames of `frameLen`
/// samples (a float32/float64 `WasmArray` of any shape, read in place, or a
/// `Float32Array`/`Float64Array`, copied in); the result is a new 1-D
/// `WasmArray` of `(n - 1) * hop + frameLen` samples (0 when `n == 0`).
#[wasm_bindgen(js_name = overlapAdd)]
pub fn overlap_add(
    #[wasm_bindgen(unchecked_param_type = "WasmArray | Float32Array | Float64Array")]
    frames: JsValue,
    #[wasm_bindgen(js_name = frameLen)] frame_len: f64,
    hop: f64,
) -> Result<WasmArray, JsValue> {
    let frame_len = args::uint_arg(frame_len, "frameLen")?;
    let hop = args::uint_arg(hop, "hop")?;
    let entry = with_input(&frames, "frames", |dtype, _, buf| {
        let (shape, buf) = match buf {
            BufRef::F32(v) => overlap_add_vec(v, frame_len, hop)?,
            BufRef::F64(v) => overlap_add_vec(v, frame_len, hop)?,
            _ => {
                return Err(error(
                    ErrorKind::UnsupportedDtype,
                    format!(
                        "overlapAdd needs float32 or float64 frames, got {}",
                        dtype.name()
                    ),
                ));
            }
        };
        Ok(Entry { dtype, shape, buf })
    })?;
    WasmArray::adopt(entry)
}
