// The browser build's types: `init` first, then the same API.
import init, { PatchView, WasmArray } from 'patch-wasm/web';

export async function tiles(canvas: { width: number; height: number; pixels: Uint8ClampedArray }): Promise<ImageData> {
  await init();
  const img = WasmArray.fromTypedArray('uint8clamped', [canvas.height, canvas.width, 4], canvas.pixels);
  const view = new PatchView({
    shape: [canvas.height, canvas.width, 4],
    dtype: 'uint8clamped',
    axes: [{ role: 'window', size: 16, step: 16 }, { role: 'window', size: 16, step: 16 }, { role: 'whole' }],
    padding: { convention: 'cover' },
  });
  const patches = view.extract(img);
  const first = new ImageData(patches.data.slice(0, 16 * 16 * 4), 16, 16);
  for (const o of [img, view, patches]) o.free();
  return first;
}
