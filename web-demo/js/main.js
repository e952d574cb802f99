// The visualizer: reads the controls, asks the wasm engine for a patch view,
// extracts and folds with it, and hands the results to the panels.

import init, { PatchView, WasmArray } from '../pkg/web/patch_wasm.js';
import { IMAGES, SIZES, generate, decodeFile } from './images.js';
import { viewOptions, extractOptions, viewAxes, axisIndex, inputShape, outerIndex, patchNumber, ITEMSIZE, CHANNELS } from './geometry.js';
import { $, fmtArr, fmtInt, fmtBytes, fmtBytesShort, fmtMs, product } from './util.js';
import { drawImageBase, drawImageSelection, pickWindow, drawMosaic, drawMosaicOverlay, mosaicPick } from './draw.js';
import { renderInspector, renderStrides, renderMemory } from './panels.js';
import { computeFold, renderFold } from './fold.js';
import { setupAudio } from './audio.js';

/** Copies larger than this are not made (the view is still shown): keeps the page responsive. */
export const MAX_COPY_BYTES = 64 * 1024 * 1024;

const demo = {
  /** Number of finished updates: the tests wait on it. */
  updates: 0,
  /** Whether an update is scheduled and not yet run. */
  pending: false,
  /** The last error message shown, or ''. */
  lastError: '',
  ready: false,
  model: null,
};
window.demo = demo;

const state = {
  image: null, // { width, height, data: RGBA }
  imageKey: '',
  imageLabel: '',
  input: null, // WasmArray of the image in the current layout and dtype
  inputKey: '',
  inputF32: null, // float32 copy (pixel / 255) for folding
  inputF32Key: '',
  view: null,
  patches: null,
  // The selection, by grid coordinates, so it survives geometry changes.
  sel: { i: 1, j: 1, c: 0 },
  model: null,
};

// ---------------------------------------------------------------- controls

function fillSelects() {
  const kind = $('image-kind');
  for (const [id, d] of Object.entries(IMAGES)) {
    const o = new Option(d.label, id);
    o.title = d.help;
    kind.add(o);
  }
  const size = $('image-size');
  for (const [h, w] of SIZES) size.add(new Option(`${h} × ${w}`, `${h}x${w}`));
  size.value = '224x224';
}

function intOf(id) {
  const raw = $(id).value.trim();
  if (raw === '') return NaN;
  const v = Number(raw);
  return Number.isInteger(v) ? v : NaN;
}

function radio(name) {
  return document.querySelector(`input[name="${name}"]:checked`).value;
}

function readSettings() {
  const linked = $('link-step').checked;
  const s = {
    ph: intOf('ph'),
    pw: intOf('pw'),
    sh: linked ? intOf('ph') : intOf('sh'),
    sw: linked ? intOf('pw') : intOf('sw'),
    dh: intOf('dh'),
    dw: intOf('dw'),
    convention: $('convention').value,
    mode: $('pad-mode').value,
    value: Number($('pad-value').value) || 0,
    pads: {
      top: intOf('pad-top'),
      bottom: intOf('pad-bottom'),
      left: intOf('pad-left'),
      right: intOf('pad-right'),
    },
    layout: radio('layout'),
    dtype: radio('dtype'),
    channels: radio('channels'),
    fold: $('fold-reduce').value,
  };
  return s;
}

const PADDING_HINTS = {
  valid: 'No padding: windows that do not fit are dropped, so the right and bottom edges may be left out. The patches are a view.',
  same: 'TensorFlow SAME: ⌈len / step⌉ windows per axis; the missing pixels are padded, the smaller half first. Windows that read padding cannot be a view: they are copied.',
  explicit: 'Pad (before, after) rows and columns, then cut VALID windows out of the padded image. Padding is an index remapping while copying, not a padded copy of the image.',
  cover: 'No padding: when windows do not end at the border, one more window is added, shifted back to end exactly there. Every pixel is covered; the shifted window breaks the regular stride, so it is a copy.',
};

function syncControlVisibility() {
  const conv = $('convention').value;
  const padded = conv === 'same' || conv === 'explicit';
  $('mode-row').hidden = !padded;
  $('value-row').hidden = !padded || $('pad-mode').value !== 'constant';
  $('pads-row').hidden = conv !== 'explicit';
  let hint = PADDING_HINTS[conv] || '';
  if (padded && $('pad-mode').value === 'constant') hint += ' The constant is in the dtype\'s units: 0–255 for u8, 0–1 for f32.';
  $('padding-hint').textContent = hint;
  const linked = $('link-step').checked;
  for (const id of ['sh', 'sw']) $(id).disabled = linked;
  if (linked) {
    $('sh').value = $('ph').value;
    $('sw').value = $('pw').value;
  }
}

