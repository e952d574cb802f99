// The tiny mode: x = np.arange(n).reshape(H, W[, C]) of a few dozen
// numbered cells, one window over it, and the memory x lives in. Because
// every element holds its own index, the engine's copy of a patch *is* the
// list of elements it reads: the page lights memory cells from the values
// extract() returned, and checks the offset arithmetic against them.

import { PatchView, WasmArray } from '../pkg/web/patch_wasm.js';
import { $, frameScheduler, esc, fmtArr, fmtInt } from './util.js';
import { outerIndex, patchNumber } from './geometry.js';
import { codePanel } from './codepanel.js';
import { readInt, markInvalid, explainEngine } from './errors.js';

const ITEMSIZE = { uint8: 1, float32: 4, float64: 8 };
const TYPED = { uint8: Uint8Array, float32: Float32Array, float64: Float64Array };
const PRESETS = {
  conv: { kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1 },
  tiles: { kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1 },
  stride2: { kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1 },
  dilated: { kh: 2, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2 },
  rgb: { c: '3hwc', kh: 2, kw: 2, sh: 2, sw: 2, dh: 1, dw: 1 },
};
const STEP_MS = 900;

export function setupTiny(app) {
  const { demo, announce, clearError } = app;
  const st = { m: null, k: 0, kb: -1, hover: -1, timer: 0 };
  const code = codePanel($('tiny-code'), 'tiny');
  demo.code = { ...demo.code, tiny: code };

  function read() {
    const r = {
      H: readInt('t-h', 'Rows', 2, 8),
      W: readInt('t-w', 'Columns', 2, 10),
      kh: readInt('t-kh', 'Window height', 1, 8),
      kw: readInt('t-kw', 'Window width', 1, 10),
      sh: readInt('t-sh', 'The step along the rows', 1, 8),
      sw: readInt('t-sw', 'The step along the columns', 1, 10),
      dh: readInt('t-dh', 'The dilation along the rows', 1, 4),
      dw: readInt('t-dw', 'The dilation along the columns', 1, 4),
      extra: readInt('t-extra', 'Extra rows of windows', 0, 3),
    };
    const errors = Object.values(r).filter((v) => v.error);
    if (errors.length) return { errors };
    const s = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value]));
    const c = $('t-c').value;
    s.C = c === '1' ? 1 : 3;
    s.layout = c === '3chw' ? 'chw' : 'hwc';
    s.dtype = $('t-dtype').value;
    return s;
  }

  function options(s) {
    const win = (size, step, dilation) => ({ role: 'window', size, step, dilation });
    const h = win(s.kh, s.sh, s.dh);
    const w = win(s.kw, s.sw, s.dw);
    if (s.C === 1) return { shape: [s.H, s.W], axes: [h, w], names: ['H', 'W'] };
    if (s.layout === 'chw') return { shape: [3, s.H, s.W], axes: [{ role: 'whole' }, h, w], names: ['C', 'H', 'W'] };
    return { shape: [s.H, s.W, 3], axes: [h, w, { role: 'whole' }], names: ['H', 'W', 'C'] };
  }

  function free() {
    st.m?.view.free();
    st.m?.x.free();
    st.m = null;
  }

  function update() {
    const s = read();
    free();
    const form = $('tiny-controls');
    if (s.errors) {
      markInvalid(form, s.errors.map((e) => e.id));
      app.showPlainError(s.errors.map((e) => e.error).join(' '), '');
      return;
    }
    const o = options(s);
    let view;
    try {
      view = new PatchView({ shape: o.shape, dtype: s.dtype, axes: o.axes });
    } catch (e) {
      const ix = s.C === 3 && s.layout === 'chw' ? { h: 1, w: 2, c: 0 } : { h: 0, w: 1, c: 2 };
      const ex = explainEngine(e, { H: s.H, W: s.W, ix, s: { convention: 'valid' } });
      markInvalid(form, ex.control ? [`t-${{ ph: 'kh', pw: 'kw', dh: 'dh', dw: 'dw', sh: 'sh' }[ex.control] || 'kh'}`] : []);
      app.showPlainError(ex.text.replace('or pad the image (Same or Explicit)', 'or make the array larger'), e?.message || String(e));
      return;
    }
    markInvalid(form, []);
    clearError();
    const n = o.shape.reduce((a, b) => a * b, 1);
    const x = WasmArray.fromTypedArray(s.dtype, o.shape, TYPED[s.dtype].from({ length: n }, (_, i) => i));
    const plan = view.plan();
    const patches = view.extract(x); // the copy: patch k's elements are the indices of the elements it reads
    const values = Array.from(patches.data, Number);
    patches.free();
    const m = {
      s,
      o,
      n,
      x,
      view,
      plan,
      isz: ITEMSIZE[s.dtype],
      values,
      strides: view.strides,
      elementStrides: view.elementStrides,
      numPatches: plan.numPatches,
      patchLen: plan.patchLen,
      outerShape: plan.outerShape,
      innerShape: plan.innerShape,
      nOuter: plan.outerShape.length,
    };
    st.m = m;
    demo.tiny = m;
    st.k = Math.max(0, Math.min(m.numPatches - 1, st.k));
    if (st.kb >= m.numPatches) st.kb = -1;
    st.hover = Math.min(st.hover, m.patchLen - 1);
    fillB(m);
    renderStatic(m);
    render();
  }

  // ------------------------------------------------------------ helpers

  /** Elements (indices into x) that patch k reads, in the patch's order: the engine's copy. */
  const patchElements = (m, k) => m.values.slice(k * m.patchLen, (k + 1) * m.patchLen);
  const axisNames = (m) => {
    const outer = ['i', 'j'];
    const inner = m.s.C === 1 ? ['r', 's'] : m.s.layout === 'chw' ? ['c', 'r', 's'] : ['r', 's', 'c'];
    return outer.concat(inner);
  };
  const elemOfCell = (m, y, xx, c) => (m.s.C === 1 ? y * m.s.W + xx : m.s.layout === 'chw' ? c * m.s.H * m.s.W + y * m.s.W + xx : (y * m.s.W + xx) * 3 + c);

  function fillB(m) {
    const sel = $('t-b');
    sel.innerHTML = '';
    sel.add(new Option('none', '-1'));
    for (let k = 0; k < m.numPatches; k++) {
      const [i, j] = outerIndex(k, m.outerShape);
      sel.add(new Option(`patch ${k} (i = ${i}, j = ${j})`, String(k)));
    }
    if (st.kb < 0 && m.numPatches > 1) st.kb = Math.min(m.numPatches - 1, st.k + 1);
    sel.value = String(st.kb);
  }

  // ------------------------------------------------------------ static parts (per geometry)

  function renderStatic(m) {
    const { s, o } = m;
    const shapeText = o.shape.join(', ');
    $('tiny-intro').innerHTML = `<code>x = np.arange(${m.n}, dtype=np.${s.dtype}).reshape(${shapeText})</code>: ${m.n} numbers stored one after another, ` +
      `${m.isz} byte${m.isz > 1 ? 's' : ''} each. Every cell holds its own position in memory, so a patch's values say exactly which elements it reads. ` +
      `The engine cuts ${s.kh} × ${s.kw} windows${s.dh > 1 || s.dw > 1 ? ` (dilation ${s.dh} × ${s.dw})` : ''}, a new one every ${s.sh} row${s.sh > 1 ? 's' : ''} and ${s.sw} column${s.sw > 1 ? 's' : ''}: ` +
      `${m.outerShape.join(' × ')} = ${m.numPatches} patches.`;
    $('tiny-nbytes').textContent = `${m.n * m.isz} bytes`;
    $('tiny-array-cap').innerHTML = `x, shape <code>${fmtArr(o.shape)}</code>, strides <code>${fmtArr(m.plan.inputByteStrides)}</code> bytes`;
    renderStrides(m);
    renderPast(m);
    code.update(codeGeometry(m));
  }

  function codeGeometry(m) {
    return {
      kind: 'tiny',
      shape: m.o.shape,
      dtype: m.s.dtype,
      names: m.o.names,
      axes: m.plan.axes.map((a) => ({ role: a.role, size: a.size, step: a.step, dilation: a.dilation })),
      padding: { convention: 'valid', mode: 'constant', pads: m.plan.axes.filter((a) => a.role === 'window').map(() => [0, 0]), fill: 0 },
      view: { shape: m.plan.shape, strides: m.strides, elementStrides: m.elementStrides },
      padded: null,
      origins: null,
      coverLast: null,
      numPatches: m.numPatches,
      patchLen: m.patchLen,
    };
  }

  function renderStrides(m) {
    const names = axisNames(m);
    const inNames = m.o.names;
    const rows = m.plan.shape.map((len, a) => {
      const outer = a < m.nOuter;
      let why;
      if (outer) {
        const inAxis = m.plan.axes.findIndex((p, i) => p.role === 'window' && m.plan.axes.slice(0, i).filter((q) => q.role === 'window').length === a);
        why = `step ${m.plan.axes[inAxis].step} × ${m.plan.inputByteStrides[inAxis]} (one ${inNames[inAxis] === 'H' ? 'row' : 'column'} of x)`;
      } else {
        const innerNames = names.slice(m.nOuter);
        const sym = innerNames[a - m.nOuter];
        const inAxis = sym === 'c' ? m.o.names.indexOf('C') : sym === 'r' ? m.o.names.indexOf('H') : m.o.names.indexOf('W');
        why = sym === 'c' ? `the channel stride of x (${m.plan.inputByteStrides[inAxis]})` : `dilation ${m.plan.axes[inAxis].dilation} × ${m.plan.inputByteStrides[inAxis]}`;
      }
      return `<tr class="${outer ? 'outer' : 'inner'}"><td><b>${names[a]}</b></td><td>${outer ? (a === 0 ? 'which row of windows' : 'which column of windows') : names[a] === 'c' ? 'channel' : names[a] === 'r' ? 'row inside the window' : 'column inside the window'}</td><td class="mono">${len}</td><td class="mono">${m.strides[a]}</td><td>${why}</td></tr>`;
    });
    $('tiny-strides').innerHTML = `<p class="explain">The view has the shape <code data-testid="tiny-view-shape">${fmtArr(m.plan.shape)}</code> and the byte strides <code data-testid="tiny-view-strides">${fmtArr(m.strides)}</code> ` +
      `(in elements <code>${fmtArr(m.elementStrides)}</code>): outer axes choose a window, inner axes walk inside it. It owns no memory.</p>` +
      `<table class="strides axes"><thead><tr><th>axis</th><th>indexes</th><th>len</th><th>stride</th><th>because</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  // ------------------------------------------------------------ per selection

  function render() {
    const m = st.m;
    if (!m) return;
    const a = new Set(patchElements(m, st.k));
    const b = st.kb >= 0 ? new Set(patchElements(m, st.kb)) : new Set();
    const lit = st.hover >= 0 ? m.values[st.k * m.patchLen + st.hover] : -1;
    renderArray(m, a, b, lit);
    renderPatch(m, lit);
    renderFormula(m);
    renderMemory(m, a, b, lit);
    renderShared(m, a, b);
    const [i, j] = outerIndex(st.k, m.outerShape);
    $('t-where').textContent = `patch ${st.k} of ${m.numPatches}: i = ${i}, j = ${j}`;
  }

  function cellClass(el, a, b, lit) {
    let c = 'v';
    if (a.has(el) && b.has(el)) c += ' both';
    else if (a.has(el)) c += ' a';
    else if (b.has(el)) c += ' b';
    if (el === lit) c += ' lit';
    return c;
  }

  function renderArray(m, a, b, lit) {
    const { s } = m;
    const planes = s.C === 3 && s.layout === 'chw' ? [0, 1, 2] : [null];
    let html = '';
    for (const c of planes) {
      html += `<div class="grid" style="--cols:${s.W}">${c === null ? '' : `<span class="plane">channel ${'RGB'[c]}</span>`}`;
      for (let y = 0; y < s.H; y++) {
        for (let xx = 0; xx < s.W; xx++) {
          if (s.C === 3 && s.layout === 'hwc') {
            const els = [0, 1, 2].map((cc) => elemOfCell(m, y, xx, cc));
            html += `<span class="cell rgb">${els.map((el) => `<span class="${cellClass(el, a, b, lit)}" data-el="${el}">${el}</span>`).join('')}</span>`;
          } else {
            const el = elemOfCell(m, y, xx, c ?? 0);
            html += `<span class="cell"><span class="${cellClass(el, a, b, lit)}" data-el="${el}">${el}</span></span>`;
          }
        }
      }
      html += '</div>';
    }
    $('tiny-array').innerHTML = html;
  }

  function renderPatch(m, lit) {
    const inner = m.innerShape;
    const els = patchElements(m, st.k);
    const { s } = m;
    const [i, j] = outerIndex(st.k, m.outerShape);
    $('tiny-patch-cap').innerHTML = `<code>view[${i}, ${j}]</code>: patch ${st.k}, shape <code>${fmtArr(inner)}</code>, the values extract() copied`;
    const kh = s.kh;
    const kw = s.kw;
    let html = '';
    const cell = (e) => `<span class="${cellClass(els[e], new Set(els), new Set(), lit)}${e === st.hover ? ' hover' : ''}" data-e="${e}" data-el="${els[e]}">${els[e]}</span>`;
    if (s.C === 1) {
      html += `<div class="grid" style="--cols:${kw}">`;
      for (let e = 0; e < kh * kw; e++) html += `<span class="cell">${cell(e)}</span>`;
      html += '</div>';
    } else if (s.layout === 'hwc') {
      html += `<div class="grid" style="--cols:${kw}">`;
      for (let p = 0; p < kh * kw; p++) html += `<span class="cell rgb">${[0, 1, 2].map((c) => cell(p * 3 + c)).join('')}</span>`;
      html += '</div>';
    } else {
      for (let c = 0; c < 3; c++) {
        html += `<div class="grid" style="--cols:${kw}"><span class="plane">c = ${c}</span>`;
        for (let p = 0; p < kh * kw; p++) html += `<span class="cell">${cell(c * kh * kw + p)}</span>`;
        html += '</div>';
      }
    }
    $('tiny-patch').innerHTML = html;
  }

  function renderFormula(m) {
    const names = axisNames(m);
    const outer = outerIndex(st.k, m.outerShape);
    const box = $('tiny-formula');
    const off = m.view.patchOffset(st.k);
    if (st.hover < 0) {
      const terms = outer.map((v, a) => `<span class="term"><span class="n">${v}</span> × ${m.strides[a]}</span>`);
      box.innerHTML = `patch ${st.k} starts at byte offset = ${outer.map((v, a) => `${names[a]} × ${m.strides[a]}`).join(' + ')} = ${terms.join(' + ')} = <span class="t">${off}</span> ` +
        `(element ${off / m.isz}). <span class="hint">Hover a cell of the patch (or focus it and use the arrow keys) to follow one element.</span>`;
      box.dataset.offset = String(off);
      box.dataset.element = String(off / m.isz);
      return;
    }
    const inner = outerIndex(st.hover, m.innerShape);
    const idx = outer.concat(inner);
    const total = idx.reduce((acc, v, a) => acc + v * m.strides[a], 0);
    const value = m.values[st.k * m.patchLen + st.hover];
    const terms = idx.map((v, a) => `<span class="term"><span class="n">${v}</span> × ${m.strides[a]}</span>`);
    const ok = total / m.isz === value;
    box.innerHTML = `view[${idx.join(', ')}]: offset = Σ index × stride = ${names.map((n, a) => `${n} × ${m.strides[a]}`).join(' + ')}<br>` +
      `= ${terms.join(' + ')} = <span class="t" data-testid="tiny-offset">${total}</span> bytes ` +
      `= element <b data-testid="tiny-element">${total / m.isz}</b>${m.isz > 1 ? ` (${total} ÷ ${m.isz} bytes)` : ''}. ` +
      `<span class="${ok ? 'ok' : 'warn'}">The engine's copy holds ${value} there${ok ? ': the same element ✓' : ' ✗'}</span>`;
    box.dataset.offset = String(total);
    box.dataset.element = String(total / m.isz);
    box.dataset.index = idx.join(',');
    announce(`Element [${idx.join(', ')}] of the view: byte ${total}, element ${total / m.isz} of x.`);
  }

  function renderMemory(m, a, b, lit) {
    const rowLen = m.s.C === 3 && m.s.layout === 'hwc' ? m.s.W * 3 : m.s.W;
    let html = '';
    for (let el = 0; el < m.n; el++) {
      const start = el % rowLen === 0;
      html += `<span class="${cellClass(el, a, b, lit)}${start ? ' row-start' : ''}" data-el="${el}" title="element ${el}, bytes ${el * m.isz}…${el * m.isz + m.isz - 1}">${el}</span>`;
    }
    const past = st.past;
    if (past && past.reach >= m.n) {
      for (let el = m.n; el <= past.reach; el++) html += `<span class="v ghost" data-el="${el}" title="element ${el}: past the end of x">?</span>`;
    }
    $('tiny-memory').innerHTML = html;
  }

  function renderShared(m, a, b) {
    const box = $('tiny-shared');
    if (st.kb < 0) {
      box.textContent = 'Pick a second patch to compare.';
      return;
    }
    const shared = [...a].filter((el) => b.has(el)).sort((p, q) => p - q);
    const [i, j] = outerIndex(st.kb, m.outerShape);
    const bytes = shared.length * m.isz;
    box.innerHTML = shared.length
      ? `Patches ${st.k} and ${st.kb} (i = ${i}, j = ${j}) share <b data-testid="tiny-shared-count">${shared.length}</b> of their ${m.patchLen} elements (${bytes} byte${bytes > 1 ? 's' : ''}): ` +
        `elements <code>${shared.join(', ')}</code>, purple in memory. The view reads them once and shows them twice; ` +
        `a copy stores them twice: the copy of all ${m.numPatches} patches takes ${fmtInt(m.numPatches * m.patchLen * m.isz)} bytes for the ${fmtInt(m.n * m.isz)} of x. ` +
        'Writing through one patch would change the other: that is why overlapping views are read-only.'
      : `Patches ${st.k} and ${st.kb} share <b data-testid="tiny-shared-count">0</b> elements: their windows do not overlap.`;
  }

  function renderPast(m) {
    const box = $('tiny-past');
    const extra = m.s.extra;
    const shape = m.plan.shape.slice();
    shape[0] += extra;
    const stridesText = `(${m.strides.join(', ')})`;
    let html = `<pre class="snippet" tabindex="0"><code>as_strided(x, shape=(${shape.join(', ')}), strides=${stridesText})</code></pre>`;
    st.past = null;
    if (extra === 0) {
      html += `<p class="caption">With the engine's shape, <code>(${m.plan.shape.join(', ')})</code>, every window fits. Add a row of windows to see what happens.</p>`;
      box.innerHTML = html;
      return;
    }
    // The engine is given exactly that layout (every axis a batch axis: a plain strided array) and asked to copy it.
    const probe = new PatchView({ shape, strides: m.elementStrides, dtype: m.s.dtype, axes: shape.map(() => ({ role: 'batch' })) });
    let error = '';
    try {
      probe.extract(m.x).free();
    } catch (e) {
      error = e?.message || String(e);
    } finally {
      probe.free();
    }
    const reach = /reaches index (\d+)/.exec(error);
    st.past = { reach: reach ? Number(reach[1]) : -1 };
    html += `<p class="caption warn-box">numpy returns a view anyway: its last ${extra === 1 ? 'row' : `${extra} rows`} of windows read ` +
      `${reach ? `elements ${m.n} to ${reach[1]} (bytes ${m.n * m.isz} to ${(Number(reach[1]) + 1) * m.isz - 1})` : 'past the end'}, which are not x's: whatever lies after it in memory ` +
      '(another array, or unmapped memory and a crash). The <b>?</b> cells at the end of the memory strip.</p>' +
      `<p class="caption">The engine, given the same shape and strides, refuses before reading anything:</p><pre class="snippet error-text" tabindex="0" data-testid="tiny-past-error"><code>${esc(error || 'no error')}</code></pre>` +
      `<p class="caption">And its own windows cannot get there: the engine computes the grid, <code>(len − extent) / step + 1</code> = ${m.plan.grid.join(' × ')} windows, from the window itself.</p>`;
    box.innerHTML = html;
  }

  // ------------------------------------------------------------ interaction

  function setK(k, speak = true) {
    const m = st.m;
    if (!m) return;
    st.k = ((k % m.numPatches) + m.numPatches) % m.numPatches;
    render();
    if (speak) {
      const [i, j] = outerIndex(st.k, m.outerShape);
      announce(`Patch ${st.k} of ${m.numPatches}: window row ${i}, column ${j}, first byte at ${m.view.patchOffset(st.k)}.`);
    }
  }

  function setPlaying(on) {
    clearInterval(st.timer);
    st.timer = 0;
    $('t-play').setAttribute('aria-pressed', String(on));
    $('t-play').textContent = on ? '❚❚ pause' : '▶ play';
    if (on) st.timer = setInterval(() => setK(st.k + 1, false), STEP_MS);
  }

  const schedule = frameScheduler(demo, () => update());

  $('tiny-controls').addEventListener('input', schedule);
  $('tiny-controls').addEventListener('change', schedule);
  $('t-extra').addEventListener('input', schedule);
  for (const b of document.querySelectorAll('[data-tiny]')) {
    b.addEventListener('click', () => {
      const p = PRESETS[b.dataset.tiny];
      for (const k of ['kh', 'kw', 'sh', 'sw', 'dh', 'dw']) $(`t-${k}`).value = p[k];
      $('t-c').value = p.c || '1';
      st.kb = -1;
      schedule();
    });
  }
  $('t-b').addEventListener('change', () => {
    st.kb = Number($('t-b').value);
    render();
  });
  $('t-prev').addEventListener('click', () => {
    setPlaying(false);
    setK(st.k - 1);
  });
  $('t-next').addEventListener('click', () => {
    setPlaying(false);
    setK(st.k + 1);
  });
  $('t-play').addEventListener('click', () => setPlaying(!st.timer));

  const patchFig = $('tiny-patch');
  patchFig.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-e]');
    if (!t || Number(t.dataset.e) === st.hover) return;
    st.hover = Number(t.dataset.e);
    render();
  });
  patchFig.addEventListener('keydown', (e) => {
    const m = st.m;
    if (!m) return;
    const inner = m.innerShape;
    const idx = st.hover >= 0 ? outerIndex(st.hover, inner) : inner.map(() => 0);
    const ax = { r: m.s.C === 3 && m.s.layout === 'chw' ? 1 : 0 };
    ax.s = ax.r + 1;
    ax.c = m.s.C === 1 ? -1 : m.s.layout === 'chw' ? 0 : 2;
    const move = { ArrowUp: [ax.r, -1], ArrowDown: [ax.r, 1], ArrowLeft: [ax.s, -1], ArrowRight: [ax.s, 1], PageUp: [ax.c, -1], PageDown: [ax.c, 1] }[e.key];
    if (!move || move[0] < 0) return;
    e.preventDefault();
    if (st.hover >= 0) idx[move[0]] = Math.max(0, Math.min(inner[move[0]] - 1, idx[move[0]] + move[1]));
    st.hover = patchNumber(idx, inner);
    render();
  });
  const arrayFig = $('tiny-array');
  arrayFig.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-el]');
    const m = st.m;
    if (!t || !m) return;
    const e0 = patchElements(m, st.k).indexOf(Number(t.dataset.el));
    if (e0 >= 0 && e0 !== st.hover) {
      st.hover = e0;
      render();
    }
  });
  arrayFig.addEventListener('click', (e) => {
    // Clicking a cell selects the window that starts there (when there is one).
    const t = e.target.closest('[data-el]');
    const m = st.m;
    if (!t || !m) return;
    for (let k = 0; k < m.numPatches; k++) {
      if (m.values[k * m.patchLen] === Number(t.dataset.el)) {
        setPlaying(false);
        setK(k);
        return;
      }
    }
  });
  arrayFig.addEventListener('keydown', (e) => {
    const m = st.m;
    if (!m) return;
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [i, j] = outerIndex(st.k, m.outerShape);
    setPlaying(false);
    setK(patchNumber([Math.max(0, Math.min(m.outerShape[0] - 1, i + d[0])), Math.max(0, Math.min(m.outerShape[1] - 1, j + d[1]))], m.outerShape));
  });
  for (const fig of [patchFig, arrayFig]) {
    fig.addEventListener('mouseleave', () => {
      if (st.hover >= 0) {
        st.hover = -1;
        render();
      }
    });
  }

  return {
    activate() {
      schedule();
    },
    redraw() {},
    stop: () => setPlaying(false),
  };
}
