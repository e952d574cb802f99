// Browser tests of the teaching parts of the visualizer: the tiny mode
// (hover arithmetic and the lit memory cell, checked against the engine run
// here in Node), the code panel's programs (run: numpy in python3, C
// compiled against libpatch, JavaScript in Node, stridepatch when
// installed; their shapes and strides compared with the page's), axe-core
// in every mode at desktop and phone sizes, main-thread blocking on a
// 1024 × 768 image (a long-task observer), and screenshots of the new
// states. Any console error or page error fails the run.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const URL = process.env.DEMO_URL;
const SHOTS = process.env.SCREENSHOT_DIR || path.join(import.meta.dirname, 'screenshots');
const DEMO = path.dirname(import.meta.dirname);
const T = { timeout: 180_000 };
const engine = await import(path.join(DEMO, 'pkg', 'node', 'patch_wasm.mjs'));

let browser;
let page;
const problems = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-snippets-'));

before(async () => {
  assert.ok(URL, 'DEMO_URL must point at the served page (run tests/run.sh)');
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await newPage({ width: 1440, height: 1000 });
});

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const p = await context.newPage();
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  p.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return p;
}

afterEach(() => {
  assert.deepEqual(problems.splice(0), [], 'no console errors, page errors or failed requests');
});

after(async () => {
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function open(p, hash) {
  await p.goto(`${URL}#${hash}`, { waitUntil: 'load' });
  await p.waitForFunction(() => window.demo && window.demo.ready && window.demo.updates > 0 && !window.demo.pending, null, { timeout: 60_000 });
}

async function act(p, fn) {
  const n = await p.evaluate(() => window.demo.updates);
  await fn();
  await p.waitForFunction((n) => window.demo.updates > n && !window.demo.pending, n, { timeout: 60_000 });
}

const text = (p, id) => p.textContent(`[data-testid=${id}]`);
const nums = (s) => (s.match(/-?\d+/g) || []).map(Number);

// ---------------------------------------------------------------- tiny mode

async function tinySet(values) {
  await act(page, async () => {
    for (const [id, v] of Object.entries(values)) {
      if (id === 't-c' || id === 't-dtype') await page.selectOption(`#${id}`, v);
      else await page.fill(`#${id}`, String(v));
    }
  });
}

/** The engine's answer, in Node: patch k's elements (x = arange) and the view's byte strides. */
function tinyEngine({ H, W, C, layout, dtype, kh, kw, sh, sw, dh, dw }) {
  const win = (size, step, dilation) => ({ role: 'window', size, step, dilation });
  const shape = C === 1 ? [H, W] : layout === 'chw' ? [3, H, W] : [H, W, 3];
  const axes = C === 1 ? [win(kh, sh, dh), win(kw, sw, dw)] : layout === 'chw' ? [{ role: 'whole' }, win(kh, sh, dh), win(kw, sw, dw)] : [win(kh, sh, dh), win(kw, sw, dw), { role: 'whole' }];
  const n = shape.reduce((a, b) => a * b, 1);
  const view = new engine.PatchView({ shape, dtype, axes });
  const x = engine.WasmArray.fromTypedArray(dtype, shape, Array.from({ length: n }, (_, i) => i));
  const patches = view.extract(x);
  const out = { values: Array.from(patches.data, Number), strides: view.strides, shape: view.shape, patchLen: view.patchLen, outer: view.outerShape, inner: view.innerShape, itemsize: view.itemsize };
  patches.free();
  x.free();
  view.free();
  return out;
}

test('tiny mode: hovering an element shows offset = Σ index × stride and lights its memory cell, as the engine says', T, async () => {
  await open(page, 'tiny');
  assert.equal(await page.isVisible('#tiny-mode'), true, 'the page opens on the tiny mode');
  const cases = [
    { H: 6, W: 8, C: 1, layout: 'hwc', dtype: 'uint8', kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, k: 9, e: 5 },
    { H: 6, W: 8, C: 3, layout: 'hwc', dtype: 'float32', kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1, k: 5, e: 10 },
    { H: 5, W: 7, C: 3, layout: 'chw', dtype: 'float64', kh: 2, kw: 3, sh: 1, sw: 2, dh: 2, dw: 1, k: 4, e: 13 },
  ];
  for (const c of cases) {
    await tinySet({ 't-c': c.C === 1 ? '1' : `3${c.layout}`, 't-dtype': c.dtype, 't-h': c.H, 't-w': c.W, 't-kh': c.kh, 't-kw': c.kw, 't-sh': c.sh, 't-sw': c.sw, 't-dh': c.dh, 't-dw': c.dw });
    const eng = tinyEngine(c);
    assert.equal(await text(page, 'tiny-view-shape'), `[${eng.shape.join(', ')}]`);
    assert.equal(await text(page, 'tiny-view-strides'), `[${eng.strides.join(', ')}]`);
    // Select patch k by stepping, then hover element e of the patch.
    while (!new RegExp(`^patch ${c.k} of`).test(await text(page, 't-where'))) await page.click('[data-testid=t-next]');
    assert.match(await text(page, 't-where'), new RegExp(`^patch ${c.k} of`));
    await page.hover(`[data-testid=tiny-patch] [data-e="${c.e}"]`);
    const f = await page.$eval('[data-testid=tiny-formula]', (el) => ({ ...el.dataset, text: el.textContent }));
    // The index the page shows, and the arithmetic with the engine's strides.
    const outer = [Math.floor(c.k / eng.outer[1]), c.k % eng.outer[1]];
    const inner = [];
    let rest = c.e;
    for (let a = eng.inner.length - 1; a >= 0; a--) {
      inner.unshift(rest % eng.inner[a]);
      rest = Math.floor(rest / eng.inner[a]);
    }
    const idx = outer.concat(inner);
    assert.equal(f.index, idx.join(','), `${JSON.stringify(c)}: view index`);
    const offset = idx.reduce((acc, v, a) => acc + v * eng.strides[a], 0);
    assert.equal(Number(f.offset), offset, 'the offset shown is Σ index × stride');
    assert.ok(f.text.includes(idx.map((v, a) => `${v} × ${eng.strides[a]}`).join(' + ')), `the arithmetic is written out: ${f.text}`);
    // The element is the one the engine copied into the patch there (x holds its own indices).
    const want = eng.values[c.k * eng.patchLen + c.e];
    assert.equal(Number(f.element), want, 'element = offset / itemsize = the engine\'s value');
    assert.equal(offset / eng.itemsize, want);
    const lit = await page.$$eval('[data-testid=tiny-memory] .lit', (els) => els.map((e) => Number(e.dataset.el)));
    assert.deepEqual(lit, [want], 'exactly the memory cell of that element is lit');
    // The memory cells of the patch are the engine's elements.
    const mine = await page.$$eval('[data-testid=tiny-memory] .a, [data-testid=tiny-memory] .both', (els) => els.map((e) => Number(e.dataset.el)).sort((a, b) => a - b));
    assert.deepEqual(mine, [...new Set(eng.values.slice(c.k * eng.patchLen, (c.k + 1) * eng.patchLen))].sort((a, b) => a - b));
  }
  await page.screenshot({ path: path.join(SHOTS, '10-tiny-hover.png'), fullPage: true });
});

test('tiny mode: play, pause and step slide the window; two patches show their shared memory', T, async () => {
  await tinySet({ 't-c': '1', 't-dtype': 'uint8', 't-h': 6, 't-w': 8, 't-kh': 3, 't-kw': 3, 't-sh': 1, 't-sw': 1, 't-dh': 1, 't-dw': 1 });
  while (!/^patch 0 of/.test(await text(page, 't-where'))) await page.click('[data-testid=t-next]');
  await page.click('[data-testid=t-prev]'); // wraps to the last patch
  assert.match(await text(page, 't-where'), /^patch 23 of 24/);
  await page.click('[data-testid=t-next]');
  assert.match(await text(page, 't-where'), /^patch 0 of 24/);
  await page.click('[data-testid=t-play]');
  assert.equal(await page.getAttribute('[data-testid=t-play]', 'aria-pressed'), 'true');
  await page.waitForFunction(() => /^patch [1-9]/.test(document.querySelector('[data-testid=t-where]').textContent), null, { timeout: 5000 });
  await page.click('[data-testid=t-play]');
  assert.equal(await page.getAttribute('[data-testid=t-play]', 'aria-pressed'), 'false');
  const stopped = await text(page, 't-where');
  await page.waitForTimeout(1200);
  assert.equal(await text(page, 't-where'), stopped, 'paused');
  // Patches 0 and 1 of 3x3 windows, step 1: 6 shared elements (columns 1 and 2 of rows 0..2).
  await page.click('[data-testid=t-next]'); // whatever patch, then go to 0
  while (!/^patch 0 /.test(await text(page, 't-where'))) await page.click('[data-testid=t-next]');
  await page.selectOption('[data-testid=t-b]', '1');
  assert.equal(await text(page, 'tiny-shared-count'), '6');
  const both = await page.$$eval('[data-testid=tiny-memory] .both', (els) => els.map((e) => Number(e.dataset.el)));
  assert.deepEqual(both, [1, 2, 9, 10, 17, 18]);
  await page.selectOption('[data-testid=t-b]', '3');
  assert.equal(await text(page, 'tiny-shared-count'), '0');
});

test('tiny mode: as_strided reads past the end, the engine refuses with its error', T, async () => {
  await tinySet({ 't-extra': 1 });
  const err = await text(page, 'tiny-past-error');
  assert.match(err, /^out of bounds: shape \[5, 6, 3, 3\] with strides \[8, 1, 8, 1\] and offset 0 reaches index 55, past the end of a buffer of 48 elements$/);
  const ghosts = await page.$$eval('[data-testid=tiny-memory] .ghost', (els) => els.map((e) => Number(e.dataset.el)));
  assert.deepEqual(ghosts, [48, 49, 50, 51, 52, 53, 54, 55]);
  await page.locator('#h-tiny-past').locator('xpath=..').screenshot({ path: path.join(SHOTS, '11-tiny-past-the-end-panel.png') });
  await tinySet({ 't-extra': 0 });
  // An empty box is named in plain words, tied to its control.
  await tinySet({ 't-kh': '' });
  assert.match(await text(page, 'error-plain'), /^Window height is empty: type a whole number of at least 1\.$/);
  assert.equal(await page.getAttribute('#t-kh', 'aria-invalid'), 'true');
  await tinySet({ 't-kh': 3 });
  assert.equal(await page.isHidden('[data-testid=error]'), true);
  assert.equal(await page.getAttribute('#t-kh', 'aria-invalid'), null);
});

// ---------------------------------------------------------------- snippets

const PY = process.env.SNIPPET_PYTHON || 'python3';

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, ...opts });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

