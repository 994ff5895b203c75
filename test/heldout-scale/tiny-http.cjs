// Tiny HTTP/1.1 server for the scale captures. PORT=25000 BIG=0|1
// GET /           -> small JSON
// GET /big?mb=N   -> N MB response (Content-Length), POST /up -> drains a chunked upload, answers its size.
const http = require('node:http');
const port = Number(process.env.PORT || 25000);
const chunk = Buffer.alloc(1 << 20, 'x');
const srv = http.createServer((req, res) => {
  if (req.url.startsWith('/big')) {
    const mb = Number(new URL(req.url, 'http://x').searchParams.get('mb') || 300);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': mb << 20 });
    let left = mb;
    const pump = () => { while (left > 0) { left--; if (!res.write(chunk)) return res.once('drain', pump); } res.end(); };
    return pump();
  }
  let n = 0;
  req.on('data', (d) => { n += d.length; });
  req.on('end', () => {
    const body = JSON.stringify({ ok: true, path: req.url, received: n });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
srv.keepAliveTimeout = 60000;
srv.maxConnections = 10000;
srv.listen(port, '127.0.0.1', () => console.error(`listening ${port}`));
