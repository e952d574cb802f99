// A plain JavaScript reference for the Node tests: patch geometry, padded
// extraction, folds and framing written index by index, independently of
// the Rust code (padding by iterative reflection, as numpy's np.pad does).

/** Coordinate c of an axis of length d after padding `mode`; -1 = the constant. */
export function remap(c, d, mode) {
  if (c >= 0 && c < d) return c;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return c < 0 ? 0 : d - 1;
    case 'wrap':
      return ((c % d) + d) % d;
    case 'reflect': // mirror without repeating the edge
      if (d === 1) return 0;
      while (c < 0 || c >= d) {
        if (c < 0) c = -c;
        if (c >= d) c = 2 * (d - 1) - c;
      }
      return c;
    case 'symmetric': // mirror repeating the edge
      while (c < 0 || c >= d) {
        if (c < 0) c = -c - 1;
        if (c >= d) c = 2 * d - 1 - c;
      }
      return c;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

/**
 * The geometry of PatchView options: per input axis {kind, len, size, step,
 * dilation, grid, lo, coverLast}, plus outer/inner shapes.
 */
export function geometry(options) {
  const { shape, axes } = options;
  const padding = options.padding ?? {};
  const convention = padding.convention ?? (padding.pads ? 'explicit' : 'valid');
  let w = 0;
  const out = shape.map((len, i) => {
    const a = axes[i];
    if (a.role !== 'window') return { kind: a.role, len, grid: a.role === 'batch' ? len : 1, lo: 0 };
    const size = a.size, step = a.step ?? 1, dilation = a.dilation ?? 1;
    const extent = dilation * (size - 1) + 1;
    let grid, lo = 0, coverLast = null;
    if (convention === 'valid') {
      if (len < extent) throw new Error('window too large');
      grid = Math.floor((len - extent) / step) + 1;
    } else if (convention === 'same') {
      grid = Math.ceil(len / step);
      const total = Math.max((grid - 1) * step + extent - len, 0);
      lo = Math.floor(total / 2);
      if (len === 0) grid = 0;
    } else if (convention === 'explicit') {
      const [l, h] = padding.pads[w];
      const padded = len + l + h;
      if (padded < extent) throw new Error('window too large');
      grid = Math.floor((padded - extent) / step) + 1;
      lo = l;
    } else if (convention === 'cover') {
      if (len < extent) throw new Error('window too large');
      const room = len - extent;
      grid = Math.ceil(room / step) + 1;
      if (room % step !== 0) coverLast = room;
    }
    w += 1;
    return { kind: 'window', len, size, step, dilation, grid, lo, coverLast };
  });
  const outer = out.filter((a) => a.kind !== 'whole').map((a) => a.grid);
  const inner = out.filter((a) => a.kind !== 'batch').map((a) => (a.kind === 'window' ? a.size : a.len));
  const prod = (xs) => xs.reduce((p, x) => p * x, 1);
  return { axes: out, outer, inner, numPatches: prod(outer), patchLen: prod(inner) };
}

/** Calls f(index) for every index of `shape` in C order. */
export function forEachIndex(shape, f) {
  if (shape.some((n) => n === 0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    f(idx);
    let m = shape.length - 1;
    while (m >= 0) {
      idx[m] += 1;
      if (idx[m] < shape[m]) break;
      idx[m] = 0;
      m -= 1;
    }
    if (m < 0) return;
  }
}

function cStrides(shape) {
  const s = new Array(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return s;
}

/** Input origin of window k on a window axis. */
function origin(a, k) {
  if (a.coverLast !== null && k === a.grid - 1) return a.coverLast;
  return k * a.step - a.lo;
}

/**
 * For patch p (C order over outer) and inner position q (C order over
 * inner): the input coordinates per axis (unmapped).
 */
function coords(g, outerIdx, innerIdx) {
  let o = 0, n = 0;
  return g.axes.map((a) => {
    if (a.kind === 'batch') return outerIdx[o++];
    if (a.kind === 'whole') return innerIdx[n++];
    const c = origin(a, outerIdx[o++]) + innerIdx[n++] * a.dilation;
    return c;
  });
}

/** Patches of `data` (a flat array) as a flat array in `order`; constant padding reads `fill`. */
export function extract(options, data, order = 'patch-major', fill = 0) {
  const g = geometry(options);
  const strides = options.strides ?? cStrides(options.shape);
  const offset = options.offset ?? 0;
  const mode = options.padding?.mode ?? 'constant';
  const out = new Array(g.numPatches * g.patchLen);
  let p = 0;
  forEachIndex(g.outer, (oi) => {
    let q = 0;
    forEachIndex(g.inner, (ii) => {
      const c = coords(g, oi, ii);
      let at = offset, constant = false;
      c.forEach((x, axis) => {
        const r = remap(x, g.axes[axis].len, mode);
        if (r < 0) constant = true;
        else at += r * strides[axis];
      });
      const v = constant ? fill : data[at];
      const pos = order === 'patch-major' ? p * g.patchLen + q : q * g.numPatches + p;
      out[pos] = v;
      q += 1;
    });
    p += 1;
  });
  return out;
}

/**
 * Folds flat patches back (C-contiguous input shape) with 'sum', 'mean' or
 * 'overwrite'; elements in padding are dropped; uncovered elements are 0.
 * Also returns how many windows cover each element.
 */
export function fold(options, patches, reduce = 'mean', order = 'patch-major') {
  const g = geometry(options);
  const strides = cStrides(options.shape);
  const n = options.shape.reduce((p, x) => p * x, 1);
  const sum = new Array(n).fill(0);
  const count = new Array(n).fill(0);
  const last = new Array(n).fill(0);
  let p = 0;
  forEachIndex(g.outer, (oi) => {
    let q = 0;
    forEachIndex(g.inner, (ii) => {
      const c = coords(g, oi, ii);
      if (c.every((x, axis) => x >= 0 && x < g.axes[axis].len)) {
        const at = c.reduce((acc, x, axis) => acc + x * strides[axis], 0);
        const v = patches[order === 'patch-major' ? p * g.patchLen + q : q * g.numPatches + p];
        sum[at] += v;
        count[at] += 1;
        last[at] = v;
      }
      q += 1;
    });
    p += 1;
  });
  const result =
    reduce === 'sum' ? sum : reduce === 'overwrite' ? last : sum.map((s, i) => (count[i] ? s / count[i] : 0));
  return { result, count };
}

/** tf.signal.frame on a flat signal. */
export function frame(signal, frameLen, hop, padEnd = false, fill = 0) {
  const len = signal.length;
  const n = padEnd ? Math.ceil(len / hop) : len < frameLen ? 0 : Math.floor((len - frameLen) / hop) + 1;
  const out = [];
  for (let f = 0; f < n; f++) {
    for (let j = 0; j < frameLen; j++) {
      const i = f * hop + j;
      out.push(i < len ? signal[i] : fill);
    }
  }
  return { n, data: out };
}

/** tf.signal.overlap_and_add on flat frames. */
export function overlapAdd(frames, frameLen, hop) {
  const n = frames.length / frameLen;
  const len = n === 0 ? 0 : (n - 1) * hop + frameLen;
  const out = new Array(len).fill(0);
  for (let f = 0; f < n; f++) for (let j = 0; j < frameLen; j++) out[f * hop + j] += frames[f * frameLen + j];
  return out;
}

/** Byte strides of the patch view, when it is one. */
export function viewStrides(options) {
  const g = geometry(options);
  const strides = options.strides ?? cStrides(options.shape);
  const outer = [], inner = [];
  g.axes.forEach((a, i) => {
    if (a.kind === 'batch') outer.push(strides[i]);
    else if (a.kind === 'whole') inner.push(strides[i]);
    else {
      outer.push(a.step * strides[i]);
      inner.push(a.dilation * strides[i]);
    }
  });
  return [...outer, ...inner];
}
