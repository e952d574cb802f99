//! `PatchView`: a patch geometry over arrays of one dtype, and the copies
//! it makes (extract, fold).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object};
use patch_core::{
    Affine, AxisRole, Convention, ErrorKind, PadMode, Padding, PatchOrder, Plan, Reduce, c_strides,
};
use wasm_bindgen::prelude::*;

use crate::args::{self, describe, get};
use crate::array::{WasmArray, check_dtype, signed_sizes, sizes};
use crate::check::{self, ConventionName, ReduceName, WindowArg};
use crate::convert;
use crate::copy::{extract_into, fold_into, require_float};
use crate::dtype::JsDType;
use crate::error::{JsResult, OrThrow, error, invalid, to_js};
use crate::fill;
use crate::input::{Input, input, wasm_input, with_input, with_into};
use crate::pixels;
use crate::store::{Entry, with_store, written};
use crate::summary;

const OPTION_KEYS: &[&str] = &[
    "shape", "dtype", "axes", "strides", "offset", "padding", "layout",
];
const PADDING_KEYS: &[&str] = &["convention", "pads", "mode"];
const WINDOW_KEYS: &[&str] = &["role", "size", "step", "dilation"];

/// Parses one entry of `options.axes` (the rules: `check::role`).
fn parse_role(value: &JsValue, i: usize) -> JsResult<AxisRole> {
    let what = format!("options.axes[{i}]");
    let obj = args::object(value, &what, WINDOW_KEYS)?;
    let roles = ["window", "whole", "batch"];
    let role = get(&obj, "role")?;
    let Some(name) = role.as_string() else {
        return Err(to_js(&check::choice_error(
            &format!("{what}.role"),
            &roles,
            &describe(&role),
        )));
    };
    // The name is checked before any other key is read.
    check::choice(&name, &format!("{what}.role"), &roles).js()?;
    let mut given = [false; 3];
    for (key, g) in ["size", "step", "dilation"].into_iter().zip(&mut given) {
        *g = !get(&obj, key)?.is_undefined();
    }
    if let Some(role) = check::role(&name, &what, given).js()? {
        return Ok(role);
    }
    let size = args::uint(&get(&obj, "size")?, &format!("{what}.size"))?;
    let step = args::uint_or(&get(&obj, "step")?, &format!("{what}.step"), 1)?;
    let dilation = args::uint_or(&get(&obj, "dilation")?, &format!("{what}.dilation"), 1)?;
    Ok(AxisRole::window(size, step, dilation))
}

/// Parses `options.padding` (absent: no padding; the rules:
/// `check::padding_kind`).
fn parse_padding(value: &JsValue) -> JsResult<Padding> {
    let Some(obj) = args::options(value, "options.padding", PADDING_KEYS)? else {
        return Ok(Padding::valid());
    };
    let pads = get(&obj, "pads")?;
    let convention = args::name_or_absent(
        &get(&obj, "convention")?,
        "options.padding.convention",
        &["valid", "same", "cover", "explicit"],
    )?;
    // The convention's name is checked before the mode is read.
    if let Some(name) = &convention {
        check::choice(
            name,
            "options.padding.convention",
            &["valid", "same", "cover", "explicit"],
        )
        .js()?;
    }
    let mode = args::name_or_absent(
        &get(&obj, "mode")?,
        "options.padding.mode",
        &["constant", "reflect", "symmetric", "edge", "wrap"],
    )?;
    let (convention, mode) =
        check::padding_kind(convention.as_deref(), mode.as_deref(), !pads.is_undefined()).js()?;
    let convention = match convention {
        ConventionName::Valid => Convention::Valid,
        ConventionName::Same => Convention::Same,
        ConventionName::Cover => Convention::Cover,
        ConventionName::Explicit => {
            let out = args::axis_list(&pads, "options.padding.pads", |i, pair| {
                let what = format!("options.padding.pads[{i}]");
                let n = args::array_len(pair, &what)?;
                if n != 2 {
                    return Err(invalid(format!(
                        "{what} must be a [lo, hi] pair, got {n} numbers"
                    )));
                }
                let pair = args::uint_list(pair, &what)?;
                Ok((pair[0], pair[1]))
            })?;
            Convention::Explicit(out)
        }
    };
    Ok(Padding { convention, mode })
}

