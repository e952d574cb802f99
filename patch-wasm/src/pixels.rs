//! Named pixel layouts: the shape, element strides and offset of the
//! usual ways to look at interleaved pixels (RGBA from a canvas, packed
//! RGB), so that nobody works strides out by hand.
//!
//! A name reads `<buffer>-<axes>` (the buffer's own channels) or
//! `<buffer>-as-<channels>-<axes>`: `'rgba-as-rgb-chw'` is an RGBA buffer
//! (4 bytes a pixel, as `ImageData` holds it) seen as 3 channels (alpha
//! dropped) with the channel axis first: shape `[3, H, W]`, strides
//! `[1, 4W, 4]`. BGR is the same with a negative channel stride from
//! the third byte (offset 2). No element is copied: a layout is a view,
//! and `PatchView.extract` gathers through it.
//!
//! Used by `PatchView`'s `layout` option and by `pixelLayout()`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::args::{self, get};
use crate::array::{signed_sizes, sizes};
use crate::error::OrThrow;
use crate::error::{JsResult, error, invalid};
use patch_core::{ErrorKind, Layout, PixelFormat};

/// The layout names, in the order the error message lists them.
pub(crate) const NAMES: &[&str] = &[
    "rgba-hwc",
    "rgba-chw",
    "rgba-as-rgb-hwc",
    "rgba-as-rgb-chw",
    "rgba-as-bgr-hwc",
    "rgba-as-bgr-chw",
    "bgra-as-rgb-hwc",
    "bgra-as-rgb-chw",
    "rgb-hwc",
    "rgb-chw",
    "rgb-as-bgr-hwc",
    "rgb-as-bgr-chw",
    "bgr-as-rgb-hwc",
    "bgr-as-rgb-chw",
];

const LAYOUT_KEYS: &[&str] = &["name", "height", "width", "batch"];

/// A layout in element units: shape, strides and offset.
pub(crate) struct Pixels {
    pub(crate) shape: Vec<usize>,
    pub(crate) strides: Vec<isize>,
    pub(crate) offset: usize,
}

fn overflow(what: &str) -> JsValue {
    error(
        ErrorKind::Overflow,
        format!("the {what} of the pixel layout overflows wasm32's isize"),
    )
}

fn to_isize(v: usize, what: &str) -> JsResult<isize> {
    isize::try_from(v).map_err(|_| overflow(what))
}

/// The layout `name` of `batch` images (`None`: one image, no batch axis)
/// of `height` x `width` pixels, stacked one after the other. The RGB
/// views (alpha dropped, BGR reversed) are patch-core's
/// `Layout::pixels_hwc`/`pixels_chw`; `'rgba-hwc'` and `'rgba-chw'` keep
/// the four channels.
pub(crate) fn layout(
    name: &str,
    height: usize,
    width: usize,
    batch: Option<usize>,
) -> JsResult<Pixels> {
    let chw = name.ends_with("-chw");
    // The buffer's pixel format as patch-core names it, read as RGB.
    let format = match name.trim_end_matches("-hwc").trim_end_matches("-chw") {
        "rgba-as-rgb" => Some(PixelFormat::Rgba),
        "rgba-as-bgr" | "bgra-as-rgb" => Some(PixelFormat::Bgra),
        "rgb" => Some(PixelFormat::Rgb),
        "rgb-as-bgr" | "bgr-as-rgb" => Some(PixelFormat::Bgr),
        _ => None,
    };
    let layout = match format {
        Some(f) if chw => Layout::pixels_chw::<u8>(f, height, width),
        Some(f) => Layout::pixels_hwc::<u8>(f, height, width),
        // RGBA with its alpha: plain HWC, or its CHW view.
        None if chw => {
            let row = width.checked_mul(4).ok_or_else(|| overflow("row length"))?;
            Layout::new(
                &[4, height, width],
                &[1, to_isize(row, "row length")?, 4],
                0,
                1,
            )
        }
        None => Layout::contiguous(&[height, width, 4], 1),
    }
    .js()?;
    let per_pixel: usize = if name.starts_with("rgba") || name.starts_with("bgra") {
        4
    } else {
        3
    };
    let (mut shape, mut strides) = (layout.shape().to_vec(), layout.strides().to_vec());
    if let Some(n) = batch {
        let image = height
            .checked_mul(width)
            .and_then(|p| p.checked_mul(per_pixel))
            .ok_or_else(|| overflow("image length"))?;
        shape.insert(0, n);
        strides.insert(0, to_isize(image, "image length")?);
    }
    Ok(Pixels {
        shape,
        strides,
        offset: layout.offset(),
    })
}

/// Parses `options.layout` (`what`): `{ name, height, width, batch? }`.
pub(crate) fn parse(value: &JsValue, what: &str) -> JsResult<Pixels> {
    let obj = args::object(value, what, LAYOUT_KEYS)?;
    let name = args::choice(&get(&obj, "name")?, &format!("{what}.name"), NAMES)?;
    let height = args::uint(&get(&obj, "height")?, &format!("{what}.height"))?;
    let width = args::uint(&get(&obj, "width")?, &format!("{what}.width"))?;
    let batch = get(&obj, "batch")?;
    let batch = if batch.is_undefined() {
        None
    } else {
        Some(args::uint(&batch, &format!("{what}.batch"))?)
    };
    layout(name, height, width, batch)
}

fn set(obj: &Object, key: &str, value: &JsValue) -> JsResult<()> {
    Reflect::set(obj, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| invalid("cannot build the layout object"))
}

/// The shape, element strides and element offset of a named pixel
/// layout, as the keys `shape`, `strides` and `offset` of
/// `PatchViewOptions` take them: `pixelLayout('rgba-as-rgb-chw', 224,
/// 224)` is `{ shape: [3, 224, 224], strides: [1, 896, 4], offset: 0 }`.
/// With `batch`, a leading batch axis over images stored one after the
/// other. `new PatchView({ layout: { name, height, width }, ... })` takes
/// the same in one key.
#[wasm_bindgen(js_name = pixelLayout, unchecked_return_type = "PixelLayoutNumbers")]
pub fn pixel_layout(
    #[wasm_bindgen(unchecked_param_type = "PixelLayoutName")] name: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] batch: JsValue,
) -> Result<JsValue, JsValue> {
    let name = args::choice(&name, "name", NAMES)?;
    let height = args::uint(&height, "height")?;
    let width = args::uint(&width, "width")?;
    let batch = if batch.is_undefined() {
        None
    } else {
        Some(args::uint(&batch, "batch")?)
    };
    let p = layout(name, height, width, batch)?;
    let obj = Object::new();
    set(&obj, "shape", &sizes(&p.shape))?;
    set(&obj, "strides", &signed_sizes(&p.strides))?;
    set(
        &obj,
        "offset",
        &JsValue::from_f64(crate::num::from_usize(p.offset)),
    )?;
    Ok(obj.into())
}
