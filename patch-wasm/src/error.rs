//! Errors as JavaScript sees them: an `Error` named `PatchError` whose
//! message is patch-core's Display (`"<kind>: <message with numbers>"`) and
//! whose `kind` property is the kind's name; and the TypeScript union of
//! those names, built at compile time from patch-core's `ErrorKind::ALL`.

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

/// The `.d.ts` text of `PatchErrorKind`: one member per entry of
/// [`ErrorKind::ALL`], its description as the member's doc comment. Built
/// by `const fn`s at compile time, so the shipped types cannot drift from
/// the engine's list.
pub(crate) const TS_ERROR_KINDS: &str = match std::str::from_utf8(&TS_BYTES) {
    Ok(text) => text,
    Err(_) => panic!("the TypeScript error kinds are not UTF-8"),
};

const TS_HEAD: &str = "/** The names of the error kinds, the start of every `PatchError` message and its `kind` (patch-core's list). */\nexport type PatchErrorKind =";
const TS_DOC: &str = "\n  /** ";
const TS_NAME: &str = " */\n  | '";
const TS_END: &str = "'";
const TS_TAIL: &str = ";\n";

const TS_LEN: usize = {
    let mut n = TS_HEAD.len() + TS_TAIL.len();
    let mut i = 0;
    while i < ErrorKind::ALL.len() {
        let k = ErrorKind::ALL[i];
        n += TS_DOC.len() + k.description().len() + TS_NAME.len() + k.name().len() + TS_END.len();
        i += 1;
    }
    n
};

const TS_BYTES: [u8; TS_LEN] = {
    /// Copies `s` into `out` at `at`; returns the end.
    const fn put(out: &mut [u8; TS_LEN], at: usize, s: &str) -> usize {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            out[at + i] = s[i];
            i += 1;
        }
        at + s.len()
    }
    let mut out = [0u8; TS_LEN];
    let mut at = put(&mut out, 0, TS_HEAD);
    let mut i = 0;
    while i < ErrorKind::ALL.len() {
        let k = ErrorKind::ALL[i];
        at = put(&mut out, at, TS_DOC);
        at = put(&mut out, at, k.description());
        at = put(&mut out, at, TS_NAME);
        at = put(&mut out, at, k.name());
        at = put(&mut out, at, TS_END);
        i += 1;
    }
    put(&mut out, at, TS_TAIL);
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typescript_union_lists_every_kind_once() {
        let members: Vec<&str> = TS_ERROR_KINDS
            .lines()
            .filter_map(|l| l.trim().strip_prefix("| '"))
            .map(|l| l.trim_end_matches(';').trim_end_matches('\''))
            .collect();
        let names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(members, names);
        assert!(TS_ERROR_KINDS.starts_with("/** The names of the error kinds"));
        assert!(TS_ERROR_KINDS.contains("  /** A window size of zero. */\n  | 'zero size'"));
        assert!(TS_ERROR_KINDS.ends_with("| 'allocation';\n"));
    }
}
