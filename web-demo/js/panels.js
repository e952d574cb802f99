// The text panels (selected patch, strides) and the linear-memory strip.

import { $, esc, fmtArr, fmtInt, fmtBytes, fmtBytesShort, fmtMs, hiDpiContext, dpr, panelWidths } from './util.js';
import { outerIndex, patchSamples, byteRuns, contiguousRun, mergeGroups, CHANNEL_NAMES, CHANNELS } from './geometry.js';

/** "1 byte", "48 bytes". */
const bytes = (n) => `${fmtInt(n)} byte${n === 1 ? '' : 's'}`;

const AXIS_WORD = { h: 'row', w: 'column', c: 'channel' };

/** How an input axis's byte stride comes about, as text: "W·C·itemsize = 224·3·1". */
function inputStrideWhy(m, n) {
  const isz = m.isz;
  if (m.s.layout === 'chw') {
    if (n === 'c') return `H·W·itemsize = ${m.H}·${m.W}·${isz}`;
    if (n === 'h') return `W·itemsize = ${m.W}·${isz}`;
    return `itemsize = ${isz}`;
  }
  if (n === 'h') return `W·C·itemsize = ${m.W}·${CHANNELS}·${isz}`;
  if (n === 'w') return `C·itemsize = ${CHANNELS}·${isz}`;
  return `itemsize = ${isz}`;
}

// ---------------------------------------------------------------- inspector

export function renderInspector(m) {
  const box = $('inspector');
  if (m.sel < 0) {
    box.innerHTML = '<p class="warn">No patch: the grid is empty.</p>';
    return;
  }
  const k = m.sel;
  const idx = outerIndex(k, m.outerShape);
  const origin = m.view.patchOrigin(k);
  const touches = m.view.touchesPadding(k);
  const parts = m.vaxes.outer.map((a, n) => `${a.sym} = ${idx[n]}`);
  const chan = m.vaxes.outer.findIndex((a) => a.kind === 'batch');
  const chanText = chan >= 0 ? ` (channel ${CHANNEL_NAMES[idx[chan]]})` : '';
  const oy = origin[m.ix.h];
  const ox = origin[m.ix.w];
  const samples = m.innerShape.join(' × ');
  let html = '<dl class="kv">';
  html += `<dt>patch</dt><dd>#${k} of ${fmtInt(m.numPatches)} ${touches ? '<span class="tag pad">reads padding</span>' : '<span class="tag view">inside the image</span>'}</dd>`;
  html += `<dt>outer index</dt><dd>[${parts.join(', ')}]${chanText}</dd>`;
  html += `<dt>origin in the image</dt><dd>row ${oy}, column ${ox}${oy < 0 || ox < 0 ? ' (negative: inside the padding)' : ''}</dd>`;
  html += `<dt>samples</dt><dd>${samples} = ${fmtInt(m.patchLen)} elements</dd>`;
  html += '</dl>';

  const strides = m.viewStrides;
  if (strides) {
    const nOuter = m.outerShape.length;
    const terms = m.vaxes.outer.map((a, n) => `<span class="term">${a.sym} × ${strides[n]}</span>`);
    const nums = m.vaxes.outer.map((a, n) => `<span class="term"><span class="n">${idx[n]}</span> × ${strides[n]}</span>`);
    const sum = m.vaxes.outer.reduce((acc, a, n) => acc + idx[n] * strides[n], 0);
    let engine = '';
    try {
      engine = Number(m.view.patchOffset(k));
    } catch (e) {
      engine = '?';
    }
    html += `<div class="formula" data-testid="offset-formula">byte offset = ${terms.join(' + ')} = ${nums.join(' + ')} = <span class="t" data-testid="patch-offset">${sum}</span></div>`;
    const innerTerms = m.vaxes.inner.map((a, n) => `<span class="term">${a.sym} × ${strides[nOuter + n]}</span>`);
    html += `<div class="formula">element [${m.vaxes.inner.map((a) => a.sym).join(', ')}] of the patch is at byte ${sum} + ${innerTerms.join(' + ')}</div>`;
    html += `<p class="explain">The engine agrees: <code>patchOffset(${k})</code> = ${engine}${engine === sum ? ' ✓' : ''}. The first sample is pixel (${oy}, ${ox})${chan >= 0 ? `, channel ${CHANNEL_NAMES[idx[chan]]}` : ''}: ${oy} × ${m.inputByteStrides[m.ix.h]} + ${ox} × ${m.inputByteStrides[m.ix.w]}${chan >= 0 ? ` + ${idx[chan]} × ${m.inputByteStrides[m.ix.c]}` : ''} = ${oy * m.inputByteStrides[m.ix.h] + ox * m.inputByteStrides[m.ix.w] + (chan >= 0 ? idx[chan] * m.inputByteStrides[m.ix.c] : 0)} in input strides.</p>`;
  } else {
    html += `<div class="formula wrap">no byte offset: ${esc(m.viewStridesError)}</div>`;
    if (!touches) {
      const c = chan >= 0 ? idx[chan] : 0;
      const at = oy * m.inputByteStrides[m.ix.h] + ox * m.inputByteStrides[m.ix.w] + c * m.inputByteStrides[m.ix.c];
      html += `<p class="explain">This patch itself reads no padding: its first sample is at byte ${oy} × ${m.inputByteStrides[m.ix.h]} + ${ox} × ${m.inputByteStrides[m.ix.w]}${chan >= 0 ? ` + ${c} × ${m.inputByteStrides[m.ix.c]}` : ''} = <b>${at}</b>. But the grid as a whole is not evenly strided, so no single view holds every patch.</p>`;
    } else {
      html += `<p class="explain">Some of its samples lie outside the image: the copy fills them (${esc(m.s.mode)}${m.s.mode === 'constant' ? ` ${m.s.value}` : ''}) while it copies; they are in no memory of the input.</p>`;
    }
  }
  box.innerHTML = html;
}

