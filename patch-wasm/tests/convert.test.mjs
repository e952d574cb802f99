// Converting copies (opts.dtype, opts.normalize; frame's window) against a
// naive reference: the patches index by index (reference.mjs), then each
// value mapped and rounded as patch-core documents it, bit for bit:
//
//   no affine:      y = round_D(x)                      (one rounding of the exact value)
//   f32/f16/bf16:   y = round_D(f32(f32(f32(x) * f32(scale)) + f32(shift)))
//   f64:            y = x * scale + shift               (in float64)
//
// with round_D to nearest even, computed here from the number's own bits
// (toHalfBits), independently of the engine's Float16Array. Padding
// constants are destination values: round_D(fill), never mapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray, frame, frameInto } from 'patch-wasm';
import * as ref from './reference.mjs';

// ------------------------------------------------------------ reference

/** Round half to even. */
function rne(v) {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Bits of the binary16 (m = 10, e = 5) or bfloat16 (m = 7, e = 8) nearest `x` (a double). */
function toHalfBits(x, m, e) {
  const bias = (1 << (e - 1)) - 1;
  const sign = x < 0 || Object.is(x, -0) ? 1 << (m + e) : 0;
  if (Number.isNaN(x)) return ((1 << e) - 1) << m | 1 << (m - 1);
  const a = Math.abs(x);
  const inf = sign | ((1 << e) - 1) << m;
  if (a === Infinity) return inf;
  const emin = 1 - bias;
  if (a < 2 ** emin) return sign | rne(a / 2 ** (emin - m)); // subnormal (may round up to the smallest normal)
  let ex = Math.floor(Math.log2(a));
  while (2 ** ex > a) ex--;
  while (2 ** (ex + 1) <= a) ex++;
  let q = rne((a / 2 ** ex - 1) * 2 ** m);
  if (q === 2 ** m) {
    q = 0;
    ex++;
  }
  if (ex > bias) return inf;
  return sign | (ex + bias) << m | q;
}
const f16Bits = (x) => toHalfBits(x, 10, 5);
const bf16Bits = (x) => toHalfBits(x, 7, 8);

/** The value of binary16 bits. */
function fromF16Bits(b) {
  const s = b & 0x8000 ? -1 : 1;
  const ex = (b >> 10) & 31;
  const q = b & 1023;
  if (ex === 31) return q ? NaN : s * Infinity;
  return ex === 0 ? s * q * 2 ** -24 : s * (1 + q / 1024) * 2 ** (ex - 15);
}
const fromBf16Bits = (b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0];

test('the half-precision rounding reference against known bits', () => {
  assert.equal(f16Bits(1), 0x3c00);
  assert.equal(f16Bits(65504), 0x7bff);
  assert.equal(f16Bits(65520), 0x7c00); // rounds to Infinity
  assert.equal(f16Bits(65519.99), 0x7bff);
  assert.equal(f16Bits(2 ** -24), 1);
  assert.equal(f16Bits(2 ** -25), 0); // halfway to 0: even
  assert.equal(f16Bits(3 * 2 ** -25), 2); // halfway between 1 and 2: even
  assert.equal(f16Bits(1 + 2 ** -11), 0x3c00); // halfway: even
  assert.equal(f16Bits(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(f16Bits(-0), 0x8000);
  assert.equal(f16Bits(-2), 0xc000);
  assert.equal(bf16Bits(1), 0x3f80);
  assert.equal(bf16Bits(1 + 2 ** -8), 0x3f80);
  assert.equal(bf16Bits(1 + 3 * 2 ** -8), 0x3f82);
  for (const b of [0, 1, 0x3c00, 0x3555, 0x7bff, 0x8001, 0xfbff]) assert.equal(f16Bits(fromF16Bits(b)), b);
});

const CLASSES = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

/** `len` source values of `dtype` as [numbers, typed array to copy in]. */
function source(dtype, len) {
  const v = (i) => (i * 37 + 11) % 251;
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const bits = Uint16Array.from({ length: len }, (_, i) => (dtype === 'float16' ? f16Bits : bf16Bits)(v(i) / 8 - 15.3));
    const numbers = Array.from(bits, dtype === 'float16' ? fromF16Bits : fromBf16Bits);
    return [numbers, bits];
  }
  const Class = CLASSES[dtype];
  const typed = Class.from({ length: len }, (_, i) => {
    if (dtype.startsWith('float')) return v(i) * 0.37 - 20.1;
    if (dtype === 'uint32') return v(i) * 17_000_000 + i;   // beyond f16's range, beyond 2^24
    if (dtype === 'int32') return (v(i) - 125) * 9_000_000 + i;
    return dtype.startsWith('int') ? v(i) - 100 : v(i);
  });
  return [Array.from(typed), typed];
}

/** round_D of a double. */
function roundTo(dtype, x) {
  switch (dtype) {
    case 'float32': return Math.fround(x);
    case 'float16': return f16Bits(x);
    case 'bfloat16': return bf16Bits(x);
    default: return x;
  }
}

/** assert.deepEqual, fast when equal (the loop), detailed when not. */
function same(got, want, label) {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) assert.deepEqual(got, want, label);
}

/** The output of a copy as comparable numbers (bits for the 16-bit floats, -0 kept). */
const outValues = (arr) => Array.from(arr.data, (v) => (Object.is(v, -0) ? '-0' : v));

/**
 * The reference copy: `raw` patches (null at constant padding), mapped by
 * per-feature `scale`/`shift` (functions of the feature index q) and
 * rounded into `to`.
 */
function expected(raw, to, affine, patchLen, numPatches, order, fill) {
  return raw.map((x, pos) => {
    let y;
    if (x === null) y = roundTo(to, fill);
    else if (!affine) y = roundTo(to, x);
    else {
      const q = order === 'patch-major' ? pos % patchLen : Math.floor(pos / numPatches);
      const [s, b] = [affine.scale(q), affine.shift(q)];
      y = to === 'float64' ? x * s + b : roundTo(to, Math.fround(Math.fround(Math.fround(x) * Math.fround(s)) + Math.fround(b)));
    }
    return Object.is(y, -0) ? '-0' : y;
  });
}

/** The affine maps to test on patches of shape `inner`: none, scalar, and per index of each axis. */
function affines(inner) {
  const out = [[undefined, null], [{ scale: 0.1, shift: -3.3 }, { scale: () => 0.1, shift: () => -3.3 }]];
  inner.forEach((len, axis) => {
    const after = inner.slice(axis + 1).reduce((p, n) => p * n, 1);
    const idx = (q) => Math.floor(q / after) % len;
    const scale = Array.from({ length: len }, (_, i) => 0.3 + 1.7 * i - (i % 2) * 4.1);
    const shift = Array.from({ length: len }, (_, i) => i * 0.25 - 1);
    out.push([{ scale, shift, axis }, { scale: (q) => scale[idx(q)], shift: (q) => shift[idx(q)] }]);
    if (len !== 3) return; // the Hugging Face form along the channel axis only
    const mean = Array.from({ length: len }, (_, i) => 0.4 + i * 0.03);
    const std = Array.from({ length: len }, (_, i) => 0.22 + i * 0.005);
    const rescale = 1 / 255;
    out.push([
      { rescale, mean, std, axis },
      { scale: (q) => rescale / std[idx(q)], shift: (q) => -mean[idx(q)] / std[idx(q)] },
    ]);
  });
  return out;
}

const W = (size, step = 1) => ({ role: 'window', size, step });
const GEOMETRIES = [
  // HWC tiles, SAME constant padding (a fill that is not zero).
  [{ shape: [5, 6, 3], axes: [W(2, 2), W(3, 2), { role: 'whole' }], padding: { convention: 'same', mode: 'constant' } }, -1.5],
  // CHW (C, ph, pw) windows with reflect padding, strided layout (RGBA as RGB).
  [{ shape: [3, 4, 5], strides: [1, 20, 4], axes: [{ role: 'whole' }, W(2), W(3, 2)], padding: { convention: 'same', mode: 'reflect' } }, undefined],
];

test('every dtype pair, every affine axis, both orders, constant and reflect padding: bit for bit', () => {
  let checked = 0;
  for (const [geo, fill] of GEOMETRIES) {
    const bufLen = geo.strides ? 4 * 4 * 5 : geo.shape.reduce((p, n) => p * n, 1);
    for (const from of ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'float16', 'bfloat16']) {
      const options = { ...geo, dtype: from };
      const view = new PatchView(options);
      const g = ref.geometry(options);
      const [numbers, typed] = source(from, bufLen);
      const src = WasmArray.fromTypedArray(from, [bufLen], typed);
      const raws = Object.fromEntries(['patch-major', 'feature-major'].map((o) => [o, ref.extract(options, numbers, o, null)]));
      for (const to of ['float32', 'float64', 'float16', 'bfloat16', from]) {
        for (const [k, [normalize, affine]] of affines(view.innerShape).entries()) {
          if (!affine && to === from && from !== 'float32') continue; // plain copies: extract.test.mjs
          for (const order of ['patch-major', 'feature-major']) {
            const raw = raws[order];
            if (normalize && !['float32', 'float64', 'float16', 'bfloat16'].includes(to)) {
              assert.throws(() => view.extract(src, { dtype: to, normalize }), (e) => e.kind === 'unsupported dtype');
              continue;
            }
            // A fractional negative fill where the destination holds it (the floats).
            const f = fill !== undefined && ['float32', 'float64', 'float16', 'bfloat16'].includes(to) ? fill : undefined;
            const opts = { order, dtype: to, ...(normalize && { normalize }), ...(f !== undefined && { fill: f }) };
            const want = expected(raw, to, affine, g.patchLen, g.numPatches, order, f ?? 0);
            const out = view.extract(src, opts);
            const label = `${from} -> ${to}, ${JSON.stringify(normalize)}, ${order}, ${geo.padding.mode}`;
            assert.equal(out.dtype, to, label);
            same(outValues(out), want, label);
            out.free();
            checked++;
            if (k !== 2) continue;
            // extractInto a WasmArray and a JavaScript typed array give the same.
            const dst = new WasmArray(to, [want.length]);
            view.extractInto(src, dst, opts);
            same(outValues(dst), want, `${label} (extractInto WasmArray)`);
            const js = new (to === 'float16' || to === 'bfloat16' ? Uint16Array : CLASSES[to])(want.length);
            view.extractInto(src, js, opts);
            same(Array.from(js, (v) => (Object.is(v, -0) ? '-0' : v)), want, `${label} (extractInto typed)`);
            dst.free();
          }
        }
      }
      src.free();
      view.free();
    }
  }
  assert.ok(checked > 500, `${checked} copies checked`);
});

