// WebSocket over TLS (wss://) for the tls-keylog sample: node:https + the `ws` package (samples/node_modules).
//   node ws.cjs server PORT KEY.pem CERT.pem
//   node ws.cjs client PORT            (run with NODE_OPTIONS=--tls-keylog=FILE to log its keys)
'use strict';
const https = require('node:https');
const fs = require('node:fs');
const { WebSocket, WebSocketServer } = require('ws');

const [role, port, keyFile, certFile] = process.argv.slice(2);
if (role === 'server') {
  const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) });
  const wss = new WebSocketServer({ server, path: '/chat', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => ws.send(JSON.stringify({ echo: JSON.parse(String(data)), at: 'server' })));
  });
  server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port}`));
} else {
  const ws = new WebSocket(`wss://127.0.0.1:${port}/chat`, { rejectUnauthorized: false, servername: 'ws.callscope.test', perMessageDeflate: false });
  const said = [];
  ws.on('open', () => ws.send(JSON.stringify({ text: 'hello over TLS' })));
  ws.on('message', (m) => {
    said.push(String(m));
    if (said.length === 1) ws.send(JSON.stringify({ text: 'bye' }));
    else ws.close(1000, 'done');
  });
  ws.on('close', () => console.log(said.join('\n')));
}