// ---------------------------------------------------------------- strides

export function renderStrides(m) {
  const inShape = m.plan.inputShape.map(Number);
  const inBytes = m.inputByteStrides;
  const inElems = m.plan.inputStrides.map(Number);
  const dt = m.s.dtype === 'float32' ? 'f32' : 'u8';
  const names = m.s.layout === 'chw' ? 'C, H, W' : 'H, W, C';
  let html = '<table class="strides"><thead><tr><th>array</th><th>shape</th><th>strides (bytes)</th><th>itemsize</th></tr></thead><tbody>';
  html += `<tr><td>input x<div class="sub">${names}, ${dt}, ${fmtBytes(inShape.reduce((a, b) => a * b, 1) * m.isz)}</div></td><td class="mono" data-testid="input-shape">${fmtArr(inShape)}</td><td class="mono" data-testid="input-strides">${fmtArr(inBytes)}</td><td class="mono" data-testid="itemsize">${m.isz}</td></tr>`;
  if (m.viewStrides) {
    html += `<tr><td>patch view <span class="tag view">view</span><div class="sub">0 B of its own; reads ${fmtBytes(m.spanBytes)}</div></td><td class="mono" data-testid="view-shape">${fmtArr(m.plan.shape)}</td><td class="mono" data-testid="view-strides">${fmtArr(m.viewStrides)}</td><td class="mono">${m.isz}</td></tr>`;
  } else {
    html += `<tr><td>patch array <span class="tag copy">copy only</span></td><td class="mono" data-testid="view-shape">${fmtArr(m.plan.shape)}</td><td data-testid="view-strides" class="why">no strides: ${esc(m.viewStridesError)}</td><td class="mono">${m.isz}</td></tr>`;
    if (m.paddedView) {
      html += `<tr><td>numpy's way: view of a padded copy<div class="sub">np.pad(x) makes ${fmtArr(m.paddedView.shape)} first</div></td><td class="mono">${fmtArr(m.plan.shape)}</td><td class="mono" data-testid="padded-strides">${fmtArr(m.paddedView.strides)}</td><td class="mono">${m.isz}</td></tr>`;
    }
  }
  html += `<tr><td>patch matrix<div class="sub">extract(): ${fmtBytes(m.copyBytes)}, a copy</div></td><td class="mono" data-testid="matrix-shape">${fmtArr([m.numPatches, m.patchLen])}</td><td class="mono">${fmtArr([m.patchLen * m.isz, m.isz])}</td><td class="mono">${m.isz}</td></tr>`;
  html += '</tbody></table>';
  if (m.viewStrides) {
    html += `<p class="explain">In elements (DLPack's convention) the view's strides are <code data-testid="view-elem-strides">${fmtArr(m.viewStrides.map((b) => b / m.isz))}</code>, the input's <code>${fmtArr(inElems)}</code>.</p>`;
  }

  // One row per axis of the view: what it indexes and why its stride is what it is.
  html += '<table class="strides axes"><thead><tr><th>axis</th><th>indexes</th><th>len</th><th>stride</th><th>= because</th></tr></thead><tbody>';
  const all = m.vaxes.all;
  all.forEach((a, n) => {
    const outer = n < m.vaxes.outer.length;
    const len = Number(m.plan.shape[n]);
    const sIn = inBytes[a.axis];
    let why;
    let stride;
    if (a.kind === 'grid') {
      stride = a.a.step * sIn;
      why = `step ${a.a.step} × ${sIn} (one ${AXIS_WORD[a.n]}: ${inputStrideWhy(m, a.n)})`;
    } else if (a.kind === 'inner') {
      stride = a.a.dilation * sIn;
      why = `dilation ${a.a.dilation} × ${sIn} (one ${AXIS_WORD[a.n]})`;
    } else {
      stride = sIn;
      why = `the input's channel stride (${inputStrideWhy(m, 'c')})`;
    }
    const shown = m.viewStrides ? m.viewStrides[n] : stride;
    html += `<tr class="${outer ? 'outer' : 'inner'}"><td>${n} · <b>${a.sym}</b></td><td>${a.what}</td><td>${len}</td><td>${m.viewStrides ? shown : `(${stride})`}</td><td>${why}</td></tr>`;
  });
  html += '</tbody></table>';
  const run = m.viewStrides ? contiguousRun(m.innerShape, m.viewStrides.slice(m.outerShape.length), m.isz) : 0;
  if (m.viewStrides) {
    html += `<p class="explain">Outer axes (blue) choose a patch, inner axes (pink) walk inside it. Reading the inner strides from the right, the axes whose stride equals the size of everything to their right merge into one contiguous run of <b data-testid="run-bytes">${bytes(run)}</b>; the other axes jump. A copy walks the same numbers, one run at a time.</p>`;
  } else {
    html += `<p class="explain">Lengths and (bracketed) strides are what each axis would have; padding or a shifted window breaks them for some patches, so the engine only offers a copy (<code>extract()</code>), whose rows are still read with these same strides wherever the window is inside the image.</p>`;
  }
  $('strides').innerHTML = html;
}