const PRESETS = {
  vit: { ph: 16, pw: 16, sh: 16, sw: 16, dh: 1, dw: 1, link: true },
  conv: { ph: 3, pw: 3, sh: 1, sw: 1, dh: 1, dw: 1, link: false },
  overlap: { ph: 32, pw: 32, sh: 16, sw: 16, dh: 1, dw: 1, link: false },
  dilated: { ph: 3, pw: 3, sh: 8, sw: 8, dh: 4, dw: 4, link: false },
};

function applyPreset(name) {
  const p = PRESETS[name];
  $('link-step').checked = p.link;
  for (const k of ['ph', 'pw', 'sh', 'sw', 'dh', 'dw']) $(k).value = p[k];
  schedule();
}

// ---------------------------------------------------------------- errors

function showError(msg) {
  const box = $('error');
  demo.lastError = msg;
  box.textContent = msg;
  box.hidden = false;
}

function clearError() {
  demo.lastError = '';
  $('error').hidden = true;
  $('error').textContent = '';
}

function messageOf(e) {
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---------------------------------------------------------------- image

function setImage(image, key, label) {
  state.image = image;
  state.imageKey = key;
  state.imageLabel = label;
  const c = $('source-canvas');
  c.width = image.width;
  c.height = image.height;
  c.getContext('2d').putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
}

function loadBuiltIn() {
  const kind = $('image-kind').value;
  const [h, w] = $('image-size').value.split('x').map(Number);
  setImage(generate(kind, w, h), `${kind}:${h}x${w}`, `${IMAGES[kind].label}, generated`);
}

async function loadFile(file) {
  if (!file) return;
  try {
    const { image, scaled, originalSize } = await decodeFile(file);
    const note = scaled ? `, scaled down from ${originalSize[0]} × ${originalSize[1]}` : '';
    setImage(image, `file:${file.name}:${file.size}:${Date.now()}`, `${file.name}${note}`);
    const kind = $('image-kind');
    let opt = kind.querySelector('option[value="file"]');
    if (!opt) {
      opt = new Option('', 'file');
      kind.add(opt);
    }
    opt.textContent = `Your file: ${file.name}`;
    kind.value = 'file';
    $('image-size').disabled = true;
    schedule();
  } catch (e) {
    showError(`Could not decode ${file.name}: ${messageOf(e)}`);
  }
}

/** The image as a WasmArray of `dtype` in `layout`, written straight into wasm memory. */
function makeInput(dtype, layout) {
  const { width: w, height: h, data: rgba } = state.image;
  const arr = new WasmArray(dtype, inputShape(layout, h, w));
  const d = arr.data; // a fresh view over wasm memory; nothing allocates while we fill it
  const scale = dtype === 'float32' ? 1 / 255 : 1;
  const plane = h * w;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < CHANNELS; c++) {
      const v = rgba[p * 4 + c] * scale;
      if (layout === 'chw') d[c * plane + p] = v;
      else d[p * CHANNELS + c] = v;
    }
  }
  return arr;
}

function ensureInputs(s) {
  const key = `${state.imageKey}|${s.layout}|${s.dtype}`;
  if (state.inputKey !== key) {
    state.input?.free();
    state.input = makeInput(s.dtype, s.layout);
    state.inputKey = key;
  }
  const fkey = `${state.imageKey}|${s.layout}`;
  if (s.dtype !== 'float32' && state.inputF32Key !== fkey) {
    state.inputF32?.free();
    state.inputF32 = makeInput('float32', s.layout);
    state.inputF32Key = fkey;
  }
}

// ---------------------------------------------------------------- the update

let scheduled = false;
function schedule() {
  syncControlVisibility();
  demo.pending = true;
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const t0 = performance.now();
    try {
      update();
    } finally {
      demo.lastUpdateMs = performance.now() - t0;
      demo.pending = false;
      demo.updates++;
    }
  });
}

function freeModel() {
  state.patches?.free();
  state.patches = null;
  state.view?.free();
  state.view = null;
}

