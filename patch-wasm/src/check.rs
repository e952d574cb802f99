//! The checks of the JavaScript arguments that need no JavaScript value:
//! names chosen from lists, which options go together, fill values an
//! element type holds, and the plan an options object describes.
//!
//! The `JsValue` side (args.rs, view.rs, dtype.rs) reads each value, checks
//! its JavaScript type and turns it into the Rust value these functions
//! take; the rules themselves live here, as plain functions returning
//! patch-core errors, so that they are tested natively (the `wasm_args`
//! fuzz target calls them outside any JavaScript engine). Every message is
//! the one the `JsValue` side showed before they were moved here.

use patch_core::{
    AxisRole, ErrorKind, Layout, PadMode, Padding, PatchError, PatchSpec, Plan, Reduce, WindowFn,
    c_strides,
};

pub use crate::dtype::JsDType;

/// An `invalid argument` error with `message`.
fn invalid(message: impl Into<String>) -> PatchError {
    PatchError::new(ErrorKind::InvalidArgument, message)
}

/// A string as the error messages quote it: in single quotes, cut after
/// 40 characters (`'abc'`, `'aaaa...'`).
pub fn quoted(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    let more = if short.len() < s.len() { "..." } else { "" };
    format!("'{short}{more}'")
}

/// The entry of `choices` equal to `name`, or an `invalid argument` error
/// listing them; `what` names the argument.
pub fn choice<'c>(name: &str, what: &str, choices: &[&'c str]) -> Result<&'c str, PatchError> {
    choices
        .iter()
        .find(|c| **c == name)
        .copied()
        .ok_or_else(|| choice_error(what, choices, &quoted(name)))
}

/// The error of a value (`got`, already described) that is none of `choices`.
pub fn choice_error(what: &str, choices: &[&str], got: &str) -> PatchError {
    let list: Vec<String> = choices.iter().map(|c| format!("'{c}'")).collect();
    invalid(format!(
        "{what} must be one of {}, got {got}",
        list.join(", ")
    ))
}

/// The dtype named `name` (`'uint8'`, ..., `'float64'`, `'float16'`, `'bfloat16'`); `what` names the
/// argument.
pub fn dtype(name: &str, what: &str) -> Result<JsDType, PatchError> {
    JsDType::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .ok_or_else(|| dtype_error(what, &quoted(name)))
}

/// The error of a value (`got`, already described) that names no dtype.
pub fn dtype_error(what: &str, got: &str) -> PatchError {
    invalid(format!(
        "{what} must be one of 'uint8', 'uint8clamped', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'float16', 'bfloat16', got {got}"
    ))
}

/// Why a fill value cannot be stored in a dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FillProblem {
    /// An integer dtype holds the integers from `.0` to `.1` only.
    Range(f64, f64),
    /// A finite value float32 would round to an infinity.
    Overflow,
}

/// Whether elements of `dtype` hold `v` exactly (`None`), or why not: for
/// the integer dtypes an integer in range (no truncation, no saturation,
/// uint8clamped is not clamped either); for float32, float16 and bfloat16 any
/// number that does not overflow to an infinity (it is rounded to nearest); for float64 any
/// number. NaN and the infinities are float values.
pub fn fill_problem(dtype: JsDType, v: f64) -> Option<FillProblem> {
    match dtype.int_range() {
        Some((lo, hi)) if !(v.fract() == 0.0 && v >= lo && v <= hi) => {
            Some(FillProblem::Range(lo, hi))
        }
        None if v.is_finite() && crate::num::round_to(dtype, v).is_infinite() => {
            Some(FillProblem::Overflow)
        }
        _ => None,
    }
}

/// A padding convention, before its pads are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConventionName {
    /// `'valid'`.
    Valid,
    /// `'same'`.
    Same,
    /// `'cover'`.
    Cover,
    /// `'explicit'`: the pads are read next.
    Explicit,
}

