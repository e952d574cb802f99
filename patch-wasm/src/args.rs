//! Reading options objects and numbers from JavaScript, with an
//! `invalid argument` error that names the option and shows the bad value.
//!
//! JavaScript numbers are doubles: every count, size and index is checked to
//! be an integer in range here, before anything reaches patch-core, instead
//! of being truncated or wrapped by the ABI. Number *arguments* of methods
//! come in as `JsValue`s and are checked the same way (an `f64` parameter
//! would let wasm-bindgen coerce `'1'`, `null`, `true` or `[2]`).
//!
//! Arrays are read by their `length` first, checked against a limit (at
//! most [`MAX_RANK`] entries per axis list, or what the caller expects),
//! before any element is read, and then one element at a time, stopping at
//! the first bad one: `new Array(1e8)` costs nothing.
//!
//! Every read of a caller's object goes through a function that catches
//! JavaScript exceptions (`Reflect.get`, `Object.keys` and `Array.isArray`
//! with `catch`): a throwing getter or a hostile `Proxy` becomes an error
//! rather than an exception unwinding through wasm, which would leave the
//! object a method was called on borrowed for good.

use js_sys::{Object, Reflect};
use patch_core::ErrorKind;
use wasm_bindgen::prelude::*;

use crate::check;
use crate::error::{JsResult, OrThrow, error, invalid, to_js};
use crate::num;

