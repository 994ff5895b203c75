#!/usr/bin/env node
// node-lab.cjs: Node 20 node:http server and fetch (undici) / node:http clients, for the second
// held-out round. Loopback only; the server stops by itself after SECONDS.
//
//   node-lab.cjs server PORT SECONDS   the backend (also nginx's upstream in nginx.sh)
//   node-lab.cjs fetch URL             undici fetch: keep-alive, JSON / form / multipart bodies,
//                                      ReadableStream upload (chunked), SSE, an abort mid-response,
//                                      XML-RPC and JSON-RPC (batch + notification) POSTs
//   node-lab.cjs http URL              node:http with a keep-alive Agent (one socket): chunked
//                                      request body by writes, Expect: 100-continue, HEAD
// Every request and response is logged on stdout as one JSON line ({side, method, url, status,
// bytes}), to compare with callscope.
'use strict';
const http = require('node:http');
const zlib = require('node:zlib');

const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', () => resolve(Buffer.concat(parts)));
  });
}

// --- XML-RPC, written by hand: <int>/<i4>/<double>/<string> parameters, add / div / echo
function xmlrpcParams(xml) {
  const out = [];
  for (const m of xml.matchAll(/<value>\s*(?:<(int|i4|double|string|boolean)>([^<]*)<\/\1>|([^<]*))\s*<\/value>/g)) {
    const [, t, v, bare] = m;
    if (!t) out.push(bare);
    else if (t === 'string') out.push(v);
    else if (t === 'boolean') out.push(v === '1');
    else out.push(Number(v));
  }
  return out;
}
const xmlValue = (v) =>
  typeof v === 'number' ? (Number.isInteger(v) ? `<int>${v}</int>` : `<double>${v}</double>`) : `<string>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
function xmlrpc(body) {
  const xml = body.toString('utf8');
  const method = /<methodName>([^<]*)<\/methodName>/.exec(xml)?.[1] ?? '';
  const p = xmlrpcParams(xml);
  const fault = (code, msg) =>
    `<?xml version="1.0"?>\n<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>${code}</int></value></member><member><name>faultString</name><value><string>${msg}</string></value></member></struct></value></fault></methodResponse>\n`;
  let res;
  if (method === 'add') res = p.reduce((a, b) => a + b, 0);
  else if (method === 'div') {
    if (p[1] === 0) return { method, xml: fault(4, 'division by zero') };
    res = p[0] / p[1];
  } else if (method === 'echo') res = p.join(' ');
  else return { method, xml: fault(1, `no such method ${method}`) };
  return { method, xml: `<?xml version="1.0"?>\n<methodResponse><params><param><value>${xmlValue(res)}</value></param></params></methodResponse>\n` };
}

// --- JSON-RPC 2.0, written by hand: a call, a batch, notifications (no answer), errors
function jsonrpcOne(m) {
  if (typeof m !== 'object' || m === null || m.jsonrpc !== '2.0' || typeof m.method !== 'string') return { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } };
  const notify = !('id' in m);
  let r;
  if (m.method === 'sum') r = { result: (m.params ?? []).reduce((a, b) => a + b, 0) };
  else if (m.method === 'greet') r = { result: `hello ${m.params?.name ?? '?'}` };
  else r = { error: { code: -32601, message: 'Method not found', data: m.method } };
  return notify ? undefined : { jsonrpc: '2.0', id: m.id, ...r };
}
function jsonrpc(body) {
  let doc;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } };
  }
  if (Array.isArray(doc)) {
    const out = doc.map(jsonrpcOne).filter(Boolean);
    return out.length ? out : undefined;
  }
  return jsonrpcOne(doc);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const early = url.pathname.endsWith('/early-reply');
  const body = early ? Buffer.alloc(0) : await readBody(req);
  const done = (status) => log({ side: 'server', method: req.method, url: req.url, status, reqBytes: body.length });
  const p = url.pathname.replace(/^\/api/, '');
  if (p === '/json') {
    const n = Number(url.searchParams.get('n') ?? 5);
    const doc = JSON.stringify({ n, items: Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}` })) });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc) });
    res.end(doc);
    return done(200);
  }
  if (p === '/stream' || p === '/slow') {
    // no Content-Length: node:http answers an HTTP/1.1 request with Transfer-Encoding: chunked
    const n = p === '/slow' ? 20 : 4;
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (let i = 0; i < n && !res.destroyed; i++) {
      res.write(`${JSON.stringify({ i, at: Date.now() })}\n`);
      await sleep(p === '/slow' ? 50 : 20);
    }
    res.end();
    return done(200);
  }
  if (p === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (let i = 0; i < 4; i++) {
      res.write(`id: ${i}\nevent: tick\ndata: {"tick":${i}}\n\n`);
      await sleep(20);
    }
    res.end('data: bye\n\n');
    return done(200);
  }
  if (p === '/trailers') {
    // chunked with trailers announced in Trailer: (res.addTrailers), after a 103 Early Hints
    res.writeEarlyHints({ link: '</app.js>; rel=preload; as=script' });
    res.writeHead(200, { 'Content-Type': 'text/csv', Trailer: 'Content-MD5, X-Row-Count' });
    res.write('a,b\n1,2\n');
    await sleep(5);
    res.write('3,4\n');
    res.addTrailers({ 'Content-MD5': 'Q2hlY2sgSW50ZWdyaXR5IQ==', 'X-Row-Count': '2' });
    res.end();
    return done(200);
  }
  if (p === '/early-reply') {
    // answers a large upload before reading it, then closes (the client may still be sending)
    res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('too large\n');
    return done(413);
  }
  if (p === '/echo') {
    const doc = JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, te: req.headers['transfer-encoding'] ?? null, length: body.length, head: body.subarray(0, 40).toString('latin1') });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc) });
    res.end(doc);
    return done(200);
  }
  if (p === '/gzip') {
    const z = zlib.gzipSync(JSON.stringify({ gz: true, pad: 'z'.repeat(500) }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': z.length });
    res.end(z);
    return done(200);
  }
  if (p === '/RPC2') {
    const r = xmlrpc(body);
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(r.xml) });
    res.end(r.xml);
    log({ side: 'server', rpc: 'xmlrpc', method: r.method });
    return done(200);
  }
  if (p === '/jsonrpc') {
    const r = jsonrpc(body);
    if (r === undefined) {
      res.writeHead(204);
      res.end();
      return done(204);
    }
    const doc = JSON.stringify(r);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc) });
    res.end(doc);
    return done(200);
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
  done(404);
}

