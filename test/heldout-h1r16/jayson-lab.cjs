// jayson-lab.cjs MODE PORT: jayson 4 (npm) JSON-RPC server and client on loopback, held-out round 16.
//   http: 2.0 over HTTP (keep-alive agent): calls with number, string and null-free custom ids, an error
//         with data, an unknown method, invalid params, notifications, a batch of calls + a notification,
//         a batch of notifications only (no response body), a 1.0 client (version: 1) against the same server.
//   tcp:  2.0 over raw TCP (jayson's tcp server/client: JSON texts back to back, no framing), a batch too.
// jayson is looked up from NODE_PATH (npm install jayson@4 outside the repo). One JSON line per call.
const jayson = require('jayson');
const http = require('node:http');
const [mode, portS] = process.argv.slice(2);
const port = Number(portS);
const methods = {
  add: (args, cb) => (Array.isArray(args) && args.every((n) => typeof n === 'number') ? cb(null, args.reduce((a, b) => a + b, 0)) : cb({ code: -32602, message: 'Invalid params', data: { got: args } })),
  fail: (args, cb) => cb({ code: 4001, message: 'deliberate', data: { detail: [1, 'two', null], nested: { ok: false } } }),
  plain: (args, cb) => cb({ code: -32000, message: 'no data member' }),
  log: (args, cb) => cb(),
  slow: (args, cb) => setTimeout(() => cb(null, args), 30),
  big: (args, cb) => cb(null, 'x'.repeat(200000)),
};
const server = new jayson.Server(methods, { useContext: false });
const log = (o) => console.log(JSON.stringify(o));
const done = (method, id) => (err, resp) => {
  if (err) return log({ method, id, transport: String(err.message ?? err) });
  if (resp === undefined) return log({ method, id, notification: true });
  if (Array.isArray(resp)) return log({ method, batch: resp.map((r) => (r.error ? r.error.code : 'ok')) });
  log({ method, id: resp.id, ...(resp.error ? { error: resp.error.code } : { result: 'ok' }) });
};
async function drive(client, client1) {
  const call = (m, p, id) => new Promise((res) => client.request(m, p, id, (e, r) => (done(m, id)(e, r), res())));
  await call('add', [1, 2, 3], 1);
  await call('add', [0.1, 0.2], 'str-id-é');
  await call('add', ['x'], 0);
  await call('fail', [], -7);
  await call('plain', [], 'plain');
  await call('nope', {}, 99);
  await call('big', [], 'big');
  await call('log', ['a notification'], null); // jayson: id null = notification
  await new Promise((res) => client.request([client.request('add', [40, 2], 'b1'), client.request('fail', [], 'b2'), client.request('log', ['in batch'], null), client.request('nope', [], 'b3')], (e, r) => (done('batch')(e, r), res())));
  // jayson's TCP client waits for ever for the answer to a batch of notifications only (none comes)
  if (client1) await new Promise((res) => client.request([client.request('log', ['n1'], null), client.request('log', ['n2'], null)], (e, r) => (done('batch-notifications')(e, r), res())));
  // three at once (responses out of order on TCP)
  await Promise.all([call('slow', { n: 1 }, 's1'), call('add', [1], 's2'), call('slow', { n: 3 }, 's3')]);
  if (client1) await new Promise((res) => client1.request('add', [5, 5], 'one', (e, r) => (done('add', 'one')(e, r), res())));
}
(async () => {
  let srv;
  if (mode === 'http') {
    srv = server.http();
    await new Promise((r) => srv.listen(port, '127.0.0.1', r));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const client = jayson.Client.http({ host: '127.0.0.1', port, path: '/rpc', agent });
    const client1 = jayson.Client.http({ host: '127.0.0.1', port, path: '/rpc', version: 1, agent });
    await drive(client, client1);
    agent.destroy();
  } else {
    srv = server.tcp();
    await new Promise((r) => srv.listen(port, '127.0.0.1', r));
    await drive(jayson.Client.tcp({ host: '127.0.0.1', port }));
  }
  srv.close();
  setTimeout(() => process.exit(0), 200);
})();
setTimeout(() => process.exit(1), 20000);
