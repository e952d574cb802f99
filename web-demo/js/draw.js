// Drawing the image with its patch grid, and the mosaic of extracted patches.

import { $, dpr, hiDpiContext, hatch, product, fmtInt } from './util.js';
import { windowOrigin, extent, patchSamples, outerIndex, patchNumber, CHANNEL_NAMES } from './geometry.js';

/** Mosaics larger than this many canvas pixels are cut to their first rows. */
export const MAX_MOSAIC_PIXELS = 2_000_000;
/** Above this many windows the image shows window corners instead of outlines. */
const MAX_OUTLINES = 20000;

const SEL = '#ff2f92';
const PAD = '#f08c00';

// ---------------------------------------------------------------- image

function panelWidth(el) {
  const panel = el.closest('.panel');
  return Math.max(200, panel.clientWidth - 30);
}

/** Where the padded image box sits on the image canvas. */
function imageGeometry(m, state) {
  const { width: W, height: H } = state.image;
  const padT = m ? Number(m.axH.padLo) : 0;
  const padB = m ? Number(m.axH.padHi) : 0;
  const padL = m ? Number(m.axW.padLo) : 0;
  const padR = m ? Number(m.axW.padHi) : 0;
  const boxW = W + padL + padR;
  const boxH = H + padT + padB;
  let scale = Math.min(panelWidth($('image-view')) / boxW, 560 / boxH, 14);
  if (scale >= 2) scale = Math.floor(scale);
  return { W, H, padT, padB, padL, padR, boxW, boxH, scale };
}

/**
 * Draws the image, the padding margins and every window outline into an
 * offscreen canvas; the selection is drawn on top by drawImageSelection.
 */
export function drawImageBase(m, state) {
  const g = imageGeometry(m, state);
  const cssW = Math.round(g.boxW * g.scale);
  const cssH = Math.round(g.boxH * g.scale);
  const view = $('image-view');
  hiDpiContext(view, cssW, cssH);
  const base = document.createElement('canvas');
  const ctx = hiDpiContext(base, cssW, cssH);
  const s = g.scale;
  ctx.fillStyle = hatch(ctx);
  ctx.fillRect(0, 0, cssW, cssH);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage($('source-canvas'), g.padL * s, g.padT * s, g.W * s, g.H * s);
  if (g.padL + g.padR + g.padT + g.padB > 0) {
    ctx.strokeStyle = 'rgba(240,140,0,0.9)';
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    ctx.strokeRect(g.padL * s + 0.5, g.padT * s + 0.5, g.W * s - 1, g.H * s - 1);
    ctx.setLineDash([]);
  }
  const caption = [];
  caption.push(`${g.H} × ${g.W} px, ${state.imageLabel}.`);
  if (m) {
    const gh = Number(m.axH.grid);
    const gw = Number(m.axW.grid);
    const eh = extent(m.axH);
    const ew = extent(m.axW);
    const count = gh * gw;
    const x0 = (gx) => (windowOrigin(m.axW, gx) + g.padL) * s;
    const y0 = (gy) => (windowOrigin(m.axH, gy) + g.padT) * s;
    const overlap = m.axH.step < eh || m.axW.step < ew;
    const outlines = count <= MAX_OUTLINES && (!overlap || count <= 300);
    if (outlines) {
      ctx.lineWidth = 1;
      for (let i = 0; i < gh; i++) {
        for (let j = 0; j < gw; j++) {
          const touches = windowOrigin(m.axH, i) < 0 || windowOrigin(m.axW, j) < 0 ||
            windowOrigin(m.axH, i) + eh > g.H || windowOrigin(m.axW, j) + ew > g.W;
          ctx.strokeStyle = touches ? 'rgba(240,140,0,0.95)' : overlap ? 'rgba(255,255,255,0.55)' : 'rgba(255,255,255,0.85)';
          ctx.strokeRect(x0(j) + 0.5, y0(i) + 0.5, ew * s - 1, eh * s - 1);
        }
      }
    } else {
      const d = Math.max(1.5, Math.min(3, s * 0.5));
      ctx.fillStyle = 'rgba(255,255,255,0.8)';
      const stride = count > 60000 ? Math.ceil(Math.sqrt(count / 60000)) : 1;
      for (let i = 0; i < gh; i += stride) {
        for (let j = 0; j < gw; j += stride) ctx.fillRect(x0(j), y0(i), d, d);
      }
      caption.push(`The ${fmtInt(count)} windows overlap, so each white dot marks one window's top-left sample${stride > 1 ? ` (one window row and column in ${stride} shown)` : ''}.`);
    }
    caption.push(`${gh} × ${gw} windows of ${m.axH.size} × ${m.axW.size} samples` +
      (m.axH.dilation > 1 || m.axW.dilation > 1 ? ` spread over ${eh} × ${ew} px (dilation ${m.axH.dilation} × ${m.axW.dilation})` : '') +
      `, a new one every ${m.axH.step} rows and ${m.axW.step} columns.`);
    if (g.padT + g.padB + g.padL + g.padR > 0) {
      caption.push(`Padding: ${g.padT} rows above, ${g.padB} below, ${g.padL} columns left, ${g.padR} right (${m.s.mode}${m.s.mode === 'constant' ? ' ' + m.s.value : ''}).`);
    }
    const covH = (gh - 1) * m.axH.step + eh - g.padT;
    const covW = (gw - 1) * m.axW.step + ew - g.padL;
    if (m.axH.coverLast == null && m.axW.coverLast == null && (covH < g.H || covW < g.W) && gh > 0 && gw > 0) {
      caption.push(`The windows stop ${Math.max(0, g.H - covH)} rows and ${Math.max(0, g.W - covW)} columns short of the far edges: those pixels are in no patch.`);
    }
    if (m.axH.coverLast != null || m.axW.coverLast != null) {
      caption.push('Cover: the last window of an axis is shifted back to end at the border.');
    }
  }
  state.imageBase = base;
  state.imageGeom = g;
  $('image-caption').textContent = caption.join(' ');
  if (!m) view.getContext('2d').drawImage(base, 0, 0);
}

