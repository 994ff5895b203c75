// @grpc/grpc-js server for proto/lab.proto (the Ruby client's cross-check). Usage:
// NODE_PATH=<repo>/samples/node_modules node node-server.cjs PORT SECONDS — stops after SECONDS.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const def = loader.loadSync(path.join(__dirname, 'proto/lab.proto'), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const pkg = grpc.loadPackageDefinition(def).rubylab.v1;
const [port, seconds] = [process.argv[2] || '22212', Number(process.argv[3] || 20)];

const item = (i) => ({ name: `item-${i}`, id: String(10_000_000_000 + i), price: i * 1.25, counts: [1, -2, i], labels: { k: `v${i}` }, color: 'GREEN', text: `t${i}` });
const fail = (code, message, extra) => {
  const md = new grpc.Metadata();
  md.set('x-trail', 'node');
  for (const [k, v] of Object.entries(extra || {})) md.set(k, v);
  return { code, details: message, metadata: md };
};
const server = new grpc.Server();
server.addService(pkg.Shop.service, {
  Get(call, cb) {
    const id = Number(call.request.id);
    const md = new grpc.Metadata();
    md.set('x-server', 'node');
    call.sendMetadata(md);
    if (id === 404) return cb(fail(grpc.status.NOT_FOUND, 'item 404 not found', { 'x-extra-bin': Buffer.from([0, 1, 2]) }));
    if (id === 500) return cb(fail(grpc.status.INTERNAL, 'server blew up'));
    if (id === 403) return cb(fail(grpc.status.PERMISSION_DENIED, 'nope: ünïcode % text'));
    if (id === 3) return cb(null, { ...item(3), blob: Buffer.alloc(3 * 1024 * 1024, 0x78) });
    const delay = Number(call.request.delay_ms || 0);
    setTimeout(() => cb(null, item(id)), delay);
  },
  List(call) {
    const n = Number(call.request.count || 0), failAt = Number(call.request.fail_at || 0);
    let i = 0;
    const tick = () => {
      if (call.cancelled) return;
      if (failAt && i === failAt) return call.emit('error', fail(grpc.status.RESOURCE_EXHAUSTED, `quota at ${i}`));
      if (i >= n) return call.end();
      call.write(item(i++));
      setImmediate(tick);
    };
    tick();
  },
  Upload(call, cb) {
    let items = 0, sum = 0;
    call.on('data', (m) => { items++; sum += m.price || 0; });
    call.on('end', () => cb(null, { items, sum }));
  },
  Chat(call) {
    call.on('data', (m) => call.write({ name: `re: ${m.name}`, id: String(Number(m.id) * 2) }));
    call.on('end', () => call.end());
  },
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log('listening', port);
  setTimeout(() => server.forceShutdown(), seconds * 1000);
});
