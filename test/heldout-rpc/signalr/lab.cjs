// SignalR JSON hub protocol: the real @microsoft/signalr client (10.x) against a small hub server written here to
// the protocol's documents (negotiate, handshake, invocations, completions, a stream, server-to-client calls).
const http = require('node:http');
const { WebSocketServer } = require('ws');
const signalR = require('@microsoft/signalr');
const port = Number(process.argv[2] || 22090);
const RS = '\x1e';
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/chat/negotiate')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ negotiateVersion: 1, connectionId: 'c1', connectionToken: 't1', availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }] }));
  } else res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/chat' });
wss.on('connection', (ws) => {
  let hand = false;
  const send = (o) => ws.send(JSON.stringify(o) + RS);
  ws.on('message', (data) => {
    for (const rec of String(data).split(RS).filter(Boolean)) {
      const m = JSON.parse(rec);
      if (!hand) {
        hand = true;
        ws.send('{}' + RS);
        continue;
      }
      if (m.type === 1 && m.target === 'SendMessage') {
        send({ type: 1, target: 'ReceiveMessage', arguments: m.arguments });
        if (m.invocationId) send({ type: 3, invocationId: m.invocationId, result: { delivered: true } });
      } else if (m.type === 1 && m.target === 'Fail') send({ type: 3, invocationId: m.invocationId, error: 'An unexpected error occurred invoking \'Fail\' on the server.' });
      else if (m.type === 4) {
        for (let i = 1; i <= 3; i++) send({ type: 2, invocationId: m.invocationId, item: i * m.arguments[0] });
        send({ type: 3, invocationId: m.invocationId });
      } else if (m.type === 6) send({ type: 6 });
    }
  });
});
server.listen(port, '127.0.0.1', async () => {
  const conn = new signalR.HubConnectionBuilder().withUrl(`http://127.0.0.1:${port}/chat`, { transport: signalR.HttpTransportType.WebSockets }).configureLogging(signalR.LogLevel.Warning).build();
  conn.on('ReceiveMessage', (u, m) => console.log('received', u, m));
  await conn.start();
  console.log('invoke', JSON.stringify(await conn.invoke('SendMessage', 'ada', 'hello')));
  await conn.send('SendMessage', 'ada', 'fire and forget');
  try { await conn.invoke('Fail'); } catch (e) { console.log('error', e.message); }
  await new Promise((resolve) => conn.stream('Counter', 7).subscribe({ next: (v) => console.log('item', v), complete: resolve, error: resolve }));
  await conn.stop();
  server.close();
  process.exit(0);
});
setTimeout(() => process.exit(3), 10000).unref();
