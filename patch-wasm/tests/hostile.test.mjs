// Hostile inputs, as a new user (or an attacker with the API) might pass
// them: huge and lying lengths, coerced numbers, forged WasmArrays,
// aliasing ranges, views that reach before any buffer, frees from inside
// callbacks, stale .data views. Each must throw a PatchError with a clear
// message at once (no crash, no hang, no silent coercion), and afterwards
// every other array's contents must be unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray, frame, frameInto, overlapAdd, overlapAddInto } from 'patch-wasm';

const T = { timeout: 20_000 }; // a hang guard, not a timing assertion

/** Arrays of every dtype with known contents, checked after every case. */
function bystanders() {
  const made = ['uint8', 'uint8clamped', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'].map(
    (dtype, d) => {
      const values = Array.from({ length: 37 }, (_, i) => (i * 7 + d * 3) % 100);
      return [WasmArray.fromTypedArray(dtype, [37], values), values];
    },
  );
  return {
    check(label) {
      for (const [a, values] of made) {
        assert.deepEqual(Array.from(a.toArray()), values, `${label}: ${a.dtype} bystander changed`);
      }
    },
  };
}

/** Asserts that f throws a PatchError whose message is `message` (or matches it). */
function refuses(f, message, label = String(message)) {
  let caught;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `${label}: expected a throw`);
  assert.equal(caught.name, 'PatchError', `${label}: ${caught}`);
  if (message instanceof RegExp) assert.match(caught.message, message, label);
  else assert.equal(caught.message, message, label);
  assert.equal(caught.kind, caught.message.slice(0, caught.message.indexOf(':')));
}

/** A Proxy of an empty array that reports `length`. */
const lyingArray = (length) => new Proxy([], { get: (t, k) => (k === 'length' ? length : t[k]) });

const W = (size, step = 1) => ({ role: 'window', size, step });
const view24 = () => new PatchView({ shape: [4, 6], dtype: 'float32', axes: [W(2, 2), W(3, 3)] });
const x24 = () => WasmArray.fromTypedArray('float32', [4, 6], Float32Array.from({ length: 24 }, (_, i) => i));

/** The current size of wasm memory in bytes. */
const memoryBytes = () => new WasmArray('uint8', [1]).data.buffer.byteLength;

test('9: huge and lying lengths are refused before any element is read', T, () => {
  const b = bystanders();
  const view = view24();
  const x = x24();
  const huge = 2 ** 32 - 1;
  const cases = [
    [() => new WasmArray('uint8', new Array(1e8)), 'invalid argument: shape has 100000000 entries, more than the 64 axes supported'],
    [() => new WasmArray('uint8', lyingArray(huge)), `invalid argument: shape has ${huge} entries, more than the 64 axes supported`],
    [() => new WasmArray('uint8', lyingArray('5')), "invalid argument: shape reports length '5', which no array has"],
    [() => new WasmArray('uint8', lyingArray(-1)), 'invalid argument: shape reports length -1, which no array has'],
    [() => new WasmArray('uint8', lyingArray(2 ** 53)), 'invalid argument: shape reports length 9007199254740992, which no array has'],
    [() => WasmArray.fromTypedArray('uint8', [2], new Array(huge)), `buffer size: shape [2] holds 2 elements but ${huge} values were given`],
    [() => WasmArray.fromTypedArray('uint8', [2], lyingArray(huge)), `buffer size: shape [2] holds 2 elements but ${huge} values were given`],
    // A length that matches the shape: the first hole stops the walk.
    [() => WasmArray.fromTypedArray('uint8', [1e8], new Array(1e8)), 'invalid argument: values[0] must be a number, got undefined'],
    [() => new PatchView({ shape: [4], dtype: 'uint8', axes: new Array(huge) }), `invalid argument: options.axes has ${huge} entries, more than the 64 axes supported`],
    [() => new PatchView({ shape: [4], dtype: 'uint8', axes: lyingArray(huge) }), `invalid argument: options.axes has ${huge} entries, more than the 64 axes supported`],
    [() => new PatchView({ shape: new Array(1e8), dtype: 'uint8', axes: [] }), 'invalid argument: options.shape has 100000000 entries, more than the 64 axes supported'],
    [() => new PatchView({ shape: [4], strides: new Array(1e8), dtype: 'uint8', axes: [W(2)] }), 'invalid argument: options.strides has 100000000 entries, more than the 64 axes supported'],
    [() => new PatchView({ shape: [4], dtype: 'uint8', axes: [W(2)], padding: { pads: new Array(1e8) } }), 'invalid argument: options.padding.pads has 100000000 entries, more than the 64 axes supported'],
    [() => new PatchView({ shape: [4], dtype: 'uint8', axes: [W(2)], padding: { pads: [new Array(1e8)] } }), 'invalid argument: options.padding.pads[0] must be a [lo, hi] pair, got 100000000 numbers'],
    [() => view.fold(x, { window: [new Array(huge), [1, 1, 1]] }), `invalid argument: opts.window[0] has ${huge} entries, more than the largest window size (3)`],
    [() => view.fold(x, { window: new Array(1e8) }), 'invalid argument: opts.window has 100000000 entries, more than the 64 axes supported'],
  ];
  for (const [f, message] of cases) {
    refuses(f, message);
    b.check(message);
  }
  // 64 axes are fine.
  assert.equal(new WasmArray('uint8', new Array(64).fill(1)).length, 1);
});

