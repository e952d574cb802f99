//! `WasmArray`: an N-d array whose elements live in wasm memory, and the
//! store behind it.
//!
//! The elements of every `WasmArray` are a `Vec` held in a store of this
//! module; the JavaScript object holds only a handle (an index into the
//! store). Functions that accept "a `WasmArray` or a typed array" read that
//! handle through a hidden getter and borrow the `Vec` from the store, so
//! passing a `WasmArray` into a call never copies it and never moves it out
//! of its JavaScript object (wasm-bindgen's own conversion of a `JsValue`
//! into an exported struct would take ownership).
//!
//! # Typed arrays over wasm memory
//!
//! [`memory_view`] is the one place that makes a typed array over wasm
//! memory. It is built from `memory.buffer`, a byte offset and a length, so
//! it needs no `unsafe`: JavaScript bounds-checks the range against the
//! buffer. Such a view stays valid until wasm memory grows (any allocation
//! may grow it), which detaches the old `ArrayBuffer` and every view of it;
//! `WasmArray.data` therefore makes a fresh view on every access.
//!
//! A typed array passed in that views wasm memory is looked up in the store
//! ([`Store::find`]) and used as the `WasmArray` range it views, in place:
//! copying it in would allocate, and the allocation could detach it.

use std::cell::RefCell;
use std::ops::Range;

use js_sys::{Array, Reflect};
use patch_core::{Element, ErrorKind};
use wasm_bindgen::prelude::*;

use crate::args::{self, describe};
use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};

/// The elements of an array, one variant per element type.
pub(crate) enum Buf {
    U8(Vec<u8>),
    I8(Vec<i8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// Runs `$body` with `$v` bound to the `Vec` inside a [`Buf`] (or a
/// reference to it), whatever its element type.
macro_rules! each_buf {
    ($buf:expr, $v:ident => $body:expr) => {
        match $buf {
            $crate::array::Buf::U8($v) => $body,
            $crate::array::Buf::I8($v) => $body,
            $crate::array::Buf::U16($v) => $body,
            $crate::array::Buf::I16($v) => $body,
            $crate::array::Buf::U32($v) => $body,
            $crate::array::Buf::I32($v) => $body,
            $crate::array::Buf::F32($v) => $body,
            $crate::array::Buf::F64($v) => $body,
        }
    };
}

/// An element type a [`Buf`] can hold.
pub(crate) trait Stored: Element {
    /// Wraps a vector in its variant.
    fn wrap(v: Vec<Self>) -> Buf;
}

macro_rules! stored {
    ($($t:ty => $var:ident),*) => {$(
        impl Stored for $t {
            fn wrap(v: Vec<Self>) -> Buf {
                Buf::$var(v)
            }
        }
    )*};
}
stored!(u8 => U8, i8 => I8, u16 => U16, i16 => I16, u32 => U32, i32 => I32, f32 => F32, f64 => F64);

/// A zero-filled vector, or an `allocation` error instead of an abort.
pub(crate) fn zeroed<T: Copy + Default>(n: usize) -> JsResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        error(
            ErrorKind::Allocation,
            format!(
                "cannot allocate {n} elements of {} bytes in wasm memory",
                std::mem::size_of::<T>()
            ),
        )
    })?;
    v.resize(n, T::default());
    Ok(v)
}

impl Buf {
    /// A zero-filled buffer of `n` elements of `dtype`.
    pub(crate) fn zeroed(dtype: JsDType, n: usize) -> JsResult<Buf> {
        Ok(match dtype {
            JsDType::Uint8 | JsDType::Uint8Clamped => Buf::U8(zeroed(n)?),
            JsDType::Int8 => Buf::I8(zeroed(n)?),
            JsDType::Uint16 => Buf::U16(zeroed(n)?),
            JsDType::Int16 => Buf::I16(zeroed(n)?),
            JsDType::Uint32 => Buf::U32(zeroed(n)?),
            JsDType::Int32 => Buf::I32(zeroed(n)?),
            JsDType::Float32 => Buf::F32(zeroed(n)?),
            JsDType::Float64 => Buf::F64(zeroed(n)?),
        })
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        each_buf!(self, v => v.len())
    }

