// Small HTTP/1.1 origin for the load-tool captures: node dist-free, standard library only.
// PORT [SECONDS]: exits by itself after SECONDS (default 300).
//   GET /tiny -> "ok" (2 bytes)   GET /json -> small JSON   GET /big -> 256 kB   GET /empty -> 204
//   POST|PUT anything -> JSON {received, type}            HEAD -> headers of the GET
const http = require('node:http');
const port = Number(process.argv[2] || 22402);
const seconds = Number(process.argv[3] || 300);
const big = Buffer.alloc(256 * 1024, 'b');
const srv = http.createServer((req, res) => {
  let n = 0;
  req.on('data', (d) => { n += d.length; });
  req.on('end', () => {
    if (req.method === 'POST' || req.method === 'PUT') {
      const body = JSON.stringify({ received: n, type: req.headers['content-type'] || null });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    if (req.url.startsWith('/empty')) { res.writeHead(204); return res.end(); }
    if (req.url.startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      return res.end(big);
    }
    if (req.url.startsWith('/tiny')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      return res.end('ok');
    }
    const body = JSON.stringify({ ok: true, path: req.url, method: req.method });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
srv.keepAliveTimeout = 30000;
srv.listen(port, '127.0.0.1');
setTimeout(() => process.exit(0), seconds * 1000).unref();
