//! Errors as JavaScript sees them: an `Error` named `PatchError` whose
//! message is patch-core's Display (`"<kind>: <message with numbers>"`) and
//! whose `kind` property is the kind's name (their TypeScript union is
//! built in `kinds_ts.rs`).

use js_sys::{Error, Reflect};
use patch_core::{ErrorKind, PatchError};
use wasm_bindgen::JsValue;

/// The result of every fallible binding: the error is the `Error` to throw.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// The JavaScript `Error` for a patch-core error.
pub(crate) fn to_js(err: &PatchError) -> JsValue {
    let e = Error::new(&err.to_string());
    e.set_name("PatchError");
    // Setting a property on a fresh, extensible Error cannot fail; if it
    // somehow did, the message still names the kind.
    let _ = Reflect::set(&e, &"kind".into(), &err.kind().name().into());
    e.into()
}

/// An error of `kind` with `message` (quote the numbers).
pub(crate) fn error(kind: ErrorKind, message: impl Into<String>) -> JsValue {
    to_js(&PatchError::new(kind, message))
}

/// An `invalid argument` error: an option value outside its domain.
pub(crate) fn invalid(message: impl Into<String>) -> JsValue {
    error(ErrorKind::InvalidArgument, message)
}

/// Converts patch-core results into results that throw in JavaScript.
pub(crate) trait OrThrow<T> {
    /// The value, or the error as a JavaScript `Error`.
    fn js(self) -> JsResult<T>;
}

impl<T> OrThrow<T> for patch_core::Result<T> {
    fn js(self) -> JsResult<T> {
        self.map_err(|e| to_js(&e))
    }
}
