//! The constant that constant padding reads, given to each copy (`fill` in
//! the options of `extract`, `extractInto`, `frame` and `frameInto`)
//! rather than to the view, as patch-core takes it: in the element type of
//! the copy (`ExtractOptions::fill`, the `fill` of `frame`).

use patch_core::{Element, PadMode};
use wasm_bindgen::JsValue;

use crate::dtype::JsDType;
use crate::error::{JsResult, invalid};
use crate::num;

/// `opts.fill` (`what`) for copies of `dtype` elements under `mode`:
/// `None` when absent; refused when `mode` reads no constant or the dtype
/// cannot hold the value exactly (see [`JsDType::fill`]).
pub(crate) fn parse(
    value: &JsValue,
    what: &str,
    dtype: JsDType,
    mode: PadMode,
) -> JsResult<Option<f64>> {
    if value.is_undefined() {
        return Ok(None);
    }
    if mode != PadMode::Constant {
        return Err(invalid(format!(
            "{what} is only used with constant padding, not '{}'",
            mode.name()
        )));
    }
    dtype.fill(value, what).map(Some)
}

/// An element type a checked JavaScript fill converts to.
pub(crate) trait FromFill: Element {
    /// The fill (default zero) as `Self`; [`parse`] checked that `Self`
    /// holds it exactly, so the conversion loses nothing.
    fn from_fill(value: Option<f64>) -> Self;
}

macro_rules! from_fill {
    ($($t:ty),*) => {$(
        impl FromFill for $t {
            #[inline]
            fn from_fill(value: Option<f64>) -> Self {
                // `parse` checked an integer in range: the conversion is exact.
                value.and_then(num::exact::<$t>).unwrap_or_default()
            }
        }
    )*};
}
from_fill!(u8, i8, u16, i16, u32, i32);

impl FromFill for f32 {
    #[inline]
    fn from_fill(value: Option<f64>) -> Self {
        value.map_or(0.0, num::to_f32)
    }
}

impl FromFill for f64 {
    #[inline]
    fn from_fill(value: Option<f64>) -> Self {
        value.unwrap_or(0.0)
    }
}

impl FromFill for half::f16 {
    #[inline]
    fn from_fill(value: Option<f64>) -> Self {
        // `parse` refused values that overflow: rounded to nearest even.
        value.map_or(half::f16::ZERO, half::f16::from_f64)
    }
}

impl FromFill for half::bf16 {
    #[inline]
    fn from_fill(value: Option<f64>) -> Self {
        value.map_or(half::bf16::ZERO, half::bf16::from_f64)
    }
}
