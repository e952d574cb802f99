// The image mode: reads the controls, asks the engine for the patch view
// (a data-free PatchView on this thread: every count, stride, origin and
// extent comes from it), and hands the data work (extract, its timing, the
// mosaic's pixels, the fold) to the worker (js/worker.js), so the page never
// blocks on a large copy. Results of an outdated job are dropped.

import { PatchView } from '../pkg/web/patch_wasm.js';
import { IMAGES, SIZES, decodeFile } from './images.js';
import { viewOptions, viewAxes, axisIndex, outerIndex, patchNumber, axisOrigins, ITEMSIZE, CHANNELS, CHANNEL_NAMES } from './geometry.js';
import { $, fmtArr, fmtInt, fmtBytes, fmtBytesShort, fmtMs, panelWidths } from './util.js';
import { drawImageBase, drawImageSelection, pickWindow, drawMosaic, drawMosaicOverlay, mosaicPick, drawZoomImage, drawZoomTiles, zoomTiles } from './draw.js';
import { renderInspector, renderStrides, renderMemory, renderReshape, renderCost } from './panels.js';
import { renderFold } from './fold.js';
import { mosaicSpec, mosaicLayout } from './mosaic.js';
import { codePanel } from './codepanel.js';
import { readInt, markInvalid, explainEngine } from './errors.js';

/** Copies larger than this are not made (the view is still shown): keeps memory and time bounded. */
export const MAX_COPY_BYTES = 64 * 1024 * 1024;
/** The fold works on float32 patches; it is skipped when their copy would exceed this. */
export const MAX_FOLD_BYTES = 64 * 1024 * 1024;

const PADDING_HINTS = {
  valid: 'No padding: windows that do not fit are dropped, so the right and bottom edges may be left out. The patches are a view.',
  same: 'TensorFlow SAME: ⌈len / step⌉ windows per axis; the missing pixels are padded, the smaller half first. Windows that read padding cannot be a view: they are copied.',
  explicit: 'Pad (before, after) rows and columns, then cut VALID windows out of the padded image. Padding is an index remapping while copying, not a padded copy of the image.',
  cover: 'No padding: when windows do not end at the border, one more window is added, shifted back to end exactly there (drawn dashed). Every pixel is covered; the shifted window breaks the regular stride, so it is a copy.',
};

const PRESETS = {
  vit: { ph: 16, pw: 16, sh: 16, sw: 16, dh: 1, dw: 1, link: true },
  conv: { ph: 3, pw: 3, sh: 1, sw: 1, dh: 1, dw: 1, link: false },
  overlap: { ph: 32, pw: 32, sh: 16, sw: 16, dh: 1, dw: 1, link: false },
  dilated: { ph: 3, pw: 3, sh: 8, sw: 8, dh: 4, dw: 4, link: false },
};

