// The WebAssembly part of the benchmark suite (`make bench`, scripts/bench.sh).
//
//   node patch-wasm/bench/bench.mjs --pkg DIR --suite NAME --out FILE.json
//
// DIR is a built package (patch-wasm/build.sh's pkg/, copied aside; its
// node/ build is loaded), NAME the suite name of the rows ("wasm-simd128"
// or "wasm-scalar"). In this one Node process, for each workload:
//
//   patch_wasm  the kernel through the JavaScript API (extractInto into a
//               WasmArray made once; overlapAdd / fold, which return a new
//               WasmArray: allocating, zeroing and freeing it is included;
//               foldInto / overlapAddInto exist since, these rows still
//               time the allocating calls)
//   memcpy      benchMemcpy: one `memory.copy` of the same output bytes
//               between two WasmArrays (a Rust `copy_from_slice`, checked to
//               compile to memory.copy), called like extractInto
//   copyWithin  Uint8Array.prototype.copyWithin of the same bytes on the
//               wasm memory buffer (the JavaScript way to memmove; for reference)
//   js_loop     a plain JavaScript loop doing the same gather (or
//               accumulate, for folds) on JavaScript-owned typed arrays
//
// Workloads (the geometries of patch-core/benches/suite.rs): vit_u8
// ([224,224,3] u8, 16x16 tiles), vit_u8_b64 (a batch of 64 of them),
// audio_frame_400_160 (960000 f32), fold_ola (overlap-add of those frames),
// fold_mean_2x2 (mean fold of 16x368x368 from 2x2 windows, step 2) and
// fold_gauss_512 (Gaussian-weighted fold of 512x512 from 64x64 windows,
// step 32); and for `tiny` (32x32x3 u8, 8x8 tiles, 3072 bytes) the ns per call of
// create_copy_free (new PatchView + extractInto + free), copy (extractInto
// on a view made once), getter (view.numPatches: the JS<->wasm call
// overhead alone) and memcpy.
//
// Every kernel's output is checked against the JavaScript loop's before
// timing. Timing: calls per sample calibrated to about a sample's length,
// the median seconds per call over several samples; the variants of a
// workload are measured round-robin twice and the smaller median kept.
// WebAssembly runs on one thread here. BENCH_QUICK=1 shortens the samples.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.pkg || !args.suite || !args.out) {
  console.error('usage: node bench.mjs --pkg DIR --suite NAME --out FILE.json');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const wasm = require(resolve(args.pkg, 'node', 'patch_wasm.js'));
const { PatchView, WasmArray, overlapAdd, benchMemcpy } = wasm;
if (typeof benchMemcpy !== 'function') {
  console.error(`${args.pkg}: no benchMemcpy export (build the package from this checkout)`);
  process.exit(1);
}

const QUICK = !['', '0', undefined].includes(process.env.BENCH_QUICK);
const SAMPLE = QUICK ? 0.03 : 0.08; // seconds
const SAMPLES = QUICK ? 3 : 5;
const SUITE = args.suite;

function timeFn(f) {
  f();
  const start = performance.now();
  let calls = 0;
  while ((performance.now() - start) / 1e3 < SAMPLE / 4) {
    f();
    calls++;
  }
  const per = Math.max(calls * 4, 1);
  const times = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t = performance.now();
    for (let i = 0; i < per; i++) f();
    times.push((performance.now() - t) / 1e3 / per);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(SAMPLES / 2)];
}

