//! The element types of the JavaScript API and their typed-array classes.

use js_sys::{
    Array, Float32Array, Float64Array, Function, Int8Array, Int16Array, Int32Array, Reflect,
    Uint8Array, Uint8ClampedArray, Uint16Array, Uint32Array,
};
use patch_core::DType;
use wasm_bindgen::{JsCast, JsValue};

use crate::args::{self, describe, number_text};
use crate::check::{self, FillProblem};
use crate::error::{JsResult, OrThrow, invalid, to_js};

/// One of the eleven dtypes of the JavaScript API: every typed-array class
/// except the 64-bit integer ones, and the 16-bit floats. `Uint8Clamped`
/// holds `u8` like `Uint8` and differs only in the typed-array class
/// `.data` returns. `Float16` is viewed as a `Float16Array` where the
/// JavaScript engine has one (Chromium 135+, Firefox 129+, Node 24+), else
/// as a `Uint16Array` of its bits; `BFloat16` always as a `Uint16Array`
/// of its bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsDType {
    /// `'uint8'`: `Uint8Array`.
    Uint8,
    /// `'uint8clamped'`: `Uint8ClampedArray` (`u8` elements).
    Uint8Clamped,
    /// `'int8'`: `Int8Array`.
    Int8,
    /// `'uint16'`: `Uint16Array`.
    Uint16,
    /// `'int16'`: `Int16Array`.
    Int16,
    /// `'uint32'`: `Uint32Array`.
    Uint32,
    /// `'int32'`: `Int32Array`.
    Int32,
    /// `'float32'`: `Float32Array`.
    Float32,
    /// `'float64'`: `Float64Array`.
    Float64,
    /// `'float16'`: a `Float16Array` where the engine has one, else a `Uint16Array` of bits.
    Float16,
    /// `'bfloat16'`: a `Uint16Array` of bits.
    BFloat16,
}

impl JsDType {
    /// Every dtype.
    pub const ALL: [JsDType; 11] = [
        JsDType::Uint8,
        JsDType::Uint8Clamped,
        JsDType::Int8,
        JsDType::Uint16,
        JsDType::Int16,
        JsDType::Uint32,
        JsDType::Int32,
        JsDType::Float32,
        JsDType::Float64,
        JsDType::Float16,
        JsDType::BFloat16,
    ];

