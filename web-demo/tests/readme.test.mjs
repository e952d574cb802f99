// The ```html blocks of README.md and patch-wasm/README.md, run as written
// in headless Chromium (the ```js blocks run in Node: patch-wasm/tests/run.sh).
//
// Each block is a page that imports the browser build as
// `./patch-wasm/web/patch_wasm.js`: this test serves a temporary directory
// holding the block as a page and the package built by tools/prepare.sh
// (web-demo/pkg) as `patch-wasm/`, the layout the README describes. A block
// ends with a console.log, which the test waits for; any console error or
// page error fails it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { blocks, blockName } from '../../patch-wasm/tests/readme-blocks.mjs';

const demo = path.dirname(import.meta.dirname);
const repo = path.dirname(demo);
const READMES = [path.join(repo, 'README.md'), path.join(repo, 'patch-wasm', 'README.md')];
const T = { timeout: 60_000 };

let root;
let server;
let url;
let browser;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-readme-'));
  fs.cpSync(path.join(demo, 'pkg'), path.join(root, 'patch-wasm'), { recursive: true });
  server = spawn(process.execPath, [path.join(demo, 'tools', 'server.mjs'), root], {
    env: { ...process.env, PORT: '0', QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('every html block of the READMEs runs in Chromium without an error', T, async () => {
  let ran = 0;
  for (const readme of READMES) {
    for (const [n, b] of blocks(readme, 'html').entries()) {
      const name = `${blockName(readme, n)}.html`;
      // The block as the body of a page (no favicon request: it would 404).
      fs.writeFileSync(path.join(root, name), `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n${b.code}`);
      const page = await browser.newPage();
      const problems = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });
      const logged = page.waitForEvent('console', { predicate: (m) => m.type() === 'log', timeout: 30_000 });
      await page.goto(url + name);
      const log = await logged.catch((e) => {
        throw new Error(`${readme}:${b.line}: no console.log (${problems.join('; ') || e.message})`);
      });
      assert.deepEqual(problems, [], `${readme}:${b.line}`);
      assert.ok(log.text().length > 0);
      await page.close();
      ran++;
    }
  }
  assert.ok(ran >= 1, 'the READMEs have html blocks');
});
