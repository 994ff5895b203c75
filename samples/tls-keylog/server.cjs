// The HTTPS side of the tls-keylog sample: a small Person API on node:http2's secure server with
// allowHTTP1, so one port answers HTTP/2 (ALPN h2) and HTTP/1.1 (ALPN http/1.1).
// usage: node server.cjs PORT KEY.pem CERT.pem
'use strict';
const http2 = require('node:http2');
const fs = require('node:fs');

const [port, keyFile, certFile] = process.argv.slice(2);
const persons = new Map([
  [1, { id: 1, name: 'Ada Lovelace', email: 'ada@example.test' }],
  [2, { id: 2, name: 'Alan Turing', email: 'alan@example.test' }],
]);
let nextId = 3;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http2.createSecureServer(
  { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), allowHTTP1: true },
  (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/persons(?:\/(\d+))?$/.exec(req.url);
      if (!m) return send(res, 404, { error: 'no such path', path: req.url });
      const id = m[1] ? Number(m[1]) : undefined;
      if (req.method === 'GET' && id === undefined) return send(res, 200, [...persons.values()]);
      if (req.method === 'GET') return persons.has(id) ? send(res, 200, persons.get(id)) : send(res, 404, { error: 'no such person', id });
      if (req.method === 'POST' && id === undefined) {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(res, 400, { error: 'body is not JSON' });
        }
        const p = { id: nextId++, name: String(body.name ?? ''), email: String(body.email ?? '') };
        persons.set(p.id, p);
        return send(res, 201, p);
      }
      if (req.method === 'DELETE' && id !== undefined) {
        if (!persons.delete(id)) return send(res, 404, { error: 'no such person', id });
        res.writeHead(204);
        return res.end();
      }
      send(res, 405, { error: 'method not allowed' });
    });
  },
);
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port}`));