function clearPanels(reason) {
  for (const id of ['patch-count', 'grid-text', 'patch-len', 'stat-shape', 'stat-strides', 'view-bytes', 'copy-bytes', 'extract-time']) $(id).textContent = '–';
  $('cost-text').textContent = '';
  $('inspector').innerHTML = `<p class="warn">${reason}</p>`;
  $('strides').innerHTML = '';
  for (const id of ['mosaic-caption', 'memory-caption', 'fold-caption']) $(id).textContent = '';
  $('mosaic-caption').textContent = reason;
  for (const id of ['mosaic', 'mosaic-overlay', 'memory-overview', 'memory-detail']) {
    const c = $(id);
    c.width = c.height = 1;
    c.style.width = c.style.height = '0px';
  }
  $('mosaic').dataset.drawn = '0';
  $('mosaic').dataset.total = '0';
  document.querySelector('.fold-row').hidden = true;
}

function update() {
  const s = readSettings();
  freeModel();
  state.model = null;
  demo.model = null;
  ensureInputs(s);
  const { width: W, height: H } = state.image;
  const opts = viewOptions(s, H, W);
  let view;
  try {
    view = new PatchView(opts);
  } catch (e) {
    showError(messageOf(e));
    clearPanels('No patches: the geometry is rejected (see the message above).');
    drawImageBase(null, state);
    return;
  }
  clearError();
  state.view = view;
  const plan = view.plan();
  const ix = axisIndex(s.layout);
  const isz = ITEMSIZE[s.dtype];
  let viewStrides = null;
  let viewStridesError = '';
  try {
    viewStrides = Array.from(view.strides, Number);
  } catch (e) {
    viewStridesError = messageOf(e);
  }
  const model = {
    s,
    H,
    W,
    ix,
    isz,
    plan,
    view,
    vaxes: viewAxes(plan, s.layout),
    input: state.input,
    numPatches: Number(plan.numPatches),
    patchLen: Number(plan.patchLen),
    outerShape: plan.outerShape.map(Number),
    innerShape: plan.innerShape.map(Number),
    axH: plan.axes[ix.h],
    axW: plan.axes[ix.w],
    axC: plan.axes[ix.c],
    inputByteStrides: plan.inputByteStrides.map(Number),
    viewStrides,
    viewStridesError,
    spanBytes: Number(plan.spanBytes),
    copyBytes: Number(plan.copyBytes),
    patches: null,
    skipped: '',
    extractMs: NaN,
    extractRuns: 0,
    imageLabel: state.imageLabel,
  };

  // Extract (a copy) unless it is unreasonably large.
  if (model.numPatches === 0) {
    model.skipped = 'No window fits: zero patches.';
  } else if (model.copyBytes > MAX_COPY_BYTES) {
    model.skipped = `The copy would take ${fmtBytesShort(model.copyBytes)}, more than this page allows (${fmtBytesShort(MAX_COPY_BYTES)}): the mosaic and the fold are skipped. The view itself is free.`;
  } else {
    try {
      const t0 = performance.now();
      const patches = view.extract(state.input, extractOptions(s));
      const first = performance.now() - t0;
      state.patches = patches;
      model.patches = patches;
      // Time a few more runs into the same buffer for a steadier number.
      let runs = 0;
      let total = 0;
      const t1 = performance.now();
      while (runs < 50 && total < 6) {
        view.extractInto(state.input, patches, extractOptions(s));
        runs++;
        total = performance.now() - t1;
      }
      model.extractMs = runs > 0 ? total / runs : first;
      model.extractRuns = runs;
    } catch (e) {
      showError(messageOf(e));
      model.skipped = `extract() failed: ${messageOf(e)}`;
    }
  }

  // Clamp the selection to the new grid.
  state.model = model;
  demo.model = model;
  model.sel = selectionToPatch(model);

  const times = {};
  const timed = (name, fn) => {
    const t = performance.now();
    fn();
    times[name] = Math.round((performance.now() - t) * 10) / 10;
  };
  timed('stats', () => renderStats(model));
  timed('image', () => drawImageBase(model, state));
  timed('mosaic', () => drawMosaic(model));
  timed('strides', () => renderStrides(model));
  timed('fold', () => renderFoldPanel(model, s));
  timed('selection', () => renderSelection());
  demo.times = times;
}

