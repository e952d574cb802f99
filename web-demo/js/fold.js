// Fold back: the worker folds the patches with the engine's fold() and
// compares with the input (js/worker.js); this draws its three images.

import { $, fmtInt, fmtMs } from './util.js';

function put(canvas, data, W, H, cssW) {
  canvas.width = W;
  canvas.height = H;
  canvas.getContext('2d').putImageData(new ImageData(data, W, H), 0, 0);
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${Math.round((cssW * H) / W)}px`;
}

export function renderFold(m, f, note) {
  const cap = $('fold-caption');
  const canvases = ['fold-recon', 'fold-diff', 'fold-weight'].map((id) => $(id));
  document.querySelector('.fold-row').hidden = !f;
  if (!f) {
    cap.textContent = note;
    cap.dataset.value = '';
    return;
  }
  const avail = Math.max(300, $('fold-caption').closest('.panel').clientWidth - 30);
  let cssW = Math.min((avail - 32) / 3, m.W * 6, (260 * m.W) / m.H);
  if (cssW >= m.W) cssW = Math.floor(cssW / m.W) * m.W;
  cssW = Math.round(cssW);
  put(canvases[0], f.recon, m.W, m.H, cssW);
  put(canvases[1], f.diff, m.W, m.H, cssW);
  put(canvases[2], f.weight, m.W, m.H, cssW);
  $('fold-weight-caption').textContent = f.reduce === 'gaussian'
    ? `what the fold divides by: the summed Gaussian weights of the windows covering each pixel (light: little, dark: up to ${f.maxWeight.toFixed(2)})`
    : f.maxCount === 1 ? 'windows covering each pixel: 1 everywhere covered' : `windows covering each pixel: 1 (light) to ${f.maxCount} (dark)`;
  $('fold-weight').dataset.kind = f.reduce === 'gaussian' ? 'weights' : 'counts';
  const how = f.reduce === 'gaussian'
    ? 'Gaussian-weighted fold (each window weighted by a Gaussian centred on it, divided by the summed weights)'
    : 'Mean fold (sum of the patches divided by the number of windows covering each pixel)';
  const u8 = Math.round(f.maxDiff * 255);
  let verdict;
  if (f.maxDiff === 0) verdict = '<span class="ok" data-testid="fold-verdict">0: exact</span>';
  else if (u8 === 0) verdict = `<span class="ok" data-testid="fold-verdict">${f.maxDiff.toExponential(2)}: float rounding, 0 in 8-bit units</span>`;
  else verdict = `<span class="warn" data-testid="fold-verdict">${f.maxDiff.toExponential(3)} (${u8} in 8-bit units)</span>`;
  const uncovered = f.pixels - f.covered;
  cap.innerHTML = `${how}: max |fold − x| over the ${fmtInt(f.covered)} covered pixels = ${verdict}. ` +
    (uncovered ? `${fmtInt(uncovered)} pixels are read by no window and stay empty. ` : 'Every pixel is covered. ') +
    (f.maxCount > 1 ? `Up to ${f.maxCount} windows overlap on a pixel. ` : 'No two windows overlap. ') + `fold() took ${fmtMs(f.ms)}` +
    (f.dtype === 'float32' ? '.' : ' (on float32 patches extracted from a float32 copy of the image: fold takes float patches).');
  cap.dataset.value = String(f.maxDiff);
  cap.dataset.covered = String(f.covered);
  cap.dataset.uncovered = String(uncovered);
}
