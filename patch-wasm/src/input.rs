//! Array arguments: recognising a genuine `WasmArray`, a typed array that
//! views one, or a typed array in JavaScript memory, and running a copy
//! between any two of them.
//!
//! # Which objects are `WasmArray`s
//!
//! A `WasmArray` object made by this module is wasm-bindgen's wrapper: an
//! instance of the `WasmArray` class whose `__wbg_ptr` is the address of
//! the Rust `WasmArray` (a [`Handle`]: slot, generation and a check word)
//! that wasm-bindgen boxed for it. An argument is taken as a `WasmArray`
//! only when it is an instance of that class **and** the 12 bytes at that
//! address, read through JavaScript (so no address, however forged, is ever
//! dereferenced by Rust), are a consistent handle of a live array of the
//! store. A plain object with a `__patchHandle` or `__wbg_ptr` key, an
//! object made with `Object.create(WasmArray.prototype)` (with or without a
//! forged `__wbg_ptr`) is therefore refused, and a freed array is reported
//! as freed. (What the platform cannot prevent: a transparent Proxy of a
//! live array, or an impostor carrying a copy of a live array's
//! `__wbg_ptr`, is that same live array, exactly as wasm-bindgen's own
//! methods treat it; it never reaches another array or freed memory.)
//!
//! Where wasm-bindgen puts the handle inside its box is measured once, on
//! a probe array, by finding the probe's bytes (see [`Class::measure`]);
//! the class's prototype comes from the same probe.

use std::cell::OnceCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::args::{self, describe};
use crate::array::WasmArray;
use crate::buf::Buf;
use crate::dtype::JsDType;
use crate::error::{JsResult, invalid};
use crate::memory::{AnyTypedArray, copy_in, copy_out, is_memory_buffer, read_u32s, typed_len};
use crate::num;
use crate::store::{Dst, Handle, Part, Src, freed, with_store};

#[wasm_bindgen]
extern "C" {
    /// `Object.prototype.isPrototypeOf.call(proto, value)`, exceptions
    /// caught (a Proxy's `getPrototypeOf` trap may throw).
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "isPrototypeOf"], js_name = call, catch)]
    fn is_prototype_of(proto: &Object, value: &JsValue) -> Result<bool, JsValue>;
}

/// What identifies the `WasmArray` class: its prototype, and where the
/// handle lies from the address wasm-bindgen keeps in `__wbg_ptr`.
struct Class {
    prototype: Object,
    offset: f64,
}

/// The handle of the probe: slot `u32::MAX` is never handed out (the store
/// counts slots below it) and generation `"PATC"` marks it.
const PROBE: Handle = Handle {
    slot: u32::MAX,
    generation: 0x4354_4150,
    check: 0,
};

/// How far past `__wbg_ptr` the handle is searched for (wasm-bindgen boxes
/// it in an `Rc<WasmRefCell<_>>`: a borrow flag, then the value).
const SEARCH_BYTES: u32 = 64;

impl Class {
    /// Makes a probe `WasmArray` wrapper and finds its handle's bytes.
    fn measure() -> JsResult<Class> {
        let broken = || {
            invalid(
                "patch-wasm cannot recognise its own WasmArray objects (wasm-bindgen's object layout is not the expected one)",
            )
        };
        let probe = JsValue::from(WasmArray::probe(PROBE));
        let prototype: Object = Reflect::get_prototype_of(&probe)
            .map_err(|_| broken())?
            .unchecked_into();
        let ptr = Reflect::get(&probe, &JsValue::from_str("__wbg_ptr"))
            .ok()
            .and_then(|p| p.as_f64())
            .ok_or_else(broken)?;
        let offset = (0..SEARCH_BYTES / 4)
            .map(|i| f64::from(i * 4))
            .find(|&off| read_u32s(ptr + off) == Some([PROBE.slot, PROBE.generation]))
            .ok_or_else(broken)?;
        Ok(Class { prototype, offset })
    }

