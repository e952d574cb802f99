//! Image sources straight into WebAssembly memory: `WasmArray.fromImage`
//! (synchronous, every source) and `WasmArray.fromImageAsync` (one copy
//! through `VideoFrame.copyTo` where the platform has `VideoFrame`).
//!
//! The result is always a `WasmArray<'uint8clamped'>` of shape
//! `[height, width, 4]` (RGBA, 8 bits a channel, not premultiplied, sRGB):
//! what `ImageData` holds, so `new ImageData(arr.data, w, h)` shows it, and
//! a `PatchView` of dtype `'uint8'` or `'uint8clamped'` reads it.
//!
//! Copies of pixel bytes for each source (besides the zero-fill of the new
//! array):
//!
//! | source | `fromImage` | `fromImageAsync` |
//! |---|---|---|
//! | `ImageData` (or `{ data: Uint8ClampedArray, width, height }`) | 1 (`set` into wasm memory) | 1 (the same) |
//! | `HTMLCanvasElement`/`OffscreenCanvas` with a 2d context | 2 (`getImageData`, `set`) | 1 (`VideoFrame` over the canvas, `copyTo`) |
//! | `ImageBitmap`, `HTMLImageElement`, `HTMLVideoElement`, a WebGL canvas | 3 (`drawImage` on a scratch `OffscreenCanvas`, `getImageData`, `set`) | 1 (`VideoFrame`, `copyTo`) |
//! | `VideoFrame` | 3 (as above) | 1 (`copyTo` with `format: 'RGBA'`) |
//!
//! `copyTo` writes straight into the new array's bytes in wasm memory.
//! Its promise may settle later: if wasm memory grew meanwhile (another
//! patch-wasm allocation), the view it was given is detached and the
//! promise rejects; nothing else is at risk.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8ClampedArray};
use patch_core::ErrorKind;
use wasm_bindgen::prelude::*;

use crate::args::{self, describe, get};
use crate::array::{WasmArray, count};
use crate::buf::Buf;
use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};
use crate::memory::{copy_in, memory_view, typed_len};
use crate::store::{Entry, with_store};

#[wasm_bindgen]
extern "C" {
    /// Any object called through its own methods (exceptions caught).
    type Obj;

    #[wasm_bindgen(method, catch, js_name = getContext)]
    fn get_context(this: &Obj, kind: &str, opts: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = getImageData)]
    fn get_image_data(this: &Obj, x: f64, y: f64, w: f64, h: f64) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = drawImage)]
    fn draw_image(this: &Obj, image: &JsValue, x: f64, y: f64) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = copyTo)]
    fn copy_to(this: &Obj, dst: &JsValue, opts: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn close(this: &Obj) -> Result<(), JsValue>;

    /// `promise.then(ok, err)` with functions made by `Closure::once_into_js`.
    #[wasm_bindgen(method, js_name = then)]
    fn then_with(this: &Obj, ok: &JsValue, err: &JsValue) -> Promise;

    /// `Object.prototype.isPrototypeOf.call(proto, value)`, exceptions caught.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "isPrototypeOf"], js_name = call, catch)]
    fn is_prototype_of(proto: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
}

/// What kind of image a source is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `ImageData`, or any object whose `data` is a `Uint8ClampedArray`
    /// of `4 * width * height` bytes.
    ImageData,
    /// A `VideoFrame` (`displayWidth` x `displayHeight`).
    VideoFrame,
    /// An `HTMLCanvasElement` or `OffscreenCanvas`.
    Canvas,
    /// An `ImageBitmap` (`width` x `height`).
    Bitmap,
    /// An `HTMLImageElement` or `SVGImageElement` (`naturalWidth` x `naturalHeight`).
    Image,
    /// An `HTMLVideoElement` (`videoWidth` x `videoHeight`).
    Video,
}

/// The global constructor `name`, if the platform has it.
fn global_class(name: &str) -> Option<JsValue> {
    let c = Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?;
    c.is_function().then_some(c)
}

/// Whether `value` is an instance of the global class `name` (false where
/// the platform lacks it, or asking throws).
fn instance_of(value: &JsValue, name: &str) -> bool {
    let Some(class) = global_class(name) else {
        return false;
    };
    let Ok(proto) = Reflect::get(&class, &JsValue::from_str("prototype")) else {
        return false;
    };
    is_prototype_of(&proto, value).unwrap_or(false)
}

const SOURCES: &str = "an ImageData, ImageBitmap, HTMLCanvasElement, OffscreenCanvas, HTMLImageElement, HTMLVideoElement or VideoFrame";

