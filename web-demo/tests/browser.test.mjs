// Browser tests of the patch visualizer: real headless Chromium driven by
// playwright-core, against the page served on localhost by tests/run.sh
// (DEMO_URL). Any console error or page error fails the run.
//
// The mosaic is read back from its canvas and compared with pixels this file
// computes on its own from the formula of the "Coordinate gradient" image
// (and of an uploaded PNG it encodes itself), so the check is independent of
// the page's code.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { encodePng } from './png.mjs';

const URL = process.env.DEMO_URL;
const SHOTS = process.env.SCREENSHOT_DIR || path.join(import.meta.dirname, 'screenshots');
const T = { timeout: 120_000 };

let browser;
let page;
const problems = [];

// ---------------------------------------------------------------- reference

/** The "Coordinate gradient" image, recomputed here: [r, g, b] at (x, y). */
const gradient = (x, y) => [x & 255, y & 255, ((x >> 4) + (y >> 4)) & 1 ? 200 : 60];

/** The uploaded PNG's pixels. */
const uploadPixel = (x, y) => [(3 * x + 7) & 255, (5 * y + 11) & 255, (x * y + 40) & 255];

/** numpy-style index remapping for the padding modes used here. */
function remap(c, d, mode) {
  if (c >= 0 && c < d) return c;
  if (mode === 'constant') return null;
  if (mode === 'edge') return Math.min(d - 1, Math.max(0, c));
  if (mode === 'wrap') return ((c % d) + d) % d;
  if (mode === 'reflect') {
    if (d === 1) return 0;
    const p = 2 * (d - 1);
    const m = ((c % p) + p) % p;
    return m >= d ? p - m : m;
  }
  throw new Error(`mode ${mode} not modelled`);
}

/** Window origins along an axis of length d, independently of the page. */
function origins(d, size, step, dil, conv, pads = [0, 0]) {
  const e = dil * (size - 1) + 1;
  let lo = 0;
  let hi = 0;
  let g;
  if (conv === 'same') {
    g = Math.ceil(d / step);
    const total = Math.max((g - 1) * step + e - d, 0);
    lo = Math.floor(total / 2);
    hi = total - lo;
  } else if (conv === 'explicit') {
    [lo, hi] = pads;
    g = d + lo + hi >= e ? Math.floor((d + lo + hi - e) / step) + 1 : 0;
  } else {
    g = d >= e ? Math.floor((d - e) / step) + 1 : 0;
  }
  const out = [];
  for (let i = 0; i < g; i++) out.push(i * step - lo);
  if (conv === 'cover' && g > 0 && out[g - 1] + e < d) out.push(d - e);
  return out;
}

/**
 * The expected tiles of a geometry: for patch k (output order), a function
 * (r, s) -> [r, g, b] as the mosaic draws it (grey for per-channel patches).
 */
function expectedPatches(img, H, W, g) {
  const oy = origins(H, g.ph, g.sh, g.dh, g.convention, g.padsH);
  const ox = origins(W, g.pw, g.sw, g.dw, g.convention, g.padsW);
  const value = (y, x, c) => {
    const yy = remap(y, H, g.mode || 'constant');
    const xx = remap(x, W, g.mode || 'constant');
    if (yy === null || xx === null) return Math.min(255, Math.max(0, g.value ?? 0));
    return img(xx, yy)[c];
  };
  const patches = [];
  const C = 3;
  const per = g.channels === 'per-channel';
  const add = (i, j, c) =>
    patches.push((r, s) => {
      const y = oy[i] + r * g.dh;
      const x = ox[j] + s * g.dw;
      if (per) {
        const v = value(y, x, c);
        return [v, v, v];
      }
      return [value(y, x, 0), value(y, x, 1), value(y, x, 2)];
    });
  if (per && g.layout === 'chw') {
    for (let c = 0; c < C; c++) for (let i = 0; i < oy.length; i++) for (let j = 0; j < ox.length; j++) add(i, j, c);
  } else if (per) {
    for (let i = 0; i < oy.length; i++) for (let j = 0; j < ox.length; j++) for (let c = 0; c < C; c++) add(i, j, c);
  } else {
    for (let i = 0; i < oy.length; i++) for (let j = 0; j < ox.length; j++) add(i, j, 0);
  }
  return { patches, gh: oy.length, gw: ox.length };
}