const rows = [];
function run(workload, bytes, variants) {
  const best = variants.map(() => Infinity);
  for (let round = 0; round < 2; round++) {
    variants.forEach(([, f], i) => {
      best[i] = Math.min(best[i], timeFn(f));
    });
  }
  const base = best[variants.findIndex(([n]) => n === 'memcpy')];
  console.log(`\n${workload} (${(bytes / 1e6).toFixed(2)} MB out, 1 thread, ${SUITE})`);
  variants.forEach(([name], i) => {
    const s = best[i];
    const us = s < 1e-5 ? `${(s * 1e9).toFixed(1).padStart(10)} ns` : `${(s * 1e6).toFixed(1).padStart(10)} us`;
    const ratio = name !== 'memcpy' && base ? `   ${(s / base).toFixed(2)}x memcpy` : '';
    console.log(`  ${name.padEnd(18)} ${us} ${(bytes / s / 1e9).toFixed(2).padStart(7)} GB/s${ratio}`);
    rows.push({ suite: SUITE, workload, variant: name, threads: 1, seconds: s, bytes });
  });
}

function assertClose(got, want, tol, what) {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol * Math.max(1, Math.abs(want[i])))) {
      throw new Error(`${what}: element ${i} is ${got[i]}, the JavaScript loop gives ${want[i]}`);
    }
  }
}

const fillU8 = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31) % 251);
const fillF32 = (n) => Float32Array.from({ length: n }, (_, i) => (i % 1000) * 0.5);

// A memory.copy baseline of `n` elements of `dtype`, and the copyWithin one.
function copyBaselines(dtype, n) {
  const a = new WasmArray(dtype, [n]);
  const b = new WasmArray(dtype, [n]);
  a.data.fill(1);
  const bytes = a.byteLength;
  const memcpy = () => benchMemcpy(a, b);
  // a.data.buffer is the wasm memory's ArrayBuffer; re-read it in case memory grew.
  const copyWithin = () => {
    new Uint8Array(a.data.buffer).copyWithin(b.ptr, a.ptr, a.ptr + bytes);
  };
  return { memcpy, copyWithin, free: () => { a.free(); b.free(); } };
}

// ---- workloads ------------------------------------------------------------

function vitLoop(src, dst, h, w, c, p, b = 1) {
  let o = 0;
  for (let n = 0; n < b; n++)
    for (let gy = 0; gy < h / p; gy++)
      for (let gx = 0; gx < w / p; gx++)
        for (let y = 0; y < p; y++)
          for (let x = 0; x < p; x++) {
            const base = (((n * h + gy * p + y) * w) + gx * p + x) * c;
            for (let ch = 0; ch < c; ch++) dst[o++] = src[base + ch];
          }
}

function frameLoop(src, dst, n, len, hop) {
  for (let f = 0; f < n; f++) {
    const s = f * hop, d = f * len;
    for (let i = 0; i < len; i++) dst[d + i] = src[s + i];
  }
}

function olaLoop(frames, out, len, hop) {
  out.fill(0);
  const n = frames.length / len;
  for (let f = 0; f < n; f++) {
    const s = f * len, d = f * hop;
    for (let i = 0; i < len; i++) out[d + i] += frames[s + i];
  }
}

function foldMeanLoop(patches, out, count, b, h, w, p) {
  out.fill(0);
  count.fill(0);
  let i = 0;
  for (let n = 0; n < b; n++)
    for (let gy = 0; gy < h / p; gy++)
      for (let gx = 0; gx < w / p; gx++)
        for (let y = 0; y < p; y++) {
          const row = (n * h + gy * p + y) * w + gx * p;
          for (let x = 0; x < p; x++) {
            out[row + x] += patches[i++];
            count[row + x] += 1;
          }
        }
  for (let k = 0; k < out.length; k++) if (count[k] > 0) out[k] /= count[k];
}

function foldWeightedLoop(patches, out, norm, wts, n, p, s) {
  out.fill(0);
  norm.fill(0);
  const g = (n - p) / s + 1;
  let i = 0;
  for (let gy = 0; gy < g; gy++)
    for (let gx = 0; gx < g; gx++)
      for (let y = 0; y < p; y++) {
        const row = (gy * s + y) * n + gx * s;
        for (let x = 0; x < p; x++) {
          const wt = wts[y] * wts[x];
          out[row + x] += wt * patches[i++];
          norm[row + x] += wt;
        }
      }
  for (let k = 0; k < out.length; k++) if (norm[k] > 0) out[k] /= norm[k];
}

