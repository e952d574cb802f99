// The engine's data work for the image mode, off the main thread: the input
// arrays in wasm memory, extract() and its timing, the mosaic's pixels, the
// fold back and its comparison, tiles of the copy on request. The page keeps
// its own (data-free) PatchView for geometry questions, which take
// microseconds; everything that touches pixels happens here, so the page
// never blocks on a large copy or fold.
//
// Messages in:  { type: 'generate', key, kind, width, height }   a built-in picture
//               { type: 'image', key, width, height, rgba }       a decoded file
//               { type: 'job', job, s, layout, spec, foldBytes }  one update
//               { type: 'tiles', job, req, ks }                   tiles of the last copy
// Messages out: { type: 'ready' } | { type: 'image', ... } | { type: 'result', job, ... }
//               | { type: 'tiles', job, req, tiles } | { type: 'failed', message }

import init, { PatchView, WasmArray } from '../pkg/web/patch_wasm.js';
import { generate } from './images.js';
import { viewOptions, extractOptions, inputShape, CHANNELS } from './geometry.js';
import { paintMosaic, paintTile } from './mosaic.js';

const state = {
  image: null, // { key, width, height, rgba }
  inputs: new Map(), // `${layout}|${dtype}` -> WasmArray
  last: null, // { job, view, patches, spec } of the last finished job (for tiles)
};

function freeLast() {
  state.last?.patches?.free();
  state.last?.view?.free();
  state.last = null;
}

function setImage(img) {
  for (const a of state.inputs.values()) a.free();
  state.inputs.clear();
  freeLast();
  state.image = img;
}

/** The image as a WasmArray of `dtype` in `layout` (f32 stores pixel / 255), written straight into wasm memory. */
function input(dtype, layout) {
  const key = `${layout}|${dtype}`;
  let arr = state.inputs.get(key);
  if (arr) return arr;
  const { width: w, height: h, rgba } = state.image;
  arr = new WasmArray(dtype, inputShape(layout, h, w));
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
  state.inputs.set(key, arr);
  return arr;
}

/** Mean time of `fn` over repeated runs: at least one, then more until `budget` ms or `max` runs. */
function timed(fn, budget, max) {
  const t0 = performance.now();
  let runs = 0;
  do {
    fn();
    runs++;
  } while (runs < max && performance.now() - t0 < budget);
  return { ms: (performance.now() - t0) / runs, runs };
}

function run(msg) {
  const { job, s, layout: L, spec, foldBytes } = msg;
  freeLast();
  const { width: W, height: H } = state.image;
  const opts = viewOptions(s, H, W);
  const out = { type: 'result', job };
  const transfer = [];
  // The view: what it costs to make one (no data is touched).
  const made = timed(() => new PatchView(opts).free(), 2, 500);
  out.viewMs = made.ms;
  out.viewRuns = made.runs;
  const view = new PatchView(opts);
  state.last = { job, view, patches: null, spec };
  const src = input(s.dtype, s.layout);
  if (!L) return { out, transfer };
  const patches = view.extract(src, extractOptions(s));
  state.last.patches = patches;
  const copy = timed(() => view.extractInto(src, patches, extractOptions(s)), 6, 50);
  out.extractMs = copy.ms;
  out.extractRuns = copy.runs;
  out.mosaic = paintMosaic(L, patches.data, spec);
  transfer.push(out.mosaic.buffer);
  if (!view.isView) {
    // Which drawn tiles read padding: the engine's answer, patch by patch.
    out.padFlags = new Uint8Array(L.drawn);
    for (let k = 0; k < L.drawn; k++) out.padFlags[k] = view.touchesPadding(k) ? 1 : 0;
    transfer.push(out.padFlags.buffer);
  }
  if (foldBytes > msg.maxFoldBytes) {
    out.foldSkipped = foldBytes;
  } else {
    out.fold = fold(s, view, patches, W, H);
    transfer.push(out.fold.recon.buffer, out.fold.diff.buffer, out.fold.weight.buffer);
  }
  return { out, transfer };
}

/**
 * fold(extract(x)) with the current reduction, compared with x; and what the
 * fold divides by, also from the engine: a sum fold of patches of ones (how
 * many windows cover each element) or of the Gaussian weights
 * (windowWeights: the summed weights). Works on float32 (fold takes float
 * patches): from a float32 copy of the image when the page works in u8.
 */
function fold(s, view, patches, W, H) {
  const owned = [];
  try {
    let v32 = view;
    let p32 = patches;
    const src = input('float32', s.layout);
    if (s.dtype !== 'float32') {
      v32 = new PatchView(viewOptions(s, H, W, 'float32'));
      owned.push(v32);
      p32 = v32.extract(src, extractOptions(s));
      owned.push(p32);
    }
    const gaussian = s.fold === 'gaussian';
    const opts = gaussian ? { reduce: 'weighted', window: 'gaussian' } : { reduce: 'mean' };
    const t0 = performance.now();
    const folded = v32.fold(p32, opts);
    const ms = performance.now() - t0;
    owned.push(folded);
    // The divisor: patches of ones (counts), or of the window's weights.
    const scratch = p32 === patches ? new WasmArray('float32', [v32.numPatches, v32.patchLen]) : p32;
    if (scratch !== p32) owned.push(scratch);
    scratch.data.fill(1);
    const counts = v32.fold(scratch, { reduce: 'sum' });
    owned.push(counts);
    let wsum = null;
    if (gaussian) {
      const one = patchOfWeights(v32, v32.windowWeights(opts));
      const d = scratch.data;
      for (let k = 0; k < v32.numPatches; k++) d.set(one, k * one.length);
      wsum = v32.fold(scratch, { reduce: 'sum' });
      owned.push(wsum);
    }
    // Read wasm memory only now: every allocation above may have moved it.
    return compare(s, folded.data, src.data, counts.data, wsum?.data, W, H, ms);
  } finally {
    for (const o of owned) o.free();
  }
}

