//! # patch-wasm: patch-core for JavaScript
//!
//! WebAssembly bindings over [`patch_core`], built by wasm-pack into the npm
//! package `patch-wasm` (an ES module for browsers and a build Node loads
//! directly, sharing one `.wasm`). The crate is a thin translation layer:
//! JavaScript options objects are checked and turned into patch-core's
//! [`patch_core::Layout`], [`patch_core::PatchSpec`] and
//! [`patch_core::Padding`]; every geometry check and every copy is
//! patch-core's.
//!
//! The JavaScript API, documented in `API.md` and in the shipped `.d.ts`:
//!
//! - [`WasmArray`]: an N-d array in WebAssembly memory whose `.data` is a
//!   typed array viewing that memory, made afresh on every access;
//! - [`PatchView`]: a patch geometry from an options object, with its
//!   shape, strides, plan, and `extract`/`extractInto`, `fold`/`foldInto`;
//! - [`frame_signal`] (`frame`), [`frame_into`] (`frameInto`),
//!   [`overlap_add`] (`overlapAdd`) and [`overlap_add_into_js`]
//!   (`overlapAddInto`) for 1-D signals;
//! - [`bench_memcpy`] (`benchMemcpy`): not part of the patch API, the
//!   `memory.copy` baseline of the benchmark suite (`patch-wasm/bench/`).
//!
//! Errors are thrown as JavaScript `Error`s named `PatchError` whose message
//! is patch-core's (`"window too large: window 5 (extent 9 with dilation 2)
//! is larger than axis 1 of length 8"`); every argument, numbers included,
//! is checked before anything is computed (lengths before any element is
//! read), so no input makes the module panic, and objects stay usable after
//! an error.
//!
//! The crate has no `unsafe` code: typed arrays over wasm memory are made
//! from `memory.buffer`, an offset and a length (JavaScript checks the
//! range), element copies in and out go through `TypedArray.set`, and a
//! `WasmArray` argument is recognised by reading its handle through
//! JavaScript, never by dereferencing a pointer it carries.
//!
//! Modules: `args` (options and numbers), `dtype` (the nine dtypes),
//! `buf` (elements by type), `store` (the arrays by handle), `memory`
//! (views of wasm memory), `input` (array arguments), `array`
//! (`WasmArray`), `fill` (the constant of a copy), `copy` (the calls into
//! patch-core's kernels), `view` (`PatchView`), `summary` (`plan()`),
//! `signal` (framing), `bench`.
//!
//! No `as` conversion of a number a caller passes: numbers from JavaScript
//! are checked where they enter (`args`, `memory`) and converted with
//! `try_from`; the cast lints below refuse a lossy `as` anywhere in the
//! crate (patch-ffi denies the same list).

#![deny(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_lossless,
    clippy::as_underscore,
    clippy::fn_to_numeric_cast_any,
    clippy::ptr_as_ptr
)]
#![forbid(unsafe_code)]

mod args;
mod array;
mod bench;
mod buf;
pub mod check;
mod convert;
mod copy;
mod dtype;
mod error;
mod fill;
mod image;
mod input;
mod kinds_ts;
mod memory;
pub mod num;
mod pixels;
mod signal;
mod store;
mod summary;
mod view;

pub use array::WasmArray;
pub use bench::bench_memcpy;
pub use pixels::pixel_layout;
pub use signal::{frame_into, frame_signal, overlap_add, overlap_add_into_js};
pub use view::PatchView;

/// `PatchErrorKind`, generated from patch-core's list of kinds.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_KINDS: &str = kinds_ts::TS_ERROR_KINDS;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/**
 * The element types: every typed-array class except the 64-bit integer
 * ones, and the 16-bit floats ('float16': IEEE half, 'bfloat16': bfloat16).
 */
export type DType =
  | 'uint8' | 'uint8clamped' | 'int8' | 'uint16' | 'int16'
  | 'uint32' | 'int32' | 'float32' | 'float64' | 'float16' | 'bfloat16';

/** The dtypes a copy converts into (from any dtype). */
export type ConvertDType = 'float32' | 'float64' | 'float16' | 'bfloat16';

/** The float dtypes, which folds and overlap-add work in. */
export type FloatDType = 'float32' | 'float64';

/** The typed-array class of each dtype. */
export interface DTypeArrays {
  uint8: Uint8Array;
  uint8clamped: Uint8ClampedArray;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
  /** A `Float16Array` where the engine has one (Chromium 135+, Firefox 129+, Node 24+), else a `Uint16Array` of the bits. */
  float16: Uint16Array | GlobalInstance<'Float16Array'>;
  /** Always a `Uint16Array` of the bits (the upper half of a float32's). */
  bfloat16: Uint16Array;
}