/** The tuples a Python snippet printed, line by line. */
const pyLines = (out) => out.trim().split('\n').map((l) => l.trim());

function runNumpy(name, code) {
  const file = path.join(work, `${name}.py`);
  fs.writeFileSync(file, code);
  return pyLines(run(PY, [file]));
}

function runC(name, code) {
  const src = path.join(work, `${name}.c`);
  const exe = path.join(work, name);
  fs.writeFileSync(src, code);
  const lib = process.env.PATCH_LIB_DIR;
  run('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', `-I${process.env.PATCH_INCLUDE_DIR}`, src, `-L${lib}`, '-lpatch', `-Wl,-rpath,${lib}`, '-o', exe]);
  return run(exe, []).trim().split('\n');
}

function runJs(name, code) {
  const dir = path.join(work, `js-${name}`);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  if (!fs.existsSync(path.join(dir, 'node_modules', 'patch-wasm'))) fs.symlinkSync(path.join(DEMO, 'pkg'), path.join(dir, 'node_modules', 'patch-wasm'));
  fs.writeFileSync(path.join(dir, 'snippet.mjs'), code);
  return run(process.execPath, [path.join(dir, 'snippet.mjs')]).trim().split('\n');
}

const tupleOf = (a) => (a.length === 1 ? `(${a[0]},)` : `(${a.join(', ')})`);