/// The convention and mode of `options.padding`: `convention` and `mode`
/// are the names given (`None` when absent), `pads_given` whether `pads`
/// is. Without a convention, pads mean `'explicit'` and no pads `'valid'`;
/// without a mode, `'constant'`. Pads with another convention than
/// `'explicit'` are refused, and so is `'explicit'` without pads.
pub fn padding_kind(
    convention: Option<&str>,
    mode: Option<&str>,
    pads_given: bool,
) -> Result<(ConventionName, PadMode), PatchError> {
    let convention = match convention {
        None if pads_given => "explicit",
        None => "valid",
        Some(name) => choice(
            name,
            "options.padding.convention",
            &["valid", "same", "cover", "explicit"],
        )?,
    };
    let mode = match mode {
        None => PadMode::Constant,
        Some(name) => match choice(
            name,
            "options.padding.mode",
            &["constant", "reflect", "symmetric", "edge", "wrap"],
        )? {
            // The constant itself is given to each copy (`fill`, see fill.rs).
            "constant" => PadMode::Constant,
            "reflect" => PadMode::Reflect,
            "symmetric" => PadMode::Symmetric,
            "edge" => PadMode::Edge,
            _ => PadMode::Wrap,
        },
    };
    if convention != "explicit" && pads_given {
        return Err(invalid(format!(
            "options.padding.pads is only used with convention 'explicit', not '{convention}'"
        )));
    }
    let convention = match convention {
        "valid" => ConventionName::Valid,
        "same" => ConventionName::Same,
        "cover" => ConventionName::Cover,
        _ if !pads_given => {
            return Err(invalid(
                "options.padding.pads is required with convention 'explicit': one [lo, hi] pair per window axis",
            ));
        }
        _ => ConventionName::Explicit,
    };
    Ok((convention, mode))
}

/// The role named by `options.axes[i].role`; `window_keys_given` says
/// whether `size`, `step` or `dilation` were given (each is refused on a
/// `'whole'` or `'batch'` axis: `None` for a window axis, whose numbers
/// are read next).
pub fn role(
    name: &str,
    what: &str,
    window_keys_given: [bool; 3],
) -> Result<Option<AxisRole>, PatchError> {
    let role = choice(name, &format!("{what}.role"), &["window", "whole", "batch"])?;
    if role == "window" {
        return Ok(None);
    }
    for (key, given) in ["size", "step", "dilation"]
        .into_iter()
        .zip(window_keys_given)
    {
        if given {
            return Err(invalid(format!(
                "{what}.{key} is only used with role 'window', not '{role}'"
            )));
        }
    }
    Ok(Some(if role == "whole" {
        AxisRole::Whole
    } else {
        AxisRole::Batch
    }))
}

/// The checked plan of a `PatchView`'s options: `strides` `None` means
/// C-contiguous. A layout that reaches before the start of every buffer
/// (such as strides `[-8, 1]` at offset 0) is refused now rather than at
/// the first copy.
pub fn view_plan(
    shape: &[usize],
    strides: Option<&[isize]>,
    offset: usize,
    itemsize: usize,
    roles: Vec<AxisRole>,
    padding: &Padding,
) -> Result<Plan, PatchError> {
    let strides = match strides {
        Some(s) => s.to_vec(),
        None => c_strides(shape)?,
    };
    let layout = Layout::new(shape, &strides, offset, itemsize)?;
    // Checked against the longest buffer, only the start can fail.
    layout.check_buffer(usize::MAX)?;
    Plan::new(&layout, &PatchSpec::new(roles), padding)
}

/// A fold's reduction, before its window is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceName {
    /// `'sum'`.
    Sum,
    /// `'mean'`.
    Mean,
    /// `'weighted'`: the window is read next.
    Weighted,
    /// `'overwrite'`.
    Overwrite,
}

/// The reduction `opts.reduce` names (`None` when absent: `'weighted'`
/// when a window is given, else `'mean'`); a window with another
/// reduction than `'weighted'` is refused.
pub fn reduce_name(reduce: Option<&str>, window_given: bool) -> Result<ReduceName, PatchError> {
    let reduce = match reduce {
        None if window_given => "weighted",
        None => "mean",
        Some(name) => choice(
            name,
            "opts.reduce",
            &["sum", "mean", "weighted", "overwrite"],
        )?,
    };
    if reduce != "weighted" && window_given {
        return Err(invalid(format!(
            "opts.window is only used with reduce 'weighted', not '{reduce}'"
        )));
    }
    Ok(match reduce {
        "sum" => ReduceName::Sum,
        "mean" => ReduceName::Mean,
        "overwrite" => ReduceName::Overwrite,
        _ => ReduceName::Weighted,
    })
}