// ---------------------------------------------------------------- page helpers

async function waitIdle(n) {
  await page.waitForFunction((n) => window.demo && window.demo.updates > n && !window.demo.pending, n, { timeout: 30_000 });
}

/** Runs `fn` (which changes controls) and waits until the page has re-extracted. */
async function act(fn) {
  const n = await page.evaluate(() => window.demo.updates);
  await fn();
  await waitIdle(n);
}

const DEFAULTS = {
  ph: 16, pw: 16, sh: 16, sw: 16, dh: 1, dw: 1,
  convention: 'valid', mode: 'constant', value: 0,
  layout: 'hwc', dtype: 'u8', channels: 'whole', fold: 'mean',
};

/** Sets the geometry through the controls (like a person would) and waits for the update. */
async function setGeometry(g) {
  const want = { ...DEFAULTS, ...g };
  await act(async () => {
    const linked = await page.isChecked('#link-step');
    if (linked) await page.uncheck('#link-step');
    for (const k of ['ph', 'pw', 'sh', 'sw', 'dh', 'dw']) await page.fill(`#${k}`, String(want[k]));
    await page.selectOption('#convention', want.convention);
    if (want.convention === 'same' || want.convention === 'explicit') {
      await page.selectOption('#pad-mode', want.mode);
      if (want.mode === 'constant') await page.fill('#pad-value', String(want.value));
    }
    if (want.convention === 'explicit') {
      await page.fill('#pad-top', String(want.padsH[0]));
      await page.fill('#pad-bottom', String(want.padsH[1]));
      await page.fill('#pad-left', String(want.padsW[0]));
      await page.fill('#pad-right', String(want.padsW[1]));
    }
    await page.check(`[data-testid=layout-${want.layout}]`);
    await page.check(`[data-testid=dtype-${want.dtype}]`);
    await page.check(`[data-testid=channels-${want.channels === 'whole' ? 'whole' : 'per'}]`);
    await page.selectOption('#fold-reduce', want.fold);
  });
  return want;
}

async function setImage(kind, size) {
  await act(async () => {
    await page.selectOption('#image-kind', kind);
    if (size) await page.selectOption('#image-size', size);
  });
}

const text = (id) => page.textContent(`[data-testid=${id}]`);

/** Reads tiles `ks` of the mosaic canvas back as RGBA arrays. */
async function readTiles(ks) {
  return page.evaluate((ks) => {
    const c = document.getElementById('mosaic');
    const d = c.dataset;
    const meta = { cols: +d.cols, tw: +d.tileW, th: +d.tileH, gap: +d.gap, drawn: +d.drawn, total: +d.total, blockSize: +d.blockSize, blockGap: +d.blockGap };
    const ctx = c.getContext('2d');
    // Tiles in output order, row-major, `cols` per row; per-channel CHW puts
    // each channel's block of `blockSize` tiles side by side.
    const tiles = ks.map((k) => {
      const b = Math.floor(k / meta.blockSize);
      const kk = k % meta.blockSize;
      const x0 = meta.gap + b * (meta.cols * (meta.tw + meta.gap) + meta.blockGap) + (kk % meta.cols) * (meta.tw + meta.gap);
      const y0 = meta.gap + Math.floor(kk / meta.cols) * (meta.th + meta.gap);
      return Array.from(ctx.getImageData(x0, y0, meta.tw, meta.th).data);
    });
    return { meta, tiles };
  }, ks);
}

