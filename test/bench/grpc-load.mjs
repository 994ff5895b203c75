// One gRPC load client: CHANNELS channels (each its own TCP connection), each running two
// concurrent call loops (so streams interleave on the connection), until SIGTERM/SIGINT; then the
// calls in flight finish, the channels close and one JSON line with the counts is printed.
// The mix is deterministic per client (seeded PRNG): 50% GetPerson (unary, 1 in 10 NOT_FOUND),
// 25% ListPersons (server streaming: 1–8 Persons with 0–4000 avatar bytes), 15% CreatePersons
// (client streaming: 1–5 Persons), 10% Chat (bidi: 1–4 messages each way).
// Every channel is closed and replaced after RPCS_PER_CHANNEL calls, so connection set-ups and
// teardowns (preface, SETTINGS, GOAWAY) recur through the capture.
// Run: node grpc-load.mjs HOST PORT CHANNELS SEED
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'samples', 'package.json'));
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [host, port, channels, seed] = [
  process.argv[2] ?? '127.0.0.1',
  Number(process.argv[3] ?? 9250),
  Number(process.argv[4] ?? 2),
  Number(process.argv[5] ?? 1),
];
const RPCS_PER_CHANNEL = 4000;
const LOOPS_PER_CHANNEL = 2;
const def = loader.loadSync(join(root, 'samples', 'grpc-person-api', 'person.proto'), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const pkg = grpc.loadPackageDefinition(def).callscope.person.v1;

let state = (seed * 2654435761) >>> 0 || 1;
const rand = () => {
  // xorshift32
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));
const counts = { rpcs: 0, unary: 0, serverStream: 0, clientStream: 0, bidi: 0, ok: 0, failed: 0, messagesSent: 0, messagesReceived: 0 };

const deadline = () => ({ deadline: new Date(Date.now() + 30_000) });
const done = (err) => {
  counts.rpcs++;
  if (err) counts.failed++;
  else counts.ok++;
};

function unary(c) {
  counts.unary++;
  counts.messagesSent++;
  return new Promise((resolve) =>
    c.GetPerson({ id: String(int(1, 100000)) }, deadline(), (err) => {
      if (!err) counts.messagesReceived++;
      done(err);
      resolve();
    }),
  );
}

function collect(stream) {
  return new Promise((resolve) => {
    stream.on('data', () => counts.messagesReceived++);
    stream.on('end', () => resolve());
    stream.on('error', (e) => resolve(e));
  });
}

async function serverStream(c) {
  counts.serverStream++;
  counts.messagesSent++;
  const s = c.ListPersons({ page_size: int(1, 8), avatar_bytes: rand() < 0.5 ? 0 : int(1, 4000) }, deadline());
  done(await collect(s));
}

function clientStream(c) {
  counts.clientStream++;
  return new Promise((resolve) => {
    const s = c.CreatePersons(deadline(), (err) => {
      if (!err) counts.messagesReceived++;
      done(err);
      resolve();
    });
    const n = int(1, 5);
    for (let i = 0; i < n; i++) {
      const id = int(1, 100000);
      s.write({ id: String(id), name: `person ${id}`, email: `p${id}@example.org`, role: 'ROLE_USER', tags: ['bench'] });
    }
    counts.messagesSent += n;
    s.end();
  });
}

async function bidi(c) {
  counts.bidi++;
  const s = c.Chat(deadline());
  const replies = collect(s);
  const n = int(1, 4);
  for (let i = 0; i < n; i++) s.write({ from: `client ${seed}`, text: `message ${i} `.repeat(int(1, 20)), seq: i + 1 });
  counts.messagesSent += n;
  s.end();
  done(await replies);
}

async function channelLoop() {
  while (!stopping) {
    // grpc.use_local_subchannel_pool: a channel of its own, so each loop pair has its own connection.
    const c = new pkg.PersonService(`${host}:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    let left = RPCS_PER_CHANNEL;
    const loop = async () => {
      while (!stopping && left > 0) {
        left--;
        const r = rand();
        if (r < 0.5) await unary(c);
        else if (r < 0.75) await serverStream(c);
        else if (r < 0.9) await clientStream(c);
        else await bidi(c);
      }
    };
    await Promise.all(Array.from({ length: LOOPS_PER_CHANNEL }, loop));
    c.close();
  }
}

await Promise.all(Array.from({ length: channels }, channelLoop));
// Let the last GOAWAY / FIN go out before the capture stops.
await new Promise((r) => setTimeout(r, 200));
console.log(JSON.stringify({ client: seed, ...counts }));
process.exit(0);