#[wasm_bindgen]
extern "C" {
    /// `Object.keys(value)`, exceptions caught.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(value: &JsValue) -> Result<Box<[JsValue]>, JsValue>;

    /// `Array.isArray(value)`, exceptions caught (a revoked Proxy throws).
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `String(value)`, exceptions caught.
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// Whether `value` is an `Array` (false when asking throws).
pub(crate) fn is_array(value: &JsValue) -> bool {
    value.is_object() && array_is_array(value).unwrap_or(false)
}

/// Whether `value` is a revoked `Proxy`: the one object `Array.isArray`
/// throws for.
pub(crate) fn is_revoked_proxy(value: &JsValue) -> bool {
    value.is_object() && array_is_array(value).is_err()
}

/// The most axes a shape, a strides list, an axes list or a pads list may
/// have (numpy's `NPY_MAXDIMS`). Checked before any entry is read, so that
/// `new Array(1e8)` is refused at once instead of being walked.
pub(crate) const MAX_RANK: usize = 64;

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
    if value.is_bigint() {
        return format!("{}n", js_text(value));
    }
    if let Some(b) = value.as_bool() {
        return b.to_string();
    }
    if let Some(s) = value.as_string() {
        return check::quoted(&s);
    }
    if value.is_symbol() {
        return "a symbol".into();
    }
    if is_revoked_proxy(value) {
        return "a revoked Proxy".into();
    }
    if is_array(value) {
        return "an array".into();
    }
    if value.is_function() {
        return "a function".into();
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

/// A number as JavaScript prints it (`1e+300`, `0.1`, `-Infinity`).
pub(crate) fn number_text(n: f64) -> String {
    js_text(&JsValue::from_f64(n))
}

/// `String(value)` for a number or a bigint (never throws for those).
fn js_text(value: &JsValue) -> String {
    js_string(value).unwrap_or_default()
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
        .filter(|_| !is_array(value) && !value.is_function() && !is_revoked_proxy(value))
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
        Some(n) if n >= 0.0 && num::exact_int(n).is_some() => {
            num::exact::<usize>(n).ok_or_else(|| {
                invalid(format!(
                    "{what} is {}, too large for wasm32",
                    number_text(n)
                ))
            })
        }
        _ => Err(invalid(format!(
            "{what} must be a non-negative integer, got {}",
            describe(value)
        ))),
    }
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
        Some(n) if num::exact_int(n).is_some() => num::exact::<isize>(n).ok_or_else(|| {
            invalid(format!(
                "{what} is {}, too large for wasm32",
                number_text(n)
            ))
        }),
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

/// The `length` of a JavaScript `Array` (not array-like), read before any
/// element: an array, or a `Proxy` of one, that reports a length that is
/// not an array length is refused.
pub(crate) fn array_len(value: &JsValue, what: &str) -> JsResult<usize> {
    if !is_array(value) {
        return Err(invalid(format!(
            "{what} must be an array, got {}",
            describe(value)
        )));
    }
    let len = get(value, "length")?;
    // An array length is an integer below 2^32.
    match len.as_f64().and_then(num::exact::<u32>) {
        Some(n) => usize::try_from(n).map_err(|_| {
            invalid(format!(
                "{what} has {n} entries, too many for this platform"
            ))
        }),
        None => Err(invalid(format!(
            "{what} reports length {}, which no array has",
            describe(&len)
        ))),
    }
}

/// Reads the items of a JavaScript `Array` one at a time through `item`,
/// after checking its length against `max` (`limit` says what the bound
/// is, as in "more than the {limit}"): nothing is read from an array that
/// is too long, and the first bad item stops the walk.
pub(crate) fn array_items<T>(
    value: &JsValue,
    what: &str,
    max: usize,
    limit: &str,
    mut item: impl FnMut(usize, &JsValue) -> JsResult<T>,
) -> JsResult<Vec<T>> {
    let len = array_len(value, what)?;
    if len > max {
        return Err(invalid(format!(
            "{what} has {len} entries, more than the {limit}"
        )));
    }
    let mut out = Vec::new();
    // `i < len <= u32::MAX`: the u32 index never wraps.
    for (i, index) in (0..len).zip(0u32..) {
        let v = Reflect::get_u32(value, index)
            .map_err(|e| invalid(format!("reading {what}[{i}] threw {}", describe(&e))))?;
        let v = item(i, &v)?;
        // Grown as items pass their check (not reserved for `len` up front,
        // so that a long array whose first item is bad costs nothing).
        if out.len() == out.capacity() {
            out.try_reserve(out.len().max(16).min(len - i))
                .map_err(|_| {
                    error(
                        ErrorKind::Allocation,
                        format!("cannot hold the {len} entries of {what}"),
                    )
                })?;
        }
        out.push(v);
    }
    Ok(out)
}

/// The items of an array of at most [`MAX_RANK`] entries (one per axis).
pub(crate) fn axis_list<T>(
    value: &JsValue,
    what: &str,
    item: impl FnMut(usize, &JsValue) -> JsResult<T>,
) -> JsResult<Vec<T>> {
    array_items(
        value,
        what,
        MAX_RANK,
        &format!("{MAX_RANK} axes supported"),
        item,
    )
}

/// A list of non-negative integers, one per axis (a shape).
pub(crate) fn uint_list(value: &JsValue, what: &str) -> JsResult<Vec<usize>> {
    axis_list(value, what, |i, v| uint(v, &format!("{what}[{i}]")))
}

/// A list of integers, one per axis (strides).
pub(crate) fn int_list(value: &JsValue, what: &str) -> JsResult<Vec<isize>> {
    axis_list(value, what, |i, v| int(v, &format!("{what}[{i}]")))
}

/// One of `choices`, by name.
pub(crate) fn choice<'c>(value: &JsValue, what: &str, choices: &[&'c str]) -> JsResult<&'c str> {
    match value.as_string() {
        Some(name) => check::choice(&name, what, choices).js(),
        None => Err(to_js(&check::choice_error(what, choices, &describe(value)))),
    }
}

/// An optional name: `None` when `value` is undefined, else the string
/// (anything else is refused as not one of `choices`).
pub(crate) fn name_or_absent(
    value: &JsValue,
    what: &str,
    choices: &[&str],
) -> JsResult<Option<String>> {
    if value.is_undefined() {
        return Ok(None);
    }
    match value.as_string() {
        Some(name) => Ok(Some(name)),
        None => Err(to_js(&check::choice_error(what, choices, &describe(value)))),
    }
}