fn kind(source: &JsValue) -> JsResult<Kind> {
    if !source.is_object() || args::is_revoked_proxy(source) {
        return Err(invalid(format!(
            "source must be {SOURCES}, got {}",
            describe(source)
        )));
    }
    let k = if instance_of(source, "VideoFrame") {
        Kind::VideoFrame
    } else if instance_of(source, "HTMLCanvasElement") || instance_of(source, "OffscreenCanvas") {
        Kind::Canvas
    } else if instance_of(source, "ImageBitmap") {
        Kind::Bitmap
    } else if instance_of(source, "HTMLImageElement") || instance_of(source, "SVGImageElement") {
        Kind::Image
    } else if instance_of(source, "HTMLVideoElement") {
        Kind::Video
    } else if instance_of(source, "ImageData")
        || get(source, "data")?.is_instance_of::<Uint8ClampedArray>()
    {
        Kind::ImageData
    } else if let Some(d) = JsDType::of_typed_array(&get(source, "data")?) {
        return Err(invalid(format!(
            "source.data is a {}: fromImage reads 8-bit RGBA pixels (a Uint8ClampedArray, as ImageData's default pixelFormat 'rgba-unorm8' holds them)",
            d.class_name()
        )));
    } else {
        return Err(invalid(format!(
            "source must be {SOURCES}, got {}",
            describe(source)
        )));
    };
    Ok(k)
}

/// The pixel size of a source: `width` x `height` keys by kind.
fn size(source: &JsValue, kind: Kind) -> JsResult<(usize, usize)> {
    let (w, h, class) = match kind {
        Kind::ImageData => ("width", "height", "ImageData"),
        Kind::VideoFrame => ("displayWidth", "displayHeight", "VideoFrame"),
        Kind::Canvas => ("width", "height", "canvas"),
        Kind::Bitmap => ("width", "height", "ImageBitmap"),
        Kind::Image => ("naturalWidth", "naturalHeight", "image"),
        Kind::Video => ("videoWidth", "videoHeight", "video"),
    };
    let width = args::uint(&get(source, w)?, &format!("source.{w}"))?;
    let height = args::uint(&get(source, h)?, &format!("source.{h}"))?;
    if width == 0 || height == 0 {
        let hint = match kind {
            Kind::Image => " (not loaded yet: await img.decode() first)",
            Kind::Video => " (no frame yet: wait for 'loadeddata')",
            Kind::Bitmap => " (closed?)",
            Kind::VideoFrame => " (closed?)",
            _ => "",
        };
        return Err(error(
            ErrorKind::ZeroSize,
            format!("the {class} is {width}x{height} pixels{hint}"),
        ));
    }
    Ok((width, height))
}

fn thrown(what: &str) -> impl Fn(JsValue) -> JsValue + '_ {
    move |e| invalid(format!("{what} threw {}", describe(&e)))
}

fn num(n: usize) -> f64 {
    crate::num::from_usize(n)
}

/// A `[height, width, 4]` uint8clamped array holding `data` (a
/// `Uint8ClampedArray` of exactly `4 * width * height` bytes).
fn adopt_rgba(width: usize, height: usize, data: &JsValue) -> JsResult<WasmArray> {
    let shape = vec![height, width, 4];
    let n = count(&shape)?;
    let len = typed_len(data)?;
    if len != n {
        return Err(error(
            ErrorKind::BufferSize,
            format!("the image data holds {len} bytes, but {width}x{height} RGBA pixels are {n}"),
        ));
    }
    let buf = copy_in(JsDType::Uint8Clamped, data)?;
    WasmArray::adopt(Entry {
        dtype: JsDType::Uint8Clamped,
        shape,
        buf,
    })
}

/// `ctx.getImageData(0, 0, width, height)`'s bytes into a new array.
fn read_context(ctx: &JsValue, width: usize, height: usize) -> JsResult<WasmArray> {
    let image = ctx
        .unchecked_ref::<Obj>()
        .get_image_data(0.0, 0.0, num(width), num(height))
        .map_err(thrown("getImageData"))?;
    adopt_rgba(width, height, &get(&image, "data")?)
}

/// A new `OffscreenCanvas` of `width` x `height` with a 2d context that
/// `source` is drawn on at (0, 0), returning the context.
fn draw_scratch(source: &JsValue, width: usize, height: usize) -> JsResult<JsValue> {
    let class = global_class("OffscreenCanvas").ok_or_else(|| {
        invalid("this platform has no OffscreenCanvas, which fromImage needs to read this source; pass an ImageData")
    })?;
    let canvas = Reflect::construct(
        class.unchecked_ref::<Function>(),
        &Array::of2(&num(width).into(), &num(height).into()),
    )
    .map_err(thrown("new OffscreenCanvas"))?;
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"willReadFrequently".into(), &JsValue::TRUE);
    let ctx = canvas
        .unchecked_ref::<Obj>()
        .get_context("2d", &opts)
        .map_err(thrown("OffscreenCanvas.getContext('2d')"))?;
    if !ctx.is_object() {
        return Err(invalid("OffscreenCanvas.getContext('2d') gave no context"));
    }
    ctx.unchecked_ref::<Obj>()
        .draw_image(source, 0.0, 0.0)
        .map_err(thrown("drawImage of the source"))?;
    Ok(ctx)
}

