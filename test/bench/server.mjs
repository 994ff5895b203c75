// The benchmark's HTTP/1.1 JSON server (node:http, keep-alive). Deterministic bodies per path.
//   GET    /persons/:id          200 JSON, Content-Length (~0.3–3 KB)
//   GET    /persons/:id/items    200 JSON, Transfer-Encoding: chunked (one chunk per item)
//   POST   /persons              201 JSON echo + id
//   PUT    /items/:id            200 JSON echo
//   DELETE /items/:id            204
//   anything else                404 JSON
// Run: node server.mjs HOST PORT
import http from 'node:http';

const [host, port] = [process.argv[2] ?? '127.0.0.1', Number(process.argv[3] ?? 8080)];

function person(id) {
  const n = Number(id) || 0;
  const tags = Array.from({ length: n % 40 }, (_, i) => `tag-${(n * 7 + i) % 997}`);
  return { personid: String(id), name: `Person ${id}`, email: `p${id}@example.org`, score: (n % 1000) / 10, tags };
}

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
  });
}

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer(async (req, res) => {
  const body = await readBody(req);
  const url = req.url ?? '/';
  let m;
  if (req.method === 'GET' && (m = url.match(/^\/persons\/(\d+)$/))) return json(res, 200, person(m[1]));
  if (req.method === 'GET' && (m = url.match(/^\/persons\/(\d+)\/items$/))) {
    res.writeHead(200, { 'Content-Type': 'application/json' }); // no length: chunked
    const count = (Number(m[1]) % 6) + 1;
    res.write('[');
    for (let i = 0; i < count; i++) {
      res.write((i ? ',' : '') + JSON.stringify({ itemid: String(1000 + i), title: `Item ${i}`, price: i * 1.5 }));
    }
    return res.end(']');
  }
  if (req.method === 'POST' && url === '/persons') {
    let value = {};
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {}
    return json(res, 201, { ...value, personid: String(1234 + (body.length % 5000)) });
  }
  if (req.method === 'PUT' && (m = url.match(/^\/items\/(\d+)$/))) {
    let value = {};
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {}
    return json(res, 200, { ...value, itemid: m[1] });
  }
  if (req.method === 'DELETE' && url.startsWith('/items/')) {
    res.writeHead(204);
    return res.end();
  }
  json(res, 404, { error: 'not found', path: url });
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => console.log(`bench server listening on ${host} port ${port}`));