    /// Byte address of the first element in wasm memory.
    pub(crate) fn addr(&self) -> usize {
        each_buf!(self, v => v.as_ptr() as usize)
    }
}

/// Borrowed elements of one type: a whole [`Buf`] or a range of it.
#[derive(Clone, Copy)]
pub(crate) enum BufRef<'a> {
    U8(&'a [u8]),
    I8(&'a [i8]),
    U16(&'a [u16]),
    I16(&'a [i16]),
    U32(&'a [u32]),
    I32(&'a [i32]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// Runs `$body` with `$v` bound to the slice inside a [`BufRef`].
macro_rules! each_ref {
    ($buf:expr, $v:ident => $body:expr) => {
        match $buf {
            $crate::array::BufRef::U8($v) => $body,
            $crate::array::BufRef::I8($v) => $body,
            $crate::array::BufRef::U16($v) => $body,
            $crate::array::BufRef::I16($v) => $body,
            $crate::array::BufRef::U32($v) => $body,
            $crate::array::BufRef::I32($v) => $body,
            $crate::array::BufRef::F32($v) => $body,
            $crate::array::BufRef::F64($v) => $body,
        }
    };
}
pub(crate) use each_ref;

fn out_of_range() -> JsValue {
    invalid("the typed array no longer lies inside its WasmArray")
}

/// `v[range]` (all of `v` for `None`), checked.
pub(crate) fn part<'a, T>(v: &'a [T], range: &Option<Range<usize>>) -> JsResult<&'a [T]> {
    match range {
        None => Ok(v),
        Some(r) => v.get(r.clone()).ok_or_else(out_of_range),
    }
}

/// `&mut v[range]` (all of `v` for `None`), checked.
pub(crate) fn part_mut<'a, T>(
    v: &'a mut [T],
    range: &Option<Range<usize>>,
) -> JsResult<&'a mut [T]> {
    match range {
        None => Ok(v),
        Some(r) => v.get_mut(r.clone()).ok_or_else(out_of_range),
    }
}

impl BufRef<'_> {
    /// A copy in a new buffer.
    fn to_buf(self) -> JsResult<Buf> {
        Ok(each_ref!(self, v => {
            let mut out = zeroed(v.len())?;
            out.copy_from_slice(v);
            Stored::wrap(out)
        }))
    }
}

impl Buf {
    /// The elements in `range` (all for `None`).
    pub(crate) fn part(&self, range: &Option<Range<usize>>) -> JsResult<BufRef<'_>> {
        Ok(match self {
            Buf::U8(v) => BufRef::U8(part(v, range)?),
            Buf::I8(v) => BufRef::I8(part(v, range)?),
            Buf::U16(v) => BufRef::U16(part(v, range)?),
            Buf::I16(v) => BufRef::I16(part(v, range)?),
            Buf::U32(v) => BufRef::U32(part(v, range)?),
            Buf::I32(v) => BufRef::I32(part(v, range)?),
            Buf::F32(v) => BufRef::F32(part(v, range)?),
            Buf::F64(v) => BufRef::F64(part(v, range)?),
        })
    }
}

/// An array in the store: dtype, shape and elements (C order).
pub(crate) struct Entry {
    pub(crate) dtype: JsDType,
    pub(crate) shape: Vec<usize>,
    pub(crate) buf: Buf,
}

/// Every live `WasmArray`'s elements, by handle.
#[derive(Default)]
pub(crate) struct Store {
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
}

fn freed() -> JsValue {
    invalid("the WasmArray was freed")
}