async function server(port, seconds) {
  const srv = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      log({ side: 'server', error: String(e) });
      res.destroy();
    });
  });
  srv.keepAliveTimeout = 5000;
  srv.listen(port, '127.0.0.1');
  await sleep(seconds * 1000);
  srv.closeAllConnections();
  srv.close();
}

async function fetchClient(base) {
  const go = async (name, path, init) => {
    try {
      const r = await fetch(base + path, init);
      const t = await r.text();
      log({ side: 'fetch', name, method: init?.method ?? 'GET', url: path, status: r.status, bytes: t.length, ce: r.headers.get('content-encoding') });
    } catch (e) {
      log({ side: 'fetch', name, url: path, error: String(e.cause ?? e) });
    }
  };
  await go('json1', '/api/json?n=3');
  await go('json2', '/api/json?n=40');
  await go('gzip', '/api/gzip');
  await go('post-json', '/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1, b: [true, null, 'x'] }) });
  await go('post-form', '/api/echo', { method: 'POST', body: new URLSearchParams({ user: 'ada', lang: 'en', q: 'a&b=c' }) });
  const fd = new FormData();
  fd.append('field', 'value');
  fd.append('file', new Blob(['{"file":true}\n'], { type: 'application/json' }), 'f.json');
  await go('post-multipart', '/api/echo', { method: 'POST', body: fd });
  // a ReadableStream body: undici sends it chunked
  const chunks = ['{"stream":', '[1,2,', '3]}'];
  const rs = new ReadableStream({
    async pull(c) {
      const next = chunks.shift();
      if (next === undefined) c.close();
      else {
        await sleep(10);
        c.enqueue(new TextEncoder().encode(next));
      }
    },
  });
  await go('post-stream', '/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: rs, duplex: 'half' });
  await go('stream', '/api/stream');
  await go('sse', '/api/sse');
  // abort mid-response: /slow sends 20 chunks 50 ms apart; abort after 180 ms
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 180);
  await go('abort', '/api/slow', { signal: ac.signal });
  await sleep(100);
  await go('xmlrpc', '/api/RPC2', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<?xml version="1.0"?><methodCall><methodName>add</methodName><params><param><value><int>2</int></value></param><param><value><i4>40</i4></value></param></params></methodCall>' });
  await go('xmlrpc-fault', '/api/RPC2', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<?xml version="1.0"?><methodCall><methodName>div</methodName><params><param><value><int>1</int></value></param><param><value><int>0</int></value></param></params></methodCall>' });
  await go('jsonrpc', '/api/jsonrpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sum', params: [1, 2, 3] }) });
  await go('jsonrpc-batch', '/api/jsonrpc', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'greet', params: { name: 'bob' } },
      { jsonrpc: '2.0', method: 'sum', params: [5] },
      { jsonrpc: '2.0', id: 'c', method: 'nope' },
      7,
    ]),
  });
  await go('jsonrpc-notify', '/api/jsonrpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: [1] }) });
  await go('404', '/api/missing');
}

