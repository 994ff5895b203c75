import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseOpenApi, matchOperation, compileTemplate, pickSchema, responseSchemasFor } from '../../decoders/definitions/openapi';
import { parseAsyncApi, matchChannel, channelCandidates } from '../../decoders/definitions/asyncapi';
import { SchemaChecker } from '../../decoders/definitions/validate';
import { definitionStats, percentile, statsLabel } from '../../decoders/definitions/stats';
import { makeCall } from './builders';
import type { Call } from '../../decoders/core/model';
import { Linker } from '../../extension/definitions/linker';
import { nearestFirst } from '../../extension/definitions/nearest';

const OAS3 = `openapi: 3.0.3
info: { title: t, version: '1' }
servers:
  - url: https://api.example.com/{base}/v1
    variables:
      base: { default: people }
paths:
  /persons:
    post:
      operationId: createPerson
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewPerson' }
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Person' }
  /persons/{id}:
    get:
      responses:
        '2XX':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Person' }
  /persons/me:
    get:
      responses: { '200': { description: me } }
components:
  schemas:
    NewPerson:
      type: object
      required: [name, email]
      properties:
        name: { type: string }
        email: { type: string, format: email }
        nickname: { type: string, nullable: true }
    Person:
      allOf:
        - $ref: '#/components/schemas/NewPerson'
        - type: object
          required: [id]
          properties: { id: { type: integer } }
`;

const SWAGGER = JSON.stringify(
  {
    swagger: '2.0',
    info: { title: 's', version: '1' },
    basePath: '/api',
    paths: {
      '/items/{itemId}': {
        put: { parameters: [{ name: 'itemId', in: 'path', required: true, type: 'string' }, { name: 'body', in: 'body', schema: { $ref: '#/definitions/Item' } }], responses: { 200: { description: 'ok' } } },
      },
    },
    definitions: { Item: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, price: { type: 'number', minimum: 0 } } } },
  },
  null,
  2,
);

