// Errors in plain language, tied to the control that caused them. The
// engine's own message (kind: details, quoting the numbers) is kept below
// the plain sentence, so nothing is hidden.

import { $, esc, fmtInt, fmtBytesShort } from './util.js';

/**
 * Reads an integer box: returns { value } or { error } with a sentence that
 * names the box ("Patch height is empty: type a whole number of at least 1.").
 */
export function readInt(id, label, min = 1, max = Infinity) {
  const el = $(id);
  const raw = el.value.trim();
  let error = '';
  const v = Number(raw);
  if (raw === '') error = `${label} is empty: type a whole number${min > 0 ? ` of at least ${min}` : ''}.`;
  else if (!Number.isFinite(v) || !Number.isInteger(v)) error = `${label} must be a whole number, not “${raw}”.`;
  else if (v < min) error = `${label} must be at least ${min}, not ${v}.`;
  else if (v > max) error = `${label} can be at most ${fmtInt(max)} here, not ${fmtInt(v)}.`;
  return error ? { error, id } : { value: v };
}

/** Marks the controls of `ids` invalid (and every other control of `form` valid). */
export function markInvalid(form, ids) {
  for (const el of form.querySelectorAll('input, select')) {
    if (ids.includes(el.id)) {
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-errormessage', 'error');
    } else if (el.hasAttribute('aria-invalid')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-errormessage');
    }
  }
}

/**
 * A plain sentence for an engine error of the image mode, and the control
 * it is about. `ctx` = { H, W, ix (input axis of h, w, c), s (settings),
 * labels: { h: 'rows', w: 'columns' } }.
 */
export function explainEngine(e, ctx) {
  const kind = e?.kind || '';
  const msg = String(e?.message || e);
  const axisOf = (m) => {
    const a = /axis (\d+)/.exec(m);
    if (!a) return null;
    const i = Number(a[1]);
    return i === ctx.ix.h ? 'h' : i === ctx.ix.w ? 'w' : null;
  };
  const n = axisOf(msg);
  const dim = n === 'h' ? { word: 'tall', len: ctx.H, unit: 'rows', size: 'ph', dil: 'dh' } : { word: 'wide', len: ctx.W, unit: 'columns', size: 'pw', dil: 'dw' };
  if (kind === 'window too large' && n) {
    const ext = /extent (\d+)/.exec(msg);
    const size = /window (\d+)/.exec(msg);
    const span = ext ? `${ext[1]} ${dim.unit} (${size?.[1]} samples, dilation spreads them)` : `${size?.[1]} ${dim.unit}`;
    return {
      text: `The window is too ${dim.word}: it spans ${span}, but the image has only ${dim.len} ${dim.unit}${ctx.s.convention === 'valid' || ctx.s.convention === 'cover' ? '' : ' with its padding'}. Make the patch ${n === 'h' ? 'shorter' : 'narrower'}${ext ? ' or the dilation smaller' : ''}, or pad the image (Same or Explicit).`,
      control: ext ? dim.dil : dim.size,
    };
  }
  if (kind === 'overflow') {
    const m = /(\d+) patches of (\d+) elements of (\d+) bytes/.exec(msg);
    if (m) {
      const bytes = Number(m[1]) * Number(m[2]) * Number(m[3]);
      return {
        text: `This view would cost nothing, but its copy would not: ${fmtInt(Number(m[1]))} patches × ${fmtInt(Number(m[2]) * Number(m[3]))} bytes = ${fmtBytesShort(bytes)}, more than the 2 GiB a 32-bit WebAssembly program can address, so the engine in this page refuses to plan it. The same geometry is a free view in the Rust, C and Python builds (64-bit): see the code panel. Make the windows smaller or the step larger to see it here.`,
        control: 'sh',
      };
    }
    return { text: 'The numbers are too large for a 32-bit WebAssembly program.', control: null };
  }
  if (kind === 'invalid argument' && /pads/.test(msg)) {
    return { text: 'A padding box holds a number too large for this page.', control: 'pad-top' };
  }
  return { text: 'The engine refused this geometry.', control: null };
}

/** Shows an error: the plain sentence, then the engine's message; `control` gets aria-invalid. */
export function renderError(box, plain, engineMessage) {
  box.innerHTML = `<p class="plain" data-testid="error-plain">${esc(plain)}</p>` +
    (engineMessage ? `<p class="engine">The engine says: <code data-testid="error-engine">${esc(engineMessage)}</code></p>` : '');
  box.hidden = false;
}
