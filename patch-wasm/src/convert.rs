//! The converting options of a copy (`extract`, `extractInto`, `frame`,
//! `frameInto`): the destination `dtype` and the affine map (`normalize`,
//! `window`), turned into patch-core's [`Affine`].

use patch_core::{Affine, ErrorKind, window};
use wasm_bindgen::JsValue;

use crate::args::{self, describe, get};
use crate::copy::unconvertible;
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error, invalid};

const NORMALIZE_KEYS: &[&str] = &["rescale", "mean", "std", "scale", "shift", "axis"];

/// A list of coefficients: one number (for every index) or an array of
/// at most `max` numbers.
enum Coefs {
    One(f64),
    List(Vec<f64>),
}

impl Coefs {
    fn parse(value: &JsValue, what: &str, max: usize) -> JsResult<Coefs> {
        if args::is_array(value) {
            let limit = format!("largest patch axis ({max})");
            let list = args::array_items(value, what, max, &limit, |i, v| {
                args::number(v, &format!("{what}[{i}]"))
            })?;
            Ok(Coefs::List(list))
        } else if value.as_f64().is_some() {
            Ok(Coefs::One(args::number(value, what)?))
        } else {
            Err(invalid(format!(
                "{what} must be a number or an array of numbers, got {}",
                describe(value)
            )))
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Coefs::One(_) => None,
            Coefs::List(v) => Some(v.len()),
        }
    }

    /// The coefficients for an axis of `n` indices (a number repeated).
    fn values(&self, n: usize) -> Vec<f64> {
        match self {
            Coefs::One(v) => vec![*v; n],
            Coefs::List(v) => v.clone(),
        }
    }
}

/// The destination dtype of a copy from `source` elements: `opts.dtype`
/// (`value`), or by default the source's dtype (`'float32'` when an affine
/// is given and the source is not float32 or float64). Refused unless a
/// kernel makes it: the source's own elements, or a float conversion target.
pub(crate) fn parse_dtype(value: &JsValue, source: JsDType, affine: bool) -> JsResult<JsDType> {
    let dtype = if value.is_undefined() {
        if affine && !matches!(source, JsDType::Float32 | JsDType::Float64) {
            JsDType::Float32
        } else {
            source
        }
    } else {
        JsDType::parse(value, "opts.dtype")?
    };
    if !(dtype.same_elements(source) || dtype.is_conversion_target()) {
        return Err(unconvertible(source, dtype));
    }
    if affine && !dtype.is_conversion_target() {
        return Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "opts.normalize (or window) maps values into a float dtype, not {}: give opts.dtype 'float32', 'float64', 'float16' or 'bfloat16'",
                dtype.name()
            ),
        ));
    }
    Ok(dtype)
}

/// The patch axis that coefficient lists of `len` values run along:
/// `axis` if given, else the only axis of `inner` of that length.
fn pick_axis(axis: &JsValue, len: usize, inner: &[usize]) -> JsResult<usize> {
    if !axis.is_undefined() {
        return args::uint(axis, "opts.normalize.axis");
    }
    let mut matches = inner.iter().enumerate().filter(|(_, n)| **n == len);
    match (matches.next(), matches.next()) {
        (Some((a, _)), None) => Ok(a),
        (None, _) => Err(invalid(format!(
            "opts.normalize has {len} values per list, but no axis of the patch (shape {inner:?}) has length {len}"
        ))),
        (Some(_), Some(_)) => Err(invalid(format!(
            "opts.normalize has {len} values per list and several axes of the patch (shape {inner:?}) have length {len}: give opts.normalize.axis (an index into the patch shape)"
        ))),
    }
}