test('float16 and bfloat16 arrays: Uint16Array bits where the engine has no Float16Array', () => {
  const h = WasmArray.fromTypedArray('float16', [3], [1, -2.5, 65504]);
  const Half = globalThis.Float16Array ?? Uint16Array;
  assert.ok(h.data instanceof Half);
  if (Half === Uint16Array) assert.deepEqual(Array.from(h.data), [0x3c00, 0xc100, 0x7bff]);
  else assert.deepEqual(Array.from(h.data), [1, -2.5, 65504]);
  const b = WasmArray.fromTypedArray('bfloat16', [2], new Uint16Array([0x3f80, 0xc020]));
  assert.ok(b.data instanceof Uint16Array);
  assert.deepEqual(Array.from(b.toArray()), [0x3f80, 0xc020]);
  // A float16 view reads float16 arrays; its data (a Uint16Array here) is recognised in place.
  const view = new PatchView({ shape: [3], dtype: 'float16', axes: [W(2)] });
  assert.deepEqual(Array.from(view.extract(h, { dtype: 'float32' }).data), [1, -2.5, -2.5, 65504]);
  const out = new WasmArray('float64', [4]);
  view.extractInto(h.data, out, { dtype: 'float64' });
  assert.deepEqual(Array.from(out.data), [1, -2.5, -2.5, 65504]);
  // Values beyond float16's range in a fill are refused, as for float32.
  const padded = new PatchView({ shape: [3], dtype: 'uint8', axes: [W(2)], padding: { pads: [[1, 0]] } });
  const u = WasmArray.fromTypedArray('uint8', [3], [1, 2, 3]);
  assert.throws(() => padded.extract(u, { dtype: 'float16', fill: 1e6 }), /opts.fill 1000000 cannot be stored in float16 \(it would overflow to Infinity\)/);
  assert.deepEqual(Array.from(padded.extract(u, { dtype: 'float16', fill: 0.1 }).data).slice(0, 1), [globalThis.Float16Array ? Math.fround(0.0999755859375) : f16Bits(0.1)]);
  // The fill is a destination value, not normalized.
  assert.deepEqual(Array.from(padded.extract(u, { normalize: { scale: 2, shift: 1 }, fill: -7 }).data), [-7, 3, 3, 5, 5, 7]);
  for (const o of [h, b, view, out, padded, u]) o.free();
});