impl Store {
    fn insert(&mut self, entry: Entry) -> JsResult<u32> {
        if let Some(id) = self.free.pop() {
            self.slots[id as usize] = Some(entry);
            return Ok(id);
        }
        let id = u32::try_from(self.slots.len())
            .map_err(|_| error(ErrorKind::Allocation, "too many live WasmArrays"))?;
        self.slots
            .try_reserve(1)
            .map_err(|_| error(ErrorKind::Allocation, "cannot grow the table of WasmArrays"))?;
        self.slots.push(Some(entry));
        Ok(id)
    }

    fn remove(&mut self, id: u32) {
        if let Some(slot) = self.slots.get_mut(id as usize)
            && slot.take().is_some()
        {
            self.free.push(id);
        }
    }

    /// The array behind handle `id`.
    pub(crate) fn get(&self, id: u32) -> JsResult<&Entry> {
        self.slots
            .get(id as usize)
            .and_then(Option::as_ref)
            .ok_or_else(freed)
    }

    /// The array whose elements a typed array of `dtype` with `len`
    /// elements at byte address `addr` views, and the element range.
    fn find(&self, addr: usize, len: usize, dtype: JsDType) -> Option<Part> {
        let size = dtype.itemsize();
        let bytes = len.checked_mul(size)?;
        let end = addr.checked_add(bytes)?;
        self.slots.iter().enumerate().find_map(|(id, slot)| {
            let e = slot.as_ref()?;
            let start = e.buf.addr();
            let stop = start + e.buf.len() * size;
            let fits = e.dtype.same_elements(dtype)
                && addr >= start
                && end <= stop
                && (addr - start).is_multiple_of(size);
            fits.then(|| {
                let first = (addr - start) / size;
                Part {
                    id: id as u32,
                    range: Some(first..first + len),
                }
            })
        })
    }

