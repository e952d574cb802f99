//! WebAssembly memory as JavaScript sees it: typed arrays over it, copies
//! in and out of it, and detaching every old view.
//!
//! [`memory_view`] is the one place that makes a typed array over wasm
//! memory. It is built from `memory.buffer`, a byte offset and a length, so
//! it needs no `unsafe`: JavaScript bounds-checks the range against the
//! buffer. Such a view stays valid until wasm memory grows (any allocation
//! may grow it), which detaches the old `ArrayBuffer` and every view of it;
//! `WasmArray.data` therefore makes a fresh view on every access, and
//! [`detach_views`] detaches them all on purpose when an array is freed.

use patch_core::ErrorKind;
use wasm_bindgen::prelude::*;

use crate::args::describe;
use crate::buf::Buf;
use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};
use crate::num;

fn memory() -> js_sys::WebAssembly::Memory {
    wasm_bindgen::memory().unchecked_into()
}

/// A typed array of `dtype`'s class over `len` elements at byte address
/// `addr` of wasm memory.
///
/// The view is valid while the memory does not grow: the next allocation in
/// wasm may detach it (its length becomes 0), so callers hand it out at once
/// and never keep it across another call into wasm. `addr` and `len` come
/// from a live `Vec` of the dtype's element type, so the range is inside the
/// buffer and aligned to the element size.
pub(crate) fn memory_view(dtype: JsDType, addr: usize, len: usize) -> JsValue {
    // wasm32 addresses and lengths fit u32 (the fallbacks are unreachable
    // there, and would make JavaScript refuse the range).
    let addr = u32::try_from(addr).unwrap_or(u32::MAX);
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    dtype.typed_array(&memory().buffer(), addr, len)
}

/// Detaches every typed array that views wasm memory, `WasmArray.data`
/// views included (their `length` becomes 0, reads give `undefined`,
/// writes do nothing), by growing the memory by 0 pages: WebAssembly
/// replaces `memory.buffer` on every `grow`. Called when an array's
/// elements are freed, so that a `.data` view kept across `free()` can
/// never read or write whatever is allocated there next.
pub(crate) fn detach_views() {
    memory().grow(0);
}

/// The `N` little-endian `u32`s from byte address `addr` of wasm memory,
/// read through JavaScript (so any address is safe to ask for); `None`
/// when `addr` is unaligned or the words leave the memory.
pub(crate) fn read_u32s<const N: usize>(addr: f64) -> Option<[u32; N]> {
    let buffer: js_sys::ArrayBuffer = memory().buffer().unchecked_into();
    let bytes = u32::try_from(4 * N).ok()?;
    // An integer address below 2^32.
    let addr = num::exact::<u32>(addr)?;
    let fits = f64::from(addr) + f64::from(bytes) <= f64::from(buffer.byte_length());
    if !fits || !addr.is_multiple_of(4) {
        return None;
    }
    let view = js_sys::DataView::new(
        &buffer,
        usize::try_from(addr).ok()?,
        usize::try_from(bytes).ok()?,
    );
    Some(std::array::from_fn(|i| view.get_uint32_endian(4 * i, true)))
}

#[wasm_bindgen]
extern "C" {
    /// Any typed array (called through its prototype methods).
    pub(crate) type AnyTypedArray;

    /// `TypedArray.prototype.set(src, offset)`, with exceptions caught.
    #[wasm_bindgen(method, catch, js_name = set)]
    fn set_from(this: &AnyTypedArray, src: &JsValue, offset: u32) -> Result<(), JsValue>;

    /// `TypedArray.prototype.length`, exceptions caught (a subclass may
    /// override the getter).
    #[wasm_bindgen(method, getter, catch, js_name = length)]
    fn typed_length(this: &AnyTypedArray) -> Result<f64, JsValue>;

    /// `TypedArray.prototype.buffer`, exceptions caught.
    #[wasm_bindgen(method, getter, catch, js_name = buffer)]
    pub(crate) fn typed_buffer(this: &AnyTypedArray) -> Result<JsValue, JsValue>;

    /// `TypedArray.prototype.byteOffset`, exceptions caught.
    #[wasm_bindgen(method, getter, catch, js_name = byteOffset)]
    pub(crate) fn typed_byte_offset(this: &AnyTypedArray) -> Result<f64, JsValue>;

    /// `new Uint8Array(buffer)`, exceptions caught: it throws exactly when
    /// `buffer` is detached (Node 20 has no `ArrayBuffer.prototype.detached`).
    #[wasm_bindgen(js_name = Uint8Array)]
    type ByteView;
    #[wasm_bindgen(constructor, catch, js_class = Uint8Array)]
    fn over(buffer: &JsValue) -> Result<ByteView, JsValue>;

    /// `TypedArray.prototype.slice()`: a copy with its own buffer.
    #[wasm_bindgen(method, catch, js_name = slice)]
    pub(crate) fn slice_copy(this: &AnyTypedArray) -> Result<JsValue, JsValue>;
}

