// The mosaic of extracted patches: how tiles are laid out, and how the
// patch matrix's elements become RGBA pixels. Pure functions (no DOM): the
// worker paints with them, the page picks tiles with them.

/** Mosaics larger than this many canvas pixels are cut to their first rows. */
export const MAX_MOSAIC_PIXELS = 2_000_000;

/**
 * What the layout needs to know of a patch view, from the model `m` of the
 * image mode: tile size, where the W grid axis sits among the outer axes,
 * whether the first outer axis is a batch axis, the outer shape.
 */
export function mosaicSpec(m) {
  return {
    th: Number(m.axH.size),
    tw: Number(m.axW.size),
    wPos: m.vaxes.outer.findIndex((a) => a.kind === 'grid' && a.n === 'w'),
    firstBatch: m.vaxes.outer[0].kind === 'batch',
    outerShape: m.outerShape,
    numPatches: m.numPatches,
    patchLen: m.patchLen,
    perChannel: m.axC.role === 'batch',
    chw: m.s.layout === 'chw',
    scale255: m.s.dtype === 'float32' ? 255 : 1,
  };
}

const prod = (a) => a.reduce((x, y) => x * y, 1);

/**
 * How the mosaic lays tiles out: in output order, row-major, `cols` tiles per
 * row. When the first outer axis is a batch axis (CHW per-channel: [c, i, j])
 * each of its entries is a block of its own, the blocks side by side.
 */
export function mosaicLayout(spec) {
  const { th, tw, numPatches } = spec;
  const cols = Math.max(1, prod(spec.outerShape.slice(spec.wPos)));
  const gap = 1;
  const blockGap = 6;
  let blocks = 1;
  let blockSize = numPatches;
  if (spec.firstBatch && spec.outerShape.length > 1) {
    blocks = spec.outerShape[0];
    blockSize = prod(spec.outerShape.slice(1));
    const width = gap + blocks * cols * (tw + gap) + (blocks - 1) * blockGap;
    if (width * Math.ceil(blockSize / cols) * (th + gap) > MAX_MOSAIC_PIXELS) {
      blocks = 1;
      blockSize = numPatches;
    }
  }
  const rowsPerBlock = Math.ceil(blockSize / cols);
  const width = gap + blocks * cols * (tw + gap) + (blocks - 1) * blockGap;
  const rowPixels = width * (th + gap);
  const drawRows = Math.min(rowsPerBlock, Math.max(1, Math.floor(MAX_MOSAIC_PIXELS / rowPixels)));
  const drawn = blocks > 1
    ? numPatches
    : Math.min(numPatches, drawRows * cols, Math.max(1, Math.floor(MAX_MOSAIC_PIXELS / ((tw + gap) * (th + gap)))));
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

/** The tile under mosaic pixel (x, y) (in canvas pixels), or -1. */
export function tileAt(L, px, py) {
  const x = px - L.gap;
  const y = py - L.gap;
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

/**
 * Writes patch k of the patch matrix `d` (row k, patch-major) as a th × tw
 * tile into the RGBA buffer `out` of width `outW` at (x0, y0): grey for
 * single-channel patches, RGB from HWC or CHW channel order otherwise.
 */
export function paintTile(out, outW, x0, y0, d, k, spec) {
  const { th, tw, patchLen: n, perChannel, chw, scale255: f } = spec;
  const plane = th * tw;
  const base = k * n;
  for (let r = 0; r < th; r++) {
    let o = ((y0 + r) * outW + x0) * 4;
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
      out[o + 3] = 255;
    }
  }
}

/** The whole mosaic as RGBA: a dark background, white block separators, tiles in output order. */
export function paintMosaic(L, d, spec) {
  const out = new Uint8ClampedArray(L.width * L.height * 4);
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
  for (let k = 0; k < L.drawn; k++) {
    const [x0, y0] = tileXY(L, k);
    paintTile(out, L.width, x0, y0, d, k, spec);
  }
  return out;
}
