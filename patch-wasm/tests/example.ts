// A TypeScript user of the package, type-checked by `tsc --noEmit` against
// the shipped .d.ts (tests/run.sh copies it into a project that installed
// the packed tarball). The @ts-expect-error lines check that the types
// reject what the bindings reject.
import {
  PatchView,
  WasmArray,
  frame,
  overlapAdd,
  type DType,
  type FoldOptions,
  type PatchError,
  type PatchViewOptions,
  type PlanSummary,
  type TypedArray,
} from 'patch-wasm';

const dtype: DType = 'uint8clamped';
const options: PatchViewOptions = {
  shape: [224, 224, 4],
  dtype,
  axes: [
    { role: 'window', size: 16, step: 16 },
    { role: 'window', size: 16, step: 16 },
    { role: 'whole' },
  ],
  padding: { convention: 'same', mode: 'reflect' },
};
const view = new PatchView(options);
const shape: number[] = view.shape;
const counts: [number, number] = [view.numPatches, view.patchLen];
const origin: number[] = view.patchOrigin(0);
const touches: boolean = view.touchesPadding(0);
const plan: PlanSummary = view.plan();
const isView: boolean = plan.is_view && view.isView;

const image = new WasmArray(dtype, options.shape);
const pixels: TypedArray = image.data; // a fresh view of wasm memory
pixels.fill(128);
const tokens: WasmArray = view.extract(image, { order: 'patch-major' });
const columns = new Uint8ClampedArray(view.numPatches * view.patchLen);
view.extractInto(image, columns, { order: 'feature-major' });

const floats = WasmArray.fromTypedArray('float32', [view.numPatches, view.patchLen], new Float32Array(tokens.length));
const blend: FoldOptions = { reduce: 'weighted', window: 'gaussian', sigmaScale: 0.125 };
const back: WasmArray = view.fold(floats, blend);
const copy: TypedArray = back.toArray();

const audio = new Float32Array(16000);
const frames = frame(audio, 400, 160, { padEnd: true, padValue: 0 });
const signal: WasmArray = overlapAdd(frames, 400, 160);

try {
  new PatchView({ shape: [8], dtype: 'float32', axes: [{ role: 'window', size: 5, dilation: 2 }] });
} catch (e) {
  const err = e as PatchError;
  const kind: string = err.kind;
  console.log(kind, err.message);
}

// @ts-expect-error: not a dtype
new WasmArray('float16', [2]);
// @ts-expect-error: a window needs a size
const noSize: PatchViewOptions = { shape: [4], dtype: 'uint8', axes: [{ role: 'window' }] };
// @ts-expect-error: unknown padding mode
const badMode: PatchViewOptions = { shape: [4], dtype: 'uint8', axes: [{ role: 'batch' }], padding: { mode: 'mirror' } };
// @ts-expect-error: unknown order
view.extract(image, { order: 'column-major' });
// @ts-expect-error: fold takes no Uint8Array
view.fold(new Uint8Array(4));

console.log(shape, counts, origin, touches, isView, copy.length, signal.length, noSize, badMode);
for (const a of [image, tokens, floats, back, frames, signal]) a.free();
view.free();
