// Held-out JSON-RPC check: npm json-rpc-2.0 over node:http (port P), jayson over raw TCP (port P+1).
const http = require('node:http');
const { JSONRPCServer, JSONRPCClient } = require('json-rpc-2.0');
const jayson = require('jayson');
const P = Number(process.argv[2] || 22020);
const log = (o) => console.log(JSON.stringify(o));
const server = new JSONRPCServer();
server.addMethod('add', ({ a, b }) => a + b);
server.addMethod('sum', (xs) => xs.reduce((s, x) => s + x, 0));
server.addMethod('echo', (p) => p);
server.addMethod('note', () => { log({ server: 'notified' }); });
server.addMethod('boom', () => { const e = new Error('kaboom'); throw e; });
const hs = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    let parsed;
    try { parsed = JSON.parse(body); } catch { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })); }
    const r = await server.receive(parsed);
    if (r) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(r)); } else { res.writeHead(204); res.end(); }
  });
});
const ts = jayson.server({
  add: (args, cb) => cb(null, args[0] + args[1]),
  fail: (args, cb) => cb({ code: 4000, message: 'jayson says no', data: { why: 'test' } }),
  ping: (args, cb) => cb(null, 'pong'),
}).tcp();
hs.listen(P, '127.0.0.1', () => ts.listen(P + 1, '127.0.0.1', run));
async function run() {
  const client = new JSONRPCClient(async (req) => {
    const r = await fetch(`http://127.0.0.1:${P}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
    if (r.status === 200) client.receive(await r.json());
    else if (req.id !== undefined) throw new Error(r.statusText);
  });
  const t = async (name, f) => { try { log({ call: name, result: await f() }); } catch (e) { log({ call: name, error: e.message, code: e.code, data: e.data }); } };
  await t('add', () => client.request('add', { a: 1, b: 2 }));
  await t('sum', () => client.request('sum', [1, 2, 3.5]));
  await t('echo', () => client.request('echo', { deep: { list: [null, true, 'x'], n: -0.5 } }));
  await t('boom', () => client.request('boom', {}));
  await t('nosuch', () => client.request('nosuch', []));
  await t('note', () => client.notify('note', { x: 1 }));
  await t('batch', () => client.requestAdvanced([
    { jsonrpc: '2.0', id: 10, method: 'add', params: { a: 5, b: 6 } },
    { jsonrpc: '2.0', method: 'note' },
    { jsonrpc: '2.0', id: 'eleven', method: 'nosuch' },
    { jsonrpc: '2.0', id: 12, method: 'sum', params: [1, 1] },
  ]));
  // raw bodies: a parse error and an invalid request
  for (const body of ['{"jsonrpc":"2.0","method":"add",', '{"jsonrpc":"2.0","id":7,"method":1}', '[]']) {
    const r = await fetch(`http://127.0.0.1:${P}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    log({ raw: body, status: r.status, body: await r.text() });
  }
  const tc = jayson.client.tcp({ host: '127.0.0.1', port: P + 1 });
  const jt = (m, p) => new Promise((res) => tc.request(m, p, (err, resp) => { log({ tcp: m, err: err && err.message, resp }); res(); }));
  await jt('add', [3, 4]);
  await jt('fail', []);
  await jt('nosuch', []);
  await new Promise((res) => tc.request([tc.request('ping', [], undefined, false), tc.request('add', [1, 1], undefined, false), tc.request('ping', [], null, false)], (err, resps) => { log({ tcpBatch: resps, err: err && err.message }); res(); }));
  await new Promise((res) => tc.request('ping', [], null, (err) => { log({ tcpNotify: 'ping', err: err && err.message }); res(); }));
  hs.close(); ts.close();
  setTimeout(() => process.exit(0), 200);
}
setTimeout(() => process.exit(3), 15000);