/** The typed-array class of dtype `D` (`Uint8ClampedArray` for `'uint8clamped'`): what arguments may be. */
export type TypedArrayOf<D extends DType> = DTypeArrays[D];

/**
 * What `WasmArray.data` and `toArray()` are: `TypedArrayOf<D>` over an
 * `ArrayBuffer` (written through `slice`'s return type so that it reads
 * `Uint8ClampedArray<ArrayBuffer>` in TypeScript 5.7+, whose typed arrays
 * are generic in their buffer, and `Uint8ClampedArray` before): what
 * `new ImageData(img.data, w, h)` needs.
 */
export type DataOf<D extends DType> = ReturnType<TypedArrayOf<D>['slice']>;

/** A typed array of one of the dtypes' classes. */
export type TypedArray = DTypeArrays[DType];

/** The dtypes that hold the same elements as `D`: `'uint8'` and `'uint8clamped'` hold the same bytes. */
export type SameElements<D extends DType> = D extends 'uint8' | 'uint8clamped' ? 'uint8' | 'uint8clamped' : D;

/** The role of one input axis. */
export type AxisOptions =
  /** Cut into windows of `size` samples, `dilation` apart (default 1), every `step` (default 1). */
  | { role: 'window'; size: number; step?: number; dilation?: number }
  /** The whole axis goes inside every patch (the channels of an HWC image). */
  | { role: 'whole' }
  /** The axis stays outside the patches, one entry per index (a batch). */
  | { role: 'batch' };

/** numpy's padding modes. */
export type PadModeName = 'constant' | 'reflect' | 'symmetric' | 'edge' | 'wrap';

/** Where windows go and what they read past the borders. */
export interface PaddingOptions {
  /**
   * 'valid' (default; no padding), 'same' (TensorFlow's SAME), 'cover' (the
   * last window shifted back to end at the border) or 'explicit' (`pads`;
   * the default when `pads` is given).
   */
  convention?: 'valid' | 'same' | 'cover' | 'explicit';
  /** One [lo, hi] pair per window axis, in input order (convention 'explicit'). */
  pads?: Array<[number, number]>;
  /**
   * What padding reads (default 'constant'). The constant itself is given
   * to each copy: `fill` in the options of `extract`/`extractInto`.
   */
  mode?: PadModeName;
}

/**
 * The named pixel layouts (`PixelPatchViewOptions.layout`, `pixelLayout()`):
 * `<buffer>-<axes>` or `<buffer>-as-<channels>-<axes>`. For an image of
 * H x W pixels:
 *
 * | name | shape | element strides | offset |
 * |---|---|---|---|
 * | `'rgba-hwc'` | `[H, W, 4]` | `[4W, 4, 1]` | 0 |
 * | `'rgba-chw'` | `[4, H, W]` | `[1, 4W, 4]` | 0 |
 * | `'rgba-as-rgb-hwc'` (alpha dropped) | `[H, W, 3]` | `[4W, 4, 1]` | 0 |
 * | `'rgba-as-rgb-chw'` | `[3, H, W]` | `[1, 4W, 4]` | 0 |
 * | `'rgba-as-bgr-hwc'`, `'bgra-as-rgb-hwc'` | `[H, W, 3]` | `[4W, 4, -1]` | 2 |
 * | `'rgba-as-bgr-chw'`, `'bgra-as-rgb-chw'` | `[3, H, W]` | `[-1, 4W, 4]` | 2 |
 * | `'rgb-hwc'` | `[H, W, 3]` | `[3W, 3, 1]` | 0 |
 * | `'rgb-chw'` | `[3, H, W]` | `[1, 3W, 3]` | 0 |
 * | `'rgb-as-bgr-hwc'`, `'bgr-as-rgb-hwc'` | `[H, W, 3]` | `[3W, 3, -1]` | 2 |
 * | `'rgb-as-bgr-chw'`, `'bgr-as-rgb-chw'` | `[3, H, W]` | `[-1, 3W, 3]` | 2 |
 *
 * With `batch: N`, a leading axis of N images stored one after the other
 * (stride `4HW` or `3HW`).
 */
export type PixelLayoutName =
  | 'rgba-hwc' | 'rgba-chw' | 'rgba-as-rgb-hwc' | 'rgba-as-rgb-chw'
  | 'rgba-as-bgr-hwc' | 'rgba-as-bgr-chw' | 'bgra-as-rgb-hwc' | 'bgra-as-rgb-chw'
  | 'rgb-hwc' | 'rgb-chw' | 'rgb-as-bgr-hwc' | 'rgb-as-bgr-chw' | 'bgr-as-rgb-hwc' | 'bgr-as-rgb-chw';

