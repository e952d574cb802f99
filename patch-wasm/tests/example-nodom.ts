// The package's types need no DOM lib: a Node program compiled with
// "lib": ["es2022"] only (tsconfig-nodom.json) still type-checks against
// the shipped .d.ts, image sources included (RgbaPixels).
import { WasmArray, pixelLayout, type ImageSource } from 'patch-wasm';

const source: ImageSource = { data: new Uint8ClampedArray(4), width: 1, height: 1 };
const img: WasmArray<'uint8clamped'> = WasmArray.fromImage(source);
export const strides: number[] = pixelLayout('rgb-chw', 1, 1).strides;
export const shape: number[] = img.shape;
img.free();