export function setupImage(app) {
  const { demo, announce, showError, clearError } = app;
  const state = {
    image: null, // { width, height, data: RGBA }
    imageKey: '',
    imageLabel: '',
    fileSize: null,
    model: null,
    sel: { i: 1, j: 1, c: 0 },
    job: 0,
    inFlight: false,
    dirty: false,
    tilesReq: 0,
    imageBase: null,
    imageGeom: null,
    loading: 0,
    later: 0, // drawing steps of the current update still to run (see later())
    builtInSize: '224x224',
    imageReq: 0,
  };
  const code = codePanel($('image-code'), 'image');
  demo.code = { ...demo.code, image: code };

  // ------------------------------------------------------------ worker

  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  let workerReady;
  const ready = new Promise((resolve) => (workerReady = resolve));
  const imageWaiters = new Map();
  worker.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === 'ready') workerReady();
    else if (msg.type === 'failed') showError(`The engine's worker failed: ${msg.message}`);
    else if (msg.type === 'image') imageWaiters.get(msg.key)?.(msg);
    else if (msg.type === 'result') onResult(msg);
    else if (msg.type === 'tiles') onTiles(msg);
  };
  worker.onerror = (e) => showError(`The engine's worker failed: ${e.message || 'could not start'}`);

  // ------------------------------------------------------------ controls

  const kind = $('image-kind');
  for (const [id, d] of Object.entries(IMAGES)) {
    const o = new Option(d.label, id);
    o.title = d.help;
    kind.add(o);
  }
  const sizeSel = $('image-size');
  for (const [h, w] of SIZES) sizeSel.add(new Option(`${h} × ${w}`, `${h}x${w}`));
  sizeSel.value = '224x224';

  const radio = (name) => document.querySelector(`input[name="${name}"]:checked`).value;

  /** The settings, or { errors: [{ error, id }] } with a sentence per bad box. */
  function readSettings() {
    const linked = $('link-step').checked;
    const ints = {
      ph: readInt('ph', 'Patch height'),
      pw: readInt('pw', 'Patch width'),
      sh: linked ? readInt('ph', 'Patch height') : readInt('sh', 'The step along the height'),
      sw: linked ? readInt('pw', 'Patch width') : readInt('sw', 'The step along the width'),
      dh: readInt('dh', 'The dilation along the height'),
      dw: readInt('dw', 'The dilation along the width'),
    };
    const conv = $('convention').value;
    if (conv === 'explicit') {
      ints.padTop = readInt('pad-top', 'Padding above', 0, 4096);
      ints.padBottom = readInt('pad-bottom', 'Padding below', 0, 4096);
      ints.padLeft = readInt('pad-left', 'Padding on the left', 0, 4096);
      ints.padRight = readInt('pad-right', 'Padding on the right', 0, 4096);
    }
    const errors = Object.values(ints).filter((r) => r.error);
    const mode = $('pad-mode').value;
    const rawValue = $('pad-value').value.trim();
    const value = rawValue === '' ? 0 : Number(rawValue);
    const dtype = radio('dtype');
    if ((conv === 'same' || conv === 'explicit') && mode === 'constant') {
      if (!Number.isFinite(value)) errors.push({ error: `The constant value must be a number, not “${rawValue}”.`, id: 'pad-value' });
      else if (dtype === 'uint8' && (!Number.isInteger(value) || value < 0 || value > 255)) {
        errors.push({ error: `The constant value ${value} does not fit a uint8 pixel: use a whole number from 0 to 255 (or switch to f32).`, id: 'pad-value' });
      }
    }
    if (errors.length) return { errors };
    return {
      ph: ints.ph.value,
      pw: ints.pw.value,
      sh: ints.sh.value,
      sw: ints.sw.value,
      dh: ints.dh.value,
      dw: ints.dw.value,
      convention: conv,
      mode,
      value,
      pads: conv === 'explicit'
        ? { top: ints.padTop.value, bottom: ints.padBottom.value, left: ints.padLeft.value, right: ints.padRight.value }
        : { top: 0, bottom: 0, left: 0, right: 0 },
      layout: radio('layout'),
      dtype,
      channels: radio('channels'),
      fold: $('fold-reduce').value,
    };
  }

  function syncControlVisibility() {
    const conv = $('convention').value;
    const padded = conv === 'same' || conv === 'explicit';
    $('mode-row').hidden = !padded;
    $('value-row').hidden = !padded || $('pad-mode').value !== 'constant';
    $('pads-row').hidden = conv !== 'explicit';
    const linked = $('link-step').checked;
    for (const id of ['sh', 'sw']) {
      $(id).disabled = linked;
      if (linked) $(id).value = $(id === 'sh' ? 'ph' : 'pw').value;
    }
    let hint = PADDING_HINTS[conv] || '';
    if (padded && $('pad-mode').value === 'constant') hint += " The constant is in the dtype's units: 0–255 for u8, 0–1 for f32.";
    $('padding-hint').textContent = hint;
  }

  function applyPreset(name) {
    const p = PRESETS[name];
    for (const k of ['ph', 'pw', 'sh', 'sw', 'dh', 'dw']) $(k).value = p[k];
    $('link-step').checked = p.link;
    schedule();
  }

  // ------------------------------------------------------------ image

  function setImage(image, key, label) {
    state.image = image;
    state.imageKey = key;
    state.imageLabel = label;
    const c = $('source-canvas');
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d').putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
  }

  /** A built-in picture, generated by the worker (a 768 × 1024 one takes a while in JavaScript). */
  async function loadBuiltIn() {
    state.loading++;
    demo.pending = true;
    try {
      await generateBuiltIn();
    } finally {
      state.loading--;
    }
  }

  async function generateBuiltIn() {
    await ready;
    const k = kind.value;
    const [h, w] = sizeSel.value.split('x').map(Number);
    const key = `${k}:${h}x${w}`;
    const req = `${key}#${++state.imageReq}`; // one answer per request, also for the same picture twice
    const msg = await new Promise((resolve) => {
      imageWaiters.set(req, resolve);
      worker.postMessage({ type: 'generate', key: req, kind: k, width: w, height: h });
    });
    imageWaiters.delete(req);
    if (kind.value !== k || sizeSel.value !== `${h}x${w}`) return; // changed again meanwhile
    setImage({ width: msg.width, height: msg.height, data: msg.rgba }, key, `${IMAGES[k].label}, generated`);
    schedule();
  }

  async function loadFile(file) {
    if (!file) return;
    state.loading++;
    demo.pending = true;
    try {
      const { image, scaled, originalSize } = await decodeFile(file);
      const note = scaled ? `, scaled down from ${originalSize[0]} × ${originalSize[1]}` : '';
      const key = `file:${file.name}:${file.size}:${Date.now()}`;
      await ready;
      const copy = image.data.slice();
      worker.postMessage({ type: 'image', key, width: image.width, height: image.height, rgba: copy }, [copy.buffer]);
      setImage(image, key, `${file.name}${note}`);
      let opt = kind.querySelector('option[value="file"]');
      if (!opt) {
        opt = new Option('', 'file');
        kind.add(opt);
      }
      opt.textContent = `Your file: ${file.name}`;
      kind.value = 'file';
      // The size box shows the file's size (it cannot be changed: it is the file's).
      let sopt = sizeSel.querySelector('option[value="file"]');
      if (!sopt) {
        sopt = new Option('', 'file');
        sizeSel.add(sopt);
      }
      sopt.textContent = `${image.height} × ${image.width} (the file's)`;
      if (sizeSel.value !== 'file') state.builtInSize = sizeSel.value;
      sizeSel.value = 'file';
      sizeSel.disabled = true;
      schedule();
    } catch (e) {
      showError(`Could not decode ${file.name}: ${e?.message || e}`);
    } finally {
      state.loading--;
      if (!scheduled) finish();
    }
  }

  function backToBuiltIn() {
    sizeSel.disabled = false;
    const wasFile = sizeSel.value === 'file';
    sizeSel.querySelector('option[value="file"]')?.remove();
    kind.querySelector('option[value="file"]')?.remove();
    if (wasFile) sizeSel.value = state.builtInSize; // the size the picture had before the file
    $('file-input').value = ''; // the picker no longer names a file that is not shown
    loadBuiltIn();
  }

  // ------------------------------------------------------------ update

  let scheduled = false;
  function schedule() {
    syncControlVisibility();
    demo.pending = true;
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (!state.image) return; // the first picture is on its way
      const t0 = performance.now();
      let waiting = false;
      try {
        waiting = update();
      } finally {
        demo.lastUpdateMs = performance.now() - t0;
        if (!waiting) finish();
      }
    });
  }

  function finish() {
    demo.pending = scheduled || state.dirty || state.inFlight || state.loading > 0 || state.later > 0;
    if (!demo.pending) demo.updates++;
  }

  function freeModel() {
    state.model?.view.free();
    state.model = null;
    demo.model = null;
  }

  function clearPanels(reason) {
    for (const id of ['patch-count', 'grid-text', 'patch-len', 'stat-shape', 'stat-strides', 'view-bytes', 'copy-bytes', 'extract-time']) $(id).textContent = '–';
    $('cost-text').textContent = '';
    $('cost').innerHTML = '';
    $('inspector').innerHTML = `<p class="warn">${reason}</p>`;
    $('strides').innerHTML = '';
    $('reshape').innerHTML = '';
    for (const id of ['memory-caption', 'fold-caption', 'zoom-image-caption', 'zoom-tiles-caption']) $(id).textContent = '';
    $('mosaic-caption').textContent = reason;
    for (const id of ['mosaic', 'mosaic-overlay', 'memory-overview', 'memory-detail', 'zoom-image', 'zoom-tiles']) {
      const c = $(id);
      c.width = c.height = 1;
      c.style.width = c.style.height = '0px';
    }
    $('mosaic').dataset.drawn = '0';
    $('mosaic').dataset.total = '0';
    document.querySelector('.fold-row').hidden = true;
    code.update(null, reason);
  }

  /** Runs one update; returns true when a worker job is now in flight (finish() follows its result). */
  function update() {
    readPanelWidths();
    const s = readSettings();
    const form = $('controls');
    freeModel();
    if (s.errors) {
      markInvalid(form, s.errors.map((e) => e.id));
      app.showPlainError(s.errors.map((e) => e.error).join(' '), '');
      clearPanels('No patches: a box above needs a number (see the message at the top).');
      drawImageBase(null, state);
      return false;
    }
    const { width: W, height: H } = state.image;
    const ix = axisIndex(s.layout);
    let view;
    try {
      view = new PatchView(viewOptions(s, H, W));
    } catch (e) {
      const ex = explainEngine(e, { H, W, ix, s });
      markInvalid(form, ex.control ? [ex.control] : []);
      app.showPlainError(ex.text, e?.message || String(e));
      clearPanels('No patches: the engine refused this geometry (see the message at the top).');
      drawImageBase(null, state);
      return false;
    }
    markInvalid(form, []);
    clearError();
    const plan = view.plan();
    const isz = ITEMSIZE[s.dtype];
    let viewStrides = null;
    let viewElemStrides = null;
    let viewStridesError = '';
    try {
      viewStrides = view.strides;
      viewElemStrides = view.elementStrides;
    } catch (e) {
      viewStridesError = e?.message || String(e);
    }
    const m = {
      s,
      H,
      W,
      ix,
      isz,
      plan,
      view,
      vaxes: viewAxes(plan, s.layout),
      numPatches: plan.numPatches,
      patchLen: plan.patchLen,
      outerShape: plan.outerShape,
      innerShape: plan.innerShape,
      axH: plan.axes[ix.h],
      axW: plan.axes[ix.w],
      axC: plan.axes[ix.c],
      extents: view.extents,
      inputByteStrides: plan.inputByteStrides,
      viewStrides,
      viewElemStrides,
      viewStridesError,
      spanBytes: plan.spanBytes,
      copyBytes: plan.copyBytes,
      skipped: '',
      patchesReady: false,
      imageLabel: state.imageLabel,
      job: ++state.job,
    };
    m.origins = axisOrigins(view, m);
    m.paddedView = paddedView(m);
    m.eh = m.extents[ix.h];
    m.ew = m.extents[ix.w];
    state.model = m;
    demo.model = m;
    m.sel = selectionToPatch(m);

    if (m.numPatches === 0) m.skipped = 'No window fits: zero patches.';
    else if (m.copyBytes > MAX_COPY_BYTES) {
      m.skipped = `The copy would take ${fmtBytesShort(m.copyBytes)}, more than this page allows (${fmtBytesShort(MAX_COPY_BYTES)}): the mosaic and the fold are skipped. The view itself is free.`;
    }
    m.mosaicLayout = m.skipped ? null : mosaicLayout(mosaicSpec(m));

    const times = {};
    const timed = (name, fn) => {
      const t = performance.now();
      fn();
      times[name] = Math.round((performance.now() - t) * 10) / 10;
    };
    demo.times = times;
    timed('stats', () => renderStats(m));
    timed('strides', () => renderStrides(m));
    timed('reshape', () => renderReshape(m));
    timed('code', () => code.update(codeGeometry(m)));
    timed('mosaic', () => drawMosaic(m, null));
    // The drawings each in a task of their own, so that one change of a control
    // never holds the main thread for long (the test asks for no task over 100 ms).
    later(m, () => timed('image', () => drawImageBase(m, state)));
    later(m, () => timed('selection', () => renderSelection(true)));

    // The data work: in the worker, one job at a time; a newer update supersedes it.
    state.dirty = false;
    if (state.inFlight) {
      state.dirty = true;
      return true;
    }
    sendJob(m);
    return true;
  }

  /** One layout for every drawing of this update: the widths of the image mode's panels, before anything changes. */
  function readPanelWidths() {
    panelWidths.clear();
    for (const id of ['image-view', 'mosaic', 'memory-overview', 'zoom-image']) panelWidths.of($(id));
  }

  /** Runs `fn` in a later task if `m` is still the current model; the update is pending until it has run. */
  function later(m, fn) {
    state.later++;
    setTimeout(() => {
      state.later--;
      try {
        if (state.model === m) fn();
      } finally {
        finish();
      }
    }, 0);
  }

  function sendJob(m) {
    state.inFlight = true;
    const spec = mosaicSpec(m);
    const f32Bytes = (m.copyBytes / m.isz) * 4;
    worker.postMessage({
      type: 'job',
      job: m.job,
      s: m.s,
      layout: m.mosaicLayout,
      spec,
      foldBytes: f32Bytes,
      maxFoldBytes: MAX_FOLD_BYTES,
    });
  }

  function onResult(r) {
    state.inFlight = false;
    const m = state.model;
    if (state.dirty && m) {
      // Settings changed while the worker was busy: run the newest one.
      state.dirty = false;
      sendJob(m);
      return;
    }
    if (!m || r.job !== m.job) {
      finish();
      return;
    }
    if (r.error) {
      app.showPlainError('The copy failed.', r.error);
      m.skipped = `extract() failed: ${r.error}`;
    }
    m.viewMs = r.viewMs;
    m.viewRuns = r.viewRuns;
    m.extractMs = r.extractMs;
    m.extractRuns = r.extractRuns;
    m.padFlags = r.padFlags || null;
    m.patchesReady = !!r.mosaic;
    const t0 = performance.now();
    renderStats(m);
    m.mosaicRGBA = r.mosaic || null;
    m.foldResult = r.fold || null;
    drawMosaic(m, r.mosaic);
    drawMosaicOverlay(m);
    requestTiles(m);
    demo.times.result = Math.round((performance.now() - t0) * 10) / 10;
    later(m, () => {
      if (r.fold) renderFold(m, r.fold, '');
      else if (r.foldSkipped) renderFold(m, null, `The fold works on float32 patches, whose copy would take ${fmtBytesShort(r.foldSkipped)}, more than this page allows (${fmtBytesShort(MAX_FOLD_BYTES)}): skipped.`);
      else renderFold(m, null, m.skipped || 'Nothing to fold.');
    });
    finish();
  }

  function requestTiles(m) {
    if (!m.patchesReady || m.sel < 0) {
      drawZoomTiles(m, null);
      return;
    }
    const ks = zoomTiles(m).map((t) => t.k).filter((k) => k >= 0);
    worker.postMessage({ type: 'tiles', job: m.job, req: ++state.tilesReq, ks });
  }

  function onTiles(msg) {
    const m = state.model;
    if (!m || msg.job !== m.job || msg.req !== state.tilesReq) return;
    drawZoomTiles(m, new Map(msg.tiles.map((t) => [t.k, t.rgba])));
  }

  /** numpy pads first (a copy), then views the padded array: the engine's view of that array, or null. */
  function paddedView(m) {
    const s = m.s;
    if (m.plan.isView || (s.convention !== 'same' && s.convention !== 'explicit')) return null;
    const shape = m.plan.axes.map((a) => (a.role === 'window' ? a.len + a.padLo + a.padHi : a.len));
    const pv = new PatchView({ ...viewOptions(s, 1, 1), shape, padding: { convention: 'valid' } });
    try {
      return { shape, strides: pv.strides, elementStrides: pv.elementStrides };
    } finally {
      pv.free();
    }
  }

  /** The code panel's description of the geometry: the engine's numbers only. */
  function codeGeometry(m) {
    const s = m.s;
    const names = s.layout === 'chw' ? ['C', 'H', 'W'] : ['H', 'W', 'C'];
    const win = m.plan.axes.filter((a) => a.role === 'window');
    const paddedView = m.paddedView;
    const coverLast = win.map((a) => a.coverLast);
    return {
      kind: 'image',
      shape: m.plan.inputShape,
      dtype: s.dtype,
      names,
      axes: m.plan.axes.map((a) => ({ role: a.role, size: a.size, step: a.step, dilation: a.dilation })),
      padding: { convention: s.convention, mode: s.mode, pads: win.map((a) => [a.padLo, a.padHi]), fill: s.value },
      view: { shape: m.plan.shape, strides: m.viewStrides, elementStrides: m.viewElemStrides },
      padded: paddedView,
      origins: s.convention === 'cover' ? [Array.from(m.origins.h), Array.from(m.origins.w)] : null, // window axes in input order: H, then W
      coverLast,
      numPatches: m.numPatches,
      patchLen: m.patchLen,
    };
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
    $('extract-time').textContent = Number.isFinite(m.extractMs) ? fmtMs(m.extractMs) : m.skipped ? '–' : '…';
    renderCost(m);
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

  // ------------------------------------------------------------ selection

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
    renderSelection(false);
  }

  function renderSelection(quiet) {
    const m = state.model;
    if (!m) return;
    const t = {};
    const time = (name, fn) => {
      const t0 = performance.now();
      fn();
      t[name] = Math.round((performance.now() - t0) * 10) / 10;
    };
    time('image', () => drawImageSelection(m, state));
    time('overlay', () => drawMosaicOverlay(m));
    time('inspector', () => renderInspector(m));
    time('memory', () => renderMemory(m));
    time('zoom', () => drawZoomImage(m, state));
    demo.selectionTimes = t;
    if (m.patchesReady) requestTiles(m);
    else drawZoomTiles(m, null);
    if (!quiet && m.sel >= 0) {
      const idx = outerIndex(m.sel, m.outerShape);
      const parts = m.vaxes.outer.map((a, n) => (a.kind === 'batch' ? `channel ${CHANNEL_NAMES[idx[n]]}` : `${a.n === 'h' ? 'row' : 'column'} ${idx[n]}`));
      const off = m.viewStrides ? `, first byte at ${fmtInt(m.view.patchOffset(m.sel))}` : '';
      announce(`Patch ${m.sel} of ${m.numPatches}: ${parts.join(', ')}${off}.`);
    }
  }

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
    const moves = { ArrowUp: [-1, 0, 0], ArrowDown: [1, 0, 0], ArrowLeft: [0, -1, 0], ArrowRight: [0, 1, 0], PageUp: [0, 0, -1], PageDown: [0, 0, 1] };
    if (moves[e.key]) moveSelection(...moves[e.key]);
    else if (e.key === 'Home') select(0);
    else if (e.key === 'End') select(m.numPatches - 1);
    else return;
    e.preventDefault();
  }

  // ------------------------------------------------------------ wiring

  const form = $('controls');
  form.addEventListener('input', (e) => {
    if (['file-input', 'image-kind', 'image-size'].includes(e.target.id)) return;
    schedule();
  });
  form.addEventListener('change', (e) => {
    const id = e.target.id;
    if (id === 'file-input') loadFile(e.target.files[0]);
    else if (id === 'image-kind' || id === 'image-size') {
      if (kind.value === 'file') return;
      backToBuiltIn();
    } else schedule();
  });
  for (const r of document.querySelectorAll('input[name="memwrap"]')) {
    r.addEventListener('change', () => state.model && renderMemory(state.model));
  }
  for (const b of document.querySelectorAll('[data-preset]')) b.addEventListener('click', () => applyPreset(b.dataset.preset));

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
      app.showMode('image');
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

  syncControlVisibility();
  let started = false;
  return {
    activate() {
      if (!started) {
        started = true;
        loadBuiltIn();
      }
      schedule();
    },
    redraw() {
      // A new width: redraw from the current model and the worker's last pixels (no new copy).
      readPanelWidths();
      const m = state.model;
      if (!m) {
        if (state.image) schedule();
        return;
      }
      drawImageBase(m, state);
      drawMosaic(m, m.mosaicRGBA);
      drawMosaicOverlay(m);
      if (m.foldResult) renderFold(m, m.foldResult, '');
      renderSelection(true);
    },
    schedule,
  };
}
