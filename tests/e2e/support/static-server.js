// A static file server for the embedding tests: it serves a folder under a URL prefix (a docs
// site's subpath such as /docs/shrink/), optionally with the headers of a cross-origin-isolated
// site. With `headers: 'plain'` it sends only Content-Type and Content-Length, like the most basic
// static host, so the dist folder is shown to need nothing special. Node's http only.
const http = require('http');
const fs = require('fs');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.md': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.safetensors': 'application/octet-stream',
};

/** The headers of an isolated site (COOP + COEP require-corp), resources open to embedding. */
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * Serves `root` under `prefix` on `host`:0 and resolves to `{ origin, url(path), close() }`.
 * `routes` maps extra paths to `() => string` bodies (a generated docs page). `headers` is
 * 'plain' or 'isolated'.
 */
function serve({ root, prefix = '/', host = '127.0.0.1', headers = 'plain', routes = {} }) {
  const base = path.resolve(root || '.');
  const server = http.createServer((req, res) => {
    const extra = headers === 'isolated' ? ISOLATED : {};
    const url = new URL(req.url, 'http://x');
    const send = (code, type, body) => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (routes[url.pathname]) return send(200, 'text/html; charset=utf-8', routes[url.pathname]());
    if (!root || !url.pathname.startsWith(prefix)) return send(404, 'text/plain', 'not found\n');
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep)) return send(403, 'text/plain', 'forbidden\n');
    fs.readFile(file, (err, data) => {
      if (err) return send(404, 'text/plain', 'not found\n');
      send(200, TYPES[path.extname(file)] || 'application/octet-stream', data);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const { port } = server.address();
      const origin = `http://${host}:${port}`;
      const close = () => new Promise((r) => {
        server.close(r);
        server.closeAllConnections(); // keep-alive connections would hold close() open
      });
      resolve({ origin, url: (p) => `${origin}${p}`, close });
    });
  });
}

module.exports = { serve };
