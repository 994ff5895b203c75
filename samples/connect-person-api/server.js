// Connect-ES Person API server: one handler (connectNodeAdapter) serving the Connect, gRPC and
// gRPC-Web protocols, on h2c (PORT_H2) and HTTP/1.1 (PORT_H1), both on 127.0.0.1.
// Messages and the service come from a descriptor set of person.proto (see registry.js).
//   node server.js PERSON.pb PORT_H2 PORT_H1
'use strict';
const http = require('node:http');
const http2 = require('node:http2');
const { create, toBinary } = require('@bufbuild/protobuf');
const { timestampFromMs } = require('@bufbuild/protobuf/wkt');
const { ConnectError, Code } = require('@connectrpc/connect');
const { connectNodeAdapter } = require('@connectrpc/connect-node');
const { loadRegistry } = require('./registry');

const [pbFile, portH2, portH1] = [process.argv[2], Number(process.argv[3] || 24010), Number(process.argv[4] || 24011)];
const reg = loadRegistry(pbFile);
const PersonService = reg.getService('callscope.person.v1.PersonService');
const M = (n) => reg.getMessage(`callscope.person.v1.${n}`);
const [Person, Address, GetPersonRequest, CreatePersonsSummary, ChatMessage] = ['Person', 'Address', 'GetPersonRequest', 'CreatePersonsSummary', 'ChatMessage'].map(M);

const created = timestampFromMs(1700000000500);
const people = new Map([
  [1n, create(Person, {
    id: 1n, name: 'Ada Lovelace', email: 'ada@example.com', role: 1, tags: ['math', 'poetry'], labels: { team: 'engines', floor: '2' }, created, score: 99.5,
    extra: { typeUrl: 'type.googleapis.com/callscope.person.v1.Address', value: toBinary(Address, create(Address, { city: 'London', country: 'UK' })) },
  })],
  [2n, create(Person, { id: 2n, name: 'Alan Turing', email: 'alan@example.com', role: 2, tags: ['crypto'], created })],
]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const impl = {
  async getPerson(req, ctx) {
    if (req.id === 99n) {
      // Slow: the client's deadline (Connect-Timeout-Ms: 300) passes first and it resets the stream;
      // the server does not watch ctx.signal, so it never answers.
      await sleep(1500);
      return people.get(1n);
    }
    const p = people.get(req.id);
    if (!p) {
      throw new ConnectError(`person ${req.id} not found`, Code.NotFound, { 'x-lookup': 'people' },
        [{ desc: GetPersonRequest, value: create(GetPersonRequest, { id: req.id }) }]);
    }
    ctx.responseHeader.set('x-served-by', 'connect-es');
    return p;
  },
  async *listPersons(req, ctx) {
    const n = req.pageSize || 2;
    for (let i = 0; i < n; i++) yield create(Person, { ...people.get(BigInt((i % 2) + 1)), id: BigInt(100 + i) });
    ctx.responseTrailer.set('x-total', String(n));
  },
  async createPersons(reqs) {
    const ids = [];
    for await (const p of reqs) ids.push(p.id);
    return create(CreatePersonsSummary, { created: ids.length, ids });
  },
  async *chat(reqs) {
    let seq = 0;
    for await (const m of reqs) yield create(ChatMessage, { from: 'server', text: `echo: ${m.text}`, seq: ++seq });
  },
};

const handler = connectNodeAdapter({ routes: (router) => router.service(PersonService, impl), jsonOptions: { registry: reg } });
const h2 = http2.createServer(handler).listen(portH2, '127.0.0.1', () => console.log(`h2c on ${portH2}`));
const h1 = http.createServer(handler).listen(portH1, '127.0.0.1', () => console.log(`http/1.1 on ${portH1}`));
const stop = () => { h1.close(); h2.close(); setTimeout(() => process.exit(0), 500).unref(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
