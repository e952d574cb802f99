// Fold back: patches -> image with the engine's fold(), compared with the input.

import { $, fmtInt, fmtMs } from './util.js';
import { viewOptions, extractOptions, CHANNELS } from './geometry.js';
import { windowOrigin } from './geometry.js';

/** How many windows of a plan axis read each coordinate of an axis of length `len`. */
function axisCounts(a, len) {
  const n = new Uint16Array(len);
  for (let g = 0; g < a.grid; g++) {
    const o = windowOrigin(a, g);
    for (let t = 0; t < a.size; t++) {
      const c = o + t * a.dilation;
      if (c >= 0 && c < len) n[c]++;
    }
  }
  return n;
}

/**
 * Extracts float32 patches with the current geometry (from a float32 copy of
 * the image when the page works in u8, since fold takes float patches),
 * folds them back and compares with the input.
 */
export function computeFold(m, s, state, PatchView) {
  const owned = [];
  try {
    let view = m.view;
    let patches = m.patches;
    let src = state.input;
    if (s.dtype !== 'float32') {
      view = new PatchView(viewOptions(s, m.H, m.W, 'float32'));
      owned.push(view);
      src = state.inputF32;
      patches = view.extract(src, extractOptions(s));
      owned.push(patches);
    }
    const opts = s.fold === 'gaussian' ? { reduce: 'weighted', window: 'gaussian' } : { reduce: 'mean' };
    const t0 = performance.now();
    const folded = view.fold(patches, opts);
    const ms = performance.now() - t0;
    owned.push(folded);
    // Read wasm memory only now: every allocation above may have moved it.
    const rec = folded.data;
    const orig = src.data;
    const { H, W } = m;
    const cntH = axisCounts(m.axH, H);
    const cntW = axisCounts(m.axW, W);
    const chw = s.layout === 'chw';
    const plane = H * W;
    const recon = new Uint8ClampedArray(plane * 4);
    const diff = new Uint8ClampedArray(plane * 4);
    const weight = new Uint8ClampedArray(plane * 4);
    let maxDiff = 0;
    let covered = 0;
    let maxCount = 1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) maxCount = Math.max(maxCount, cntH[y] * cntW[x]);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const o = p * 4;
        const count = cntH[y] * cntW[x];
        let dmax = 0;
        for (let c = 0; c < CHANNELS; c++) {
          const e = chw ? c * plane + p : p * CHANNELS + c;
          recon[o + c] = rec[e] * 255;
          if (count) dmax = Math.max(dmax, Math.abs(rec[e] - orig[e]));
        }
        recon[o + 3] = 255;
        if (count) {
          covered++;
          maxDiff = Math.max(maxDiff, dmax);
          const v = Math.min(255, dmax * 255 * 50);
          diff[o] = 28 + v;
          diff[o + 1] = 30 + v * 0.55;
          diff[o + 2] = 40;
        } else {
          const stripe = ((x + y) >> 2) & 1;
          diff[o] = stripe ? 255 : 240;
          diff[o + 1] = stripe ? 226 : 240;
          diff[o + 2] = stripe ? 180 : 240;
        }
        diff[o + 3] = 255;
        if (count) {
          const w = maxCount === 1 ? 0.45 : 0.15 + (0.85 * (count - 1)) / (maxCount - 1);
          weight[o] = 235 - 195 * w;
          weight[o + 1] = 240 - 170 * w;
          weight[o + 2] = 255 - 55 * w;
        } else {
          const stripe = ((x + y) >> 2) & 1;
          weight[o] = stripe ? 255 : 240;
          weight[o + 1] = stripe ? 226 : 240;
          weight[o + 2] = stripe ? 180 : 240;
        }
        weight[o + 3] = 255;
      }
    }
    return { recon, diff, weight, maxDiff, covered, pixels: plane, maxCount, ms, reduce: s.fold, dtype: s.dtype };
  } finally {
    for (const o of owned) o.free();
  }
}

function put(canvas, data, W, H, cssW) {
  canvas.width = W;
  canvas.height = H;
  canvas.getContext('2d').putImageData(new ImageData(data, W, H), 0, 0);
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${Math.round((cssW * H) / W)}px`;
}

export function renderFold(m, f, note) {
  const cap = $('fold-caption');
  const canvases = ['fold-recon', 'fold-diff', 'fold-weight'].map((id) => $(id));
  document.querySelector('.fold-row').hidden = !f;
  if (!f) {
    cap.textContent = note;
    cap.dataset.value = '';
    return;
  }
  const avail = Math.max(300, $('fold-caption').closest('.panel').clientWidth - 30);
  let cssW = Math.min((avail - 32) / 3, m.W * 6, (260 * m.W) / m.H);
  if (cssW >= m.W) cssW = Math.floor(cssW / m.W) * m.W;
  cssW = Math.round(cssW);
  put(canvases[0], f.recon, m.W, m.H, cssW);
  put(canvases[1], f.diff, m.W, m.H, cssW);
  put(canvases[2], f.weight, m.W, m.H, cssW);
  $('fold-weight-caption').textContent = f.maxCount === 1 ? 'windows covering each pixel: 1 everywhere covered' : `windows covering each pixel: 1 (light) to ${f.maxCount} (dark)`;
  const how = f.reduce === 'gaussian'
    ? 'Gaussian-weighted fold (each window weighted by a Gaussian centred on it, divided by the summed weights)'
    : 'Mean fold (sum of the patches divided by the number of windows covering each pixel)';
  const u8 = Math.round(f.maxDiff * 255);
  let verdict;
  if (f.maxDiff === 0) verdict = '<span class="ok" data-testid="fold-verdict">0: exact</span>';
  else if (u8 === 0) verdict = `<span class="ok" data-testid="fold-verdict">${f.maxDiff.toExponential(2)}: float rounding, 0 in 8-bit units</span>`;
  else verdict = `<span class="warn" data-testid="fold-verdict">${f.maxDiff.toExponential(3)} (${u8} in 8-bit units)</span>`;
  const uncovered = f.pixels - f.covered;
  cap.innerHTML = `${how}: max |fold − x| over the ${fmtInt(f.covered)} covered pixels = ${verdict}. ` +
    (uncovered ? `${fmtInt(uncovered)} pixels are read by no window and stay empty. ` : 'Every pixel is covered. ') +
    (f.maxCount > 1 ? `Up to ${f.maxCount} windows overlap on a pixel. ` : 'No two windows overlap. ') + `fold() took ${fmtMs(f.ms)}` +
    (f.dtype === 'float32' ? '.' : ' (on float32 patches extracted from a float32 copy of the image: fold takes float patches).');
  cap.dataset.value = String(f.maxDiff);
  cap.dataset.covered = String(f.covered);
  cap.dataset.uncovered = String(uncovered);
}
