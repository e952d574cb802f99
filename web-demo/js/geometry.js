// The geometry the page asks the wasm engine for, and the small amount of
// arithmetic the page does itself to *explain* the engine's answers
// (which bytes a patch reads, which pixels a fold covers). Nothing here
// extracts or folds: that is the engine's job.

export const CHANNELS = 3;
export const CHANNEL_NAMES = ['R', 'G', 'B'];

/** Bytes per element of the dtypes the page offers. */
export const ITEMSIZE = { uint8: 1, float32: 4 };

/**
 * Where H, W and C sit among the input axes for a layout.
 * @param {'hwc'|'chw'} layout
 */
export function axisIndex(layout) {
  return layout === 'chw' ? { c: 0, h: 1, w: 2 } : { h: 0, w: 1, c: 2 };
}

/** Input shape of an H x W RGB image in `layout`. */
export function inputShape(layout, h, w) {
  return layout === 'chw' ? [CHANNELS, h, w] : [h, w, CHANNELS];
}

/**
 * The PatchView options for the settings `s` of the image mode:
 * { ph, pw, sh, sw, dh, dw, convention, mode, value, pads, layout, dtype, channels }
 * (`value`, the constant of constant padding, goes to extractOptions).
 */
export function viewOptions(s, h, w, dtype = s.dtype) {
  const winH = { role: 'window', size: s.ph, step: s.sh, dilation: s.dh };
  const winW = { role: 'window', size: s.pw, step: s.sw, dilation: s.dw };
  const chan = { role: s.channels === 'per-channel' ? 'batch' : 'whole' };
  const axes = s.layout === 'chw' ? [chan, winH, winW] : [winH, winW, chan];
  const opts = { shape: inputShape(s.layout, h, w), dtype, axes };
  opts.padding = paddingOptions(s);
  return opts;
}

function withMode(p, s) {
  p.mode = s.mode;
  return p;
}

/** The options of extract()/extractInto() for the settings: the constant of constant padding travels with the copy. */
export function extractOptions(s) {
  const padded = s.convention === 'same' || s.convention === 'explicit';
  return padded && s.mode === 'constant' ? { order: 'patch-major', fill: s.value } : { order: 'patch-major' };
}

/** The padding options of the settings (explicit pads per window axis, in input order: H then W). */
export function paddingOptions(s) {
  switch (s.convention) {
    case 'same':
      return withMode({ convention: 'same' }, s);
    case 'explicit':
      return withMode({
        convention: 'explicit',
        pads: [
          [s.pads.top, s.pads.bottom],
          [s.pads.left, s.pads.right],
        ],
      }, s);
    case 'cover':
      return { convention: 'cover' };
    default:
      return { convention: 'valid' };
  }
}

/**
 * A description of every axis of the patch view, in view order: what the
 * axis indexes, its symbol, and which input axis it steps along.
 * `plan` is PatchView.plan().
 */
export function viewAxes(plan, layout) {
  const ix = axisIndex(layout);
  const nameOf = (axis) => (axis === ix.h ? 'h' : axis === ix.w ? 'w' : 'c');
  const outer = [];
  const inner = [];
  plan.axes.forEach((a, axis) => {
    const n = nameOf(axis);
    if (a.role === 'batch') {
      outer.push({ axis, n, kind: 'batch', sym: 'c', what: 'channel (batch axis: one patch per channel)' });
    } else if (a.role === 'whole') {
      inner.push({ axis, n, kind: 'whole', sym: 'c', what: 'channel (whole axis, inside the patch)' });
    } else {
      outer.push({
        axis,
        n,
        kind: 'grid',
        sym: n === 'h' ? 'i' : 'j',
        what: n === 'h' ? 'patch row in the grid' : 'patch column in the grid',
        a,
      });
      inner.push({
        axis,
        n,
        kind: 'inner',
        sym: n === 'h' ? 'r' : 's',
        what: n === 'h' ? 'row inside the patch' : 'column inside the patch',
        a,
      });
    }
  });
  return { outer, inner, all: outer.concat(inner) };
}

/** The outer (batch and grid) index of patch k, for an outer shape (row-major). */
export function outerIndex(k, outerShape) {
  const idx = new Array(outerShape.length).fill(0);
  let rest = k;
  for (let i = outerShape.length - 1; i >= 0; i--) {
    idx[i] = rest % outerShape[i];
    rest = Math.floor(rest / outerShape[i]);
  }
  return idx;
}

/** The patch number of an outer index (row-major). */
export function patchNumber(idx, outerShape) {
  let k = 0;
  for (let i = 0; i < outerShape.length; i++) k = k * outerShape[i] + idx[i];
  return k;
}

/**
 * Window origins along the image's two window axes, asked of the engine:
 * `view.patchOrigin(k)` of the patches in the first grid row (for the
 * columns) and the first grid column (for the rows). Returns
 * { h: Int32Array(gh), w: Int32Array(gw) } (negative inside padding).
 */