test('normalize options: forms, defaults and errors', () => {
  const view = new PatchView({ layout: { name: 'rgba-as-rgb-hwc', height: 2, width: 2 }, dtype: 'uint8clamped', axes: [W(2, 2), W(2, 2), { role: 'whole' }] });
  const img = WasmArray.fromImage({ data: Uint8ClampedArray.from({ length: 16 }, (_, i) => i * 16), width: 2, height: 2 });
  // Defaults: normalize gives float32; mean/std arrays run along the only axis of length 3.
  const a = view.extract(img, { normalize: { rescale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] } });
  assert.equal(a.dtype, 'float32');
  const px = [0, 16, 32, 64, 80, 96, 128, 144, 160, 192, 208, 224];
  const want = px.map((x, i) => {
    const c = i % 3;
    const s = (1 / 255) / [0.2, 0.25, 0.5][c];
    const b = -[0.5, 0.4, 0.3][c] / [0.2, 0.25, 0.5][c];
    return Math.fround(Math.fround(x * Math.fround(s)) + Math.fround(b));
  });
  assert.deepEqual(Array.from(a.data), want);
  // Scalars, an explicit axis, and a float64 destination.
  assert.deepEqual(Array.from(view.extract(img, { normalize: { scale: 2 } }).data), px.map((x) => 2 * x));
  assert.deepEqual(Array.from(view.extract(img, { dtype: 'float64', normalize: { shift: [1, 2, 3], axis: 2 } }).data), px.map((x, i) => x + 1 + (i % 3)));
  assert.deepEqual(Array.from(view.extract(img, { dtype: 'float64', normalize: { scale: 3, axis: 1 } }).data), px.map((x) => 3 * x));
  assert.deepEqual(Array.from(view.extract(img, { normalize: { rescale: 2, mean: 1, std: 4 } }).data), px.map((x) => Math.fround(Math.fround(x * 0.5) - 0.25)));
  const err = (kind, re) => (e) => e.name === 'PatchError' && e.kind === kind && re.test(e.message);
  assert.throws(() => view.extract(img, { normalize: { mean: [1, 2], std: [1, 1] } }), err('invalid argument', /several axes of the patch \(shape \[2, 2, 3\]\) have length 2: give opts.normalize.axis/));
  assert.throws(() => view.extract(img, { normalize: { mean: [1, 2, 3, 4], std: 1 } }), err('invalid argument', /opts.normalize.mean has 4 entries, more than the largest patch axis \(3\)/));
  assert.throws(() => view.extract(img, { normalize: { mean: [1, 2, 3], std: [1, 1] } }), err('invalid argument', /lists of 3 and 2 values/));
  assert.throws(() => view.extract(img, { normalize: { mean: [0, 0, 0], std: [1, 0, 1] } }), err('invalid argument', /std\[1\] is 0/));
  assert.throws(() => view.extract(img, { normalize: { mean: 0 } }), err('invalid argument', /needs both mean and std/));
  assert.throws(() => view.extract(img, { normalize: { mean: 0, std: 1, scale: 2 } }), err('invalid argument', /either \{ rescale, mean, std \} or \{ scale, shift \}/));
  assert.throws(() => view.extract(img, { normalize: { scale: 1, offset: 2 } }), err('invalid argument', /opts.normalize has an unknown key 'offset'/));
  assert.throws(() => view.extract(img, { normalize: { scale: Infinity } }), err('invalid argument', /must be finite/));
  assert.throws(() => view.extract(img, { normalize: { scale: '2' } }), err('invalid argument', /opts.normalize.scale must be a number or an array of numbers, got '2'/));
  assert.throws(() => view.extract(img, { normalize: { scale: [1, 2, 3], axis: 0 } }), err('invalid argument', /has 3 values but axis 0 of the patch \(shape \[2, 2, 3\]\) has length 2/));
  assert.throws(() => view.extract(img, { normalize: { scale: 2, axis: 5 } }), err('invalid argument', /axis is 5, but the patch \(shape \[2, 2, 3\]\) has 3 axes/));
  assert.throws(() => view.extract(img, { dtype: 'uint8', normalize: { scale: 2 } }), err('unsupported dtype', /maps values into a float dtype, not uint8/));
  assert.throws(() => view.extract(img, { dtype: 'int16' }), err('unsupported dtype', /cannot copy uint8clamped into int16/));
  assert.throws(() => view.extract(img, { dtype: 'float8' }), err('invalid argument', /opts.dtype must be one of/));
  // A plain copy into the same elements under another name.
  assert.equal(view.extract(img, { dtype: 'uint8' }).dtype, 'uint8');
  // extractInto: the destination must hold the copy's dtype; nothing is written on failure.
  const dst = new Float32Array(12).fill(7);
  assert.throws(() => view.extractInto(img, dst, { dtype: 'float16' }), err('unsupported dtype', /dst holds float32 but the copy writes float16/));
  assert.throws(() => view.extractInto(img, dst, { normalize: { mean: [1, 2], std: [1, 1] } }), err('invalid argument', /give opts.normalize.axis/));
  assert.deepEqual(Array.from(dst), new Array(12).fill(7));
  const wasmDst = new WasmArray('bfloat16', [12]);
  assert.throws(() => view.extractInto(img, wasmDst, { dtype: 'float16' }), err('unsupported dtype', /dst holds bfloat16 but the copy writes float16/));
  view.extractInto(img, wasmDst, { dtype: 'bfloat16', normalize: { scale: 1 / 16 } });
  assert.deepEqual(Array.from(wasmDst.data), px.map((x) => bf16Bits(x / 16)));
  for (const o of [view, img, a, wasmDst]) o.free();
});