/** A named pixel layout of `height` x `width` pixels (`PixelPatchViewOptions.layout`). */
export interface PixelLayout {
  name: PixelLayoutName;
  height: number;
  width: number;
  /** A leading batch axis of this many images, one after the other; default none. */
  batch?: number;
}

/** What `pixelLayout()` returns: the `shape`, `strides` and `offset` of `PatchViewOptions`. */
export interface PixelLayoutNumbers {
  shape: number[];
  strides: number[];
  offset: number;
}

/** The options of `new PatchView(options)`. Unknown keys are an error. */
export interface PatchViewOptions<D extends DType = DType> {
  /** Length of every input axis (at most 64 axes). */
  shape: number[];
  /** Element type of the arrays the view reads. */
  dtype: D;
  /** One role per input axis. */
  axes: AxisOptions[];
  /** Element strides per axis (may be negative); default C-contiguous. */
  strides?: number[];
  /** Element offset of the first element in the buffer; default 0. */
  offset?: number;
  /** Padding; default none ('valid'). */
  padding?: PaddingOptions;
  /** Not with `shape`: see `PixelPatchViewOptions`. */
  layout?: undefined;
}

/**
 * The options of `new PatchView(options)` over pixels in a named layout:
 * `layout` replaces `shape`, `strides` and `offset` (giving both is an
 * error).
 */
export interface PixelPatchViewOptions<D extends DType = DType> {
  /** A named pixel layout: the input's shape, strides and offset. */
  layout: PixelLayout;
  /** Set by the layout. */
  shape?: undefined;
  /** Set by the layout. */
  strides?: undefined;
  /** Set by the layout. */
  offset?: undefined;
  /** Element type of the arrays the view reads ('uint8clamped' or 'uint8' for canvas pixels). */
  dtype: D;
  /** One role per input axis of the layout's shape (e.g. whole, window, window for a CHW layout). */
  axes: AxisOptions[];
  /** Padding; default none ('valid'). */
  padding?: PaddingOptions;
}

/** 8-bit RGBA pixels in a `Uint8ClampedArray` of `4 * width * height` bytes: `ImageData` is one. */
export interface RgbaPixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The instances of the global class `K` where the program's lib declares it (never otherwise). */
type GlobalInstance<K extends string> =
  typeof globalThis extends Record<K, { prototype: infer P }> ? P : never;

/**
 * What `WasmArray.fromImage` reads: `ImageData` (or any `RgbaPixels`),
 * `ImageBitmap`, `HTMLCanvasElement`, `OffscreenCanvas`,
 * `HTMLImageElement`, `SVGImageElement`, `HTMLVideoElement`, `VideoFrame`
 * (the DOM ones as declared by the program's `lib`; the package's types
 * need no DOM lib).
 */
export type ImageSource =
  | RgbaPixels
  | GlobalInstance<'ImageData'>
  | GlobalInstance<'ImageBitmap'>
  | GlobalInstance<'HTMLCanvasElement'>
  | GlobalInstance<'OffscreenCanvas'>
  | GlobalInstance<'HTMLImageElement'>
  | GlobalInstance<'SVGImageElement'>
  | GlobalInstance<'HTMLVideoElement'>
  | GlobalInstance<'VideoFrame'>;

/** The layout of a copy of the patches. */
export type PatchOrder = 'patch-major' | 'feature-major';

/**
 * An affine map of the copied values, `y = x * scale + shift`, per element
 * or per index of one patch axis (arrays: one value per index of the axis;
 * `axis` is an index into the patch shape, `PatchView.innerShape`, by
 * default the only axis of the arrays' length):
 *
 * - `{ rescale?, mean, std, axis? }`: the Hugging Face image processors'
 *   `(x * rescale - mean) / std` (`rescale_factor`, `image_mean`,
 *   `image_std`; rescale default 1), computed as `scale = rescale / std`,
 *   `shift = -mean / std` (in float64); torchvision's `Normalize` after
 *   `ToTensor` is `rescale: 1 / 255`;
 * - `{ scale?, shift?, axis? }`: the coefficients themselves (default 1 and 0).
 *
 * Bit for bit: `y = round(f32(x) * f32(scale) + f32(shift))`, the product
 * and the sum each rounded in float32 (float64 for a float64 destination),
 * then rounded to nearest even into float16/bfloat16.
 */
export type Normalize =
  | { rescale?: number; mean: number | number[]; std: number | number[]; axis?: number }
  | { scale?: number | number[]; shift?: number | number[]; axis?: number };

