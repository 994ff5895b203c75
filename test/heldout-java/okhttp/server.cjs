// Held-out HTTP/2 server for OkHttp's prior-knowledge client: node:http2 createServer (h2c, no TLS) on
// 127.0.0.1:PORT. Routes: /item/N (JSON, delayed N*20 ms so answers interleave), /echo (POST: the body
// back as JSON), /big (2 MiB), /gzip (gzip-encoded JSON when asked), /slow (answers after 3 s: the client
// cancels it first), /missing (404). Stops after 60 s at most.
const http2 = require('node:http2');
const zlib = require('node:zlib');
const port = Number(process.argv[2]);
const server = http2.createServer({ settings: { maxConcurrentStreams: 100 } });
server.on('stream', (stream, headers) => {
  const path = headers[':path'];
  const log = (s) => console.log(`${headers[':method']} ${path} -> ${s}`);
  stream.on('error', (e) => console.log(`${path} stream error ${e.code}`));
  stream.on('close', () => { if (stream.rstCode) console.log(`${path} closed with RST ${stream.rstCode}`); });
  if (path.startsWith('/item/')) {
    const n = Number(path.slice(6));
    setTimeout(() => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ item: n, name: `item ${n}` }));
      log(200);
    }, (5 - n) * 20);
  } else if (path === '/echo') {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      stream.respond({ ':status': 201, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ got: JSON.parse(body), len: body.length }));
      log(201);
    });
  } else if (path === '/big') {
    const buf = Buffer.alloc(2 * 1024 * 1024, 'abcdefghijklmnop');
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': String(buf.length) });
    stream.end(buf);
    log(`200 ${buf.length} bytes`);
  } else if (path === '/gzip') {
    const body = JSON.stringify({ compressed: true, words: Array.from({ length: 50 }, (_, i) => `w${i}`) });
    if (/gzip/.test(headers['accept-encoding'] ?? '')) {
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'content-encoding': 'gzip' });
      stream.end(zlib.gzipSync(body));
    } else {
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(body);
    }
    log(200);
  } else if (path === '/slow') {
    const t = setTimeout(() => { if (!stream.destroyed) { stream.respond({ ':status': 200 }); stream.end('late'); log(200); } }, 3000);
    stream.on('close', () => clearTimeout(t));
  } else {
    stream.respond({ ':status': 404, 'content-type': 'text/plain' });
    stream.end('no such thing');
    log(404);
  }
});
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
setTimeout(() => process.exit(0), 60000).unref();
process.on('SIGTERM', () => process.exit(0));