function renderFoldPanel(model, s) {
  if (!model.patches) {
    renderFold(model, null, model.skipped || 'Nothing to fold.');
    return;
  }
  let result = null;
  let note = '';
  try {
    result = computeFold(model, s, state, PatchView);
  } catch (e) {
    note = `fold failed: ${messageOf(e)}`;
    showError(note);
  }
  renderFold(model, result, note);
}

function renderStats(m) {
  $('patch-count').textContent = fmtInt(m.numPatches);
  $('grid-text').textContent = m.outerShape.join(' × ');
  $('patch-len').textContent = fmtInt(m.patchLen);
  $('patch-len').title = `${m.innerShape.join(' × ')} elements per patch`;
  $('stat-shape').textContent = fmtArr(m.plan.shape);
  $('stat-strides').textContent = m.viewStrides ? fmtArr(m.viewStrides) : 'none (copy)';
  $('view-bytes').textContent = m.plan.isView ? '0 B' : 'none';
  $('view-bytes').title = `The view reads through ${fmtBytes(m.spanBytes)} of the input`;
  $('copy-bytes').textContent = fmtBytesShort(m.copyBytes);
  $('copy-bytes').title = fmtBytes(m.copyBytes);
  $('extract-time').textContent = Number.isFinite(m.extractMs) ? fmtMs(m.extractMs) : '–';
  const inputBytes = m.H * m.W * CHANNELS * m.isz;
  let t;
  if (m.plan.isView) {
    const ratio = m.copyBytes / Math.max(1, inputBytes);
    t = `The view allocates nothing: it looks through ${fmtBytes(m.spanBytes)} of the ${fmtBytesShort(inputBytes)} input. ` +
      `A copy of every patch takes ${fmtBytes(m.copyBytes)} (${ratio.toFixed(ratio < 10 ? 2 : 0)}× the input)` +
      (ratio > 1.01 ? ' because overlapping windows copy the same pixels again.' : '.');
  } else {
    t = `Not a view: ${m.viewStridesError.replace(/^.*?: /, '')}. The copy reads ${fmtBytes(m.spanBytes)} of the input and writes ${fmtBytes(m.copyBytes)}.`;
  }
  if (Number.isFinite(m.extractMs)) {
    const mbps = m.copyBytes / (m.extractMs / 1000) / 1e6;
    t += ` extract() wrote the copy in ${fmtMs(m.extractMs)} (mean of ${m.extractRuns} run${m.extractRuns === 1 ? '' : 's'}, ${mbps >= 1000 ? (mbps / 1000).toFixed(1) + ' GB/s' : mbps.toFixed(0) + ' MB/s'}).`;
  } else if (m.skipped) {
    t += ' ' + m.skipped;
  }
  $('cost-text').textContent = t;
}

// ---------------------------------------------------------------- selection

/** Patch number of the remembered selection in model `m` (clamped), or -1. */
function selectionToPatch(m) {
  if (m.numPatches === 0) return -1;
  const idx = m.vaxes.outer.map((a, n) => {
    const v = a.kind === 'batch' ? state.sel.c : a.n === 'h' ? state.sel.i : state.sel.j;
    return Math.max(0, Math.min(m.outerShape[n] - 1, v));
  });
  return patchNumber(idx, m.outerShape);
}

function remember(m, k) {
  const idx = outerIndex(k, m.outerShape);
  m.vaxes.outer.forEach((a, n) => {
    if (a.kind === 'batch') state.sel.c = idx[n];
    else if (a.n === 'h') state.sel.i = idx[n];
    else state.sel.j = idx[n];
  });
}

function select(k) {
  const m = state.model;
  if (!m || k < 0 || k >= m.numPatches || k === m.sel) return;
  m.sel = k;
  remember(m, k);
  renderSelection();
}

function renderSelection() {
  const m = state.model;
  if (!m) return;
  drawImageSelection(m, state);
  drawMosaicOverlay(m);
  renderInspector(m);
  renderMemory(m);
}

/** Moves the selection by (di, dj) grid steps (dc channels). */
function moveSelection(di, dj, dc = 0) {
  const m = state.model;
  if (!m || m.sel < 0) return;
  const idx = outerIndex(m.sel, m.outerShape);
  m.vaxes.outer.forEach((a, n) => {
    const d = a.kind === 'batch' ? dc : a.n === 'h' ? di : dj;
    idx[n] = Math.max(0, Math.min(m.outerShape[n] - 1, idx[n] + d));
  });
  select(patchNumber(idx, m.outerShape));
}