/// Parses the constructor options into a dtype and a checked plan
/// (`check::view_plan`).
fn parse_options(value: &JsValue) -> JsResult<(JsDType, Plan)> {
    let obj = args::object(value, "PatchView options", OPTION_KEYS)?;
    let layout = get(&obj, "layout")?;
    let (shape, strides, offset) = if layout.is_undefined() {
        let shape = args::uint_list(&get(&obj, "shape")?, "options.shape")?;
        let strides = get(&obj, "strides")?;
        let strides = if strides.is_undefined() {
            c_strides(&shape).js()?
        } else {
            args::int_list(&strides, "options.strides")?
        };
        let offset = args::uint_or(&get(&obj, "offset")?, "options.offset", 0)?;
        (shape, strides, offset)
    } else {
        for key in ["shape", "strides", "offset"] {
            if !get(&obj, key)?.is_undefined() {
                return Err(invalid(format!(
                    "options.{key} cannot be given with options.layout, which sets the shape, strides and offset"
                )));
            }
        }
        let p = pixels::parse(&layout, "options.layout")?;
        (p.shape, p.strides, p.offset)
    };
    let dtype = JsDType::parse(&get(&obj, "dtype")?, "options.dtype")?;
    let roles = args::axis_list(&get(&obj, "axes")?, "options.axes", |i, a| parse_role(a, i))?;
    let padding = parse_padding(&get(&obj, "padding")?)?;
    let plan = check::view_plan(
        &shape,
        Some(&strides),
        offset,
        dtype.itemsize(),
        roles,
        &padding,
    )
    .js()?;
    Ok((dtype, plan))
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

/// The checked options of one copy (`extract`, `extractInto`).
pub(crate) struct CopyOptions {
    pub(crate) order: PatchOrder,
    pub(crate) fill: Option<f64>,
    /// The destination's dtype.
    pub(crate) dtype: JsDType,
    pub(crate) affine: Option<Affine>,
}

/// Parses the options of `extract` and `extractInto`: `{ order, fill,
/// dtype, normalize }`, for a view of `dtype` elements whose padding reads
/// `mode` and whose patches have shape `inner`.
fn parse_extract(
    opts: &JsValue,
    dtype: JsDType,
    mode: PadMode,
    inner: &[usize],
) -> JsResult<CopyOptions> {
    let Some(o) = args::options(opts, "opts", &["order", "fill", "dtype", "normalize"])? else {
        return Ok(CopyOptions {
            order: PatchOrder::PatchMajor,
            fill: None,
            dtype,
            affine: None,
        });
    };
    let order = parse_order(&o)?;
    let (fill, to, normalize) = (get(&o, "fill")?, get(&o, "dtype")?, get(&o, "normalize")?);
    let affine = convert::parse_normalize(&normalize, inner)?;
    let to = convert::parse_dtype(&to, dtype, affine.is_some())?;
    Ok(CopyOptions {
        order,
        fill: fill::parse(&fill, "opts.fill", to, mode)?,
        dtype: to,
        affine,
    })
}

/// Refuses a destination that does not hold the copy's `dtype` elements.
fn check_dst(dtype: JsDType, given: JsDType) -> JsResult<()> {
    if dtype.accepts(given) {
        Ok(())
    } else {
        Err(error(
            ErrorKind::UnsupportedDtype,
            format!(
                "dst holds {} but the copy writes {} (opts.dtype)",
                given.name(),
                dtype.name()
            ),
        ))
    }
}

/// Parses the fold options into an order and a reduction; `max_window` is
/// the largest window size, the most weights a list may hold (the rules:
/// `check::reduce_name` and `check::reduce`).
fn parse_fold(opts: &JsValue, max_window: usize) -> JsResult<(PatchOrder, Reduce)> {
    let Some(obj) = args::options(opts, "opts", &["reduce", "window", "sigmaScale", "order"])?
    else {
        return Ok((PatchOrder::PatchMajor, Reduce::Mean));
    };
    let order = parse_order(&obj)?;
    let reduce = get(&obj, "reduce")?;
    let window = get(&obj, "window")?;
    let sigma = get(&obj, "sigmaScale")?;
    let reduce = args::name_or_absent(
        &reduce,
        "opts.reduce",
        &["sum", "mean", "weighted", "overwrite"],
    )?;
    let name = check::reduce_name(reduce.as_deref(), !window.is_undefined()).js()?;
    let window = if name != ReduceName::Weighted || window.is_undefined() {
        WindowArg::Absent
    } else if args::is_array(&window) {
        let limit = format!("largest window size ({max_window})");
        let lists = args::axis_list(&window, "opts.window", |i, list| {
            let what = format!("opts.window[{i}]");
            args::array_items(list, &what, max_window, &limit, |j, w| {
                args::number(w, &format!("{what}[{j}]"))
            })
        })?;
        WindowArg::Lists(lists)
    } else {
        match window.as_string() {
            Some(n) => WindowArg::Name(n),
            None => return Err(to_js(&check::window_error(&describe(&window)))),
        }
    };
    // The width is read for the Gaussian only (with another window it is
    // refused, whatever it is).
    let gaussian = matches!(&window, WindowArg::Name(n) if n == "gaussian");
    let sigma_value = if gaussian && !sigma.is_undefined() {
        Some(args::number(&sigma, "opts.sigmaScale")?)
    } else {
        None
    };
    let reduce = check::reduce(name, window, !sigma.is_undefined(), sigma_value).js()?;
    Ok((order, reduce))
}

/// What a `PatchView` holds until `free()`.
struct State {
    plan: Plan,
    dtype: JsDType,
}

fn view_freed() -> JsValue {
    invalid("the PatchView was freed")
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
///
/// `free()` releases the plan at once, also from inside one of the view's
/// own methods (a getter of an options object that frees the view): that
/// call then throws `invalid argument: the PatchView was freed`, as every
/// member does afterwards; `free()` again does nothing.
#[wasm_bindgen]
pub struct PatchView {
    /// The plan, shared with a method that is running while `free()`
    /// drops the view's own reference (so the method can finish).
    state: RefCell<Option<Rc<State>>>,
}

impl PatchView {
    /// The view's state, or an error once it was freed.
    fn state(&self) -> JsResult<Rc<State>> {
        self.state
            .try_borrow()
            .ok()
            .and_then(|s| s.clone())
            .ok_or_else(view_freed)
    }

    fn with<R>(&self, f: impl FnOnce(&State) -> JsResult<R>) -> JsResult<R> {
        f(&*self.state()?)
    }

    fn plan_get<R>(&self, f: impl FnOnce(&Plan) -> R) -> JsResult<R> {
        self.with(|s| Ok(f(&s.plan)))
    }

    /// The dtype and padding mode, which the options of a copy are checked
    /// against (read before the options, which may run JavaScript).
    fn kind(&self) -> JsResult<(JsDType, PadMode, Vec<usize>)> {
        self.with(|s| {
            Ok((
                s.dtype,
                s.plan.padding().mode,
                s.plan.inner_shape().to_vec(),
            ))
        })
    }
}

#[wasm_bindgen]
impl PatchView {
    /// Plans patches over arrays described by `options` (see
    /// `PatchViewOptions`). Throws on invalid options (`invalid argument`,
    /// naming the option) and on impossible geometry (`rank mismatch`,
    /// `window too large`, `zero step`, `out of bounds` for strides that
    /// reach before the start of the buffer, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "PatchViewOptions<D> | PixelPatchViewOptions<D>")]
        options: JsValue,
    ) -> Result<PatchView, JsValue> {
        let (dtype, plan) = parse_options(&options)?;
        Ok(PatchView {
            state: RefCell::new(Some(Rc::new(State { plan, dtype }))),
        })
    }

    /// Shape of the patch array: the outer axes (each batch axis, then each
    /// window axis's grid count) followed by the inner axes (each window
    /// size and whole-axis length), in input order.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn shape(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| sizes(p.shape()))
    }

    /// Byte strides of the patch view over the input buffer (numpy's
    /// convention). Throws `not a view` when padding or Cover makes the
    /// patches inexpressible as strides.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn strides(&self) -> Result<Array, JsValue> {
        self.with(|s| Ok(signed_sizes(s.plan.view_byte_strides().js()?)))
    }

    /// Element strides of the patch view (DLPack's convention); throws
    /// `not a view` like `strides`.
    #[wasm_bindgen(getter, js_name = elementStrides, unchecked_return_type = "number[]")]
    pub fn element_strides(&self) -> Result<Array, JsValue> {
        self.with(|s| Ok(signed_sizes(s.plan.view_strides().js()?)))
    }

    /// Element offset of the input's first element in its buffer.
    #[wasm_bindgen(getter)]
    pub fn offset(&self) -> Result<usize, JsValue> {
        self.plan_get(|p| p.layout().offset())
    }

    /// Bytes per element.
    #[wasm_bindgen(getter)]
    pub fn itemsize(&self) -> Result<usize, JsValue> {
        self.plan_get(|p| p.layout().itemsize())
    }

    /// Number of axes of the patch array.
    #[wasm_bindgen(getter)]
    pub fn ndim(&self) -> Result<usize, JsValue> {
        self.plan_get(Plan::ndim)
    }

    /// The dtype the view was made for.
    #[wasm_bindgen(getter, unchecked_return_type = "D")]
    pub fn dtype(&self) -> Result<String, JsValue> {
        self.with(|s| Ok(s.dtype.name().to_string()))
    }

    /// The input shape.
    #[wasm_bindgen(getter, js_name = inputShape, unchecked_return_type = "number[]")]
    pub fn input_shape(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| sizes(p.layout().shape()))
    }

    /// The input element strides.
    #[wasm_bindgen(getter, js_name = inputStrides, unchecked_return_type = "number[]")]
    pub fn input_strides(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| signed_sizes(p.layout().strides()))
    }

    /// Number of patches (product of `outerShape`).
    #[wasm_bindgen(getter, js_name = numPatches)]
    pub fn num_patches(&self) -> Result<usize, JsValue> {
        self.plan_get(Plan::num_patches)
    }

    /// Elements per patch (product of `innerShape`).
    #[wasm_bindgen(getter, js_name = patchLen)]
    pub fn patch_len(&self) -> Result<usize, JsValue> {
        self.plan_get(Plan::patch_len)
    }

    /// The outer axes: each batch axis and each window axis's grid count.
    #[wasm_bindgen(getter, js_name = outerShape, unchecked_return_type = "number[]")]
    pub fn outer_shape(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| sizes(p.outer_shape()))
    }

    /// The inner axes: the shape of one patch.
    #[wasm_bindgen(getter, js_name = innerShape, unchecked_return_type = "number[]")]
    pub fn inner_shape(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| sizes(p.inner_shape()))
    }

    /// Number of windows along every window axis, in input order.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn grid(&self) -> Result<Array, JsValue> {
        self.plan_get(|p| sizes(p.grid()))
    }

    /// Whether the patches are a strided view of the input (no padding is
    /// read and no window was shifted by Cover).
    #[wasm_bindgen(getter, js_name = isView)]
    pub fn is_view(&self) -> Result<bool, JsValue> {
        self.plan_get(Plan::is_view)
    }

    /// Bytes of input memory the patches read from.
    #[wasm_bindgen(getter, js_name = spanBytes)]
    pub fn span_bytes(&self) -> Result<usize, JsValue> {
        self.plan_get(Plan::span_bytes)
    }

    /// Bytes of an extracted copy (`numPatches * patchLen * itemsize`).
    #[wasm_bindgen(getter, js_name = copyBytes)]
    pub fn copy_bytes(&self) -> Result<usize, JsValue> {
        self.plan_get(Plan::copy_bytes)
    }

    /// Elements of the input one patch spans along every input axis:
    /// `dilation * (size - 1) + 1` for a window axis, the length for a whole
    /// axis, 1 for a batch axis (patch-core's `AxisPlan::extent`). With
    /// `patchOrigin(k)` it gives the box of input coordinates patch `k`
    /// reads: `origin[a] <= x < origin[a] + extents[a]`.
    #[wasm_bindgen(getter, unchecked_return_type = "number[]")]
    pub fn extents(&self) -> Result<Array, JsValue> {
        let extents = self.plan_get(|p| p.axes().iter().map(|a| a.extent()).collect::<Vec<_>>())?;
        Ok(sizes(&extents))
    }

    /// The weights a weighted `fold` with `opts` (a `FoldOptions` with
    /// `reduce: 'weighted'` or a `window`) gives each position of a window:
    /// one list per input axis (the window's size for a window axis, empty
    /// for the other axes), patch-core's `Plan::window_weights`. The weight
    /// of a window at inner position `(r, s, ...)` is the product of the
    /// lists' entries; the fold divides by the sum of those products over
    /// the windows covering an element. Throws `invalid argument` for the
    /// reductions without weights.
    #[wasm_bindgen(js_name = windowWeights, unchecked_return_type = "number[][]")]
    pub fn window_weights(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FoldOptions")] opts: JsValue,
    ) -> Result<Array, JsValue> {
        let max_window = self.plan_get(max_window)?;
        let (_, reduce) = parse_fold(&opts, max_window)?;
        let Reduce::Weighted(f) = reduce else {
            return Err(invalid(
                "windowWeights needs the options of a weighted fold (reduce 'weighted' or a window)",
            ));
        };
        self.with(|s| {
            Ok(s.plan
                .window_weights(&f)
                .js()?
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|&w| JsValue::from_f64(w))
                        .collect::<Array>()
                })
                .collect())
        })
    }

    /// Input coordinates of the first element of patch `k`, one per input
    /// axis; negative inside padding. Throws `out of bounds` for
    /// `k >= numPatches` and `invalid argument` for a `k` that is not a
    /// non-negative integer number (`'1'`, `true`, `null`, `1n` included).
    #[wasm_bindgen(js_name = patchOrigin, unchecked_return_type = "number[]")]
    pub fn patch_origin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] k: JsValue,
    ) -> Result<Array, JsValue> {
        let k = args::uint(&k, "patch index k")?;
        self.with(|s| Ok(signed_sizes(&s.plan.patch_origin(k).js()?)))
    }

    /// Byte offset of the first element of patch `k` from the start of the
    /// input buffer (views only: throws `not a view` otherwise).
    #[wasm_bindgen(js_name = patchOffset)]
    pub fn patch_offset(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] k: JsValue,
    ) -> Result<usize, JsValue> {
        let k = args::uint(&k, "patch index k")?;
        self.with(|s| s.plan.patch_byte_offset(k).js())
    }

    /// Whether patch `k` reads any padding.
    #[wasm_bindgen(js_name = touchesPadding)]
    pub fn touches_padding(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] k: JsValue,
    ) -> Result<bool, JsValue> {
        let k = args::uint(&k, "patch index k")?;
        self.with(|s| s.plan.touches_padding(k).js())
    }

    /// Every number of the plan as a plain object with camelCase keys
    /// (nested ones too), `null` for absent values: patch-core's
    /// `PlanSummary`. See the `PlanSummary` type.
    #[wasm_bindgen(unchecked_return_type = "PlanSummary")]
    pub fn plan(&self) -> Result<JsValue, JsValue> {
        self.with(|s| summary::to_js(&s.plan))
    }

    /// Copies every patch of `src` (a `WasmArray` of the view's dtype whose
    /// buffer the layout fits) into a new `WasmArray` of shape
    /// `[numPatches, patchLen]` (patch-major, the default) or `[patchLen,
    /// numPatches]` (feature-major), padding as planned; constant padding
    /// reads `opts.fill` (default 0, in the destination's dtype). The copy
    /// happens inside WebAssembly memory, and converts in the same pass:
    /// `opts.dtype` (`'float32'`, `'float64'`, `'float16'`, `'bfloat16'`,
    /// or the view's dtype, the default) and `opts.normalize` (`{ rescale,
    /// mean, std }` or `{ scale, shift }`, per element or per index of one
    /// patch axis; with it the dtype defaults to `'float32'`).
    #[wasm_bindgen(unchecked_return_type = "WasmArray<CopyDType<D, O>>")]
    pub fn extract(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WasmArray<SameElements<D>>")] src: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "O")] opts: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let (dtype, mode, inner) = self.kind()?;
        let copy = parse_extract(&opts, dtype, mode, &inner)?;
        let src = wasm_input(&src, "src")?;
        let state = self.state()?;
        let plan = &state.plan;
        let buf = with_store(|s| {
            let src = s.src(&src)?;
            check_dtype(dtype, src.dtype, "src")?;
            written(copy.dtype, plan.copy_len(), |out| {
                extract_into(plan, src, out, copy.order, copy.fill, copy.affine.as_ref())
            })
        })?;
        WasmArray::adopt(Entry {
            dtype: copy.dtype,
            shape: plan.copy_shape(copy.order).to_vec(),
            buf,
        })
    }

    /// Copies every patch of `src` into `dst`: a `WasmArray` (written in
    /// place in WebAssembly memory, any shape; a range of `src`'s own array
    /// that does not overlap the range read is fine) or a JavaScript typed
    /// array of the destination dtype's class (one copy out of WebAssembly
    /// memory; a `Uint16Array` of bits for float16 and bfloat16), holding
    /// exactly `numPatches * patchLen` elements of the destination's dtype
    /// (`opts.dtype`, as for `extract`). Nothing is written on failure.
    #[wasm_bindgen(js_name = extractInto)]
    pub fn extract_into(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WasmArray<SameElements<D>>")] src: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "WasmArray<SameElements<CopyDType<D, O>>> | TypedArrayOf<SameElements<CopyDType<D, O>>>"
        )]
        dst: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "O")] opts: JsValue,
    ) -> Result<(), JsValue> {
        let (dtype, mode, inner) = self.kind()?;
        let copy = parse_extract(&opts, dtype, mode, &inner)?;
        let src = Input::Wasm(wasm_input(&src, "src")?);
        let dst = match input(&dst, "dst")? {
            // A typed array of the destination's class (16-bit float bits
            // in a Uint16Array too), staged as the destination's dtype.
            Input::Typed(d, v) => {
                check_dst(copy.dtype, d)?;
                Input::Typed(copy.dtype, v)
            }
            wasm => wasm,
        };
        let state = self.state()?;
        with_into(src, dst, &mut |src, dst| {
            check_dtype(dtype, src.dtype, "src")?;
            check_dst(copy.dtype, dst.dtype)?;
            extract_into(
                &state.plan,
                src,
                dst,
                copy.order,
                copy.fill,
                copy.affine.as_ref(),
            )
        })
    }

    /// Folds `patches` (laid out as `extract` makes them, in `opts.order`)
    /// back into a new `WasmArray` of the input's shape and the patches'
    /// float dtype: `reduce` `'mean'` (default; exact wherever windows
    /// cover), `'sum'`, `'weighted'` (with `window` `'hann'` (default) or
    /// `'gaussian'` (`sigmaScale`, default 0.125), or one array of weights
    /// per window axis) or `'overwrite'`. Elements in padding are dropped;
    /// elements no window covers are 0. `patches` is a `WasmArray` (read in
    /// place) or a `Float32Array`/`Float64Array` (copied in).
    #[wasm_bindgen(unchecked_return_type = "WasmArray<FloatDType>")]
    pub fn fold(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array"
        )]
        patches: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FoldOptions")] opts: JsValue,
    ) -> Result<WasmArray, JsValue> {
        let max_window = self.plan_get(max_window)?;
        let (order, reduce) = parse_fold(&opts, max_window)?;
        let patches = input(&patches, "patches")?;
        let state = self.state()?;
        let plan = &state.plan;
        let entry = with_input(patches, |src| {
            let dtype = src.dtype;
            require_float(dtype, "fold", "patches")?;
            let n = plan.layout().num_elements();
            Ok(Entry {
                dtype,
                shape: plan.layout().shape().to_vec(),
                buf: written(dtype, n, |out| fold_into(plan, src, out, order, &reduce))?,
            })
        })?;
        WasmArray::adopt(entry)
    }

    /// Folds `patches` like `fold` into `out`: a float `WasmArray` (written
    /// in place) or a `Float32Array`/`Float64Array` (one copy out) of the
    /// patches' dtype holding exactly the input's element count, which is
    /// overwritten. Nothing is written on failure.
    #[wasm_bindgen(js_name = foldInto)]
    pub fn fold_into(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array"
        )]
        patches: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "WasmArray<FloatDType> | Float32Array | Float64Array"
        )]
        out: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FoldOptions")] opts: JsValue,
    ) -> Result<(), JsValue> {
        let max_window = self.plan_get(max_window)?;
        let (order, reduce) = parse_fold(&opts, max_window)?;
        let patches = input(&patches, "patches")?;
        let out = input(&out, "out")?;
        let state = self.state()?;
        with_into(patches, out, &mut |src, dst| {
            fold_into(&state.plan, src, dst, order, &reduce)
        })
    }

    /// Releases the plan now (without waiting for the garbage collector).
    /// Afterwards every member throws `invalid argument: the PatchView was
    /// freed`; calling `free()` again does nothing. Called from inside one
    /// of the view's own methods (a getter of its options), it makes that
    /// call throw the same error once the getter returns.
    pub fn free(&self) {
        if let Ok(mut s) = self.state.try_borrow_mut() {
            s.take();
        }
    }
}

/// The largest window size of a plan (0 without window axes).
fn max_window(plan: &Plan) -> usize {
    plan.axes()
        .iter()
        .filter_map(|a| a.window().map(|w| w.size))
        .max()
        .unwrap_or(0)
}
