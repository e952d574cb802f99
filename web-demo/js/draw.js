// Drawing the image with its patch grid, the mosaic of extracted patches and
// the zoomed neighbourhood of the selection. Window positions are the
// engine's: origins from patchOrigin(k) (m.origins), spans from extents.

import { $, dpr, hiDpiContext, hatch, fmtInt, panelWidths } from './util.js';
import { outerIndex, patchNumber } from './geometry.js';
import { tileXY, tileAt, MAX_MOSAIC_PIXELS } from './mosaic.js';

/** Above this many windows the image shows window corners instead of outlines. */
const MAX_OUTLINES = 5000;
/** At most this many corner dots (one window row and column in n shown beyond). */
const MAX_DOTS = 60000;

const SEL = '#e0177a';
const PAD = '#c96a00';
const SHIFT = '#00a3c4';

function panelWidth(el) {
  return Math.max(200, panelWidths.of(el) - 30);
}

/** Where the padded image box sits on the image canvas. */
function imageGeometry(m, state) {
  const { width: W, height: H } = state.image;
  const padT = m ? m.axH.padLo : 0;
  const padB = m ? m.axH.padHi : 0;
  const padL = m ? m.axW.padLo : 0;
  const padR = m ? m.axW.padHi : 0;
  const boxW = W + padL + padR;
  const boxH = H + padT + padB;
  let scale = Math.min(panelWidth($('image-view')) / boxW, 560 / boxH, 14);
  if (scale >= 2) scale = Math.floor(scale);
  return { W, H, padT, padB, padL, padR, boxW, boxH, scale };
}

/** Whether window g of an axis (origin o, extent e, axis length len) reaches outside the image. */
const outside = (o, e, len) => o < 0 || o + e > len;

