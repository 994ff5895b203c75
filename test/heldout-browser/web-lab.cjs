#!/usr/bin/env node
// web-lab.cjs PORT_A PORT_B PORT_AIO PORT_STATIC SECONDS LOG: the web app Chromium loads, on
// node:http, for the browser held-out round. Loopback only; stops by itself after SECONDS.
//
//   origin A (PORT_A): the page (index.html + 8 css, 8 js, 10 svg, 3 png, a missing image and
//     favicon), page2.html, done.html, a REST API (GET/POST/PUT/DELETE JSON), /api/etag (304 on
//     revalidation), /api/enc?c=gzip|br|zstd|deflate|identity, form and multipart POSTs, an SSE
//     stream, /slow-large (4 MB sent slowly, for an abort), /pending (answers after the page has
//     left), /media/tone.wav and /media/blob.bin with Range (206)
//   origin B (PORT_B): a CORS API: preflights, a cookie set and sent back (credentials: include)
// Assets have a strong ETag and Cache-Control: no-cache, so a reload revalidates each (304); css
// is gzip-coded, js br or zstd (zstd from /usr/bin/zstd when the client accepts it), html gzip.
// Every response is logged to LOG as one JSON line {srv, method, path, status, cport, done}: the
// ground truth compare.cjs checks callscope against (`done` false: the client left first).
'use strict';
const http = require('node:http');
const zlib = require('node:zlib');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const [portA, portB, portAio, portStatic, seconds, logFile] = process.argv.slice(2);
const originA = `http://127.0.0.1:${portA}`;
const originB = `http://127.0.0.1:${portB}`;
const logFd = fs.openSync(logFile, 'a');
const log = (o) => fs.writeSync(logFd, `${JSON.stringify(o)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function zstd(buf) {
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: buf, maxBuffer: 1 << 26 });
  return r.status === 0 ? r.stdout : undefined;
}
function encode(buf, coding) {
  if (coding === 'gzip') return zlib.gzipSync(buf);
  if (coding === 'deflate') return zlib.deflateSync(buf);
  if (coding === 'br') return zlib.brotliCompressSync(buf);
  if (coding === 'zstd') return zstd(buf);
  return buf;
}
const accepts = (req, coding) => (req.headers['accept-encoding'] ?? '').split(',').some((c) => c.trim().split(';')[0] === coding);

// --- PNG and WAV made here (no files in the repository)
function png(w, h, seed) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([(x * seed) & 255, (y * 7 + seed) & 255, (x ^ y) & 255], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
function wav(secondsLong) {
  const rate = 8000;
  const n = rate * secondsLong;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((i * 2 * Math.PI * 440) / rate)), 44 + i * 2);
  return b;
}

// --- the app
const assets = new Map(); // path -> {type, body}
const css = (i) => `/* sheet ${i} */\n${Array.from({ length: 300 }, (_, k) => `.c${i}-${k} { margin: ${k % 13}px; color: #${((k * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}; }`).join('\n')}\n`;
const js = (i) =>
  `// module ${i}\nwindow.loaded = (window.loaded || 0) + 1;\n${Array.from({ length: 400 }, (_, k) => `function f${i}_${k}(a) { return a * ${k} + ${i}; }`).join('\n')}\n`;
const svg = (i) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="hsl(${i * 36},70%,50%)"/><text x="8" y="26">${i}</text>${'<!-- pad -->'.repeat(i * 40)}</svg>\n`;
for (let i = 0; i < 8; i++) assets.set(`/css/s${i}.css`, { type: 'text/css', body: Buffer.from(css(i)) });
for (let i = 0; i < 8; i++) assets.set(`/js/m${i}.js`, { type: 'text/javascript', body: Buffer.from(js(i)) });
for (let i = 0; i < 10; i++) assets.set(`/img/i${i}.svg`, { type: 'image/svg+xml', body: Buffer.from(svg(i)) });
for (let i = 0; i < 3; i++) assets.set(`/img/p${i}.png`, { type: 'image/png', body: png(64 + i * 32, 48, i + 3) });
const page = (title) => `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="/favicon.ico">\n`;
const index = `${page('callscope browser lab')}${[...assets.keys()].filter((p) => p.endsWith('.css')).map((p) => `<link rel="stylesheet" href="${p}">`).join('\n')}
${[...assets.keys()].filter((p) => p.endsWith('.js')).map((p) => `<script src="${p}" defer></script>`).join('\n')}
<script src="/app.js" defer></script>
</head><body><h1>callscope browser lab</h1>
${[...assets.keys()].filter((p) => p.startsWith('/img/')).map((p) => `<img src="${p}" alt="">`).join('\n')}
${[0, 1, 2, 3].map((i) => `<img src="http://127.0.0.1:${portStatic}/q${i}.png" alt="">`).join('\n')}
<img src="/img/missing.png" alt="">
<form id="f1" method="post" action="/form"><input name="name" value="Zoë &amp; Co"><input name="qty" value="3"><textarea name="note">line 1
line 2 = 50% off</textarea><button id="b1">send</button></form>
<form id="f2" method="post" action="/upload-form" enctype="multipart/form-data"><input name="title" value="report"><input type="file" name="doc" id="doc"><button id="b2">upload</button></form>
<audio id="au" preload="none" src="/media/tone.wav"></audio>
</body></html>
`;
assets.set('/', { type: 'text/html; charset=utf-8', body: Buffer.from(index) });
assets.set('/page2.html', { type: 'text/html; charset=utf-8', body: Buffer.from(`${page('page 2')}</head><body><p>page 2</p></body></html>\n`) });
assets.set('/done.html', { type: 'text/html; charset=utf-8', body: Buffer.from(`${page('done')}</head><body><p>uploaded</p></body></html>\n`) });
assets.set('/app.js', { type: 'text/javascript', body: fs.readFileSync(`${__dirname}/app.js`) });
const blob = crypto.createHash('sha256').update('x').digest();
const media = new Map([
  ['/media/tone.wav', { type: 'audio/wav', body: wav(3) }],
  ['/media/blob.bin', { type: 'application/octet-stream', body: Buffer.concat(Array.from({ length: 4096 }, (_, i) => Buffer.from([i & 255, ...blob]))) }],
]);

const items = new Map([
  [1, { id: 1, name: 'alpha', tags: ['a'], price: 9.5 }],
  [2, { id: 2, name: 'beta', tags: [], price: 12 }],
]);
let nextId = 3;

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', () => resolve(Buffer.concat(parts)));
  });
}

function track(srv, req, res) {
  const cport = req.socket.remotePort;
  let logged = false;
  const done = (finished) => {
    if (logged) return;
    logged = true;
    log({ srv, method: req.method, path: req.url, status: res.headersSent ? res.statusCode : 0, cport, done: finished });
  };
  res.on('finish', () => done(true));
  res.on('close', () => done(res.writableFinished));
}

function sendJson(req, res, status, value, coding, extra = {}) {
  const raw = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)); // a string: JSON text as is
  const c = coding && coding !== 'identity' ? coding : undefined;
  const body = c ? encode(raw, c) : raw;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...(c ? { 'Content-Encoding': c, Vary: 'Accept-Encoding' } : {}), ...extra });
  res.end(body);
}

function serveAsset(req, res, a) {
  let coding;
  if (a.type.startsWith('text/css') || a.type.startsWith('text/html')) coding = accepts(req, 'gzip') ? 'gzip' : undefined;
  else if (a.type === 'text/javascript') {
    const n = Number(/m(\d)\.js/.exec(req.url)?.[1] ?? 0);
    coding = n >= 4 && accepts(req, 'zstd') ? 'zstd' : accepts(req, 'br') ? 'br' : undefined;
  }
  const body = coding ? encode(a.body, coding) : a.body;
  const etag = `"${crypto.createHash('sha1').update(a.body).digest('hex').slice(0, 16)}${coding ? `-${coding}` : ''}"`;
  const head = { ETag: etag, 'Cache-Control': 'no-cache', ...(coding ? { Vary: 'Accept-Encoding' } : {}) };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, head);
    return res.end();
  }
  res.writeHead(200, { ...head, 'Content-Type': a.type, 'Content-Length': body.length, ...(coding ? { 'Content-Encoding': coding } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function serveRange(req, res, m) {
  const size = m.body.length;
  const r = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!r) {
    res.writeHead(200, { 'Content-Type': m.type, 'Content-Length': size, 'Accept-Ranges': 'bytes' });
    return res.end(m.body);
  }
  let start = r[1] === '' ? size - Number(r[2]) : Number(r[1]);
  let end = r[1] === '' || r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (start >= size || start > end) {
    res.writeHead(416, { 'Content-Range': `bytes */${size}` });
    return res.end();
  }
  start = Math.max(0, start);
  end = Math.max(start, end);
  res.writeHead(206, { 'Content-Type': m.type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Accept-Ranges': 'bytes' });
  res.end(m.body.subarray(start, end + 1));
}

async function appA(req, res) {
  track('A', req, res);
  const url = new URL(req.url, originA);
  const p = url.pathname;
  if (assets.has(p) && (req.method === 'GET' || req.method === 'HEAD')) {
    if (p.startsWith('/css/') || p.startsWith('/js/') || p.startsWith('/img/')) await sleep(25);
    return serveAsset(req, res, assets.get(p));
  }
  if (media.has(p)) return serveRange(req, res, media.get(p));
  if (p === '/api/items' && req.method === 'GET') return sendJson(req, res, 200, { items: [...items.values()], total: items.size }, accepts(req, 'br') ? 'br' : undefined);
  if (p === '/api/items' && req.method === 'POST') {
    const v = JSON.parse((await readBody(req)).toString() || '{}');
    const item = { id: nextId++, ...v };
    items.set(item.id, item);
    return sendJson(req, res, 201, item, undefined, { Location: `/api/items/${item.id}` });
  }
  const im = /^\/api\/items\/(\d+)$/.exec(p);
  if (im && req.method === 'PUT') {
    const v = JSON.parse((await readBody(req)).toString() || '{}');
    const item = { ...(items.get(+im[1]) ?? {}), ...v, id: +im[1] };
    items.set(item.id, item);
    return sendJson(req, res, 200, item);
  }
  if (im && req.method === 'DELETE') {
    items.delete(+im[1]);
    res.writeHead(204);
    return res.end();
  }
  if (im && req.method === 'GET') {
    if (!items.has(+im[1])) return sendJson(req, res, 404, { error: 'no such item', id: +im[1] });
    return sendJson(req, res, 200, items.get(+im[1]));
  }
  if (p === '/api/etag') {
    const etag = '"v42"';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
      return res.end();
    }
    return sendJson(req, res, 200, '{"version":42,"big":9007199254740993}' /* 2^53 + 1: no double holds it */, undefined, { ETag: etag, 'Cache-Control': 'no-cache' });
  }
  if (p === '/api/enc') {
    const c = url.searchParams.get('c') ?? 'identity';
    const value = { coding: c, rows: Array.from({ length: 60 }, (_, i) => ({ i, label: `row ${i}`, even: i % 2 === 0 })) };
    if (c === 'chunked-gzip') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      const z = zlib.createGzip();
      z.pipe(res);
      z.write(JSON.stringify(value).slice(0, 500));
      await sleep(30);
      z.end(JSON.stringify(value).slice(500));
      return;
    }
    return sendJson(req, res, 200, value, c);
  }
  if (p === '/form' && req.method === 'POST') {
    const body = (await readBody(req)).toString();
    const fields = Object.fromEntries(new URLSearchParams(body));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(`${page('form')}</head><body><pre>${JSON.stringify(fields).replace(/</g, '&lt;')}</pre><a href="/">back</a></body></html>\n`);
  }
  if ((p === '/upload-form' || p === '/upload') && req.method === 'POST') {
    const body = await readBody(req);
    if (p === '/upload-form') {
      res.writeHead(303, { Location: '/done.html', 'Content-Length': 0 });
      return res.end();
    }
    return sendJson(req, res, 200, { received: body.length, type: req.headers['content-type']?.split(';')[0] });
  }
  if (p === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('retry: 2000\n\n');
    for (let i = 1; i <= 6 && !res.destroyed; i++) {
      await sleep(80);
      res.write(`${i % 2 ? 'event: tick\n' : ''}id: ${i}\ndata: ${JSON.stringify({ n: i, at: 'srv' })}\n\n`);
    }
    await sleep(5000); // kept open: the page closes it
    if (!res.destroyed) res.end();
    return;
  }
  if (p === '/slow-large') {
    const total = 4 * 1024 * 1024;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length) {
      res.write(chunk);
      await sleep(20);
    }
    if (!res.destroyed) res.end();
    return;
  }
  if (p === '/slow-chunked') {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (let i = 0; i < 200 && !res.destroyed; i++) {
      res.write(`${JSON.stringify({ i, pad: 'z'.repeat(2000) })}\n`);
      await sleep(20);
    }
    if (!res.destroyed) res.end();
    return;
  }
  if (p === '/pending') {
    await sleep(Number(url.searchParams.get('ms') ?? 1500));
    if (!res.destroyed) sendJson(req, res, 200, { late: true });
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end(`not found: ${p}\n`);
}

async function appB(req, res) {
  track('B', req, res);
  const url = new URL(req.url, originB);
  const cors = { 'Access-Control-Allow-Origin': originA, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
      'Access-Control-Max-Age': '0',
    });
    return res.end();
  }
  const cookie = req.headers.cookie ?? '';
  if (url.pathname === '/api/login') return sendJson(req, res, 200, { ok: true }, undefined, { ...cors, 'Set-Cookie': ['sid=s3cr3t-42; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Path=/'] });
  if (url.pathname === '/api/whoami') return sendJson(req, res, cookie.includes('sid=') ? 200 : 401, { cookie }, accepts(req, 'gzip') ? 'gzip' : undefined, cors);
  if (url.pathname === '/api/profile' && (req.method === 'PUT' || req.method === 'DELETE')) {
    const body = (await readBody(req)).toString();
    return sendJson(req, res, 200, { method: req.method, got: body ? JSON.parse(body) : null, cookie }, undefined, cors);
  }
  sendJson(req, res, 404, { error: 'not found' }, undefined, cors);
}

const servers = [http.createServer(appA).listen(+portA, '127.0.0.1'), http.createServer(appB).listen(+portB, '127.0.0.1')];
for (const s of servers) s.keepAliveTimeout = 20_000;
void portAio;
setTimeout(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  fs.closeSync(logFd);
  process.exit(0);
}, +seconds * 1000).unref();
// keep the process alive until then
setInterval(() => {}, 1 << 30);
