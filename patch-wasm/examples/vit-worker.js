// ViT preprocessing in a module worker: an ImageBitmap comes in
// (transferred, so no pixel copy on the way), the normalized patches go
// out as a transferred Float32Array of [numPatches, 3 * patch * patch]
// values laid out (C, ph, pw) inside each patch, ImageNet mean and std.
//
//   const worker = new Worker('./vit-worker.js', { type: 'module' });
//   worker.postMessage({ bitmap, patch: 16 }, [bitmap]);
//   worker.onmessage = ({ data }) => data.patches;   // Float32Array
//
// Serve this file next to the package, as ./patch-wasm/ (vit-worker.html
// is a page that uses it). The pixels are copied once into wasm memory
// (fromImageAsync: VideoFrame.copyTo), cut into patches and normalized in
// one pass, and copied once out into the Float32Array that is transferred.
import init, { PatchView, WasmArray } from './patch-wasm/web/patch_wasm.js';

const ready = init();
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

self.onmessage = async ({ data: { bitmap, patch = 16 } }) => {
  let img;
  let view;
  try {
    await ready;
    img = await WasmArray.fromImageAsync(bitmap);
    bitmap.close();
    const [height, width] = img.shape;
    view = new PatchView({
      layout: { name: 'rgba-as-rgb-chw', height, width },   // [3, H, W] over the RGBA bytes
      dtype: 'uint8clamped',
      axes: [{ role: 'whole' },
             { role: 'window', size: patch, step: patch },
             { role: 'window', size: patch, step: patch }],
    });
    // Cut, convert and normalize in one pass, straight into the
    // Float32Array that is transferred back (one copy out of wasm memory).
    const patches = new Float32Array(view.numPatches * view.patchLen);
    view.extractInto(img, patches, { dtype: 'float32', normalize: { rescale: 1 / 255, mean: MEAN, std: STD } });
    self.postMessage({ patches, shape: [view.numPatches, view.patchLen] }, [patches.buffer]);
  } catch (e) {
    self.postMessage({ error: `${e.name}: ${e.message}` });
  } finally {
    img?.free();
    view?.free();
  }
};