/** Draws the base plus the selected window and the pixels it samples. */
export function drawImageSelection(m, state) {
  const view = $('image-view');
  const ctx = view.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(state.imageBase, 0, 0);
  const r = dpr();
  ctx.setTransform(r, 0, 0, r, 0, 0);
  if (!m || m.sel < 0) return;
  const g = state.imageGeom;
  const s = g.scale;
  const origin = Array.from(m.view.patchOrigin(m.sel), Number);
  m.selOrigin = origin;
  const oy = origin[m.ix.h];
  const ox = origin[m.ix.w];
  const eh = extent(m.axH);
  const ew = extent(m.axW);
  const x = (ox + g.padL) * s;
  const y = (oy + g.padT) * s;
  ctx.fillStyle = 'rgba(255,47,146,0.13)';
  ctx.fillRect(x, y, ew * s, eh * s);
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeRect(x - 1.5, y - 1.5, ew * s + 3, eh * s + 3);
  ctx.lineWidth = 2;
  ctx.strokeStyle = SEL;
  ctx.strokeRect(x - 1, y - 1, ew * s + 2, eh * s + 2);
  // The samples: one mark per (row, column) the patch reads.
  const rad = Math.min(5, s * 0.32);
  for (let a = 0; a < m.axH.size; a++) {
    for (let b = 0; b < m.axW.size; b++) {
      const py = oy + a * m.axH.dilation;
      const px = ox + b * m.axW.dilation;
      const inside = py >= 0 && py < g.H && px >= 0 && px < g.W;
      const cx = (px + g.padL + 0.5) * s;
      const cy = (py + g.padT + 0.5) * s;
      if (rad >= 1.6) {
        ctx.beginPath();
        ctx.arc(cx, cy, rad, 0, Math.PI * 2);
        ctx.fillStyle = inside ? SEL : PAD;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#fff';
        ctx.stroke();
      } else {
        ctx.fillStyle = inside ? 'rgba(255,47,146,0.75)' : 'rgba(240,140,0,0.85)';
        ctx.fillRect(cx - s / 2, cy - s / 2, Math.max(1, s), Math.max(1, s));
      }
    }
  }
}

/** The patch whose window is nearest to the pointer at CSS (px, py) of the image canvas, or -1. */
export function pickWindow(m, state, px, py) {
  const g = state.imageGeom;
  if (!g || m.numPatches === 0) return -1;
  const ix = px / g.scale - g.padL;
  const iy = py / g.scale - g.padT;
  const nearest = (a, c) => {
    const e = extent(a);
    const grid = Number(a.grid);
    let best = 0;
    let bestD = Infinity;
    const guess = Math.round((c + Number(a.padLo) - (e - 1) / 2) / a.step);
    for (const cand of [guess - 1, guess, guess + 1, grid - 1]) {
      if (cand < 0 || cand >= grid) continue;
      const d = Math.abs(windowOrigin(a, cand) + (e - 1) / 2 - c);
      if (d < bestD) {
        bestD = d;
        best = cand;
      }
    }
    return best;
  };
  const gi = nearest(m.axH, iy);
  const gj = nearest(m.axW, ix);
  const cur = m.sel >= 0 ? outerIndex(m.sel, m.outerShape) : m.outerShape.map(() => 0);
  const idx = m.vaxes.outer.map((a, n) => (a.kind === 'batch' ? cur[n] : a.n === 'h' ? gi : gj));
  return patchNumber(idx, m.outerShape);
}