// ---------------------------------------------------------------- memory

/** Byte strides of the patch's inner axes, from the input strides (defined even when the plan is not a view). */
function innerByteStrides(m) {
  return m.vaxes.inner.map((a) => {
    const sIn = m.inputByteStrides[a.axis];
    return a.kind === 'inner' ? a.a.dilation * sIn : sIn;
  });
}

const CH_RGB = [
  [235, 64, 64],
  [40, 170, 70],
  [60, 100, 240],
];
const LIGHT = [246, 247, 250];
const READ = [255, 47, 146];

/** Channel of the element holding byte `addr`. */
function channelOf(m, addr) {
  const e = Math.floor(addr / m.isz);
  return m.s.layout === 'chw' ? Math.floor(e / (m.H * m.W)) : e % CHANNELS;
}

/** Colour of a byte: a pale tint of its channel, or the highlight when the patch reads it. */
function byteColor(m, addr, read, out) {
  const base = CH_RGB[channelOf(m, addr)] || CH_RGB[0];
  if (read) {
    out[0] = READ[0] * 0.7 + base[0] * 0.3;
    out[1] = READ[1] * 0.7 + base[1] * 0.3;
    out[2] = READ[2] * 0.7 + base[2] * 0.3;
  } else {
    out[0] = base[0] * 0.2 + LIGHT[0] * 0.8;
    out[1] = base[1] * 0.2 + LIGHT[1] * 0.8;
    out[2] = base[2] * 0.2 + LIGHT[2] * 0.8;
  }
}

