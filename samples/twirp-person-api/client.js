// Calls the twirp-ts Person API server with twirp-ts's generated clients (NodeHttpRPC over node:http,
// protobuf and JSON) and with protobuf-ts' generic client over its TwirpFetchTransport (fetch),
// then two requests by hand that a Twirp server refuses. Logs one line a call.
//   node client.js GEN_DIR PORT PORT2
'use strict';
const path = require('node:path');
const { NodeHttpRPC } = require('twirp-ts');
const { TwirpFetchTransport } = require('@protobuf-ts/twirp-transport');

const [gen, port, port2] = [process.argv[2], Number(process.argv[3] || 24020), Number(process.argv[4] || 24021)];
const { PersonServiceClientProtobuf, PersonServiceClientJSON } = require(path.resolve(gen, 'person.twirp.js'));
const { PersonServiceClient } = require(path.resolve(gen, 'person.client.js'));

const base = `http://127.0.0.1:${port}/twirp`;
const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x instanceof Uint8Array ? `<${x.length} bytes>` : x)).slice(0, 60) + '…';

async function step(n, what, f) {
  try {
    console.log(`${n}. ${what}: ${show(await f())}`);
  } catch (e) {
    console.log(`${n}. ${what}: error ${e.code} ${e.msg ?? e.message}${e.meta && Object.keys(e.meta).length ? ' ' + JSON.stringify(e.meta) : ''}`);
  }
}

async function post(p, route, type, body) {
  const r = await fetch(`http://127.0.0.1:${p}${route}`, { method: 'POST', headers: { 'Content-Type': type }, body });
  const e = await r.json();
  throw Object.assign(new Error(e.msg), e, { code: `${r.status} ${e.code}` });
}

async function main() {
  const pb = new PersonServiceClientProtobuf(NodeHttpRPC({ baseUrl: base }));
  const json = new PersonServiceClientJSON(NodeHttpRPC({ baseUrl: base }));
  await step(1, 'twirp-ts protobuf GetPerson 1', () => pb.GetPerson({ id: 1n }));
  await step(2, 'twirp-ts JSON GetPerson 2', () => json.GetPerson({ id: 2n }));
  await step(3, 'twirp-ts JSON GetPerson 42', () => json.GetPerson({ id: 42n }));
  const fetchPb = new PersonServiceClient(new TwirpFetchTransport({ baseUrl: base }));
  const fetchJson = new PersonServiceClient(new TwirpFetchTransport({ baseUrl: base, sendJson: true }));
  await step(4, 'protobuf-ts fetch protobuf GetPerson 1', async () => (await fetchPb.getPerson({ id: 1n })).response);
  await step(5, 'protobuf-ts fetch JSON GetPerson 0', async () => (await fetchJson.getPerson({ id: 0n })).response);
  await step(6, 'twirp-ts protobuf ListPersons 2 (unary in Twirp)', () => pb.ListPersons({ pageSize: 2, avatarBytes: 0 }));
  const other = new PersonServiceClientProtobuf(NodeHttpRPC({ baseUrl: `http://127.0.0.1:${port2}/people-api` }));
  await step(7, 'twirp-ts protobuf GetPerson 2 under /people-api', () => other.GetPerson({ id: 2n }));
  await step(8, 'POST DeletePerson (no such method)', () => post(port, '/twirp/callscope.person.v1.PersonService/DeletePerson', 'application/json', '{"id":"1"}'));
  await step(9, 'POST GetPerson with a body that is not protobuf', () => post(port, '/twirp/callscope.person.v1.PersonService/GetPerson', 'application/protobuf', 'not protobuf'));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
