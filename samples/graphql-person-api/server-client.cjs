// The Person API over GraphQL on 127.0.0.1:8800: graphql-http (the reference GraphQL-over-HTTP server) on
// node:http at /graphql, graphql-ws (graphql-transport-ws) on the same port; clients: Node's fetch (undici) for
// queries and mutations (POST JSON, a GET, a validation error, a resolver error with partial data) and the
// graphql-ws client for a subscription (three items, then complete) and one the client stops.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { buildSchema } = require('graphql');
const { createHandler } = require('graphql-http/lib/use/http');
const { WebSocketServer, WebSocket } = require('ws');
const { useServer } = require('graphql-ws/use/ws');
const { createClient } = require('graphql-ws');

const schema = buildSchema(fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));
const people = new Map();
const listeners = new Set();
let nextId = 1234;
const root = {
  person: ({ id }) => {
    if (id === '666') throw new Error(`person ${id} is archived`);
    return people.get(id) ?? null;
  },
  persons: () => [...people.values()],
  item: ({ id }) => ({ id, title: 'Espresso machine', price: 119 }),
  signup: ({ name, email }) => {
    const p = { id: String(nextId++), name, email, items: [] };
    people.set(p.id, p);
    return p;
  },
  addItem: ({ personId, title, price }) => {
    const it = { id: String(456 + people.get(personId).items.length), title, price };
    people.get(personId).items.push(it);
    for (const l of listeners) l(it);
    return it;
  },
  resign: ({ id }) => people.delete(id),
  itemAdded: () => ({
    [Symbol.asyncIterator]() {
      const queue = [];
      let wake;
      const l = (it) => (queue.push(it), wake?.());
      listeners.add(l);
      return {
        next: async () => {
          while (!queue.length) await new Promise((r) => (wake = r));
          return { value: { itemAdded: queue.shift() }, done: false };
        },
        return: async () => (listeners.delete(l), { value: undefined, done: true }),
      };
    },
  }),
};
const handler = createHandler({ schema, rootValue: root });
const server = http.createServer((req, res) => (req.url.startsWith('/graphql') ? handler(req, res) : res.writeHead(404).end()));
const wss = new WebSocketServer({ server, path: '/graphql' });
useServer({ schema, roots: { query: root, mutation: root, subscription: root } }, wss);

const url = 'http://127.0.0.1:8800/graphql';
const post = (body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify(body) }).then((r) => r.json());
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

server.listen(8800, '127.0.0.1', async () => {
  const ws = createClient({ url: 'ws://127.0.0.1:8800/graphql', webSocketImpl: WebSocket, lazy: false, keepAlive: 0 });
  const signup = await post({ query: 'mutation Signup($name: String!, $email: String) { signup(name: $name, email: $email) { id name } }', variables: { name: 'Ada Lovelace', email: 'ada@example.org' }, operationName: 'Signup' });
  console.log('signup', JSON.stringify(signup));
  const id = signup.data.signup.id;
  const got = [];
  const done = new Promise((resolve) => {
    ws.subscribe({ query: `subscription { itemAdded(personId: "${id}") { id title price } }` }, { next: (v) => got.push(v), error: resolve, complete: resolve });
  });
  let stopped;
  const stop = ws.subscribe({ query: 'subscription Watch { itemAdded(personId: "1") { id } }' }, { next: () => {}, error: () => {}, complete: () => (stopped = true) });
  await wait(200);
  for (const [t, p] of [['Espresso machine', 119], ['Grinder', 89.5], ['Milk jug', 12]]) {
    console.log('addItem', JSON.stringify(await post({ query: `mutation { addItem(personId: "${id}", title: "${t}", price: ${p}) { id title } }` })));
  }
  console.log('GET', JSON.stringify(await fetch(`${url}?query=${encodeURIComponent(`{ person(id: "${id}") { name items { title } } }`)}`).then((r) => r.json())));
  console.log('validation error', JSON.stringify(await post({ query: '{ person(id: "1") { nickname } }' })));
  console.log('resolver error', JSON.stringify(await post({ query: 'query Two { persons { name } person(id: "666") { name } }' })));
  stop();
  await wait(200);
  ws.dispose();
  await done;
  console.log('subscription got', got.length, 'stopped', stopped);
  console.log('resign', JSON.stringify(await post({ query: `mutation { resign(id: "${id}") }` })));
  await wait(100);
  server.close();
  process.exit(0);
});
setTimeout(() => process.exit(3), 15000).unref();
