// Held-out GraphQL: Apollo Server 4/5 (standalone, batching on, automatic persisted queries by default) called by
// Node's fetch like Apollo Client's links do (a batch, an APQ miss then register then hit, a GET, errors), and a
// subscriptions-transport-ws (Apollo's older WebSocket protocol) server and client. Usage: node apollo.cjs PORT
const { ApolloServer } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');
const { buildSchema, execute, subscribe } = require('graphql');
const { SubscriptionServer, SubscriptionClient } = require('subscriptions-transport-ws');
const ws = require('ws');
const crypto = require('node:crypto');

const port = Number(process.argv[2] || 22070);
const schema = buildSchema('type Query { hello(name: String): String, boom: String }  type Subscription { tick: Int }');
const rootValue = {
  hello: ({ name }) => `hello ${name ?? 'world'}`,
  boom: () => {
    throw new Error('kaboom');
  },
  tick: async function* () {
    for (let i = 1; i <= 3; i++) yield { tick: i };
  },
};
const url = `http://127.0.0.1:${port}/`;
const post = (body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.text()]);
(async () => {
  const server = new ApolloServer({ schema, rootValue, allowBatchedHttpRequests: true });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  console.log(await post({ query: 'query Hi($n: String) { hello(name: $n) }', variables: { n: 'apollo' }, operationName: 'Hi' }));
  console.log(await post([{ query: '{ hello }' }, { query: 'query B { boom }' }]));
  const q = '{ hello(name: "apq") }';
  const hash = crypto.createHash('sha256').update(q).digest('hex');
  const ext = { persistedQuery: { version: 1, sha256Hash: hash } };
  console.log(await post({ extensions: ext }));
  console.log(await post({ query: q, extensions: ext }));
  console.log(await post({ extensions: ext }));
  console.log(await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, { headers: { 'apollo-require-preflight': 'true' } }).then(async (r) => [r.status, await r.text()]));
  console.log(await post({ query: '{ nope }' }));
  await server.stop();
  // subscriptions-transport-ws
  const wss = new ws.Server({ port: port + 1, host: '127.0.0.1' });
  SubscriptionServer.create({ schema, rootValue, execute, subscribe, keepAlive: 200 }, wss);
  const client = new SubscriptionClient(`ws://127.0.0.1:${port + 1}/`, { reconnect: false }, ws);
  await new Promise((resolve) => {
    client.request({ query: 'subscription Ticks { tick }' }).subscribe({ next: (v) => console.log('tick', JSON.stringify(v)), complete: resolve, error: resolve });
  });
  await new Promise((r) => setTimeout(r, 500));
  client.close();
  wss.close();
  process.exit(0);
})();
setTimeout(() => process.exit(3), 20000).unref();