// ViT tiles of one image (b = 1: vit_u8) or a batch (vit_u8_b64).
function vitU8(name, b) {
  const [h, w, c, p] = [224, 224, 3, 16];
  const pixels = fillU8(b * h * w * c);
  const win = { role: 'window', size: p, step: p };
  const view = new PatchView({
    shape: b > 1 ? [b, h, w, c] : [h, w, c], dtype: 'uint8',
    axes: b > 1 ? [{ role: 'batch' }, win, win, { role: 'whole' }] : [win, win, { role: 'whole' }],
  });
  const src = WasmArray.fromTypedArray('uint8', [pixels.length], pixels);
  const dst = new WasmArray('uint8', [view.numPatches, view.patchLen]);
  const jsDst = new Uint8Array(dst.length);
  view.extractInto(src, dst);
  vitLoop(pixels, jsDst, h, w, c, p, b);
  assertClose(dst.data, jsDst, 0, name);
  const base = copyBaselines('uint8', dst.length);
  run(name, dst.byteLength, [
    ['patch_wasm', () => view.extractInto(src, dst)],
    ['memcpy', base.memcpy],
    ['copyWithin', base.copyWithin],
    ['js_loop', () => vitLoop(pixels, jsDst, h, w, c, p, b)],
  ]);
  base.free(); src.free(); dst.free(); view.free();
}

// vit_preprocess (issue 11): 224x224 RGBA pixels (an ImageData) into the
// normalized float32 ViT input [196, 768], each patch (C, ph, pw), ImageNet
// mean and std. patch_wasm: extractInto a float32 WasmArray through the
// 'rgba-as-rgb-chw' layout with { dtype, normalize }, the pixels already in
// wasm memory; from_imagedata: the same preceded by WasmArray.fromImage
// (one copy in) and its free(), the whole path from an ImageData; memcpy:
// memory.copy of the float32 output; js_loop: one plain JavaScript loop
// doing the whole preprocessing from ImageData.data into a Float32Array;
// copy_then_normalize: the library's u8 copy then a JavaScript normalize
// pass (the three-copy way before the fused copy). f16: the same into
// float16 against memory.copy of the f16 output.
function vitPreprocess() {
  const [h, w, p] = [224, 224, 16];
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const normalize = { rescale: 1 / 255, mean, std };
  const image = { width: w, height: h, data: Uint8ClampedArray.from({ length: h * w * 4 }, (_, i) => (i * 31) % 251) };
  const win = { role: 'window', size: p, step: p };
  const view = new PatchView({
    layout: { name: 'rgba-as-rgb-chw', height: h, width: w }, dtype: 'uint8clamped',
    axes: [{ role: 'whole' }, win, win],
  });
  const img = WasmArray.fromImage(image);
  const dst = new WasmArray('float32', [view.numPatches, view.patchLen]);
  const opts = { dtype: 'float32', normalize };
  const scale = std.map((s) => 1 / 255 / s);
  const shift = mean.map((m, c) => -m / std[c]);
  const jsDst = new Float32Array(dst.length);
  const jsLoop = () => {
    const src = image.data;
    let o = 0;
    for (let gy = 0; gy < h / p; gy++)
      for (let gx = 0; gx < w / p; gx++)
        for (let c = 0; c < 3; c++) {
          const a = scale[c];
          const b = shift[c];
          for (let y = 0; y < p; y++) {
            let at = ((gy * p + y) * w + gx * p) * 4 + c;
            for (let x = 0; x < p; x++, at += 4) jsDst[o++] = src[at] * a + b;
          }
        }
  };
  const u8 = new WasmArray('uint8clamped', [view.numPatches, view.patchLen]);
  const split = new Float32Array(dst.length);
  const copyThenNormalize = () => {
    view.extractInto(img, u8);
    const bytes = u8.data;
    const per = p * p;
    for (let i = 0; i < bytes.length; i++) {
      const c = ((i % 768) / per) | 0;
      split[i] = bytes[i] * scale[c] + shift[c];
    }
  };
  view.extractInto(img, dst, opts);
  jsLoop();
  copyThenNormalize();
  assertClose(dst.data, jsDst, 1e-6, 'vit_preprocess');
  assertClose(split, jsDst, 1e-6, 'vit_preprocess copy_then_normalize');
  const base = copyBaselines('float32', dst.length);
  run('vit_preprocess', dst.byteLength, [
    ['patch_wasm', () => view.extractInto(img, dst, opts)],
    ['from_imagedata', () => {
      const a = WasmArray.fromImage(image);
      view.extractInto(a, dst, opts);
      a.free();
    }],
    ['memcpy', base.memcpy],
    ['js_loop', jsLoop],
    ['copy_then_normalize', copyThenNormalize],
  ]);
  base.free();
  const half = new WasmArray('float16', [view.numPatches, view.patchLen]);
  const halfOpts = { dtype: 'float16', normalize };
  view.extractInto(img, half, halfOpts);
  const halfBase = copyBaselines('float16', half.length);
  run('vit_preprocess_f16', half.byteLength, [
    ['patch_wasm', () => view.extractInto(img, half, halfOpts)],
    ['memcpy', halfBase.memcpy],
  ]);
  for (const o of [halfBase, half, img, dst, u8, view]) o.free();
}

