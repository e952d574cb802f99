// A TypeScript user of the package, type-checked by `tsc --noEmit` against
// the shipped .d.ts (tests/run.sh copies it into a project that installed
// the packed tarball; the project is an ES module, so this resolves the
// `import` condition). The @ts-expect-error lines check that the types
// reject what the bindings reject.
import {
  PatchView,
  WasmArray,
  frame,
  frameInto,
  overlapAdd,
  overlapAddInto,
  type ConvertDType,
  type DType,
  type Normalize,
  type ExtractOptions,
  type FoldOptions,
  type FrameOptions,
  type PatchError,
  type PatchViewOptions,
  type PlanSummary,
  type TypedArray,
} from 'patch-wasm';

const options: PatchViewOptions<'uint8clamped'> = {
  shape: [224, 224, 4],
  dtype: 'uint8clamped',
  axes: [
    { role: 'window', size: 16, step: 16 },
    { role: 'window', size: 16, step: 16 },
    { role: 'whole' },
  ],
  padding: { convention: 'same', mode: 'constant' },
};
const view = new PatchView(options);
const shape: number[] = view.shape;
const counts: [number, number] = [view.numPatches, view.patchLen];
const origin: number[] = view.patchOrigin(0);
const touches: boolean = view.touchesPadding(0);
const plan: PlanSummary = view.plan();
const isView: boolean = plan.isView && view.isView;
const padLo: number = plan.axes[0].padLo;
const viewDtype: 'uint8clamped' = view.dtype;

// WasmArray<D>: .data has the dtype's class, so canvas pixels type-check.
const image = new WasmArray('uint8clamped', options.shape);
const pixels: Uint8ClampedArray = image.data; // a fresh view of wasm memory
pixels.fill(128);
const frameOfPixels = new ImageData(image.data, 224, 224);
const extractOpts: ExtractOptions = { order: 'patch-major', fill: 255 };
const tokens: WasmArray<'uint8clamped'> = view.extract(image, extractOpts);
const tile = new ImageData(tokens.data.slice(0, 16 * 16 * 4), 16, 16);
const columns = new Uint8ClampedArray(view.numPatches * view.patchLen);
view.extractInto(image, columns, { order: 'feature-major', fill: 0 });
view.extractInto(image, new Uint8Array(view.numPatches * view.patchLen)); // same bytes as uint8clamped

const floats = WasmArray.fromTypedArray('float32', [view.numPatches, view.patchLen], new Float32Array(tokens.length));
const f32: Float32Array = floats.data;
const blend: FoldOptions = { reduce: 'weighted', window: 'gaussian', sigmaScale: 0.125 };
const back = view.fold(floats, blend);
const copy: TypedArray = back.toArray();
view.foldInto(floats, new Float32Array(224 * 224 * 4), { reduce: 'mean' });

const audio = new Float32Array(16000);
const frameOpts: FrameOptions = { padEnd: true, fill: 0 };
const frames: WasmArray<'float32'> = frame(audio, 400, 160, frameOpts);
frameInto(audio, new Float32Array(frames.length), 400, 160, frameOpts);
const signal = overlapAdd(frames, 400, 160);
overlapAddInto(frames, new Float32Array(signal.length), 400, 160);
const ints: WasmArray<'int16'> = frame(new Int16Array(100), 10, 5);

const anyDtype: DType = 'float64';
const generic: WasmArray = new WasmArray(anyDtype, [2]);
const anyData: TypedArray = generic.data;

try {
  new PatchView({ shape: [8], dtype: 'float32', axes: [{ role: 'window', size: 5, dilation: 2 }] });
} catch (e) {
  const err = e as PatchError;
  const kind: string = err.kind;
  console.log(kind, err.message);
}

// @ts-expect-error: not a dtype
new WasmArray('int64', [2]);
// @ts-expect-error: a float32 array's data is no Uint8ClampedArray
new ImageData(floats.data, 1, 1);
// @ts-expect-error: a window needs a size
const noSize: PatchViewOptions = { shape: [4], dtype: 'uint8', axes: [{ role: 'window' }] };
// @ts-expect-error: unknown padding mode
const badMode: PatchViewOptions = { shape: [4], dtype: 'uint8', axes: [{ role: 'batch' }], padding: { mode: 'mirror' } };
// @ts-expect-error: the constant moved to the copy (fill)
const oldValue: PatchViewOptions = { shape: [4], dtype: 'uint8', axes: [{ role: 'batch' }], padding: { mode: 'constant', value: 1 } };
// @ts-expect-error: unknown order
view.extract(image, { order: 'column-major' });
// @ts-expect-error: fill is a number
view.extract(image, { fill: '1' });
// @ts-expect-error: a uint8clamped view reads no float32 array
view.extract(floats);
// @ts-expect-error: fold takes no Uint8Array
view.fold(new Uint8Array(4));
// @ts-expect-error: frame's option is fill, not padValue
frame(audio, 400, 160, { padValue: 0 });
// @ts-expect-error: plan() keys are camelCase
console.log(plan.num_patches);

// Converting copies: the result's dtype follows opts.dtype / normalize.
const imagenet = { rescale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const normalized: WasmArray<'float32'> = view.extract(image, { normalize: imagenet });
const halves: WasmArray<'float16'> = view.extract(image, { dtype: 'float16', normalize: imagenet });
const halfBits = halves.data; // Float16Array where the engine has it, else Uint16Array bits
const brain: WasmArray<'bfloat16'> = view.extract(image, { dtype: 'bfloat16', normalize: { scale: 1 / 255, shift: 0 } });
const brainBits: Uint16Array = brain.data;
view.extractInto(image, new Float32Array(view.numPatches * view.patchLen), { dtype: 'float32', normalize: imagenet, fill: 0 });
view.extractInto(image, new Uint16Array(view.numPatches * view.patchLen), { dtype: 'float16' });
const convert: ConvertDType = 'bfloat16';
const norm: Normalize = { scale: [1, 2, 3], shift: 0, axis: 2 };
const windowed = frame(new Int16Array(1600), 400, 160, { window: 'hann', periodic: true, normalize: { scale: 1 / 32768 } });
const windowed64 = frame(new Int16Array(1600), 400, 160, { window: 'hamming', dtype: 'float64' });
frameInto(new Int16Array(800), new Float32Array(3 * 400), 400, 160, { dtype: 'float32', window: new Array(400).fill(1) });
// @ts-expect-error: a float16 copy is no Float32Array
const wrongClass: Float32Array = halves.data;
// @ts-expect-error: not a conversion target
view.extract(image, { normalize: { mean: 0, std: 1 }, dtype: 'complex64' });
// @ts-expect-error: unknown window
frame(audio, 400, 160, { window: 'blackman' });
console.log(normalized.length, halfBits.length, brainBits.length, convert, norm, windowed.length, windowed64.length, wrongClass);

console.log(shape, counts, origin, touches, isView, padLo, viewDtype, copy.length, f32.length, ints.length);
console.log(frameOfPixels.width, tile.width, anyData.length, noSize, badMode, oldValue);
for (const a of [image, tokens, floats, back, frames, signal, ints, generic]) a.free();
view.free();
