// HTTPS server for the tls-handshake sample: HTTP/2 and HTTP/1.1 over TLS on one port (node:http2
// with allowHTTP1), so ALPN decides which one a client gets. Usage: node server.cjs PORT KEY CERT
'use strict';
const http2 = require('node:http2');
const fs = require('node:fs');

const [port, keyFile, certFile] = process.argv.slice(2);
const server = http2.createSecureServer(
  { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), allowHTTP1: true },
  (req, res) => {
    const alpn = req.httpVersion === '2.0' ? req.stream.session.alpnProtocol : req.socket.alpnProtocol;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, httpVersion: req.httpVersion, alpn, servername: req.socket.servername || null }) + '\n');
  },
);
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
