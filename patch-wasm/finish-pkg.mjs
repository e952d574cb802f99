// The edits that turn wasm-pack's two outputs (web/ and node/, each with
// its own copy of the same .wasm) into the npm package; run by build.sh on
// its staging directory:
//
//   node finish-pkg.mjs STAGE
//
// 1. One .wasm: the two builds' patch_wasm_bg.wasm are byte-identical (one
//    cargo build); the copy moves to the package root and both loaders are
//    pointed at it (the web build's default `init()` URL, the Node build's
//    readFileSync path).
// 2. The web build says to call init() first: until init() (or initSync())
//    has run, its `wasm` is a stand-in whose every property access throws a
//    PatchError naming init(), instead of "Cannot read properties of
//    undefined (reading '__wbindgen_add_to_stack_pointer')".
// 3. The .d.ts get what wasm-bindgen cannot write: the dtype parameter of
//    `WasmArray<D>`, `PatchView<D>`, `WasmArray.fromTypedArray<D>` and
//    `frame<D, O>`, the options parameter `O` of `extract`/`extractInto`
//    (whose `dtype` and `normalize` give the result's dtype), and one
//    `free()` each (the bindings define their own, which
//    JavaScript's class semantics let replace wasm-bindgen's).
// 4. node/patch_wasm.mjs: the ES module entry of the Node build, which
//    re-exports the CommonJS build (one wasm instance whether a program
//    imports or requires the package), with its .d.mts.
//
// Every edit names the exact text it replaces and fails the build when that
// text does not occur exactly as often as expected (wasm-bindgen is pinned;
// a new version that changes its output must be looked at, not guessed).

import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const stage = resolve(process.argv[2] ?? '');
const file = (...p) => join(stage, ...p);

function edit(path, edits) {
  let text = readFileSync(path, 'utf8');
  for (const [from, to, count = 1] of edits) {
    const found = text.split(from).length - 1;
    if (found !== count) {
      throw new Error(`${path}: expected ${count} occurrence(s) of ${JSON.stringify(from)}, found ${found}`);
    }
    text = text.split(from).join(to);
  }
  writeFileSync(path, text);
}

// 1. One .wasm at the package root.
for (const f of ['patch_wasm_bg.wasm', 'patch_wasm_bg.wasm.d.ts']) {
  const web = readFileSync(file('web', f));
  if (!web.equals(readFileSync(file('node', f)))) {
    throw new Error(`web/${f} and node/${f} differ: the two builds cannot share one copy`);
  }
  renameSync(file('web', f), file(f));
  rmSync(file('node', f));
}
edit(file('node', 'patch_wasm.js'), [
  ['`${__dirname}/patch_wasm_bg.wasm`', '`${__dirname}/../patch_wasm_bg.wasm`'],
]);

// 2. The web build before init().
const notReady = `const NOT_INITIALIZED = new Proxy({}, {
    get() {
        const e = new Error("invalid argument: the patch-wasm web build is not initialized: call (and await) init() from 'patch-wasm/web' first, or initSync({ module }) with the bytes of patch_wasm_bg.wasm");
        e.name = 'PatchError';
        e.kind = 'invalid argument';
        throw e;
    },
});
let wasmModule, wasmInstance, wasm = NOT_INITIALIZED;`;
edit(file('web', 'patch_wasm.js'), [
  ["new URL('patch_wasm_bg.wasm', import.meta.url)", "new URL('../patch_wasm_bg.wasm', import.meta.url)"],
  ['let wasmModule, wasmInstance, wasm;', notReady],
  ['if (wasm !== undefined) return wasm;', 'if (wasm !== NOT_INITIALIZED) return wasm;', 2],
]);

// 3. Generic classes and one free() each, in both .d.ts.
for (const build of ['web', 'node']) {
  edit(file(build, 'patch_wasm.d.ts'), [
    ['export class WasmArray {\n    free(): void;\n', 'export class WasmArray<D extends DType = DType> {\n'],
    ['export class PatchView {\n    free(): void;\n', 'export class PatchView<D extends DType = DType> {\n'],
    ['    static fromTypedArray(', '    static fromTypedArray<D extends DType>('],
    ['export function frame(', 'export function frame<D extends DType = DType, O extends FrameOptions = {}>('],
    ['    extract(src:', '    extract<O extends ExtractOptions = {}>(src:'],
    ['    extractInto(src:', '    extractInto<O extends ExtractOptions = {}>(src:'],
  ]);
}

// 4. The ES module entry of the Node build.
// wasm-bindgen's \`__wasm\` (the raw exports) is not part of the API.
const names = Object.keys(createRequire(import.meta.url)(file('node', 'patch_wasm.js')))
  .filter((n) => !n.startsWith('__'))
  .sort();
writeFileSync(
  file('node', 'patch_wasm.mjs'),
  `// The ES module entry of the Node build: the CommonJS build's exports,\n` +
    `// so that import and require share one WebAssembly instance.\n` +
    `import cjs from './patch_wasm.js';\n\n` +
    `export const { ${names.join(', ')} } = cjs;\n`,
);
writeFileSync(file('node', 'patch_wasm.d.mts'), "export * from './patch_wasm.js';\n");
console.log(`node/patch_wasm.mjs re-exports ${names.join(', ')}`);