function keyNav(e) {
  const m = state.model;
  if (!m) return;
  const moves = {
    ArrowUp: [-1, 0, 0],
    ArrowDown: [1, 0, 0],
    ArrowLeft: [0, -1, 0],
    ArrowRight: [0, 1, 0],
    PageUp: [0, 0, -1],
    PageDown: [0, 0, 1],
  };
  if (moves[e.key]) {
    moveSelection(...moves[e.key]);
  } else if (e.key === 'Home') {
    select(0);
  } else if (e.key === 'End') {
    select(m.numPatches - 1);
  } else {
    return;
  }
  e.preventDefault();
}

// ---------------------------------------------------------------- wiring

function wire() {
  const form = $('controls');
  form.addEventListener('input', (e) => {
    if (e.target.id === 'file-input') return;
    if (e.target.id === 'image-kind' || e.target.id === 'image-size') return;
    schedule();
  });
  form.addEventListener('change', (e) => {
    const id = e.target.id;
    if (id === 'file-input') {
      loadFile(e.target.files[0]);
    } else if (id === 'image-kind' || id === 'image-size') {
      if ($('image-kind').value === 'file') return;
      $('image-size').disabled = false;
      $('image-kind').querySelector('option[value="file"]')?.remove();
      loadBuiltIn();
      schedule();
    } else {
      schedule();
    }
  });
  for (const r of document.querySelectorAll('input[name="memwrap"]')) {
    r.addEventListener('change', () => state.model && renderMemory(state.model));
  }
  for (const b of document.querySelectorAll('[data-preset]')) {
    b.addEventListener('click', () => applyPreset(b.dataset.preset));
  }

  // Drag and drop anywhere on the page.
  let dragDepth = 0;
  window.addEventListener('dragenter', (e) => {
    e.preventDefault();
    dragDepth++;
    document.body.classList.add('dropping');
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) document.body.classList.remove('dropping');
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    document.body.classList.remove('dropping');
    const files = [...(e.dataTransfer?.files || [])];
    const file = files.find((f) => f.type.startsWith('image/')) || files[0];
    if (file) {
      if ($('image-mode').hidden) showMode('image-mode');
      loadFile(file);
    }
  });

  const iv = $('image-view');
  const pickImage = (e) => {
    const m = state.model;
    if (!m) return;
    const k = pickWindow(m, state, e.offsetX, e.offsetY);
    if (k >= 0) select(k);
  };
  iv.addEventListener('mousemove', pickImage);
  iv.addEventListener('click', pickImage);
  iv.addEventListener('keydown', keyNav);

  const mo = $('mosaic');
  const pickMosaic = (e) => {
    const m = state.model;
    if (!m) return;
    const k = mosaicPick(m, e.offsetX, e.offsetY);
    if (k >= 0) select(k);
  };
  mo.addEventListener('mousemove', pickMosaic);
  mo.addEventListener('click', pickMosaic);
  mo.addEventListener('keydown', keyNav);

  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!$('image-mode').hidden) schedule();
      else audio?.redraw();
    }, 150);
  });

  for (const [tab, panel] of [['tab-image', 'image-mode'], ['tab-audio', 'audio-mode']]) {
    $(tab).addEventListener('click', () => showMode(panel));
  }
  $('tab-image').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight') $('tab-audio').focus();
  });
  $('tab-audio').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft') $('tab-image').focus();
  });
}

let audio = null;

function showMode(panelId) {
  const image = panelId === 'image-mode';
  $('image-mode').hidden = !image;
  $('audio-mode').hidden = image;
  $('tab-image').setAttribute('aria-selected', String(image));
  $('tab-audio').setAttribute('aria-selected', String(!image));
  if (image) schedule();
  else audio.activate();
}

async function main() {
  fillSelects();
  syncControlVisibility();
  try {
    await init();
  } catch (e) {
    $('status').textContent = '';
    showError(`Could not load the WebAssembly engine (pkg/web/patch_wasm.js): ${messageOf(e)}. Run "make demo" to build it.`);
    return;
  }
  $('status').textContent = '';
  loadBuiltIn();
  wire();
  audio = setupAudio({ showError, clearError, messageOf, demo });
  if (location.hash === '#audio') showMode('audio-mode');
  else schedule();
  demo.ready = true;
}

main();
