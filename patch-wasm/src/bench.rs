//! A benchmark baseline, not part of the patch API: `benchMemcpy`.
//!
//! The benchmark suite (`patch-wasm/bench/bench.mjs`, run by `make bench`)
//! compares every kernel with a copy of the same number of bytes inside
//! WebAssembly memory. This export is that copy: one `copy_from_slice`
//! between the buffers of two `WasmArray`s, which compiles to a single
//! `memory.copy` instruction (bulk memory is on by default for
//! `wasm32-unknown-unknown`). It takes its arguments exactly like
//! `PatchView.extractInto`, so the JavaScript-to-wasm call costs the same.

use patch_core::ErrorKind;
use wasm_bindgen::prelude::*;

use crate::buf::same_type;
use crate::error::error;
use crate::input::wasm_input;
use crate::store::with_store;

/// **Benchmark baseline, not part of the patch API.** Copies every element
/// of `src` into `dst` (two different `WasmArray`s, or typed arrays viewing
/// them, of the same element type and length) with one `memory.copy`: the
/// "memcpy of the same bytes" that the benchmark suite compares the kernels
/// with.
#[wasm_bindgen(js_name = benchMemcpy)]
pub fn bench_memcpy(
    #[wasm_bindgen(unchecked_param_type = "WasmArray")] src: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WasmArray")] dst: JsValue,
) -> Result<(), JsValue> {
    let src = wasm_input(&src, "src")?;
    let dst = wasm_input(&dst, "dst")?;
    with_store(|s| {
        s.pair(&src, &dst, |a, b| {
            same_type!(
                (a.elements, b.elements),
                (x, y) => {
                    if x.len() != y.len() {
                        return Err(error(
                            ErrorKind::BufferSize,
                            format!("benchMemcpy: src holds {} elements, dst {}", x.len(), y.len()),
                        ));
                    }
                    y.copy_from_slice(x);
                    Ok(())
                },
                [U8, I8, U16, I16, U32, I32, F32, F64, F16, BF16],
                Err(error(ErrorKind::UnsupportedDtype, "src and dst hold different element types"))
            )
        })
    })
}
