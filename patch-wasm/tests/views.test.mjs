// The package as a user imports it: views, getters, plans, the .data rule,
// and both builds (node and web) loading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PatchView, WasmArray, frame, frameInto, overlapAdd, overlapAddInto } from 'patch-wasm';
import { geometry, viewStrides } from './reference.mjs';

const vit = {
  shape: [8, 12, 3],
  dtype: 'uint8',
  axes: [
    { role: 'window', size: 4, step: 4 },
    { role: 'window', size: 4, step: 4 },
    { role: 'whole' },
  ],
};

test('the package exports the API and no init is needed in Node', async () => {
  for (const f of [PatchView, WasmArray, frame, frameInto, overlapAdd, overlapAddInto]) {
    assert.equal(typeof f, 'function');
  }
  const pkg = createRequire(import.meta.url)('patch-wasm/package.json');
  assert.equal(pkg.name, 'patch-wasm');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  const root = pkg.exports['.'];
  for (const entry of [root.node.import, root.node.require, root.browser, root.default]) {
    assert.ok(entry.types && entry.default, JSON.stringify(entry));
  }
  // import and require give the same module (one wasm instance): an array
  // made through one is accepted by the other.
  const cjs = createRequire(import.meta.url)('patch-wasm');
  assert.equal(cjs.WasmArray, WasmArray);
  const a = new cjs.WasmArray('uint8', [4]);
  assert.deepEqual(new PatchView({ shape: [4], dtype: 'uint8', axes: [{ role: 'window', size: 2, step: 2 }] }).extract(a).shape, [2, 2]);
});

test('the web build (ES module, init) loads in Node from bytes, after an error that names init()', async () => {
  const web = await import('patch-wasm/web');
  assert.equal(web, await import('patch-wasm/web/patch_wasm.js'));
  const before = /^invalid argument: the patch-wasm web build is not initialized: call \(and await\) init\(\)/;
  for (const f of [
    () => new web.WasmArray('uint8', [2]),
    () => new web.PatchView(vit),
    () => web.frame(new Float32Array(4), 2, 2),
  ]) {
    assert.throws(f, { name: 'PatchError', kind: 'invalid argument', message: before });
  }
  // One .wasm at the package root serves both builds.
  const url = import.meta.resolve('patch-wasm/patch_wasm_bg.wasm');
  await web.default({ module_or_path: readFileSync(new URL(url)) });
  const v = new web.PatchView(vit);
  assert.deepEqual(v.shape, [2, 3, 4, 4, 3]);
  const a = web.WasmArray.fromTypedArray('uint8', [8, 12, 3], new Uint8Array(288).map((_, i) => i));
  assert.deepEqual(Array.from(v.extract(a).data.subarray(0, 5)), [0, 1, 2, 3, 4]);
});

test('ViT tiles on HWC uint8: shape, byte and element strides, counts', () => {
  const v = new PatchView(vit);
  assert.deepEqual(v.shape, [2, 3, 4, 4, 3]);
  assert.deepEqual(v.elementStrides, viewStrides(vit));
  assert.deepEqual(v.strides, viewStrides(vit)); // itemsize 1
  assert.deepEqual(v.outerShape, [2, 3]);
  assert.deepEqual(v.innerShape, [4, 4, 3]);
  assert.deepEqual(v.grid, [2, 3]);
  assert.deepEqual(v.inputShape, [8, 12, 3]);
  assert.deepEqual(v.inputStrides, [36, 3, 1]);
  assert.equal(v.numPatches, 6);
  assert.equal(v.patchLen, 48);
  assert.equal(v.itemsize, 1);
  assert.equal(v.ndim, 5);
  assert.equal(v.offset, 0);
  assert.equal(v.dtype, 'uint8');
  assert.equal(v.isView, true);
  assert.equal(v.copyBytes, 288);
  assert.equal(v.spanBytes, 288);
  assert.deepEqual(v.patchOrigin(4), [4, 4, 0]);
  assert.equal(v.patchOffset(4), 4 * 36 + 4 * 3);
  assert.equal(v.touchesPadding(4), false);
});

test('byte strides scale with the itemsize; negative strides stay negative', () => {
  const flipped = {
    shape: [5, 6],
    dtype: 'float64',
    strides: [-6, 1],
    offset: 24,
    axes: [{ role: 'window', size: 2 }, { role: 'window', size: 3, step: 2 }],
  };
  const v = new PatchView(flipped);
  assert.deepEqual(v.elementStrides, [-6, 2, -6, 1]);
  assert.deepEqual(v.strides, [-48, 16, -48, 8]);
  assert.equal(v.offset, 24);
  assert.equal(v.patchOffset(0), 24 * 8);
  assert.equal(v.patchOffset(v.numPatches - 1), (24 - 3 * 6 + 1 * 2) * 8);
});