/** An opaque [r, g, b] as one little-endian RGBA word of ImageData. */
function rgba32(c) {
  return ((255 << 24) | (Math.round(c[2]) << 16) | (Math.round(c[1]) << 8) | Math.round(c[0])) >>> 0;
}

/** The runs, split by line, as [line, startInLine, endInLine] triples. */
function runsByLine(runs, bpl) {
  const out = [];
  for (const [a, b] of runs) {
    let s = a;
    while (s < b) {
      const line = Math.floor(s / bpl);
      const e = Math.min(b, (line + 1) * bpl);
      out.push([line, s - line * bpl, e - line * bpl]);
      s = e;
    }
  }
  return out;
}

const MAX_LINES = 40;

export function renderMemory(m) {
  const ov = $('memory-overview');
  const det = $('memory-detail');
  const cap = $('memory-caption');
  const width = Math.max(240, panelWidths.of(ov) - 30);
  if (m.sel < 0) {
    hiDpiContext(ov, width, 1);
    hiDpiContext(det, width, 1);
    cap.textContent = '';
    return;
  }
  const origin = m.view.patchOrigin(m.sel);
  const samples = patchSamples(m.plan, origin, m.s.layout, m.H, m.W);
  const runs = byteRuns(samples, m.inputByteStrides, m.s.layout, m.isz);
  const total = m.H * m.W * CHANNELS * m.isz;
  const rowBytes = m.inputByteStrides[m.ix.h];
  const byteMode = document.querySelector('input[name="memwrap"]:checked')?.value === '64';
  const bpl = byteMode ? 64 : rowBytes;
  const col = [0, 0, 0];
  const r = dpr();

  // --- overview: the whole buffer in one bar.
  const oh = 40;
  const octx = hiDpiContext(ov, width, oh);
  const barY = 15;
  const barH = 14;
  const devW = Math.round(width * r);
  const img = octx.createImageData(devW, Math.round(barH * r));
  const ov32 = new Uint32Array(img.data.buffer);
  for (let px = 0; px < devW; px++) {
    const addr = Math.min(total - 1, Math.floor((px / devW) * total));
    byteColor(m, addr, false, col);
    ov32[px] = rgba32(col);
  }
  for (let y = 1; y < img.height; y++) ov32.copyWithin(y * devW, 0, devW);
  octx.putImageData(img, 0, Math.round(barY * r));
  octx.strokeStyle = '#c5cbd8';
  octx.lineWidth = 1;
  octx.strokeRect(0.5, barY + 0.5, width - 1, barH - 1);
  octx.fillStyle = '#ff2f92';
  for (const [a, b] of runs) {
    const x = (a / total) * width;
    const w = Math.max(1, ((b - a) / total) * width);
    octx.fillRect(x, barY - 2, w, barH + 4);
  }
  octx.fillStyle = '#5b6478';
  octx.font = '11px ui-monospace, Menlo, monospace';
  octx.textBaseline = 'top';
  octx.fillText('byte 0', 0, 0);
  const endLabel = `byte ${fmtInt(total)}`;
  octx.fillText(endLabel, width - octx.measureText(endLabel).width, 0);
  const mid = width >= 620 ? 'the whole input buffer on one line; pink: the bytes of the selected patch' : 'the whole buffer';
  const midW = octx.measureText(mid).width;
  const free = width - octx.measureText('byte 0').width - octx.measureText(endLabel).width - 24;
  if (midW <= free) octx.fillText(mid, (width - midW) / 2, 0);

  // --- detail: the lines holding the patch's bytes.
  const pieces = runsByLine(runs, bpl);
  const totalLines = Math.ceil(total / bpl);
  const lines = [...new Set(pieces.map((p) => p[0]))].sort((a, b) => a - b);
  if (lines.length) {
    if (lines[0] > 0) lines.unshift(lines[0] - 1);
    if (lines[lines.length - 1] + 1 < totalLines) lines.push(lines[lines.length - 1] + 1);
  }
  // Fill small gaps, collapse large ones.
  const rows = [];
  let shown = 0;
  let truncated = false;
  for (let n = 0; n < lines.length; n++) {
    if (n > 0) {
      const gap = lines[n] - lines[n - 1] - 1;
      if (gap > 0 && gap <= 2) {
        for (let g = lines[n - 1] + 1; g < lines[n]; g++) rows.push({ line: g });
        shown += gap;
      } else if (gap > 2) {
        rows.push({ skip: gap });
      }
    }
    rows.push({ line: lines[n] });
    shown++;
    if (shown >= MAX_LINES && n < lines.length - 1) {
      truncated = true;
      break;
    }
  }
  const gutter = 92;
  const lineH = byteMode ? 16 : 11;
  const skipH = 16;
  const headH = byteMode ? 14 : 0;
  const height = 4 + headH + rows.reduce((acc, x) => acc + (x.skip ? skipH : lineH), 0) + (truncated ? skipH : 0);
  const dctx = hiDpiContext(det, width, Math.max(height, 20));
  const cw = width - gutter - 4;
  const read = new Uint8Array(bpl);
  const byLine = new Map();
  for (const p of pieces) {
    if (!byLine.has(p[0])) byLine.set(p[0], []);
    byLine.get(p[0]).push(p);
  }
  const devCw = Math.round(cw * r);
  const devH = Math.max(1, Math.round((lineH - 2) * r));
  const strips = byteMode ? null : dctx.createImageData(devCw, Math.max(1, Math.round(Math.max(height, 20) * r)));
  if (!byteMode) {
    // Every line's pixels in one image, put once before the labels are drawn
    // over them (one putImageData per line cost most of this panel's time).
    // One 32-bit store per pixel of a line's first pixel row, then copyWithin
    // for the others (ImageData's data and height are DOM getters: read once).
    const px32 = new Uint32Array(strips.data.buffer);
    const sh = strips.height;
    let yp = 2;
    for (const row of rows) {
      if (row.skip) {
        yp += skipH;
        continue;
      }
      const start = row.line * bpl;
      read.fill(0);
      for (const p of byLine.get(row.line) || []) read.fill(1, p[1], p[2]);
      const devY = Math.round(yp * r);
      const first = devY * devCw;
      if (devY < sh) {
        for (let px = 0; px < devCw; px++) {
          const b = Math.floor((px / devCw) * bpl);
          const addr = start + b;
          if (addr < total) byteColor(m, addr, read[b], col);
          else col[0] = col[1] = col[2] = 255;
          px32[first + px] = rgba32(col);
        }
        for (let yy = 1; yy < devH && devY + yy < sh; yy++) px32.copyWithin(first + yy * devCw, first, first + devCw);
      }
      yp += lineH;
    }
    dctx.putImageData(strips, Math.round(gutter * r), 0);
  }
  // Setting a canvas font parses it: only when it changes (about 40 lines, three texts each).
  let font = '';
  const setFont = (f) => {
    if (f !== font) dctx.font = font = f;
  };
  let y = 2;
  dctx.textBaseline = 'middle';
  if (byteMode) {
    setFont('10px ui-monospace, Menlo, monospace');
    dctx.fillStyle = '#8a93a8';
    for (let b = 0; b < bpl; b += 8) dctx.fillText(`+${b}`, gutter + (b / bpl) * cw, y + headH / 2);
    y += headH;
  }
  const names = ['R', 'G', 'B'];
  const firstRunLine = pieces.length ? pieces[0][0] : -1;
  for (const row of rows) {
    if (row.skip) {
      setFont('11px ui-monospace, Menlo, monospace');
      dctx.fillStyle = '#8a93a8';
      dctx.fillText(`⋮  ${fmtInt(row.skip)} lines (${fmtInt(row.skip * bpl)} bytes) where this patch reads nothing`, gutter, y + skipH / 2);
      y += skipH;
      continue;
    }
    const start = row.line * bpl;
    read.fill(0);
    for (const p of byLine.get(row.line) || []) read.fill(1, p[1], p[2]);
    if (byteMode) {
      // One cell per byte, with its channel's letter on the first byte of each element.
      const cell = cw / bpl;
      setFont(`${Math.min(10, cell * 0.8)}px ui-monospace, Menlo, monospace`);
      for (let b = 0; b < bpl; b++) {
        const addr = start + b;
        if (addr >= total) break;
        byteColor(m, addr, read[b], col);
        dctx.fillStyle = `rgb(${col[0] | 0},${col[1] | 0},${col[2] | 0})`;
        const x = gutter + b * cell;
        dctx.fillRect(x + 0.5, y, cell - 1, lineH - 3);
        if (addr % m.isz === 0 && cell >= 7) {
          dctx.fillStyle = read[b] ? '#fff' : '#8a93a8';
          dctx.fillText(names[channelOf(m, addr)], x + cell / 2 - 3, y + (lineH - 3) / 2 + 0.5);
        }
      }
    }
    setFont('10px ui-monospace, Menlo, monospace');
    dctx.fillStyle = '#5b6478';
    const label = fmtInt(start);
    dctx.fillText(label, gutter - 8 - dctx.measureText(label).width, y + lineH / 2 - 1);
    if (!byteMode) {
      dctx.strokeStyle = '#b0005a';
      dctx.lineWidth = 1;
      for (const p of byLine.get(row.line) || []) {
        const x0 = gutter + (p[1] / bpl) * cw;
        const w = Math.max(1, ((p[2] - p[1]) / bpl) * cw);
        dctx.strokeRect(x0 - 0.5, y - 0.5, w + 1, lineH - 1);
      }
    }
    if (!row.annotated && firstRunLine === row.line && runs.length) {
      const onLine = byLine.get(row.line);
      const p = onLine[onLine.length - 1];
      const note = runs.length > 1
        ? `← a run of ${bytes(runs[0][1] - runs[0][0])}; the next run starts ${bytes(runs[1][0] - runs[0][0])} later`
        : `← one run of ${bytes(runs[0][1] - runs[0][0])}`;
      setFont('11px system-ui, sans-serif');
      const tx = gutter + (p[2] / bpl) * cw + 8;
      const tw = dctx.measureText(note).width;
      if (tx + tw < width) {
        dctx.fillStyle = 'rgba(255,255,255,0.92)';
        dctx.fillRect(tx - 3, y - 1, tw + 6, lineH);
        dctx.fillStyle = '#b0005a';
        dctx.fillText(note, tx, y + lineH / 2 - 0.5);
      }
    }
    y += lineH;
  }
  if (truncated) {
    dctx.fillStyle = '#8a93a8';
    dctx.fillText(`… only the first ${MAX_LINES} lines are drawn`, gutter, y + skipH / 2);
  }

  // --- caption
  const inside = samples.inside.reduce((a, b) => a + b, 0);
  const padded = samples.inside.length - inside;
  const lens = runs.map(([a, b]) => b - a);
  const gaps = runs.slice(1).map(([a], n) => a - runs[n][0]);
  const same = (xs) => xs.length > 0 && xs.every((x) => x === xs[0]);
  let text = `Patch #${m.sel} reads ${fmtInt(inside * m.isz)} bytes`;
  if (runs.length === 0) {
    text += ': every sample is padding, so no byte of the input.';
  } else {
    text += ` as ${fmtInt(runs.length)} contiguous run${runs.length > 1 ? 's' : ''}`;
    text += same(lens) ? ` of ${bytes(lens[0])}` : ` of ${Math.min(...lens)} to ${Math.max(...lens)} bytes`;
    if (runs.length > 1) {
      if (same(gaps)) {
        text += `, one every ${fmtInt(gaps[0])} bytes`;
      } else {
        // The runs sit on a grid given by the patch's inner strides that do not merge.
        const st = innerByteStrides(m);
        let acc = m.isz;
        let i = m.innerShape.length - 1;
        for (; i >= 0; i--) {
          if (m.innerShape[i] === 1) continue;
          if (st[i] !== acc) break;
          acc *= m.innerShape[i];
        }
        const jumps = [];
        for (let j = 0; j <= i; j++) if (m.innerShape[j] > 1) jumps.push([m.innerShape[j], st[j]]);
        text += jumps.length
          ? `, laid out as ${jumps.map((j) => j[0]).join(' × ')} with strides ${jumps.map((j) => fmtInt(j[1])).join(' and ')} bytes`
          : ', at irregular distances';
      }
    }
    text += `, between byte ${fmtInt(runs[0][0])} and byte ${fmtInt(runs[runs.length - 1][1] - 1)} of the ${fmtInt(total)}-byte buffer.`;
  }
  if (padded) text += ` ${fmtInt(padded)} of its samples are padding and read no memory.`;
  cap.textContent = text;
  cap.dataset.runs = String(runs.length);
  $('memory-explain').textContent =
    `The input is one line of ${fmtInt(total)} bytes (top bar). Below it, the part around the selected patch, ` +
    (byteMode
      ? 'wrapped every 64 bytes, one cell per byte, lettered by channel. '
      : `wrapped every ${fmtInt(rowBytes)} bytes (one image row: ${inputStrideWhy(m, 'h')}) so that image rows stack. `) +
    `Pale cells are tinted by channel (${m.s.layout === 'chw' ? 'CHW: a whole plane of R, then of G, then of B' : 'HWC: R G B interleaved, pixel after pixel'}); ` +
    'pink cells are the bytes the patch reads.';
}