    /// The handle that `value`, an instance of the class, claims: the three
    /// `u32`s at its `__wbg_ptr` plus the measured offset, or `None` when
    /// `__wbg_ptr` is not the address of a readable, consistent handle.
    fn claimed(&self, value: &JsValue, what: &str) -> JsResult<Option<Handle>> {
        let ptr = Reflect::get(value, &JsValue::from_str("__wbg_ptr"))
            .map_err(|e| invalid(format!("reading {what} threw {}", describe(&e))))?;
        let Some(ptr) = ptr.as_f64().filter(|p| *p > 0.0) else {
            return Ok(None);
        };
        Ok(read_u32s(ptr + self.offset)
            .map(|[slot, generation, check]| Handle {
                slot,
                generation,
                check,
            })
            .filter(Handle::is_consistent))
    }
}

thread_local! {
    static CLASS: OnceCell<Class> = const { OnceCell::new() };
}

/// If `value` is an instance of the `WasmArray` class, the live array it
/// is (an error when it was freed or is not one this module made);
/// `Ok(None)` for any other value.
fn wasm_array(value: &JsValue, what: &str) -> JsResult<Option<Handle>> {
    if !value.is_object() || args::is_revoked_proxy(value) {
        return Ok(None);
    }
    let claimed = CLASS.with(|c| -> JsResult<Option<Option<Handle>>> {
        let class = match c.get() {
            Some(class) => class,
            None => {
                let class = Class::measure()?;
                c.get_or_init(|| class)
            }
        };
        let is_instance = is_prototype_of(&class.prototype, value)
            .map_err(|e| invalid(format!("reading {what} threw {}", describe(&e))))?;
        if !is_instance {
            return Ok(None);
        }
        class.claimed(value, what).map(Some)
    })?;
    let Some(claimed) = claimed else {
        return Ok(None);
    };
    let not_ours = || {
        invalid(format!(
            "{what} is not a WasmArray made by patch-wasm (it only inherits from WasmArray.prototype)"
        ))
    };
    let handle = claimed.ok_or_else(not_ours)?;
    with_store(|s| {
        if s.is_live(handle) {
            Ok(Some(handle))
        } else if s.has_slot(handle) {
            Err(freed())
        } else {
            Err(not_ours())
        }
    })
}

/// An argument that may be a `WasmArray` or a typed array.
pub(crate) enum Input {
    /// A `WasmArray`, or a typed array viewing the elements of one (read
    /// and written in place, never copied).
    Wasm(Part),
    /// A typed array of one of the nine classes in JavaScript memory.
    Typed(JsDType, JsValue),
}

impl Input {
    /// The argument's dtype.
    pub(crate) fn dtype(&self) -> JsResult<JsDType> {
        match self {
            Input::Wasm(part) => with_store(|s| Ok(s.src(part)?.dtype)),
            Input::Typed(dtype, _) => Ok(*dtype),
        }
    }
}

/// If the typed array `value` views wasm memory, the stored array it views
/// (or an error when no live `WasmArray` of its element type owns the range).
fn wasm_view(value: &JsValue, dtype: JsDType, what: &str) -> JsResult<Option<Part>> {
    let t = value.unchecked_ref::<AnyTypedArray>();
    let thrown = |e: JsValue| invalid(format!("reading {what} threw {}", describe(&e)));
    let buffer = t.typed_buffer().map_err(thrown)?;
    if !is_memory_buffer(&buffer) {
        return Ok(None);
    }
    let addr = t.typed_byte_offset().map_err(thrown)?;
    let len = typed_len(value)?;
    // The byte offset of a view of wasm memory is an integer below 2^32.
    let addr = num::exact::<usize>(addr).ok_or_else(|| {
        invalid(format!(
            "{what} reported the byte offset {}",
            describe(&JsValue::from_f64(addr))
        ))
    })?;
    with_store(|s| Ok(s.find(addr, len, dtype)))?
        .map(Some)
        .ok_or_else(|| {
            invalid(format!(
                "{what} is a {} over WebAssembly memory that no live WasmArray of its element type owns",
                dtype.class_name()
            ))
        })
}

/// Sorts an argument into a `WasmArray` or a typed array; `what` names it.
pub(crate) fn input(value: &JsValue, what: &str) -> JsResult<Input> {
    if let Some(handle) = wasm_array(value, what)? {
        return Ok(Input::Wasm(Part {
            handle,
            range: None,
        }));
    }
    if let Some(dtype) = JsDType::of_typed_array(value) {
        if let Some(part) = wasm_view(value, dtype, what)? {
            return Ok(Input::Wasm(part));
        }
        return Ok(Input::Typed(dtype, value.clone()));
    }
    Err(invalid(format!(
        "{what} must be a WasmArray or a typed array, got {}",
        describe(value)
    )))
}