    /// Two different arrays, the first to read and the second to write.
    pub(crate) fn pair(&mut self, read: u32, write: u32) -> JsResult<(&Entry, &mut Entry)> {
        let (r, w) = (read as usize, write as usize);
        if r == w {
            return Err(error(
                ErrorKind::Aliasing,
                "the source and the destination are the same WasmArray; a copy cannot read and write one buffer",
            ));
        }
        if r >= self.slots.len() || w >= self.slots.len() {
            return Err(freed());
        }
        let (a, b) = if r < w {
            let (lo, hi) = self.slots.split_at_mut(w);
            (&lo[r], &mut hi[0])
        } else {
            let (lo, hi) = self.slots.split_at_mut(r);
            (&hi[0], &mut lo[w])
        };
        match (a.as_ref(), b.as_mut()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(freed()),
        }
    }
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// Runs `f` on the store. The store is never borrowed while JavaScript
/// could call back into this module, but a re-entrant call is still turned
/// into an error rather than a panic.
pub(crate) fn with_store<R>(f: impl FnOnce(&mut Store) -> JsResult<R>) -> JsResult<R> {
    STORE.with(|s| match s.try_borrow_mut() {
        Ok(mut store) => f(&mut store),
        Err(_) => Err(invalid(
            "re-entrant call into patch-wasm while it was working on its arrays",
        )),
    })
}

/// A typed array of `dtype`'s class over `len` elements at byte address
/// `addr` of wasm memory.
///
/// This is the only function that makes views of wasm memory. The view is
/// valid while the memory does not grow: the next allocation in wasm may
/// detach it (its length becomes 0), so callers hand it out at once and
/// never keep it across another call into wasm. `addr` and `len` come from
/// a live `Vec` of the dtype's element type, so the range is inside the
/// buffer and aligned to the element size.
pub(crate) fn memory_view(dtype: JsDType, addr: usize, len: usize) -> JsValue {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    // wasm32 addresses and lengths fit u32.
    dtype.typed_array(&memory.buffer(), addr as u32, len as u32)
}

#[wasm_bindgen]
extern "C" {
    /// Any typed array (called through its prototype methods).
    type AnyTypedArray;

    /// `TypedArray.prototype.set(src, offset)`, with exceptions caught.
    #[wasm_bindgen(method, catch, js_name = set)]
    fn set_from(this: &AnyTypedArray, src: &JsValue, offset: u32) -> Result<(), JsValue>;

    /// `TypedArray.prototype.length`, exceptions caught (a subclass may
    /// override the getter).
    #[wasm_bindgen(method, getter, catch, js_name = length)]
    fn typed_length(this: &AnyTypedArray) -> Result<f64, JsValue>;

    /// `TypedArray.prototype.buffer`, exceptions caught.
    #[wasm_bindgen(method, getter, catch, js_name = buffer)]
    fn typed_buffer(this: &AnyTypedArray) -> Result<JsValue, JsValue>;

    /// `TypedArray.prototype.byteOffset`, exceptions caught.
    #[wasm_bindgen(method, getter, catch, js_name = byteOffset)]
    fn typed_byte_offset(this: &AnyTypedArray) -> Result<f64, JsValue>;

    /// `TypedArray.prototype.slice()`: a copy with its own buffer.
    #[wasm_bindgen(method, catch, js_name = slice)]
    fn slice_copy(this: &AnyTypedArray) -> Result<JsValue, JsValue>;
}

/// The length of a typed array (0 once detached).
pub(crate) fn typed_len(value: &JsValue) -> JsResult<usize> {
    match value.unchecked_ref::<AnyTypedArray>().typed_length() {
        Ok(n) if (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as usize),
        Ok(n) => Err(invalid(format!("a typed array reported length {n}"))),
        Err(e) => Err(invalid(format!(
            "reading the length of a typed array threw {}",
            describe(&e)
        ))),
    }
}

/// Copies the elements of `buf` into the typed array `dst`, whose class
/// matches `dtype` and whose length the caller checked to equal `buf`'s.
pub(crate) fn copy_out(dtype: JsDType, buf: &Buf, dst: &JsValue) -> JsResult<()> {
    if typed_len(dst)? != buf.len() {
        return Err(detached("destination"));
    }
    let view = memory_view(dtype, buf.addr(), buf.len());
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
    let view = memory_view(dtype, buf.addr(), n);
    view.unchecked_ref::<AnyTypedArray>()
        .set_from(src, 0)
        .map_err(|e| invalid(format!("copying in failed: {}", describe(&e))))?;
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

/// A stored array, or a range of one (a typed array viewing its elements).
#[derive(Clone)]
pub(crate) struct Part {
    /// Store handle.
    pub(crate) id: u32,
    /// Element range; `None` for the whole array (with its shape).
    pub(crate) range: Option<Range<usize>>,
}

/// An argument that may be a `WasmArray` or a typed array.
pub(crate) enum Input {
    /// A `WasmArray`, or a typed array viewing the elements of one (read
    /// and written in place, never copied).
    Wasm(Part),
    /// A typed array of one of the nine classes in JavaScript memory.
    Typed(JsDType, JsValue),
}

/// If the typed array `value` views wasm memory, the stored array it views
/// (or an error when no live `WasmArray` of its element type owns the range).
fn wasm_view(value: &JsValue, dtype: JsDType, what: &str) -> JsResult<Option<Part>> {
    let t = value.unchecked_ref::<AnyTypedArray>();
    let thrown = |e: JsValue| invalid(format!("reading {what} threw {}", describe(&e)));
    let buffer = t.typed_buffer().map_err(thrown)?;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    if buffer != memory.buffer() {
        return Ok(None);
    }
    let addr = t.typed_byte_offset().map_err(thrown)?;
    let len = typed_len(value)?;
    with_store(|s| Ok(s.find(addr as usize, len, dtype)))?
        .map(Some)
        .ok_or_else(|| {
            invalid(format!(
                "{what} is a {} over WebAssembly memory that no live WasmArray of its element type owns",
                dtype.class_name()
            ))
        })
}

/// The hidden getter through which a `WasmArray` argument shows its handle.
const HANDLE: &str = "__patchHandle";

/// Sorts an argument into a `WasmArray` or a typed array; `what` names it.
pub(crate) fn input(value: &JsValue, what: &str) -> JsResult<Input> {
    if value.is_object() {
        let key = JsValue::from_str(HANDLE);
        if Reflect::has(value, &key).unwrap_or(false) {
            // The getter throws once the WasmArray was freed.
            let id = Reflect::get(value, &key).map_err(|_| freed())?;
            return match id.as_f64() {
                Some(n) if n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => {
                    Ok(Input::Wasm(Part {
                        id: n as u32,
                        range: None,
                    }))
                }
                _ => Err(invalid(format!("{what} is not a valid WasmArray"))),
            };
        }
        if let Some(dtype) = JsDType::of_typed_array(value) {
            if let Some(part) = wasm_view(value, dtype, what)? {
                return Ok(Input::Wasm(part));
            }
            return Ok(Input::Typed(dtype, value.clone()));
        }
    }
    Err(invalid(format!(
        "{what} must be a WasmArray or a typed array, got {}",
        describe(value)
    )))
}

/// A `WasmArray` argument, or a typed array viewing one's elements
/// (typed arrays in JavaScript memory are refused).
pub(crate) fn wasm_input(value: &JsValue, what: &str) -> JsResult<Part> {
    let has_handle =
        value.is_object() && Reflect::has(value, &JsValue::from_str(HANDLE)).unwrap_or(false);
    match input(value, what) {
        Err(e) if has_handle => Err(e), // a freed WasmArray
        Ok(Input::Wasm(part)) => Ok(part),
        Ok(Input::Typed(d, _)) => Err(invalid(format!(
            "{what} must be a WasmArray, got a {} (copy it in with WasmArray.fromTypedArray)",
            d.class_name()
        ))),
        Err(_) => Err(invalid(format!(
            "{what} must be a WasmArray, got {}",
            describe(value)
        ))),
    }
}

/// Runs `f` on the dtype, shape and elements of an array argument: a
/// `WasmArray` (or a typed array viewing one, as 1-D) is read in place, a
/// typed array in JavaScript memory is first copied into wasm memory (as a
/// 1-D array).
pub(crate) fn with_input<R>(
    value: &JsValue,
    what: &str,
    f: impl FnOnce(JsDType, &[usize], BufRef<'_>) -> JsResult<R>,
) -> JsResult<R> {
    match input(value, what)? {
        Input::Wasm(part) => with_store(|s| {
            let e = s.get(part.id)?;
            let elements = e.buf.part(&part.range)?;
            match &part.range {
                None => f(e.dtype, &e.shape, elements),
                Some(r) => f(e.dtype, &[r.len()], elements),
            }
        }),
        Input::Typed(dtype, v) => {
            let buf = copy_in(dtype, &v)?;
            f(dtype, &[buf.len()], buf.part(&None)?)
        }
    }
}

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
        .map(|&v| JsValue::from_f64(v as f64))
        .collect()
}

/// Signed sizes as a JavaScript array of numbers.
pub(crate) fn signed_sizes(values: &[isize]) -> Array {
    values
        .iter()
        .map(|&v| JsValue::from_f64(v as f64))
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
/// The elements are freed by `free()` (or when the object is garbage
/// collected); after `free()` every method throws.
#[wasm_bindgen]
pub struct WasmArray {
    id: u32,
}

impl Drop for WasmArray {
    fn drop(&mut self) {
        let id = self.id;
        let _ = with_store(|s| {
            s.remove(id);
            Ok(())
        });
    }
}

impl WasmArray {
    /// Stores `entry` and wraps its handle.
    pub(crate) fn adopt(entry: Entry) -> JsResult<WasmArray> {
        let id = with_store(|s| s.insert(entry))?;
        Ok(WasmArray { id })
    }

    fn read<R>(&self, f: impl FnOnce(&Entry) -> R) -> JsResult<R> {
        with_store(|s| s.get(self.id).map(f))
    }
}

fn parse_shape(shape: &JsValue) -> JsResult<(Vec<usize>, usize)> {
    let shape = args::uint_list(shape, "shape")?;
    let n = count(&shape)?;
    Ok((shape, n))
}

#[wasm_bindgen]
impl WasmArray {
    /// A zero-filled array of `dtype` and `shape` in WebAssembly memory.
    ///
    /// Throws `invalid argument` for an unknown dtype or a shape that is not
    /// an array of non-negative integers, and `allocation` when memory runs out.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DType")] dtype: JsValue,
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
    /// element count.
    #[wasm_bindgen(js_name = fromTypedArray)]
    pub fn from_typed_array(
        #[wasm_bindgen(unchecked_param_type = "DType")] dtype: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] shape: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TypedArray | number[]")] values: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let dtype = JsDType::parse(&dtype, "dtype")?;
        let (shape, n) = parse_shape(&shape)?;
        let typed = if args::is_array(&values) {
            let numbers = args::array(&values, "values")?
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_f64().ok_or_else(|| {
                        invalid(format!("values[{i}] must be a number, got {}", describe(v)))
                    })
                })
                .collect::<JsResult<Vec<f64>>>()?;
            // Converted by the typed-array constructor, as `new Int16Array(values)` would.
            dtype.typed_from_array(&js_sys::Float64Array::from(&numbers[..]))
        } else {
            match JsDType::of_typed_array(&values) {
                Some(d) if d.same_elements(dtype) => values,
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
            return Err(error(
                ErrorKind::BufferSize,
                format!("shape {shape:?} holds {n} elements but {len} values were given"),
            ));
        }
        let buf = match input(&typed, "values")? {
            // A view of another WasmArray: copied inside wasm memory, so the
            // allocation cannot detach it halfway.
            Input::Wasm(part) => with_store(|s| s.get(part.id)?.buf.part(&part.range)?.to_buf())?,
            Input::Typed(_, typed) => copy_in(dtype, &typed)?,
        };
        WasmArray::adopt(Entry { dtype, shape, buf })
    }

    /// The dtype name, such as `'uint8clamped'`.
    #[wasm_bindgen(getter, unchecked_return_type = "DType")]
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
        self.read(|e| e.buf.addr())
    }

    /// A typed array of the dtype's class (`Uint8ClampedArray` for
    /// `'uint8clamped'`) viewing the elements in WebAssembly memory: writes
    /// through it change the array, without a copy.
    ///
    /// Created afresh on every access: an allocation in WebAssembly may grow
    /// the memory, which detaches every view made before (its `length`
    /// becomes 0). Do not keep it across calls that allocate.
    #[wasm_bindgen(getter, unchecked_return_type = "TypedArray")]
    pub fn data(&self) -> Result<JsValue, JsValue> {
        let (dtype, addr, len) = self.read(|e| (e.dtype, e.buf.addr(), e.buf.len()))?;
        Ok(memory_view(dtype, addr, len))
    }

    /// A copy of the elements in a new JavaScript-owned typed array of the
    /// dtype's class, unaffected by memory growth and by `free()`.
    #[wasm_bindgen(js_name = toArray, unchecked_return_type = "TypedArray")]
    pub fn to_array(&self) -> Result<JsValue, JsValue> {
        let (dtype, addr, len) = self.read(|e| (e.dtype, e.buf.addr(), e.buf.len()))?;
        memory_view(dtype, addr, len)
            .unchecked_ref::<AnyTypedArray>()
            .slice_copy()
            .map_err(|e| invalid(format!("copying out failed: {}", describe(&e))))
    }

    /// The store handle, read by functions that accept a `WasmArray` or a
    /// typed array (internal).
    #[wasm_bindgen(getter, js_name = "__patchHandle", skip_typescript)]
    pub fn handle(&self) -> u32 {
        self.id
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