// ---------------------------------------------------------------- reshape

/**
 * Why [numPatches, patchLen] is a copy: numpy's reshape rule (mergeGroups)
 * applied to the outer axes and to the inner axes of the view, with the
 * numbers of the comparison that fails.
 */
export function renderReshape(m) {
  const box = $('reshape');
  const strides = m.viewStrides;
  const nOuter = m.outerShape.length;
  const shape = m.plan.shape;
  if (!strides) {
    box.innerHTML = `<p class="caption">These patches are not even a view (${esc(m.viewStridesError.replace(/^.*?: /, ''))}), so the matrix <code>[${m.numPatches}, ${m.patchLen}]</code> can only be a copy: <code>extract()</code> writes it in one pass.</p>`;
    return;
  }
  const part = (from, to, what, len) => {
    const groups = mergeGroups(shape, strides, from, to);
    const names = m.vaxes.all.slice(from, to).map((a) => a.sym);
    if (groups.length <= 1) return { ok: true, html: `<li class="ok-line">the ${what} axes <code>[${names.join(', ')}]</code> = <code>${fmtArr(shape.slice(from, to))}</code> merge into one axis of ${fmtInt(len)} with stride ${groups[0] ? groups[0].stride : 0}: no copy needed for them.</li>` };
    const b = groups[0].breaks;
    const a = m.vaxes.all[b.a - 1] ? b.a - 1 : b.a;
    return {
      ok: false,
      html: `<li>the ${what} axes <code>[${names.join(', ')}]</code> = <code>${fmtArr(shape.slice(from, to))}</code> with strides <code>${fmtArr(strides.slice(from, to))}</code> do not merge: ` +
        `axis <b>${m.vaxes.all[a].sym}</b> strides <b>${fmtInt(b.stride)}</b> bytes, but one axis of ${fmtInt(len)} would need it to stride ` +
        `${shape[b.a]} × ${strides[b.a]} = <b>${fmtInt(b.need)}</b> (the length × stride of <b>${m.vaxes.all[b.a].sym}</b> inside it). No single stride walks them in order.</li>`,
    };
  };
  const outer = part(0, nOuter, 'outer (patch)', m.numPatches);
  const inner = part(nOuter, shape.length, 'inner (within a patch)', m.patchLen);
  const verdict = outer.ok && inner.ok
    ? `<p class="ok" data-testid="reshape-verdict">Both merge: here <code>view.reshape(${m.numPatches}, ${m.patchLen})</code> is a view too (no copy).</p>`
    : `<p class="warn" data-testid="reshape-verdict">So <code>[${m.numPatches}, ${m.patchLen}]</code> has no strides over the image: <code>reshape</code> (numpy, torch) silently copies, and <code>extract()</code> makes that copy on purpose, in one pass (${fmtBytes(m.copyBytes)}).</p>`;
  box.innerHTML = `<ul class="reshape">${outer.html}${inner.html}</ul>${verdict}`;
}