test('10: number arguments are checked like options fields, never coerced', T, () => {
  const b = bystanders();
  const view = view24();
  const sig = new Float32Array(10);
  const k = 'patch index k must be a non-negative integer, got';
  const cases = [
    [() => view.patchOrigin('1'), `invalid argument: ${k} '1'`],
    [() => view.patchOrigin(null), `invalid argument: ${k} null`],
    [() => view.patchOrigin(true), `invalid argument: ${k} true`],
    [() => view.patchOrigin([2]), `invalid argument: ${k} an array`],
    [() => view.patchOrigin(1n), `invalid argument: ${k} 1n`],
    [() => view.patchOrigin({ valueOf: () => 1 }), `invalid argument: ${k} an object`],
    [() => view.patchOrigin(), `invalid argument: ${k} undefined`],
    [() => view.patchOffset('0'), `invalid argument: ${k} '0'`],
    [() => view.touchesPadding(false), `invalid argument: ${k} false`],
    [() => frame(sig, '4', 2), "invalid argument: frameLen must be a non-negative integer, got '4'"],
    [() => frame(sig, 4, 2n), 'invalid argument: hop must be a non-negative integer, got 2n'],
    [() => frameInto(sig, new Float32Array(8), 4, [2]), 'invalid argument: hop must be a non-negative integer, got an array'],
    [() => overlapAdd(sig, null, 2), 'invalid argument: frameLen must be a non-negative integer, got null'],
    [() => overlapAddInto(sig, new Float32Array(10), 5, '5'), "invalid argument: hop must be a non-negative integer, got '5'"],
  ];
  for (const [f, message] of cases) {
    refuses(f, message);
    b.check(message);
  }
  assert.deepEqual(view.patchOrigin(1), [0, 3]);
});

test('11: only genuine live WasmArrays pass as WasmArrays', T, () => {
  const b = bystanders();
  const view = view24();
  const x = x24();
  const expected = Array.from(view.extract(x).data);
  const notOurs = /^invalid argument: src is not a WasmArray made by patch-wasm/;
  const notAnArray = 'invalid argument: src must be a WasmArray, got an object';
  const freed = WasmArray.fromTypedArray('float32', [24], new Float32Array(24));
  const freedPtr = freed.__wbg_ptr;
  freed.free();
  const cases = [
    [() => view.extract({ __patchHandle: 0 }), notAnArray],
    [() => view.extract({ __patchHandle: 1 }), notAnArray],
    [() => view.extract({ __wbg_ptr: x.__wbg_ptr }), notAnArray],
    [() => view.extract(Object.create(WasmArray.prototype)), notOurs],
    [() => view.extract(Object.create(WasmArray.prototype, { __wbg_ptr: { value: 8 } })), notOurs],
    [() => view.extract(Object.create(WasmArray.prototype, { __wbg_ptr: { value: 2 ** 31 } })), notOurs],
    [() => view.extract(Object.create(WasmArray.prototype, { __wbg_ptr: { value: x.__wbg_ptr + 4 } })), notOurs],
    [() => view.extract(Object.create(WasmArray.prototype, { __wbg_ptr: { value: 'x' } })), notOurs],
    [() => view.extract(freed), 'invalid argument: the WasmArray was freed'],
    [() => view.extract(Object.create(WasmArray.prototype, { __wbg_ptr: { value: freedPtr } })), 'invalid argument: the WasmArray was freed'],
    [() => view.extract(new Proxy(x, { get: (t, k) => (k === '__wbg_ptr' ? 16 : t[k]) })), notOurs],
    [() => view.extract(new Proxy(x, { getPrototypeOf() { throw new Error('no proto'); } })), 'invalid argument: reading src threw an Error (no proto)'],
    [() => view.extractInto(x, { __patchHandle: 0 }), 'invalid argument: dst must be a WasmArray or a typed array, got an object'],
    [() => view.fold({ __patchHandle: 0 }), 'invalid argument: patches must be a WasmArray or a typed array, got an object'],
    [() => frame({ __patchHandle: 0 }, 2, 2), 'invalid argument: signal must be a WasmArray or a typed array, got an object'],
  ];
  for (const [f, message] of cases) {
    refuses(f, message, String(f));
    b.check(String(f));
    assert.deepEqual(Array.from(view.extract(x).data), expected);
  }
  // A transparent Proxy of a live array is that array (as wasm-bindgen's
  // own methods treat it), never another one.
  assert.deepEqual(Array.from(view.extract(new Proxy(x, {})).data), expected);
});