test('windowed frames: named windows equal torch, and one pass equals frame then multiply', () => {
  // torch.hann_window / torch.hamming_window values (periodic, then symmetric).
  const win = (n, opts) => Array.from(frame(new Float64Array(n).fill(1), n, n, { dtype: 'float64', ...opts }).data);
  const close = (got, want) => got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-12, `${v} vs ${want[i]}`));
  close(win(4, { window: 'hann' }), [0, 0.5, 1, 0.5]);
  close(win(8, { window: 'hann', periodic: true }), [0, 0.14644660940672624, 0.5, 0.8535533905932737, 1, 0.8535533905932737, 0.5, 0.14644660940672624]);
  close(win(5, { window: 'hann', periodic: false }), [0, 0.5, 1, 0.5, 0]);
  close(win(4, { window: 'hamming' }), [0.08, 0.54, 1, 0.54]);
  close(win(5, { window: 'hamming', periodic: false }), [0.08, 0.54, 1, 0.54, 0.08]);
  // An int16 signal, frame 16 hop 6, padded end: windowed (and scaled) in one pass.
  const signal = Int16Array.from({ length: 100 }, (_, i) => ((i * 7919) % 65536) - 32768);
  const w = win(16, { window: 'hann' });
  const { data: raw } = ref.frame(Array.from(signal), 16, 6, true, null);
  for (const [to, normalize] of [['float32', undefined], ['float16', undefined], ['float32', { scale: 1 / 32768 }], ['bfloat16', { scale: 1 / 32768, shift: 0.5 }]]) {
    const opts = { window: w, padEnd: true, fill: 0.25, dtype: to, ...(normalize && { normalize }) };
    const s = normalize?.scale ?? 1;
    const b = normalize?.shift ?? 0;
    const affine = { scale: (q) => s * w[q], shift: (q) => b * w[q] };
    const want = expected(raw, to, affine, 16, raw.length / 16, 'patch-major', 0.25);
    const out = frame(signal, 16, 6, opts);
    assert.deepEqual(out.shape, [17, 16]);
    assert.equal(out.dtype, to);
    assert.deepEqual(outValues(out), want, `${to} ${JSON.stringify(normalize)}`);
    const into = new (to === 'float32' ? Float32Array : Uint16Array)(out.length);
    frameInto(signal, into, 16, 6, opts);
    assert.deepEqual(Array.from(into), want.map((v) => (v === '-0' ? -0 : v)));
    out.free();
  }
  // With a named window the default dtype is float32.
  const named = frame(signal, 16, 6, { window: 'hamming', periodic: false });
  assert.equal(named.dtype, 'float32');
  named.free();
  const err = (re) => (e) => e.name === 'PatchError' && re.test(e.message);
  assert.throws(() => frame(signal, 16, 6, { window: 'blackman' }), err(/opts.window must be 'hann', 'hamming' or an array of frameLen numbers/));
  assert.throws(() => frame(signal, 16, 6, { window: [1, 2] }), err(/opts.window has 2 values but frames have 16 samples/));
  assert.throws(() => frame(signal, 16, 6, { periodic: true }), err(/opts.periodic is only used with a named opts.window/));
  assert.throws(() => frame(signal, 16, 6, { window: 'hann', dtype: 'int16' }), err(/maps values into a float dtype, not int16/));
  assert.throws(() => frameInto(signal, new Float64Array(17 * 16), 16, 6, { padEnd: true, window: 'hann' }), err(/the destination holds float64 but the frames are float32/));
});

