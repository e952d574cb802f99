//! `PatchView`: a patch geometry over arrays of one dtype, and the copies
//! it makes (extract, fold).

use js_sys::{Array, Object};
use std::borrow::Cow;

use js_sys::Reflect;
use patch_core::{
    AxisRole, Convention, ErrorKind, ExtractOptions, FloatElement, Layout, PadMode, Padding,
    PatchOrder, PatchSpec, Plan, Reduce, WindowFn, c_strides,
};
use wasm_bindgen::prelude::*;

use crate::args::{self, describe, get};
use crate::array::{
    Buf, BufRef, Entry, Input, Stored, WasmArray, check_dtype, copy_out, each_ref, input, part,
    part_mut, signed_sizes, sizes, typed_len, wasm_input, with_input, with_store, zeroed,
};
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error, invalid};
use crate::fill::FromNumber;

const OPTION_KEYS: &[&str] = &["shape", "dtype", "axes", "strides", "offset", "padding"];
const PADDING_KEYS: &[&str] = &["convention", "pads", "mode", "value"];
const WINDOW_KEYS: &[&str] = &["role", "size", "step", "dilation"];

/// Parses one entry of `options.axes`.
fn parse_role(value: &JsValue, i: usize) -> JsResult<AxisRole> {
    let what = format!("options.axes[{i}]");
    let obj = args::object(value, &what, WINDOW_KEYS)?;
    let role = args::choice(
        &get(&obj, "role")?,
        &format!("{what}.role"),
        &["window", "whole", "batch"],
    )?;
    if role != "window" {
        for key in ["size", "step", "dilation"] {
            if !get(&obj, key)?.is_undefined() {
                return Err(invalid(format!(
                    "{what}.{key} is only used with role 'window', not '{role}'"
                )));
            }
        }
        return Ok(if role == "whole" {
            AxisRole::Whole
        } else {
            AxisRole::Batch
        });
    }
    let size = args::uint(&get(&obj, "size")?, &format!("{what}.size"))?;
    let step = args::uint_or(&get(&obj, "step")?, &format!("{what}.step"), 1)?;
    let dilation = args::uint_or(&get(&obj, "dilation")?, &format!("{what}.dilation"), 1)?;
    Ok(AxisRole::window(size, step, dilation))
}

/// Parses `options.padding` (absent: no padding) into the padding and the
/// fill value of constant padding (`value`, default 0), which the copies
/// take.
fn parse_padding(value: &JsValue) -> JsResult<(Padding, f64)> {
    let Some(obj) = args::options(value, "options.padding", PADDING_KEYS)? else {
        return Ok((Padding::valid(), 0.0));
    };
    let pads = get(&obj, "pads")?;
    let convention = get(&obj, "convention")?;
    let convention = if convention.is_undefined() {
        if pads.is_undefined() {
            "valid"
        } else {
            "explicit"
        }
    } else {
        args::choice(
            &convention,
            "options.padding.convention",
            &["valid", "same", "cover", "explicit"],
        )?
    };
    let mode_v = get(&obj, "mode")?;
    let mode = if mode_v.is_undefined() {
        "constant"
    } else {
        args::choice(
            &mode_v,
            "options.padding.mode",
            &["constant", "reflect", "symmetric", "edge", "wrap"],
        )?
    };
    let value = get(&obj, "value")?;
    let fill = if value.is_undefined() {
        0.0
    } else if mode == "constant" {
        args::number(&value, "options.padding.value")?
    } else {
        0.0
    };
    let mode = match mode {
        "constant" => PadMode::Constant,
        other => {
            if !value.is_undefined() {
                return Err(invalid(format!(
                    "options.padding.value is only used with mode 'constant', not '{other}'"
                )));
            }
            match other {
                "reflect" => PadMode::Reflect,
                "symmetric" => PadMode::Symmetric,
                "edge" => PadMode::Edge,
                _ => PadMode::Wrap,
            }
        }
    };
    if convention != "explicit" && !pads.is_undefined() {
        return Err(invalid(format!(
            "options.padding.pads is only used with convention 'explicit', not '{convention}'"
        )));
    }
    let convention = match convention {
        "valid" => Convention::Valid,
        "same" => Convention::Same,
        "cover" => Convention::Cover,
        _ => {
            if pads.is_undefined() {
                return Err(invalid(
                    "options.padding.pads is required with convention 'explicit': one [lo, hi] pair per window axis",
                ));
            }
            let list = args::array(&pads, "options.padding.pads")?;
            let mut out = Vec::with_capacity(list.len());
            for (i, pair) in list.iter().enumerate() {
                let what = format!("options.padding.pads[{i}]");
                let pair = args::uint_list(pair, &what)?;
                let [lo, hi] = pair[..] else {
                    return Err(invalid(format!(
                        "{what} must be a [lo, hi] pair, got {} numbers",
                        pair.len()
                    )));
                };
                out.push((lo, hi));
            }
            Convention::Explicit(out)
        }
    };
    Ok((Padding { convention, mode }, fill))
}