/** One patch's elements holding their window weight: the product of the per-axis lists over the inner axes (window axes; whole axes weigh 1). */
function patchOfWeights(view, lists) {
  const plan = view.plan();
  const inner = []; // per inner axis: its weights, or null for a whole axis
  plan.axes.forEach((a, i) => {
    if (a.role === 'window') inner.push(lists[i]);
    else if (a.role === 'whole') inner.push(null);
  });
  const shape = plan.innerShape;
  const out = new Float32Array(plan.patchLen);
  const idx = new Array(shape.length).fill(0);
  for (let e = 0; e < out.length; e++) {
    let w = 1;
    for (let a = 0; a < shape.length; a++) if (inner[a]) w *= inner[a][idx[a]];
    out[e] = w;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

const HATCH = (x, y, o, px) => {
  const stripe = ((x + y) >> 2) & 1;
  px[o] = stripe ? 255 : 240;
  px[o + 1] = stripe ? 226 : 240;
  px[o + 2] = stripe ? 180 : 240;
  px[o + 3] = 255;
};

function compare(s, rec, orig, counts, wsum, W, H, ms) {
  const chw = s.layout === 'chw';
  const plane = H * W;
  const recon = new Uint8ClampedArray(plane * 4);
  const diff = new Uint8ClampedArray(plane * 4);
  const weight = new Uint8ClampedArray(plane * 4);
  const at = (p, c) => (chw ? c * plane + p : p * CHANNELS + c);
  let maxDiff = 0;
  let covered = 0;
  let maxCount = 0;
  let maxWeight = 0;
  for (let p = 0; p < plane; p++) {
    maxCount = Math.max(maxCount, counts[at(p, 0)]);
    if (wsum) maxWeight = Math.max(maxWeight, wsum[at(p, 0)]);
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const o = p * 4;
      const count = counts[at(p, 0)];
      let dmax = 0;
      for (let c = 0; c < CHANNELS; c++) {
        const e = at(p, c);
        recon[o + c] = rec[e] * 255;
        if (count) dmax = Math.max(dmax, Math.abs(rec[e] - orig[e]));
      }
      recon[o + 3] = 255;
      if (!count) {
        HATCH(x, y, o, diff);
        HATCH(x, y, o, weight);
        continue;
      }
      covered++;
      maxDiff = Math.max(maxDiff, dmax);
      const v = Math.min(255, dmax * 255 * 50);
      diff[o] = 28 + v;
      diff[o + 1] = 30 + v * 0.55;
      diff[o + 2] = 40;
      diff[o + 3] = 255;
      // Light (little) to dark blue (most): window count, or summed Gaussian weight.
      const w = wsum
        ? 0.08 + 0.92 * (wsum[at(p, 0)] / maxWeight)
        : maxCount === 1 ? 0.45 : 0.15 + (0.85 * (count - 1)) / (maxCount - 1);
      weight[o] = 235 - 195 * w;
      weight[o + 1] = 240 - 170 * w;
      weight[o + 2] = 255 - 55 * w;
      weight[o + 3] = 255;
    }
  }
  return { recon, diff, weight, maxDiff, covered, pixels: plane, maxCount, maxWeight, ms, reduce: s.fold, dtype: s.dtype };
}

function tiles(msg) {
  const last = state.last;
  if (!last || last.job !== msg.job || !last.patches) return { type: 'tiles', job: msg.job, req: msg.req, tiles: [] };
  const d = last.patches.data;
  const { th, tw } = last.spec;
  const out = msg.ks.map((k) => {
    const rgba = new Uint8ClampedArray(th * tw * 4);
    paintTile(rgba, tw, 0, 0, d, k, last.spec);
    return { k, rgba };
  });
  return { type: 'tiles', job: msg.job, req: msg.req, tiles: out };
}

const ready = init().then(
  () => postMessage({ type: 'ready' }),
  (e) => postMessage({ type: 'failed', message: String(e?.message || e) }),
);

// Messages are handled one at a time, in order.
let chain = ready;
self.onmessage = (e) => {
  const msg = e.data;
  chain = chain.then(() => handle(msg));
};

function handle(msg) {
  try {
    if (msg.type === 'generate') {
      const img = generate(msg.kind, msg.width, msg.height);
      setImage({ key: msg.key, width: img.width, height: img.height, rgba: img.data });
      const copy = img.data.slice();
      postMessage({ type: 'image', key: msg.key, width: img.width, height: img.height, rgba: copy }, [copy.buffer]);
    } else if (msg.type === 'image') {
      setImage({ key: msg.key, width: msg.width, height: msg.height, rgba: msg.rgba });
    } else if (msg.type === 'job') {
      const { out, transfer } = run(msg);
      postMessage(out, transfer);
    } else if (msg.type === 'tiles') {
      const out = tiles(msg);
      postMessage(out, out.tiles.map((t) => t.rgba.buffer));
    }
  } catch (e) {
    if (msg.type === 'job') postMessage({ type: 'result', job: msg.job, error: String(e?.message || e) });
    else postMessage({ type: 'failed', message: String(e?.message || e) });
  }
}