describe('OpenAPI operation index', () => {
  const doc = parseOpenApi('/ws/api.yaml', OAS3)!;
  test('operations with their lines and base paths from server variables', () => {
    assert.equal(doc.operations.length, 3);
    const post = doc.operations.find((o) => o.name === 'POST /persons')!;
    assert.equal(post.line, 9);
    assert.equal(post.column, 5);
    assert.deepEqual(post.templates, ['/people/v1/persons']);
    assert.equal(post.operationId, 'createPerson');
  });
  test('matching: base path, templates, literal beats parameter, query ignored', () => {
    assert.equal(matchOperation([doc], 'POST', '/people/v1/persons')?.op.name, 'POST /persons');
    const m = matchOperation([doc], 'get', '/people/v1/persons/42?x=1');
    assert.equal(m?.op.name, 'GET /persons/{id}');
    assert.deepEqual(m?.params, { id: '42' });
    assert.equal(matchOperation([doc], 'GET', '/people/v1/persons/me')?.op.name, 'GET /persons/me');
    assert.equal(matchOperation([doc], 'GET', 'http://api.example.com/people/v1/persons/7/')?.op.name, 'GET /persons/{id}');
    assert.equal(matchOperation([doc], 'DELETE', '/people/v1/persons/42'), undefined);
    assert.equal(matchOperation([doc], 'GET', '/persons/42'), undefined);
  });
  test('matching with several documents: the one whose servers name where the call went comes first; others still match', () => {
    const api = (title: string, servers: string, extra = '') => parseOpenApi(`/ws/${title}.yaml`, `openapi: 3.0.3\ninfo: { title: ${title}, version: '1' }\n${servers}paths:\n  /health:\n    get:\n      operationId: ${title}Health\n      responses: { '200': { description: ok } }\n${extra}`)!;
    const orders = api('orders', 'servers:\n  - url: http://localhost:8081/\n');
    const users = api('users', 'servers:\n  - url: http://{host}:{port}\n    variables: { host: { default: users.internal }, port: { default: "9090" } }\n');
    const web = api('web', 'servers:\n  - url: https://api.example.com\n');
    const bare = api('bare', '');
    const docs = [orders, users, web, bare];
    const id = (to?: Parameters<typeof matchOperation>[3]) => matchOperation(docs, 'GET', '/health', to)?.op.operationId;
    assert.equal(id({ ip: '127.0.0.1', port: 8081, host: '127.0.0.1' }), 'ordersHealth'); // localhost is this machine
    assert.equal(id({ ip: '10.0.0.9', port: 9090, host: 'users.internal' }), 'usersHealth'); // server variables' defaults
    assert.equal(id({ ip: '10.0.0.9', port: 9090 }), 'bareHealth'); // no Host header: a name is not an address
    assert.equal(id({ ip: '93.184.216.34', port: 443, host: 'API.example.com' }), 'webHealth'); // https's default port
    // nobody names it: a document that says nothing about servers beats those naming others
    assert.equal(id({ ip: '127.0.0.1', port: 3000 }), 'bareHealth');
    // without `bare`, a document naming another server still matches (the same API run elsewhere)
    assert.equal(matchOperation([orders], 'GET', '/health', { ip: '127.0.0.1', port: 3000 })?.op.operationId, 'ordersHealth');
    assert.equal(matchOperation([orders, web], 'GET', '/health')?.op.operationId, 'ordersHealth'); // no destination: the first
    assert.deepEqual(users.operations[0].authorities, [{ host: 'users.internal', port: 9090 }]);
    // Swagger 2.0: host and schemes
    const sw = parseOpenApi('/ws/sw2.yaml', "swagger: '2.0'\ninfo: { title: s, version: '1' }\nhost: 'svc.local:8443'\nschemes: [https]\npaths:\n  /health:\n    get:\n      operationId: swHealth\n      responses: { '200': { description: ok } }\n")!;
    assert.deepEqual(sw.operations[0].authorities, [{ host: 'svc.local', port: 8443 }]);
    assert.equal(matchOperation([bare, sw], 'GET', '/health', { ip: '10.1.1.1', port: 8443, host: 'svc.local' })?.op.operationId, 'swHealth');
  });
  test('the linker ranks documents by where the call went: its Host, a request in absolute form, not a tunnel\'s proxy', () => {
    const api = (title: string, url: string) => ({ path: `/w/${title}.yaml`, text: `openapi: 3.0.3\ninfo: { title: ${title}, version: '1' }\nservers:\n  - url: ${url}\npaths:\n  /health:\n    get:\n      operationId: ${title}Health\n      responses: { '200': { description: ok } }\n` });
    const linker = new Linker({ openapi: [api('orders', 'http://orders.internal:8081'), api('users', 'http://[::1]:9090')], asyncapi: [], proto: [] });
    const get = (over: Partial<Call>, headers: Array<[string, string]> = []) =>
      linker.link(makeCall({ protocol: 'http', method: 'GET', server: { ip: '10.0.0.5', port: 8081 }, http: { version: 'HTTP/1.1', method: 'GET', uri: '/health', requestHeaders: headers }, ...over }))?.ref.name;
    assert.equal(get({}, [['Host', 'Orders.Internal:8081']]), 'GET /health (ordersHealth)');
    assert.equal(get({ server: { ip: '::1', port: 9090 } }, [['Host', '[::1]:9090']]), 'GET /health (usersHealth)');
    // through a forward proxy: the absolute URI names the origin, not the proxy the packets went to
    assert.equal(get({ server: { ip: '10.0.0.9', port: 3128 }, http: { version: 'HTTP/1.1', method: 'GET', uri: 'http://[::1]:9090/health' } }), 'GET /health (usersHealth)');
    // inside a CONNECT tunnel nothing says where: the first matching document
    assert.equal(get({ server: { ip: '::1', port: 9090 }, fields: { 'http.proxy_tunnel': '[::1]:9090' } }, [['Host', '[::1]:9090']]), 'GET /health (ordersHealth)');
  });
  test('Swagger 2.0: basePath and body parameter schema', () => {
    const sw = parseOpenApi('/ws/sw.json', SWAGGER)!;
    assert.equal(sw.version, '2.0');
    const m = matchOperation([sw], 'PUT', '/api/items/456')!;
    assert.equal(m.op.name, 'PUT /items/{itemId}');
    assert.equal(m.op.line, 10);
    const schema = pickSchema(m.op.requestSchemas, 'application/json; charset=utf-8')!;
    const checker = new SchemaChecker(sw.data, 'test:sw');
    assert.deepEqual(checker.check(schema.pointer, { title: 'Bike', price: 1 }), []);
    assert.deepEqual(checker.check(schema.pointer, { price: -1 }), ['(root) must have required property \'title\'', '/price must be >= 0']);
  });
  test('ajv checks request and response bodies through $ref, allOf, nullable and formats', () => {
    const checker = new SchemaChecker(doc.data, 'test:oas3');
    const post = doc.operations.find((o) => o.name === 'POST /persons')!;
    const req = pickSchema(post.requestSchemas, 'application/json')!;
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada', email: 'ada@example.org', nickname: null }), []);
    assert.deepEqual(checker.check(req.pointer, { name: 'Ada', email: 'not-an-email' }), ['/email must match format "email"']);
    const get = doc.operations.find((o) => o.name === 'GET /persons/{id}')!;
    const res = pickSchema(responseSchemasFor(get, 200), 'application/json')!;
    assert.equal(res.status, '2XX');
    assert.deepEqual(checker.check(res.pointer, { id: 'x', name: 'A', email: 'a@b.c' }), ['/id must be integer']);
  });
  test('templates compile to anchored patterns', () => {
    const t = compileTemplate('/a/{x}/b.{fmt}');
    assert.ok(t.re.test('/a/1/b.json'));
    assert.ok(!t.re.test('/a/1/2/b.json'));
    assert.deepEqual(t.params, ['x', 'fmt']);
  });
  test('not OpenAPI → undefined', () => {
    assert.equal(parseOpenApi('/ws/x.yaml', 'name: x\nversion: 1\n'), undefined);
    assert.equal(parseOpenApi('/ws/package.json', '{"name":"x"}'), undefined);
  });
});