/// Parses `opts.normalize` against patches of shape `inner`: `{ rescale?,
/// mean, std, axis? }` (Hugging Face, `(x * rescale - mean) / std`) or
/// `{ scale?, shift?, axis? }` (`x * scale + shift`); numbers for every
/// element, or arrays of one value per index of a patch axis (the only
/// axis of that length unless `axis` says which).
pub(crate) fn parse_normalize(value: &JsValue, inner: &[usize]) -> JsResult<Option<Affine>> {
    let Some(obj) = args::options(value, "opts.normalize", NORMALIZE_KEYS)? else {
        return Ok(None);
    };
    let max = inner.iter().copied().max().unwrap_or(0);
    let read = |key: &str| -> JsResult<Option<Coefs>> {
        let v = get(&obj, key)?;
        if v.is_undefined() {
            Ok(None)
        } else {
            Coefs::parse(&v, &format!("opts.normalize.{key}"), max).map(Some)
        }
    };
    let (rescale, mean, std) = (get(&obj, "rescale")?, read("mean")?, read("std")?);
    let (scale, shift) = (read("scale")?, read("shift")?);
    let axis = get(&obj, "axis")?;
    let hf = mean.is_some() || std.is_some() || !rescale.is_undefined();
    if hf && (scale.is_some() || shift.is_some()) {
        return Err(invalid(
            "opts.normalize takes either { rescale, mean, std } or { scale, shift }, not both",
        ));
    }
    let (a, b) = if hf {
        let (Some(mean), Some(std)) = (mean, std) else {
            return Err(invalid(
                "opts.normalize needs both mean and std (with an optional rescale)",
            ));
        };
        (mean, std)
    } else {
        (
            scale.unwrap_or(Coefs::One(1.0)),
            shift.unwrap_or(Coefs::One(0.0)),
        )
    };
    let len = match (a.len(), b.len()) {
        (Some(x), Some(y)) if x != y => {
            return Err(invalid(format!(
                "opts.normalize has lists of {x} and {y} values: give one value per index of the axis in each"
            )));
        }
        (x, y) => x.or(y),
    };
    let rescale = if rescale.is_undefined() {
        1.0
    } else {
        args::number(&rescale, "opts.normalize.rescale")?
    };
    let affine = match len {
        None if axis.is_undefined() => match (&a, &b) {
            (Coefs::One(a), Coefs::One(b)) if hf => Affine::normalize(0, rescale, &[*a], &[*b])
                .map(|n| Affine::scalar(n.scale()[0], n.shift()[0]))
                .js()?,
            (Coefs::One(a), Coefs::One(b)) => {
                check_finite(&[*a, *b])?;
                Affine::scalar(*a, *b)
            }
            _ => return Err(invalid("opts.normalize: lists without a length (a bug)")),
        },
        _ => {
            let n = match len {
                Some(n) => n,
                // Numbers along a named axis: one per index of it.
                None => {
                    let axis = args::uint(&axis, "opts.normalize.axis")?;
                    *inner.get(axis).ok_or_else(|| {
                        invalid(format!(
                            "opts.normalize.axis is {axis}, but the patch (shape {inner:?}) has {} axes",
                            inner.len()
                        ))
                    })?
                }
            };
            let axis = pick_axis(&axis, n, inner)?;
            if hf {
                Affine::normalize(axis, rescale, &a.values(n), &b.values(n)).js()?
            } else {
                Affine::per_axis(axis, &a.values(n), &b.values(n)).js()?
            }
        }
    };
    Ok(Some(affine))
}

fn check_finite(values: &[f64]) -> JsResult<()> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(invalid(format!(
            "opts.normalize holds {}: every value must be finite",
            args::number_text(*v)
        ))),
        None => Ok(()),
    }
}

/// Parses `opts.window` (`'hann'`, `'hamming'` or an array of
/// `frame_len` numbers) and `opts.periodic` (default true, as
/// `torch.hann_window`) into the window's values.
pub(crate) fn parse_window(
    value: &JsValue,
    periodic: &JsValue,
    frame_len: usize,
) -> JsResult<Option<Vec<f64>>> {
    if value.is_undefined() {
        if !periodic.is_undefined() {
            return Err(invalid(
                "opts.periodic is only used with a named opts.window ('hann' or 'hamming')",
            ));
        }
        return Ok(None);
    }
    if args::is_array(value) {
        if !periodic.is_undefined() {
            return Err(invalid(
                "opts.periodic is only used with a named opts.window, not an array",
            ));
        }
        let limit = format!("frame length ({frame_len})");
        let w = args::array_items(value, "opts.window", frame_len, &limit, |i, v| {
            args::number(v, &format!("opts.window[{i}]"))
        })?;
        if w.len() != frame_len {
            return Err(invalid(format!(
                "opts.window has {} values but frames have {frame_len} samples",
                w.len()
            )));
        }
        return Ok(Some(w));
    }
    let name = args::choice(value, "opts.window", &["hann", "hamming"]).map_err(|_| {
        invalid(format!(
            "opts.window must be 'hann', 'hamming' or an array of frameLen numbers, got {}",
            describe(value)
        ))
    })?;
    let periodic = periodic.is_undefined() || args::boolean(periodic, "opts.periodic")?;
    let w = if name == "hann" {
        window::hann(frame_len, periodic)
    } else {
        window::hamming(frame_len, periodic)
    };
    w.js().map(Some)
}

/// The affine of a frame copy: the window (`y = x * w[i]`), the
/// normalization, or both composed as `x * (scale[i] * w[i]) + shift[i] *
/// w[i]` (the coefficients multiplied in f64, then rounded once).
pub(crate) fn frame_affine(
    window: Option<Vec<f64>>,
    normalize: Option<Affine>,
    frame_len: usize,
) -> JsResult<Option<Affine>> {
    Ok(match (window, normalize) {
        (None, n) => n,
        (Some(w), None) => Some(Affine::window(0, &w).js()?),
        (Some(w), Some(n)) => {
            let per = |v: &[f64], i: usize| if v.len() == 1 { v[0] } else { v[i] };
            let scale: Vec<f64> = (0..frame_len).map(|i| per(n.scale(), i) * w[i]).collect();
            let shift: Vec<f64> = (0..frame_len).map(|i| per(n.shift(), i) * w[i]).collect();
            Some(Affine::per_axis(0, &scale, &shift).js()?)
        }
    })
}
