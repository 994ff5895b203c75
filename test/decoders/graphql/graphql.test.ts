/**
 * GraphQL (spec.graphql.org October 2021 §2 Language for operations, §3 Type System for schemas)
 * over HTTP (graphql-over-http: POST JSON, GET ?query=, application/graphql, batches, persisted
 * queries; {data, errors} results) and over WebSocket (graphql-ws `graphql-transport-ws` and
 * subscriptions-transport-ws `graphql-ws`). WebSocket texts are those of the graphql-person-api
 * sample (graphql-http 1.23, graphql-ws 6.4).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operationInfo, operationLabel } from '../../../decoders/graphql/operation';
import { buildGraphqlDefinitions } from '../../../decoders/graphql/schema';
import { feedWs, wsFrame } from '../websocket/ws-feed';
import type { Call } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { calls as httpCalls } from '../http1/feed';

const SCHEMA = `schema { query: Query mutation: Mutation }
"""A person"""
type Person { id: ID! name: String! }
type Query {
  "one person"
  person(id: ID!, with: [String!] = ["a"]): Person @deprecated(reason: "x")
  persons: [Person!]!
}
type Mutation { signup(name: String!): Person! }
extend type Query { me: Person }
type Subscription { itemAdded(personId: ID!): Person! }
`;

describe('GraphQL operations (§2.3 Operations, §2.4 Selection Sets, §2.7 Aliases, §2.8 Fragments)', () => {
  it('type, name and root fields; aliases, arguments with objects and strings, directives, fragments; operationName chooses', () => {
    const cases: Array<[string, string | undefined, unknown, string]> = [
      ['{ person(id: 1) { name } }', undefined, { type: 'query', rootFields: ['person'], operations: 1 }, 'person'],
      ['query GetPerson($id: ID!) @cached { person(id: $id) { friends(first: 2) { name } } __typename }', undefined, { type: 'query', name: 'GetPerson', rootFields: ['person', '__typename'], operations: 1 }, 'GetPerson'],
      ['mutation { p: createPerson(input: {name: "A}b", tags: ["x"]}) { id } deletePerson(id: 2) }', undefined, { type: 'mutation', rootFields: ['p: createPerson', 'deletePerson'], operations: 1 }, 'createPerson, deletePerson'],
      ['# comment {\nsubscription OnMsg { messages @include(if: $x) { text } }', undefined, { type: 'subscription', name: 'OnMsg', rootFields: ['messages'], operations: 1 }, 'OnMsg'],
      ['fragment F on P { n } query A { a } query B { b ...F ... on X { c } }', 'B', { type: 'query', name: 'B', rootFields: ['b', '...F', '... on X'], operations: 2 }, 'B'],
    ];
    for (const [doc, name, want, label] of cases) {
      const op = operationInfo(doc, name);
      assert.deepEqual({ ...op }, want, doc);
      assert.equal(operationLabel(op!), label);
    }
    assert.equal(operationInfo('hello world'), undefined);
    assert.equal(operationInfo('{"query": 1}'), undefined);
  });

  it('schema (§3): root fields with lines, descriptions and arguments skipped, extend type, schema root names', () => {
    const d = buildGraphqlDefinitions([{ path: '/w/schema.graphql', text: SCHEMA }]);
    assert.deepEqual(d.roots, { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' });
    assert.deepEqual(
      ['Query.person', 'Query.persons', 'Query.me', 'Mutation.signup', 'Subscription.itemAdded', 'Person.name'].map((k) => [k, d.fields.get(k)?.line, d.fields.get(k)?.column]),
      [
        ['Query.person', 6, 3],
        ['Query.persons', 7, 3],
        ['Query.me', 10, 21],
        ['Mutation.signup', 9, 17],
        ['Subscription.itemAdded', 11, 21],
        ['Person.name', 3, 23],
      ],
    );
    assert.deepEqual(d.warnings, []);
  });
});

const post = (body: string, ct = 'application/json') => `POST /graphql HTTP/1.1\r\nHost: h\r\nContent-Type: ${ct}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const ok = (body: string, status = '200 OK') => `HTTP/1.1 ${status}\r\nContent-Type: application/graphql-response+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('GraphQL over HTTP: the exchange is a graphql call named after its operation', () => {
  const env = { ...nodeEnv(), definitions: { graphql: buildGraphqlDefinitions([{ path: '/w/schema.graphql', text: SCHEMA }]) } };

  it('POST JSON with variables: named, linked to its root field, data as the response value', () => {
    const [c] = httpCalls(
      [
        { dir: 'c2s', data: post(JSON.stringify({ query: 'mutation Signup($n: String!) { signup(name: $n) { id } }', variables: { n: 'Ada' }, operationName: 'Signup' })) },
        { dir: 's2c', data: ok('{"data":{"signup":{"id":"1234"}}}') },
      ],
      { env },
    );
    assert.equal(c.protocol, 'graphql');
    assert.equal(c.method, 'Signup');
    assert.deepEqual(c.request?.value, { query: 'mutation Signup($n: String!) { signup(name: $n) { id } }', variables: { n: 'Ada' } });
    assert.deepEqual(c.response?.value, { signup: { id: '1234' } });
    assert.deepEqual(c.status, { code: 'data', ok: true });
    assert.equal(c.fields['graphql.operation_type'], 'mutation');
    assert.deepEqual(c.definition, { kind: 'graphql-field', name: 'Mutation.signup', file: '/w/schema.graphql', line: 9, column: 17 });
    assert.equal(c.fields['http.request.method'], 'POST', 'the HTTP layer is kept');
  });

  it('errors fail the call under HTTP 200 (a resolver error with partial data), and under 400 (validation)', () => {
    const [a] = httpCalls([
      { dir: 'c2s', data: post('{"query":"query Two { persons { name } person(id: \\"6\\") { name } }"}') },
      { dir: 's2c', data: ok('{"errors":[{"message":"person 6 is archived","path":["person"],"extensions":{"code":"FORBIDDEN"}}],"data":{"persons":[],"person":null}}') },
    ]);
    assert.deepEqual(a.status, { code: 'FORBIDDEN', text: 'person 6 is archived', ok: false });
    assert.deepEqual(a.response?.value, { persons: [], person: null });
    const [b] = httpCalls([
      { dir: 'c2s', data: post('{"query":"{ person(id: 1) { nickname } }"}') },
      { dir: 's2c', data: ok('{"errors":[{"message":"Cannot query field \\"nickname\\""},{"message":"second"}]}', '400 Bad Request') },
    ]);
    assert.deepEqual(b.status, { code: 'errors', text: 'Cannot query field "nickname" (+1 more)', ok: false });
  });

  it('GET ?query= and application/graphql; a persisted query (hash, no text); a batch', () => {
    const q = encodeURIComponent('{ me { name } }');
    const [g] = httpCalls([
      { dir: 'c2s', data: `GET /graphql?query=${q}&variables=%7B%22a%22%3A1%7D HTTP/1.1\r\nHost: h\r\n\r\n` },
      { dir: 's2c', data: ok('{"data":{"me":null}}') },
    ], { env });
    assert.equal(g.method, 'me');
    assert.equal(g.target, '/graphql');
    assert.deepEqual(g.request?.value, { query: '{ me { name } }', variables: { a: 1 } });
    assert.equal(g.definition?.name, 'Query.me');
    const [t] = httpCalls([
      { dir: 'c2s', data: post('query { persons { id } }', 'application/graphql') },
      { dir: 's2c', data: ok('{"data":{"persons":[]}}') },
    ]);
    assert.equal(t.method, 'persons');
    const [p] = httpCalls([
      { dir: 'c2s', data: post('{"operationName":"Feed","variables":{},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ecf4"}}}') },
      { dir: 's2c', data: ok('{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}') },
    ]);
    assert.equal(p.method, 'Feed');
    assert.equal(p.fields['graphql.persisted_query'], true);
    assert.equal(p.status?.code, 'PERSISTED_QUERY_NOT_FOUND');
    const [batch] = httpCalls([
      { dir: 'c2s', data: post('[{"query":"query A { a }"},{"query":"{ b }"}]') },
      { dir: 's2c', data: ok('[{"data":{"a":1}},{"errors":[{"message":"no b"}]}]') },
    ]);
    assert.equal(batch.kind, 'batch');
    assert.equal(batch.method, 'A, b');
    assert.deepEqual(batch.response?.value, [{ a: 1 }, { errors: [{ message: 'no b' }] }]);
    assert.equal(batch.status?.ok, false);
  });

  it('JSON that is not GraphQL stays HTTP', () => {
    const [c] = httpCalls([
      { dir: 'c2s', data: post('{"query":"select * from persons"}') },
      { dir: 's2c', data: ok('{}') },
    ]);
    assert.equal(c.protocol, 'http');
  });
});

const ws = (script: Array<['c2s' | 's2c', string]>, sub?: string): Call[] =>
  feedWs('/graphql', sub ? [['Sec-WebSocket-Protocol', sub]] : [], script.map(([d, t]) => [d, wsFrame(d, t)])).calls;

describe('GraphQL incremental delivery over HTTP (@defer, @stream: multipart/mixed, deferSpec=20220824)', () => {
  // The answers graphql-yoga 5 with @graphql-yoga/plugin-defer-stream sent (test/heldout-rpc/graphql/yoga-defer.cjs).
  const part = (json: string) => `\r\n---\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  const mixed = (...parts: string[]) => {
    const body = parts.map(part).join('') + '\r\n-----\r\n';
    return `HTTP/1.1 200 OK\r\nContent-Type: multipart/mixed; boundary="-"\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const ask = (query: string, answer: string) =>
    httpCalls([
      { dir: 'c2s', data: post(JSON.stringify({ query })) },
      { dir: 's2c', data: answer },
    ])[0];

  it('@defer: the deferred fields merged into the data; each payload a message of a server stream', () => {
    const c = ask('query Profile { person(id: "1") { id name ... @defer(label: "bio") { bio } } }', mixed('{"data":{"person":{"id":"1","name":"Ada Lovelace"}},"hasNext":true}', '{"incremental":[{"data":{"bio":"Mathematician"},"path":["person"],"label":"bio"}],"hasNext":false}'));
    assert.deepEqual([c.protocol, c.method, c.kind, c.status?.code], ['graphql', 'Profile', 'server-stream', 'data']);
    assert.deepEqual(c.response?.value, { person: { id: '1', name: 'Ada Lovelace', bio: 'Mathematician' } });
    assert.deepEqual(c.messages?.map((m) => m.label), ['initial', 'incremental bio']);
    assert.equal(c.fields['graphql.incremental'], 1);
    assert.deepEqual(c.warnings, []);
  });
  it('@stream: the streamed items appended to their list; an error in a later payload fails the call', () => {
    const c = ask('query Letters { letters @stream(initialCount: 1) }', mixed('{"data":{"letters":["a"]},"hasNext":true}', '{"incremental":[{"items":["b"],"path":["letters",1]}],"hasNext":true}', '{"incremental":[{"items":["c"],"path":["letters",2]}],"hasNext":false}'));
    assert.deepEqual(c.response?.value, { letters: ['a', 'b', 'c'] });
    const failed = ask('query Letters { letters @stream(initialCount: 1) }', mixed('{"data":{"letters":["a"]},"hasNext":true}', '{"incremental":[{"items":null,"path":["letters",1],"errors":[{"message":"letter b failed","path":["letters",1]}]}],"hasNext":false}'));
    assert.deepEqual(failed.status, { code: 'errors', text: 'letter b failed', ok: false });
  });
  it('an answer cut before its last payload, and an increment whose path is not in the data, are said', () => {
    const c = ask('query Profile { person(id: "1") { id ... @defer { bio } } }', mixed('{"data":{"person":{"id":"1"}},"hasNext":true}', '{"incremental":[{"data":{"bio":"x"},"path":["nobody"]}],"hasNext":true}'));
    assert.deepEqual(c.warnings, ['the answer ended before its last payload (hasNext was still true)', '1 increment whose path is not in the data: shown in the messages, not merged']);
    assert.deepEqual(c.response?.value, { person: { id: '1' } });
  });
});

describe('GraphQL over server-sent events (graphql-sse distinct connections; GraphQL Yoga subscriptions)', () => {
  // As GraphQL Yoga 5 answers a subscription asked with Accept: text/event-stream (test/heldout-rpc/graphql/yoga-defer.cjs):
  // its Content-Encoding: none (no registered coding) means identity.
  const sse = (events: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nContent-Encoding: none\r\nContent-Length: ${Buffer.byteLength(events)}\r\n\r\n${events}`;
  const sub = (events: string) =>
    httpCalls([
      { dir: 'c2s', data: post(JSON.stringify({ query: 'subscription Count { countdown(from: 2) }' })) },
      { dir: 's2c', data: sse(events) },
    ])[0];
  it('each next event a message holding its data, the last data the response, completed', () => {
    const c = sub(':\n\nevent: next\ndata: {"data":{"countdown":2}}\n\nevent: next\ndata: {"data":{"countdown":1}}\n\nevent: complete\ndata:\n\n');
    assert.deepEqual([c.protocol, c.method, c.kind, c.status?.code, c.warnings], ['graphql', 'Count', 'server-stream', 'data', []]);
    assert.deepEqual(c.messages?.filter((m) => m.label === 'next').map((m) => m.value), [{ countdown: 2 }, { countdown: 1 }]);
    assert.deepEqual(c.response?.value, { countdown: 1 });
    assert.equal(c.fields['graphql.results'], 2);
  });
  it('a result with errors fails the call', () => {
    const c = sub('event: next\ndata: {"data":{"countdown":2}}\n\nevent: next\ndata: {"errors":[{"message":"clock stopped","extensions":{"code":"CLOCK"}}]}\n\nevent: complete\ndata:\n\n');
    assert.deepEqual(c.status, { code: 'CLOCK', text: 'clock stopped', ok: false });
  });
});

describe('GraphQL over WebSocket', () => {
  const A = '19c02328-00ab-4058-9400-00d836c318eb';
  const B = 'ccacb705-2aee-4e49-9a69-7a809b90454c';
  const session: Array<['c2s' | 's2c', string]> = [
    ['c2s', '{"type":"connection_init"}'],
    ['s2c', '{"type":"connection_ack"}'],
    ['c2s', `{"id":"${A}","type":"subscribe","payload":{"query":"subscription { itemAdded(personId: \\"1234\\") { id title } }"}}`],
    ['c2s', `{"id":"${B}","type":"subscribe","payload":{"query":"subscription Watch { itemAdded(personId: \\"1\\") { id } }"}}`],
    ['s2c', `{"id":"${A}","type":"next","payload":{"data":{"itemAdded":{"id":"456","title":"Espresso machine"}}}}`],
    ['s2c', `{"id":"${B}","type":"next","payload":{"data":{"itemAdded":{"id":"456"}}}}`],
    ['s2c', `{"id":"${A}","type":"next","payload":{"data":{"itemAdded":{"id":"457","title":"Grinder"}}}}`],
    ['c2s', `{"id":"${B}","type":"complete"}`],
    ['c2s', '{"id":"q1","type":"subscribe","payload":{"query":"query { persons { id } }"}}'],
    ['s2c', '{"id":"q1","type":"next","payload":{"data":{"persons":[]}}}'],
    ['s2c', '{"id":"q1","type":"complete"}'],
    ['c2s', '{"id":"q2","type":"subscribe","payload":{"query":"{ nope }"}}'],
    ['s2c', '{"id":"q2","type":"error","payload":[{"message":"Cannot query field \\"nope\\" on type \\"Query\\"."}]}'],
    ['c2s', '{"type":"ping"}'],
    ['s2c', '{"type":"pong"}'],
  ];

  it('graphql-transport-ws (the sample): a subscription is a server-stream with each result a message; the client stops one; a query answers once; an error', () => {
    const cs = ws(session, 'graphql-transport-ws');
    const brief = cs.map((c) => `${c.method} ${c.kind} ${c.state} ${c.status?.code ?? ''}`.trim());
    assert.deepEqual(brief, ['connection_init unary complete ack', 'Watch server-stream complete stopped', 'persons unary complete data', 'nope unary complete error', 'ping event complete pong', 'itemAdded server-stream complete data']);
    const sub = cs.at(-1)!;
    assert.deepEqual(
      sub.messages!.filter((m) => m.dir === 's2c').map((m) => m.value),
      [{ itemAdded: { id: '456', title: 'Espresso machine' } }, { itemAdded: { id: '457', title: 'Grinder' } }],
    );
    assert.ok(sub.warnings.some((w) => /still open/.test(w)));
    assert.equal(cs[2].fields['graphql.id'], 'q1');
    assert.deepEqual(cs[2].response?.value, { persons: [] });
    assert.equal(cs[3].status?.text, 'Cannot query field "nope" on type "Query".');
  });

  it('subscriptions-transport-ws (Apollo\'s older `graphql-ws` protocol): start → data → complete, ka, stop', () => {
    const cs = ws(
      [
        ['c2s', '{"type":"connection_init","payload":{}}'],
        ['s2c', '{"type":"connection_ack"}'],
        ['s2c', '{"type":"ka"}'],
        ['c2s', '{"id":"1","type":"start","payload":{"query":"subscription OnItem { itemAdded(personId: \\"1\\") { id } }","variables":null}}'],
        ['s2c', '{"id":"1","type":"data","payload":{"data":{"itemAdded":{"id":"9"}}}}'],
        ['c2s', '{"id":"1","type":"stop"}'],
        ['s2c', '{"id":"1","type":"complete"}'],
      ],
      'graphql-ws',
    );
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.state} ${c.status?.code ?? ''}`.trim()),
      ['connection_init unary complete ack', 'ka event complete', 'OnItem server-stream complete stopped', 'complete event complete'],
    );
  });

  it('recognised without its subprotocol by a first connection_init', () => {
    const cs = ws(session.slice(0, 3));
    assert.equal(cs[0].protocol, 'graphql');
    assert.equal(cs[0].method, 'connection_init');
  });
});
