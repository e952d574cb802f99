// Named pixel layouts and image sources in Node (the browser sources,
// ImageBitmap, canvas and VideoFrame, run in headless Chromium:
// web-demo/tests/images.test.mjs). Each layout is checked against pixels
// indexed by hand (channel c of pixel (y, x) of an RGBA or RGB buffer),
// independently of the strides the package computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchView, WasmArray, pixelLayout } from 'patch-wasm';

const H = 5;
const W = 7;

/** An RGBA (or RGB) buffer whose byte is its channel and position. */
function pixels(h, w, perPixel, n = 1) {
  return Uint8ClampedArray.from({ length: n * h * w * perPixel }, (_, i) => (i * 7 + 3) % 256);
}

/** Byte of channel c (of the buffer's own channels) at (b, y, x). */
const byte = (buf, h, w, perPixel, b, y, x, c) => buf[((b * h + y) * w + x) * perPixel + c];

// For each layout: bytes per pixel of the buffer, the buffer channel each
// seen channel reads, and whether the channel axis comes first.
const LAYOUTS = {
  'rgba-hwc': [4, [0, 1, 2, 3], false],
  'rgba-chw': [4, [0, 1, 2, 3], true],
  'rgba-as-rgb-hwc': [4, [0, 1, 2], false],
  'rgba-as-rgb-chw': [4, [0, 1, 2], true],
  'rgba-as-bgr-hwc': [4, [2, 1, 0], false],
  'rgba-as-bgr-chw': [4, [2, 1, 0], true],
  'bgra-as-rgb-hwc': [4, [2, 1, 0], false],
  'bgra-as-rgb-chw': [4, [2, 1, 0], true],
  'rgb-hwc': [3, [0, 1, 2], false],
  'rgb-chw': [3, [0, 1, 2], true],
  'rgb-as-bgr-hwc': [3, [2, 1, 0], false],
  'rgb-as-bgr-chw': [3, [2, 1, 0], true],
  'bgr-as-rgb-hwc': [3, [2, 1, 0], false],
  'bgr-as-rgb-chw': [3, [2, 1, 0], true],
};

test('every named layout reads the channels it names (whole image as one patch)', () => {
  for (const [name, [per, channels, chw]] of Object.entries(LAYOUTS)) {
    for (const batch of [undefined, 2]) {
      const n = batch ?? 1;
      const buf = pixels(H, W, per, n);
      const src = WasmArray.fromTypedArray('uint8', [buf.length], new Uint8Array(buf.buffer));
      const C = channels.length;
      const layout = batch === undefined ? { name, height: H, width: W } : { name, height: H, width: W, batch };
      const imageAxes = [{ role: 'whole' }, { role: 'whole' }, { role: 'whole' }];
      const axes = batch === undefined ? imageAxes : [{ role: 'batch' }, ...imageAxes];
      const view = new PatchView({ layout, dtype: 'uint8', axes });
      const want = [];
      for (let b = 0; b < n; b++) {
        if (chw) {
          for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) want.push(byte(buf, H, W, per, b, y, x, channels[c]));
        } else {
          for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) want.push(byte(buf, H, W, per, b, y, x, channels[c]));
        }
      }
      const out = view.extract(src);
      assert.deepEqual(Array.from(out.data), want, `${name} batch ${batch}`);
      // pixelLayout gives the same numbers, for shape/strides/offset.
      const numbers = pixelLayout(name, H, W, batch);
      const same = new PatchView({ ...numbers, dtype: 'uint8', axes });
      assert.deepEqual(Array.from(same.extract(src).data), want, `${name} via pixelLayout`);
      assert.deepEqual(view.inputShape, numbers.shape);
      assert.deepEqual(view.inputStrides, numbers.strides);
      assert.equal(view.offset, numbers.offset);
      for (const o of [src, view, out, same]) o.free();
    }
  }
});

test('pixelLayout numbers for the usual cases', () => {
  assert.deepEqual(pixelLayout('rgba-as-rgb-hwc', 224, 224), { shape: [224, 224, 3], strides: [896, 4, 1], offset: 0 });
  assert.deepEqual(pixelLayout('rgba-as-rgb-chw', 224, 224), { shape: [3, 224, 224], strides: [1, 896, 4], offset: 0 });
  assert.deepEqual(pixelLayout('rgba-as-bgr-hwc', 2, 3), { shape: [2, 3, 3], strides: [12, 4, -1], offset: 2 });
  assert.deepEqual(pixelLayout('rgb-chw', 2, 3, 4), { shape: [4, 3, 2, 3], strides: [18, 1, 9, 3], offset: 0 });
});

