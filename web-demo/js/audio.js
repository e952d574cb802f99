// Audio mode: a 1-D signal framed with a frame length and a hop.

import { PatchView, WasmArray, frame, overlapAdd } from '../pkg/web/patch_wasm.js';
import { $, frameScheduler, fmtArr, fmtInt, fmtBytes, fmtBytesShort, fmtMs, hiDpiContext, hatch } from './util.js';
import { codePanel } from './codepanel.js';
import { framesGeometry } from './code.js';
import { readInt, markInvalid } from './errors.js';

/** The generated test signal: a chirp under a slow envelope, plus tone bursts. Deterministic. */
export function makeSignal(T) {
  const x = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const u = t / T;
    const chirp = Math.sin(2 * Math.PI * (0.002 * t + (0.02 * t * t) / (2 * T)));
    const env = 0.35 + 0.25 * Math.sin(2 * Math.PI * u * 1.5);
    const burst = Math.exp(-((((u * 5) % 1) - 0.3) ** 2) * 60) * Math.sin(2 * Math.PI * 0.09 * t);
    x[t] = env * chirp + 0.3 * burst;
  }
  return x;
}

export function setupAudio({ showError, showPlainError, clearError, messageOf, demo, announce }) {
  const st = { T: 0, signal: null, arr: null, frames: null, n: 0, L: 0, hop: 0, sel: 0, ola: null, active: false };
  const code = codePanel($('audio-code'), 'audio');
  demo.code = { ...demo.code, audio: code };

  function read() {
    const L = readInt('frame-len', 'The frame length', 1, 1 << 20);
    const hop = readInt('hop', 'The hop', 1, 1 << 20);
    const raw = $('audio-pad-value').value.trim();
    const padValue = raw === '' ? 0 : Number(raw);
    const errors = [L, hop].filter((r) => r.error);
    if (!Number.isFinite(padValue)) errors.push({ error: `The pad value must be a number, not “${raw}”.`, id: 'audio-pad-value' });
    if (errors.length) return { errors };
    return { T: Number($('audio-len').value), L: L.value, hop: hop.value, padEnd: $('pad-end').checked, padValue };
  }

  function ensureSignal(T) {
    if (st.T === T && st.arr) return;
    st.arr?.free();
    st.signal = makeSignal(T);
    st.arr = WasmArray.fromTypedArray('float32', [T], st.signal);
    st.T = T;
  }

  function clearNumbers() {
    st.n = 0;
    for (const id of ['frame-count', 'audio-shape', 'audio-strides', 'audio-view-bytes', 'audio-copy-bytes', 'audio-time']) $(id).textContent = '–';
    $('audio-cost-text').textContent = '';
  }

  function update() {
    const p = read();
    st.frames?.free();
    st.frames = null;
    st.ola = null;
    if (p.errors) {
      markInvalid($('audio-controls'), p.errors.map((e) => e.id));
      showPlainError(p.errors.map((e) => e.error).join(' '), '');
      clearNumbers();
      code.update(null, 'No frames: a box needs a number.');
      draw();
      return;
    }
    markInvalid($('audio-controls'), []);
    ensureSignal(p.T);
    const owned = [];
    try {
      const frames = frame(st.arr, p.L, p.hop, { padEnd: p.padEnd, fill: p.padValue });
      st.frames = frames;
      // Time a few more calls for a steadier number (the timer is coarse).
      let runs = 0;
      const t0 = performance.now();
      while (runs < 50 && performance.now() - t0 < 5) {
        frame(st.arr, p.L, p.hop, { padEnd: p.padEnd, fill: p.padValue }).free();
        runs++;
      }
      st.ms = (performance.now() - t0) / Math.max(1, runs);
      st.n = frames.shape[0];
      st.L = p.L;
      st.hop = p.hop;
      st.padEnd = p.padEnd;
      // The frames overlap-add to (n - 1) * hop + frameLen samples: how far they reach, padding included.
      let olaLength = 0;
      if (st.n > 0) {
        const ola = overlapAdd(st.frames, p.L, p.hop);
        olaLength = ola.length;
        st.ola = Float32Array.from(ola.data);
        ola.free();
      }
      // The frames that fit are a view of the signal: the engine's strides. Padded frames are not.
      const windowAxis = { role: 'window', size: p.L, step: p.hop };
      let valid = null;
      try {
        valid = new PatchView({ shape: [p.T], dtype: 'float32', axes: [windowAxis] });
        owned.push(valid);
      } catch {
        valid = null; // no whole frame fits
      }
      const isView = valid !== null && valid.numPatches === st.n;
      const strides = isView ? valid.strides : null;
      let padded = null;
      if (!isView && st.n > 0) {
        // numpy's way: pad first (a copy), then view: the engine's view of the padded signal.
        const pv = new PatchView({ shape: [Math.max(p.T, olaLength)], dtype: 'float32', axes: [windowAxis] });
        owned.push(pv);
        padded = { shape: pv.inputShape, strides: pv.strides, elementStrides: pv.elementStrides };
      }
      const spanBytes = isView ? valid.spanBytes : 0;
      const bytes = st.n * p.L * 4;
      $('frame-count').textContent = fmtInt(st.n);
      $('audio-shape').textContent = fmtArr(frames.shape);
      $('audio-strides').textContent = strides ? fmtArr(strides) : 'copy only';
      $('audio-view-bytes').textContent = strides ? '0 B' : 'not a view';
      $('audio-copy-bytes').textContent = fmtBytesShort(bytes);
      $('audio-time').textContent = fmtMs(st.ms);
      $('audio-cost-text').textContent = strides
        ? `Signal: shape [${p.T}], byte strides [4] (float32). Frames: shape [${st.n}, ${p.L}], byte strides [${strides.join(', ')}]: the next frame starts hop × 4 = ${strides[0]} bytes later, and inside a frame consecutive samples are 4 bytes apart. The view reads ${fmtBytes(spanBytes)} and allocates nothing; the copy from frame() takes ${fmtBytes(bytes)}.`
        : st.n > 0
          ? `With pad end the last frames run ${Math.max(0, olaLength - p.T)} samples past the end of the signal and read the pad value, which is in no memory: no strides express them. frame() returns a copy of ${fmtBytes(bytes)}.`
          : `No frame of ${p.L} samples fits in ${p.T} samples: frame() returns [0, ${p.L}]. Tick "pad end" to keep the tail.`;
      code.update(st.n > 0 ? framesGeometry({
        T: p.T, frameLen: p.L, hop: p.hop, padEnd: !isView, fill: p.padValue, olaLength,
        view: { shape: frames.shape, strides, elementStrides: isView ? valid.elementStrides : null, padded },
      }) : null, 'No frame fits.');
      clearError();
    } catch (e) {
      showError(messageOf(e));
      clearNumbers();
      code.update(null, messageOf(e));
    } finally {
      for (const o of owned) o.free();
    }
    st.sel = Math.max(0, Math.min(st.sel, st.n - 1));
    draw();
  }

  function geometry(width) {
    const span = st.n > 0 ? Math.max(st.T, (st.n - 1) * st.hop + st.L) : st.T;
    const left = 8;
    const cw = width - left - 8;
    return { span, left, cw, x: (t) => left + (t / span) * cw };
  }

  function drawWave() {
    const canvas = $('wave');
    const width = Math.max(300, canvas.closest('.panel').clientWidth - 30);
    const lanes = st.n > 0 ? Math.min(8, Math.ceil(st.L / st.hop)) : 1;
    const sigH = 150;
    const laneH = 9;
    const height = sigH + 12 + lanes * laneH + 8;
    const ctx = hiDpiContext(canvas, width, height);
    const g = geometry(width);
    st.geom = g;
    ctx.fillStyle = '#fbfcfe';
    ctx.fillRect(0, 0, width, height);
    // Padding past the end of the signal.
    if (g.span > st.T) {
      ctx.fillStyle = hatch(ctx);
      ctx.fillRect(g.x(st.T), 0, g.x(g.span) - g.x(st.T), sigH);
    }
    // Selected frame band.
    if (st.n > 0) {
      const a = st.sel * st.hop;
      ctx.fillStyle = 'rgba(255,47,146,0.14)';
      ctx.fillRect(g.x(a), 0, g.x(a + st.L) - g.x(a), sigH);
      ctx.strokeStyle = '#ff2f92';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(g.x(a), 0.75, g.x(a + st.L) - g.x(a), sigH - 1.5);
    }
    // The signal: min/max per column.
    const mid = sigH / 2;
    const amp = sigH * 0.45;
    ctx.strokeStyle = '#cfd5e2';
    ctx.beginPath();
    ctx.moveTo(g.left, mid);
    ctx.lineTo(g.x(g.span), mid);
    ctx.stroke();
    ctx.strokeStyle = '#2b3a8c';
    ctx.lineWidth = 1;
    ctx.beginPath();
    const cols = Math.ceil(g.x(st.T) - g.left);
    for (let c = 0; c < cols; c++) {
      const t0 = Math.floor((c / g.cw) * g.span);
      const t1 = Math.max(t0 + 1, Math.floor(((c + 1) / g.cw) * g.span));
      let lo = Infinity;
      let hi = -Infinity;
      for (let t = t0; t < Math.min(t1, st.T); t++) {
        lo = Math.min(lo, st.signal[t]);
        hi = Math.max(hi, st.signal[t]);
      }
      if (lo === Infinity) continue;
      ctx.moveTo(g.left + c + 0.5, mid - hi * amp);
      ctx.lineTo(g.left + c + 0.5, mid - lo * amp + 0.5);
    }
    ctx.stroke();
    // Frames as bars in lanes.
    const maxBars = 4000;
    const step = st.n > maxBars ? Math.ceil(st.n / maxBars) : 1;
    for (let k = 0; k < st.n; k += step) {
      const a = k * st.hop;
      const b = a + st.L;
      const y = sigH + 12 + (k % lanes) * laneH;
      ctx.fillStyle = k % 2 ? '#7d93e8' : '#3553d6';
      ctx.fillRect(g.x(a), y, Math.max(1, g.x(Math.min(b, st.T)) - g.x(a) - 1), laneH - 3);
      if (b > st.T) {
        ctx.fillStyle = '#f08c00';
        ctx.fillRect(g.x(Math.max(a, st.T)), y, Math.max(1, g.x(b) - g.x(Math.max(a, st.T))), laneH - 3);
      }
    }
    if (st.n > 0) {
      const a = st.sel * st.hop;
      const y = sigH + 12 + (st.sel % lanes) * laneH;
      ctx.strokeStyle = '#ff2f92';
      ctx.lineWidth = 2;
      ctx.strokeRect(g.x(a) - 1, y - 1, g.x(a + st.L) - g.x(a) + 1, laneH - 1);
    }
    const dropped = st.n > 0 && !st.padEnd ? st.T - ((st.n - 1) * st.hop + st.L) : 0;
    $('wave-caption').textContent = st.n > 0
      ? `${fmtInt(st.T)} samples, ${fmtInt(st.n)} frames of ${st.L} samples every ${st.hop} samples. ` +
        `Frame ${st.sel} covers samples ${st.sel * st.hop} to ${st.sel * st.hop + st.L - 1}` +
        (st.sel * st.hop + st.L > st.T ? ' (the orange part is padding)' : '') + '. ' +
        (dropped > 0 ? `The last ${dropped} samples fit in no frame (tick "pad end" to keep them).` : '') +
        (step > 1 ? ` Every ${step}th frame bar is drawn.` : '')
      : 'No frame fits.';
  }

  function drawFrames() {
    const canvas = $('frames');
    const width = Math.max(300, canvas.closest('.panel').clientWidth - 30);
    if (!st.frames || st.n === 0) {
      hiDpiContext(canvas, width, 1);
      $('frames-caption').textContent = '';
      return;
    }
    const d = st.frames.data;
    const L = st.L;
    const cols = Math.min(L, 2048);
    const rowsShown = Math.min(st.n, 2048);
    const native = document.createElement('canvas');
    native.width = cols;
    native.height = rowsShown;
    const nctx = native.getContext('2d');
    const img = nctx.createImageData(cols, rowsShown);
    for (let k = 0; k < rowsShown; k++) {
      const fk = Math.floor((k * st.n) / rowsShown);
      for (let c = 0; c < cols; c++) {
        const v = Math.max(-1, Math.min(1, d[fk * L + Math.floor((c * L) / cols)]));
        const o = (k * cols + c) * 4;
        if (v >= 0) {
          img.data[o] = 255;
          img.data[o + 1] = 255 - 200 * v;
          img.data[o + 2] = 255 - 220 * v;
        } else {
          img.data[o] = 255 + 220 * v;
          img.data[o + 1] = 255 + 170 * v;
          img.data[o + 2] = 255;
        }
        img.data[o + 3] = 255;
      }
    }
    nctx.putImageData(img, 0, 0);
    const rowH = Math.max(1, Math.min(10, 320 / rowsShown));
    const height = Math.max(40, Math.round(rowsShown * rowH));
    const ctx = hiDpiContext(canvas, width, height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(native, 0, 0, width, height);
    const sy = (Math.floor((st.sel * rowsShown) / st.n) * height) / rowsShown;
    ctx.strokeStyle = '#ff2f92';
    ctx.lineWidth = 2;
    ctx.strokeRect(1, sy, width - 2, Math.max(2, height / rowsShown));
    $('frames-caption').textContent =
      `${fmtInt(st.n)} × ${fmtInt(L)} float32 from frame(), ${fmtBytes(st.n * L * 4)}. Row ${st.sel} (pink) is frame ${st.sel}: ` +
      `in the view it would start at byte ${st.sel} × ${st.hop * 4} = ${fmtInt(st.sel * st.hop * 4)} of the signal.` +
      (rowsShown < st.n || cols < L ? ' (Sampled to fit the canvas.)' : '') +
      (st.ms !== undefined ? ` frame() took ${fmtMs(st.ms)}.` : '');
  }

  function drawOla() {
    const canvas = $('ola');
    const width = Math.max(300, canvas.closest('.panel').clientWidth - 30);
    const height = 110;
    const ctx = hiDpiContext(canvas, width, height);
    ctx.fillStyle = '#fbfcfe';
    ctx.fillRect(0, 0, width, height);
    if (!st.ola) {
      $('ola-caption').textContent = '';
      return;
    }
    const count = new Uint16Array(st.ola.length);
    for (let k = 0; k < st.n; k++) for (let t = k * st.hop; t < k * st.hop + st.L && t < count.length; t++) count[t]++;
    const g = geometry(width);
    const mid = height / 2;
    const amp = height * 0.42;
    let maxDiff = 0;
    let covered = 0;
    const rec = new Float32Array(st.T);
    for (let t = 0; t < st.T; t++) {
      if (t < count.length && count[t]) {
        rec[t] = st.ola[t] / count[t];
        maxDiff = Math.max(maxDiff, Math.abs(rec[t] - st.signal[t]));
        covered++;
      } else {
        rec[t] = NaN;
      }
    }
    const plot = (arr, color, w) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = w;
      ctx.beginPath();
      let pen = false;
      const stepT = Math.max(1, Math.floor(st.T / (g.cw * 2)));
      for (let t = 0; t < st.T; t += stepT) {
        const v = arr[t];
        if (Number.isNaN(v)) {
          pen = false;
          continue;
        }
        const x = g.x(t);
        const y = mid - v * amp;
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();
    };
    plot(st.signal, '#c9cfdd', 3);
    plot(rec, '#ff2f92', 1);
    $('ola-caption').innerHTML =
      `Grey: the signal; pink: overlapAdd(frames) ÷ frames per sample. Max difference over the ${fmtInt(covered)} covered samples: ` +
      `<b data-testid="ola-maxdiff" data-value="${maxDiff}">${maxDiff === 0 ? '0 (exact)' : maxDiff < 1e-6 ? `${maxDiff.toExponential(2)} (float rounding of the sums)` : maxDiff.toExponential(2)}</b>` +
      (covered < st.T ? `; ${fmtInt(st.T - covered)} samples are in no frame.` : '.');
  }

  function draw() {
    drawWave();
    drawFrames();
    drawOla();
  }

  const schedule = frameScheduler(demo, () => update());

  $('audio-controls').addEventListener('input', schedule);
  $('audio-controls').addEventListener('change', schedule);
  const wave = $('wave');
  const pick = (e) => {
    if (!st.geom || st.n === 0) return;
    const t = ((e.offsetX - st.geom.left) / st.geom.cw) * st.geom.span;
    const k = Math.max(0, Math.min(st.n - 1, Math.round((t - st.L / 2) / st.hop)));
    if (k !== st.sel) {
      st.sel = k;
      draw();
      announce?.(`Frame ${k} of ${st.n}: samples ${k * st.hop} to ${k * st.hop + st.L - 1}.`);
    }
  };
  wave.addEventListener('mousemove', pick);
  wave.addEventListener('click', pick);
  wave.addEventListener('keydown', (e) => {
    const d = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }[e.key];
    if (d === undefined || st.n === 0) return;
    e.preventDefault();
    st.sel = Math.max(0, Math.min(st.n - 1, st.sel + d));
    draw();
  });

  return {
    activate() {
      schedule();
    },
    redraw() {
      if (st.n) draw();
    },
  };
}
