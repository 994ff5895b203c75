// Connect-ES (@connectrpc/connect-node 2.x) server and client over the Connect, gRPC and gRPC-Web
// protocols, on h2c and HTTP/1.1, with the heldout.api.v1.Lab service of protos/ (descriptors
// from `protoc --descriptor_set_out=lab.pb --include_imports`, no code generation).
//   node connect-lab.cjs LAB.pb PORT_H2 PORT_H1
// Starts both servers on 127.0.0.1, runs every client scenario once, stops. Needs NODE_PATH with
// @connectrpc/connect, @connectrpc/connect-node, @bufbuild/protobuf.
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const { fromBinary, fromJson, createFileRegistry, create } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
const { createClient, ConnectError, Code } = require('@connectrpc/connect');
const { connectNodeAdapter, createConnectTransport, createGrpcTransport, createGrpcWebTransport, compressionGzip } = require('@connectrpc/connect-node');

const [pbFile, portH2, portH1] = [process.argv[2], Number(process.argv[3] || 22510), Number(process.argv[4] || 22511)];
const reg = createFileRegistry(fromBinary(FileDescriptorSetSchema, fs.readFileSync(pbFile)));
const Lab = reg.getService('heldout.api.v1.Lab');
const S = (n) => reg.getMessage(n);
const Everything = S('heldout.types.Everything');
const Item = S('heldout.types.Item');
const CountReply = S('heldout.api.v1.CountReply');
const CountRequest = S('heldout.api.v1.CountRequest');
const Empty = S('google.protobuf.Empty');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const impl = {
  async echo(req, ctx) {
    ctx.responseHeader.set('x-echo', 'yes');
    ctx.responseTrailer.set('x-trailer-bin', Buffer.from([0, 1, 2, 0xff]).toString('base64'));
    return req;
  },
  async *count(req) {
    for (let i = 0; i < req.n; i++) yield create(CountReply, { i, blob: new Uint8Array(i * 100) });
    if (req.pad === 'fail-at-end') throw new ConnectError('stopped after the last reply', Code.ResourceExhausted);
  },
  async sum(reqs) {
    let n = 0;
    for await (const r of reqs) n += r.i;
    return create(CountRequest, { n });
  },
  async *chat(reqs) {
    for await (const r of reqs) yield create(Item, { name: `re: ${r.name}`, tags: r.tags });
  },
  async fail() {
    throw new ConnectError('no such thing', Code.NotFound, { 'x-why': 'because' }, [{ desc: Item, value: create(Item, { name: 'detail', tags: [{ key: 'k', weight: 5n }] }) }]);
  },
  async slow(req, ctx) {
    await sleep(req.n);
    if (ctx.signal.aborted) throw new ConnectError('late', Code.DeadlineExceeded);
    return create(Empty, {});
  },
  async lookup(req) {
    return create(CountReply, { i: req.n * 2 });
  },
};

const everything = fromJson(Everything, {
  i32: -5, i64: '-9007199254740993', u64: '18446744073709551615', s32: -3, s64: '-4', f32: 4000000000, sf64: '-7',
  d: 1.5, f: 0.25, b: true, s: 'héllo', by: 'AAEC/g==', color: 'GREEN',
  packedInts: [1, 2, 300], unpackedInts: [7, 8], colors: ['RED', 5],
  items: { first: { name: 'one', tags: [{ key: 'a', weight: '1' }] } }, namesById: { '42': 'answer' },
  item: { name: 'chosen' }, maybe: 0,
  at: '2023-11-14T22:13:20.123Z', took: '1.500s',
  meta: { a: 1, b: [true, null, 'x'], c: { d: 'e' } }, anyValue: 3.5,
  detail: { '@type': 'type.googleapis.com/heldout.types.Item', name: 'packed' },
  big: '12345678901234', label: '', flag: false, mask: 'a.b,c',
  list: [1, 'two'], topTag: { key: 't', weight: '0' }, doubles: [0.1, -2],
}, { registry: reg });

