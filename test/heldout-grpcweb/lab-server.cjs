#!/usr/bin/env node
// lab-server.cjs DIR PORT_PAGE PORT_H1 PORT_H2TLS PORT_H2C SECONDS LOG
// DIR holds gwlab.pb (protoc --descriptor_set_out), bundle.js, cert.pem/key.pem; TLS keys of the
// h2 server go to DIR/grpcweb.keys (SSLKEYLOGFILE format, found by callscope beside the capture).
//   PORT_PAGE  the page (index.html, bundle.js, gwlab.pb), plain HTTP/1.1
//   PORT_H1    Connect-ES connectNodeAdapter on node:http (HTTP/1.1), CORS, preflight Max-Age 0
//   PORT_H2TLS the same on node:http2 createSecureServer (ALPN h2 only), CORS, Max-Age 600
//   PORT_H2C   the same on node:http2 createServer (h2c), for the Node reference client
// Every HTTP request is one JSON line in LOG: {srv, cport, sid, method, path, ctype, status, done}.
// Stops by itself after SECONDS.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const path = require('node:path');
const { fromBinary, createFileRegistry, create } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
const { ConnectError, Code } = require('@connectrpc/connect');
const { connectNodeAdapter } = require('@connectrpc/connect-node');
const { BinaryWriter } = require('@bufbuild/protobuf/wire');
const { toBinary } = require('@bufbuild/protobuf');

const [dir, pPage, pH1, pH2, pH2c, secs, logFile] = process.argv.slice(2);
const reg = createFileRegistry(fromBinary(FileDescriptorSetSchema, fs.readFileSync(path.join(dir, 'gwlab.pb'))));
const Lab = reg.getService('gwlab.v1.Lab');
const M = (n) => reg.getMessage(`gwlab.v1.${n}`);
const fd = fs.openSync(logFile, 'w');
const log = (o) => fs.writeSync(fd, `${JSON.stringify(o)}\n`);
const sleep = (ms, signal) =>
  new Promise((res) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      res();
    });
  });

const impl = {
  async echo(req) {
    return create(M('EchoReply'), { text: req.text, blob: req.blob, seq: 9007199254740993n, parts: Array(req.repeat).fill(req.text), tags: req.tags });
  },
  async lookup(req) {
    return create(M('CountReply'), { i: req.n * 2, note: 'looked up ✓' });
  },
  async *count(req) {
    for (let i = 0; i < req.n; i++) {
      yield create(M('CountReply'), { i, note: `n°${i} ✓`, pad: new Uint8Array(req.size).fill(i) });
      if (req.delayMs) await sleep(req.delayMs);
    }
    if (req.failAtEnd) throw new ConnectError('stopped after the last reply ⏹', Code.ResourceExhausted);
  },
  async fail() {
    throw new ConnectError('nicht gefunden ☹', Code.NotFound, { 'x-why': 'because' }, [{ desc: M('ErrorDetail'), value: create(M('ErrorDetail'), { reason: 'gone ✗', retryAfter: 7 }) }]);
  },
  async slow(req, ctx) {
    await sleep(req.ms, ctx.signal);
    if (ctx.signal.aborted) throw new ConnectError('aborted while sleeping', Code.DeadlineExceeded);
    return create(M('EchoReply'), { text: 'slow done' });
  },
};
const rpc = connectNodeAdapter({ routes: (router) => router.service(Lab, impl) });
const pageOrigin = `http://127.0.0.1:${pPage}`;
const expose = 'grpc-status, grpc-message, grpc-status-details-bin, connect-content-encoding, connect-accept-encoding, x-why, content-type';

function api(srv, maxAge) {
  return (req, res) => {
    const rec = { srv, cport: req.socket.remotePort, sid: req.stream?.id ?? null, method: req.method, path: req.url, ctype: req.headers['content-type'] ?? null, origin: req.headers.origin ?? null };
    // (over HTTP/2 a stream the client reset (rstCode > 0) got no answer, whatever res says)
    res.on('close', () => log({ ...rec, status: res.statusCode, done: res.writableFinished && !(req.stream?.rstCode > 0), rst: req.stream?.rstCode || undefined }));
    if (req.headers.origin) {
      res.setHeader('access-control-allow-origin', req.headers.origin === pageOrigin ? pageOrigin : 'null');
      res.setHeader('access-control-expose-headers', expose);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'POST, GET');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] || '');
      res.setHeader('access-control-max-age', String(maxAge));
      res.writeHead(204);
      res.end();
      return;
    }
    if (/^application\/grpc-web-text/i.test(req.headers['content-type'] || '')) textShim(req, res);
    else rpc(req, res);
  };
}