export function axisOrigins(view, m) {
  const nOuter = m.outerShape.length;
  const out = {};
  for (const n of ['h', 'w']) {
    const pos = m.vaxes.outer.findIndex((a) => a.kind === 'grid' && a.n === n);
    const len = m.outerShape[pos];
    const o = new Int32Array(len);
    const idx = new Array(nOuter).fill(0);
    for (let g = 0; g < len; g++) {
      idx[pos] = g;
      o[g] = view.patchOrigin(patchNumber(idx, m.outerShape))[m.ix[n]];
    }
    out[n] = o;
  }
  return out;
}

/**
 * The input elements a patch samples, from its origin (the engine's
 * `patchOrigin(k)`) and the plan's dilations: inner position t of a window
 * axis reads coordinate origin + t × dilation (that is what dilation means).
 * Returns { y: Int32Array, x: Int32Array, c: Int8Array, inside: Uint8Array }
 * in the patch's own element order (row-major over the inner shape).
 */
export function patchSamples(plan, origin, layout, height, width) {
  const ix = axisIndex(layout);
  const ah = plan.axes[ix.h];
  const aw = plan.axes[ix.w];
  const ac = plan.axes[ix.c];
  const channels = ac.role === 'batch' ? [origin[ix.c]] : [0, 1, 2];
  const rows = [];
  for (let r = 0; r < ah.size; r++) rows.push(origin[ix.h] + r * ah.dilation);
  const cols = [];
  for (let s = 0; s < aw.size; s++) cols.push(origin[ix.w] + s * aw.dilation);
  const n = rows.length * cols.length * channels.length;
  const out = {
    y: new Int32Array(n),
    x: new Int32Array(n),
    c: new Int8Array(n),
    inside: new Uint8Array(n),
    origin,
  };
  let e = 0;
  // Inner axes are in input order: HWC -> (r, s, c); CHW -> (c, r, s).
  const push = (y, x, c) => {
    out.y[e] = y;
    out.x[e] = x;
    out.c[e] = c;
    out.inside[e] = y >= 0 && y < height && x >= 0 && x < width ? 1 : 0;
    e++;
  };
  if (layout === 'chw') {
    for (const c of channels) for (const y of rows) for (const x of cols) push(y, x, c);
  } else {
    for (const y of rows) for (const x of cols) for (const c of channels) push(y, x, c);
  }
  return out;
}

/**
 * The contiguous byte runs of the input buffer a patch reads: its in-image
 * samples' byte addresses (Σ coordinate × input byte stride), sorted and
 * merged. Padding reads no memory. Returns an array of [start, end) pairs.
 */
export function byteRuns(samples, inputByteStrides, layout, itemsize) {
  const ix = axisIndex(layout);
  const sh = inputByteStrides[ix.h];
  const sw = inputByteStrides[ix.w];
  const sc = inputByteStrides[ix.c];
  const addrs = [];
  for (let e = 0; e < samples.inside.length; e++) {
    if (samples.inside[e]) addrs.push(samples.y[e] * sh + samples.x[e] * sw + samples.c[e] * sc);
  }
  return mergeAddresses(addrs, itemsize);
}

/** Sorted, merged [start, end) byte runs of elements of `itemsize` bytes at `addrs`. */
export function mergeAddresses(addrs, itemsize) {
  addrs.sort((a, b) => a - b);
  const runs = [];
  for (const a of addrs) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + itemsize;
    else if (!last || last[1] < a) runs.push([a, a + itemsize]);
  }
  return runs;
}

/**
 * numpy's rule for reshaping a strided array without a copy, applied to
 * axes [from, to) of a view: neighbouring axes a, a+1 merge into one axis
 * when stride[a] == shape[a+1] × stride[a+1] (axes of length 1 always
 * merge). Returns the groups, from the left: { axes: [first, last], len,
 * stride, breaks } where `stride` is the stride of the group's innermost
 * axis and `breaks` the failed comparison with the next axis a (null for
 * the last group): { a, stride, need } with need = shape[a] × stride[a].
 */
export function mergeGroups(shape, strides, from = 0, to = shape.length) {
  const groups = [];
  let cur = null;
  for (let a = from; a < to; a++) {
    if (cur && (shape[a] === 1 || cur.len === 1 || cur.stride === shape[a] * strides[a])) {
      if (shape[a] !== 1) cur.stride = strides[a];
      cur.len *= shape[a];
      cur.axes[1] = a;
      continue;
    }
    if (cur) {
      cur.breaks = { a, stride: cur.stride, need: shape[a] * strides[a] };
      groups.push(cur);
    }
    cur = { axes: [a, a], len: shape[a], stride: strides[a], breaks: null };
  }
  if (cur) groups.push(cur);
  return groups;
}

/** The length in bytes of the contiguous run at the end of a patch: inner axes merged from the innermost while each stride equals the bytes to its right. */
export function contiguousRun(innerShape, innerByteStrides, itemsize) {
  let run = itemsize;
  for (let i = innerShape.length - 1; i >= 0; i--) {
    if (innerShape[i] === 1) continue;
    if (innerByteStrides[i] !== run) break;
    run *= innerShape[i];
  }
  return run;
}
