// Connect-ES Person API client: the calls of the sample, one after the other (see README.md).
//   node client.js PERSON.pb PORT_H2 PORT_H1
'use strict';
const { create, toJsonString } = require('@bufbuild/protobuf');
const { createClient } = require('@connectrpc/connect');
const { createConnectTransport, createGrpcTransport, createGrpcWebTransport } = require('@connectrpc/connect-node');
const { loadRegistry } = require('./registry');

const [pbFile, portH2, portH1] = [process.argv[2], Number(process.argv[3] || 24010), Number(process.argv[4] || 24011)];
const reg = loadRegistry(pbFile);
const PersonService = reg.getService('callscope.person.v1.PersonService');
const M = (n) => reg.getMessage(`callscope.person.v1.${n}`);
const [Person, ChatMessage] = ['Person', 'ChatMessage'].map(M);

const jsonOptions = { registry: reg };
const h2 = `http://127.0.0.1:${portH2}`;
const h1 = `http://127.0.0.1:${portH1}`;
const show = (m) => toJsonString(reg.getMessage(m.$typeName), m, jsonOptions);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let n = 0;
async function call(label, fn) {
  n++;
  try {
    console.log(`${n}. ${label}: ${await fn()}`);
  } catch (e) {
    console.log(`${n}. ${label}: error ${e.code} ${e.rawMessage}${e.details?.length ? ` (${e.details.length} detail)` : ''}`);
  }
}

async function main() {
  // Connect over h2c, proto codec: one connection for calls 1-6.
  const connectH2 = createClient(PersonService, createConnectTransport({ baseUrl: h2, httpVersion: '2', useBinaryFormat: true, jsonOptions }));
  await call('Connect h2c unary GetPerson 1', async () => show(await connectH2.getPerson({ id: 1n })));
  await call('Connect h2c unary GetPerson 42', async () => show(await connectH2.getPerson({ id: 42n })));
  await call('Connect h2c server-stream ListPersons 3', async () => {
    const names = [];
    for await (const p of connectH2.listPersons({ pageSize: 3 })) names.push(`${p.id} ${p.name}`);
    return names.join(', ');
  });
  await call('Connect h2c client-stream CreatePersons 7,8,9', async () => {
    const up = async function* () { for (const id of [7n, 8n, 9n]) yield create(Person, { id, name: `person ${id}`, role: 2 }); };
    return show(await connectH2.createPersons(up()));
  });
  await call('Connect h2c bidi Chat', async () => {
    const up = async function* () { for (const text of ['hello', 'how are you', 'bye']) yield create(ChatMessage, { from: 'client', text }); };
    const out = [];
    for await (const m of connectH2.chat(up())) out.push(m.text);
    return out.join(' | ');
  });
  await call('Connect h2c unary GetPerson 99, deadline 300 ms', async () => show(await connectH2.getPerson({ id: 99n }, { timeoutMs: 300 })));

  // gRPC over h2c to the same server (its own connection): success, then the same not_found.
  const grpcH2 = createClient(PersonService, createGrpcTransport({ baseUrl: h2, jsonOptions }));
  await call('gRPC h2c unary GetPerson 1', async () => show(await grpcH2.getPerson({ id: 1n })));
  await call('gRPC h2c unary GetPerson 42', async () => show(await grpcH2.getPerson({ id: 42n })));

  // Connect over HTTP/1.1: a POST with the JSON codec, a GET (GetPerson has no side effects).
  const connectH1Json = createClient(PersonService, createConnectTransport({ baseUrl: h1, httpVersion: '1.1', useBinaryFormat: false, jsonOptions }));
  await call('Connect HTTP/1.1 unary JSON GetPerson 2', async () => show(await connectH1Json.getPerson({ id: 2n })));
  const connectH1Get = createClient(PersonService, createConnectTransport({ baseUrl: h1, httpVersion: '1.1', useBinaryFormat: true, useHttpGet: true, jsonOptions }));
  await call('Connect HTTP/1.1 GET GetPerson 1', async () => show(await connectH1Get.getPerson({ id: 1n })));

  // gRPC-Web over HTTP/1.1 to the same server.
  const grpcWebH1 = createClient(PersonService, createGrpcWebTransport({ baseUrl: h1, httpVersion: '1.1', jsonOptions }));
  await call('gRPC-Web HTTP/1.1 unary GetPerson 2', async () => show(await grpcWebH1.getPerson({ id: 2n })));

  await sleep(200);
  process.exit(0);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