const ASYNC2 = `asyncapi: '2.6.0'
info: { title: rides, version: '1' }
servers:
  broker: { url: 'mqtt://localhost:1883', protocol: mqtt }
channels:
  trips/{tripId}/status:
    parameters:
      tripId: { schema: { type: string } }
    subscribe:
      message:
        payload:
          type: object
          required: [state]
          properties: { state: { type: string, enum: [requested, accepted] } }
  trips/new:
    publish:
      message: { $ref: '#/components/messages/Trip' }
components:
  messages:
    Trip:
      payload: { type: object, required: [rider] }
`;

const ASYNC3 = `asyncapi: 3.0.0
info: { title: x, version: '1' }
servers:
  k: { host: 'localhost:9092', protocol: kafka }
channels:
  orders:
    address: shop.orders.{region}
    messages:
      order: { payload: { type: object } }
`;

describe('AsyncAPI channels', () => {
  const d2 = parseAsyncApi('/ws/a2.yaml', ASYNC2)!;
  const d3 = parseAsyncApi('/ws/a3.yaml', ASYNC3)!;
  test('2.x channels with parameters, lines and payload pointers', () => {
    assert.equal(d2.channels.length, 2);
    const st = d2.channels[0];
    assert.equal(st.address, 'trips/{tripId}/status');
    assert.equal(st.line, 6);
    assert.deepEqual(st.protocols, ['mqtt']);
    assert.deepEqual(st.payloads, ['#/channels/trips~1{tripId}~1status/subscribe/message/payload']);
    assert.deepEqual(d2.channels[1].payloads, ['#/components/messages/Trip/payload']);
  });
  test('matching topics; protocol must fit the servers', () => {
    assert.equal(matchChannel([d2], 'mqtt', ['trips/42/status'])?.channel.address, 'trips/{tripId}/status');
    assert.equal(matchChannel([d2], 'mqtt', ['trips/new'])?.channel.address, 'trips/new');
    assert.equal(matchChannel([d2], 'amqp', ['trips/new']), undefined);
    assert.equal(matchChannel([d2], 'mqtt', ['trips/42/other']), undefined);
  });
  test('3.x address with a parameter; candidates from fields', () => {
    assert.equal(d3.channels[0].address, 'shop.orders.{region}');
    const cands = channelCandidates(undefined, { 'kafka.topic': 'shop.orders.eu', 'kafka.partition': 1 });
    assert.deepEqual(cands, ['shop.orders.eu']);
    assert.equal(matchChannel([d3], 'kafka', cands)?.channel.id, 'orders');
  });
  test('a channel that is all parameters links messages only, not a connection call whose target is a client id', () => {
    const doc = 'asyncapi: 2.6.0\ninfo: {title: t, version: "1"}\nchannels:\n  "{replyTo}":\n    subscribe:\n      message: {payload: {type: object}}\n  trips/new:\n    publish:\n      message: {payload: {type: object}}\n';
    const linker = new Linker({ openapi: [], asyncapi: [{ path: '/w/a.yaml', text: doc }], proto: [] });
    const connect = makeCall({ protocol: 'mqtt', kind: 'unary', method: 'CONNECT', target: 'trip-service' });
    const reply = makeCall({ protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'inbox-7' });
    const trips = makeCall({ protocol: 'mqtt', kind: 'unary', method: 'SUBSCRIBE', target: 'trips/new' });
    assert.equal(linker.link(connect), undefined);
    assert.equal(linker.link(reply)?.ref.name, '{replyTo}');
    assert.equal(linker.link(trips)?.ref.name, 'trips/new');
  });
  test('payload validation against the channel message', () => {
    const checker = new SchemaChecker(d2.data, 'test:a2');
    assert.deepEqual(checker.check(d2.channels[0].payloads[0], { state: 'accepted' }), []);
    assert.deepEqual(checker.check(d2.channels[0].payloads[0], { state: 'lost' }), ['/state must be one of ["requested","accepted"]']);
  });
});

