// The package from a CommonJS project made by `npm init -y` ("type":
// "commonjs"): `require('patch-wasm')` resolves the `require` condition.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PatchView, WasmArray, frame, overlapAdd } = require('patch-wasm');

test('require(patch-wasm) gives the Node build, no init needed', () => {
  assert.equal(require.resolve('patch-wasm').endsWith('node/patch_wasm.js'), true);
  const view = new PatchView({
    shape: [4, 4], dtype: 'uint8',
    axes: [{ role: 'window', size: 2, step: 2 }, { role: 'window', size: 2, step: 2 }],
  });
  const x = WasmArray.fromTypedArray('uint8', [4, 4], Uint8Array.from({ length: 16 }, (_, i) => i));
  assert.deepEqual(Array.from(view.extract(x).data.subarray(0, 4)), [0, 1, 4, 5]);
  assert.deepEqual(view.plan().numPatches, 4);
  const frames = frame(new Float32Array([1, 2, 3, 4]), 2, 2);
  assert.deepEqual(Array.from(overlapAdd(frames, 2, 2).data), [1, 2, 3, 4]);
  assert.throws(() => view.patchOrigin('1'), { name: 'PatchError', kind: 'invalid argument' });
});

test('the ES module entry, imported from CommonJS, is the same instance', async () => {
  const esm = await import('patch-wasm');
  assert.equal(esm.WasmArray, WasmArray);
});