async function codeTexts(p, panel) {
  return p.evaluate((panel) => window.demo.code[panel].texts(), panel);
}

async function setImageGeometry(p, g) {
  await act(p, async () => {
    if (await p.isChecked('#link-step')) await p.uncheck('#link-step');
    for (const k of ['ph', 'pw', 'sh', 'sw', 'dh', 'dw']) await p.fill(`#${k}`, String(g[k] ?? 1));
    await p.selectOption('#convention', g.convention || 'valid');
    if (g.mode) await p.selectOption('#pad-mode', g.mode);
    if (g.value !== undefined) await p.fill('#pad-value', String(g.value));
    await p.check(`[data-testid=layout-${g.layout || 'hwc'}]`);
    await p.check(`[data-testid=dtype-${g.dtype || 'u8'}]`);
    await p.check(`[data-testid=channels-${g.channels === 'per-channel' ? 'per' : 'whole'}]`);
  });
}

test('the code panel\'s programs run and print the shape and strides the page shows (five geometries and more)', T, async () => {
  await open(page, 'image');
  const geometries = [
    { name: 'vit-hwc', g: { ph: 16, pw: 16, sh: 16, sw: 16 } },
    { name: 'chw-f32', g: { ph: 3, pw: 3, sh: 1, sw: 1, layout: 'chw', dtype: 'f32' } },
    { name: 'dilated', g: { ph: 3, pw: 3, sh: 1, sw: 1, dh: 2, dw: 2 } },
    { name: 'same', g: { ph: 16, pw: 16, sh: 12, sw: 12, convention: 'same', mode: 'constant', value: 9 } },
    { name: 'same-reflect-chw', g: { ph: 5, pw: 7, sh: 3, sw: 2, convention: 'same', mode: 'reflect', layout: 'chw' } },
    { name: 'explicit-edge', g: { ph: 8, pw: 8, sh: 8, sw: 8, convention: 'explicit', mode: 'edge' } },
    { name: 'per-channel', g: { ph: 4, pw: 6, sh: 5, sw: 3, channels: 'per-channel', layout: 'chw', dtype: 'f32' } },
    { name: 'cover', g: { ph: 30, pw: 50, sh: 30, sw: 50, convention: 'cover' } },
  ];
  const stridepatch = process.env.STRIDEPATCH_PYTHON;
  let ran = 0;
  for (const { name, g } of geometries) {
    await setImageGeometry(page, g);
    const shown = {
      shape: nums(await text(page, 'view-shape')),
      strides: (await text(page, 'view-strides')).startsWith('no strides') ? null : nums(await text(page, 'view-strides')),
      padded: (await page.$('[data-testid=padded-strides]')) ? nums(await text(page, 'padded-strides')) : null,
      matrix: nums(await text(page, 'matrix-shape')),
    };
    const texts = await codeTexts(page, 'image');
    const cover = g.convention === 'cover';
    // numpy: as_strided and sliding_window_view print the shape, then the strides (of the padded copy's view when padded).
    for (const tab of ['numpy', 'swv']) {
      const out = runNumpy(`${name}-${tab}`, texts[tab]);
      assert.equal(out[0], tupleOf(shown.shape), `${name} ${tab}: shape`);
      if (!cover) {
        const strides = shown.strides || shown.padded;
        assert.ok(strides, `${name}: the page shows strides (of the view, or of the padded copy's view)`);
        assert.equal(out[1], tupleOf(strides), `${name} ${tab}: strides`);
        assert.equal(out[2], tupleOf(shown.matrix), `${name} ${tab}: the patch matrix`);
        assert.equal(out[3], 'False', `${name} ${tab}: reshape copies`);
      }
      ran++;
    }
    // C against libpatch: the same shape; the strides, or "not a view".
    const c = runC(name, texts.c);
    assert.equal(c[0], `shape ${shown.shape.join(' ')}`, `${name} C: shape`);
    if (shown.strides) assert.equal(c[1], `strides ${shown.strides.join(' ')}`, `${name} C: strides`);
    else assert.match(c[1], /^strides: not a view: /, `${name} C: no strides`);
    assert.equal(c[2], `copy ${shown.matrix[0] * shown.matrix[1] * (g.dtype === 'f32' ? 4 : 1)} bytes`, `${name} C: the copy`);
    ran++;
    // JavaScript, as a user imports the package.
    const js = runJs(name, texts.js);
    assert.equal(js[0], `[ ${shown.shape.join(', ')} ]`, `${name} JS: shape`);
    assert.equal(js[1], shown.strides ? `[ ${shown.strides.join(', ')} ]` : 'false', `${name} JS: strides`);
    assert.equal(js[2], `[ ${shown.matrix.join(', ')} ]`, `${name} JS: copy shape`);
    ran++;
    if (stridepatch) {
      const file = path.join(work, `${name}-sp.py`);
      fs.writeFileSync(file, texts.python);
      const out = pyLines(run(stridepatch, [file]));
      assert.equal(out[0], tupleOf(shown.shape), `${name} stridepatch: shape`);
      assert.equal(out[1], shown.strides ? tupleOf(shown.strides) : 'None', `${name} stridepatch: strides`);
      ran++;
    }
  }
  await page.click('#image-tab-swv');
  await page.locator('#h-image-code').locator('xpath=..').screenshot({ path: path.join(SHOTS, '12-code-panel.png') });

  // Audio frames: numpy, C and JS of the framing.
  await act(page, () => page.click('[data-testid=tab-audio]'));
  for (const padEnd of [false, true]) {
    if (padEnd) await act(page, () => page.check('#pad-end'));
    const shape = nums(await text(page, 'audio-shape'));
    const strides = (await text(page, 'audio-strides')) === 'copy only' ? null : nums(await text(page, 'audio-strides'));
    const texts = await codeTexts(page, 'audio');
    const out = runNumpy(`audio-${padEnd}`, texts.numpy);
    assert.equal(out[0], tupleOf(shape), `audio pad end ${padEnd}: numpy shape`);
    if (strides) assert.equal(out[1], tupleOf(strides), 'audio: numpy strides');
    else assert.equal(out[1], tupleOf([Number(await page.inputValue('#hop')) * 4, 4]), 'audio padded: the strides of the padded copy\'s view');
    const swv = runNumpy(`audio-swv-${padEnd}`, texts.swv);
    assert.equal(swv[0], tupleOf(shape));
    const c = runC(`audio-${padEnd}`, texts.c);
    assert.equal(c[0], `shape ${shape.join(' ')}`);
    if (strides) assert.equal(c[1], `strides ${strides.join(' ')}`);
    else assert.match(c[1], /^strides: not a view: /);
    const js = runJs(`audio-${padEnd}`, texts.js);
    assert.equal(js[0], `[ ${shape.join(', ')} ]`);
    ran += 4;
  }
  await act(page, () => page.uncheck('#pad-end'));
  console.log(`# ran ${ran} generated programs${stridepatch ? '' : ' (stridepatch not installed: its programs were not run)'}`);
  assert.ok(ran >= 5 * 4);
});

