// Fold round trips and framing, against the plain JavaScript reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray, frame, frameInto, overlapAdd, overlapAddInto } from 'patch-wasm';
import * as ref from './reference.mjs';

const W = (size, step = 1, dilation = 1) => ({ role: 'window', size, step, dilation });

/** Integer-valued float data, so that sums are exact in any order. */
function image(n) {
  return Float64Array.from({ length: n }, (_, i) => ((i * 13) % 17) - 5);
}

const geometries = [
  { shape: [9, 11], axes: [W(3), W(4, 2)] },
  { shape: [9, 11], axes: [W(3, 3), W(2, 2)], padding: { convention: 'same', mode: 'reflect' } },
  { shape: [8, 8], axes: [W(3, 2, 2), W(3)], padding: { pads: [[2, 3], [1, 0]], mode: 'wrap' } },
  { shape: [10, 7], axes: [W(4, 3), W(3, 2)], padding: { convention: 'cover' } },
  { shape: [2, 6, 6, 3], axes: [{ role: 'batch' }, W(3, 3), W(3, 3), { role: 'whole' }] },
  { shape: [3, 7, 7], axes: [{ role: 'whole' }, W(3), W(3)], padding: { convention: 'same' } },
  { shape: [12], axes: [W(5, 4)] }, // leaves the last elements uncovered
];

test('fold(extract(x)) with mean gives x exactly wherever windows cover, both orders, both float types', () => {
  for (const dtype of ['float32', 'float64']) {
    for (const geo of geometries) {
      const options = { ...geo, dtype };
      const n = options.shape.reduce((p, x) => p * x, 1);
      const x = WasmArray.fromTypedArray(dtype, options.shape, dtype === 'float32' ? Float32Array.from(image(n)) : image(n));
      const view = new PatchView(options);
      const { count } = ref.fold(options, ref.extract(options, image(n)), 'mean');
      for (const order of ['patch-major', 'feature-major']) {
        const patches = view.extract(x, { order });
        const back = view.fold(patches, { order });
        assert.equal(back.dtype, dtype);
        assert.deepEqual(back.shape, options.shape);
        const expected = Array.from(x.data, (v, i) => (count[i] > 0 ? v : 0));
        assert.deepEqual(Array.from(back.data), expected, `${JSON.stringify(geo)} ${dtype} ${order}`);
        // Overwrite gives x back too; a JS-owned Float array works like a WasmArray.
        const over = view.fold(patches.toArray(), { order, reduce: 'overwrite' });
        assert.deepEqual(Array.from(over.data), expected, 'overwrite');
        // Hann-weighted blending of equal contributions is x again.
        const hann = view.fold(patches, { order, window: 'hann' });
        Array.from(hann.data).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(v)), 'hann'));
        const gauss = view.fold(patches, { order, reduce: 'weighted', window: 'gaussian', sigmaScale: 0.5 });
        Array.from(gauss.data).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(v)), 'gaussian'));
        for (const a of [patches, back, over, hann, gauss]) a.free();
      }
      x.free();
      view.free();
    }
  }
});

test('fold sum equals the reference (torch F.fold)', () => {
  for (const geo of geometries) {
    const options = { ...geo, dtype: 'float64' };
    const view = new PatchView(options);
    const p = Float64Array.from({ length: view.numPatches * view.patchLen }, (_, i) => (i % 23) - 11);
    for (const order of ['patch-major', 'feature-major']) {
      const { result } = ref.fold(options, p, 'sum', order);
      assert.deepEqual(Array.from(view.fold(p, { reduce: 'sum', order }).data), result, JSON.stringify(geo));
      const mean = ref.fold(options, p, 'mean', order).result;
      const got = Array.from(view.fold(p, { order }).data);
      got.forEach((v, i) => assert.ok(Math.abs(v - mean[i]) < 1e-9, `mean ${JSON.stringify(geo)}`));
      const over = ref.fold(options, p, 'overwrite', order).result;
      assert.deepEqual(Array.from(view.fold(p, { reduce: 'overwrite', order }).data), over, 'overwrite');
      // foldInto: into a JS-owned typed array and into a WasmArray, overwritten.
      const js = new Float64Array(result.length).fill(99);
      view.foldInto(p, js, { reduce: 'sum', order });
      assert.deepEqual(Array.from(js), result, 'foldInto typed');
      const out = WasmArray.fromTypedArray('float64', [result.length], new Float64Array(result.length).fill(99));
      view.foldInto(WasmArray.fromTypedArray('float64', [p.length], p), out, { reduce: 'sum', order });
      assert.deepEqual(Array.from(out.data), result, 'foldInto WasmArray');
    }
  }
});

test('fold of Float32Array patches from a uint8 view returns float32', () => {
  const view = new PatchView({ shape: [4, 4, 3], dtype: 'uint8', axes: [W(2, 2), W(2, 2), { role: 'whole' }] });
  const p = Float32Array.from({ length: 48 }, (_, i) => i);
  const back = view.fold(p);
  assert.equal(back.dtype, 'float32');
  assert.deepEqual(back.shape, [4, 4, 3]);
  const { result } = ref.fold({ shape: [4, 4, 3], axes: [W(2, 2), W(2, 2), { role: 'whole' }] }, p, 'sum');
  assert.deepEqual(Array.from(back.data), result);
});

