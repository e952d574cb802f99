// A small static file server for the visualizer, bound to 127.0.0.1.
//
//   node tools/server.mjs [root]
//
// The port comes from $PORT (default 8080); when it is busy the next ports
// are tried, and PORT=0 takes any free port. The first line printed is
//   Serving <root> at http://127.0.0.1:<port>/
// which the test runner waits for. .wasm is served as application/wasm so
// that WebAssembly.instantiateStreaming works; nothing is cached.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(process.argv[2] || path.join(here, '..'));
const host = '127.0.0.1';
const wanted = Number(process.env.PORT ?? 8080);
const quiet = process.env.QUIET === '1';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(res, 400, 'bad request\n');
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(root, path.normalize(rel));
  if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'forbidden\n');
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      if (!quiet) console.log(`404 ${rel}`);
      return send(res, 404, `not found: ${rel}\n`);
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
});

server.on('listening', () => {
  const { port } = server.address();
  console.log(`Serving ${root} at http://${host}:${port}/`);
});

function listen(port, triesLeft) {
  server.once('error', (e) => {
    if (e.code === 'EADDRINUSE' && triesLeft > 0) {
      console.error(`port ${port} is busy, trying ${port + 1}`);
      listen(port + 1, triesLeft - 1);
    } else if (e.code === 'EADDRINUSE') {
      console.error('no free port found near the one asked for; taking any free port');
      listen(0, 0);
    } else {
      console.error(e.message);
      process.exit(1);
    }
  });
  server.listen(port, host);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}

listen(wanted, wanted === 0 ? 0 : 20);