// ---------------------------------------------------------------- fixes of the probe

test('stale controls, the Gaussian fold\'s weights, Cover\'s shifted window, the zoom of small windows', T, async () => {
  await open(page, 'image');
  // A file loaded: the size box shows its size; back to a built-in picture: the file input is cleared.
  const { encodePng } = await import('./png.mjs');
  const png = encodePng(40, 30, (x, y) => [x * 6, y * 8, 100]);
  const n = await page.evaluate(() => window.demo.updates);
  await page.setInputFiles('#file-input', { name: 'small.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction((n) => window.demo.updates > n && !window.demo.pending && document.getElementById('image-caption').textContent.includes('small.png'), n, { timeout: 30_000 });
  assert.equal(await page.$eval('#image-size', (s) => s.options[s.selectedIndex].textContent), '30 × 40 (the file\'s)');
  assert.equal(await page.isDisabled('#image-size'), true);
  await act(page, () => page.selectOption('#image-kind', 'rings'));
  assert.equal(await page.$eval('#file-input', (f) => f.value), '');
  assert.equal(await page.isDisabled('#image-size'), false);
  assert.equal(await page.inputValue('#image-size'), '224x224');
  // The audio mode's header speaks of audio.
  await act(page, () => page.click('[data-testid=tab-audio]'));
  assert.match(await text(page, 'lede'), /1-D case: framing a signal/);
  assert.doesNotMatch(await text(page, 'lede'), /picture|panel/);
  await act(page, () => page.click('[data-testid=tab-image]'));

  // Gaussian fold: the third image is the summed weights, not window counts.
  await setImageGeometry(page, { ph: 32, pw: 32, sh: 8, sw: 8 });
  await act(page, () => page.selectOption('#fold-reduce', 'gaussian'));
  assert.equal(await page.getAttribute('#fold-weight', 'data-kind'), 'weights');
  assert.match(await page.textContent('#fold-weight-caption'), /summed Gaussian weights/);
  await page.locator('#h-fold').locator('xpath=..').screenshot({ path: path.join(SHOTS, '13-fold-gaussian-weights-panel.png') });
  await act(page, () => page.selectOption('#fold-reduce', 'mean'));
  assert.equal(await page.getAttribute('#fold-weight', 'data-kind'), 'counts');

  // Cover: the shifted windows are named in the caption (and drawn dashed).
  await setImageGeometry(page, { ph: 30, pw: 50, sh: 30, sw: 50, convention: 'cover' });
  assert.match(await text(page, 'image-caption'), /Cover \(dashed blue\): the last row of windows starts at 194 instead of 210 \(16 back\)/);
  await page.locator('#h-image').locator('xpath=..').screenshot({ path: path.join(SHOTS, '14-cover-shifted-window-panel.png') });

  // 3x3 windows: the zoom shows the selected window's neighbourhood and 25 tiles of the copy.
  await setImageGeometry(page, { ph: 3, pw: 3, sh: 1, sw: 1 });
  await page.click('#image-view', { position: { x: 100, y: 100 } });
  await page.waitForFunction(() => Number(document.getElementById('zoom-tiles').dataset.tiles) >= 9, null, { timeout: 10_000 });
  const sel = await page.evaluate(() => window.demo.model.sel);
  const grid = await page.evaluate(() => window.demo.model.outerShape);
  const [i, j] = [Math.floor(sel / grid[1]), sel % grid[1]];
  const inGrid = (n, g) => [-2, -1, 0, 1, 2].filter((d) => n + d >= 0 && n + d < g).length;
  await page.waitForFunction((want) => Number(document.getElementById('zoom-tiles').dataset.tiles) === want, inGrid(i, grid[0]) * inGrid(j, grid[1]), { timeout: 10_000 });
  assert.match(await text(page, 'zoom-tiles-caption'), /and its neighbours/);
  await page.locator('#h-zoom').locator('xpath=..').screenshot({ path: path.join(SHOTS, '15-zoom-3x3-panel.png') });

  // A free view whose copy is too large for wasm32: said in plain words, tied to the step.
  await setImageGeometry(page, { ph: 64, pw: 64, sh: 1, sw: 1 });
  await act(page, () => page.selectOption('#image-size', '512x512'));
  assert.match(await text(page, 'error-plain'), /This view would cost nothing, but its copy would not: 201,601 patches × 12,288 bytes = 2\.3 GiB/);
  assert.match(await text(page, 'error-engine'), /^overflow: /);
  assert.equal(await page.getAttribute('#sh', 'aria-invalid'), 'true');
  // An empty box: plain words, not "NaN".
  await act(page, () => page.fill('#ph', ''));
  assert.equal(await text(page, 'error-plain'), 'Patch height is empty: type a whole number of at least 1.');
  assert.equal(await page.getAttribute('#ph', 'aria-invalid'), 'true');
  await setImageGeometry(page, { ph: 16, pw: 16, sh: 16, sw: 16 });
  await act(page, () => page.selectOption('#image-size', '224x224'));
  assert.equal(await page.isHidden('[data-testid=error]'), true);
  // The token matrix: why [196, 768] is a copy.
  assert.match(await text(page, 'reshape'), /axis i strides 10,752 bytes, but one axis of 196 would need it to stride 14 × 48 = 672/);
  // The cost of the view beside the copy's.
  assert.match(await text(page, 'view-time'), /µs|ms/);
  assert.equal(await text(page, 'view-own-bytes'), '0 B');
  assert.equal(await text(page, 'copy-own-bytes'), '147 KiB');
  // Selections are announced in the live region.
  await page.focus('#mosaic');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^Patch \d+ of 196/.test(document.querySelector('[data-testid=announce]').textContent), null, { timeout: 5000 });
});

// ---------------------------------------------------------------- main thread

test('no main-thread block over 100 ms while changing controls on a 1024 × 768 image', T, async () => {
  await open(page, 'image');
  await act(page, () => page.selectOption('#image-size', '768x1024'));
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
  const steps = [
    () => page.click('[data-preset=conv]'),
    () => page.check('[data-testid=dtype-f32]'),
    () => page.selectOption('#convention', 'same'),
    () => page.check('[data-testid=layout-chw]'),
    () => page.selectOption('#fold-reduce', 'gaussian'),
    () => page.click('[data-preset=overlap]'),
    () => page.check('[data-testid=channels-per]'),
    () => page.selectOption('#convention', 'cover'),
    () => page.click('[data-preset=dilated]'),
    () => page.check('[data-testid=dtype-u8]'),
    () => page.click('[data-preset=vit]'),
  ];
  for (const step of steps) {
    await act(page, step);
    await page.mouse.move(300, 400);
  }
  await page.waitForTimeout(200);
  const tasks = await page.evaluate(() => window.__longTasks);
  console.log(`# long tasks over 50 ms while changing controls: ${tasks.length ? tasks.join(', ') + ' ms' : 'none'}`);
  assert.ok(tasks.every((d) => d <= 100), `main-thread tasks over 100 ms: ${tasks.filter((d) => d > 100).join(', ')} ms`);
  await page.screenshot({ path: path.join(SHOTS, '16-1024x768-vit.png'), fullPage: false });
  await act(page, () => page.selectOption('#image-size', '224x224'));
  for (const id of ['layout-hwc', 'channels-whole']) await act(page, () => page.check(`[data-testid=${id}]`));
  await act(page, () => page.selectOption('#convention', 'valid'));
  await act(page, () => page.selectOption('#fold-reduce', 'mean'));
});

// ---------------------------------------------------------------- accessibility

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(p, label) {
  await p.addScriptTag({ content: AXE });
  const result = await p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !bad.includes(v)).map((v) => `${v.id} (${v.impact})`);
  if (minor.length) console.log(`# axe, ${label}: minor: ${minor.join(', ')}`);
  assert.deepEqual(bad, [], `axe-core serious or critical violations, ${label}`);
}

test('axe-core: no serious or critical violation in the tiny, image and audio modes, desktop and 390 × 844', T, async () => {
  for (const [vw, vh] of [[1440, 1000], [390, 844]]) {
    const p = vw === 1440 ? page : await newPage({ width: vw, height: vh });
    for (const mode of ['tiny', 'image', 'audio']) {
      await open(p, mode);
      if (mode === 'tiny') await p.hover('[data-testid=tiny-patch] [data-e="1"]');
      await axe(p, `${mode} at ${vw} × ${vh}`);
      if (vw === 390) {
        // No sideways scrolling, and the first picture on the first screens.
        const wide = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= vw, `${mode} at 390 px: the page is ${wide} px wide`);
        const fig = mode === 'tiny' ? '#tiny-array' : mode === 'image' ? '#image-view' : '#wave';
        const top = await p.$eval(fig, (el) => el.getBoundingClientRect().top + window.scrollY);
        assert.ok(top < 900, `${mode} at 390 px: the first picture starts ${Math.round(top)} px down`);
        await p.screenshot({ path: path.join(SHOTS, `17-mobile-390-${mode}.png`), fullPage: true });
      }
    }
    if (p !== page) await p.context().close();
  }
});