// Connect-ES answers application/grpc-web-text with 415, so the lab speaks it itself (as Envoy's
// grpc_web filter does in front of a gRPC server): the request is base64 of the frames; each
// response frame is base64-encoded on its own and written as it comes (padded chunks one after
// the other); an error before any message is Trailers-Only (grpc-status in the HTTP headers),
// after messages a trailer frame (flag 0x80). grpc-timeout is honoured.
const TEXT = { Echo: ['EchoRequest', 'EchoReply', 'echo'], Count: ['CountRequest', 'CountReply', 'count'], Fail: ['EchoRequest', 'EchoReply', 'fail'], Slow: ['SlowRequest', 'EchoReply', 'slow'], Lookup: ['CountRequest', 'CountReply', 'lookup'] };
const pct = (t) => Array.from(Buffer.from(t, 'utf8'), (b) => (b < 0x20 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
const frameOf = (flag, payload) => {
  const h = Buffer.alloc(5);
  h[0] = flag;
  h.writeUInt32BE(payload.length, 1);
  return Buffer.concat([h, payload]);
};
function statusBin(e) {
  // google.rpc.Status {code = 1, message = 2, details = 3 (google.protobuf.Any {type_url = 1, value = 2})}
  const w = new BinaryWriter().tag(1, 0).int32(e.code).tag(2, 2).string(e.rawMessage);
  for (const d of e.details) {
    const any = new BinaryWriter().tag(1, 2).string(`type.googleapis.com/${d.desc.typeName}`).tag(2, 2).bytes(toBinary(d.desc, d.value)).finish();
    w.tag(3, 2).bytes(any);
  }
  return Buffer.from(w.finish()).toString('base64').replace(/=+$/, '');
}
function textShim(req, res) {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', async () => {
    const ac = new AbortController();
    res.on('close', () => res.writableFinished || ac.abort());
    const m = /^(\d{1,8})([HMSmun])$/.exec(req.headers['grpc-timeout'] || '');
    if (m) setTimeout(() => ac.abort(), Number(m[1]) * { H: 3600e3, M: 60e3, S: 1e3, m: 1, u: 1e-3, n: 1e-6 }[m[2]]).unref();
    const [inName, outName, fn] = TEXT[req.url.split('/').pop()] || [];
    const raw = Buffer.from(Buffer.concat(parts).toString('latin1'), 'base64');
    const ct = 'application/grpc-web-text+proto';
    let sent = 0;
    const put = (flag, payload) => {
      if (!sent++) res.writeHead(200, { 'content-type': ct });
      res.write(frameOf(flag, payload).toString('base64'));
    };
    try {
      if (!fn || raw.length < 5) throw new ConnectError('unknown method or no message', Code.Unimplemented);
      const input = fromBinary(M(inName), raw.subarray(5, 5 + raw.readUInt32BE(1)));
      const out = impl[fn](input, { signal: ac.signal });
      if (out && typeof out[Symbol.asyncIterator] === 'function') for await (const r of out) put(0, Buffer.from(toBinary(M(outName), r)));
      else put(0, Buffer.from(toBinary(M(outName), await out)));
      if (ac.signal.aborted) throw new ConnectError('deadline', Code.DeadlineExceeded);
      put(0x80, Buffer.from('grpc-status:0\r\n'));
      res.end();
    } catch (e) {
      const ce = ConnectError.from(e);
      if (res.destroyed) return;
      if (!sent) {
        res.writeHead(200, { 'content-type': ct, 'grpc-status': String(ce.code), 'grpc-message': pct(ce.rawMessage), ...(ce.details.length ? { 'grpc-status-details-bin': statusBin(ce) } : {}) });
        res.end();
      } else {
        put(0x80, Buffer.from(`grpc-status:${ce.code}\r\ngrpc-message:${pct(ce.rawMessage)}\r\n`));
        res.end();
      }
    }
  });
}

const page = http.createServer((req, res) => {
  const files = { '/bundle.js': 'text/javascript; charset=utf-8', '/gwlab.pb': 'application/octet-stream' };
  const p = req.url.split('?')[0];
  log({ srv: 'page', cport: req.socket.remotePort, method: req.method, path: req.url, status: p === '/' || files[p] ? 200 : 404, done: true });
  if (p === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>gRPC-Web lab</title><link rel="icon" href="data:,"><script src="/bundle.js"></script>');
  } else if (files[p]) {
    res.writeHead(200, { 'content-type': files[p] });
    res.end(fs.readFileSync(path.join(dir, p.slice(1))));
  } else {
    res.writeHead(404).end();
  }
});
const h1 = http.createServer(api('h1', 0));
const tls = http2.createSecureServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')), allowHTTP1: false }, api('h2', 600));
tls.on('keylog', (line) => fs.appendFileSync(path.join(dir, 'grpcweb.keys'), line));
const h2c = http2.createServer(api('h2c', 0));
for (const [s, p] of [[page, pPage], [h1, pH1], [tls, pH2], [h2c, pH2c]]) s.listen(Number(p), '127.0.0.1');
setTimeout(() => process.exit(0), Number(secs) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