function audio() {
  const [n, len, hop] = [960000, 400, 160];
  const signal = fillF32(n);
  const view = new PatchView({ shape: [n], dtype: 'float32', axes: [{ role: 'window', size: len, step: hop }] });
  const frames = view.numPatches;
  const src = WasmArray.fromTypedArray('float32', [n], signal);
  const dst = new WasmArray('float32', [frames, len]);
  const jsDst = new Float32Array(dst.length);
  view.extractInto(src, dst);
  frameLoop(signal, jsDst, frames, len, hop);
  assertClose(dst.data, jsDst, 0, 'audio_frame_400_160');
  const base = copyBaselines('float32', dst.length);
  run('audio_frame_400_160', dst.byteLength, [
    ['patch_wasm', () => view.extractInto(src, dst)],
    ['memcpy', base.memcpy],
    ['copyWithin', base.copyWithin],
    ['js_loop', () => frameLoop(signal, jsDst, frames, len, hop)],
  ]);
  base.free(); src.free(); view.free();

  // Overlap-add of those frames: 9.6 MB of frames in, 3.84 MB out.
  const outLen = (frames - 1) * hop + len;
  const jsOut = new Float32Array(outLen);
  const got = overlapAdd(dst, len, hop);
  olaLoop(jsDst, jsOut, len, hop);
  assertClose(got.data, jsOut, 1e-6, 'fold_ola');
  got.free();
  const fbase = copyBaselines('float32', dst.length);
  run('fold_ola', dst.byteLength, [
    ['patch_wasm', () => overlapAdd(dst, len, hop).free()],
    ['memcpy', fbase.memcpy],
    ['copyWithin', fbase.copyWithin],
    ['js_loop', () => olaLoop(jsDst, jsOut, len, hop)],
  ]);
  fbase.free(); dst.free();
}

// Mean fold of 16x368x368 from 2x2 windows, step 2 (no overlap).
function foldMean() {
  const [b, n, p] = [16, 368, 2];
  const win = { role: 'window', size: p, step: p };
  const view = new PatchView({ shape: [b, n, n], dtype: 'float32', axes: [{ role: 'batch' }, win, win] });
  const x = WasmArray.fromTypedArray('float32', [b, n, n], fillF32(b * n * n));
  const patches = view.extract(x);
  x.free();
  const jsPatches = patches.toArray();
  const jsOut = new Float32Array(b * n * n), jsCount = new Float32Array(b * n * n);
  const got = view.fold(patches, { reduce: 'mean' });
  foldMeanLoop(jsPatches, jsOut, jsCount, b, n, n, p);
  assertClose(got.data, jsOut, 1e-6, 'fold_mean_2x2');
  got.free();
  const base = copyBaselines('float32', patches.length);
  run('fold_mean_2x2', patches.byteLength, [
    ['patch_wasm', () => view.fold(patches, { reduce: 'mean' }).free()],
    ['memcpy', base.memcpy],
    ['copyWithin', base.copyWithin],
    ['js_loop', () => foldMeanLoop(jsPatches, jsOut, jsCount, b, n, n, p)],
  ]);
  base.free(); patches.free(); view.free();
}