test('hostile converting options: throwing getters, huge lists and Proxies are errors, never a crash', () => {
  const view = new PatchView({ shape: [4, 3], dtype: 'uint8', axes: [W(2), { role: 'whole' }] });
  const src = WasmArray.fromTypedArray('uint8', [12], Uint8Array.from({ length: 12 }, (_, i) => i));
  const err = (re) => (e) => e.name === 'PatchError' && e.kind === 'invalid argument' && re.test(e.message);
  assert.throws(() => view.extract(src, { normalize: { get mean() { throw new Error('boom'); }, std: 1 } }), err(/reading 'mean' threw/));
  assert.throws(() => view.extract(src, { get dtype() { throw new Error('boom'); } }), err(/reading 'dtype' threw/));
  assert.throws(() => view.extract(src, { normalize: { scale: new Array(1e8) } }), err(/opts.normalize.scale has 100000000 entries, more than the largest patch axis \(3\)/));
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.throws(() => view.extract(src, { normalize: proxy }), err(/opts.normalize must be an object, got/));
  assert.throws(() => frame(new Float32Array(8), 4, 2, { window: new Array(1e8) }), err(/opts.window has 100000000 entries, more than the frame length \(4\)/));
  assert.throws(() => frame(new Float32Array(8), 4, 2, { window: [1, 2, '3', 4] }), err(/opts.window\[2\] must be a number, got '3'/));
  // The view and the arrays stay usable.
  assert.deepEqual(Array.from(view.extract(src, { normalize: { scale: 2 } }).data).slice(0, 3), [0, 2, 4]);
  src.free();
  view.free();
});
