//! The constant that constant padding reads, given to each copy (`fill` in
//! the options of `extract`, `extractInto`, `frame` and `frameInto`)
//! rather than to the view.
//!
//! The patch-core of this crate still keeps the constant in the plan
//! (`PadMode::Constant(f64)`), so a copy with a fill other than zero runs
//! on a copy of the view's plan that carries it: the one place to switch to
//! patch-core's typed fill (`ExtractOptions::fill`) when it lands.

use std::borrow::Cow;

use patch_core::{PadMode, Padding, Plan};
use wasm_bindgen::JsValue;

use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, invalid};

/// `opts.fill` (`what`) for copies of `dtype` elements under `mode`:
/// `None` when absent; refused when `mode` reads no constant or the dtype
/// cannot hold the value (see [`JsDType::fill`]).
pub(crate) fn parse(
    value: &JsValue,
    what: &str,
    dtype: JsDType,
    mode: PadMode,
) -> JsResult<Option<f64>> {
    if value.is_undefined() {
        return Ok(None);
    }
    if !matches!(mode, PadMode::Constant(_)) {
        return Err(invalid(format!(
            "{what} is only used with constant padding, not '{}'",
            mode.name()
        )));
    }
    dtype.fill(value, what).map(Some)
}

/// `plan` with `fill` (default zero) as the constant its padding reads.
pub(crate) fn plan_with(plan: &Plan, fill: Option<f64>) -> JsResult<Cow<'_, Plan>> {
    let fill = fill.unwrap_or(0.0);
    match plan.padding().mode {
        PadMode::Constant(v) if v.to_bits() != fill.to_bits() => {
            let padding = Padding {
                convention: plan.padding().convention.clone(),
                mode: PadMode::Constant(fill),
            };
            Ok(Cow::Owned(
                Plan::new(plan.layout(), plan.spec(), &padding).js()?,
            ))
        }
        _ => Ok(Cow::Borrowed(plan)),
    }
}