/** Whether window g of a plan axis is Cover's shifted last window. */
const shifted = (a, g) => a.coverLast != null && g === a.grid - 1;

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
  const caption = [`${g.H} × ${g.W} px, ${state.imageLabel}.`];
  if (m) {
    const oy = m.origins.h;
    const ox = m.origins.w;
    const gh = oy.length;
    const gw = ox.length;
    const { eh, ew } = m;
    const count = gh * gw;
    const x0 = (j) => (ox[j] + g.padL) * s;
    const y0 = (i) => (oy[i] + g.padT) * s;
    const overlap = m.axH.step < eh || m.axW.step < ew;
    const outlines = count <= MAX_OUTLINES && (!overlap || count <= 300);
    if (outlines) {
      // One path per colour: plain, reading padding, Cover's shifted windows (dashed).
      const paths = { plain: new Path2D(), pad: new Path2D(), shift: new Path2D() };
      for (let i = 0; i < gh; i++) {
        for (let j = 0; j < gw; j++) {
          const kind = shifted(m.axH, i) || shifted(m.axW, j) ? 'shift' : outside(oy[i], eh, g.H) || outside(ox[j], ew, g.W) ? 'pad' : 'plain';
          paths[kind].rect(x0(j) + 0.5, y0(i) + 0.5, ew * s - 1, eh * s - 1);
        }
      }
      ctx.lineWidth = 1;
      ctx.strokeStyle = overlap ? 'rgba(255,255,255,0.55)' : 'rgba(255,255,255,0.85)';
      ctx.stroke(paths.plain);
      ctx.strokeStyle = 'rgba(240,140,0,0.95)';
      ctx.stroke(paths.pad);
      ctx.lineWidth = 2;
      ctx.setLineDash([5, 3]);
      ctx.strokeStyle = SHIFT;
      ctx.stroke(paths.shift);
      ctx.setLineDash([]);
    } else {
      // Tens of thousands of dots: written as pixels (a path of that many rectangles takes ~70 ms to raster).
      const r = dpr();
      const d = Math.max(1, Math.round(Math.max(1.5, Math.min(3, s * 0.5)) * r));
      const stride = count > MAX_DOTS ? Math.ceil(Math.sqrt(count / MAX_DOTS)) : 1;
      const layer = document.createElement('canvas');
      layer.width = base.width;
      layer.height = base.height;
      const lctx = layer.getContext('2d');
      const px = lctx.createImageData(layer.width, layer.height);
      const data = new Uint32Array(px.data.buffer);
      const white = new Uint8ClampedArray([255, 255, 255, 204]);
      const dot = new Uint32Array(white.buffer)[0];
      const lw = layer.width; // read once: canvas width and height are DOM getters
      const lh = layer.height;
      for (let i = 0; i < gh; i += stride) {
        const py = Math.round(y0(i) * r);
        for (let j = 0; j < gw; j += stride) {
          const pxx = Math.round(x0(j) * r);
          for (let a = 0; a < d && py + a < lh; a++) {
            if (py + a < 0) continue;
            const row = (py + a) * lw;
            for (let b = 0; b < d && pxx + b < lw; b++) if (pxx + b >= 0) data[row + pxx + b] = dot;
          }
        }
      }
      lctx.putImageData(px, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(layer, 0, 0);
      ctx.setTransform(r, 0, 0, r, 0, 0);
      caption.push(`The ${fmtInt(count)} windows overlap, so each white dot marks one window's top-left sample${stride > 1 ? ` (one window row and column in ${stride} shown)` : ''}; the zoom below shows them at full size.`);
    }
    caption.push(`${gh} × ${gw} windows of ${m.axH.size} × ${m.axW.size} samples` +
      (m.axH.dilation > 1 || m.axW.dilation > 1 ? ` spread over ${eh} × ${ew} px (dilation ${m.axH.dilation} × ${m.axW.dilation})` : '') +
      `, a new one every ${m.axH.step} rows and ${m.axW.step} columns.`);
    if (g.padT + g.padB + g.padL + g.padR > 0) {
      caption.push(`Padding: ${g.padT} rows above, ${g.padB} below, ${g.padL} columns left, ${g.padR} right (${m.s.mode}${m.s.mode === 'constant' ? ' ' + m.s.value : ''}).`);
    }
    const covH = gh ? oy[gh - 1] + eh : 0;
    const covW = gw ? ox[gw - 1] + ew : 0;
    if (m.axH.coverLast == null && m.axW.coverLast == null && gh > 0 && gw > 0 && (covH < g.H || covW < g.W)) {
      caption.push(`The windows stop ${Math.max(0, g.H - covH)} rows and ${Math.max(0, g.W - covW)} columns short of the far edges: those pixels are in no patch.`);
    }
    const shifts = [];
    for (const [a, o, name] of [[m.axH, oy, 'row'], [m.axW, ox, 'column']]) {
      if (a.coverLast == null) continue;
      const regular = o.length > 1 ? o[o.length - 2] + a.step : 0;
      shifts.push(`the last ${name} of windows starts at ${a.coverLast} instead of ${regular} (${regular - a.coverLast} back), overlapping its neighbour`);
    }
    if (shifts.length) caption.push(`Cover (dashed blue): ${shifts.join('; ')}. That shift breaks the regular stride, so these patches are a copy.`);
  }
  state.imageBase = base;
  state.imageGeom = g;
  $('image-caption').textContent = caption.join(' ');
  if (!m) view.getContext('2d').drawImage(base, 0, 0);
}

/** The selected window's origin, from the engine. */
function selOrigin(m) {
  if (!m.selOrigin || m.selOriginK !== m.sel) {
    m.selOrigin = m.view.patchOrigin(m.sel);
    m.selOriginK = m.sel;
  }
  return m.selOrigin;
}

