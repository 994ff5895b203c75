// Node's http2 core module, h2c: a 300 KB response with trailers, server push (PUSH_PROMISE), a
// POST with a 100 KB body, a stream the client resets mid-response, then GOAWAY.
//   node node-h2.cjs PORT
const http2 = require('node:http2');
const port = Number(process.argv[2] || 22520);
const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const path = headers[':path'];
  if (path === '/push') {
    stream.pushStream({ ':path': '/pushed.css' }, (err, push) => {
      if (!err) push.respond({ ':status': 200, 'content-type': 'text/css' }), push.end('body{}');
    });
    stream.respond({ ':status': 200, 'content-type': 'text/html' });
    stream.end('<link href=/pushed.css>');
  } else if (path === '/big') {
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc' }));
    stream.end(Buffer.alloc(300000, 7));
  } else if (path === '/upload') {
    let n = 0;
    stream.on('data', (d) => (n += d.length));
    stream.on('end', () => {
      stream.respond({ ':status': 201, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ got: n }));
    });
  } else if (path === '/slow') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.write('part');
    setTimeout(() => stream.destroyed || stream.end('rest'), 500);
  } else {
    stream.respond({ ':status': 404 });
    stream.end();
  }
});
server.listen(port, '127.0.0.1', async () => {
  const c = http2.connect(`http://127.0.0.1:${port}`);
  c.on('stream', (push, h) => push.on('data', () => {}).on('end', () => console.log('pushed', h[':path'])));
  const req = (h, body) => new Promise((res) => {
    const r = c.request(h);
    let n = 0;
    r.on('data', (d) => (n += d.length));
    r.on('trailers', (t) => console.log('trailers', t['x-checksum']));
    r.on('end', () => res(n));
    r.on('error', () => res(-1));
    if (body) r.end(body); else r.end();
    if (h[':path'] === '/slow') setTimeout(() => r.close(http2.constants.NGHTTP2_CANCEL), 100);
    r.on('close', () => res(n));
  });
  console.log('push', await req({ ':path': '/push' }));
  console.log('big', await req({ ':path': '/big' }));
  console.log('upload', await req({ ':path': '/upload', ':method': 'POST', 'content-type': 'application/octet-stream' }, Buffer.alloc(100000, 1)));
  console.log('slow', await req({ ':path': '/slow' }));
  console.log('404', await req({ ':path': '/nope' }));
  c.close();
  server.close();
  setTimeout(() => process.exit(0), 300).unref();
});