test('ViT (C, ph, pw) patches of RGBA pixels through the rgba-as-rgb-chw layout', () => {
  const h = 32;
  const w = 48;
  const buf = pixels(h, w, 4);
  const img = WasmArray.fromImage({ data: buf, width: w, height: h });
  assert.equal(img.dtype, 'uint8clamped');
  assert.deepEqual(img.shape, [h, w, 4]);
  assert.deepEqual(Array.from(img.data), Array.from(buf));
  const view = new PatchView({
    layout: { name: 'rgba-as-rgb-chw', height: h, width: w },
    dtype: 'uint8clamped',
    axes: [{ role: 'whole' }, { role: 'window', size: 16, step: 16 }, { role: 'window', size: 16, step: 16 }],
  });
  assert.deepEqual(view.shape, [2, 3, 3, 16, 16]);
  const out = view.extract(img);
  const want = [];
  for (let py = 0; py < 2; py++) for (let px = 0; px < 3; px++) {
    for (let c = 0; c < 3; c++) for (let r = 0; r < 16; r++) for (let s = 0; s < 16; s++) {
      want.push(byte(buf, h, w, 4, 0, py * 16 + r, px * 16 + s, c));
    }
  }
  assert.deepEqual(Array.from(out.data), want);
  for (const o of [img, view, out]) o.free();
});

test('fromImage and pixelLayout refuse what they cannot read', () => {
  const e = (kind, re) => (err) => err.name === 'PatchError' && err.kind === kind && re.test(err.message);
  assert.throws(() => WasmArray.fromImage(42), e('invalid argument', /source must be an ImageData/));
  assert.throws(() => WasmArray.fromImage({}), e('invalid argument', /source must be an ImageData/));
  assert.throws(
    () => WasmArray.fromImage({ data: new Float32Array(4), width: 1, height: 1 }),
    e('invalid argument', /source.data is a Float32Array/),
  );
  assert.throws(
    () => WasmArray.fromImage({ data: new Uint8ClampedArray(8), width: 3, height: 1 }),
    e('buffer size', /holds 8 bytes, but 3x1 RGBA pixels are 12/),
  );
  assert.throws(
    () => WasmArray.fromImage({ data: new Uint8ClampedArray(0), width: 0, height: 1 }),
    e('zero size', /0x1 pixels/),
  );
  assert.throws(
    () => WasmArray.fromImage({ data: new Uint8ClampedArray(4), width: 1.5, height: 1 }),
    e('invalid argument', /source.width must be a non-negative integer/),
  );
  assert.throws(
    () => WasmArray.fromImage({ get data() { throw new Error('boom'); }, width: 1, height: 1 }),
    e('invalid argument', /reading 'data' threw/),
  );
  assert.throws(() => pixelLayout('rgba-as-cmyk', 2, 2), e('invalid argument', /name must be one of 'rgba-hwc'/));
  assert.throws(() => pixelLayout('rgb-hwc', -1, 2), e('invalid argument', /height must be a non-negative integer/));
  assert.throws(
    () => new PatchView({ layout: { name: 'rgb-hwc', height: 2, width: 2 }, shape: [2, 2, 3], dtype: 'uint8', axes: [] }),
    e('invalid argument', /options.shape cannot be given with options.layout/),
  );
  assert.throws(
    () => new PatchView({ layout: { name: 'rgb-hwc', height: 2, width: 2, depth: 1 }, dtype: 'uint8', axes: [] }),
    e('invalid argument', /options.layout has an unknown key 'depth'/),
  );
  // Where VideoFrame does not exist, fromImageAsync is fromImage.
  return WasmArray.fromImageAsync({ data: new Uint8ClampedArray(4).fill(9), width: 1, height: 1 }).then((a) => {
    assert.deepEqual(Array.from(a.data), [9, 9, 9, 9]);
    a.free();
    return assert.rejects(WasmArray.fromImageAsync(null), e('invalid argument', /source must be/));
  });
});