describe('CodeLens statistics', () => {
  test('count, nearest-rank p50, errors', () => {
    const calls = [3000, 1000, 2000, 8000].map((d, i) =>
      makeCall({ id: i + 1, timing: { startUs: 0, endUs: d }, status: i === 3 ? { code: 5, text: 'NOT_FOUND', ok: false } : { code: 0, ok: true } }),
    );
    const s = definitionStats(calls);
    assert.equal(s.calls, 4);
    assert.equal(s.errors, 1);
    assert.equal(s.p50Us, 2000);
    assert.equal(statsLabel(s), '4 calls · p50 2.0 ms · 1 error');
    assert.equal(statsLabel(definitionStats([makeCall({ timing: { startUs: 0 }, status: undefined, state: 'pending' })])), '1 call');
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
    assert.equal(percentile([], 50), undefined);
  });
});

describe('the e2e OpenAPI fixture matches the REST sample paths', () => {
  test('every request of the REST sample finds its operation', () => {
    const doc = parseOpenApi('f', readFileSync(new URL('../e2e/fixtures/person-api.openapi.yaml', import.meta.url), 'utf8'))!;
    for (const [m, p, want] of [
      ['POST', '/persons', 'POST /persons'],
      ['GET', '/persons/1234', 'GET /persons/{id}'],
      ['POST', '/persons/1234/items', 'POST /persons/{id}/items'],
      ['PUT', '/items/456', 'PUT /items/{id}'],
      ['DELETE', '/persons/1234', 'DELETE /persons/{id}'],
    ]) assert.equal(matchOperation([doc], m, p)?.op.name, want);
  });
});

describe('the .proto files a capture is decoded with', () => {
  const files = ['/w/b-sample/person.proto', '/w/a-sample/person.proto', '/w/shared/common.proto'];
  test('those beside the capture first, so that its own package definition wins', () => {
    assert.deepEqual(nearestFirst(files, '/w/b-sample/capture.pcap'), ['/w/b-sample/person.proto', '/w/a-sample/person.proto', '/w/shared/common.proto']);
    assert.deepEqual(nearestFirst(files, '/w/a-sample/deep/capture.pcap'), ['/w/a-sample/person.proto', '/w/b-sample/person.proto', '/w/shared/common.proto']);
  });
  test('without a capture, or one elsewhere: sorted', () => {
    const sorted = ['/w/a-sample/person.proto', '/w/b-sample/person.proto', '/w/shared/common.proto'];
    assert.deepEqual(nearestFirst(files), sorted);
    assert.deepEqual(nearestFirst(files, '/tmp/capture.pcap'), sorted);
  });
});
