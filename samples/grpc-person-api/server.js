// gRPC Person API server (@grpc/grpc-js). Usage: node server.js PORT
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const port = Number(process.argv[2] || 50051);
const def = loader.loadSync(path.join(__dirname, 'person.proto'), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const pkg = grpc.loadPackageDefinition(def).callscope.person.v1;

const created = { seconds: 1700000000, nanos: 500000000 };
const people = new Map([
  [1, { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', role: 'ROLE_ADMIN', tags: ['math', 'poetry'], labels: { team: 'engines', floor: '2' }, created, score: 99.5,
        extra: { type_url: 'type.googleapis.com/callscope.person.v1.Address', value: null } }],
  [2, { id: 2, name: 'Alan Turing', email: 'alan@example.com', role: 'ROLE_USER', tags: ['crypto'], labels: {}, created }],
]);
// Any.value must be the encoded Address.
const protobuf = require('protobufjs');
const root = protobuf.loadSync(path.join(__dirname, 'person.proto'));
const Address = root.lookupType('callscope.person.v1.Address');
people.get(1).extra.value = Buffer.from(Address.encode({ city: 'London', country: 'UK' }).finish());

const server = new grpc.Server();
server.addService(pkg.PersonService.service, {
  GetPerson(call, cb) {
    const id = Number(call.request.id);
    if (id === 99) {
      // Slow: the client's deadline passes first.
      setTimeout(() => cb(null, people.get(1)), 1500);
      return;
    }
    const p = people.get(id);
    if (!p) return cb({ code: grpc.status.NOT_FOUND, details: `person ${id} not found — désolé` });
    cb(null, p);
  },
  ListPersons(call) {
    const n = call.request.page_size || 2;
    const pad = call.request.avatar_bytes || 0;
    for (let i = 0; i < n; i++) {
      const p = { ...people.get((i % 2) + 1), id: 100 + i };
      if (pad) p.avatar = Buffer.alloc(pad, i);
      call.write(p);
    }
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
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log(`listening on ${port}`);
});