async function mosaicHash() {
  return page.evaluate(() => {
    const c = document.getElementById('mosaic');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return `${c.width}x${c.height}:${h >>> 0}`;
  });
}

/** Checks the mosaic against the reference for a spread of patches. */
async function checkMosaic(img, H, W, g, label) {
  const exp = expectedPatches(img, H, W, g);
  const n = exp.patches.length;
  assert.equal(Number((await text('patch-count')).replace(/,/g, '')), n, `${label}: patch count`);
  const { meta } = await readTiles([]);
  assert.equal(meta.total, n, `${label}: mosaic total`);
  assert.equal(meta.th, g.ph, `${label}: tile height`);
  assert.equal(meta.tw, g.pw, `${label}: tile width`);
  const ks = [...new Set([0, 1, exp.gw, Math.floor(n / 2), n - 2, n - 1, 7, 3 * exp.gw + 2])]
    .filter((k) => k >= 0 && k < Math.min(n, meta.drawn));
  const { tiles } = await readTiles(ks);
  ks.forEach((k, t) => {
    const px = tiles[t];
    for (let r = 0; r < g.ph; r++) {
      for (let s = 0; s < g.pw; s++) {
        const o = (r * g.pw + s) * 4;
        const want = exp.patches[k](r, s);
        const got = [px[o], px[o + 1], px[o + 2]];
        assert.deepEqual(got, want, `${label}: patch ${k} pixel (${r}, ${s})`);
      }
    }
  });
  return ks.length;
}

