// patch-wasm's image sources and its Worker path in headless Chromium
// (the Node side of the same API: patch-wasm/tests/images.test.mjs).
//
// Serves a temporary directory holding the package built by
// tools/prepare.sh (web-demo/pkg) as `patch-wasm/` and the example files of
// patch-wasm/examples/ beside it, the layout the example describes, and
// checks in the page that ImageData, canvases, ImageBitmap,
// HTMLImageElement and VideoFrame sources give exactly the pixels that
// were drawn (opaque pixels: no premultiplication loss), with fromImage
// and fromImageAsync, and that the module worker returns the patches a
// plain JavaScript loop computes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const demo = path.dirname(import.meta.dirname);
const repo = path.dirname(demo);
const T = { timeout: 60_000 };

let root;
let server;
let url;
let browser;
let page;
const problems = [];

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-images-'));
  fs.cpSync(path.join(demo, 'pkg'), path.join(root, 'patch-wasm'), { recursive: true });
  fs.cpSync(path.join(repo, 'patch-wasm', 'examples'), root, { recursive: true });
  fs.writeFileSync(path.join(root, 'blank.html'), '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n');
  server = spawn(process.execPath, [path.join(demo, 'tools', 'server.mjs'), root], {
    env: { ...process.env, PORT: '0', QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url + 'blank.html');
  await page.evaluate(async () => {
    const m = await import('/patch-wasm/web/patch_wasm.js');
    await m.default();
    globalThis.pw = m;
    // Opaque test pixels of w x h: every byte a function of its position.
    globalThis.testPixels = (w, h) => {
      const d = new Uint8ClampedArray(w * h * 4);
      for (let i = 0; i < w * h; i++) {
        d[4 * i] = (i * 7 + 1) & 255;
        d[4 * i + 1] = (i * 13 + 50) & 255;
        d[4 * i + 2] = (i * 29 + 99) & 255;
        d[4 * i + 3] = 255;
      }
      return new ImageData(d, w, h);
    };
    globalThis.same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('ImageData, canvases, ImageBitmap, HTMLImageElement: fromImage and fromImageAsync give the drawn pixels', T, async () => {
  const results = await page.evaluate(async () => {
    const { WasmArray } = globalThis.pw;
    const w = 37;
    const h = 23;
    const pixels = globalThis.testPixels(w, h);
    const out = {};
    const check = async (name, source) => {
      for (const [how, make] of [['sync', () => WasmArray.fromImage(source)], ['async', () => WasmArray.fromImageAsync(source)]]) {
        const a = await make();
        out[`${name} ${how}`] = a.dtype === 'uint8clamped' && a.shape.join() === `${h},${w},4` && globalThis.same(a.data, pixels.data);
        a.free();
      }
    };
    await check('ImageData', pixels);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d').putImageData(pixels, 0, 0);
    await check('HTMLCanvasElement', canvas);
    const off = new OffscreenCanvas(w, h);
    off.getContext('2d').putImageData(pixels, 0, 0);
    await check('OffscreenCanvas', off);
    const bitmap = await createImageBitmap(pixels);
    await check('ImageBitmap', bitmap);
    const blob = await off.convertToBlob({ type: 'image/png' });
    const img = new Image();
    img.src = URL.createObjectURL(blob);
    await img.decode();
    await check('HTMLImageElement', img);
    // A WebGL canvas (no 2d context): drawn on a scratch canvas.
    const gl = document.createElement('canvas');
    gl.width = w;
    gl.height = h;
    const ctx = gl.getContext('webgl', { preserveDrawingBuffer: true });
    if (ctx) {
      ctx.clearColor(1, 0, 0, 1);
      ctx.clear(ctx.COLOR_BUFFER_BIT);
      const a = WasmArray.fromImage(gl);
      out['WebGL canvas sync'] = a.data[0] === 255 && a.data[1] === 0 && a.data[3] === 255;
      a.free();
    }
    return out;
  });
  for (const [name, ok] of Object.entries(results)) assert.ok(ok, name);
  assert.ok(Object.keys(results).length >= 10);
  assert.deepEqual(problems, []);
});

test('VideoFrame: copyTo straight into wasm memory (fromImageAsync) and drawn (fromImage)', T, async () => {
  const results = await page.evaluate(async () => {
    const { WasmArray } = globalThis.pw;
    const w = 32;
    const h = 18;
    const pixels = globalThis.testPixels(w, h);
    const out = {};
    for (const format of ['RGBA', 'BGRA']) {
      const bytes = new Uint8Array(pixels.data);
      if (format === 'BGRA') {
        for (let i = 0; i < bytes.length; i += 4) [bytes[i], bytes[i + 2]] = [bytes[i + 2], bytes[i]];
      }
      const frame = new VideoFrame(bytes, { format, codedWidth: w, codedHeight: h, timestamp: 0 });
      const a = await WasmArray.fromImageAsync(frame);
      out[`${format} async`] = a.shape.join() === `${h},${w},4` && globalThis.same(a.data, pixels.data);
      a.free();
      const b = WasmArray.fromImage(frame);
      out[`${format} sync`] = globalThis.same(b.data, pixels.data);
      b.free();
      out[`${format} not closed`] = frame.format === format;
      frame.close();
    }
    // Memory growing while copyTo is pending: the promise either settled
    // with the pixels (the copy was already done) or rejects naming the
    // growth; it never resolves with wrong pixels.
    const frame2 = new VideoFrame(new Uint8Array(pixels.data), { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: 0 });
    const pending = WasmArray.fromImageAsync(frame2);
    const big = new WasmArray('uint8', [32 << 20]);   // grows wasm memory
    try {
      const a = await pending;
      out['growth: resolved with the pixels'] = globalThis.same(a.data, pixels.data);
      a.free();
    } catch (e) {
      out['growth: rejected, naming it'] = e.kind === 'buffer size' && /wasm memory grew/.test(e.message);
    }
    big.free();
    frame2.close();
    // A closed frame is refused with a clear error.
    const closed = new VideoFrame(new Uint8Array(w * h * 4), { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: 0 });
    closed.close();
    try {
      WasmArray.fromImage(closed);
      out['closed frame refused'] = false;
    } catch (e) {
      out['closed frame refused'] = e.name === 'PatchError' && /closed/.test(e.message);
    }
    return out;
  });
  for (const [name, ok] of Object.entries(results)) assert.ok(ok, name);
  assert.deepEqual(problems, []);
});

test('float16 copies are Float16Array in Chromium; bfloat16 is Uint16Array bits', T, async () => {
  const r = await page.evaluate(async () => {
    const { PatchView, WasmArray } = globalThis.pw;
    const pixels = globalThis.testPixels(32, 32);
    const img = WasmArray.fromImage(pixels);
    const view = new PatchView({
      layout: { name: 'rgba-as-rgb-chw', height: 32, width: 32 }, dtype: 'uint8clamped',
      axes: [{ role: 'whole' }, { role: 'window', size: 16, step: 16 }, { role: 'window', size: 16, step: 16 }],
    });
    const normalize = { rescale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const f32 = view.extract(img, { normalize });
    const f16 = view.extract(img, { dtype: 'float16', normalize });
    const bf = view.extract(img, { dtype: 'bfloat16', normalize });
    const want = Float16Array.from(f32.data);   // the engine's own f32 -> f16 rounding
    const into = new Float16Array(f16.length);
    view.extractInto(img, into, { dtype: 'float16', normalize });
    const out = {
      hasFloat16Array: typeof Float16Array === 'function',
      f16Class: f16.data.constructor.name,
      bfClass: bf.data.constructor.name,
      f16Equal: globalThis.same(f16.data, want),
      intoEqual: globalThis.same(into, want),
      bfTop: globalThis.same(bf.data, Uint16Array.from(new Uint32Array(f32.data.buffer.slice(f32.data.byteOffset, f32.data.byteOffset + f32.data.byteLength)), (b) => ((b + 0x7fff + ((b >> 16) & 1)) >>> 16) & 0xffff)),
    };
    for (const o of [img, view, f32, f16, bf]) o.free();
    return out;
  });
  assert.ok(r.hasFloat16Array, 'Chromium has Float16Array');
  assert.equal(r.f16Class, 'Float16Array');
  assert.equal(r.bfClass, 'Uint16Array');
  assert.ok(r.f16Equal, 'float16 equals Float16Array.from(float32)');
  assert.ok(r.intoEqual, 'extractInto a Float16Array');
  assert.ok(r.bfTop, 'bfloat16 bits are the float32 bits rounded to nearest even');
  assert.deepEqual(problems, []);
});

test('the Worker example: a transferred ImageBitmap in, a transferred Float32Array of normalized patches out', T, async () => {
  const result = await page.evaluate(async () => {
    const w = 64;
    const h = 48;
    const p = 16;
    const pixels = globalThis.testPixels(w, h);
    const worker = new Worker('/vit-worker.js', { type: 'module' });
    const bitmap = await createImageBitmap(pixels);
    const reply = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    });
    worker.postMessage({ bitmap, patch: p }, [bitmap]);
    const data = await reply;
    worker.terminate();
    if (data.error) return { error: data.error };
    // The plain-loop reference: patch (py, px), channel c, row r, column s.
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const want = new Float32Array((h / p) * (w / p) * 3 * p * p);
    let i = 0;
    for (let py = 0; py < h / p; py++) for (let px = 0; px < w / p; px++) {
      for (let c = 0; c < 3; c++) for (let r = 0; r < p; r++) for (let s = 0; s < p; s++) {
        const v = pixels.data[((py * p + r) * w + px * p + s) * 4 + c];
        want[i++] = (v / 255 - mean[c]) / std[c];
      }
    }
    let maxErr = 0;
    for (let j = 0; j < want.length; j++) maxErr = Math.max(maxErr, Math.abs(want[j] - data.patches[j]));
    return {
      isFloat32: data.patches instanceof Float32Array,
      shape: data.shape,
      length: data.patches.length,
      bitmapTransferred: bitmap.width === 0,
      maxErr,
    };
  });
  assert.equal(result.error, undefined, result.error);
  assert.ok(result.isFloat32);
  assert.deepEqual(result.shape, [12, 768]);
  assert.equal(result.length, 12 * 768);
  assert.ok(result.bitmapTransferred, 'the bitmap was transferred (detached here)');
  assert.ok(result.maxErr <= 1e-5, `max error ${result.maxErr}`);
  assert.deepEqual(problems, []);
});

test('the Worker example page runs as written', T, async () => {
  const p = await browser.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const logged = p.waitForEvent('console', { predicate: (m) => m.type() === 'log', timeout: 30_000 });
  await p.goto(url + 'vit-worker.html');
  const log = await logged;
  assert.match(log.text(), /^patches 196x768, first value -?\d+\.\d{4}$/);
  assert.deepEqual(errors, []);
  await p.close();
});
