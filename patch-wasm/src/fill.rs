//! The fill value of constant padding: a JavaScript number converted to
//! the element type of the copy.
//!
//! patch-core takes the fill in the destination type (`ExtractOptions::fill`,
//! the `fill` of `frame`); JavaScript passes a number (`padding.value`,
//! `padValue`), converted here as before the typed fill: like Rust's `as`,
//! truncated toward zero and saturating for integers, NaN as 0.

use patch_core::Element;

/// An element type a JavaScript number converts to.
pub(crate) trait FromNumber: Element {
    /// `value as Self`.
    fn from_number(value: f64) -> Self;
}

macro_rules! from_number {
    ($($t:ty),*) => {$(
        impl FromNumber for $t {
            #[inline]
            fn from_number(value: f64) -> Self {
                value as $t
            }
        }
    )*};
}
from_number!(u8, i8, u16, i16, u32, i32, f32, f64);