    /// The name JavaScript passes: `'uint8'`, `'uint8clamped'`, ...
    pub fn name(self) -> &'static str {
        match self {
            JsDType::Uint8 => "uint8",
            JsDType::Uint8Clamped => "uint8clamped",
            JsDType::Int8 => "int8",
            JsDType::Uint16 => "uint16",
            JsDType::Int16 => "int16",
            JsDType::Uint32 => "uint32",
            JsDType::Int32 => "int32",
            JsDType::Float32 => "float32",
            JsDType::Float64 => "float64",
            JsDType::Float16 => "float16",
            JsDType::BFloat16 => "bfloat16",
        }
    }

    /// The typed-array class of the dtype (`Float16Array` or `Uint16Array`
    /// for float16, as this engine has it).
    pub(crate) fn class_name(self) -> &'static str {
        match self {
            JsDType::Uint8 => "Uint8Array",
            JsDType::Uint8Clamped => "Uint8ClampedArray",
            JsDType::Int8 => "Int8Array",
            JsDType::Uint16 => "Uint16Array",
            JsDType::Int16 => "Int16Array",
            JsDType::Uint32 => "Uint32Array",
            JsDType::Int32 => "Int32Array",
            JsDType::Float32 => "Float32Array",
            JsDType::Float64 => "Float64Array",
            JsDType::Float16 if float16_array().is_some() => "Float16Array",
            JsDType::Float16 | JsDType::BFloat16 => "Uint16Array",
        }
    }

    /// The element type patch-core works with.
    pub(crate) fn core(self) -> DType {
        match self {
            JsDType::Uint8 | JsDType::Uint8Clamped => DType::U8,
            JsDType::Int8 => DType::I8,
            JsDType::Uint16 => DType::U16,
            JsDType::Int16 => DType::I16,
            JsDType::Uint32 => DType::U32,
            JsDType::Int32 => DType::I32,
            JsDType::Float32 => DType::F32,
            JsDType::Float64 => DType::F64,
            JsDType::Float16 => DType::F16,
            JsDType::BFloat16 => DType::BF16,
        }
    }

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        self.core().itemsize()
    }

    /// Whether both dtypes hold the same element type (`uint8` and
    /// `uint8clamped` do).
    pub(crate) fn same_elements(self, other: JsDType) -> bool {
        self.core() == other.core()
    }

    /// Whether a typed array of `given`'s class holds elements of this
    /// dtype: the same elements, or the bits of the 16-bit floats in a
    /// `Uint16Array` (and float16 in a `Float16Array`).
    pub(crate) fn accepts(self, given: JsDType) -> bool {
        self.same_elements(given)
            || (matches!(self, JsDType::Float16 | JsDType::BFloat16) && given == JsDType::Uint16)
    }

    /// Whether this is a float dtype a converting copy writes.
    pub(crate) fn is_conversion_target(self) -> bool {
        self.core().is_conversion_target()
    }

    /// The range of an integer dtype, `None` for the float ones.
    pub(crate) fn int_range(self) -> Option<(f64, f64)> {
        Some(match self {
            JsDType::Uint8 | JsDType::Uint8Clamped => (0.0, f64::from(u8::MAX)),
            JsDType::Int8 => (f64::from(i8::MIN), f64::from(i8::MAX)),
            JsDType::Uint16 => (0.0, f64::from(u16::MAX)),
            JsDType::Int16 => (f64::from(i16::MIN), f64::from(i16::MAX)),
            JsDType::Uint32 => (0.0, f64::from(u32::MAX)),
            JsDType::Int32 => (f64::from(i32::MIN), f64::from(i32::MAX)),
            JsDType::Float32 | JsDType::Float64 | JsDType::Float16 | JsDType::BFloat16 => {
                return None;
            }
        })
    }

    /// A fill value (the constant that padding reads) for elements of this
    /// dtype, refused unless the element type holds it: for the integer
    /// dtypes an integer in range (`1.5` or `300` for uint8 are errors,
    /// never truncated or saturated; uint8clamped is not clamped either);
    /// for float32 any number that does not overflow to an infinity (it is
    /// rounded to nearest, as `Float32Array` stores it); for float64 any
    /// number. NaN and the infinities are float values.
    pub(crate) fn fill(self, value: &JsValue, what: &str) -> JsResult<f64> {
        let v = args::number(value, what)?;
        let holds = match check::fill_problem(self, v) {
            None => return Ok(v),
            Some(FillProblem::Range(lo, hi)) => format!(
                "it holds the integers from {} to {}",
                number_text(lo),
                number_text(hi)
            ),
            Some(FillProblem::Overflow) => "it would overflow to Infinity".to_string(),
        };
        Err(invalid(format!(
            "{what} {} cannot be stored in {} ({holds})",
            number_text(v),
            self.name()
        )))
    }

    /// Parses a dtype name; `what` names the argument in the error.
    pub(crate) fn parse(value: &JsValue, what: &str) -> JsResult<JsDType> {
        match value.as_string() {
            Some(name) => check::dtype(&name, what).js(),
            None => Err(to_js(&check::dtype_error(what, &describe(value)))),
        }
    }

    /// The dtype of a typed array of one of the ten classes (a
    /// `Float16Array` is float16; a `Uint16Array` is uint16, which
    /// [`accepts`](JsDType::accepts) lets stand for 16-bit float bits), else
    /// `None`.
    pub(crate) fn of_typed_array(value: &JsValue) -> Option<JsDType> {
        if !value.is_object() {
            return None;
        }
        Some(if value.is_instance_of::<Uint8Array>() {
            JsDType::Uint8
        } else if value.is_instance_of::<Uint8ClampedArray>() {
            JsDType::Uint8Clamped
        } else if value.is_instance_of::<Int8Array>() {
            JsDType::Int8
        } else if value.is_instance_of::<Uint16Array>() {
            JsDType::Uint16
        } else if value.is_instance_of::<Int16Array>() {
            JsDType::Int16
        } else if value.is_instance_of::<Uint32Array>() {
            JsDType::Uint32
        } else if value.is_instance_of::<Int32Array>() {
            JsDType::Int32
        } else if value.is_instance_of::<Float32Array>() {
            JsDType::Float32
        } else if value.is_instance_of::<Float64Array>() {
            JsDType::Float64
        } else if float16_array().is_some_and(|c| is_instance(value, &c)) {
            JsDType::Float16
        } else {
            return None;
        })
    }

    /// A typed array of this dtype's class over `len` elements of `buffer`
    /// from `byte_offset`; the caller keeps the range inside the buffer and
    /// aligned.
    pub(crate) fn typed_array(self, buffer: &JsValue, byte_offset: u32, len: u32) -> JsValue {
        match self {
            JsDType::Uint8 => {
                Uint8Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Uint8Clamped => {
                Uint8ClampedArray::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Int8 => {
                Int8Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Uint16 => {
                Uint16Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Int16 => {
                Int16Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Uint32 => {
                Uint32Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Int32 => {
                Int32Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Float32 => {
                Float32Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Float64 => {
                Float64Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
            }
            JsDType::Float16 | JsDType::BFloat16 => match float16_array() {
                Some(class) if self == JsDType::Float16 => Reflect::construct(
                    &class,
                    &Array::of3(buffer, &byte_offset.into(), &len.into()),
                )
                // The range is checked by the caller, as for the other classes.
                .unwrap_or_else(|_| {
                    Uint16Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into()
                }),
                _ => Uint16Array::new_with_byte_offset_and_length(buffer, byte_offset, len).into(),
            },
        }
    }

    /// A new JS-owned typed array of this dtype's class converted from
    /// `values` (a `Float64Array`), as `new Int16Array(values)` converts.
    pub(crate) fn typed_from_array(self, array: &JsValue) -> JsValue {
        match self {
            JsDType::Uint8 => Uint8Array::new(array).into(),
            JsDType::Uint8Clamped => Uint8ClampedArray::new(array).into(),
            JsDType::Int8 => Int8Array::new(array).into(),
            JsDType::Uint16 => Uint16Array::new(array).into(),
            JsDType::Int16 => Int16Array::new(array).into(),
            JsDType::Uint32 => Uint32Array::new(array).into(),
            JsDType::Int32 => Int32Array::new(array).into(),
            JsDType::Float32 => Float32Array::new(array).into(),
            JsDType::Float64 => Float64Array::new(array).into(),
            // The bits of each value rounded to nearest (even), from its double.
            JsDType::Float16 | JsDType::BFloat16 => {
                let values = array.unchecked_ref::<Float64Array>().to_vec();
                let bits: Vec<u16> = values
                    .iter()
                    .map(|&v| {
                        if self == JsDType::Float16 {
                            half::f16::from_f64(v).to_bits()
                        } else {
                            half::bf16::from_f64(v).to_bits()
                        }
                    })
                    .collect();
                Uint16Array::from(&bits[..]).into()
            }
        }
    }
}

thread_local! {
    /// The engine's `Float16Array` constructor, if it has one.
    static FLOAT16_ARRAY: Option<Function> = Reflect::get(&js_sys::global(), &"Float16Array".into())
        .ok()
        .filter(JsValue::is_function)
        .map(JsCast::unchecked_into);
}

/// The engine's `Float16Array` constructor, if it has one.
pub(crate) fn float16_array() -> Option<Function> {
    FLOAT16_ARRAY.with(Clone::clone)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Object.prototype.isPrototypeOf.call(proto, value)`, exceptions caught.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "isPrototypeOf"], js_name = call, catch)]
    fn is_prototype_of(proto: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
}

/// Whether `value` is an instance of `class` (false when asking throws).
fn is_instance(value: &JsValue, class: &Function) -> bool {
    Reflect::get(class, &"prototype".into())
        .and_then(|proto| is_prototype_of(&proto, value))
        .unwrap_or(false)
}