// ---------------------------------------------------------------- mosaic

/**
 * How the mosaic lays tiles out: in output order, row-major, `cols` tiles per
 * row. When the first outer axis is a batch axis (CHW per-channel: [c, i, j])
 * each of its entries is a block of its own, the blocks side by side.
 */
export function mosaicLayout(m) {
  const th = Number(m.axH.size);
  const tw = Number(m.axW.size);
  const wPos = m.vaxes.outer.findIndex((a) => a.kind === 'grid' && a.n === 'w');
  const cols = Math.max(1, product(m.outerShape.slice(wPos)));
  const gap = 1;
  const blockGap = 6;
  let blocks = 1;
  let blockSize = m.numPatches;
  if (m.vaxes.outer[0].kind === 'batch' && m.outerShape.length > 1) {
    blocks = m.outerShape[0];
    blockSize = product(m.outerShape.slice(1));
    const width = gap + blocks * cols * (tw + gap) + (blocks - 1) * blockGap;
    if (width * Math.ceil(blockSize / cols) * (th + gap) > MAX_MOSAIC_PIXELS) {
      blocks = 1;
      blockSize = m.numPatches;
    }
  }
  const rowsPerBlock = Math.ceil(blockSize / cols);
  const width = gap + blocks * cols * (tw + gap) + (blocks - 1) * blockGap;
  const rowPixels = width * (th + gap);
  const drawRows = Math.min(rowsPerBlock, Math.max(1, Math.floor(MAX_MOSAIC_PIXELS / rowPixels)));
  const drawn = blocks > 1
    ? m.numPatches
    : Math.min(m.numPatches, drawRows * cols, Math.max(1, Math.floor(MAX_MOSAIC_PIXELS / ((tw + gap) * (th + gap)))));
  const usedRows = Math.ceil(Math.min(drawn, blockSize) / cols);
  return { th, tw, gap, cols, blocks, blockSize, blockGap, drawn, width, height: usedRows * (th + gap) + gap };
}

/** Top-left canvas pixel of tile k. */
export function tileXY(L, k) {
  const b = Math.floor(k / L.blockSize);
  const kk = k % L.blockSize;
  return [
    L.gap + b * (L.cols * (L.tw + L.gap) + L.blockGap) + (kk % L.cols) * (L.tw + L.gap),
    L.gap + Math.floor(kk / L.cols) * (L.th + L.gap),
  ];
}

/**
 * Draws the extracted patches: the pixels come from the patch matrix the
 * engine returned (patch k is row k), never from the source image.
 */
