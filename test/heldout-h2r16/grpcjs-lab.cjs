// grpcjs-lab.cjs PORT: @grpc/grpc-js server and client on 127.0.0.1:PORT with channel options that make
// unusual traffic: deflate by default, -bin metadata, 300 concurrent calls on one connection,
// client- and server-side message size limits, keepalive PINGs, Trailers-Only errors, an empty stream.
// Needs NODE_PATH with @grpc/grpc-js and @grpc/proto-loader. Prints one JSON line per call.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const path = require('node:path');

const port = Number(process.argv[2] ?? 28020);
const def = grpc.loadPackageDefinition(loader.loadSync(path.join(__dirname, 'lab.proto'), { keepCase: true, longs: Number, defaults: true }));
const Lab = def.lab.v1.Lab;
const Missing = def.lab.v1.Missing;
const log = (method, status, sent, recv, extra = {}) => console.log(JSON.stringify({ method, status, sent, recv, ...extra }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024, 'grpc.keepalive_permit_without_calls': 1, 'grpc.http2.min_ping_interval_without_data_ms': 50 });
server.addService(Lab.service, {
  Unary(call, cb) {
    const q = call.request;
    if (q.mode === 'fail') {
      const md = new grpc.Metadata();
      md.add('x-reason-bin', Buffer.from([0, 1, 2, 250, 251]));
      return cb({ code: grpc.status.FAILED_PRECONDITION, details: 'not now: 100% busy', metadata: md });
    }
    if (q.mode === 'echo-bin') {
      const md = new grpc.Metadata();
      md.add('x-echo-bin', call.metadata.get('x-blob-bin')[0] ?? Buffer.alloc(0));
      call.sendMetadata(md);
    }
    cb(null, { text: `echo:${q.text}`, n: q.n, blob: Buffer.alloc(q.n, 'y') });
  },
  ServerStream(call) {
    const q = call.request;
    if (q.mode === 'empty') return call.end(); // no messages, status 0
    if (q.mode === 'fail-after') {
      call.write({ text: 'one', n: 1 });
      return call.emit('error', { code: grpc.status.ABORTED, details: 'stopped after one' });
    }
    for (let i = 0; i < q.n && i < 1000; i++) call.write({ text: 'item', n: i, blob: Buffer.alloc(q.blob.length, 'x') });
    call.end();
  },
  ClientStream(call, cb) {
    let n = 0;
    call.on('data', () => n++);
    call.on('end', () => cb(null, { text: `got ${n}`, n }));
    call.on('error', () => {});
  },
  Bidi(call) {
    call.on('data', (q) => call.write({ text: `re:${q.text}`, n: q.n }));
    call.on('end', () => call.end());
    call.on('error', () => {});
  },
});

async function main() {
  await new Promise((res, rej) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  const opts = {
    'grpc.default_compression_algorithm': 1, // deflate
    'grpc.max_send_message_length': 100 * 1024,
    'grpc.keepalive_time_ms': 200,
    'grpc.keepalive_timeout_ms': 1000,
    'grpc.keepalive_permit_without_calls': 1,
  };
  const c = new Lab(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), opts);
  const unary = (req, md) =>
    new Promise((res) => {
      const m = md ?? new grpc.Metadata();
      c.Unary(req, m, (err, r) => {
        log('/lab.v1.Lab/Unary', err ? err.code : 0, err && err.code === grpc.status.RESOURCE_EXHAUSTED && /send/i.test(err.details) ? 0 : 1, err ? 0 : 1, { mode: req.mode });
        res(r);
      });
    });
  await unary({ text: 'hello', n: 20, mode: 'plain' });
  const md = new grpc.Metadata();
  md.add('x-blob-bin', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]));
  md.add('x-tenant', 'acme');
  await unary({ text: 'bin', n: 3, mode: 'echo-bin' }, md);
  await unary({ text: 'fail', n: 1, mode: 'fail' });
  await unary({ text: 'big', n: 1, mode: 'plain', blob: Buffer.alloc(80 * 1024, 'q') }); // over the server's 64 KiB limit (deflated far below it on the wire)
  await unary({ text: 'too-big', n: 1, mode: 'plain', blob: Buffer.alloc(120 * 1024, 'q') }); // over the client's own send limit
  await unary({ text: 'compressible', n: 30000, mode: 'plain' });
  // 300 concurrent unary calls on the one connection
  await Promise.all(Array.from({ length: 300 }, (_, i) => unary({ text: `c${i}`, n: i % 7, mode: 'plain' })));
  for (const [mode, n] of [['empty', 0], ['plain', 40], ['fail-after', 0]]) {
    await new Promise((res) => {
      let got = 0;
      const s = c.ServerStream({ text: 's', n, mode, blob: Buffer.alloc(mode === 'plain' ? 2000 : 0) });
      s.on('data', () => got++);
      s.on('error', (e) => {
        log('/lab.v1.Lab/ServerStream', e.code, 1, got, { mode });
        res();
      });
      s.on('status', (st) => {
        if (st.code === 0) {
          log('/lab.v1.Lab/ServerStream', 0, 1, got, { mode });
          res();
        }
      });
    });
  }
  await new Promise((res) => {
    const w = c.ClientStream((err, r) => {
      log('/lab.v1.Lab/ClientStream', err ? err.code : 0, 25, err ? 0 : 1);
      res(r);
    });
    for (let i = 0; i < 25; i++) w.write({ text: `p${i}`, n: i });
    w.end();
  });
  await new Promise((res) => {
    const b = c.Bidi();
    let got = 0;
    b.on('data', () => got++);
    b.on('status', (st) => {
      log('/lab.v1.Lab/Bidi', st.code, 5, got);
      res();
    });
    for (let i = 0; i < 5; i++) b.write({ text: `b${i}`, n: i });
    b.end();
  });
  await new Promise((res) => {
    const m = new Missing(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), opts);
    m.Nope({ text: 'x' }, (err) => {
      log('/lab.v1.Missing/Nope', err ? err.code : 0, 1, 0);
      m.close();
      res();
    });
  });
  await sleep(1000); // idle: keepalive PINGs
  await unary({ text: 'last', n: 2, mode: 'plain' });
  c.close();
  await new Promise((r) => server.tryShutdown(r));
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
setTimeout(() => process.exit(2), 30000).unref();
