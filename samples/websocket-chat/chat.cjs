// npm "ws" server and client on loopback: plain (8600), permessage-deflate with context takeover
// (8601) and permessage-deflate without context takeover in both directions (8602).
const { WebSocketServer, WebSocket } = require('ws');

function server(port, perMessageDeflate) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate });
  wss.on('connection', (ws) => {
    ws.send('welcome to /chat');
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.send(data, { binary: true });
      const text = data.toString();
      let msg;
      try {
        msg = JSON.parse(text);
      } catch {}
      if (msg && msg.jsonrpc === '2.0' && msg.id !== undefined) {
        if (msg.method === 'add') return ws.send(JSON.stringify({ jsonrpc: '2.0', result: msg.params[0] + msg.params[1], id: msg.id }));
        return ws.send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: msg.id }));
      }
      ws.send(`echo: ${text}`);
    });
  });
  return new Promise((r) => wss.on('listening', () => r(wss)));
}

function client(port, perMessageDeflate, script) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat?room=1`, { perMessageDeflate });
    ws.on('close', resolve);
    ws.on('open', () => script(ws));
  });
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const deflate = { threshold: 0 };
  const noCtx = { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true };
  const servers = [await server(8600, false), await server(8601, deflate), await server(8602, noCtx)];
  await client(8600, false, async (ws) => {
    ws.send('hello');
    ws.send(JSON.stringify({ type: 'chat', text: 'hi there', tags: ['a', 'b'] }));
    // One message in three frames: text frame with FIN=0, then continuations.
    ws.send('part one, ', { fin: false });
    ws.send('part two, ', { fin: false });
    ws.send('part three', { fin: true });
    ws.send(Buffer.from([0, 1, 2, 3, 254, 255]), { binary: true });
    ws.ping('are you there?');
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'add', params: [2, 3], id: 1 }));
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'nope', id: 'x-2' }));
    await wait(200);
    ws.close(4000, 'bye from client');
  });
  for (const [port, opts] of [[8601, deflate], [8602, noCtx]]) {
    await client(port, opts, async (ws) => {
      // Repeated text compresses much better with context takeover (8601) than without (8602).
      for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ type: 'chat', text: 'the same sentence again and again', n: i }));
      ws.send('x'.repeat(2000));
      await wait(200);
      ws.close(1000, 'done');
    });
  }
  await wait(100);
  for (const s of servers) s.close();
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
