// SignalR hub protocols: the real @microsoft/signalr client (10.x) — with the JSON hub protocol, or with
// @microsoft/signalr-protocol-msgpack's MessagePack hub protocol (`node lab.cjs PORT msgpack`) — against a
// small hub server written here to the protocol's documents (negotiate, handshake, invocations,
// completions, a stream, server-to-client calls). The MessagePack server side encodes with @msgpack/msgpack.
const http = require('node:http');
const { WebSocketServer } = require('ws');
const signalR = require('@microsoft/signalr');
const port = Number(process.argv[2] || 22090);
const msgpack = process.argv[3] === 'msgpack';
const RS = '\x1e';
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/chat/negotiate')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ negotiateVersion: 1, connectionId: 'c1', connectionToken: 't1', availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }] }));
  } else res.writeHead(404).end();
});

// MessagePack records: VarInt length + an array by position (HubProtocol.md, "MessagePack Encoding").
const mp = msgpack ? require('@msgpack/msgpack') : undefined;
const varint = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
};
const frame = (arr) => {
  const body = Buffer.from(mp.encode(arr));
  return Buffer.concat([varint(body.length), body]);
};
const records = (buf) => {
  const out = [];
  let i = 0;
  while (i < buf.length) {
    let len = 0;
    let shift = 0;
    let b;
    do {
      b = buf[i++];
      len |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    out.push(mp.decode(buf.subarray(i, i + len)));
    i += len;
  }
  return out;
};

const wss = new WebSocketServer({ server, path: '/chat' });
wss.on('connection', (ws) => {
  let hand = false;
  // one hub, two encodings: messages as the JSON records' fields
  const send = (o) => {
    if (!msgpack) return ws.send(JSON.stringify(o) + RS);
    const h = {};
    if (o.type === 1) ws.send(frame([1, h, o.invocationId ?? null, o.target, o.arguments, []]));
    else if (o.type === 2) ws.send(frame([2, h, o.invocationId, o.item]));
    else if (o.type === 3) ws.send(frame('error' in o ? [3, h, o.invocationId, 1, o.error] : 'result' in o ? [3, h, o.invocationId, 3, o.result] : [3, h, o.invocationId, 2]));
    else if (o.type === 6) ws.send(frame([6]));
  };
  const handle = (m) => {
    if (m.type === 1 && m.target === 'SendMessage') {
      send({ type: 1, target: 'ReceiveMessage', arguments: m.arguments });
      if (m.invocationId) send({ type: 3, invocationId: m.invocationId, result: { delivered: true } });
    } else if (m.type === 1 && m.target === 'Fail') send({ type: 3, invocationId: m.invocationId, error: "An unexpected error occurred invoking 'Fail' on the server." });
    else if (m.type === 4) {
      for (let i = 1; i <= 3; i++) send({ type: 2, invocationId: m.invocationId, item: i * m.arguments[0] });
      send({ type: 3, invocationId: m.invocationId });
    } else if (m.type === 6) send({ type: 6 });
  };
  ws.on('message', (data, isBinary) => {
    if (!hand || !isBinary) {
      for (const rec of String(data).split(RS).filter(Boolean)) {
        if (!hand) {
          hand = true;
          ws.send('{}' + RS);
          continue;
        }
        handle(JSON.parse(rec));
      }
      return;
    }
    for (const a of records(Buffer.from(data))) {
      const [type, , invocationId, target, args] = a;
      handle({ type, invocationId: typeof invocationId === 'string' ? invocationId : undefined, target, arguments: args });
    }
  });
});
server.listen(port, '127.0.0.1', async () => {
  let builder = new signalR.HubConnectionBuilder().withUrl(`http://127.0.0.1:${port}/chat`, { transport: signalR.HttpTransportType.WebSockets }).configureLogging(signalR.LogLevel.Warning);
  if (msgpack) builder = builder.withHubProtocol(new (require('@microsoft/signalr-protocol-msgpack').MessagePackHubProtocol)());
  const conn = builder.build();
  conn.on('ReceiveMessage', (u, m) => console.log('received', u, m));
  await conn.start();
  console.log('invoke', JSON.stringify(await conn.invoke('SendMessage', 'ada', 'hello')));
  await conn.send('SendMessage', 'ada', 'fire and forget');
  try {
    await conn.invoke('Fail');
  } catch (e) {
    console.log('error', e.message);
  }
  await new Promise((resolve) => conn.stream('Counter', 7).subscribe({ next: (v) => console.log('item', v), complete: resolve, error: resolve }));
  await conn.stop();
  server.close();
  process.exit(0);
});
setTimeout(() => process.exit(3), 10000).unref();