function foldGauss() {
  const [n, p, s] = [512, 64, 32];
  const view = new PatchView({
    shape: [n, n], dtype: 'float32',
    axes: [{ role: 'window', size: p, step: s }, { role: 'window', size: p, step: s }],
  });
  const x = WasmArray.fromTypedArray('float32', [n, n], fillF32(n * n));
  const patches = view.extract(x);
  x.free();
  const jsPatches = patches.toArray();
  const centre = (p - 1) / 2, sigma = 0.125 * p;
  const wts = Float32Array.from({ length: p }, (_, i) => Math.exp(-0.5 * ((i - centre) / sigma) ** 2));
  const jsOut = new Float32Array(n * n), jsNorm = new Float32Array(n * n);
  const opts = { reduce: 'weighted', window: 'gaussian' };
  const got = view.fold(patches, opts);
  foldWeightedLoop(jsPatches, jsOut, jsNorm, wts, n, p, s);
  assertClose(got.data, jsOut, 1e-4, 'fold_gauss_512');
  got.free();
  const base = copyBaselines('float32', patches.length);
  run('fold_gauss_512', patches.byteLength, [
    ['patch_wasm', () => view.fold(patches, opts).free()],
    ['memcpy', base.memcpy],
    ['copyWithin', base.copyWithin],
    ['js_loop', () => foldWeightedLoop(jsPatches, jsOut, jsNorm, wts, n, p, s)],
  ]);
  base.free(); patches.free(); view.free();
}

function tiny() {
  const opts = {
    shape: [32, 32, 3], dtype: 'uint8',
    axes: [{ role: 'window', size: 8, step: 8 }, { role: 'window', size: 8, step: 8 }, { role: 'whole' }],
  };
  const pixels = fillU8(32 * 32 * 3);
  const view = new PatchView(opts);
  const src = WasmArray.fromTypedArray('uint8', [32, 32, 3], pixels);
  const dst = new WasmArray('uint8', [view.numPatches, view.patchLen]);
  const jsDst = new Uint8Array(dst.length);
  view.extractInto(src, dst);
  vitLoop(pixels, jsDst, 32, 32, 3, 8);
  assertClose(dst.data, jsDst, 0, 'tiny');
  const base = copyBaselines('uint8', dst.length);
  let sink = 0;
  run('tiny', dst.byteLength, [
    ['create_copy_free', () => { const v = new PatchView(opts); v.extractInto(src, dst); v.free(); }],
    ['copy', () => view.extractInto(src, dst)],
    ['getter', () => { sink += view.numPatches; }],
    ['memcpy', base.memcpy],
    ['js_loop', () => vitLoop(pixels, jsDst, 32, 32, 3, 8)],
  ]);
  if (sink === 0) throw new Error('getter never ran');
  base.free(); src.free(); dst.free(); view.free();
}

console.log(`${SUITE}: ${args.pkg}, node ${process.version}; ${SAMPLES} samples of ${SAMPLE * 1e3} ms, median per call, min over 2 interleaved rounds`);
vitU8('vit_u8', 1);
vitU8('vit_u8_b64', 64);
vitPreprocess();
audio();
foldMean();
foldGauss();
tiny();
writeFileSync(args.out, JSON.stringify(rows, null, 1));
console.log(`\nwrote ${args.out}`);