test('padding: not a view, negative origins, touchesPadding', () => {
  const opts = {
    shape: [4, 4],
    dtype: 'float32',
    axes: [{ role: 'window', size: 3 }, { role: 'window', size: 3 }],
    padding: { convention: 'same', mode: 'reflect' },
  };
  const v = new PatchView(opts);
  assert.equal(v.isView, false);
  assert.deepEqual(v.shape, [4, 4, 3, 3]);
  assert.deepEqual(v.patchOrigin(0), [-1, -1]);
  assert.deepEqual(v.patchOrigin(5), [0, 0]);
  assert.equal(v.touchesPadding(0), true);
  assert.equal(v.touchesPadding(5), false);
  assert.throws(() => v.strides, /^PatchError: not a view: the windows read padding/);
  assert.throws(() => v.patchOffset(0), { name: 'PatchError', kind: 'not a view' });
  const g = geometry(opts);
  assert.equal(v.numPatches, g.numPatches);
});

test('plan() is a plain object with patch-core\'s numbers', () => {
  const v = new PatchView({
    shape: [2, 10],
    dtype: 'int16',
    axes: [{ role: 'batch' }, { role: 'window', size: 4, step: 4 }],
    padding: { convention: 'cover' },
  });
  const p = v.plan();
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p), [
    'inputShape', 'inputStrides', 'inputByteStrides', 'offset', 'itemsize', 'axes', 'padding', 'shape',
    'outerShape', 'innerShape', 'grid', 'numPatches', 'patchLen', 'isView', 'viewStrides',
    'viewByteStrides', 'spanBytes', 'copyBytes',
  ]);
  assert.deepEqual(p.inputShape, [2, 10]);
  assert.deepEqual(p.inputByteStrides, [20, 2]);
  assert.deepEqual(p.shape, [2, 3, 4]);
  assert.deepEqual(p.grid, [3]);
  assert.equal(p.numPatches, 6);
  assert.equal(p.patchLen, 4);
  assert.equal(p.isView, false);
  assert.equal(p.viewStrides, null);
  assert.deepEqual(p.padding, { convention: 'cover', mode: 'constant' });
  assert.deepEqual(p.axes[1], {
    role: 'window', size: 4, step: 4, dilation: 1, len: 10, padLo: 0, padHi: 0, grid: 3, coverLast: 6,
  });
  assert.deepEqual(p.axes[0], { role: 'batch', len: 2, padLo: 0, padHi: 0, grid: 2, coverLast: null });
  assert.equal(p.copyBytes, v.copyBytes);
  assert.equal(p.spanBytes, v.spanBytes);
  // Every value is a number, boolean, string, null, array or plain object: no bigint, no Map.
  const kinds = new Set();
  JSON.stringify(p, (_, x) => (kinds.add(typeof x), x));
  assert.deepEqual([...kinds].sort(), ['boolean', 'number', 'object', 'string']);
  assert.deepEqual(v.patchOrigin(2), [0, 6]);
  const explicit = new PatchView({
    shape: [5], dtype: 'uint8', axes: [{ role: 'window', size: 2 }],
    padding: { pads: [[1, 2]], mode: 'wrap' },
  }).plan();
  assert.deepEqual(explicit.padding, { convention: 'explicit', pads: [[1, 2]], mode: 'wrap' });
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(p))), JSON.stringify(p));
});

test('WasmArray: getters, data views wasm memory, toArray copies', () => {
  const a = new WasmArray('uint8clamped', [2, 3, 4]);
  assert.equal(a.dtype, 'uint8clamped');
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.equal(a.ndim, 3);
  assert.equal(a.length, 24);
  assert.equal(a.byteLength, 24);
  assert.ok(a.data instanceof Uint8ClampedArray);
  assert.ok(a.data.every((x) => x === 0));
  a.data[5] = 300; // clamped by the typed array
  assert.equal(a.data[5], 255);
  const copy = a.toArray();
  assert.ok(copy instanceof Uint8ClampedArray);
  assert.notEqual(copy.buffer, a.data.buffer);
  copy[5] = 1;
  assert.equal(a.data[5], 255);
  assert.equal(a.data.byteOffset, a.ptr);
  const classes = {
    uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
    uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
  };
  for (const [dtype, Class] of Object.entries(classes)) {
    const b = WasmArray.fromTypedArray(dtype, [3], Class.from([1, 2, 3]));
    assert.ok(b.data instanceof Class, dtype);
    assert.equal(b.byteLength, 3 * Class.BYTES_PER_ELEMENT);
    assert.equal(b.ptr % Class.BYTES_PER_ELEMENT, 0);
    assert.deepEqual(Array.from(b.data), [1, 2, 3]);
    b.free();
  }
  const fromList = WasmArray.fromTypedArray('int16', [2, 2], [1, -2, 3.7, 70000]);
  assert.deepEqual(Array.from(fromList.data), Array.from(Int16Array.from([1, -2, 3.7, 70000])));
  const empty = new WasmArray('float32', [0, 5]);
  assert.equal(empty.length, 0);
  assert.equal(empty.data.length, 0);
  a.free();
  assert.throws(() => a.data, { name: 'PatchError', message: 'invalid argument: the WasmArray was freed' });
  a.free(); // again: nothing
});

