// Small DOM and formatting helpers.

export const $ = (id) => document.getElementById(id);

// Panel widths, read once per update. Reading clientWidth after the panels'
// DOM has changed forces a layout of the whole page (about 7 ms here, 20 ms
// and more on a slow machine), and the image mode reads five widths per
// update: so the update reads them all first, while nothing is changed yet,
// and every drawing step uses those numbers (panelWidths.clear() starts over).
const widths = new Map();
export const panelWidths = {
  clear() {
    widths.clear();
  },
  /** The CSS width of the .panel holding `el`, from this update's reading. */
  of(el) {
    const panel = el.closest('.panel');
    if (!widths.has(panel)) widths.set(panel, panel.clientWidth);
    return widths.get(panel);
  },
};

/** An integer with thousands separators: 150528 -> "150,528". */
const INT = new Intl.NumberFormat('en-US'); // one formatter: toLocaleString builds a new one per call
export function fmtInt(n) {
  return INT.format(Number(n));
}

/** An array as the page prints shapes and strides: [14, 14, 16, 16, 3]. */
export function fmtArr(a) {
  return '[' + Array.from(a, (v) => String(Number(v))).join(', ') + ']';
}

/** Bytes, human readable: 150,528 B (147 KiB). */
export function fmtBytes(n) {
  n = Number(n);
  const exact = `${fmtInt(n)} B`;
  if (n < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${exact} (${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]})`;
}

/** Short bytes: 147 KiB. */
export function fmtBytesShort(n) {
  n = Number(n);
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Milliseconds with a sensible number of digits. */
export function fmtMs(ms) {
  if (ms <= 0) return '< 0.1 ms';
  if (ms < 0.01) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Escapes text for innerHTML. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** The device pixel ratio, capped so huge screens stay fast. */
export function dpr() {
  return Math.min(2, window.devicePixelRatio || 1);
}

/**
 * Sizes a canvas for crisp drawing at `cssW` x `cssH` CSS pixels and
 * returns its 2-D context scaled so that drawing uses CSS pixels.
 */
export function hiDpiContext(canvas, cssW, cssH) {
  const r = dpr();
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${cssH}px`;
  canvas.width = Math.max(1, Math.round(cssW * r));
  canvas.height = Math.max(1, Math.round(cssH * r));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

/** A diagonal-hatch pattern for padding and uncovered areas. */
export function hatch(ctx, color = 'rgba(240,140,0,0.55)', bg = 'rgba(255,244,225,1)') {
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = bg;
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(-2, 10);
  g.lineTo(10, -2);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.stroke();
  return ctx.createPattern(c, 'repeat');
}

/** Number of elements of a shape. */
export function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A schedule() that runs `update` once at the next animation frame however
 * often it is called before, keeping demo.pending and demo.updates (which
 * the tests wait on) in step.
 */
export function frameScheduler(demo, update) {
  let scheduled = false;
  return function schedule() {
    demo.pending = true;
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      try {
        update();
      } finally {
        demo.pending = false;
        demo.updates++;
      }
    });
  };
}
