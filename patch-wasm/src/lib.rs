//! # patch-wasm: patch-core for JavaScript
//!
//! WebAssembly bindings over [`patch_core`], built by wasm-pack into the npm
//! package `patch-wasm` (an ES module for browsers and a build Node imports
//! directly). The crate is a thin translation layer: JavaScript options
//! objects are checked and turned into patch-core's [`patch_core::Layout`],
//! [`patch_core::PatchSpec`] and [`patch_core::Padding`]; every geometry
//! check and every copy is patch-core's.
//!
//! The JavaScript API, documented in `API.md` and in the shipped `.d.ts`:
//!
//! - [`WasmArray`]: an N-d array in WebAssembly memory whose `.data` is a
//!   typed array viewing that memory, made afresh on every access;
//! - [`PatchView`]: a patch geometry from an options object, with its
//!   shape, strides, plan, and `extract`, `extractInto` and `fold`;
//! - [`frame_signal`] (`frame`) and [`overlap_add`] (`overlapAdd`) for 1-D
//!   signals;
//! - [`bench_memcpy`] (`benchMemcpy`): not part of the patch API, the
//!   `memory.copy` baseline of the benchmark suite (`patch-wasm/bench/`).
//!
//! Errors are thrown as JavaScript `Error`s named `PatchError` whose message
//! is patch-core's (`"window too large: window 5 (extent 9 with dilation 2)
//! is larger than axis 1 of length 8"`); option values are checked before
//! anything is computed, so no input makes the module panic, and objects
//! stay usable after an error.
//!
//! The crate has no `unsafe` code: typed arrays over wasm memory are made
//! from `memory.buffer`, an offset and a length (JavaScript checks the
//! range), and element copies in and out go through `TypedArray.set`.

#![forbid(unsafe_code)]

mod args;
mod array;
mod bench;
mod dtype;
mod error;
mod fill;
mod kinds_ts;
mod signal;
mod view;

pub use array::WasmArray;
pub use bench::bench_memcpy;
pub use signal::{frame_signal, overlap_add};
pub use view::PatchView;

use wasm_bindgen::prelude::*;

/// `PatchErrorKind`, generated from patch-core's list of kinds.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_KINDS: &str = kinds_ts::TS_ERROR_KINDS;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The element types: every typed-array class except the 64-bit integer ones. */
export type DType =
  | 'uint8' | 'uint8clamped' | 'int8' | 'uint16' | 'int16'
  | 'uint32' | 'int32' | 'float32' | 'float64';

/** A typed array of one of the nine dtypes' classes. */
export type TypedArray =
  | Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array
  | Uint32Array | Int32Array | Float32Array | Float64Array;

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
  /** What padding reads (default 'constant'). */
  mode?: PadModeName;
  /** The constant of mode 'constant' (default 0; converted like Rust's `as`: truncated, saturating). */
  value?: number;
}

/** The options of `new PatchView(options)`. Unknown keys are an error. */
export interface PatchViewOptions {
  /** Length of every input axis. */
  shape: number[];
  /** Element type of the arrays the view reads. */
  dtype: DType;
  /** One role per input axis. */
  axes: AxisOptions[];
  /** Element strides per axis (may be negative); default C-contiguous. */
  strides?: number[];
  /** Element offset of the first element in the buffer; default 0. */
  offset?: number;
  /** Padding; default none ('valid'). */
  padding?: PaddingOptions;
}

/** The layout of a copy of the patches. */
export type PatchOrder = 'patch-major' | 'feature-major';

/** Options of `extract` and `extractInto`. */
export interface ExtractOptions {
  /** 'patch-major' ([numPatches, patchLen], default) or 'feature-major' ([patchLen, numPatches]). */
  order?: PatchOrder;
}

/** Options of `fold`. */
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

/** Options of `frame`. */
export interface FrameOptions {
  /** Pad the end so that every sample starts a frame's hop (default false). */
  padEnd?: boolean;
  /** The padding value (default 0). */
  padValue?: number;
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
  pad_lo: number;
  /** Padding after the last element. */
  pad_hi: number;
  /** Windows (window axes), the length (batch axes) or 1 (whole axes). */
  grid: number;
  /** With Cover, the origin of the shifted last window. */
  cover_last: number | null;
};

/** `PatchView.plan()`: patch-core's PlanSummary JSON. */
export interface PlanSummary {
  input_shape: number[];
  input_strides: number[];
  input_byte_strides: number[];
  offset: number;
  itemsize: number;
  axes: AxisPlanSummary[];
  padding:
    & ({ convention: 'valid' | 'same' | 'cover' } | { convention: 'explicit'; pads: Array<[number, number]> })
    & ({ mode: 'constant'; value: number } | { mode: 'reflect' | 'symmetric' | 'edge' | 'wrap' });
  shape: number[];
  outer_shape: number[];
  inner_shape: number[];
  grid: number[];
  num_patches: number;
  patch_len: number;
  is_view: boolean;
  view_strides: number[] | null;
  view_byte_strides: number[] | null;
  span_bytes: number;
  copy_bytes: number;
}
"#;