/// Parses the constructor options into a dtype, a checked plan and the fill
/// value of constant padding.
fn parse_options(value: &JsValue) -> JsResult<(JsDType, Plan, f64)> {
    let obj = args::object(value, "PatchView options", OPTION_KEYS)?;
    let shape = args::uint_list(&get(&obj, "shape")?, "options.shape")?;
    let dtype = JsDType::parse(&get(&obj, "dtype")?, "options.dtype")?;
    let roles = args::array(&get(&obj, "axes")?, "options.axes")?
        .iter()
        .enumerate()
        .map(|(i, a)| parse_role(a, i))
        .collect::<JsResult<Vec<_>>>()?;
    let strides = get(&obj, "strides")?;
    let strides = if strides.is_undefined() {
        c_strides(&shape).js()?
    } else {
        args::int_list(&strides, "options.strides")?
    };
    let offset = args::uint_or(&get(&obj, "offset")?, "options.offset", 0)?;
    let (padding, fill) = parse_padding(&get(&obj, "padding")?)?;
    let layout = Layout::new(&shape, &strides, offset, dtype.itemsize()).js()?;
    let plan = Plan::new(&layout, &PatchSpec::new(roles), &padding).js()?;
    Ok((dtype, plan, fill))
}

/// Parses `{ order }` (default patch-major).
fn parse_order(obj: &Object) -> JsResult<PatchOrder> {
    let order = get(obj, "order")?;
    if order.is_undefined() {
        return Ok(PatchOrder::PatchMajor);
    }
    Ok(
        match args::choice(&order, "opts.order", &["patch-major", "feature-major"])? {
            "patch-major" => PatchOrder::PatchMajor,
            _ => PatchOrder::FeatureMajor,
        },
    )
}

fn order_only(opts: &JsValue) -> JsResult<PatchOrder> {
    match args::options(opts, "opts", &["order"])? {
        Some(o) => parse_order(&o),
        None => Ok(PatchOrder::PatchMajor),
    }
}