/// Copies the pixels of an image source into a new `WasmArray` (see
/// `WasmArray.fromImage`).
pub(crate) fn from_image(source: &JsValue) -> JsResult<WasmArray> {
    let kind = kind(source)?;
    let (width, height) = size(source, kind)?;
    match kind {
        Kind::ImageData => adopt_rgba(width, height, &get(source, "data")?),
        Kind::Canvas => {
            // A canvas that has (or can get) a 2d context is read directly;
            // a WebGL or bitmaprenderer canvas is drawn on a scratch one.
            let ctx = source
                .unchecked_ref::<Obj>()
                .get_context("2d", &JsValue::UNDEFINED)
                .map_err(thrown("getContext('2d')"))?;
            if ctx.is_object() {
                read_context(&ctx, width, height)
            } else {
                read_context(&draw_scratch(source, width, height)?, width, height)
            }
        }
        _ => read_context(&draw_scratch(source, width, height)?, width, height),
    }
}

/// A rejected promise of `err`.
fn rejected(err: JsValue) -> Promise {
    Promise::reject(&err)
}

/// Copies the pixels of an image source into a new `WasmArray` with one
/// copy, through `VideoFrame.copyTo` (see `WasmArray.fromImageAsync`).
pub(crate) fn from_image_async(source: &JsValue) -> Promise {
    match start_async(source) {
        Ok(p) => p,
        Err(e) => rejected(e),
    }
}

fn start_async(source: &JsValue) -> JsResult<Promise> {
    let kind = kind(source)?;
    let Some(frame_class) = global_class("VideoFrame") else {
        // No WebCodecs (Node, older browsers): the synchronous path.
        return Ok(Promise::resolve(&JsValue::from(from_image(source)?)));
    };
    if kind == Kind::ImageData {
        return Ok(Promise::resolve(&JsValue::from(from_image(source)?)));
    }
    let (width, height) = size(source, kind)?;
    // A VideoFrame of our own over other sources (no pixel copy in
    // Chromium: the frame wraps the bitmap or the canvas's snapshot),
    // closed once copied.
    let (frame, owned) = if kind == Kind::VideoFrame {
        (source.clone(), false)
    } else {
        let init = Object::new();
        let _ = Reflect::set(&init, &"timestamp".into(), &JsValue::from_f64(0.0));
        let frame = Reflect::construct(
            frame_class.unchecked_ref::<Function>(),
            &Array::of2(source, &init),
        )
        .map_err(thrown("new VideoFrame(source)"))?;
        (frame, true)
    };
    let shape = vec![height, width, 4];
    let n = count(&shape)?;
    let array = WasmArray::adopt(Entry {
        dtype: JsDType::Uint8Clamped,
        shape,
        buf: Buf::zeroed(JsDType::Uint8Clamped, n)?,
    })?;
    let addr = with_store(|s| Ok(s.viewed(array.handle())?.buf.addr()))?;
    let view = memory_view(JsDType::Uint8Clamped, addr, n);
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"format".into(), &"RGBA".into());
    let _ = Reflect::set(&opts, &"colorSpace".into(), &"srgb".into());
    let copying = frame.unchecked_ref::<Obj>().copy_to(&view, &opts);
    let close = move || {
        if owned {
            let _ = frame.unchecked_ref::<Obj>().close();
        }
    };
    let copying = match copying {
        Ok(p) => p,
        Err(e) => {
            close();
            return Err(thrown("VideoFrame.copyTo")(e));
        }
    };
    let close_err = close.clone();
    let done = Closure::once_into_js(move |_layout: JsValue| -> Result<JsValue, JsValue> {
        close();
        // A detached view (wasm memory grew while copyTo ran) wrote nowhere.
        if typed_len(&view).ok() != Some(n) {
            return Err(error(
                ErrorKind::BufferSize,
                "wasm memory grew while VideoFrame.copyTo was writing the pixels (another patch-wasm call allocated meanwhile): await fromImageAsync before other calls, or use fromImage",
            ));
        }
        Ok(array.into())
    });
    let failed = Closure::once_into_js(move |e: JsValue| -> Result<JsValue, JsValue> {
        close_err();
        Err(thrown("VideoFrame.copyTo")(e))
    });
    Ok(copying.unchecked_ref::<Obj>().then_with(&done, &failed))
}