/// Whether `buffer` is wasm memory's current `ArrayBuffer`.
pub(crate) fn is_memory_buffer(buffer: &JsValue) -> bool {
    *buffer == memory().buffer()
}

/// The length of a typed array; an error for one whose buffer was detached
/// (a `.data` view kept across a memory growth or a `free()`).
pub(crate) fn typed_len(value: &JsValue) -> JsResult<usize> {
    let t = value.unchecked_ref::<AnyTypedArray>();
    match t.typed_length() {
        Ok(0.0) if t.typed_buffer().is_ok_and(|b| ByteView::over(&b).is_err()) => Err(invalid(
            "a typed array was detached (wasm memory grew, or a WasmArray was freed, after it was made): read .data again",
        )),
        // A typed array's length is an integer below 2^32.
        Ok(n) if num::exact::<u32>(n).is_some() => num::exact::<usize>(n).ok_or_else(|| {
            invalid(format!(
                "a typed array of {n} elements is too long for this platform"
            ))
        }),
        Ok(n) => Err(invalid(format!(
            "a typed array reported length {}",
            describe(&JsValue::from_f64(n))
        ))),
        Err(e) => Err(invalid(format!(
            "reading the length of a typed array threw {}",
            describe(&e)
        ))),
    }
}

/// The class to view `dtype` elements with when copying to or from the
/// typed array `typed`: its own class, so that `set` copies bits rather
/// than converting values (a `Uint16Array` of 16-bit float bits), else
/// the dtype's.
fn view_class(dtype: JsDType, typed: &JsValue) -> JsDType {
    match JsDType::of_typed_array(typed) {
        Some(class) if dtype.accepts(class) => class,
        _ => dtype,
    }
}

/// Copies the elements of `buf` into the typed array `dst`, whose class
/// holds `dtype` elements and whose length the caller checked to equal
/// `buf`'s.
pub(crate) fn copy_out(dtype: JsDType, buf: &Buf, dst: &JsValue) -> JsResult<()> {
    if typed_len(dst)? != buf.len() {
        return Err(detached("destination"));
    }
    let view = memory_view(view_class(dtype, dst), buf.addr(), buf.len());
    dst.unchecked_ref::<AnyTypedArray>()
        .set_from(&view, 0)
        .map_err(|e| invalid(format!("copying out failed: {}", describe(&e))))
}

/// Copies the typed array `src` (of `dtype`'s element type, checked by the
/// caller) into a new buffer in wasm memory.
pub(crate) fn copy_in(dtype: JsDType, src: &JsValue) -> JsResult<Buf> {
    let n = typed_len(src)?;
    let buf = Buf::zeroed(dtype, n)?;
    // The allocation may have grown wasm memory and so detached `src` if it
    // was itself a view of wasm memory: check again before copying.
    if typed_len(src)? != n {
        return Err(detached("source"));
    }
    let view = memory_view(view_class(dtype, src), buf.addr(), n);
    view.unchecked_ref::<AnyTypedArray>()
        .set_from(src, 0)
        .map_err(|e| invalid(format!("copying in failed: {}", describe(&e))))?;
    // A source whose reads run JavaScript (a Proxy) may have grown the
    // memory during the copy, which detaches `view` and silently drops the
    // rest of the writes.
    if typed_len(&view)? != n {
        return Err(detached("source"));
    }
    Ok(buf)
}

fn detached(which: &str) -> JsValue {
    error(
        ErrorKind::BufferSize,
        format!(
            "the {which} typed array was detached because wasm memory grew; pass the WasmArray itself, or a typed array that does not view wasm memory"
        ),
    )
}
