// The types of the `require` condition: this project is CommonJS (`npm
// init -y`), so tsc compiles the import below to `require('patch-wasm')`
// and reads node/patch_wasm.d.ts.
import { PatchView, WasmArray, type PlanSummary } from 'patch-wasm';

const view = new PatchView({ shape: [8, 8, 4], dtype: 'uint8clamped', axes: [{ role: 'window', size: 4, step: 4 }, { role: 'window', size: 4, step: 4 }, { role: 'whole' }] });
const img = new WasmArray('uint8clamped', [8, 8, 4]);
const pixels: Uint8ClampedArray = view.extract(img, { fill: 0 }).data;
const plan: PlanSummary = view.plan();
// @ts-expect-error: fill is a number
view.extract(img, { fill: 'x' });
console.log(pixels.length, plan.numPatches);