/** Draws the selected window's box and one mark per sample: pink inside the image, orange in padding. */
function drawSamples(ctx, m, oy, ox, s, offX, offY, H, W, big) {
  const x = (ox + offX) * s;
  const y = (oy + offY) * s;
  ctx.fillStyle = 'rgba(255,47,146,0.13)';
  ctx.fillRect(x, y, m.ew * s, m.eh * s);
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeRect(x - 1.5, y - 1.5, m.ew * s + 3, m.eh * s + 3);
  ctx.lineWidth = 2;
  ctx.strokeStyle = SEL;
  ctx.strokeRect(x - 1, y - 1, m.ew * s + 2, m.eh * s + 2);
  const rad = Math.min(big ? 7 : 5, s * 0.32);
  for (let a = 0; a < m.axH.size; a++) {
    for (let b = 0; b < m.axW.size; b++) {
      const py = oy + a * m.axH.dilation;
      const px = ox + b * m.axW.dilation;
      const inside = py >= 0 && py < H && px >= 0 && px < W;
      const cx = (px + offX + 0.5) * s;
      const cy = (py + offY + 0.5) * s;
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
  const origin = selOrigin(m);
  drawSamples(ctx, m, origin[m.ix.h], origin[m.ix.w], g.scale, g.padL, g.padT, g.H, g.W, false);
}

/** The window of axis origins `o` (extent e) nearest to coordinate c. */
function nearestWindow(o, e, c) {
  let best = 0;
  let bestD = Infinity;
  // Origins increase: binary search for the last origin <= c - (e - 1) / 2, then check its neighbours.
  const target = c - (e - 1) / 2;
  let lo = 0;
  let hi = o.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (o[mid] <= target) lo = mid;
    else hi = mid - 1;
  }
  for (const cand of [lo - 1, lo, lo + 1, o.length - 1]) {
    if (cand < 0 || cand >= o.length) continue;
    const d = Math.abs(o[cand] + (e - 1) / 2 - c);
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best;
}

/** The patch whose window is nearest to the pointer at CSS (px, py) of the image canvas, or -1. */
export function pickWindow(m, state, px, py) {
  const g = state.imageGeom;
  if (!g || m.numPatches === 0) return -1;
  const gi = nearestWindow(m.origins.h, m.eh, py / g.scale - g.padT);
  const gj = nearestWindow(m.origins.w, m.ew, px / g.scale - g.padL);
  const cur = m.sel >= 0 ? outerIndex(m.sel, m.outerShape) : m.outerShape.map(() => 0);
  const idx = m.vaxes.outer.map((a, n) => (a.kind === 'batch' ? cur[n] : a.n === 'h' ? gi : gj));
  return patchNumber(idx, m.outerShape);
}

// ---------------------------------------------------------------- mosaic

/**
 * Draws the extracted patches: `rgba` is the worker's painting of the patch
 * matrix the engine returned (patch k is row k), never the source image.
 * Without it (before the worker answers, or when the copy is skipped) the
 * mosaic is blank with the reason.
 */
export function drawMosaic(m, rgba) {
  const canvas = $('mosaic');
  const caption = $('mosaic-caption');
  const L = m.mosaicLayout;
  if (!L || !rgba) {
    canvas.width = canvas.height = 1;
    canvas.style.width = canvas.style.height = '1px';
    canvas.dataset.drawn = '0';
    canvas.dataset.total = String(m.numPatches);
    $('mosaic-overlay').width = 1;
    caption.textContent = m.skipped || 'Copying the patches…';
    m.mosaic = null;
    return;
  }
  m.mosaic = L;
  canvas.width = L.width;
  canvas.height = L.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.putImageData(new ImageData(rgba, L.width, L.height), 0, 0);
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
  const perChannel = m.axC.role === 'batch';
  const chw = m.s.layout === 'chw';
  const padCount = m.padFlags ? m.padFlags.reduce((a, b) => a + b, 0) : 0;
  const dt = m.s.dtype === 'float32' ? 'f32' : 'u8';
  let order;
  if (perChannel && chw) order = `the ${m.outerShape[1]} × ${m.outerShape[2]} grid of the R channel, then G's, then B's${L.blocks > 1 ? ', side by side' : ''} (outer axes [c, i, j])`;
  else if (perChannel) order = 'one grid row per line, and within it R, G, B of each window side by side (outer axes [i, j, c])';
  else order = 'one grid row per line (outer axes [i, j])';
  let text = `${fmtInt(m.numPatches)} patches of ${m.innerShape.join(' × ')} from extract(): the ${dt} patch matrix [${m.numPatches}, ${m.patchLen}], tiles in row order: ${order}.`;
  if (perChannel) text += ' Single-channel patches are drawn in grey.';
  if (m.s.dtype === 'float32') text += ' f32 values are shown × 255.';
  if (padCount) text += ` ${fmtInt(padCount)} of them read padding (orange).`;
  if (L.drawn < m.numPatches) {
    text += ` Showing the first ${fmtInt(L.drawn)} of ${fmtInt(m.numPatches)} patches: the mosaic is capped at ${fmtInt(MAX_MOSAIC_PIXELS)} pixels to stay fast.`;
  }
  if (m.numPatches > 5000) text += ' So many tiles read as texture: the zoom below shows the selected one among its neighbours.';
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
    const path = new Path2D();
    for (let k = 0; k < L.drawn; k++) {
      if (!m.padFlags[k]) continue;
      const [x, y] = tile(k);
      path.rect(x, y, L.tw * s, L.th * s);
    }
    ctx.strokeStyle = PAD;
    ctx.lineWidth = Math.max(1, Math.min(2, s * 0.5));
    ctx.stroke(path);
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
  return tileAt(L, px / L.scale, py / L.scale);
}

// ---------------------------------------------------------------- zoom

const ZOOM_CSS = 300;

/** The neighbourhood of the selection on the grid: up to 2 windows on each side, same channel. */
export function zoomTiles(m) {
  if (m.sel < 0) return [];
  const idx = outerIndex(m.sel, m.outerShape);
  const ih = m.vaxes.outer.findIndex((a) => a.kind === 'grid' && a.n === 'h');
  const iw = m.vaxes.outer.findIndex((a) => a.kind === 'grid' && a.n === 'w');
  const out = [];
  for (let di = -2; di <= 2; di++) {
    for (let dj = -2; dj <= 2; dj++) {
      const j = idx.slice();
      j[ih] += di;
      j[iw] += dj;
      const ok = j[ih] >= 0 && j[ih] < m.outerShape[ih] && j[iw] >= 0 && j[iw] < m.outerShape[iw];
      out.push({ di, dj, k: ok ? patchNumber(j, m.outerShape) : -1 });
    }
  }
  return out;
}

/** The selected window and its surroundings, magnified: pixels, neighbouring outlines, samples. */
export function drawZoomImage(m, state) {
  const canvas = $('zoom-image');
  const cap = $('zoom-image-caption');
  if (!m || m.sel < 0) {
    hiDpiContext(canvas, 1, 1);
    cap.textContent = '';
    return;
  }
  const g = state.imageGeom;
  const origin = selOrigin(m);
  const oy = origin[m.ix.h];
  const ox = origin[m.ix.w];
  // The box: the window plus about one step (at least 2 px, at most 16) on each side.
  const my = Math.max(2, Math.min(16, m.axH.step));
  const mx = Math.max(2, Math.min(16, m.axW.step));
  const y0 = oy - my;
  const x0 = ox - mx;
  const bh = m.eh + 2 * my;
  const bw = m.ew + 2 * mx;
  const avail = Math.min(ZOOM_CSS, Math.max(200, panelWidths.of(canvas) / 2 - 30));
  const s = Math.max(1, Math.min(40, Math.floor(avail / Math.max(bw, bh))));
  const ctx = hiDpiContext(canvas, bw * s, bh * s);
  ctx.fillStyle = hatch(ctx);
  ctx.fillRect(0, 0, bw * s, bh * s);
  ctx.imageSmoothingEnabled = false;
  // The part of the box inside the image.
  const sx = Math.max(0, x0);
  const sy = Math.max(0, y0);
  const ex = Math.min(g.W, x0 + bw);
  const ey = Math.min(g.H, y0 + bh);
  if (ex > sx && ey > sy) ctx.drawImage($('source-canvas'), sx, sy, ex - sx, ey - sy, (sx - x0) * s, (sy - y0) * s, (ex - sx) * s, (ey - sy) * s);
  if (s >= 8) {
    ctx.strokeStyle = 'rgba(0,0,0,0.15)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = 0; x <= bw; x++) {
      ctx.moveTo(x * s + 0.5, 0);
      ctx.lineTo(x * s + 0.5, bh * s);
    }
    for (let y = 0; y <= bh; y++) {
      ctx.moveTo(0, y * s + 0.5);
      ctx.lineTo(bw * s, y * s + 0.5);
    }
    ctx.stroke();
  }
  // Neighbouring windows (the engine's origins), thin.
  const tiles = zoomTiles(m);
  ctx.lineWidth = 1.5;
  for (const t of tiles) {
    if (t.k < 0 || t.k === m.sel) continue;
    const o = m.view.patchOrigin(t.k);
    ctx.strokeStyle = t.di === 0 || t.dj === 0 ? 'rgba(255,255,255,0.95)' : 'rgba(255,255,255,0.5)';
    ctx.strokeRect((o[m.ix.w] - x0) * s + 0.5, (o[m.ix.h] - y0) * s + 0.5, m.ew * s - 1, m.eh * s - 1);
  }
  drawSamples(ctx, m, oy, ox, s, -x0, -y0, g.H, g.W, true);
  cap.textContent = `Pixels ${y0}…${y0 + bh - 1} × ${x0}…${x0 + bw - 1} around window (${oy}, ${ox}), ${s}× magnified. White: the neighbouring windows; dots: the ${m.axH.size * m.axW.size} pixels the patch samples${m.axH.dilation > 1 || m.axW.dilation > 1 ? ', every dilation-th pixel' : ''}.`;
}

/** The copy's tiles around the selected one (from the worker: `tiles` maps k to RGBA), magnified. */
export function drawZoomTiles(m, tiles) {
  const canvas = $('zoom-tiles');
  const cap = $('zoom-tiles-caption');
  if (!m || m.sel < 0 || !tiles) {
    hiDpiContext(canvas, 1, 1);
    cap.textContent = m && m.skipped ? `No copy to show: ${m.skipped}` : '';
    return;
  }
  const th = m.axH.size;
  const tw = m.axW.size;
  const gap = 3;
  const avail = Math.min(ZOOM_CSS, Math.max(200, panelWidths.of(canvas) / 2 - 30));
  const s = Math.max(1, Math.min(32, Math.floor((avail - 4 * gap) / (5 * Math.max(th, tw)))));
  const cw = 5 * tw * s + 4 * gap;
  const ch = 5 * th * s + 4 * gap;
  const ctx = hiDpiContext(canvas, cw, ch);
  ctx.fillStyle = '#f1f3f8';
  ctx.fillRect(0, 0, cw, ch);
  ctx.imageSmoothingEnabled = false;
  const tmp = document.createElement('canvas');
  tmp.width = tw;
  tmp.height = th;
  const tctx = tmp.getContext('2d');
  let shown = 0;
  for (const t of zoomTiles(m)) {
    const x = (t.dj + 2) * (tw * s + gap);
    const y = (t.di + 2) * (th * s + gap);
    const rgba = tiles.get(t.k);
    if (t.k < 0 || !rgba) continue;
    tctx.putImageData(new ImageData(rgba, tw, th), 0, 0);
    ctx.drawImage(tmp, x, y, tw * s, th * s);
    shown++;
    if (m.padFlags && t.k < m.padFlags.length && m.padFlags[t.k]) {
      ctx.strokeStyle = PAD;
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1, tw * s - 2, th * s - 2);
    }
    if (t.k === m.sel) {
      ctx.strokeStyle = SEL;
      ctx.lineWidth = 3;
      ctx.strokeRect(x - 1.5, y - 1.5, tw * s + 3, th * s + 3);
    }
  }
  canvas.dataset.tiles = String(shown);
  cap.textContent = `Tile ${m.sel} of the copy (pink) and its neighbours in the grid, ${s}× magnified: rows k of the patch matrix, read back from extract().`;
}
