#!/usr/bin/env node
// Tiny static HTTP server for a repository made by make-repository.mjs.
//
//   node serve.mjs --dir DIR [--port 0] [--log]
//
// Serves DIR/metadata at /metadata/ and DIR/targets at /targets/ on 127.0.0.1.
// Prints the chosen port as the first line on stdout; 404 for anything else.
// Stops on SIGTERM/SIGINT. --log writes one line per request to stderr.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    log: { type: 'boolean', default: false },
  },
});
if (!values.dir) {
  process.stderr.write('usage: node serve.mjs --dir DIR [--port 0] [--log]\n');
  process.exit(1);
}
const roots = {
  metadata: path.resolve(values.dir, 'metadata'),
  targets: path.resolve(values.dir, 'targets'),
};

// Map a request path to a file under one of the roots, or null.
function resolveFile(urlPath) {
  const match = /^\/(metadata|targets)\/(.+)$/.exec(urlPath);
  if (!match) return null;
  let rel;
  try {
    rel = decodeURIComponent(match[2]);
  } catch {
    return null;
  }
  const base = roots[match[1]];
  const file = path.resolve(base, rel);
  if (!file.startsWith(base + path.sep)) return null; // no escaping the root
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

const server = http.createServer((req, res) => {
  const urlPath = new URL(req.url, 'http://localhost').pathname;
  const file = req.method === 'GET' || req.method === 'HEAD' ? resolveFile(urlPath) : null;
  const status = file ? 200 : 404;
  if (values.log) process.stderr.write(`${req.method} ${req.url} ${status}\n`);
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  const data = fs.readFileSync(file);
  res.writeHead(200, {
    'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    'Content-Length': data.length,
  });
  res.end(req.method === 'HEAD' ? undefined : data);
});

server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