/// The window of a `'weighted'` fold, as read from `opts.window`.
#[derive(Clone, Debug, PartialEq)]
pub enum WindowArg {
    /// No window given: Hann.
    Absent,
    /// A window function by name (`'hann'` or `'gaussian'`).
    Name(String),
    /// One list of weights per window axis.
    Lists(Vec<Vec<f64>>),
}

/// The fold reduction of `name` and (for `'weighted'`) `window`.
/// `sigma_given` says whether `opts.sigmaScale` was given, which only the
/// `'gaussian'` window reads (`sigma`, the number read for it; default
/// 0.125): with any other window it is refused.
pub fn reduce(
    name: ReduceName,
    window: WindowArg,
    sigma_given: bool,
    sigma: Option<f64>,
) -> Result<Reduce, PatchError> {
    let window = match (name, window) {
        (ReduceName::Weighted, WindowArg::Absent) => Some(WindowFn::Hann),
        (ReduceName::Weighted, WindowArg::Lists(lists)) => Some(WindowFn::PerAxis(lists)),
        (ReduceName::Weighted, WindowArg::Name(n)) => {
            let choices = ["hann", "gaussian"];
            if !choices.contains(&n.as_str()) {
                return Err(window_error(&quoted(&n)));
            }
            Some(if n == "hann" {
                WindowFn::Hann
            } else {
                WindowFn::Gaussian {
                    sigma_scale: sigma.unwrap_or(0.125),
                }
            })
        }
        _ => None,
    };
    if sigma_given && !matches!(window, Some(WindowFn::Gaussian { .. })) {
        return Err(invalid(
            "opts.sigmaScale is only used with window 'gaussian'",
        ));
    }
    Ok(match (name, window) {
        (ReduceName::Sum, _) => Reduce::Sum,
        (ReduceName::Mean, _) => Reduce::Mean,
        (ReduceName::Overwrite, _) => Reduce::Overwrite,
        (ReduceName::Weighted, w) => Reduce::Weighted(w.unwrap_or(WindowFn::Hann)),
    })
}

/// The error of an `opts.window` (`got`, already described) that is no
/// window.
pub fn window_error(got: &str) -> PatchError {
    invalid(format!(
        "opts.window must be 'hann', 'gaussian' or one array of weights per window axis, got {got}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_their_combinations() {
        assert_eq!(
            choice("x", "opts.order", &["a", "b"])
                .unwrap_err()
                .to_string(),
            "invalid argument: opts.order must be one of 'a', 'b', got 'x'"
        );
        assert_eq!(quoted(&"a".repeat(41)), format!("'{}...'", "a".repeat(40)));
        assert_eq!(dtype("int16", "d").unwrap(), JsDType::Int16);
        assert!(dtype("int64", "d").is_err());
        assert_eq!(
            padding_kind(None, None, true).unwrap(),
            (ConventionName::Explicit, PadMode::Constant)
        );
        assert!(padding_kind(Some("same"), None, true).is_err());
        assert!(padding_kind(Some("explicit"), None, false).is_err());
        assert_eq!(
            role("batch", "a", [false; 3]).unwrap(),
            Some(AxisRole::Batch)
        );
        assert!(role("whole", "a", [false, true, false]).is_err());
        assert_eq!(reduce_name(None, true).unwrap(), ReduceName::Weighted);
        assert_eq!(
            reduce_name(Some("sum"), true).unwrap_err().to_string(),
            "invalid argument: opts.window is only used with reduce 'weighted', not 'sum'"
        );
        assert!(
            reduce(
                ReduceName::Weighted,
                WindowArg::Name("hann".into()),
                true,
                Some(0.2)
            )
            .is_err()
        );
        assert_eq!(
            reduce(
                ReduceName::Weighted,
                WindowArg::Name("gaussian".into()),
                false,
                None
            )
            .unwrap(),
            Reduce::Weighted(WindowFn::Gaussian { sigma_scale: 0.125 })
        );
        assert_eq!(
            fill_problem(JsDType::Uint8, 256.0),
            Some(FillProblem::Range(0.0, 255.0))
        );
        assert_eq!(
            fill_problem(JsDType::Float32, 1e300),
            Some(FillProblem::Overflow)
        );
        assert_eq!(fill_problem(JsDType::Float64, f64::NAN), None);
    }
}