test('frame follows tf.signal.frame, with and without padEnd', () => {
  for (const [len, frameLen, hop] of [[23, 6, 4], [16, 4, 4], [5, 8, 2], [0, 3, 1], [10, 1, 3], [400, 25, 10]]) {
    const signal = Float32Array.from({ length: len }, (_, i) => i * 0.5);
    for (const padEnd of [false, true]) {
      const expected = ref.frame(signal, frameLen, hop, padEnd, -2);
      const fromTyped = frame(signal, frameLen, hop, { padEnd, fill: -2 });
      assert.deepEqual(fromTyped.shape, [expected.n, frameLen], `${len} ${frameLen} ${hop} ${padEnd}`);
      assert.deepEqual(Array.from(fromTyped.data), expected.data);
      const wasm = WasmArray.fromTypedArray('float32', [len], signal);
      assert.deepEqual(Array.from(frame(wasm, frameLen, hop, { padEnd, fill: -2 }).data), expected.data);
      // frameInto: the same frames into a typed array and into a WasmArray.
      const into = new Float32Array(expected.data.length).fill(7);
      frameInto(signal, into, frameLen, hop, { padEnd, fill: -2 });
      assert.deepEqual(Array.from(into), expected.data, 'frameInto typed');
      const intoWasm = new WasmArray('float32', [expected.data.length]);
      frameInto(wasm, intoWasm, frameLen, hop, { padEnd, fill: -2 });
      assert.deepEqual(Array.from(intoWasm.data), expected.data, 'frameInto WasmArray');
      // overlapAdd is its fold.
      const added = overlapAdd(fromTyped, frameLen, hop);
      const sum = ref.overlapAdd(expected.data, frameLen, hop);
      assert.deepEqual(Array.from(added.data), sum);
      const addedInto = new Float32Array(sum.length).fill(5);
      overlapAddInto(fromTyped, addedInto, frameLen, hop);
      assert.deepEqual(Array.from(addedInto), sum, 'overlapAddInto');
    }
  }
  // Integer signals frame too; the default is no end padding.
  const pcm = Int16Array.from([1, -2, 3, -4, 5, -6, 7]);
  const f = frame(pcm, 3, 2);
  assert.equal(f.dtype, 'int16');
  assert.deepEqual(f.shape, [3, 3]);
  assert.deepEqual(Array.from(f.data), [1, -2, 3, 3, -4, 5, 5, -6, 7]);
});

test('overlapAdd of Float64Array frames', () => {
  const frames = Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
  const out = overlapAdd(frames, 4, 2);
  assert.equal(out.dtype, 'float64');
  assert.deepEqual(Array.from(out.data), [1, 1, 3, 3, 2, 2]);
  assert.equal(overlapAdd(new Float32Array(0), 4, 2).length, 0);
});

test('extents and windowWeights: the box a patch spans and the weights a weighted fold uses', () => {
  for (const geo of geometries) {
    const view = new PatchView({ ...geo, dtype: 'float64' });
    // extents: dilation * (size - 1) + 1 per window axis, the length of a whole axis, 1 for a batch axis.
    const want = geo.axes.map((a, i) => (a.role === 'window' ? a.dilation * (a.size - 1) + 1 : a.role === 'whole' ? geo.shape[i] : 1));
    assert.deepEqual(view.extents, want, JSON.stringify(geo));
    // The Gaussian of a window of n samples: exp(-z²/2), z = (i - (n - 1) / 2) / (0.125 n); empty lists off the window axes.
    const gauss = (n, scale = 0.125) => Array.from({ length: n }, (_, i) => Math.exp(-0.5 * ((i - (n - 1) / 2) / (scale * n)) ** 2));
    const weights = view.windowWeights({ window: 'gaussian', sigmaScale: 0.25 });
    assert.equal(weights.length, geo.shape.length);
    geo.axes.forEach((a, i) => {
      const expected = a.role === 'window' ? gauss(a.size, 0.25) : [];
      assert.equal(weights[i].length, expected.length);
      weights[i].forEach((w, j) => assert.ok(Math.abs(w - expected[j]) < 1e-12, `axis ${i} weight ${j}: ${w} vs ${expected[j]}`));
    });
    // A sum fold of patches holding those weights is what a weighted fold divides by: folding
    // patches of ones with the weights gives 1 wherever windows cover.
    const x = WasmArray.fromTypedArray('float64', geo.shape, new Float64Array(geo.shape.reduce((p, v) => p * v, 1)).fill(1));
    const ones = view.fold(view.extract(x), { window: 'gaussian', sigmaScale: 0.25 });
    const { count } = ref.fold({ ...geo, dtype: 'float64' }, ref.extract({ ...geo, dtype: 'float64' }, x.toArray()), 'mean');
    Array.from(ones.data).forEach((v, i) => assert.ok(count[i] > 0 ? Math.abs(v - 1) < 1e-12 : v === 0));
    assert.throws(() => view.windowWeights({ reduce: 'mean' }), /invalid argument: windowWeights needs the options of a weighted fold/);
    assert.throws(() => view.windowWeights({ window: 'gaussian', sigmaScale: 0 }), /invalid argument: Gaussian sigma_scale 0 must be finite and > 0/);
    view.free();
  }
});
