// The benchmark's gRPC server: the Person API of samples/grpc-person-api/person.proto over
// @grpc/grpc-js (installed in samples/node_modules). Deterministic replies per request.
//   GetPerson      unary: a Person (~0.1–1.5 KB); ids ending in 7 → NOT_FOUND (a non-OK status)
//   ListPersons    server streaming: page_size Persons, each with avatar_bytes of avatar
//   CreatePersons  client streaming: a summary of the ids received
//   Chat           bidi: one echo per message
// Run: node grpc-server.mjs HOST PORT
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'samples', 'package.json'));
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [host, port] = [process.argv[2] ?? '127.0.0.1', Number(process.argv[3] ?? 9250)];
const def = loader.loadSync(join(root, 'samples', 'grpc-person-api', 'person.proto'), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const pkg = grpc.loadPackageDefinition(def).callscope.person.v1;

function person(id, avatarBytes = 0) {
  const n = Number(id) || 0;
  const p = {
    id: String(n),
    name: `Person ${n}`,
    email: `p${n}@example.org`,
    role: n % 3 === 0 ? 'ROLE_ADMIN' : 'ROLE_USER',
    tags: Array.from({ length: n % 24 }, (_, i) => `tag-${(n * 7 + i) % 997}`),
    labels: n % 2 ? { team: `t${n % 13}`, floor: String(n % 9) } : {},
    created: { seconds: String(1700000000 + (n % 100000)), nanos: (n % 1000) * 1000 },
    score: (n % 1000) / 10,
  };
  if (avatarBytes) p.avatar = Buffer.alloc(avatarBytes, n & 0xff);
  return p;
}

const server = new grpc.Server();
server.addService(pkg.PersonService.service, {
  GetPerson(call, cb) {
    const id = Number(call.request.id);
    if (id % 10 === 7) return cb({ code: grpc.status.NOT_FOUND, details: `person ${id} not found` });
    cb(null, person(id));
  },
  ListPersons(call) {
    const n = Math.min(call.request.page_size || 1, 100);
    const pad = Math.min(call.request.avatar_bytes || 0, 65536);
    for (let i = 0; i < n; i++) call.write(person(1000 + i, pad));
    call.end();
  },
  CreatePersons(call, cb) {
    const ids = [];
    call.on('data', (p) => ids.push(String(p.id)));
    call.on('end', () => cb(null, { created: ids.length, ids }));
  },
  Chat(call) {
    let seq = 0;
    call.on('data', (m) => call.write({ from: 'server', text: `echo: ${m.text}`, seq: ++seq }));
    call.on('end', () => call.end());
  },
});
server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`bench gRPC server listening on ${host} port ${port}`);
});
const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
