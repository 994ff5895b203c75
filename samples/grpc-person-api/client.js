// gRPC Person API client. Usage: node client.js PORT [scenario]
// scenario "all" (default): every kind of call; "mid-before" / "mid-after": the halves of the
// mid-connection sample (one channel, the capture starts between them; see ../grpc-midstream);
// "basic": GetPerson found and not found, a small server stream, a bidi chat (../http-proxy).
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const port = Number(process.argv[2] || 50051);
const scenario = process.argv[3] || 'all';
const def = loader.loadSync(path.join(__dirname, 'person.proto'), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const pkg = grpc.loadPackageDefinition(def).callscope.person.v1;

const deadline = (ms) => new Date(Date.now() + ms);
const unary = (c, method, req, opts = {}, meta = new grpc.Metadata()) =>
  new Promise((resolve) => c[method](req, meta, { deadline: deadline(5000), ...opts }, (err, res) => resolve(err ? `${method}: ${err.code} ${err.details}` : res)));
const collect = (stream) => new Promise((resolve) => { const out = []; stream.on('data', (d) => out.push(d)); stream.on('end', () => resolve(out)); stream.on('error', (e) => resolve(e.message)); });

async function basic(c) {
  console.log(await unary(c, 'GetPerson', { id: 1 }));
  console.log(await unary(c, 'GetPerson', { id: 42 })); // NOT_FOUND
}

async function rest(c, gz) {
  console.log(await unary(c, 'GetPerson', { id: 99 }, { deadline: deadline(300) })); // DEADLINE_EXCEEDED
  // Server streaming, one large message (100 KB avatar) spread over several DATA frames.
  console.log((await collect(c.ListPersons({ page_size: 3, avatar_bytes: 100000 }, { deadline: deadline(5000) }))).length);
  // Client streaming.
  const summary = await new Promise((resolve) => {
    const s = c.CreatePersons({ deadline: deadline(5000) }, (err, res) => resolve(err ? err.message : res));
    for (const id of [7, 8, 9]) s.write({ id, name: `person ${id}`, role: 'ROLE_USER' });
    s.end();
  });
  console.log(summary);
  // Bidi streaming.
  const chat = c.Chat({ deadline: deadline(5000) });
  const replies = collect(chat);
  for (const text of ['hello', 'how are you', 'bye']) chat.write({ from: 'client', text });
  chat.end();
  console.log(await replies);
  // gzip-compressed request and response (channel default compression).
  console.log(await unary(gz, 'GetPerson', { id: 2 }));
  // Cancelled by the client (RST_STREAM CANCEL).
  const s = c.ListPersons({ page_size: 1000, avatar_bytes: 1000 });
  await new Promise((r) => s.once('data', r));
  s.on('error', () => {});
  s.cancel();
  await new Promise((r) => setTimeout(r, 200));
}

async function main() {
  const addr = `127.0.0.1:${port}`;
  const c = new pkg.PersonService(addr, grpc.credentials.createInsecure());
  const gz = new pkg.PersonService(addr, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2, 'grpc.use_local_subchannel_pool': 1 });
  if (scenario === 'all') {
    await basic(c);
    await rest(c, gz);
  } else if (scenario === 'basic') {
    await basic(c);
    console.log((await collect(c.ListPersons({ page_size: 2 }, { deadline: deadline(5000) }))).length);
    const chat = c.Chat({ deadline: deadline(5000) });
    const replies = collect(chat);
    chat.write({ from: 'client', text: 'through the proxy' });
    chat.end();
    console.log(await replies);
  } else if (scenario === 'mid') {
    // One channel; the make script starts the capture when it sees "READY" on stdout.
    await basic(c);
    console.log('READY');
    await new Promise((r) => process.stdin.once('data', r));
    await basic(c);
    const chat = c.Chat();
    const replies = collect(chat);
    chat.write({ from: 'client', text: 'after the capture started' });
    chat.end();
    console.log(await replies);
  }
  c.close();
  gz.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