/** Options of `extract` and `extractInto`. */
export interface ExtractOptions {
  /** 'patch-major' ([numPatches, patchLen], default) or 'feature-major' ([patchLen, numPatches]). */
  order?: PatchOrder;
  /**
   * What constant padding reads (default 0), in the destination's dtype
   * (after normalization: 0 is the normalized data's zero, as a
   * convolution's zero padding of a normalized input): it must be a value
   * that dtype holds exactly (an integer in range for the integer dtypes:
   * `1.5` or `300` for uint8 throw `invalid argument`; the float dtypes
   * round to nearest but refuse an overflow to Infinity). Only with mode
   * 'constant'.
   */
  fill?: number;
  /**
   * The destination's dtype: the view's (default), the same elements
   * ('uint8' for 'uint8clamped'), or a float dtype the values are converted
   * into in the same pass. With `normalize`, the default is 'float32'
   * (the view's dtype when it is float32 or float64).
   */
  dtype?: DType;
  /** Maps every copied value in the same pass (see `Normalize`). Padding constants are not mapped. */
  normalize?: Normalize;
}

/**
 * The dtype of a copy made with options `O` from elements of `D`:
 * `O['dtype']` when given; with a normalization or a window, float32 (or
 * `D` when it is float32 or float64); else `D`.
 */
export type CopyDType<D extends DType, O> =
  O extends { dtype: infer T extends DType } ? T
  : O extends { normalize: object } | { window: string | number[] } ? (D extends FloatDType ? D : 'float32')
  : D;

/** Options of `fold` and `foldInto`. */
export interface FoldOptions {
  /** How overlapping elements combine; default 'mean' ('weighted' when `window` is given). */
  reduce?: 'sum' | 'mean' | 'weighted' | 'overwrite';
  /** Weights of 'weighted': 'hann' (default), 'gaussian', or one array of weights per window axis. */
  window?: 'hann' | 'gaussian' | number[][];
  /** Standard deviation of 'gaussian' as a fraction of the window size (default 0.125). */
  sigmaScale?: number;
  /** The layout the patches are in (default 'patch-major'). */
  order?: PatchOrder;
}

/** Options of `frame` and `frameInto`. */
export interface FrameOptions {
  /** Pad the end so that every sample starts a frame's hop (default false). */
  padEnd?: boolean;
  /** The padding value (default 0), a value the destination's dtype holds exactly (as `ExtractOptions.fill`). */
  fill?: number;
  /** The frames' dtype: the signal's (default; 'float32' with a window or normalize) or a float dtype. */
  dtype?: DType;
  /** Maps every sample in the same pass (see `Normalize`; the axis is the frame position). */
  normalize?: Normalize;
  /**
   * A window multiplied into every frame in the same pass: 'hann' or
   * 'hamming' (equal to `torch.hann_window(frameLen, periodic)` /
   * `torch.hamming_window`), or `frameLen` weights. With `normalize` too:
   * `x * (scale * w[i]) + shift * w[i]`, the coefficients multiplied in
   * float64 and rounded once.
   */
  window?: 'hann' | 'hamming' | number[];
  /** Periodic (default, as torch and `scipy.signal.get_window`) or symmetric named window. */
  periodic?: boolean;
}

/** What every function throws: `name` 'PatchError', `message` "<kind>: <details>". */
export interface PatchError extends Error {
  name: 'PatchError';
  kind: PatchErrorKind;
}

/** One input axis of a plan (`PlanSummary.axes`). */
export type AxisPlanSummary = (
  | { role: 'window'; size: number; step: number; dilation: number }
  | { role: 'whole' }
  | { role: 'batch' }
) & {
  /** Length of the input axis. */
  len: number;
  /** Padding before the first element. */
  padLo: number;
  /** Padding after the last element. */
  padHi: number;
  /** Windows (window axes), the length (batch axes) or 1 (whole axes). */
  grid: number;
  /** With Cover, the origin of the shifted last window. */
  coverLast: number | null;
};

/** `PatchView.plan()`: patch-core's PlanSummary, with camelCase keys. */
export interface PlanSummary {
  inputShape: number[];
  inputStrides: number[];
  inputByteStrides: number[];
  offset: number;
  itemsize: number;
  axes: AxisPlanSummary[];
  padding:
    & ({ convention: 'valid' | 'same' | 'cover' } | { convention: 'explicit'; pads: Array<[number, number]> })
    & { mode: PadModeName };
  shape: number[];
  outerShape: number[];
  innerShape: number[];
  grid: number[];
  numPatches: number;
  patchLen: number;
  isView: boolean;
  viewStrides: number[] | null;
  viewByteStrides: number[] | null;
  spanBytes: number;
  copyBytes: number;
}
"#;
