//! `PatchView.plan()`: patch-core's `PlanSummary` as a plain JavaScript
//! object whose keys (nested ones too) are camelCase like every getter.

use js_sys::{Array, Object, Reflect};
use patch_core::Plan;
use serde::Serialize as _;
use wasm_bindgen::prelude::*;

use crate::args;
use crate::error::{JsResult, OrThrow, invalid};

/// The plan's summary with camelCase keys.
pub(crate) fn to_js(plan: &Plan) -> JsResult<JsValue> {
    let json = plan
        .summary()
        .js()?
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid(format!("cannot convert the plan: {e}")))?;
    let out = camel_case(&json)?;
    Ok(out)
}

/// A copy of `value` (JSON-like: made by serde) with every object key in
/// camelCase.
fn camel_case(value: &JsValue) -> JsResult<JsValue> {
    let failed = |_| invalid("cannot convert the plan");
    if args::is_array(value) {
        let out = Array::new();
        for item in Array::from(value).iter() {
            out.push(&camel_case(&item)?);
        }
        return Ok(out.into());
    }
    let Some(obj) = value.dyn_ref::<Object>() else {
        return Ok(value.clone());
    };
    let out = Object::new();
    for key in Object::keys(obj).iter() {
        let item = Reflect::get(obj, &key).map_err(failed)?;
        let name = camel_key(&key.as_string().unwrap_or_default());
        Reflect::set(&out, &name.into(), &camel_case(&item)?).map_err(failed)?;
    }
    Ok(out.into())
}

/// `input_byte_strides` -> `inputByteStrides`.
fn camel_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::camel_key;

    #[test]
    fn keys_become_camel_case() {
        assert_eq!(camel_key("input_byte_strides"), "inputByteStrides");
        assert_eq!(camel_key("pad_lo"), "padLo");
        assert_eq!(camel_key("grid"), "grid");
    }
}
