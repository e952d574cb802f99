//! Python arguments into patch-core's values: sizes and axes (an int or a
//! sequence of ints), padding, modes, orders and reductions.
//!
//! Wrong Python types raise `TypeError`; values patch-core cannot even be
//! given (a negative size, an unknown mode name) raise `PatchError` with
//! kind `invalid argument`. Everything else (zero sizes, windows larger
//! than their axis, mismatched lengths the engine sees) is left to the
//! engine, which checks it once for every language.

use patch_core::{ErrorKind, PadMode, Padding, PatchOrder, Reduce, WindowFn};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::error::{Result, error, invalid, type_error};

/// The Python type name of `obj`, for messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string())
}

/// A shape as Python prints it: `(3,)`, `(196, 768)`.
pub(crate) fn shape_text<T: std::fmt::Display>(shape: &[T]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(T::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// An int (a Python int, a numpy integer, anything with `__index__`; not a
/// float).
fn int(obj: &Bound<'_, PyAny>, what: &str) -> Result<i64> {
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyString>() {
        return Err(type_error(format!(
            "{what} must be an int, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<i64>()
        .map_err(|_| type_error(format!("{what} must be an int, not {}", type_name(obj))))
}

/// A list of ints from an int (one entry) or a sequence of ints.
fn ints(obj: &Bound<'_, PyAny>, what: &str) -> Result<Vec<i64>> {
    if is_int(obj) {
        return Ok(vec![int(obj, what)?]);
    }
    if obj.is_instance_of::<PyString>() {
        return Err(type_error(format!(
            "{what} must be an int or a sequence of ints, not str"
        )));
    }
    let iter = obj.try_iter().map_err(|_| {
        type_error(format!(
            "{what} must be an int or a sequence of ints, not {}",
            type_name(obj)
        ))
    })?;
    iter.enumerate()
        .map(|(i, item)| int(&item?, &format!("{what}[{i}]")))
        .collect()
}

/// A size (`>= 0`; zero is left to the engine, which names the axis).
fn size(v: i64, what: &str) -> Result<usize> {
    usize::try_from(v).map_err(|_| invalid(format!("{what} is {v}; it must be >= 0")))
}

/// Sizes from an int or a sequence of ints, each `>= 0`.
pub(crate) fn sizes(obj: &Bound<'_, PyAny>, what: &str) -> Result<Vec<usize>> {
    let values = ints(obj, what)?;
    let single = values.len() == 1 && !is_sequence(obj);
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            if single {
                size(v, what)
            } else {
                size(v, &format!("{what}[{i}]"))
            }
        })
        .collect()
}

/// Whether `obj` is one int: a Python int or a scalar with `__index__`
/// (numpy integers; numpy arrays have `__index__` too, and a length).
fn is_int(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyInt>()
        || (obj.hasattr("__index__").unwrap_or(false) && !obj.hasattr("__len__").unwrap_or(false))
}

fn is_sequence(obj: &Bound<'_, PyAny>) -> bool {
    !is_int(obj)
}

/// Sizes with one entry per window axis: an int is repeated, a sequence
/// must have `n` entries.
pub(crate) fn per_window(obj: &Bound<'_, PyAny>, what: &str, n: usize) -> Result<Vec<usize>> {
    let values = sizes(obj, what)?;
    if !is_sequence(obj) {
        return Ok(vec![values[0]; n]);
    }
    if values.len() != n {
        return Err(error(
            ErrorKind::RankMismatch,
            format!(
                "{what} has {} entries but window_shape has {n}; give one per window axis or a single int",
                values.len()
            ),
        ));
    }
    Ok(values)
}

/// Axes (may be negative) from an int or a sequence of ints.
pub(crate) fn axes(obj: &Bound<'_, PyAny>, what: &str) -> Result<Vec<isize>> {
    Ok(ints(obj, what)?.into_iter().map(|v| v as isize).collect())
}

/// Axis `a` of an array of `ndim` axes, negative counting from the end, as
/// numpy resolves it (patch-core's own rule for `sliding_window_view`'s
/// axes, with the same message).
pub(crate) fn resolve_axis(a: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    let r = if a < 0 { a + n } else { a };
    if r < 0 || r >= n {
        return Err(error(
            ErrorKind::OutOfBounds,
            format!("axis {a} is out of range for an array of {ndim} axes"),
        ));
    }
    Ok(r as usize)
}

/// A string argument, or `TypeError`.
fn string<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> Result<std::borrow::Cow<'a, str>> {
    obj.cast::<PyString>()
        .map_err(|_| type_error(format!("{what} must be a str, not {}", type_name(obj))))?
        .to_cow()
        .map_err(Into::into)
}

/// numpy's `np.pad` mode names.
pub(crate) fn mode(obj: &Bound<'_, PyAny>) -> Result<PadMode> {
    const ALL: [PadMode; 5] = [
        PadMode::Constant,
        PadMode::Reflect,
        PadMode::Symmetric,
        PadMode::Edge,
        PadMode::Wrap,
    ];
    let s = string(obj, "mode")?;
    ALL.into_iter().find(|m| m.name() == s).ok_or_else(|| {
        invalid(format!(
            "mode '{s}' is not one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap'"
        ))
    })
}

/// `"patch"` (`[num_patches, patch_len]`) or `"feature"` (`[patch_len, num_patches]`).
pub(crate) fn order(obj: &Bound<'_, PyAny>) -> Result<PatchOrder> {
    match &*string(obj, "order")? {
        "patch" => Ok(PatchOrder::PatchMajor),
        "feature" => Ok(PatchOrder::FeatureMajor),
        s => Err(invalid(format!(
            "order '{s}' is not 'patch' ([num_patches, patch_len]) or 'feature' ([patch_len, num_patches])"
        ))),
    }
}

/// `padding`: `"valid"`, `"same"`, `"cover"`, an int (both sides of every
/// window axis), a pair `(lo, hi)` (every window axis) or one pair per
/// window axis, as `np.pad`'s `pad_width` broadcasts.
pub(crate) fn padding(obj: &Bound<'_, PyAny>, mode: PadMode, n_windows: usize) -> Result<Padding> {
    if let Ok(s) = obj.cast::<PyString>() {
        return match &*s.to_cow()? {
            "valid" => Ok(Padding::valid()),
            "same" => Ok(Padding::same(mode)),
            "cover" => Ok(Padding::cover()),
            s => Err(invalid(format!(
                "padding '{s}' is not 'valid', 'same', 'cover', an int, (lo, hi) or one (lo, hi) per window axis"
            ))),
        };
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(
            "padding must be a str, an int or pairs of ints, not bool",
        ));
    }
    let pad = |v: i64, what: &str| size(v, what);
    if !is_sequence(obj) {
        let n = pad(int(obj, "padding")?, "padding")?;
        return Ok(Padding::explicit(&vec![(n, n); n_windows], mode));
    }
    let items: Vec<Bound<'_, PyAny>> = obj
        .try_iter()
        .map_err(|_| {
            type_error(format!(
                "padding must be a str, an int or pairs of ints, not {}",
                type_name(obj)
            ))
        })?
        .collect::<PyResult<_>>()?;
    if items.iter().all(|i| !is_sequence(i)) {
        let v = ints(obj, "padding")?;
        let pair = match v[..] {
            [n] => (pad(n, "padding[0]")?, pad(n, "padding[0]")?),
            [lo, hi] => (pad(lo, "padding[0]")?, pad(hi, "padding[1]")?),
            _ => {
                return Err(invalid(format!(
                    "padding of {} ints is ambiguous: give an int, (lo, hi) or one (lo, hi) per window axis",
                    v.len()
                )));
            }
        };
        return Ok(Padding::explicit(&vec![pair; n_windows], mode));
    }
    let pairs = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let what = format!("padding[{i}]");
            match ints(item, &what)?[..] {
                [lo, hi] => Ok((
                    pad(lo, &format!("{what}[0]"))?,
                    pad(hi, &format!("{what}[1]"))?,
                )),
                ref v => Err(invalid(format!(
                    "{what} has {} entries; it must be a pair (lo, hi)",
                    v.len()
                ))),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Padding::explicit(&pairs, mode))
}

/// `reduce`: `"sum"`, `"mean"`, `"overwrite"`, `"hann"`, `"gaussian"`
/// (with `sigma_scale`), or one sequence of weights per window axis.
pub(crate) fn reduce(obj: &Bound<'_, PyAny>, sigma_scale: Option<f64>) -> Result<Reduce> {
    let weighted = |f| Reduce::Weighted(f);
    let r = if let Ok(s) = obj.cast::<PyString>() {
        match &*s.to_cow()? {
            "sum" => Reduce::Sum,
            "mean" => Reduce::Mean,
            "overwrite" => Reduce::Overwrite,
            "hann" => weighted(WindowFn::Hann),
            "gaussian" => weighted(WindowFn::Gaussian {
                sigma_scale: sigma_scale.unwrap_or(0.125),
            }),
            s => {
                return Err(invalid(format!(
                    "reduce '{s}' is not 'sum', 'mean', 'overwrite', 'hann', 'gaussian' or one sequence of weights per window axis"
                )));
            }
        }
    } else {
        let lists = obj
            .try_iter()
            .map_err(|_| {
                type_error(format!(
                    "reduce must be a str or one sequence of weights per window axis, not {}",
                    type_name(obj)
                ))
            })?
            .enumerate()
            .map(|(i, list)| {
                list?
                    .extract::<Vec<f64>>()
                    .map_err(|_| type_error(format!("reduce[{i}] must be a sequence of floats")))
            })
            .collect::<Result<Vec<_>>>()?;
        weighted(WindowFn::PerAxis(lists))
    };
    if sigma_scale.is_some() && !matches!(r, Reduce::Weighted(WindowFn::Gaussian { .. })) {
        return Err(invalid("sigma_scale is only used with reduce='gaussian'"));
    }
    Ok(r)
}