/// A `WasmArray` argument, or a typed array viewing one's elements
/// (typed arrays in JavaScript memory are refused).
pub(crate) fn wasm_input(value: &JsValue, what: &str) -> JsResult<Part> {
    if let Some(handle) = wasm_array(value, what)? {
        return Ok(Part {
            handle,
            range: None,
        });
    }
    match JsDType::of_typed_array(value) {
        Some(dtype) => wasm_view(value, dtype, what)?.ok_or_else(|| {
            invalid(format!(
                "{what} must be a WasmArray, got a {} (copy it in with WasmArray.fromTypedArray)",
                dtype.class_name()
            ))
        }),
        None => Err(invalid(format!(
            "{what} must be a WasmArray, got {}",
            describe(value)
        ))),
    }
}

/// A source ready for a copy: a stored array (or range), or a typed array
/// from JavaScript memory copied in.
enum Source {
    Stored(Part),
    Copied(JsDType, Buf),
}

impl Source {
    /// Copies a typed array in (which runs JavaScript and allocates: done
    /// before the store is borrowed).
    fn new(input: Input) -> JsResult<Source> {
        Ok(match input {
            Input::Wasm(part) => Source::Stored(part),
            Input::Typed(dtype, v) => Source::Copied(dtype, copy_in(dtype, &v)?),
        })
    }

    /// The elements of a copied-in source, as 1-D.
    fn copied(dtype: JsDType, buf: &Buf) -> JsResult<Src<'_>> {
        Ok(Src {
            dtype,
            shape: vec![buf.len()].into(),
            elements: buf.part(&None)?,
        })
    }
}

/// Runs `f` on the elements of an array argument: a `WasmArray` (or a
/// typed array viewing one, as 1-D) is read in place, a typed array in
/// JavaScript memory is first copied into wasm memory (as a 1-D array).
pub(crate) fn with_input<R>(input: Input, f: impl FnOnce(Src<'_>) -> JsResult<R>) -> JsResult<R> {
    match Source::new(input)? {
        Source::Stored(part) => with_store(|s| f(s.src(&part)?)),
        Source::Copied(dtype, buf) => f(Source::copied(dtype, &buf)?),
    }
}

/// Runs `f`, which writes `dst` from `src`, on any two array arguments:
/// `WasmArray`s (or typed arrays viewing them) are used in place (two
/// different arrays, or disjoint ranges of one), a source typed array in
/// JavaScript memory is copied in first, and a destination typed array in
/// JavaScript memory gets the result in one copy out once `f` succeeded,
/// so nothing is written to it on failure.
///
/// `f` is taken as a trait object so that this function (the staging and
/// copying around every `*Into` call) is compiled once, not per caller.
pub(crate) fn with_into(
    src: Input,
    dst: Input,
    f: &mut dyn FnMut(Src<'_>, Dst<'_>) -> JsResult<()>,
) -> JsResult<()> {
    let src = Source::new(src)?;
    let mut dst = match dst {
        Input::Wasm(part) => Target::Stored(part),
        Input::Typed(dtype, out) => {
            Target::Staged(dtype, Buf::zeroed(dtype, typed_len(&out)?)?, out)
        }
    };
    with_store(|s| match (&src, &mut dst) {
        (Source::Stored(a), Target::Stored(b)) => s.pair(a, b, f),
        (Source::Stored(a), Target::Staged(dtype, buf, _)) => f(s.src(a)?, Dst::of(*dtype, buf)?),
        (Source::Copied(d, a), Target::Stored(b)) => f(Source::copied(*d, a)?, s.dst(b)?),
        (Source::Copied(d, a), Target::Staged(dtype, buf, _)) => {
            f(Source::copied(*d, a)?, Dst::of(*dtype, buf)?)
        }
    })?;
    match &dst {
        Target::Staged(dtype, buf, out) => copy_out(*dtype, buf, out),
        Target::Stored(_) => Ok(()),
    }
}

/// A destination: a stored array (or range), or a buffer staged in wasm
/// memory for a typed array in JavaScript memory.
enum Target {
    Stored(Part),
    Staged(JsDType, Buf, JsValue),
}
