// vit_preprocess in headless Chromium (not part of `make bench`, which
// runs bench.mjs in Node): a real ImageData of 224x224 RGBA pixels into the
// normalized float32 ViT input [196, 768], (C, ph, pw) per patch, timed in
// the page the way bench.mjs times it in Node:
//
//   from_imagedata  WasmArray.fromImage(imageData) + extractInto(..., { dtype, normalize }) + free
//   patch_wasm      the extractInto alone (pixels already in wasm memory)
//   memcpy          benchMemcpy of the float32 output (one memory.copy)
//   js_loop         one plain JavaScript loop doing the whole preprocessing
//
//   bash patch-wasm/build.sh && node patch-wasm/bench/chromium.mjs
//
// Needs /usr/bin/chromium and playwright-core (web-demo/tests: npm ci).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const here = import.meta.dirname;
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'web-demo', 'tests', 'package.json'));
const { chromium } = require('playwright-core');

const server = spawn(process.execPath, [path.join(repo, 'web-demo', 'tools', 'server.mjs'), path.join(repo, 'patch-wasm')], {
  env: { ...process.env, PORT: '0', QUIET: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) resolve(m[0]);
  });
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(url + 'README.md');
  const rows = await page.evaluate(async () => {
    const m = await import('/pkg/web/patch_wasm.js');
    await m.default();
    const { PatchView, WasmArray, benchMemcpy } = m;
    const [h, w, p] = [224, 224, 16];
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const data = new Uint8ClampedArray(h * w * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    const image = new ImageData(data, w, h);
    const win = { role: 'window', size: p, step: p };
    const view = new PatchView({ layout: { name: 'rgba-as-rgb-chw', height: h, width: w }, dtype: 'uint8clamped', axes: [{ role: 'whole' }, win, win] });
    const img = WasmArray.fromImage(image);
    const dst = new WasmArray('float32', [view.numPatches, view.patchLen]);
    const copy = new WasmArray('float32', [view.numPatches, view.patchLen]);
    const opts = { dtype: 'float32', normalize: { rescale: 1 / 255, mean, std } };
    const scale = std.map((s) => 1 / 255 / s);
    const shift = mean.map((mu, c) => -mu / std[c]);
    const js = new Float32Array(dst.length);
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
              for (let x = 0; x < p; x++, at += 4) js[o++] = src[at] * a + b;
            }
          }
    };
    view.extractInto(img, dst, opts);
    jsLoop();
    const out = dst.data;
    for (let i = 0; i < js.length; i++) if (Math.abs(out[i] - js[i]) > 1e-5) throw new Error(`element ${i}: ${out[i]} vs ${js[i]}`);
    const time = (f) => {
      f();
      let n = 0;
      let t = performance.now();
      while (performance.now() - t < 50) { f(); n++; }
      const per = Math.max(n, 1);
      const samples = [];
      for (let s = 0; s < 5; s++) {
        t = performance.now();
        for (let i = 0; i < per; i++) f();
        samples.push((performance.now() - t) / per);
      }
      return samples.sort((a, b) => a - b)[2] * 1e3;
    };
    const variants = {
      from_imagedata: () => { const a = WasmArray.fromImage(image); view.extractInto(a, dst, opts); a.free(); },
      patch_wasm: () => view.extractInto(img, dst, opts),
      from_image_only: () => WasmArray.fromImage(image).free(),
      set_only: () => img.data.set(image.data),
      memcpy: () => benchMemcpy(dst, copy),
      js_loop: jsLoop,
    };
    const best = {};
    for (let round = 0; round < 2; round++) for (const [k, f] of Object.entries(variants)) best[k] = Math.min(best[k] ?? Infinity, time(f));
    return { ua: navigator.userAgent, best };
  });
  console.log(`vit_preprocess in ${rows.ua.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'} (headless), median us per call:`);
  for (const [k, us] of Object.entries(rows.best)) {
    console.log(`  ${k.padEnd(16)} ${us.toFixed(1).padStart(8)} us   ${(us / rows.best.memcpy).toFixed(2)}x memcpy   ${(rows.best.js_loop / us).toFixed(2)}x js_loop speed`);
  }
} finally {
  await browser.close();
  server.kill();
}
