// The JavaScript code blocks of the READMEs, so that the test command runs
// every one as written: ```js blocks in Node (tests/run.sh, from a project
// that installed the packed tarball, so `import 'patch-wasm'` resolves as
// for a user) and ```html blocks in headless Chromium
// (web-demo/tests/readme.test.mjs). A block runs on its own: it imports
// what it uses. Browser blocks end with a console.log, which the browser
// test waits for.
//
//   node readme-blocks.mjs OUTDIR README.md...   writes OUTDIR/<readme>-<n>.mjs
//                                                for every ```js block, prints them
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fenced blocks of `lang` in the Markdown file `path`: [{ line, code }]. */
export function blocks(path, lang) {
  const out = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```' + lang) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    out.push({ line: start + 1, code: lines.slice(start, end).join('\n') + '\n' });
    i = end;
  }
  return out;
}

/** A file name for block `n` of `path`, such as `patch-wasm-README-2`. */
export function blockName(path, n) {
  const dir = basename(dirname(resolve(path)));
  return `${dir}-${basename(path, '.md')}-${n}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir, ...readmes] = process.argv.slice(2);
  mkdirSync(outDir, { recursive: true });
  let count = 0;
  for (const path of readmes) {
    blocks(path, 'js').forEach((b, n) => {
      const file = join(outDir, `${blockName(path, n)}.mjs`);
      writeFileSync(file, `// ${path}, line ${b.line}\n${b.code}`);
      console.log(file);
      count++;
    });
  }
  if (count === 0) throw new Error(`no js blocks in ${readmes.join(', ')}`);
}