async function scenarios(name, transport, opts = {}) {
  const c = createClient(Lab, transport);
  const log = (...a) => console.log(name, ...a);
  try {
    const r = await c.echo(everything, { headers: { 'x-meta-bin': Buffer.from('bin\0ary').toString('base64'), 'x-plain': 'p' } });
    log('echo ok', r.i32);
  } catch (e) { log('echo err', e.message); }
  try {
    let n = 0;
    for await (const r of c.count({ n: 4 })) n += r.i;
    log('count', n);
  } catch (e) { log('count err', e.message); }
  try {
    for await (const _ of c.count({ n: 2, pad: 'fail-at-end' })) void _;
  } catch (e) { log('count-fail', e.code); }
  if (!opts.noClientStream) {
    try {
      const up = async function* () { for (let i = 1; i <= 3; i++) yield create(CountReply, { i }); };
      log('sum', (await c.sum(up())).n);
    } catch (e) { log('sum err', e.message); }
    try {
      const up = async function* () { for (const n of ['a', 'b']) yield create(Item, { name: n }); };
      for await (const r of c.chat(up())) log('chat', r.name);
    } catch (e) { log('chat err', e.message); }
  }
  try { await c.fail({}); } catch (e) { log('fail', e.code, e.details.length); }
  try { await c.slow({ n: 300 }, { timeoutMs: 100 }); } catch (e) { log('slow', e.code); }
  try { log('lookup', (await c.lookup({ n: 21 })).i); } catch (e) { log('lookup err', e.message); }
  try {
    const r = await c.count({ n: 3, pad: 'x'.repeat(40000) });
    for await (const _ of r) void _;
  } catch (e) { log('bigpad err', e.message); }
}

async function main() {
  const handler = connectNodeAdapter({ routes: (router) => router.service(Lab, impl), jsonOptions: { registry: reg }, acceptCompression: [compressionGzip] });
  const h2 = http2.createServer(handler).listen(portH2, '127.0.0.1');
  const h1 = http.createServer(handler).listen(portH1, '127.0.0.1');
  await sleep(200);
  const only = process.env.ONLY;
  const base2 = `http://127.0.0.1:${portH2}`;
  const base1 = `http://127.0.0.1:${portH1}`;
  const json = { registry: reg };
  const runs = {
    'connect-h2-proto': () => scenarios('connect-h2-proto', createConnectTransport({ baseUrl: base2, httpVersion: '2', useBinaryFormat: true, jsonOptions: json })),
    'connect-h2-json': () => scenarios('connect-h2-json', createConnectTransport({ baseUrl: base2, httpVersion: '2', useBinaryFormat: false, jsonOptions: json, useHttpGet: true })),
    'connect-h1-json': () => scenarios('connect-h1-json', createConnectTransport({ baseUrl: base1, httpVersion: '1.1', useBinaryFormat: false, jsonOptions: json }), { noClientStream: true }),
    'connect-h1-gzip': () => scenarios('connect-h1-gzip', createConnectTransport({ baseUrl: base1, httpVersion: '1.1', useBinaryFormat: true, sendCompression: compressionGzip, acceptCompression: [compressionGzip], compressMinBytes: 1, jsonOptions: json }), { noClientStream: true }),
    'grpc-h2': () => scenarios('grpc-h2', createGrpcTransport({ baseUrl: base2, jsonOptions: json })),
    'grpc-h2-json': () => scenarios('grpc-h2-json', createGrpcTransport({ baseUrl: base2, useBinaryFormat: false, jsonOptions: json })),
    'grpc-h2-gzip': () => scenarios('grpc-h2-gzip', createGrpcTransport({ baseUrl: base2, sendCompression: compressionGzip, compressMinBytes: 1, jsonOptions: json })),
    'grpcweb-h1': () => scenarios('grpcweb-h1', createGrpcWebTransport({ baseUrl: base1, httpVersion: '1.1', jsonOptions: json }), { noClientStream: true }),
    'grpcweb-h2': () => scenarios('grpcweb-h2', createGrpcWebTransport({ baseUrl: base2, httpVersion: '2', jsonOptions: json })),
  };
  for (const [k, run] of Object.entries(runs)) if (!only || only.split(',').includes(k)) await run();
  await sleep(200);
  h1.close();
  h2.close();
  setTimeout(() => process.exit(0), 500).unref();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