test('.data is created afresh: memory growth detaches old views, not the array', () => {
  const a = WasmArray.fromTypedArray('float32', [4], new Float32Array([1, 2, 3, 4]));
  const old = a.data;
  assert.equal(old.length, 4);
  const big = new WasmArray('uint8', [64 * 1024 * 1024]); // grows the memory
  assert.equal(old.length, 0, 'the old view is detached');
  assert.equal(old.buffer.byteLength, 0);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 4]);
  assert.equal(big.data.length, 64 * 1024 * 1024);
  big.free();
  // Writing through a fresh view reaches wasm memory: extraction sees it.
  const v = new PatchView({ shape: [4], dtype: 'float32', axes: [{ role: 'window', size: 2, step: 2 }] });
  a.data[3] = 40;
  assert.deepEqual(Array.from(v.extract(a).data), [1, 2, 3, 40]);
});

test('typed arrays viewing a WasmArray (its .data, or a subarray) are used in place', () => {
  const view = new PatchView({ shape: [4, 6], dtype: 'float32', axes: [{ role: 'window', size: 2, step: 2 }, { role: 'window', size: 3, step: 3 }] });
  const x = WasmArray.fromTypedArray('float32', [4, 6], Float32Array.from({ length: 24 }, (_, i) => i));
  const expected = Array.from(view.extract(x).data);
  assert.deepEqual(Array.from(view.extract(x.data).data), expected, 'src as x.data');
  const dst = new WasmArray('float32', [24]);
  view.extractInto(x, dst.data); // no temporary copy: written straight into dst
  assert.deepEqual(Array.from(dst.data), expected);
  const big = new WasmArray('float32', [30]);
  view.extractInto(x, big.data.subarray(3, 27));
  assert.deepEqual(Array.from(big.data.subarray(3, 27)), expected);
  assert.deepEqual(Array.from(big.data.subarray(0, 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(view.fold(dst.data).data), Array.from(x.data), 'fold of dst.data');
  const copy = WasmArray.fromTypedArray('float32', [4, 6], x.data);
  assert.deepEqual(Array.from(copy.data), Array.from(x.data));
  assert.notEqual(copy.ptr, x.ptr);
  assert.deepEqual(frame(x.data.subarray(0, 10), 4, 3).shape, [3, 4]);
  assert.deepEqual(Array.from(overlapAdd(dst.data.subarray(0, 8), 4, 4).data), expected.slice(0, 8));
  // A view of the wrong element type, or of freed memory, is refused.
  const bytes = new Uint8Array(x.data.buffer, x.ptr, 8);
  assert.throws(() => view.extractInto(x, bytes), {
    name: 'PatchError',
    message: 'invalid argument: dst is a Uint8Array over WebAssembly memory that no live WasmArray of its element type owns',
  });
  assert.throws(() => view.extractInto(x, x.data), { message: /^aliasing: the source and the destination are the same WasmArray/ });
  const gone = WasmArray.fromTypedArray('float32', [24], new Float32Array(24));
  const stale = gone.data;
  gone.free(); // detaches every view of wasm memory
  assert.equal(stale.length, 0);
  assert.throws(() => view.fold(stale), {
    message: 'invalid argument: a typed array was detached (wasm memory grew, or a WasmArray was freed, after it was made): read .data again',
  });
  const other = WasmArray.fromTypedArray('float32', [24], new Float32Array(24));
  const wrongType = new Uint32Array(other.data.buffer, other.ptr, 24);
  assert.throws(() => view.fold(wrongType), {
    message: 'invalid argument: patches is a Uint32Array over WebAssembly memory that no live WasmArray of its element type owns',
  });
  assert.deepEqual(Array.from(view.extract(x).data), expected);
});
