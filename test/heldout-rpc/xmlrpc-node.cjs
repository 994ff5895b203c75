// Held-out XML-RPC check: npm `xmlrpc` server and client on 127.0.0.1:PORT; prints what the client saw.
const xmlrpc = require('xmlrpc');
const port = Number(process.argv[2] || 22010);
const server = xmlrpc.createServer({ host: '127.0.0.1', port }, () => run());
server.on('add', (err, params, cb) => cb(null, params[0] + params[1]));
server.on('echo', (err, params, cb) => cb(null, params[0]));
server.on('fail', (err, params, cb) => { const e = new Error('bad thing'); e.code = 42; e.faultCode = 42; e.faultString = 'bad thing <&>'; cb(e); });
server.on('NotFound', (method, params) => {});
function call(client, m, p) {
  return new Promise((res) => client.methodCall(m, p, (err, v) => { console.log(JSON.stringify({ method: m, params: p, err: err ? { message: err.message, code: err.code, faultCode: err.faultCode, faultString: err.faultString } : undefined, value: v })); res(); }));
}
async function run() {
  const client = xmlrpc.createClient({ host: '127.0.0.1', port, path: '/RPC2' });
  await call(client, 'add', [2, 3]);
  await call(client, 'add', [1.5, 2.25]);
  await call(client, 'echo', [{ name: 'Ada <Lovelace>', age: 36, tags: ['a', 'b'], nested: { ok: true, none: null }, when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), blob: Buffer.from('hi\u0000there') }]);
  await call(client, 'echo', [[]]);
  await call(client, 'echo', [{}]);
  await call(client, 'echo', ['']);
  await call(client, 'echo', ['unicode: é 中文 😀']);
  await call(client, 'echo', [-2147483648]);
  await call(client, 'echo', [1e300]);
  await call(client, 'echo', [[1, 'two', false, [3]]]);
  await call(client, 'fail', []);
  await call(client, 'system.multicall', [[{ methodName: 'add', params: [1, 2] }, { methodName: 'fail', params: [] }]]);
  const c2 = xmlrpc.createClient({ host: '127.0.0.1', port, path: '/RPC2', encoding: 'ISO-8859-1' });
  await call(c2, 'echo', ['latin1 é']);
  server.close();
  process.exit(0);
}
setTimeout(() => process.exit(3), 15000);