/** A full-page screenshot, and optionally one of a single panel (by its heading id). */
async function shot(name, panelHeading) {
  fs.mkdirSync(SHOTS, { recursive: true });
  if (panelHeading) {
    const panel = page.locator(`#${panelHeading}`).locator('xpath=..');
    await panel.screenshot({ path: path.join(SHOTS, name.replace(/\.png$/, '-panel.png')) });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

// ---------------------------------------------------------------- lifecycle

before(async () => {
  assert.ok(URL, 'DEMO_URL must point at the served page (run tests/run.sh)');
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${URL}#image`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.demo && window.demo.ready && window.demo.updates > 0 && !window.demo.pending, null, { timeout: 60_000 });
  console.log(`# screenshots go to ${SHOTS}`);
});

afterEach(() => {
  assert.deepEqual(problems.splice(0), [], 'no console errors, page errors or failed requests');
});

after(async () => {
  await browser?.close();
});

// ---------------------------------------------------------------- tests

test('the page loads with the engine and no console or page error', T, async () => {
  assert.equal(await page.isHidden('[data-testid=error]'), true, 'no error shown');
  assert.equal(await text('patch-count'), '196');
  assert.equal(await text('grid'), '14 × 14');
  assert.match(await page.title(), /Patches/);
  await shot('01-default-vit-tiles.png');
});

test('the strides panel shows shape and byte strides for several geometries', T, async () => {
  await setImage('grid', '224x224');
  const cases = [
    { g: {}, input: ['[224, 224, 3]', '[672, 3, 1]'], view: ['[14, 14, 16, 16, 3]', '[10752, 48, 672, 3, 1]'], isz: '1' },
    { g: { dtype: 'f32' }, input: ['[224, 224, 3]', '[2688, 12, 4]'], view: ['[14, 14, 16, 16, 3]', '[43008, 192, 2688, 12, 4]'], isz: '4' },
    { g: { layout: 'chw' }, input: ['[3, 224, 224]', '[50176, 224, 1]'], view: ['[14, 14, 3, 16, 16]', '[3584, 16, 50176, 224, 1]'], isz: '1' },
    { g: { channels: 'per-channel' }, input: ['[224, 224, 3]', '[672, 3, 1]'], view: ['[14, 14, 3, 16, 16]', '[10752, 48, 1, 672, 3]'], isz: '1' },
    { g: { layout: 'chw', channels: 'per-channel' }, input: ['[3, 224, 224]', '[50176, 224, 1]'], view: ['[3, 14, 14, 16, 16]', '[50176, 3584, 16, 224, 1]'], isz: '1' },
    { g: { ph: 3, pw: 3, sh: 1, sw: 1, dh: 2, dw: 2 }, input: ['[224, 224, 3]', '[672, 3, 1]'], view: ['[220, 220, 3, 3, 3]', '[672, 3, 1344, 6, 1]'], isz: '1' },
  ];
  for (const c of cases) {
    await setGeometry(c.g);
    const label = JSON.stringify(c.g);
    assert.equal(await text('input-shape'), c.input[0], `${label} input shape`);
    assert.equal(await text('input-strides'), c.input[1], `${label} input strides`);
    assert.equal(await text('view-shape'), c.view[0], `${label} view shape`);
    assert.equal(await text('view-strides'), c.view[1], `${label} view strides`);
    assert.equal(await text('itemsize'), c.isz, `${label} itemsize`);
  }
  await setGeometry({ dtype: 'f32', layout: 'chw', channels: 'per-channel' });
  await shot('02-chw-per-channel-f32.png', 'h-strides');
  await setGeometry({});
});

test('changing size, step, dilation and padding updates the count and the mosaic, whose pixels are the source pixels', T, async () => {
  await setImage('gradient', '224x224');
  const H = 224;
  const W = 224;
  const geometries = [
    { ph: 16, pw: 16, sh: 16, sw: 16 },
    { ph: 8, pw: 12, sh: 8, sw: 12 },
    { ph: 10, pw: 10, sh: 5, sw: 7 },
    { ph: 5, pw: 5, sh: 9, sw: 9, dh: 3, dw: 2 },
    { ph: 16, pw: 16, sh: 12, sw: 12, convention: 'same', mode: 'constant', value: 9 },
    { ph: 7, pw: 9, sh: 10, sw: 10, convention: 'same', mode: 'reflect' },
    { ph: 32, pw: 32, sh: 32, sw: 32, convention: 'explicit', mode: 'edge', padsH: [5, 3], padsW: [2, 7] },
    { ph: 30, pw: 50, sh: 30, sw: 50, convention: 'cover' },
    { ph: 16, pw: 16, sh: 16, sw: 16, layout: 'chw' },
    { ph: 16, pw: 16, sh: 16, sw: 16, dtype: 'f32' },
    { ph: 12, pw: 12, sh: 20, sw: 20, channels: 'per-channel' },
    { ph: 12, pw: 12, sh: 20, sw: 20, channels: 'per-channel', layout: 'chw', dtype: 'f32' },
  ];
  let previous = '';
  let previousKey = '';
  let checked = 0;
  for (const g of geometries) {
    const want = await setGeometry(g);
    const label = JSON.stringify(g);
    assert.equal(await page.isHidden('[data-testid=error]'), true, `${label}: no error`);
    // A new geometry redraws the mosaic (a new layout or dtype may not change its pixels).
    const key = ['ph', 'pw', 'sh', 'sw', 'dh', 'dw', 'convention', 'mode', 'channels'].map((k) => want[k]).join();
    const hash = await mosaicHash();
    if (key !== previousKey) assert.notEqual(hash, previous, `${label}: the mosaic changed`);
    previous = hash;
    previousKey = key;
    checked += await checkMosaic(gradient, H, W, want, label);
  }
  assert.ok(checked > 60, `checked ${checked} patches`);
  await setGeometry({ ph: 10, pw: 10, sh: 6, sw: 6, dh: 2, dw: 2, convention: 'same', mode: 'reflect' });
  await page.focus('#image-view');
  await page.hover('#image-view', { position: { x: 180, y: 140 } });
  await page.waitForTimeout(50);
  await shot('03-gradient-dilated-same-reflect.png', 'h-mosaic');
  // The padding convention marks the patches that read padding.
  assert.match(await text('mosaic-caption'), /read padding/);
  assert.match(await text('view-strides'), /no strides/);
});

test('the selected patch shows its byte offset, and the keyboard moves it', T, async () => {
  await setImage('grid', '224x224');
  await setGeometry({});
  // Select patch (1, 1) by clicking the image where that window is.
  const box = await page.locator('#image-view').boundingBox();
  const scale = box.width / 224;
  await page.click('#image-view', { position: { x: 24 * scale, y: 24 * scale } });
  assert.equal(await text('patch-offset'), '10800'); // 1*10752 + 1*48
  await page.focus('#mosaic');
  await page.keyboard.press('ArrowRight');
  assert.equal(await text('patch-offset'), String(10752 + 2 * 48));
  await page.keyboard.press('ArrowDown');
  assert.equal(await text('patch-offset'), String(2 * 10752 + 2 * 48));
  const formula = await text('offset-formula');
  assert.match(formula, /i × 10752 \+ j × 48/);
  assert.match(formula, /2 × 10752 \+ 2 × 48 = 21600/);
  const mem = await text('memory-caption');
  assert.match(mem, /16 contiguous runs of 48 bytes, one every 672 bytes/);
  await shot('04-inspect-patch-and-memory.png', 'h-memory');
});

test('uploading a PNG through the file input extracts its patches', T, async () => {
  const W = 40;
  const H = 30;
  const png = encodePng(W, H, uploadPixel);
  const file = path.join(SHOTS, 'upload-input.png');
  fs.writeFileSync(file, png);
  const n = await page.evaluate(() => window.demo.updates);
  await page.setInputFiles('#file-input', { name: 'test-upload.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction(
    (n) => window.demo.updates > n && !window.demo.pending && document.getElementById('image-caption').textContent.includes('test-upload.png'),
    n,
    { timeout: 30_000 },
  );
  const src = await page.evaluate(() => {
    const c = document.getElementById('source-canvas');
    return { w: c.width, h: c.height, px: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
  });
  assert.equal(src.w, W);
  assert.equal(src.h, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      assert.deepEqual([src.px[o], src.px[o + 1], src.px[o + 2]], uploadPixel(x, y), `uploaded pixel (${x}, ${y})`);
    }
  }
  const g = await setGeometry({ ph: 8, pw: 8, sh: 8, sw: 8 });
  assert.equal(await text('input-shape'), '[30, 40, 3]');
  await checkMosaic(uploadPixel, H, W, g, 'upload 8x8');
  const g2 = await setGeometry({ ph: 6, pw: 6, sh: 4, sw: 5, convention: 'same', mode: 'reflect', layout: 'chw' });
  await checkMosaic(uploadPixel, H, W, g2, 'upload same reflect chw');
  await shot('05-uploaded-png.png');
  // Drag and drop: the same decoder, from a drop event carrying a file.
  const dropped = encodePng(20, 12, (x, y) => [x * 10, y * 20, 99]);
  const n2 = await page.evaluate(() => window.demo.updates);
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, Array.from(dropped));
  await page.waitForFunction(
    (n) => window.demo.updates > n && !window.demo.pending && document.getElementById('image-caption').textContent.includes('dropped.png'),
    n2,
    { timeout: 30_000 },
  );
  assert.equal(await text('input-shape'), '[3, 12, 20]');
  // Back to a built-in image.
  await setImage('grid', '224x224');
  assert.equal(await text('input-shape'), '[3, 224, 224]');
});

test('folding the patches back gives zero difference wherever windows cover', T, async () => {
  await setImage('rings', '224x224');
  const cases = [
    {},
    { ph: 32, pw: 32, sh: 16, sw: 16 },
    { ph: 20, pw: 20, sh: 20, sw: 20 }, // leaves an uncovered border
    { ph: 16, pw: 16, sh: 12, sw: 12, convention: 'same', mode: 'reflect' },
    { ph: 30, pw: 30, sh: 30, sw: 30, convention: 'cover' },
    { ph: 5, pw: 5, sh: 3, sw: 3, dh: 2, dw: 2, layout: 'chw', channels: 'per-channel' },
    { ph: 16, pw: 16, sh: 8, sw: 8, dtype: 'f32' },
  ];
  for (const g of cases) {
    await setGeometry(g);
    const label = JSON.stringify(g);
    const v = await page.getAttribute('[data-testid=fold-caption]', 'data-value');
    assert.equal(v, '0', `${label}: max |fold - x| over covered pixels`);
    assert.match(await text('fold-verdict'), /^0: exact/, label);
  }
  await setGeometry({ ph: 20, pw: 20, sh: 20, sw: 20 });
  assert.equal(await page.getAttribute('[data-testid=fold-caption]', 'data-uncovered'), String(224 * 224 - 220 * 220));
  // Gaussian weights: equal up to float rounding, zero in 8-bit units.
  await setGeometry({ ph: 32, pw: 32, sh: 8, sw: 8, fold: 'gaussian' });
  const gv = Number(await page.getAttribute('[data-testid=fold-caption]', 'data-value'));
  assert.ok(gv * 255 < 0.5, `gaussian fold differs by ${gv}`);
  await shot('06-fold-gaussian.png', 'h-fold');
  await setGeometry({});
});

test('a rejected geometry shows the engine error in the page, not in the console', T, async () => {
  await setImage('grid', '224x224');
  await setGeometry({ ph: 300, pw: 16, sh: 300, sw: 16 });
  assert.equal(await page.isVisible('[data-testid=error]'), true);
  assert.match(await text('error'), /larger than axis/);
  await shot('07-error-window-too-large.png');
  await setGeometry({});
  assert.equal(await page.isHidden('[data-testid=error]'), true);
  assert.equal(await text('patch-count'), '196');
});

test('a 512x512 image stays responsive, and huge copies are skipped with a note', T, async () => {
  await setImage('grid', '512x512');
  const t0 = Date.now();
  await setGeometry({ ph: 3, pw: 3, sh: 1, sw: 1 });
  const ms = Date.now() - t0;
  assert.equal(await text('patch-count'), String(510 * 510).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  assert.match(await text('mosaic-caption'), /Showing the first/);
  assert.ok(ms < 15_000, `update took ${ms} ms`);
  await setGeometry({ ph: 16, pw: 16, sh: 1, sw: 1 });
  assert.match(await text('mosaic-caption'), /more than this page allows/);
  assert.equal(await text('view-strides'), '[1536, 3, 1536, 3, 1]');
  await shot('08-512-overlapping-copy-skipped.png');
  await setImage('grid', '224x224');
  await setGeometry({});
});

test('audio mode frames a waveform with frame length and hop', T, async () => {
  await act(() => page.click('[data-testid=tab-audio]'));
  assert.equal(await page.isVisible('#audio-mode'), true);
  assert.equal(await text('frame-count'), String(Math.floor((4096 - 512) / 256) + 1));
  assert.equal(await text('audio-shape'), '[15, 512]');
  assert.equal(await text('audio-strides'), '[1024, 4]');
  await act(() => page.fill('#hop', '100'));
  assert.equal(await text('frame-count'), String(Math.floor((4096 - 512) / 100) + 1));
  await act(() => page.check('#pad-end'));
  assert.equal(await text('frame-count'), String(Math.ceil(4096 / 100)));
  // Overlap-add divided by the frame count: the signal again, up to float rounding.
  const ola = Number(await page.getAttribute('[data-testid=ola-maxdiff]', 'data-value'));
  assert.ok(ola < 1e-6, `overlap-add differs by ${ola}`);
  await page.hover('#wave', { position: { x: 400, y: 60 } });
  await shot('09-audio-frames.png');
  await act(() => page.click('[data-testid=tab-image]'));
  assert.equal(await page.isVisible('#image-mode'), true);
});
