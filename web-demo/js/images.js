// Built-in test images and file decoding.
//
// Every built-in image is a pure function of (x, y, channel) so that a patch
// can be recognized at a glance and the browser tests can recompute any pixel
// on their own. The images are RGBA ImageData-like objects
// { width, height, data: Uint8ClampedArray }.

/** 3x5 bitmap digits, one row per string, '#' = ink. */
const DIGITS = [
  ['###', '#.#', '#.#', '#.#', '###'],
  ['.#.', '##.', '.#.', '.#.', '###'],
  ['###', '..#', '###', '#..', '###'],
  ['###', '..#', '.##', '..#', '###'],
  ['#.#', '#.#', '###', '..#', '..#'],
  ['###', '#..', '###', '..#', '###'],
  ['###', '#..', '###', '#.#', '###'],
  ['###', '..#', '.#.', '.#.', '.#.'],
  ['###', '#.#', '###', '#.#', '###'],
  ['###', '#.#', '###', '..#', '###'],
];

/** Whether pixel (u, v) of the text `s` drawn in the 3x5 font (1px spacing) is ink. */
function textInk(s, u, v) {
  if (v < 0 || v >= 5 || u < 0) return false;
  const ch = Math.floor(u / 4);
  if (ch >= s.length) return false;
  const col = u % 4;
  if (col === 3) return false;
  return DIGITS[s.charCodeAt(ch) - 48][v][col] === '#';
}

/** The built-in images, by id. */
export const IMAGES = {
  grid: {
    label: 'Labelled grid',
    help: 'cells numbered in reading order, colour by cell row and column',
  },
  gradient: {
    label: 'Coordinate gradient',
    help: 'red = x, green = y (mod 256), blue = 16px checkerboard',
  },
  rings: {
    label: 'Rings',
    help: 'concentric rings: smooth, good to watch fold weights',
  },
};

/** Image sizes offered, as [height, width]. */
export const SIZES = [
  [48, 64],
  [224, 224],
  [240, 320],
  [512, 512],
  [768, 1024],
];

/** Cell size of the labelled grid for an image of width `w`. */
export function gridCell(w, h) {
  return Math.max(w, h) > 320 ? 32 : 16;
}

/**
 * One pixel of a built-in image: [r, g, b]. Exported so the page and its
 * documentation agree; the tests recompute the gradient on their own.
 */
export function pixel(kind, x, y, w, h) {
  if (kind === 'gradient') {
    return [x & 255, y & 255, ((x >> 4) + (y >> 4)) & 1 ? 200 : 60];
  }
  if (kind === 'rings') {
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const r = Math.hypot(x - cx, y - cy) / Math.max(w, h);
    const t = 0.5 + 0.5 * Math.cos(r * 60);
    const u = 0.5 + 0.5 * Math.cos(r * 20 + Math.atan2(y - cy, x - cx) * 3);
    return [
      Math.round(25 + 215 * t),
      Math.round(45 + 120 * t * u + 40 * u),
      Math.round(95 + 90 * u - 60 * t),
    ];
  }
  // Labelled grid: cells of `cell` pixels, coloured by cell row and column,
  // dark 1px borders, each cell's number (reading order) in the top-left.
  const cell = gridCell(w, h);
  const cols = Math.ceil(w / cell);
  const rows = Math.ceil(h / cell);
  const cx = Math.floor(x / cell);
  const cy = Math.floor(y / cell);
  const u = x - cx * cell;
  const v = y - cy * cell;
  if (u === 0 || v === 0) return [30, 34, 48];
  const label = String(cy * cols + cx);
  const lx = u - 2;
  const ly = v - 2;
  if (textInk(label, lx, ly)) return [255, 255, 255];
  if (textInk(label, lx - 1, ly - 1)) return [20, 20, 30];
  const fx = cols > 1 ? cx / (cols - 1) : 0;
  const fy = rows > 1 ? cy / (rows - 1) : 0;
  const odd = (cx + cy) & 1;
  return [
    Math.round(70 + 170 * fx),
    Math.round(70 + 150 * fy),
    odd ? 205 : 150,
  ];
}

/** Generates a built-in image as RGBA. */
export function generate(kind, w, h) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(kind, x, y, w, h);
      const i = (y * w + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

/** Largest side kept from a user's file; larger images are scaled down. */
export const MAX_FILE_SIDE = 1024;

/**
 * Decodes an image file with the browser's decoder and returns RGBA pixels,
 * scaled down when a side exceeds MAX_FILE_SIDE (`scaled` says so).
 */
export async function decodeFile(file) {
  const bitmap = await createImageBitmap(file, {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  let { width, height } = bitmap;
  const scale = Math.min(1, MAX_FILE_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close?.();
  const img = ctx.getImageData(0, 0, w, h);
  return {
    image: { width: w, height: h, data: img.data },
    scaled: scale < 1,
    originalSize: [height, width],
  };
}