export function drawMosaic(m) {
  const canvas = $('mosaic');
  const caption = $('mosaic-caption');
  if (!m.patches) {
    canvas.width = canvas.height = 1;
    canvas.style.width = canvas.style.height = '1px';
    canvas.dataset.drawn = '0';
    canvas.dataset.total = String(m.numPatches);
    $('mosaic-overlay').width = 1;
    caption.textContent = m.skipped;
    m.mosaic = null;
    return;
  }
  const L = mosaicLayout(m);
  m.mosaic = L;
  canvas.width = L.width;
  canvas.height = L.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const img = ctx.createImageData(L.width, L.height);
  const out = img.data;
  for (let p = 0; p < out.length; p += 4) {
    out[p] = 34;
    out[p + 1] = 36;
    out[p + 2] = 44;
    out[p + 3] = 255;
  }
  for (let b = 1; b < L.blocks; b++) {
    const x1 = L.gap + b * (L.cols * (L.tw + L.gap) + L.blockGap);
    for (let y = 0; y < L.height; y++) {
      for (let x = x1 - L.blockGap; x < x1 - 1; x++) {
        const o = (y * L.width + x) * 4;
        out[o] = out[o + 1] = out[o + 2] = 255;
      }
    }
  }
  const d = m.patches.data; // fresh view over wasm memory
  const f = m.s.dtype === 'float32' ? 255 : 1;
  const { th, tw } = L;
  const n = m.patchLen;
  const perChannel = m.axC.role === 'batch';
  const chw = m.s.layout === 'chw';
  const plane = th * tw;
  for (let k = 0; k < L.drawn; k++) {
    const [x0, y0] = tileXY(L, k);
    const base = k * n;
    for (let r = 0; r < th; r++) {
      let o = ((y0 + r) * L.width + x0) * 4;
      for (let s = 0; s < tw; s++, o += 4) {
        if (perChannel) {
          const v = d[base + r * tw + s] * f;
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        } else if (chw) {
          const e = base + r * tw + s;
          out[o] = d[e] * f;
          out[o + 1] = d[e + plane] * f;
          out[o + 2] = d[e + 2 * plane] * f;
        } else {
          const e = base + (r * tw + s) * 3;
          out[o] = d[e] * f;
          out[o + 1] = d[e + 1] * f;
          out[o + 2] = d[e + 2] * f;
        }
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  let scale = Math.min(10, panelWidth(canvas) / L.width, 900 / L.height);
  if (scale >= 1) scale = Math.floor(scale);
  L.scale = scale;
  canvas.style.width = `${L.width * scale}px`;
  canvas.style.height = `${L.height * scale}px`;
  Object.assign(canvas.dataset, {
    cols: L.cols,
    blockSize: L.blockSize,
    blockGap: L.blockGap,
    tileW: L.tw,
    tileH: L.th,
    gap: L.gap,
    drawn: L.drawn,
    total: m.numPatches,
    scale,
  });
  // Which tiles read padding (asked of the engine, per patch).
  m.padFlags = null;
  if (!m.plan.isView) {
    m.padFlags = new Uint8Array(L.drawn);
    for (let k = 0; k < L.drawn; k++) m.padFlags[k] = m.view.touchesPadding(k) ? 1 : 0;
  }
  const padCount = m.padFlags ? m.padFlags.reduce((a, b) => a + b, 0) : 0;
  const dt = m.s.dtype === 'float32' ? 'f32' : 'u8';
  let order;
  if (perChannel && chw) order = `the ${m.outerShape[1]} × ${m.outerShape[2]} grid of the R channel, then G's, then B's${L.blocks > 1 ? ', side by side' : ''} (outer axes [c, i, j])`;
  else if (perChannel) order = `one grid row per line, and within it R, G, B of each window side by side (outer axes [i, j, c])`;
  else order = `one grid row per line (outer axes [i, j])`;
  let text = `${fmtInt(m.numPatches)} patches of ${m.innerShape.join(' × ')} from extract(): the ${dt} patch matrix [${m.numPatches}, ${m.patchLen}], tiles in row order: ${order}.`;
  if (perChannel) text += ' Single-channel patches are drawn in grey.';
  if (m.s.dtype === 'float32') text += ' f32 values are shown × 255.';
  if (padCount) text += ` ${fmtInt(padCount)} of them read padding (orange).`;
  if (L.drawn < m.numPatches) {
    text += ` Showing the first ${fmtInt(L.drawn)} of ${fmtInt(m.numPatches)} patches: the mosaic is capped at ${fmtInt(MAX_MOSAIC_PIXELS)} pixels to stay fast.`;
  }
  caption.textContent = text;
}

/** Padding marks and the selected tile, over the mosaic. */
export function drawMosaicOverlay(m) {
  const ov = $('mosaic-overlay');
  const L = m.mosaic;
  if (!L) {
    ov.width = 1;
    ov.style.width = '1px';
    return;
  }
  const s = L.scale;
  const ctx = hiDpiContext(ov, L.width * s, L.height * s);
  ctx.clearRect(0, 0, L.width * s, L.height * s);
  const tile = (k) => tileXY(L, k).map((v) => v * s);
  if (m.padFlags) {
    ctx.strokeStyle = PAD;
    ctx.lineWidth = Math.max(1, Math.min(2, s * 0.5));
    for (let k = 0; k < L.drawn; k++) {
      if (!m.padFlags[k]) continue;
      const [x, y] = tile(k);
      ctx.strokeRect(x, y, L.tw * s, L.th * s);
    }
  }
  if (m.sel >= 0 && m.sel < L.drawn) {
    const [x, y] = tile(m.sel);
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#fff';
    ctx.strokeRect(x - 2, y - 2, L.tw * s + 4, L.th * s + 4);
    ctx.lineWidth = 2;
    ctx.strokeStyle = SEL;
    ctx.strokeRect(x - 2, y - 2, L.tw * s + 4, L.th * s + 4);
  }
}

/** The patch under CSS (px, py) of the mosaic, or -1. */
export function mosaicPick(m, px, py) {
  const L = m.mosaic;
  if (!L) return -1;
  const x = px / L.scale - L.gap;
  const y = py / L.scale - L.gap;
  const blockW = L.cols * (L.tw + L.gap) + L.blockGap;
  const b = Math.floor(x / blockW);
  const col = Math.floor((x - b * blockW) / (L.tw + L.gap));
  const row = Math.floor(y / (L.th + L.gap));
  if (b < 0 || b >= L.blocks || col < 0 || col >= L.cols || row < 0) return -1;
  const kk = row * L.cols + col;
  if (kk >= L.blockSize) return -1;
  const k = b * L.blockSize + kk;
  return k < L.drawn ? k : -1;
}

export { CHANNEL_NAMES };