test('12: disjoint ranges of one WasmArray are a source and a destination; overlapping ones are refused', T, () => {
  const b = bystanders();
  const view = view24();
  const x = x24();
  const expected = Array.from(view.extract(x).data);
  const buf = new WasmArray('float32', [60]);
  buf.data.set(x.data, 0);
  view.extractInto(buf.data.subarray(0, 24), buf.data.subarray(24, 48)); // adjacent
  assert.deepEqual(Array.from(buf.data.subarray(24, 48)), expected);
  buf.data.fill(0);
  buf.data.set(x.data, 36);
  view.extractInto(buf.data.subarray(36, 60), buf.data.subarray(0, 24)); // destination first
  assert.deepEqual(Array.from(buf.data.subarray(0, 24)), expected);
  assert.deepEqual(Array.from(buf.data.subarray(24, 36)), new Array(12).fill(0), 'nothing written between');
  // fold, frame and overlap-add into another range of the same array.
  buf.data.set(expected, 0);
  view.foldInto(buf.data.subarray(0, 24), buf.data.subarray(30, 54));
  assert.deepEqual(Array.from(buf.data.subarray(30, 54)), Array.from(x.data));
  buf.data.set([1, 2, 3, 4, 5, 6], 0);
  frameInto(buf.data.subarray(0, 6), buf.data.subarray(10, 18), 4, 2);
  assert.deepEqual(Array.from(buf.data.subarray(10, 18)), [1, 2, 3, 4, 3, 4, 5, 6]);
  overlapAddInto(buf.data.subarray(10, 18), buf.data.subarray(20, 26), 4, 2);
  assert.deepEqual(Array.from(buf.data.subarray(20, 26)), [1, 2, 6, 8, 5, 6]);
  const snapshot = Array.from(buf.data);
  const overlap = (a, b2, c, d) =>
    `aliasing: the source (elements ${a}..${b2}) and the destination (elements ${c}..${d}) overlap in one WasmArray; a copy cannot read and write the same elements`;
  const cases = [
    [() => view.extractInto(buf.data.subarray(0, 24), buf.data.subarray(23, 47)), overlap(0, 24, 23, 47)],
    [() => view.extractInto(buf.data.subarray(10, 34), buf.data.subarray(0, 24)), overlap(10, 34, 0, 24)],
    [() => view.extractInto(buf.data.subarray(0, 24), buf), overlap(0, 24, 0, 60)],
    [() => view.foldInto(buf.data.subarray(0, 24), buf.data.subarray(12, 36)), overlap(0, 24, 12, 36)],
    [() => frameInto(buf.data.subarray(0, 6), buf.data.subarray(5, 13), 4, 2), overlap(0, 6, 5, 13)],
    [() => overlapAddInto(buf.data.subarray(0, 8), buf.data.subarray(7, 13), 4, 2), overlap(0, 8, 7, 13)],
    [() => view.extractInto(x, x), 'aliasing: the source and the destination are the same WasmArray; a copy cannot read and write one buffer'],
  ];
  for (const [f, message] of cases) {
    refuses(f, message);
    b.check(message);
    assert.deepEqual(Array.from(buf.data), snapshot, `${message}: nothing written`);
  }
});

test('13: strides that reach before the start of any buffer are refused at construction', T, () => {
  const b = bystanders();
  refuses(
    () => new PatchView({ shape: [4, 6], strides: [-8, 1], offset: 0, dtype: 'float32', axes: [W(2), W(2)] }),
    'out of bounds: shape [4, 6] with strides [-8, 1] and offset 0 reaches index -24, before the start of the buffer',
  );
  refuses(
    () => new PatchView({ shape: [3], strides: [-1], offset: 1, dtype: 'uint8', axes: [W(1)] }),
    'out of bounds: shape [3] with strides [-1] and offset 1 reaches index -1, before the start of the buffer',
  );
  b.check('strides');
  // The same strides from a large enough offset are a valid flipped view.
  const v = new PatchView({ shape: [4, 6], strides: [-8, 1], offset: 24, dtype: 'float32', axes: [W(2), W(2)] });
  assert.equal(v.numPatches, 15);
});

