//! The TypeScript union of the error kinds' names, `PatchErrorKind`, built
//! at compile time from patch-core's `ErrorKind::ALL`.

use patch_core::ErrorKind;

/// The `.d.ts` text of `PatchErrorKind`: one member per entry of
/// [`ErrorKind::ALL`], its description as the member's doc comment. Built
/// by `const fn`s at compile time, so the shipped types cannot drift from
/// the engine's list.
// Its one reader is the anonymous const in which `#[wasm_bindgen]` encodes
// the custom section (wasm32 only), which the dead-code lint does not count.
#[allow(dead_code)]
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
