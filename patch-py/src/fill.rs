//! The constant that constant padding reads (`fill=`), in the destination
//! element type, checked to be representable (no silent truncation: `1.5`
//! or `256` for `uint8` are refused, as the C and JavaScript doors refuse
//! them).

use patch_core::{Element, PadMode};
use pyo3::prelude::*;

use crate::args::type_name;
use crate::error::{Result, invalid, type_error};

/// An element type a Python fill value converts to.
pub(crate) trait FromFill: Element {
    /// `value` as `Self`, or an error when `Self` cannot hold it exactly
    /// (integers) or at all (a finite float that overflows `float32`).
    fn from_fill(value: &Bound<'_, PyAny>) -> Result<Self>;
}

fn not_a_number(value: &Bound<'_, PyAny>) -> crate::error::Error {
    type_error(format!(
        "fill must be a real number, not {}",
        type_name(value)
    ))
}

macro_rules! int_fill {
    ($($t:ty),*) => {$(
        impl FromFill for $t {
            fn from_fill(value: &Bound<'_, PyAny>) -> Result<Self> {
                let name = <$t as Element>::DTYPE.name();
                let refuse = |v: String| invalid(format!("fill {v} is not a {name} value"));
                if let Ok(v) = value.extract::<i128>() {
                    return <$t>::try_from(v).map_err(|_| refuse(v.to_string()));
                }
                // A float converts when it is integral and in range (exactly;
                // `MAX as f64 + 1.0` is exactly 2^bits, also where `MAX` rounds).
                let f: f64 = value.extract().map_err(|_| not_a_number(value))?;
                if f.fract() != 0.0 || !f.is_finite() || f < <$t>::MIN as f64 || f >= <$t>::MAX as f64 + 1.0 {
                    return Err(refuse(f.to_string()));
                }
                Ok(f as $t)
            }
        }
    )*};
}
int_fill!(u8, i8, u16, i16, u32, i32, u64, i64);

macro_rules! float_fill {
    ($($t:ty),*) => {$(
        impl FromFill for $t {
            fn from_fill(value: &Bound<'_, PyAny>) -> Result<Self> {
                let f: f64 = value.extract().map_err(|_| not_a_number(value))?;
                // Rounded to the nearest value of the type, as numpy converts.
                let v = f as $t;
                if f.is_finite() && !v.is_finite() {
                    return Err(invalid(format!(
                        "fill {f} is out of range for {}",
                        <$t as Element>::DTYPE.name()
                    )));
                }
                Ok(v)
            }
        }
    )*};
}
float_fill!(f32, f64);

/// The fill of a copy: zero when absent; refused when the padding `mode`
/// never reads it.
pub(crate) fn fill<T: FromFill>(value: Option<&Bound<'_, PyAny>>, mode: PadMode) -> Result<T> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(T::default());
    };
    if mode != PadMode::Constant {
        return Err(invalid(format!(
            "fill is only used with constant padding, not '{}'",
            mode.name()
        )));
    }
    T::from_fill(value)
}
