// Extraction compared with the plain JavaScript reference loop, for every
// geometry the issue names, every padding mode and convention, both orders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray } from 'patch-wasm';
import * as ref from './reference.mjs';

const CLASSES = {
  uint8: Uint8Array, uint8clamped: Uint8ClampedArray, int8: Int8Array, uint16: Uint16Array,
  int16: Int16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

/** A buffer of `len` values of `dtype` (varied, exact in the type). */
function values(dtype, len) {
  const Class = CLASSES[dtype];
  return Class.from({ length: len }, (_, i) => {
    const v = (i * 37 + 11) % 251;
    return dtype.startsWith('float') ? v / 4 - 20 : dtype.startsWith('int') ? v - 100 : v;
  });
}

/** The smallest buffer the options' layout fits. */
function bufferLen(options) {
  const strides = options.strides;
  if (!strides) return options.shape.reduce((p, x) => p * x, 1);
  let hi = options.offset ?? 0;
  options.shape.forEach((n, i) => { if (strides[i] > 0) hi += (n - 1) * strides[i]; });
  return hi + 1;
}

/**
 * Extracts with the package (both orders, extract and extractInto) and
 * compares with the reference; `fill` is the constant of constant padding.
 */
function check(options, label, fill) {
  const view = new PatchView(options);
  const g = ref.geometry(options);
  assert.deepEqual(view.shape, [...g.outer, ...g.inner], `${label}: shape`);
  assert.equal(view.numPatches, g.numPatches, `${label}: numPatches`);
  assert.equal(view.patchLen, g.patchLen, `${label}: patchLen`);
  const data = values(options.dtype, bufferLen(options));
  const src = WasmArray.fromTypedArray(options.dtype, [data.length], data);
  for (const order of ['patch-major', 'feature-major']) {
    const expected = Array.from(CLASSES[options.dtype].from(ref.extract(options, data, order, fill ?? 0)));
    const opts = fill === undefined ? { order } : { order, fill };
    const out = view.extract(src, opts);
    assert.equal(out.dtype, options.dtype);
    assert.deepEqual(
      out.shape,
      order === 'patch-major' ? [g.numPatches, g.patchLen] : [g.patchLen, g.numPatches],
    );
    assert.deepEqual(Array.from(out.data), expected, `${label}: extract ${order}`);
    // Into a JavaScript typed array (one copy out) ...
    const js = new CLASSES[options.dtype](g.numPatches * g.patchLen);
    view.extractInto(src, js, opts);
    assert.deepEqual(Array.from(js), expected, `${label}: extractInto typed ${order}`);
    // ... and into a WasmArray, in place.
    const dst = new WasmArray(options.dtype, [g.numPatches * g.patchLen]);
    view.extractInto(src, dst, opts);
    assert.deepEqual(Array.from(dst.data), expected, `${label}: extractInto WasmArray ${order}`);
    // Patch k of a view starts at patchOffset(k) and has its origin.
    if (view.isView && g.numPatches > 0 && g.patchLen > 0) {
      const k = g.numPatches - 1;
      const first = data[view.patchOffset(k) / view.itemsize];
      const at = order === 'patch-major' ? k * g.patchLen : k;
      assert.equal(out.data[at], first, `${label}: patchOffset`);
    }
    out.free();
    dst.free();
  }
  src.free();
  view.free();
}

const W = (size, step = 1, dilation = 1) => ({ role: 'window', size, step, dilation });

test('ViT tiles on HWC uint8 and uint8clamped (canvas pixels)', () => {
  for (const dtype of ['uint8', 'uint8clamped']) {
    check({ shape: [32, 48, 3], dtype, axes: [W(16, 16), W(16, 16), { role: 'whole' }] }, `vit ${dtype}`);
    check({ shape: [10, 10, 4], dtype, axes: [W(4, 4), W(4, 4), { role: 'whole' }] }, `vit rgba ${dtype}`);
  }
});

test('CHW im2col with Same padding (zeros and a constant)', () => {
  check(
    { shape: [3, 9, 7], dtype: 'float32', axes: [{ role: 'whole' }, W(3), W(3)], padding: { convention: 'same' } },
    'im2col same',
  );
  check(
    {
      shape: [2, 8, 8], dtype: 'float32', axes: [{ role: 'whole' }, W(5, 2), W(4, 3)],
      padding: { convention: 'same', mode: 'constant' },
    },
    'im2col same strided',
    -1.5,
  );
});

test('dilation', () => {
  check({ shape: [11, 9], dtype: 'int32', axes: [W(3, 1, 3), W(2, 2, 4)] }, 'dilated valid');
  check(
    { shape: [7, 9], dtype: 'int16', axes: [W(3, 2, 2), W(3, 1, 3)], padding: { convention: 'same', mode: 'reflect' } },
    'dilated same reflect',
  );
});

test('batch axes (numpy sliding_window_view on some axes)', () => {
  check({ shape: [3, 6, 5], dtype: 'uint16', axes: [{ role: 'batch' }, W(3), W(2)] }, 'batch');
  check({ shape: [4, 5, 2], dtype: 'float64', axes: [W(2), { role: 'batch' }, { role: 'whole' }] }, 'batch middle');
  check(
    { shape: [2, 3, 8, 8, 3], dtype: 'uint8', axes: [{ role: 'batch' }, { role: 'batch' }, W(4, 4), W(4, 4), { role: 'whole' }] },
    'two batch axes',
  );
});

test('negative strides (a flipped array) and offsets', () => {
  check(
    { shape: [6, 7], dtype: 'float32', strides: [-7, 1], offset: 35, axes: [W(3, 2), W(2, 2)] },
    'rows flipped',
  );
  check(
    { shape: [5, 4, 3], dtype: 'uint8', strides: [12, -3, -1], offset: 11, axes: [W(2), W(2, 2), { role: 'whole' }] },
    'columns and channels flipped',
  );
  check(
    {
      shape: [6, 6], dtype: 'int8', strides: [-6, -1], offset: 35, axes: [W(3), W(4, 3)],
      padding: { pads: [[2, 1], [3, 4]], mode: 'symmetric' },
    },
    'flipped and padded',
  );
  check(
    { shape: [3, 4], dtype: 'int32', strides: [1, 3], offset: 2, axes: [W(2), W(3)] },
    'column-major with offset',
  );
});

test('every padding mode with every convention, both orders', () => {
  const modes = ['constant', 'reflect', 'symmetric', 'edge', 'wrap'];
  const conventions = [
    { convention: 'valid' },
    { convention: 'same' },
    { convention: 'explicit', pads: [[3, 1], [0, 5]] },
    { pads: [[7, 9], [2, 2]] }, // wider than the axes: the pattern repeats
    { convention: 'cover' },
  ];
  for (const dtype of ['float32', 'int16', 'uint32']) {
    for (const mode of modes) {
      for (const c of conventions) {
        const padding = { ...c, mode };
        check(
          { shape: [5, 6], dtype, axes: [W(3, 2), W(2, 3, 2)], padding },
          `${dtype} ${mode} ${JSON.stringify(c)}`,
          mode === 'constant' ? 7 : undefined,
        );
      }
    }
  }
});

test('Cover shifts the last window back to the border', () => {
  const options = { shape: [10], dtype: 'float64', axes: [W(4, 3)], padding: { convention: 'cover' } };
  const v = new PatchView(options);
  assert.deepEqual(v.grid, [3]);
  assert.deepEqual([0, 1, 2].map((k) => v.patchOrigin(k)[0]), [0, 3, 6]);
  check(options, 'cover 1-D');
  check({ shape: [9, 13, 2], dtype: 'float32', axes: [W(4, 3), W(5, 4), { role: 'whole' }], padding: { convention: 'cover' } }, 'cover 2-D');
});

test('edge cases: window equal to the axis, size-1 axes, empty arrays', () => {
  check({ shape: [4, 1], dtype: 'float32', axes: [W(4), W(1)] }, 'window = axis');
  check({ shape: [0, 5], dtype: 'float32', axes: [{ role: 'batch' }, W(2)] }, 'empty batch');
  check({ shape: [3, 0], dtype: 'uint8', axes: [W(2), { role: 'whole' }] }, 'empty whole');
  check({ shape: [1], dtype: 'int8', axes: [W(3)], padding: { convention: 'same', mode: 'reflect' } }, 'reflect of one element');
});

test('random geometries against the reference', () => {
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const modes = ['constant', 'reflect', 'symmetric', 'edge', 'wrap'];
  let done = 0;
  for (let t = 0; t < 300 && done < 120; t++) {
    const ndim = 1 + rand(3);
    const shape = Array.from({ length: ndim }, () => 1 + rand(6));
    const axes = shape.map(() => {
      const r = rand(5);
      return r === 0 ? { role: 'whole' } : r === 1 ? { role: 'batch' } : W(1 + rand(3), 1 + rand(3), 1 + rand(2));
    });
    const nw = axes.filter((a) => a.role === 'window').length;
    const conv = ['valid', 'same', 'explicit', 'cover'][rand(4)];
    const mode = modes[rand(5)];
    const padding = { convention: conv, mode };
    if (conv === 'explicit') padding.pads = Array.from({ length: nw }, () => [rand(4), rand(4)]);
    const flip = rand(2) === 1;
    const options = { shape, dtype: 'float64', axes, padding };
    if (flip) {
      // Flip the first axis.
      const strides = [];
      let acc = 1;
      for (let i = ndim - 1; i >= 0; i--) { strides[i] = acc; acc *= shape[i]; }
      options.offset = (shape[0] - 1) * strides[0];
      strides[0] = -strides[0];
      options.strides = strides;
    }
    let g;
    try { g = ref.geometry(options); } catch { continue; }
    if (g.numPatches * g.patchLen > 5000) continue;
    check(options, JSON.stringify(options));
    done++;
  }
  assert.ok(done >= 100, `${done} geometries checked`);
});