/// Parses the fold options into an order and a reduction.
fn parse_fold(opts: &JsValue) -> JsResult<(PatchOrder, Reduce)> {
    let Some(obj) = args::options(opts, "opts", &["reduce", "window", "sigmaScale", "order"])?
    else {
        return Ok((PatchOrder::PatchMajor, Reduce::Mean));
    };
    let order = parse_order(&obj)?;
    let reduce = get(&obj, "reduce")?;
    let window = get(&obj, "window")?;
    let sigma = get(&obj, "sigmaScale")?;
    let reduce = if reduce.is_undefined() {
        if window.is_undefined() {
            "mean"
        } else {
            "weighted"
        }
    } else {
        args::choice(
            &reduce,
            "opts.reduce",
            &["sum", "mean", "weighted", "overwrite"],
        )?
    };
    if reduce != "weighted" && !window.is_undefined() {
        return Err(invalid(format!(
            "opts.window is only used with reduce 'weighted', not '{reduce}'"
        )));
    }
    let window = if reduce != "weighted" {
        None
    } else if window.is_undefined() {
        Some(WindowFn::Hann)
    } else if args::is_array(&window) {
        let lists = args::array(&window, "opts.window")?
            .iter()
            .enumerate()
            .map(|(i, list)| {
                args::array(list, &format!("opts.window[{i}]"))?
                    .iter()
                    .enumerate()
                    .map(|(j, w)| args::number(w, &format!("opts.window[{i}][{j}]")))
                    .collect::<JsResult<Vec<f64>>>()
            })
            .collect::<JsResult<Vec<_>>>()?;
        Some(WindowFn::PerAxis(lists))
    } else {
        Some(
            match args::choice(&window, "opts.window", &["hann", "gaussian"]).map_err(|_| {
                invalid(format!(
                    "opts.window must be 'hann', 'gaussian' or one array of weights per window axis, got {}",
                    describe(&window)
                ))
            })? {
                "hann" => WindowFn::Hann,
                _ => WindowFn::Gaussian {
                    sigma_scale: if sigma.is_undefined() {
                        0.125
                    } else {
                        args::number(&sigma, "opts.sigmaScale")?
                    },
                },
            },
        )
    };
    if !sigma.is_undefined() && !matches!(window, Some(WindowFn::Gaussian { .. })) {
        return Err(invalid(
            "opts.sigmaScale is only used with window 'gaussian'",
        ));
    }
    let reduce = match (reduce, window) {
        ("sum", _) => Reduce::Sum,
        ("mean", _) => Reduce::Mean,
        ("overwrite", _) => Reduce::Overwrite,
        (_, w) => Reduce::Weighted(w.unwrap_or(WindowFn::Hann)),
    };
    Ok((order, reduce))
}

/// Copies the patches of `src` into `dst` of the same element type, constant
/// padding reading `fill` converted to that type.
fn extract_slice<T: FromNumber>(
    plan: &Plan,
    src: &[T],
    dst: &mut [T],
    order: PatchOrder,
    fill: f64,
) -> JsResult<()> {
    let opts = ExtractOptions::new()
        .order(order)
        .fill(T::from_number(fill));
    plan.extract_into_with(src, dst, &opts).js()
}

/// Copies the patches of `src` into a new buffer of the same element type.
fn extract(plan: &Plan, src: BufRef<'_>, order: PatchOrder, fill: f64) -> JsResult<Buf> {
    fn go<T: FromNumber + Stored>(
        plan: &Plan,
        src: &[T],
        order: PatchOrder,
        fill: f64,
    ) -> JsResult<Buf> {
        let mut out = zeroed(plan.copy_len())?;
        extract_slice(plan, src, &mut out, order, fill)?;
        Ok(T::wrap(out))
    }
    each_ref!(src, v => go(plan, v, order, fill))
}

/// Folds float patches into a new buffer of the input's element count
/// (through the plan's geometry for elements of `T`: the view's dtype may
/// be an integer type).
fn fold_vec<T: FloatElement + Stored>(
    plan: &Plan,
    patches: &[T],
    order: PatchOrder,
    reduce: &Reduce,
) -> JsResult<Buf> {
    let plan = if plan.layout().itemsize() == size_of::<T>() {
        Cow::Borrowed(plan)
    } else {
        Cow::Owned(plan.with_itemsize(size_of::<T>()).js()?)
    };
    let mut out = zeroed(plan.layout().num_elements())?;
    plan.fold_into(patches, &mut out, order, reduce).js()?;
    Ok(T::wrap(out))
}

