// GraphQL incremental delivery: graphql-yoga 5 with @graphql-yoga/plugin-defer-stream answers @defer
// and @stream as multipart/mixed (one JSON payload per part: {data, hasNext} then {incremental, hasNext});
// Node's fetch asks for it the way Apollo Client does (Accept: multipart/mixed;deferSpec=20220824).
// Then a subscription over server-sent events (Yoga's default transport for them: POST and GET with
// Accept: text/event-stream; Yoga sends Content-Encoding: none).
// Usage: node lab.cjs PORT (exits by itself)
const http = require('node:http');
const { createYoga, createSchema } = require('graphql-yoga');
const { useDeferStream } = require('@graphql-yoga/plugin-defer-stream');
const port = Number(process.argv[2] || 22100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const yoga = createYoga({
  plugins: [useDeferStream()],
  schema: createSchema({
    typeDefs: 'type Person { id: ID!, name: String!, bio: String } type Query { person(id: ID!): Person, letters: [String!]! } type Subscription { countdown(from: Int!): Int! }',
    resolvers: {
      Query: {
        person: (_, { id }) => ({ id, name: 'Ada Lovelace' }),
        letters: async function* () { for (const l of ['a', 'b', 'c']) { await sleep(20); yield l; } },
      },
      Person: { bio: async () => { await sleep(50); return 'Mathematician'; } },
      Subscription: { countdown: { subscribe: async function* (_, { from }) { for (let i = from; i >= 0; i--) { await sleep(20); yield { countdown: i }; } } } },
    },
  }),
  logging: false,
});
const server = http.createServer(yoga);
server.listen(port, '127.0.0.1', async () => {
  const ask = async (query) => {
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'multipart/mixed;deferSpec=20220824, application/json' }, body: JSON.stringify({ query }) });
    console.log(r.status, r.headers.get('content-type'), JSON.stringify(await r.text()).slice(0, 300));
  };
  await ask('query Profile { person(id: "1") { id name ... @defer(label: "bio") { bio } } }');
  await ask('query Letters { letters @stream(initialCount: 1) }');
  await ask('{ person(id: "2") { name } }');
  const sse = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: 'subscription Count { countdown(from: 3) }' }) });
  console.log(sse.status, sse.headers.get('content-type'), JSON.stringify(await sse.text()).slice(0, 200));
  const get = await fetch(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent('subscription { countdown(from: 1) }')}`, { headers: { accept: 'text/event-stream' } });
  console.log(get.status, JSON.stringify(await get.text()).slice(0, 200));
  server.close();
  setTimeout(() => process.exit(0), 100);
});
