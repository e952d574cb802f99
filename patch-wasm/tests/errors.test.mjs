// Every bad input: an Error named PatchError whose message names the kind
// and the numbers, and the objects involved still work afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray, frame, frameInto, overlapAdd, overlapAddInto } from 'patch-wasm';

const W = (size, step, dilation) => ({ role: 'window', size, step, dilation });
const good = { shape: [4, 6], dtype: 'float32', axes: [{ role: 'window', size: 2, step: 2 }, { role: 'window', size: 3, step: 3 }] };
const opts = (patch) => ({ ...good, ...patch });

/** Asserts that f throws a PatchError with exactly `message`. */
function throwsPatchError(f, message) {
  let caught;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a throw: ${message}`);
  assert.ok(caught instanceof Error, `an Error: ${caught}`);
  assert.equal(caught.name, 'PatchError');
  assert.equal(caught.message, message);
  assert.equal(caught.kind, message.slice(0, message.indexOf(':')));
}

const constructorCases = [
  [undefined, 'invalid argument: PatchView options must be an object, got undefined'],
  [[1, 2], 'invalid argument: PatchView options must be an object, got an array'],
  [opts({ shape: 4 }), 'invalid argument: options.shape must be an array, got 4'],
  [opts({ shape: [4, -1] }), 'invalid argument: options.shape[1] must be a non-negative integer, got -1'],
  [opts({ shape: [4, 6.5] }), 'invalid argument: options.shape[1] must be a non-negative integer, got 6.5'],
  [opts({ shape: [4, '6'] }), "invalid argument: options.shape[1] must be a non-negative integer, got '6'"],
  [opts({ shape: [4, NaN] }), 'invalid argument: options.shape[1] must be a non-negative integer, got NaN'],
  [opts({ dtype: 'float128' }), "invalid argument: options.dtype must be one of 'uint8', 'uint8clamped', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'float16', 'bfloat16', got 'float128'"],
  [opts({ dtype: undefined }), "invalid argument: options.dtype must be one of 'uint8', 'uint8clamped', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'float16', 'bfloat16', got undefined"],
  [opts({ axes: 'window' }), "invalid argument: options.axes must be an array, got 'window'"],
  [opts({ axes: [{ role: 'tile', size: 2 }, { role: 'whole' }] }), "invalid argument: options.axes[0].role must be one of 'window', 'whole', 'batch', got 'tile'"],
  [opts({ axes: [{ role: 'window', size: 2, stride: 2 }, { role: 'whole' }] }), "invalid argument: options.axes[0] has an unknown key 'stride' (expected role, size, step, dilation)"],
  [opts({ axes: [{ role: 'window' }, { role: 'whole' }] }), 'invalid argument: options.axes[0].size must be a non-negative integer, got undefined'],
  [opts({ axes: [{ role: 'window', size: 2 }, { role: 'whole', size: 3 }] }), "invalid argument: options.axes[1].size is only used with role 'window', not 'whole'"],
  [opts({ axes: [{ role: 'window', size: 2, step: -1 }, { role: 'whole' }] }), 'invalid argument: options.axes[0].step must be a non-negative integer, got -1'],
  [opts({ axes: [W(2, 1, 1.5), { role: 'whole' }] }), 'invalid argument: options.axes[0].dilation must be a non-negative integer, got 1.5'],
  [opts({ axes: [null, { role: 'whole' }] }), 'invalid argument: options.axes[0] must be an object, got null'],
  [opts({ colour: 'red' }), "invalid argument: PatchView options has an unknown key 'colour' (expected shape, dtype, axes, strides, offset, padding, layout)"],
  [opts({ axes: [{ role: 'whole' }] }), 'rank mismatch: the spec has 1 axis roles but the array has 2 axes (shape [4, 6])'],
  [opts({ strides: [6] }), 'rank mismatch: shape has 2 axes but strides has 1'],
  [opts({ strides: [6, 0.5] }), 'invalid argument: options.strides[1] must be an integer, got 0.5'],
  [opts({ offset: -3 }), 'invalid argument: options.offset must be a non-negative integer, got -3'],
  [opts({ axes: [W(0, 1, 1), { role: 'whole' }] }), 'zero size: window size of axis 0 is 0; it must be at least 1'],
  [opts({ axes: [W(2, 0, 1), { role: 'whole' }] }), 'zero step: step of axis 0 is 0; it must be at least 1'],
  [opts({ axes: [W(2, 1, 0), { role: 'whole' }] }), 'zero dilation: dilation of axis 0 is 0; it must be at least 1'],
  [{ shape: [4, 8], dtype: 'float32', axes: [{ role: 'batch' }, W(5, 1, 2)] }, 'window too large: window 5 (extent 9 with dilation 2) is larger than axis 1 of length 8'],
  [opts({ padding: { convention: 'cover' }, axes: [W(5), { role: 'whole' }] }), 'window too large: window 5 is larger than axis 0 of length 4 (Cover shifts windows inside the axis; use Same or explicit padding for a larger window)'],
  [opts({ padding: { pads: [[1, 1], [0, 0]], mode: 'edge' }, axes: [W(7), W(2)] }), 'window too large: window 7 is larger than axis 0 of length 4 padded by (1, 1)'],
  [opts({ padding: { pads: [[1, 1]] } }), 'rank mismatch: explicit padding has 1 (lo, hi) pairs but the spec has 2 window axes'],
  [opts({ padding: { convention: 'explicit' } }), 'invalid argument: options.padding.pads is required with convention \'explicit\': one [lo, hi] pair per window axis'],
  [opts({ padding: { convention: 'same', pads: [[1, 1], [1, 1]] } }), "invalid argument: options.padding.pads is only used with convention 'explicit', not 'same'"],
  [opts({ padding: { pads: [[1, 1], [1]] } }), 'invalid argument: options.padding.pads[1] must be a [lo, hi] pair, got 1 numbers'],
  [opts({ padding: { pads: [[1, 1], [1, -1]] } }), 'invalid argument: options.padding.pads[1][1] must be a non-negative integer, got -1'],
  [opts({ padding: { convention: 'full' } }), "invalid argument: options.padding.convention must be one of 'valid', 'same', 'cover', 'explicit', got 'full'"],
  [opts({ padding: { mode: 'mirror' } }), "invalid argument: options.padding.mode must be one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap', got 'mirror'"],
  // The constant moved to the copy (extract's opts.fill).
  [opts({ padding: { mode: 'constant', value: 0 } }), "invalid argument: options.padding has an unknown key 'value' (expected convention, pads, mode)"],
  [opts({ padding: 'same' }), "invalid argument: options.padding must be an object, got 'same'"],
  [{ shape: [0], dtype: 'uint8', axes: [W(1)], padding: { pads: [[1, 1]], mode: 'reflect' } }, 'invalid argument: cannot pad axis 0 of length 0 with mode reflect: there is no element to read'],
  [{ shape: [65536, 65536], dtype: 'uint8', axes: [W(1), W(1)] }, 'overflow: the C-contiguous strides of shape [65536, 65536] overflow isize'],
  [{ shape: [4294967296], dtype: 'uint8', axes: [W(1)] }, 'invalid argument: options.shape[0] is 4294967296, too large for wasm32'],
];

test('PatchView constructor: every bad option', () => {
  for (const [options, message] of constructorCases) {
    throwsPatchError(() => new PatchView(options), message);
  }
  // The module still works.
  assert.deepEqual(new PatchView(good).shape, [2, 2, 2, 3]);
});

test('PatchView methods: bad arguments, and the view stays usable', () => {
  const view = new PatchView(good);
  const x = WasmArray.fromTypedArray('float32', [4, 6], Float32Array.from({ length: 24 }, (_, i) => i));
  const padded = new PatchView(opts({ padding: { pads: [[1, 0], [0, 0]] } }));
  const u8 = new WasmArray('uint8', [24]);
  const reflect = new PatchView(opts({ padding: { pads: [[1, 0], [0, 0]], mode: 'reflect' } }));
  const bytes = new PatchView({ ...good, dtype: 'uint8', padding: { pads: [[1, 0], [0, 0]] } });
  const small = new WasmArray('float32', [23]);
  const cases = [
    [() => view.patchOrigin(4), 'out of bounds: patch 4 is out of range for 4 patches'],
    [() => view.patchOrigin(-1), 'invalid argument: patch index k must be a non-negative integer, got -1'],
    [() => view.patchOrigin(1.5), 'invalid argument: patch index k must be a non-negative integer, got 1.5'],
    [() => view.patchOffset(Infinity), 'invalid argument: patch index k must be a non-negative integer, got Infinity'],
    [() => view.touchesPadding(99), 'out of bounds: patch 99 is out of range for 4 patches'],
    [() => padded.strides, 'not a view: the windows read padding; no strides express this, extract a copy instead'],
    [() => padded.elementStrides, 'not a view: the windows read padding; no strides express this, extract a copy instead'],
    [() => padded.patchOffset(0), 'not a view: the windows read padding; no strides express this, extract a copy instead'],
    [() => view.extract(new Float32Array(24)), 'invalid argument: src must be a WasmArray, got a Float32Array (copy it in with WasmArray.fromTypedArray)'],
    [() => view.extract({ ptr: 8, length: 24 }), 'invalid argument: src must be a WasmArray, got an object'],
    [() => view.extract(), 'invalid argument: src must be a WasmArray, got undefined'],
    [() => view.extract(u8), 'unsupported dtype: src holds uint8 but the PatchView is for float32'],
    [() => view.extract(small), 'out of bounds: shape [4, 6] with strides [6, 1] and offset 0 reaches index 23, past the end of a buffer of 23 elements'],
    [() => view.extract(x, { order: 'column-major' }), "invalid argument: opts.order must be one of 'patch-major', 'feature-major', got 'column-major'"],
    [() => view.extract(x, { ordr: 'patch-major' }), "invalid argument: opts has an unknown key 'ordr' (expected order, fill, dtype, normalize)"],
    [() => padded.extract(x, { fill: '1' }), "invalid argument: opts.fill must be a number, got '1'"],
    [() => padded.extract(x, { fill: 1n }), 'invalid argument: opts.fill must be a number, got 1n'],
    [() => padded.extract(x, { fill: 1e300 }), 'invalid argument: opts.fill 1e+300 cannot be stored in float32 (it would overflow to Infinity)'],
    [() => reflect.extract(x, { fill: 0 }), "invalid argument: opts.fill is only used with constant padding, not 'reflect'"],
    [() => bytes.extract(u8, { fill: 1.5 }), 'invalid argument: opts.fill 1.5 cannot be stored in uint8 (it holds the integers from 0 to 255)'],
    [() => bytes.extract(u8, { fill: 300 }), 'invalid argument: opts.fill 300 cannot be stored in uint8 (it holds the integers from 0 to 255)'],
    [() => bytes.extract(u8, { fill: -1 }), 'invalid argument: opts.fill -1 cannot be stored in uint8 (it holds the integers from 0 to 255)'],
    [() => bytes.extract(u8, { fill: NaN }), 'invalid argument: opts.fill NaN cannot be stored in uint8 (it holds the integers from 0 to 255)'],
    [() => bytes.extractInto(u8, new Uint8Array(24), { fill: 256 }), 'invalid argument: opts.fill 256 cannot be stored in uint8 (it holds the integers from 0 to 255)'],
    [() => view.extract(x, 'feature-major'), "invalid argument: opts must be an object, got 'feature-major'"],
    [() => view.extractInto(x, new Float32Array(23)), 'buffer size: the destination holds 23 elements but 4 patches of 6 elements need 24'],
    [() => view.extractInto(x, new Float64Array(24)), 'unsupported dtype: dst holds float64 but the copy writes float32 (opts.dtype)'],
    [() => view.extractInto(x, new WasmArray('float32', [25])), 'buffer size: the destination holds 25 elements but 4 patches of 6 elements need 24'],
    [() => view.extractInto(x, x), 'aliasing: the source and the destination are the same WasmArray; a copy cannot read and write one buffer'],
    [() => view.extractInto(x, [0, 0]), 'invalid argument: dst must be a WasmArray or a typed array, got an array'],
    [() => view.fold(u8), 'unsupported dtype: fold needs float32 or float64 patches, got uint8'],
    [() => view.fold(new Int32Array(24)), 'unsupported dtype: fold needs float32 or float64 patches, got int32'],
    [() => view.fold(new Float32Array(23)), 'buffer size: 23 patch elements given but 4 patches of 6 elements need 24'],
    [() => view.fold(x, { reduce: 'max' }), "invalid argument: opts.reduce must be one of 'sum', 'mean', 'weighted', 'overwrite', got 'max'"],
    [() => view.fold(x, { reduce: 'mean', window: 'hann' }), "invalid argument: opts.window is only used with reduce 'weighted', not 'mean'"],
    [() => view.fold(x, { window: 'hamming' }), "invalid argument: opts.window must be 'hann', 'gaussian' or one array of weights per window axis, got 'hamming'"],
    [() => view.fold(x, { window: 'hann', sigmaScale: 0.2 }), "invalid argument: opts.sigmaScale is only used with window 'gaussian'"],
    [() => view.fold(x, { window: 'gaussian', sigmaScale: 0 }), 'invalid argument: Gaussian sigma_scale 0 must be finite and > 0'],
    [() => view.fold(x, { window: [[1, 1]] }), 'rank mismatch: 1 weight lists given for 2 window axes'],
    [() => view.fold(x, { window: [[1, 1], [1, 1]] }), 'rank mismatch: weight list 1 has 2 entries but its window has 3'],
    [() => view.fold(x, { window: [[1, -1], [1, 1, 1]] }), 'invalid argument: weight -1 in list 0 is not a finite number >= 0'],
    [() => view.fold(x, { window: [[1, 'a'], [1, 1, 1]] }), "invalid argument: opts.window[0][1] must be a number, got 'a'"],
  ];
  for (const [f, message] of cases) {
    throwsPatchError(f, message);
    // After every error, the view, the padded view and the arrays still work.
    const out = view.extract(x);
    assert.deepEqual(Array.from(out.data.subarray(0, 6)), [0, 1, 2, 6, 7, 8]);
    assert.deepEqual(Array.from(view.fold(out).data), Array.from(x.data));
    assert.equal(padded.numPatches, 4);
    out.free();
  }
  const freed = WasmArray.fromTypedArray('float32', [24], new Float32Array(24));
  freed.free();
  throwsPatchError(() => view.extract(freed), 'invalid argument: the WasmArray was freed');
  throwsPatchError(() => view.fold(freed), 'invalid argument: the WasmArray was freed');
  throwsPatchError(() => view.extractInto(x, freed), 'invalid argument: the WasmArray was freed');
  throwsPatchError(() => freed.data, 'invalid argument: the WasmArray was freed');
  throwsPatchError(() => freed.shape, 'invalid argument: the WasmArray was freed');
  assert.equal(view.extract(x).length, 24);
});

test('WasmArray: bad dtypes, shapes and values', () => {
  const cases = [
    [() => new WasmArray('float128', [2]), "invalid argument: dtype must be one of 'uint8', 'uint8clamped', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'float16', 'bfloat16', got 'float128'"],
    [() => new WasmArray('uint8', [2.5]), 'invalid argument: shape[0] must be a non-negative integer, got 2.5'],
    [() => new WasmArray('uint8', 8), 'invalid argument: shape must be an array, got 8'],
    [() => new WasmArray('uint8', [-1]), 'invalid argument: shape[0] must be a non-negative integer, got -1'],
    [() => new WasmArray('float64', [2 ** 30, 2 ** 30]), "overflow: the element count of shape [1073741824, 1073741824] overflows wasm32's usize"],
    [() => new WasmArray('float64', [2 ** 28]), 'allocation: cannot allocate 268435456 elements of 8 bytes in wasm memory'],
    [() => WasmArray.fromTypedArray('float32', [3], new Float64Array(3)), "invalid argument: dtype 'float32' needs a Float32Array, got a Float64Array"],
    [() => WasmArray.fromTypedArray('uint8clamped', [3], new Int8Array(3)), "invalid argument: dtype 'uint8clamped' needs a Uint8ClampedArray, got a Int8Array"],
    [() => WasmArray.fromTypedArray('float32', [2, 3], new Float32Array(5)), 'buffer size: shape [2, 3] holds 6 elements but 5 values were given'],
    [() => WasmArray.fromTypedArray('int32', [2], [1, '2']), "invalid argument: values[1] must be a number, got '2'"],
    [() => WasmArray.fromTypedArray('int32', [2], 'ab'), "invalid argument: values must be a Int32Array or an array of numbers, got 'ab'"],
  ];
  for (const [f, message] of cases) throwsPatchError(f, message);
  // Uint8Array and Uint8ClampedArray are interchangeable for the byte types.
  assert.deepEqual(Array.from(WasmArray.fromTypedArray('uint8clamped', [2], new Uint8Array([1, 2])).data), [1, 2]);
  assert.deepEqual(Array.from(WasmArray.fromTypedArray('uint8', [2], new Uint8ClampedArray([3, 4])).data), [3, 4]);
  assert.equal(new WasmArray('uint8', [3]).length, 3);
});

test('frame and overlapAdd: bad arguments', () => {
  const s = new Float32Array(10);
  const twoD = new WasmArray('float32', [2, 5]);
  const cases = [
    [() => frame(s, 0, 1), 'zero size: frame length is 0; it must be at least 1'],
    [() => frame(s, 4, 0), 'zero step: hop is 0; it must be at least 1'],
    [() => frame(s, 4, 1.5), 'invalid argument: hop must be a non-negative integer, got 1.5'],
    [() => frame(s, -4, 1), 'invalid argument: frameLen must be a non-negative integer, got -4'],
    [() => frame(s, 4, 2, { padEnd: 'yes' }), "invalid argument: opts.padEnd must be true or false, got 'yes'"],
    [() => frame(s, 4, 2, { pad_end: true }), "invalid argument: opts has an unknown key 'pad_end' (expected padEnd, fill, dtype, normalize, window, periodic)"],
    [() => frame(s, 4, 2, { padValue: 1 }), "invalid argument: opts has an unknown key 'padValue' (expected padEnd, fill, dtype, normalize, window, periodic)"],
    [() => frame(new Int16Array(10), 4, 2, { padEnd: true, fill: 40000 }), 'invalid argument: opts.fill 40000 cannot be stored in int16 (it holds the integers from -32768 to 32767)'],
    [() => frame(s, '4', 2), "invalid argument: frameLen must be a non-negative integer, got '4'"],
    [() => frame(s, 4, null), 'invalid argument: hop must be a non-negative integer, got null'],
    [() => overlapAdd(new Float32Array(8), 4n, 2), 'invalid argument: frameLen must be a non-negative integer, got 4n'],
    [() => frameInto(s, new Float32Array(11), 4, 3), 'buffer size: the destination holds 11 elements but 3 patches of 4 elements need 12'],
    [() => frameInto(s, new Int32Array(12), 4, 3), "unsupported dtype: the destination holds int32 but the frames are float32 (the signal's dtype or opts.dtype)"],
    [() => frameInto(new Float32Array(2), new Float32Array(1), 4, 3), 'buffer size: the destination holds 1 elements but a signal of 2 samples has no frame of 4'],
    [() => overlapAddInto(new Float32Array(8), new Float32Array(5), 4, 2), 'buffer size: the output holds 5 samples but 2 frames of 4 every 2 need 6'],
    [() => overlapAddInto(new Float32Array(8), new Float64Array(6), 4, 2), 'unsupported dtype: the destination holds float64 but the source holds float32'],
    [() => frame(twoD, 2, 1), 'rank mismatch: frame needs a 1-D signal, got shape [2, 5]'],
    [() => frame([1, 2, 3], 2, 1), 'invalid argument: signal must be a WasmArray or a typed array, got an array'],
    [() => overlapAdd(new Float32Array(7), 4, 2), 'buffer size: 7 samples are not a whole number of frames of 4'],
    [() => overlapAdd(new Int16Array(8), 4, 2), 'unsupported dtype: overlapAdd needs float32 or float64 frames, got int16'],
    [() => overlapAdd(new Float32Array(8), 0, 2), 'zero size: frame length is 0; it must be at least 1'],
    [() => overlapAdd(new Float32Array(8), 4, 0), 'zero step: hop is 0; it must be at least 1'],
  ];
  for (const [f, message] of cases) throwsPatchError(f, message);
  assert.deepEqual(frame(s, 4, 3).shape, [3, 4]);
  assert.deepEqual(frame(twoD.toArray(), 5, 5).shape, [2, 5]);
});

test('hostile inputs: throwing getters, proxies, typed-array subclasses', () => {
  const view = new PatchView(good);
  const x = WasmArray.fromTypedArray('float32', [4, 6], Float32Array.from({ length: 24 }, (_, i) => i));
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const shape = [4, 6];
  Object.defineProperty(shape, 1, { get() { throw new Error('no length'); } });
  class EvilLength extends Float32Array {
    get length() { throw new Error('len'); }
  }
  class EvilSet extends Float32Array {
    set() { throw new Error('no set'); }
  }
  const cases = [
    [() => view.extract(x, { get order() { throw new Error('boom'); } }), "invalid argument: reading 'order' threw an Error (boom)"],
    [() => view.extract(x, new Proxy({}, { ownKeys() { throw new Error('no keys'); } })), 'invalid argument: listing the keys of opts threw an Error (no keys)'],
    [() => view.fold(x, revocable.proxy), 'invalid argument: opts must be an object, got a revoked Proxy'],
    [() => new PatchView({ ...good, shape }), 'invalid argument: reading options.shape[1] threw an Error (no length)'],
    [() => view.fold(new EvilLength(24)), 'invalid argument: reading the length of a typed array threw an Error (len)'],
    [() => view.extractInto(x, new EvilLength(24)), 'invalid argument: reading the length of a typed array threw an Error (len)'],
    [() => view.extractInto(x, new EvilSet(24)), 'invalid argument: copying out failed: an Error (no set)'],
    [() => view.extractInto(x, { __patchHandle: 1e6 }), 'invalid argument: dst must be a WasmArray or a typed array, got an object'],
    [() => view.extractInto(x, { __patchHandle: -1 }), 'invalid argument: dst must be a WasmArray or a typed array, got an object'],
  ];
  for (const [f, message] of cases) {
    throwsPatchError(f, message);
    assert.deepEqual(Array.from(view.extract(x).data.subarray(0, 3)), [0, 1, 2]);
  }
});