test('15: a getter that frees the view or an array during a call: a clear error, a consistent state, no leak', T, () => {
  const b = bystanders();
  const x = x24();
  const freedView = 'invalid argument: the PatchView was freed';
  const freeing = (victim) => ({ get order() { victim.free(); return 'patch-major'; } });
  const calls = [
    (v) => v.extract(x, freeing(v)),
    (v) => v.extractInto(x, new Float32Array(24), freeing(v)),
    (v) => v.fold(new Float32Array(24), freeing(v)),
    (v) => v.foldInto(new Float32Array(24), new Float32Array(24), freeing(v)),
  ];
  for (const call of calls) {
    const v = view24();
    refuses(() => call(v), freedView, String(call));
    refuses(() => v.numPatches, freedView);
    refuses(() => v.plan(), freedView);
    v.free(); // again: nothing
    b.check(String(call));
  }
  // An array freed by a getter of the same call.
  const view = view24();
  const src = x24();
  refuses(() => view.extract(src, freeing(src)), 'invalid argument: the WasmArray was freed');
  const dst = new WasmArray('float32', [24]);
  refuses(() => view.extractInto(x, dst, freeing(dst)), 'invalid argument: the WasmArray was freed');
  refuses(() => dst.length, 'invalid argument: the WasmArray was freed');
  assert.equal(view.numPatches, 4);
  b.check('arrays freed by getters');
  // No leak: thousands of views with large plans freed mid-call leave wasm
  // memory where it was (each leaked plan would hold several KB).
  const big = { shape: new Array(64).fill(1), dtype: 'float64', axes: new Array(64).fill(W(1)) };
  const one = WasmArray.fromTypedArray('float64', new Array(64).fill(1), [5]);
  for (let i = 0; i < 200; i++) new PatchView(big).extract(one).free(); // warm the allocator
  const before = memoryBytes();
  for (let i = 0; i < 4000; i++) {
    const v = new PatchView(big);
    try {
      v.extract(one, freeing(v));
    } catch {
      // expected
    }
  }
  const grown = memoryBytes() - before;
  assert.ok(grown < 4 << 20, `wasm memory grew by ${grown} bytes over 4000 views freed mid-call`);
  b.check('leak loop');
});

test('16: messages print numbers as JavaScript does and name what was wrong', T, () => {
  const view = view24();
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const k = 'invalid argument: patch index k must be a non-negative integer, got';
  const cases = [
    [() => view.patchOrigin(1e300), `${k} 1e+300`],
    [() => view.patchOrigin(1e21), `${k} 1e+21`],
    [() => view.patchOrigin(-1e-7), `${k} -1e-7`],
    [() => view.patchOrigin(0.1 + 0.2), `${k} 0.30000000000000004`],
    [() => view.patchOrigin(2 ** 60), `${k} ${String(2 ** 60)}`], // 1152921504606847000, as JavaScript prints it
    [() => view.patchOrigin(Symbol('s')), `${k} a symbol`],
    [() => view.patchOrigin(() => 1), `${k} a function`],
    [() => view.patchOrigin(revoked.proxy), `${k} a revoked Proxy`],
    [() => new PatchView(revoked.proxy), 'invalid argument: PatchView options must be an object, got a revoked Proxy'],
    [() => new WasmArray('uint8', revoked.proxy), 'invalid argument: shape must be an array, got a revoked Proxy'],
    [() => view.extract(revoked.proxy), 'invalid argument: src must be a WasmArray, got a revoked Proxy'],
    [() => new PatchView({ shape: [1e300], dtype: 'uint8', axes: [W(1)] }), 'invalid argument: options.shape[0] must be a non-negative integer, got 1e+300'],
  ];
  for (const [f, message] of cases) refuses(f, message);
});

test('17: a .data view kept across free() aliases nothing allocated afterwards', T, () => {
  const b = bystanders();
  const a = WasmArray.fromTypedArray('float32', [1000], new Float32Array(1000).fill(7));
  const stale = a.data;
  const other = new WasmArray('uint8', [16]).data; // any view of wasm memory
  a.free();
  assert.equal(stale.length, 0, 'the freed array\'s view is detached');
  assert.equal(other.length, 0, 'every older view is detached');
  const next = new WasmArray('float32', [1000]); // may reuse the freed bytes
  stale[0] = 99; // ignored
  assert.throws(() => stale.fill(5), TypeError); // typed-array methods refuse a detached view
  assert.equal(stale[0], undefined);
  assert.ok(next.data.every((v) => v === 0), 'the next allocation is untouched');
  refuses(() => a.data, 'invalid argument: the WasmArray was freed');
  // Freeing an array whose elements were never viewed detaches nothing.
  const unseen = new WasmArray('float32', [1000]);
  const live = next.data; // made after the last allocation
  unseen.free();
  assert.equal(live.length, 1000, 'no view of an unseen array can exist: nothing to detach');
  b.check('stale view');
});
