// Held-out JSON-RPC check: json-rpc-2.0 JSONRPCServerAndClient over a WebSocket (npm ws), requests both ways,
// a batch, a notification, an error. Port P on 127.0.0.1.
const { WebSocketServer, WebSocket } = require('ws');
const { JSONRPCServerAndClient, JSONRPCServer, JSONRPCClient } = require('json-rpc-2.0');
const P = Number(process.argv[2] || 22024);
const log = (o) => console.log(JSON.stringify(o));
function peer(ws, name) {
  const p = new JSONRPCServerAndClient(new JSONRPCServer(), new JSONRPCClient((req) => { ws.send(JSON.stringify(req)); }));
  ws.on('message', (d) => p.receiveAndSend(JSON.parse(d.toString())));
  ws.on('close', (e) => p.rejectAllPendingRequests(`closed ${e}`));
  p.addMethod('whoami', () => name);
  p.addMethod('mul', ({ a, b }) => a * b);
  p.addMethod('bad', () => { throw new Error(`${name} refuses`); });
  return p;
}
const wss = new WebSocketServer({ host: '127.0.0.1', port: P }, () => {
  const ws = new WebSocket(`ws://127.0.0.1:${P}/rpc`);
  ws.on('open', async () => {
    const c = peer(ws, 'client');
    const t = async (n, f) => { try { log({ from: 'client', call: n, result: await f() }); } catch (e) { log({ from: 'client', call: n, error: e.message, code: e.code }); } };
    await t('whoami', () => c.request('whoami'));
    await t('mul', () => c.request('mul', { a: 6, b: 7 }));
    await t('bad', () => c.request('bad'));
    c.notify('mul', { a: 1, b: 1 });
    await t('batch', () => c.client.requestAdvanced([{ jsonrpc: '2.0', id: 100, method: 'mul', params: { a: 2, b: 3 } }, { jsonrpc: '2.0', id: 101, method: 'nosuch' }]));
    await new Promise((r) => setTimeout(r, 300));
    ws.close(1000, 'done');
    setTimeout(() => { wss.close(); process.exit(0); }, 200);
  });
});
wss.on('connection', (ws) => {
  const s = peer(ws, 'server');
  setTimeout(async () => {
    for (const [n, f] of [['whoami', () => s.request('whoami')], ['mul', () => s.request('mul', { a: 3, b: 5 })], ['bad', () => s.request('bad')]]) {
      try { log({ from: 'server', call: n, result: await f() }); } catch (e) { log({ from: 'server', call: n, error: e.message, code: e.code }); }
    }
  }, 50);
});
setTimeout(() => process.exit(3), 10000);
