//! Reading options objects and numbers from JavaScript, with an
//! `invalid argument` error that names the option and shows the bad value.
//!
//! JavaScript numbers are doubles: every count, size and index is checked to
//! be an integer in range here, before anything reaches patch-core, instead
//! of being truncated or wrapped by the ABI.
//!
//! Every read of a caller's object goes through a function that catches
//! JavaScript exceptions (`Reflect.get`, `Object.keys` and `Array.isArray`
//! with `catch`): a throwing getter or a hostile `Proxy` becomes an error
//! rather than an exception unwinding through wasm, which would leave the
//! object a method was called on borrowed for good.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{JsResult, invalid};

#[wasm_bindgen]
extern "C" {
    /// `Object.keys(value)`, exceptions caught.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(value: &JsValue) -> Result<Box<[JsValue]>, JsValue>;

    /// `Array.isArray(value)`, exceptions caught (a revoked Proxy throws).
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// Whether `value` is an `Array` (false when asking throws).
pub(crate) fn is_array(value: &JsValue) -> bool {
    value.is_object() && array_is_array(value).unwrap_or(false)
}

/// The largest integer a double holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A short description of a JavaScript value for error messages.
pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_null() {
        return "null".into();
    }
    if let Some(n) = value.as_f64() {
        return number_text(n);
    }
    if let Some(b) = value.as_bool() {
        return b.to_string();
    }
    if let Some(s) = value.as_string() {
        let short: String = s.chars().take(40).collect();
        let more = if short.len() < s.len() { "..." } else { "" };
        return format!("'{short}{more}'");
    }
    if is_array(value) {
        return "an array".into();
    }
    if value.is_object() {
        if value.is_instance_of::<js_sys::Error>()
            && let Ok(message) = Reflect::get(value, &"message".into())
            && let Some(message) = message.as_string()
        {
            return format!("an Error ({message})");
        }
        let name = Reflect::get(value, &"constructor".into())
            .and_then(|c| Reflect::get(&c, &"name".into()))
            .ok()
            .and_then(|n| n.as_string());
        return match name.filter(|n| !n.is_empty() && n != "Object") {
            Some(name) => format!("a {name}"),
            None => "an object".into(),
        };
    }
    format!("a {}", value.js_typeof().as_string().unwrap_or_default())
}

/// A number as JavaScript prints it (integers without `.0`).
pub(crate) fn number_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        format!("{n}")
    }
}

/// Property `key` of `obj` (`undefined` when absent); a throwing getter is
/// an `invalid argument` error.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsResult<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|e| invalid(format!("reading '{key}' threw {}", describe(&e))))
}

/// An options object: `undefined`/`null` mean "no options" (`Ok(None)`);
/// anything else must be a plain object whose keys are all in `allowed`.
pub(crate) fn options(value: &JsValue, what: &str, allowed: &[&str]) -> JsResult<Option<Object>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let obj = object(value, what, allowed)?;
    Ok(Some(obj))
}

/// A required object whose keys are all in `allowed` (a misspelt option is
/// an error rather than silently ignored).
pub(crate) fn object(value: &JsValue, what: &str, allowed: &[&str]) -> JsResult<Object> {
    let Some(obj) = value
        .dyn_ref::<Object>()
        .filter(|_| !is_array(value) && !value.is_function())
    else {
        return Err(invalid(format!(
            "{what} must be an object, got {}",
            describe(value)
        )));
    };
    let keys = object_keys(obj)
        .map_err(|e| invalid(format!("listing the keys of {what} threw {}", describe(&e))))?;
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(invalid(format!(
                "{what} has an unknown key '{key}' (expected {})",
                allowed.join(", ")
            )));
        }
    }
    Ok(obj.clone())
}

/// A non-negative integer that fits `usize`.
pub(crate) fn uint(value: &JsValue, what: &str) -> JsResult<usize> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE => usize::try_from(n as u64)
            .map_err(|_| {
                invalid(format!(
                    "{what} is {}, too large for wasm32",
                    number_text(n)
                ))
            }),
        _ => Err(invalid(format!(
            "{what} must be a non-negative integer, got {}",
            describe(value)
        ))),
    }
}

/// [`uint`] from a plain number argument.
pub(crate) fn uint_arg(n: f64, what: &str) -> JsResult<usize> {
    uint(&JsValue::from_f64(n), what)
}

/// An optional non-negative integer with a default.
pub(crate) fn uint_or(value: &JsValue, what: &str, default: usize) -> JsResult<usize> {
    if value.is_undefined() {
        Ok(default)
    } else {
        uint(value, what)
    }
}

/// A (possibly negative) integer that fits `isize`.
pub(crate) fn int(value: &JsValue, what: &str) -> JsResult<isize> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE => {
            isize::try_from(n as i64).map_err(|_| {
                invalid(format!(
                    "{what} is {}, too large for wasm32",
                    number_text(n)
                ))
            })
        }
        _ => Err(invalid(format!(
            "{what} must be an integer, got {}",
            describe(value)
        ))),
    }
}

/// Any number (NaN and infinities included).
pub(crate) fn number(value: &JsValue, what: &str) -> JsResult<f64> {
    value
        .as_f64()
        .ok_or_else(|| invalid(format!("{what} must be a number, got {}", describe(value))))
}

/// A boolean.
pub(crate) fn boolean(value: &JsValue, what: &str) -> JsResult<bool> {
    value.as_bool().ok_or_else(|| {
        invalid(format!(
            "{what} must be true or false, got {}",
            describe(value)
        ))
    })
}

/// The items of a JavaScript `Array` (not array-like).
pub(crate) fn array(value: &JsValue, what: &str) -> JsResult<Vec<JsValue>> {
    if !is_array(value) {
        return Err(invalid(format!(
            "{what} must be an array, got {}",
            describe(value)
        )));
    }
    let len = get(value, "length")?.as_f64().unwrap_or(0.0);
    if !(0.0..=f64::from(u32::MAX)).contains(&len) {
        return Err(invalid(format!("{what} has an invalid length")));
    }
    (0..len as u32)
        .map(|i| {
            Reflect::get_u32(value, i)
                .map_err(|e| invalid(format!("reading {what}[{i}] threw {}", describe(&e))))
        })
        .collect()
}

/// An array of non-negative integers (a shape).
pub(crate) fn uint_list(value: &JsValue, what: &str) -> JsResult<Vec<usize>> {
    array(value, what)?
        .iter()
        .enumerate()
        .map(|(i, v)| uint(v, &format!("{what}[{i}]")))
        .collect()
}

/// An array of integers (strides).
pub(crate) fn int_list(value: &JsValue, what: &str) -> JsResult<Vec<isize>> {
    array(value, what)?
        .iter()
        .enumerate()
        .map(|(i, v)| int(v, &format!("{what}[{i}]")))
        .collect()
}

/// One of `choices`, by name.
pub(crate) fn choice<'c>(value: &JsValue, what: &str, choices: &[&'c str]) -> JsResult<&'c str> {
    let s = value.as_string();
    choices
        .iter()
        .find(|c| s.as_deref() == Some(**c))
        .copied()
        .ok_or_else(|| {
            let list: Vec<String> = choices.iter().map(|c| format!("'{c}'")).collect();
            invalid(format!(
                "{what} must be one of {}, got {}",
                list.join(", "),
                describe(value)
            ))
        })
}
