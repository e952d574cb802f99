//! `WasmArray`: an N-d array whose elements live in wasm memory.
//!
//! The elements of every `WasmArray` are a `Vec` held in the store
//! (`store.rs`); the JavaScript object holds only a [`Handle`]. Functions
//! that accept "a `WasmArray` or a typed array" recognise the object
//! (`input.rs`) and borrow the `Vec` from the store, so passing a
//! `WasmArray` into a call never copies it and never moves it out of its
//! JavaScript object (wasm-bindgen's own conversion of a `JsValue` into an
//! exported struct would take ownership).
//!
//! A typed array passed in that views wasm memory is looked up in the store
//! and used as the `WasmArray` range it views, in place: copying it in
//! would allocate, and the allocation could detach it.

use js_sys::Array;
use patch_core::ErrorKind;
use wasm_bindgen::prelude::*;

use crate::args::{self, describe};
use crate::buf::Buf;
use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};
use crate::input::{Input, input};
use crate::memory::{AnyTypedArray, copy_in, detach_views, memory_view, typed_len};
use crate::num;
use crate::store::{Entry, Handle, with_store};

/// Product of a shape, checked.
pub(crate) fn count(shape: &[usize]) -> JsResult<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .ok_or_else(|| {
            error(
                ErrorKind::Overflow,
                format!("the element count of shape {shape:?} overflows wasm32's usize"),
            )
        })
}

/// Sizes as a JavaScript array of numbers (exact: wasm32 sizes fit a double).
pub(crate) fn sizes(values: &[usize]) -> Array {
    values
        .iter()
        .map(|&v| JsValue::from_f64(num::from_usize(v)))
        .collect()
}

/// Signed sizes as a JavaScript array of numbers.
pub(crate) fn signed_sizes(values: &[isize]) -> Array {
    values
        .iter()
        .map(|&v| JsValue::from_f64(num::from_isize(v)))
        .collect()
}

/// An N-d array owned by WebAssembly memory: a dtype, a shape and its
/// elements in C (row-major) order.
///
/// Write pixels or samples into `data`, pass the array to `PatchView.extract`
/// and read the patches from the result's `data`: no element crosses the
/// JavaScript/WebAssembly boundary on the way.
///
/// **`data` is a fresh typed array on every access.** Any allocation in
/// WebAssembly (creating a `WasmArray`, `extract`, `fold`, `frame`, ...) may
/// grow the memory, and growing detaches every typed array made before
/// (their `length` becomes 0). Read `.data` again after such a call instead
/// of keeping an old one.
///
/// `free()` releases the elements at once (the garbage collector does it
/// for arrays that are never freed); afterwards every member throws
/// `invalid argument: the WasmArray was freed`, and `free()` again does
/// nothing. Freeing an array whose `.data` (or `.ptr`) was read also
/// detaches every view of WebAssembly memory made before, of any array: a
/// `.data` view kept across `free()` would otherwise alias whatever is
/// allocated in the freed bytes next; detached, it reads nothing and
/// writes nowhere.
// `repr(C)`: the object is its handle, read back from wasm memory by `input.rs`.
#[wasm_bindgen]
#[repr(C)]
pub struct WasmArray {
    handle: Handle,
}

impl Drop for WasmArray {
    /// wasm-bindgen drops the Rust object when the JavaScript wrapper is
    /// garbage collected; the elements go too unless `free()` took them.
    fn drop(&mut self) {
        release(self.handle);
    }
}

/// Frees the elements of `handle` (if still live) and, when JavaScript
/// may hold a view of them (`.data` or `.ptr` was read), detaches every
/// view of wasm memory, so that no old view aliases the freed memory.
/// (Detaching costs about 1.5 us per call, the new `memory.buffer` and the
/// views wasm-bindgen then makes again, so arrays never viewed skip it.)
fn release(handle: Handle) {
    if let Ok(Some(true)) = with_store(|s| Ok(s.remove(handle))) {
        detach_views();
    }
}

impl WasmArray {
    /// Stores `entry` and wraps its handle.
    pub(crate) fn adopt(entry: Entry) -> JsResult<WasmArray> {
        let handle = with_store(|s| s.insert(entry))?;
        Ok(WasmArray { handle })
    }

    /// The array's handle in the store.
    pub(crate) fn handle(&self) -> Handle {
        self.handle
    }

    /// A wrapper of a handle no array has, which `input.rs` uses to
    /// measure wasm-bindgen's object layout.
    pub(crate) fn probe(handle: Handle) -> WasmArray {
        WasmArray { handle }
    }

    fn read<R>(&self, f: impl FnOnce(&Entry) -> R) -> JsResult<R> {
        with_store(|s| s.get(self.handle).map(f))
    }
}

