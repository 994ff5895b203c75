// twirp-ts Person API server: the code twirp-ts and protobuf-ts generate from person.proto (compiled
// by make.sh into GEN_DIR), served on 127.0.0.1:PORT under the default /twirp prefix and on
// 127.0.0.1:PORT2 under /people-api.
//   node server.js GEN_DIR PORT PORT2
'use strict';
const http = require('node:http');
const path = require('node:path');
const { NotFoundError, InvalidArgumentError } = require('twirp-ts');

const [gen, port, port2] = [process.argv[2], Number(process.argv[3] || 24020), Number(process.argv[4] || 24021)];
const { createPersonServiceServer } = require(path.resolve(gen, 'person.twirp.js'));
const { Person, Address, CreatePersonsSummary, ChatMessage } = require(path.resolve(gen, 'person.js'));
const { Timestamp } = require(path.resolve(gen, 'google/protobuf/timestamp.js'));
const { Any } = require(path.resolve(gen, 'google/protobuf/any.js'));

const created = Timestamp.fromDate(new Date(1700000000500));
const people = new Map([
  [1n, Person.create({
    id: 1n, name: 'Ada Lovelace', email: 'ada@example.com', role: 1, tags: ['math', 'poetry'], labels: { team: 'engines', floor: '2' }, created, score: 99.5,
    extra: Any.pack(Address.create({ city: 'London', country: 'UK' }), Address),
  })],
  [2n, Person.create({ id: 2n, name: 'Alan Turing', email: 'alan@example.com', role: 2, tags: ['crypto'], created })],
]);

const impl = {
  async GetPerson(ctx, req) {
    if (req.id <= 0n) throw new InvalidArgumentError('id', 'must be a positive number').withMeta('min', '1');
    const p = people.get(req.id);
    if (!p) throw new NotFoundError(`person ${req.id} not found`).withMeta('id', String(req.id));
    ctx.res.setHeader('x-served-by', 'twirp-person-api');
    return p;
  },
  // twirp-ts generates every rpc as unary (Twirp has no streaming): a page is one Person here.
  async ListPersons(ctx, req) {
    return people.get(BigInt(Math.min(Math.max(req.pageSize, 1), 2)));
  },
  async CreatePersons(ctx, person) {
    return CreatePersonsSummary.create({ created: 1, ids: [person.id] });
  },
  async Chat(ctx, m) {
    return ChatMessage.create({ from: 'server', text: `echo: ${m.text}`, seq: m.seq });
  },
};

for (const [prefix, p] of [['/twirp', port], ['/people-api', port2]]) {
  const server = createPersonServiceServer(impl);
  server.withPrefix(prefix);
  http.createServer(server.httpHandler()).listen(p, '127.0.0.1', () => console.log(`twirp-ts on 127.0.0.1:${p}${prefix}`));
}