/// A patch geometry: how an array of a given shape, strides and dtype is
/// cut into patches (windows, tiles, frames), with every count and stride
/// computed and checked once.
///
/// ```js
/// const view = new PatchView({
///   shape: [224, 224, 3], dtype: 'uint8',
///   axes: [{ role: 'window', size: 16, step: 16 },
///          { role: 'window', size: 16, step: 16 },
///          { role: 'whole' }],
/// });
/// view.shape;       // [14, 14, 16, 16, 3]
/// view.strides;     // [10752, 48, 672, 3, 1]  (bytes)
/// const tokens = view.extract(image); // WasmArray [196, 768]
/// ```
///
/// Every method checks its arguments before it computes and throws an
/// `Error` named `PatchError` (message `"<kind>: <details>"`, property
/// `kind`) on bad input; the object stays usable afterwards.
#[wasm_bindgen]
pub struct PatchView {
    plan: Plan,
    dtype: JsDType,
    /// `padding.value`: what constant padding reads, converted to the dtype
    /// by each copy.
    fill: f64,
}

#[wasm_bindgen]
impl PatchView {
    /// Plans patches over arrays described by `options` (see
    /// `PatchViewOptions`). Throws on invalid options (`invalid argument`,
    /// naming the option) and on impossible geometry (`rank mismatch`,
    /// `window too large`, `zero step`, `out of bounds`, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PatchViewOptions")] options: JsValue,
    ) -> Result<PatchView, JsValue> {
        let (dtype, plan, fill) = parse_options(&options)?;
        Ok(PatchView { plan, dtype, fill })
    }

    /// Shape of the patch array: the outer axes (each batch axis, then each
    /// window axis's grid count) followed by the inner axes (each window
    /// size and whole-axis length), in input order.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn shape(&self) -> Array {
        sizes(self.plan.shape())
    }

    /// Byte strides of the patch view over the input buffer (numpy's
    /// convention). Throws `not a view` when padding or Cover makes the
    /// patches inexpressible as strides.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn strides(&self) -> Result<Array, JsValue> {
        Ok(signed_sizes(self.plan.view_byte_strides().js()?))
    }

    /// Element strides of the patch view (DLPack's convention); throws
    /// `not a view` like `strides`.
    #[wasm_bindgen(getter, js_name = elementStrides, unchecked_return_type = "number[]")]
    pub fn element_strides(&self) -> Result<Array, JsValue> {
        Ok(signed_sizes(self.plan.view_strides().js()?))
    }

    /// Element offset of the input's first element in its buffer.
    #[wasm_bindgen(getter)]
    pub fn offset(&self) -> usize {
        self.plan.layout().offset()
    }

    /// Bytes per element.
    #[wasm_bindgen(getter)]
    pub fn itemsize(&self) -> usize {
        self.plan.layout().itemsize()
    }

    /// Number of axes of the patch array.
    #[wasm_bindgen(getter)]
    pub fn ndim(&self) -> usize {
        self.plan.ndim()
    }

    /// The dtype the view was made for.
    #[wasm_bindgen(getter, unchecked_return_type = "DType")]
    pub fn dtype(&self) -> String {
        self.dtype.name().to_string()
    }

    /// The input shape.
    #[wasm_bindgen(getter, js_name = inputShape, unchecked_return_type = "number[]")]
    pub fn input_shape(&self) -> Array {
        sizes(self.plan.layout().shape())
    }

    /// The input element strides.
    #[wasm_bindgen(getter, js_name = inputStrides, unchecked_return_type = "number[]")]
    pub fn input_strides(&self) -> Array {
        signed_sizes(self.plan.layout().strides())
    }

    /// Number of patches (product of `outerShape`).
    #[wasm_bindgen(getter, js_name = numPatches)]
    pub fn num_patches(&self) -> usize {
        self.plan.num_patches()
    }

    /// Elements per patch (product of `innerShape`).
    #[wasm_bindgen(getter, js_name = patchLen)]
    pub fn patch_len(&self) -> usize {
        self.plan.patch_len()
    }

    /// The outer axes: each batch axis and each window axis's grid count.
    #[wasm_bindgen(getter, js_name = outerShape, unchecked_return_type = "number[]")]
    pub fn outer_shape(&self) -> Array {
        sizes(self.plan.outer_shape())
    }

    /// The inner axes: the shape of one patch.
    #[wasm_bindgen(getter, js_name = innerShape, unchecked_return_type = "number[]")]
    pub fn inner_shape(&self) -> Array {
        sizes(self.plan.inner_shape())
    }

    /// Number of windows along every window axis, in input order.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn grid(&self) -> Array {
        sizes(self.plan.grid())
    }

    /// Whether the patches are a strided view of the input (no padding is
    /// read and no window was shifted by Cover).
    #[wasm_bindgen(getter, js_name = isView)]
    pub fn is_view(&self) -> bool {
        self.plan.is_view()
    }

    /// Bytes of input memory the patches read from.
    #[wasm_bindgen(getter, js_name = spanBytes)]
    pub fn span_bytes(&self) -> usize {
        self.plan.span_bytes()
    }

    /// Bytes of an extracted copy (`numPatches * patchLen * itemsize`).
    #[wasm_bindgen(getter, js_name = copyBytes)]
    pub fn copy_bytes(&self) -> usize {
        self.plan.copy_bytes()
    }

    /// Input coordinates of the first element of patch `k`, one per input
    /// axis; negative inside padding. Throws `out of bounds` for
    /// `k >= numPatches`.
    #[wasm_bindgen(js_name = patchOrigin, unchecked_return_type = "number[]")]
    pub fn patch_origin(&self, k: f64) -> Result<Array, JsValue> {
        let k = args::uint_arg(k, "patch index k")?;
        Ok(signed_sizes(&self.plan.patch_origin(k).js()?))
    }

    /// Byte offset of the first element of patch `k` from the start of the
    /// input buffer (views only: throws `not a view` otherwise).
    #[wasm_bindgen(js_name = patchOffset)]
    pub fn patch_offset(&self, k: f64) -> Result<usize, JsValue> {
        let k = args::uint_arg(k, "patch index k")?;
        self.plan.patch_byte_offset(k).js()
    }

    /// Whether patch `k` reads any padding.
    #[wasm_bindgen(js_name = touchesPadding)]
    pub fn touches_padding(&self, k: f64) -> Result<bool, JsValue> {
        let k = args::uint_arg(k, "patch index k")?;
        self.plan.touches_padding(k).js()
    }

    /// Every number of the plan as a plain object: patch-core's
    /// `PlanSummary` JSON (snake_case keys, `null` for absent values), with
    /// `padding.value` (the fill value of mode `'constant'`, which the
    /// engine's plan does not carry) added as the options gave it.
    #[wasm_bindgen(unchecked_return_type = "PlanSummary")]
    pub fn plan(&self) -> Result<JsValue, JsValue> {
        use serde::Serialize as _;
        let summary = self
            .plan
            .summary()
            .js()?
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| invalid(format!("cannot convert the plan: {e}")))?;
        if self.plan.padding().mode == PadMode::Constant {
            let padding = Reflect::get(&summary, &"padding".into())?;
            Reflect::set(&padding, &"value".into(), &self.fill.into())?;
        }
        Ok(summary)
    }

    /// Copies every patch of `src` (a `WasmArray` of the view's dtype whose
    /// buffer the layout fits) into a new `WasmArray` of shape
    /// `[numPatches, patchLen]` (patch-major, the default) or
    /// `[patchLen, numPatches]` (feature-major), padding as planned. The
    /// copy happens inside WebAssembly memory.
    pub fn extract(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WasmArray")] src: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ExtractOptions")] opts: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let order = order_only(&opts)?;
        let src = wasm_input(&src, "src")?;
        let entry = with_store(|s| {
            let e = s.get(src.id)?;
            check_dtype(self.dtype, e.dtype, "src")?;
            Ok(Entry {
                dtype: e.dtype,
                shape: self.plan.copy_shape(order).to_vec(),
                buf: extract(&self.plan, e.buf.part(&src.range)?, order, self.fill)?,
            })
        })?;
        WasmArray::adopt(entry)
    }

    /// Copies every patch of `src` into `dst`: a `WasmArray` (written in
    /// place in WebAssembly memory, any shape) or a JavaScript typed array
    /// of the dtype's class (one copy out of WebAssembly memory), holding
    /// exactly `numPatches * patchLen` elements.
    #[wasm_bindgen(js_name = extractInto)]
    pub fn extract_into(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WasmArray")] src: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WasmArray | TypedArray")] dst: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ExtractOptions")] opts: JsValue,
    ) -> Result<(), JsValue> {
        let order = order_only(&opts)?;
        let src = wasm_input(&src, "src")?;
        let plan = &self.plan;
        match input(&dst, "dst")? {
            Input::Wasm(dst) => with_store(|s| {
                let (a, b) = s.pair(src.id, dst.id)?;
                check_dtype(self.dtype, a.dtype, "src")?;
                check_dtype(self.dtype, b.dtype, "dst")?;
                macro_rules! copy {
                    ($($var:ident),*) => {
                        match (&a.buf, &mut b.buf) {
                            $((Buf::$var(x), Buf::$var(y)) => extract_slice(
                                plan,
                                part(x, &src.range)?,
                                part_mut(y, &dst.range)?,
                                order,
                                self.fill,
                            ),)*
                            _ => Err(error(ErrorKind::UnsupportedDtype, "src and dst hold different element types")),
                        }
                    };
                }
                copy!(U8, I8, U16, I16, U32, I32, F32, F64)
            }),
            Input::Typed(dtype, dst) => {
                // Read the length before borrowing the store: JavaScript runs.
                let n = typed_len(&dst)?;
                let (src_dtype, buf) = with_store(|s| {
                    let e = s.get(src.id)?;
                    check_dtype(self.dtype, e.dtype, "src")?;
                    check_dtype(self.dtype, dtype, "dst")?;
                    if n != plan.copy_len() {
                        return Err(error(
                            ErrorKind::BufferSize,
                            format!(
                                "the destination holds {n} elements but {} patches of {} elements need {}",
                                plan.num_patches(),
                                plan.patch_len(),
                                plan.copy_len()
                            ),
                        ));
                    }
                    Ok((
                        e.dtype,
                        extract(plan, e.buf.part(&src.range)?, order, self.fill)?,
                    ))
                })?;
                copy_out(src_dtype, &buf, &dst)
            }
        }
    }

    /// Folds `patches` (laid out as `extract` makes them, in `opts.order`)
    /// back into a new `WasmArray` of the input's shape and the patches'
    /// float dtype: `reduce` `'mean'` (default; exact wherever windows
    /// cover), `'sum'`, `'weighted'` (with `window` `'hann'` (default) or
    /// `'gaussian'` (`sigmaScale`, default 0.125), or one array of weights
    /// per window axis) or `'overwrite'`. Elements in padding are dropped;
    /// elements no window covers are 0. `patches` is a `WasmArray` (read in
    /// place) or a `Float32Array`/`Float64Array` (copied in).
    pub fn fold(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WasmArray | Float32Array | Float64Array")]
        patches: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FoldOptions")] opts: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let (order, reduce) = parse_fold(&opts)?;
        let plan = &self.plan;
        let entry = with_input(&patches, "patches", |dtype, _, buf| {
            let buf = match buf {
                BufRef::F32(v) => fold_vec(plan, v, order, &reduce)?,
                BufRef::F64(v) => fold_vec(plan, v, order, &reduce)?,
                _ => {
                    return Err(error(
                        ErrorKind::UnsupportedDtype,
                        format!(
                            "fold needs float32 or float64 patches, got {}",
                            dtype.name()
                        ),
                    ));
                }
            };
            Ok(Entry {
                dtype,
                shape: plan.layout().shape().to_vec(),
                buf,
            })
        })?;
        WasmArray::adopt(entry)
    }
}