fn parse_shape(shape: &JsValue) -> JsResult<(Vec<usize>, usize)> {
    let shape = args::uint_list(shape, "shape")?;
    let n = count(&shape)?;
    Ok((shape, n))
}

/// The elements of `values`, a plain array of exactly `n` numbers,
/// converted to `dtype` by the typed-array constructor (as
/// `new Int16Array(values)` converts). Its length is checked before any
/// element is read, and the first element that is not a number stops it.
fn from_numbers(dtype: JsDType, shape: &[usize], n: usize, values: &JsValue) -> JsResult<JsValue> {
    let len = args::array_len(values, "values")?;
    if len != n {
        return Err(count_mismatch(shape, n, len));
    }
    let numbers = args::array_items(values, "values", n, "shape's element count", |i, v| {
        v.as_f64()
            .ok_or_else(|| invalid(format!("values[{i}] must be a number, got {}", describe(v))))
    })?;
    Ok(dtype.typed_from_array(&js_sys::Float64Array::from(&numbers[..])))
}

fn count_mismatch(shape: &[usize], n: usize, len: usize) -> JsValue {
    error(
        ErrorKind::BufferSize,
        format!("shape {shape:?} holds {n} elements but {len} values were given"),
    )
}

#[wasm_bindgen]
impl WasmArray {
    /// A zero-filled array of `dtype` and `shape` in WebAssembly memory.
    ///
    /// Throws `invalid argument` for an unknown dtype or a shape that is not
    /// an array of at most 64 non-negative integers, and `allocation` when
    /// memory runs out.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "D")] dtype: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] shape: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let dtype = JsDType::parse(&dtype, "dtype")?;
        let (shape, n) = parse_shape(&shape)?;
        let buf = Buf::zeroed(dtype, n)?;
        WasmArray::adopt(Entry { dtype, shape, buf })
    }

    /// A new array of `dtype` and `shape` holding a copy of `values`: a
    /// typed array of the dtype's class (`Uint8ClampedArray` for
    /// `'uint8clamped'`; `Uint8Array` and `Uint8ClampedArray` are accepted
    /// for each other) or a plain array of numbers (converted as the typed
    /// array constructor converts). Its length must equal the shape's
    /// element count (checked before any value is read: `buffer size`).
    #[wasm_bindgen(js_name = fromTypedArray, unchecked_return_type = "WasmArray<D>")]
    pub fn from_typed_array(
        #[wasm_bindgen(unchecked_param_type = "D")] dtype: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] shape: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TypedArrayOf<D> | number[]")] values: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let dtype = JsDType::parse(&dtype, "dtype")?;
        let (shape, n) = parse_shape(&shape)?;
        let typed = if args::is_array(&values) {
            from_numbers(dtype, &shape, n, &values)?
        } else {
            match JsDType::of_typed_array(&values) {
                Some(d) if dtype.accepts(d) => values,
                Some(d) => {
                    return Err(invalid(format!(
                        "dtype '{}' needs a {}, got a {}",
                        dtype.name(),
                        dtype.class_name(),
                        d.class_name()
                    )));
                }
                None => {
                    return Err(invalid(format!(
                        "values must be a {} or an array of numbers, got {}",
                        dtype.class_name(),
                        describe(&values)
                    )));
                }
            }
        };
        let len = typed_len(&typed)?;
        if len != n {
            return Err(count_mismatch(&shape, n, len));
        }
        let buf = match input(&typed, "values")? {
            // A view of another WasmArray: copied inside wasm memory, so the
            // allocation cannot detach it halfway.
            Input::Wasm(part) => with_store(|s| s.src(&part)?.elements.to_buf())?,
            Input::Typed(_, typed) => copy_in(dtype, &typed)?,
        };
        WasmArray::adopt(Entry { dtype, shape, buf })
    }

    /// The RGBA pixels of an image source in a new `[height, width, 4]`
    /// `'uint8clamped'` array (8-bit, not premultiplied, sRGB: what
    /// `ImageData` holds): an `ImageData` (or any `{ data:
    /// Uint8ClampedArray, width, height }`; one copy), an
    /// `HTMLCanvasElement` or `OffscreenCanvas` with a 2d context (two
    /// copies: `getImageData`, then into wasm memory), or an `ImageBitmap`,
    /// `HTMLImageElement`, `HTMLVideoElement`, `VideoFrame` or WebGL canvas
    /// (three: drawn on a scratch `OffscreenCanvas`, read back, copied in).
    /// `fromImageAsync` makes one copy of every source where `VideoFrame`
    /// exists. A canvas without a context gets a 2d one.
    #[wasm_bindgen(js_name = fromImage, unchecked_return_type = "WasmArray<'uint8clamped'>")]
    pub fn from_image(
        #[wasm_bindgen(unchecked_param_type = "ImageSource")] source: JsValue,
    ) -> Result<WasmArray, JsValue> {
        crate::image::from_image(&source)
    }

    /// `fromImage` with one copy of the pixels for every source: a
    /// `VideoFrame` (the source itself, or one made over an `ImageBitmap`,
    /// canvas, image or video, without copying) is copied by
    /// `VideoFrame.copyTo({ format: 'RGBA', colorSpace: 'srgb' })` straight
    /// into the new array's bytes in wasm memory. Where `VideoFrame` does
    /// not exist (Node), and for `ImageData`, it resolves to
    /// `fromImage(source)`. Do not call patch-wasm functions that allocate
    /// while it is pending: a memory growth detaches the bytes `copyTo`
    /// writes, and the promise rejects (`buffer size`). A `VideoFrame`
    /// passed in is not closed.
    #[wasm_bindgen(js_name = fromImageAsync, unchecked_return_type = "Promise<WasmArray<'uint8clamped'>>")]
    pub fn from_image_async(
        #[wasm_bindgen(unchecked_param_type = "ImageSource")] source: JsValue,
    ) -> js_sys::Promise {
        crate::image::from_image_async(&source)
    }

    /// The dtype name, such as `'uint8clamped'`.
    #[wasm_bindgen(getter, unchecked_return_type = "D")]
    pub fn dtype(&self) -> Result<String, JsValue> {
        self.read(|e| e.dtype.name().to_string())
    }

    /// The shape (a new array on every access).
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn shape(&self) -> Result<Array, JsValue> {
        self.read(|e| sizes(&e.shape))
    }

    /// Number of axes.
    #[wasm_bindgen(getter)]
    pub fn ndim(&self) -> Result<usize, JsValue> {
        self.read(|e| e.shape.len())
    }

    /// Number of elements.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> Result<usize, JsValue> {
        self.read(|e| e.buf.len())
    }

    /// Number of bytes of the elements.
    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> Result<usize, JsValue> {
        self.read(|e| e.buf.len() * e.dtype.itemsize())
    }

    /// Byte address of the first element in WebAssembly memory (stable for
    /// the array's lifetime; `new Uint8Array(memory.buffer, ptr, byteLength)`
    /// views the same bytes as `data`).
    #[wasm_bindgen(getter)]
    pub fn ptr(&self) -> Result<usize, JsValue> {
        with_store(|s| Ok(s.viewed(self.handle)?.buf.addr()))
    }

    /// A typed array of the dtype's class (`Uint8ClampedArray` for
    /// `'uint8clamped'`) viewing the elements in WebAssembly memory: writes
    /// through it change the array, without a copy.
    ///
    /// Created afresh on every access: an allocation in WebAssembly may grow
    /// the memory, which detaches every view made before (its `length`
    /// becomes 0), and `free()` of an array whose `.data` was read detaches
    /// them on purpose. Do not keep it across calls that allocate or free:
    /// a view kept across this array's `free()` would otherwise alias
    /// whatever is allocated in its bytes next.
    #[wasm_bindgen(getter, unchecked_return_type = "DataOf<D>")]
    pub fn data(&self) -> Result<JsValue, JsValue> {
        let (dtype, addr, len) = with_store(|s| {
            let e = s.viewed(self.handle)?;
            Ok((e.dtype, e.buf.addr(), e.buf.len()))
        })?;
        Ok(memory_view(dtype, addr, len))
    }

    /// A copy of the elements in a new JavaScript-owned typed array of the
    /// dtype's class, unaffected by memory growth and by `free()`.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "DataOf<D>")]
    pub fn to_array(&self) -> Result<JsValue, JsValue> {
        let (dtype, addr, len) = self.read(|e| (e.dtype, e.buf.addr(), e.buf.len()))?;
        memory_view(dtype, addr, len)
            .unchecked_ref::<AnyTypedArray>()
            .slice_copy()
            .map_err(|e| invalid(format!("copying out failed: {}", describe(&e))))
    }

    /// Releases the elements now (without waiting for the garbage
    /// collector). Afterwards every member throws `invalid argument: the
    /// WasmArray was freed`; calling `free()` again does nothing. When this
    /// array's `.data` or `.ptr` was read, every typed array viewing wasm
    /// memory made before (of this or any array) is detached, so that a
    /// kept `.data` view cannot alias the next allocation.
    pub fn free(&self) {
        release(self.handle);
    }
}

/// Checks that `dtype` can be read where `expected` elements are needed.
pub(crate) fn check_dtype(expected: JsDType, dtype: JsDType, what: &str) -> JsResult<()> {
    if expected.same_elements(dtype) {
        Ok(())
    } else {
        Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "{what} holds {} but the PatchView is for {}",
                dtype.name(),
                expected.name()
            ),
        ))
    }
}