function httpClient(base) {
  const u = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const req = (name, opts, write) =>
    new Promise((resolve) => {
      const r = http.request({ host: u.hostname, port: u.port, agent, ...opts }, (res) => {
        let n = 0;
        res.on('data', (d) => {
          n += d.length;
        });
        res.on('end', () => {
          log({ side: 'http', name, method: opts.method ?? 'GET', url: opts.path, status: res.statusCode, bytes: n, te: res.headers['transfer-encoding'] ?? null });
          resolve();
        });
      });
      r.on('error', (e) => {
        log({ side: 'http', name, error: String(e) });
        resolve();
      });
      if (write) write(r);
      else r.end();
    });
  return (async () => {
    await req('get1', { path: '/api/json?n=2' });
    await req('head', { path: '/api/json?n=2', method: 'HEAD' });
    await req('chunked-upload', { path: '/api/echo', method: 'POST', headers: { 'content-type': 'application/json' } }, async (r) => {
      r.write('{"parts":[');
      await sleep(15);
      r.write('1,2,3');
      await sleep(15);
      r.end(']}');
    });
    await req('expect-100', { path: '/api/echo', method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': 2000, expect: '100-continue' } }, (r) => {
      r.on('continue', () => r.end('e'.repeat(2000)));
    });
    await req('get2', { path: '/api/stream' });
    await req('head-chunked', { path: '/api/stream', method: 'HEAD' });
    await req('trailers', { path: '/api/trailers' });
    await req('upload-trailers', { path: '/api/echo', method: 'POST', headers: { 'content-type': 'application/json', trailer: 'X-Digest' } }, async (r) => {
      r.write('{"t":');
      await sleep(5);
      r.addTrailers({ 'X-Digest': 'sha-256=abc' });
      r.end('1}');
    });
    await req('close', { path: '/api/json?n=1', headers: { connection: 'close' } });
    await req('after-close', { path: '/api/json?n=4' });
    // a 200 kB upload the server refuses at once (413 + close) while the client is still sending
    const other = new http.Agent({ keepAlive: false });
    await new Promise((resolve) => {
      const r = http.request({ host: u.hostname, port: u.port, agent: other, path: '/api/early-reply', method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': 200000 } }, (res) => {
        res.resume();
        res.on('end', () => {
          log({ side: 'http', name: 'early-reply', status: res.statusCode });
          resolve();
        });
      });
      r.on('error', (e) => {
        log({ side: 'http', name: 'early-reply', error: String(e) });
        resolve();
      });
      (async () => {
        for (let i = 0; i < 20 && !r.destroyed; i++) {
          r.write(Buffer.alloc(10000, 0x61));
          await sleep(5);
        }
        r.end();
      })();
    });
    agent.destroy();
  })();
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'server') server(Number(a), Number(b ?? 20));
else if (mode === 'fetch') fetchClient(a);
else if (mode === 'http') httpClient(a);
else {
  console.error('usage: node-lab.cjs server PORT SECONDS | fetch URL | http URL');
  process.exit(2);
}
