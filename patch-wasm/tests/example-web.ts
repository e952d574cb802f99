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

// Image sources and named pixel layouts: ViT (C, ph, pw) patches of a
// bitmap, as the Worker example (patch-wasm/examples/vit-worker.js) does.
import { pixelLayout, type ImageSource, type PixelLayoutNumbers, type PixelPatchViewOptions } from 'patch-wasm/web';

export async function vitPatches(bitmap: ImageBitmap, canvas: HTMLCanvasElement, frame: VideoFrame): Promise<Uint8ClampedArray> {
  await init();
  const img: WasmArray<'uint8clamped'> = await WasmArray.fromImageAsync(bitmap);
  const fromCanvas: WasmArray<'uint8clamped'> = WasmArray.fromImage(canvas);
  const sources: ImageSource[] = [bitmap, canvas, frame, new ImageData(1, 1), new OffscreenCanvas(1, 1), { data: new Uint8ClampedArray(4), width: 1, height: 1 }];
  const [height, width] = img.shape;
  const options: PixelPatchViewOptions<'uint8clamped'> = {
    layout: { name: 'rgba-as-rgb-chw', height, width },
    dtype: 'uint8clamped',
    axes: [{ role: 'whole' }, { role: 'window', size: 16, step: 16 }, { role: 'window', size: 16, step: 16 }],
  };
  const view = new PatchView(options);
  const numbers: PixelLayoutNumbers = pixelLayout('rgba-as-bgr-hwc', height, width);
  const bgr = new PatchView({ ...numbers, dtype: 'uint8', axes: [{ role: 'whole' }, { role: 'whole' }, { role: 'whole' }] });
  const patches = view.extract(img).toArray();
  // @ts-expect-error: not a layout name
  pixelLayout('rgba-as-cmyk-hwc', 2, 2);
  // @ts-expect-error: layout replaces shape
  new PatchView({ layout: { name: 'rgb-hwc', height: 2, width: 2 }, shape: [2, 2, 3], dtype: 'uint8', axes: [] });
  // @ts-expect-error: a number is no image source
  WasmArray.fromImage(3);
  for (const o of [img, fromCanvas, view, bgr]) o.free();
  console.log(sources.length);
  return patches;
}