// ---------------------------------------------------------------- cost

/** The view's cost beside the copy's: time to make each, bytes of each, as two bar pairs. */
export function renderCost(m) {
  const box = $('cost');
  const viewUs = Number.isFinite(m.viewMs) ? m.viewMs : null;
  const copyMs = Number.isFinite(m.extractMs) ? m.extractMs : null;
  const bar = (v, max) => `<span class="bar" style="width:${max > 0 ? Math.max(1, Math.round((100 * v) / max)) : 0}%"></span>`;
  const tMax = Math.max(viewUs || 0, copyMs || 0);
  const bMax = m.copyBytes;
  const viewBytes = m.plan.isView ? 0 : null;
  box.innerHTML = `<table class="costs"><caption class="sr-only">Cost of the view and of the copy</caption>
    <thead><tr><th scope="col">what</th><th scope="col">time</th><th scope="col">bytes of its own</th></tr></thead><tbody>
    <tr><th scope="row">the view${m.plan.isView ? '' : ' (none: padding)'}</th>
      <td><span class="num" data-testid="view-time">${viewUs === null ? '…' : fmtMs(viewUs)}</span>${viewUs === null ? '' : bar(viewUs, tMax)}<span class="sub">new PatchView()</span></td>
      <td><span class="num" data-testid="view-own-bytes">${viewBytes === null ? '–' : '0 B'}</span>${bar(0, bMax)}<span class="sub">same memory, new strides</span></td></tr>
    <tr><th scope="row">the copy</th>
      <td><span class="num" data-testid="copy-time">${copyMs === null ? (m.skipped ? 'skipped' : '…') : fmtMs(copyMs)}</span>${copyMs === null ? '' : bar(copyMs, tMax)}<span class="sub">extract()</span></td>
      <td><span class="num" data-testid="copy-own-bytes">${fmtBytesShort(m.copyBytes)}</span>${bar(m.copyBytes, bMax)}<span class="sub">${fmtInt(m.numPatches)} × ${fmtInt(m.patchLen)} × ${m.isz} B</span></td></tr>
    </tbody></table>`;
}
