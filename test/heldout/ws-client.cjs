// ws server + client on 127.0.0.1:21600: permessage-deflate with context takeover and 10-bit
// windows, messages fragmented by hand (fin:false), a 300 KB compressed text, binary, ping/pong with
// payloads, a JSON-RPC pair, close 4000 with a reason. Logs JSON lines.
const WebSocket = require('ws');
const log = (o) => console.log(JSON.stringify(o));
const wss = new WebSocket.Server({ host: '127.0.0.1', port: 21600, perMessageDeflate: { threshold: 0, serverMaxWindowBits: 10, clientMaxWindowBits: 10 } });
wss.on('connection', (s) => {
  s.on('message', (m, isBinary) => {
    log({ server: isBinary ? `<binary ${m.length}>` : m.length > 80 ? `<text ${m.length}>` : m.toString() });
    const t = m.toString();
    if (t.startsWith('{"jsonrpc"')) { const r = JSON.parse(t); s.send(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: r.params[0] + r.params[1] })); }
    else if (!isBinary) s.send('echo ' + (t.length > 80 ? t.length : t));
  });
  s.on('ping', (d) => log({ serverPing: d.toString() }));
  s.on('close', (code, reason) => log({ serverClose: code, reason: reason.toString() }));
});
const c = new WebSocket('ws://127.0.0.1:21600/chat', { perMessageDeflate: { clientMaxWindowBits: 10 } });
c.on('message', (m) => log({ client: m.length > 80 ? `<${m.length}>` : m.toString() }));
c.on('pong', (d) => log({ pong: d.toString() }));
c.on('open', async () => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  c.send('hello hello hello'); await wait(50);
  c.send('hello hello hello'); await wait(50); // context takeover: compresses better the second time
  c.send('part one, ', { fin: false }); c.send('part two, ', { fin: false }); c.send('part three', { fin: true }); await wait(50);
  c.send(Buffer.from([0, 1, 2, 3, 255]), { binary: true }); await wait(50);
  c.send('z'.repeat(300000)); await wait(200);
  c.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'add', params: [2, 3] })); await wait(50);
  c.ping('are you there'); await wait(50);
  c.close(4000, 'bye for now'); await wait(200);
  wss.close(); log({ done: true });
});
setTimeout(() => process.exit(0), 5000);
