import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseOpenApi, matchOperation, compileTemplate, pickSchema, responseSchemasFor, type ParameterRef } from '../../decoders/definitions/openapi';
import { parameterValue, parseCookies, parseQuery } from '../../decoders/definitions/params';
import { parseAsyncApi, matchChannel, channelCandidates } from '../../decoders/definitions/asyncapi';
import { SchemaChecker, dialectOf } from '../../decoders/definitions/validate';
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
    assert.equal(matchOperation([doc], 'GET', '/other/v1/persons/42'), undefined);
  });
  test("a request without the servers' base path (behind a proxy that strips it) links by the path alone, after any match with the base", () => {
    // FastAPI 0.92 with `root_path="/rides-api"` (its "Behind a Proxy" set-up) writes the prefix in
    // `servers`; the app itself is asked for /rides…, the proxy's clients for /rides-api/rides…
    const fastapi = parseOpenApi(
      '/ws/openapi.json',
      JSON.stringify({
        openapi: '3.0.2',
        info: { title: 'Rides', version: '1.4.0' },
        servers: [{ url: '/rides-api' }],
        paths: {
          '/rides/{ride_id}': { get: { operationId: 'get_ride_rides__ride_id__get', parameters: [{ required: true, schema: { title: 'Ride Id', minimum: 1.0, type: 'integer' }, name: 'ride_id', in: 'path' }], responses: { '200': { description: 'Successful Response' } } } },
          '/health': { get: { operationId: 'health', responses: { '200': { description: 'Successful Response' } } } },
        },
      }),
    )!;
    assert.deepEqual(fastapi.operations[0].templates, ['/rides-api/rides/{ride_id}']);
    assert.equal(matchOperation([fastapi], 'GET', '/rides-api/rides/7')?.op.operationId, 'get_ride_rides__ride_id__get');
    const m = matchOperation([fastapi], 'GET', '/rides/7?x=1');
    assert.equal(m?.op.operationId, 'get_ride_rides__ride_id__get');
    assert.deepEqual(m?.params, { ride_id: '7' });
    // the OAS3 document above (base /people/v1) without its base, as the app behind a proxy sees it
    assert.equal(matchOperation([doc], 'GET', '/persons/42')?.op.name, 'GET /persons/{id}');
    // any match with a base comes first: a document that serves /health at the root wins over one whose base was left out
    const root = parseOpenApi('/ws/root.yaml', "openapi: 3.0.3\ninfo: { title: r, version: '1' }\npaths:\n  /health:\n    get:\n      operationId: rootHealth\n      responses: { '200': { description: ok } }\n")!;
    assert.equal(matchOperation([fastapi, root], 'GET', '/health')?.op.operationId, 'rootHealth');
    assert.equal(matchOperation([fastapi, root], 'GET', '/rides-api/health')?.op.operationId, 'health');
    // a path the document does not have still links nowhere
    assert.equal(matchOperation([fastapi], 'GET', '/rides-api/nowhere'), undefined);
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

// Fragments of what apispec 5.2.2 (marshmallow 3.18) wrote for one Flask app in its three versions
// (test/heldout-defs/apispec-lab.py): a nullable field, a nullable nested schema, a length limit.
const ADDRESS = { type: 'object', required: ['city', 'street'], properties: { city: { type: 'string' }, street: { type: 'string', minLength: 1, maxLength: 80 }, country: { type: 'string', enum: ['FR', 'DE', 'ES', 'IT'], default: 'FR' } } };
const apispecDoc = (version: string, nullable: (s: Record<string, unknown>) => Record<string, unknown>, ref: string) => {
  const parcel = {
    type: 'object',
    required: ['weight_kg'],
    properties: {
      weight_kg: { type: 'number', minimum: 0, maximum: 30 },
      reference: nullable({ type: 'string', maxLength: 20 }),
      insured_by: nullable({ allOf: [{ $ref: ref }] }),
    },
  };
  return version === '2.0'
    ? { swagger: '2.0', info: { title: 'Parcels', version: '2.1.0' }, basePath: '/api/v2', paths: {}, definitions: { Address: ADDRESS, ParcelIn: parcel } }
    : { openapi: version, info: { title: 'Parcels', version: '2.1.0' }, paths: {}, components: { schemas: { Address: ADDRESS, ParcelIn: parcel } } };
};

describe('schema dialects: Swagger 2.0 and OpenAPI 3.0 (draft-04 keywords) and 3.1 (JSON Schema 2020-12)', () => {
  const check = (doc: Record<string, unknown>, pointer: string, value: unknown) => new SchemaChecker(doc, `test:dialect:${Math.random()}`).check(pointer, value);
  const ok = { weight_kg: 2.5, reference: null, insured_by: null };
  const bad = { weight_kg: 31, reference: 'x'.repeat(21), insured_by: { street: '', city: 'Paris' } };
  test('2.0: `x-nullable: true` lets null through (apispec, go-swagger, drf-yasg write it); other limits still hold', () => {
    const doc = apispecDoc('2.0', (s) => ({ ...s, 'x-nullable': true }), '#/definitions/Address');
    assert.equal(dialectOf(doc), 'oas2');
    assert.deepEqual(check(doc, '#/definitions/ParcelIn', ok), []);
    assert.deepEqual(check(doc, '#/definitions/ParcelIn', bad), ['/weight_kg must be <= 30', '/reference must NOT have more than 20 characters', '/insured_by must be null', '/insured_by/street must NOT have fewer than 1 characters', '/insured_by must match a schema in anyOf']);
    assert.deepEqual(check(doc, '#/definitions/ParcelIn', { weight_kg: 1, reference: 7 }), ['/reference must be string,null']);
  });
  test('3.0: `nullable: true` beside `allOf: [$ref]` (no type) is checked, not a schema ajv refuses to compile (every body of the operation went unchecked)', () => {
    const doc = apispecDoc('3.0.3', (s) => ({ ...s, nullable: true }), '#/components/schemas/Address');
    assert.equal(dialectOf(doc), 'oas30');
    assert.deepEqual(check(doc, '#/components/schemas/ParcelIn', ok), []);
    assert.deepEqual(check(doc, '#/components/schemas/ParcelIn', { weight_kg: 31 }), ['/weight_kg must be <= 30']);
    assert.equal(check(doc, '#/components/schemas/ParcelIn', bad).length, 5);
    // a JSON pointer through a nullable schema still leads to its properties
    assert.deepEqual(check(doc, '#/components/schemas/ParcelIn/properties/reference', null), []);
    // the Swagger 2.0 extension means nothing in 3.0
    const x = apispecDoc('3.0.3', (s) => ({ ...s, 'x-nullable': true }), '#/components/schemas/Address');
    assert.deepEqual(check(x, '#/components/schemas/ParcelIn', { weight_kg: 1, reference: null }), ['/reference must be string']);
  });
  test('3.0: nullable enums, consts and oneOfs take null; nullable: false changes nothing', () => {
    const doc = { openapi: '3.0.2', components: { schemas: { E: { type: 'string', enum: ['a'], nullable: true }, C: { const: 'card', nullable: true }, O: { oneOf: [{ type: 'integer' }, { type: 'string' }], nullable: true }, N: { type: 'string', nullable: false } } } };
    for (const k of ['E', 'C', 'O']) assert.deepEqual(check(doc, `#/components/schemas/${k}`, null), [], k);
    assert.deepEqual(check(doc, '#/components/schemas/E', 'b'), ['(root) must be one of ["a",null]']);
    assert.deepEqual(check(doc, '#/components/schemas/N', null), ['(root) must be string']);
  });
  test("draft-04's boolean exclusiveMinimum/exclusiveMaximum (Swagger 2.0, OpenAPI 3.0) are checked, not a schema that does not compile", () => {
    for (const openapi of ['3.0.3', undefined]) {
      const doc = { ...(openapi ? { openapi } : { swagger: '2.0' }), definitions: { W: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 30, exclusiveMaximum: false } } };
      assert.deepEqual(check(doc, '#/definitions/W', 0), ['(root) must be > 0']);
      assert.deepEqual(check(doc, '#/definitions/W', 30), []);
      assert.deepEqual(check(doc, '#/definitions/W', 30.5), ['(root) must be <= 30']);
    }
    // pydantic 1 writes draft-06 numbers in its 3.0 documents (`gt=0`): read as they are
    assert.deepEqual(check({ openapi: '3.0.2', s: { type: 'integer', exclusiveMinimum: 0, maximum: 6 } }, '#/s', 0), ['(root) must be > 0']);
  });
  test("a schema ajv cannot compile says the body was not checked, on the call (it read as valid before)", () => {
    const text = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/pets': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } }, responses: { '201': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { age: { type: 'integer', minimum: 'none' } } } } } } } } } },
      components: { schemas: { Pet: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } } } } },
    });
    const linker = new Linker({ openapi: [{ path: '/w/pets.json', text }], asyncapi: [], proto: [] });
    const body = (value: unknown) => ({ size: 10, kind: 'json' as const, contentType: 'application/json', value });
    const r = linker.link(makeCall({ method: 'POST', target: '/pets', status: { code: 201, ok: true }, http: { version: 'HTTP/1.1', method: 'POST', uri: '/pets', status: 201, requestBody: body({ owner: 1 }), responseBody: body({ age: 3 }) } }));
    assert.deepEqual(r?.warnings, [
      "request body not checked: its schema does not compile (can't resolve reference #/components/schemas/Owner)",
      'response body (201) not checked: its schema does not compile (minimum value must be ["number"])',
    ]);
  });
  test('readOnly properties are not required of a request, writeOnly ones not of a response (OAS 3.0 §Schema Object; apispec lists both in `required`)', () => {
    // apispec 5.2.2's 3.0.3 component for a marshmallow schema used both ways:
    // id = Integer(dump_only=True, required=True); pin = String(load_only=True, required=True)
    const note = { type: 'object', properties: { pin: { type: 'string', writeOnly: true }, id: { type: 'integer', readOnly: true }, text: { type: 'string' } }, required: ['id', 'pin', 'text'] };
    for (const openapi of ['3.0.3', '3.1.0']) {
      const doc = { openapi, components: { schemas: { Note: note } } };
      const c = new SchemaChecker(doc, `test:rw:${openapi}`);
      const p = '#/components/schemas/Note';
      assert.deepEqual(c.check(p, { text: 'ring twice', pin: '4821' }, 5, 'request'), [], openapi);
      assert.deepEqual(c.check(p, { id: 1, text: 'ring twice' }, 5, 'response'), [], openapi);
      assert.deepEqual(c.check(p, { id: 1, text: 'ring twice' }, 5, 'request'), ["(root) must have required property 'pin'"]);
      assert.deepEqual(c.check(p, { text: 'ring twice', pin: '4821' }, 5, 'response'), ["(root) must have required property 'id'"]);
      // without a direction (an AsyncAPI payload, a caller that does not say): as written
      assert.equal(c.check(p, { text: 'x' }).length, 2);
    }
    // the linker says which way each body goes
    const text = JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/notes': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } }, responses: { '201': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } } } } } }, components: { schemas: { Note: note } } });
    const linker = new Linker({ openapi: [{ path: '/w/notes.json', text }], asyncapi: [], proto: [] });
    const body = (value: unknown) => ({ size: 10, kind: 'json' as const, contentType: 'application/json', value });
    const r = linker.link(makeCall({ method: 'POST', target: '/notes', status: { code: 201, ok: true }, http: { version: 'HTTP/1.1', method: 'POST', uri: '/notes', status: 201, requestBody: body({ text: 'ring twice', pin: '4821' }), responseBody: body({ id: 1, text: 'ring twice' }) } }));
    assert.deepEqual(r?.warnings, []);
  });
  test('a discriminator picks the one schema its value names (OAS 3.x §Discriminator Object)', () => {
    // FastAPI 0.92 / pydantic 1.10: `Union[PickedUp, DroppedOff] = Field(discriminator="type")`
    const fastapi = {
      openapi: '3.0.2',
      components: {
        schemas: {
          RideEvent: { title: 'RideEvent', required: ['event'], type: 'object', properties: { event: { title: 'Event', oneOf: [{ $ref: '#/components/schemas/PickedUp' }, { $ref: '#/components/schemas/DroppedOff' }], discriminator: { propertyName: 'type', mapping: { picked_up: '#/components/schemas/PickedUp', dropped_off: '#/components/schemas/DroppedOff' } } } } },
          PickedUp: { title: 'PickedUp', required: ['type', 'at', 'odometer_km'], type: 'object', properties: { type: { title: 'Type', enum: ['picked_up'], type: 'string' }, at: { title: 'At', type: 'string', format: 'date-time' }, odometer_km: { title: 'Odometer Km', minimum: 0.0, type: 'number' } } },
          DroppedOff: { title: 'DroppedOff', required: ['type', 'at', 'rating'], type: 'object', properties: { type: { title: 'Type', enum: ['dropped_off'], type: 'string' }, at: { title: 'At', type: 'string', format: 'date-time' }, rating: { title: 'Rating', maximum: 5.0, minimum: 1.0, type: 'integer' } } },
        },
      },
    };
    const c = new SchemaChecker(fastapi, 'test:disc');
    const p = '#/components/schemas/RideEvent';
    assert.deepEqual(c.check(p, { event: { type: 'picked_up', at: '2026-11-23T06:01:00Z', odometer_km: 12.5 } }), []);
    // only the named schema's problem, not the other branch's nor oneOf's
    assert.deepEqual(c.check(p, { event: { type: 'dropped_off', at: '2026-11-23T06:20:00Z', rating: 9 } }), ['/event/rating must be <= 5']);
    assert.deepEqual(c.check(p, { event: { type: 'cancelled' } }), ['/event/type must be one of ["picked_up","dropped_off"]']);
    assert.deepEqual(c.check(p, { event: 3 }), ['/event must be object']);
    // branches that overlap (the discriminator property a plain string, as in the specification's own
    // example): oneOf alone fails a Dog that is also a valid Cat; the implicit mapping is the schema name
    const pets = {
      openapi: '3.1.0',
      components: {
        schemas: {
          Pet: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }], discriminator: { propertyName: 'petType', mapping: { doggo: 'Dog' } } },
          Cat: { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, lives: { type: 'integer', maximum: 9 } } },
          Dog: { type: 'object', required: ['petType', 'name'], properties: { petType: { type: 'string' }, name: { type: 'string' }, bark: { type: 'string' } } },
        },
      },
    };
    const d = new SchemaChecker(pets, 'test:disc2');
    assert.deepEqual(d.check('#/components/schemas/Pet', { petType: 'doggo', name: 'Rex', lives: 12 }), []);
    assert.deepEqual(d.check('#/components/schemas/Pet', { petType: 'Cat', name: 'Tom', lives: 12 }), ['/lives must be <= 9']);
    // (an explicit mapping replaces the implicit name: "doggo", not "Dog", names Dog)
    assert.deepEqual(d.check('#/components/schemas/Pet', { petType: 'Dog', name: 'Rex' }), ['/petType must be one of ["doggo","Cat"]']);
  });
  test('properties named like keywords (`default`, `example`, `nullable`) are schemas like the others', () => {
    const doc = { openapi: '3.0.3', components: { schemas: { S: { type: 'object', properties: { default: { type: 'string', nullable: true }, example: { type: 'integer', minimum: 0, exclusiveMinimum: true }, nullable: { type: 'boolean' } } } } } };
    const c = new SchemaChecker(doc, 'test:names');
    assert.deepEqual(c.check('#/components/schemas/S', { default: null, example: 1, nullable: false }), []);
    assert.deepEqual(c.check('#/components/schemas/S', { default: 3, example: 0, nullable: null }), ['/default must be string,null', '/example must be > 0', '/nullable must be boolean']);
  });
  test('2.0: a `type: file` response takes any body', () => {
    assert.deepEqual(check({ swagger: '2.0', r: { type: 'file' } }, '#/r', 'PNG…'), []);
  });
  test("3.1: type lists with null (apispec's 3.1 form) and 2020-12 keywords; `nullable` is no keyword there", () => {
    const doc = apispecDoc('3.1.0', (s) => ({ ...s, type: [...(s.type ? [s.type] : []), 'null'] }), '#/components/schemas/Address');
    assert.equal(dialectOf(doc), 'oas31');
    assert.deepEqual(check(doc, '#/components/schemas/ParcelIn', { weight_kg: 1, reference: null }), []);
    // apispec 5.2 writes a nullable nested schema as `allOf: [$ref]` beside `type: [null]`: nothing satisfies both
    assert.deepEqual(check(doc, '#/components/schemas/ParcelIn', { weight_kg: 1, insured_by: null }), ['/insured_by must be object']);
    const d = { openapi: '3.1.0', s: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }], items: false }, o: { type: 'object', dependentRequired: { card: ['cvc'] }, unevaluatedProperties: false, properties: { card: {}, cvc: {} } }, n: { type: 'string', nullable: true } };
    assert.deepEqual(check(d, '#/s', [1, 'a']), []);
    assert.deepEqual(check(d, '#/s', ['a', 1, 2]), ['/0 must be number', '/1 must be string', '(root) must NOT have more than 2 items']);
    assert.deepEqual(check(d, '#/o', { card: 'x', extra: 1 }), ["(root) must have property cvc when property card is present", '(root) must NOT have unevaluated properties']);
    assert.deepEqual(check(d, '#/n', null), ['(root) must be string']);
  });
});

describe('path and query parameters (OAS 3.0 §Parameter Object, §Style Values; 2.0 collectionFormat)', () => {
  test('query strings read as forms; arrays split as the style or collectionFormat says; numbers and booleans from their text', () => {
    assert.deepEqual([...parseQuery('/rides?state=requested&vehicle=bike&vehicle=van&note=a+b%2Bc&flag&x=%ZZ#frag')], [
      ['state', ['requested']],
      ['vehicle', ['bike', 'van']],
      ['note', ['a b+c']],
      ['flag', ['']],
      ['x', ['%ZZ']],
    ]);
    const ref = (arrayFormat: ParameterRef['arrayFormat']): ParameterRef => ({ name: 'p', in: 'query', required: false, arrayFormat, schemaNode: {} });
    const ints = { type: 'array', items: { type: 'integer' } };
    assert.deepEqual(parameterValue({}, ref('multi'), ints, ['1', '2']), [1, 2]);
    assert.deepEqual(parameterValue({}, ref('csv'), ints, ['1,x']), [1, 'x']);
    assert.deepEqual(parameterValue({}, ref('pipes'), ints, ['3|4']), [3, 4]);
    assert.equal(parameterValue({}, ref('multi'), { type: 'boolean' }, ['false']), false);
    assert.equal(parameterValue({}, ref('multi'), { type: 'boolean' }, ['yes']), 'yes');
    assert.equal(parameterValue({}, ref('multi'), { type: 'number' }, ['1.5']), 1.5);
    assert.equal(parameterValue({}, ref('multi'), { type: 'string' }, ['10']), '10');
    // 3.1's anyOf with null (FastAPI ≥ 0.100's Optional[int])
    assert.equal(parameterValue({}, ref('multi'), { anyOf: [{ type: 'integer' }, { type: 'null' }] }, ['7']), 7);
    assert.equal(parameterValue({}, ref('multi'), { type: 'integer' }, undefined), undefined);
  });
  test("FastAPI 0.92's parameters: the 422s for ?limit=0, /rides/abc and /vehicles/boat are flagged, the valid list query is not", () => {
    // fragments of the document FastAPI served (test/heldout-defs/fastapi-lab.py)
    const text = JSON.stringify({
      openapi: '3.0.2',
      info: { title: 'Rides', version: '1.4.0' },
      paths: {
        '/rides': {
          get: {
            operationId: 'list_rides_rides_get',
            parameters: [
              { required: false, schema: { $ref: '#/components/schemas/RideState' }, name: 'state', in: 'query' },
              { required: false, schema: { type: 'array', items: { $ref: '#/components/schemas/Vehicle' }, default: [] }, name: 'vehicle', in: 'query' },
              { required: false, schema: { title: 'Limit', maximum: 100.0, minimum: 1.0, type: 'integer', default: 10 }, name: 'limit', in: 'query' },
              { required: false, schema: { title: 'Since', type: 'string', format: 'date-time' }, name: 'since', in: 'query' },
              { required: false, schema: { title: 'Min Fare', type: 'number' }, name: 'min_fare', in: 'query' },
              { required: false, schema: { title: 'With Driver', type: 'boolean', default: false }, name: 'with_driver', in: 'query' },
            ],
            responses: { '200': { description: 'Successful Response' } },
          },
        },
        '/rides/{ride_id}': { get: { operationId: 'get_ride_rides__ride_id__get', parameters: [{ required: true, schema: { title: 'Ride Id', minimum: 1.0, type: 'integer' }, name: 'ride_id', in: 'path' }], responses: { '200': { description: 'Successful Response' } } } },
        '/rides/{ride_id}/receipt': {
          parameters: [{ name: 'currency', in: 'query', required: true, schema: { type: 'string' } }],
          get: { operationId: 'receipt', parameters: [{ required: false, schema: { title: 'Currency', maxLength: 3, minLength: 3, type: 'string', default: 'EUR' }, name: 'currency', in: 'query' }, { $ref: '#/components/parameters/Page' }], responses: { '200': { description: 'ok' } } },
        },
      },
      components: {
        schemas: { RideState: { title: 'RideState', enum: ['requested', 'accepted', 'finished'], type: 'string' }, Vehicle: { title: 'Vehicle', enum: ['bike', 'car', 'van'], type: 'string' } },
        parameters: { Page: { name: 'page', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } } },
      },
    });
    const linker = new Linker({ openapi: [{ path: '/w/openapi.json', text }], asyncapi: [], proto: [] });
    const get = (uri: string) => linker.link(makeCall({ method: 'GET', target: uri, http: { version: 'HTTP/1.1', method: 'GET', uri, status: 200 } }))?.warnings;
    assert.deepEqual(get('/rides?state=requested&vehicle=bike&vehicle=van&limit=5&since=2026-11-23T00%3A00%3A00Z&min_fare=1.5&with_driver=false'), []);
    assert.deepEqual(get('/rides?limit=0'), ['query parameter limit must be >= 1']);
    assert.deepEqual(get('/rides?vehicle=bike&vehicle=boat&with_driver=yes'), ['query parameter vehicle/1 must be one of ["bike","car","van"]', 'query parameter with_driver must be boolean']);
    assert.deepEqual(get('/rides/abc'), ['path parameter ride_id must be integer']);
    assert.deepEqual(get('/rides/0'), ['path parameter ride_id must be >= 1']);
    // the operation's `currency` replaces the path item's required one; a $ref parameter is followed
    assert.deepEqual(get('/rides/7/receipt'), ['query parameter page is required and missing']);
    assert.deepEqual(get('/rides/7/receipt?page=2&currency=EURO'), ['query parameter currency must NOT have more than 3 characters']);
    // an object parameter (form, explode: its properties are names of their own) is read from them
    const obj = JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/find': { get: { parameters: [{ name: 'filter', in: 'query', required: true, schema: { type: 'object', properties: { color: { type: 'string' } } } }], responses: { '200': { description: 'ok' } } } } } });
    const l2 = new Linker({ openapi: [{ path: '/w/o.json', text: obj }], asyncapi: [], proto: [] });
    assert.deepEqual(l2.link(makeCall({ method: 'GET', target: '/find?color=red', http: { version: 'HTTP/1.1', method: 'GET', uri: '/find?color=red', status: 200 } }))?.warnings, []);
    assert.deepEqual(l2.link(makeCall({ method: 'GET', target: '/find?color=7', http: { version: 'HTTP/1.1', method: 'GET', uri: '/find?color=7', status: 200 } }))?.warnings, []);
    assert.deepEqual(l2.link(makeCall({ method: 'GET', target: '/find', http: { version: 'HTTP/1.1', method: 'GET', uri: '/find', status: 200 } }))?.warnings, ['query parameter filter is required and missing']);
  });
  test('header and cookie parameters (FastAPI Header() and Cookie()); Accept, Content-Type and Authorization ignored', () => {
    const text = JSON.stringify({
      openapi: '3.0.2',
      info: { title: 'Rides', version: '1.4.0' },
      paths: {
        '/rides/{ride_id}/track': {
          get: {
            operationId: 'track',
            parameters: [
              { required: true, schema: { title: 'Ride Id', type: 'integer' }, name: 'ride_id', in: 'path' },
              { required: true, schema: { title: 'X-Trace', type: 'integer' }, name: 'x-trace', in: 'header' },
              { required: false, schema: { title: 'X-Zones', type: 'array', items: { type: 'integer' } }, name: 'x-zones', in: 'header' },
              { required: true, schema: { title: 'Session', type: 'string', minLength: 8 }, name: 'session', in: 'cookie' },
              { required: true, schema: { type: 'string', enum: ['never'] }, name: 'Accept', in: 'header' },
            ],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });
    const linker = new Linker({ openapi: [{ path: '/w/openapi.json', text }], asyncapi: [], proto: [] });
    const get = (headers: Array<[string, string]>) => linker.link(makeCall({ method: 'GET', target: '/rides/1/track', http: { version: 'HTTP/1.1', method: 'GET', uri: '/rides/1/track', status: 200, requestHeaders: [['Accept', '*/*'], ...headers] } }))?.warnings;
    assert.deepEqual(get([['X-Trace', '42'], ['X-Zones', '1, 2'], ['X-Zones', '3'], ['Cookie', 'theme=dark; session=abcdefgh12']]), []);
    assert.deepEqual(get([['x-trace', 'abc'], ['x-zones', '1,two'], ['Cookie', 'session=short']]), ['header parameter x-trace must be integer', 'header parameter x-zones/1 must be integer', 'cookie parameter session must NOT have fewer than 8 characters']);
    assert.deepEqual(get([]), ['header parameter x-trace is required and missing', 'cookie parameter session is required and missing']);
    // HTTP/2 splits cookies into fields of their own (RFC 9113 §8.2.3)
    assert.deepEqual(get([['x-trace', '1'], ['cookie', 'theme=dark'], ['cookie', 'session=abcdefgh12']]), []);
    assert.deepEqual([...parseCookies('a=1; b="two"; a=3; junk')], [['a', ['1', '3']], ['b', ['two']]]);
  });
  test("Swagger 2.0: a parameter's own keywords are its schema, read as draft-04 (flasgger's listPets)", () => {
    const sw = { swagger: '2.0', info: { title: 'Pet clinic', version: '0.3.0' }, paths: { '/v1/pets': { get: { operationId: 'listPets', parameters: [{ name: 'kind', in: 'query', type: 'string', enum: ['cat', 'dog', 'rabbit'] }, { name: 'limit', in: 'query', type: 'integer', minimum: 0, exclusiveMinimum: true, default: 20 }, { name: 'ids', in: 'query', type: 'array', items: { type: 'integer' }, collectionFormat: 'csv' }], responses: { 200: { description: 'pets' } } } } } };
    const linker = new Linker({ openapi: [{ path: '/w/swagger.json', text: JSON.stringify(sw) }], asyncapi: [], proto: [] });
    const get = (uri: string) => linker.link(makeCall({ method: 'GET', target: uri, http: { version: 'HTTP/1.1', method: 'GET', uri, status: 200 } }))?.warnings;
    assert.deepEqual(get('/v1/pets?kind=dog&limit=5&ids=1%2C2'), []);
    assert.deepEqual(get('/v1/pets?kind=parrot&limit=0&ids=1%2Cx'), ['query parameter kind must be one of ["cat","dog","rabbit"]', 'query parameter limit must be > 0', 'query parameter ids/1 must be integer']);
    const doc = parseOpenApi('/w/swagger.json', JSON.stringify(sw))!;
    assert.deepEqual(doc.operations[0].parameters.map((p) => [p.name, p.arrayFormat, p.required]), [['kind', 'csv', false], ['limit', 'csv', false], ['ids', 'csv', false]]);
  });

  test('a path parameter is percent-decoded once: an encoded % stays a %', () => {
    const text = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'files', version: '1' },
      paths: { '/files/{name}': { get: { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: ['a%20b', 'c/d', 'é'] } }], responses: { '200': { description: 'ok' } } } } },
    });
    const linker = new Linker({ openapi: [{ path: '/w/openapi.json', text }], asyncapi: [], proto: [] });
    const get = (uri: string) => linker.link(makeCall({ method: 'GET', target: uri, http: { version: 'HTTP/1.1', method: 'GET', uri, status: 200 } }))?.warnings;
    assert.deepEqual(get('/files/a%2520b'), []);
    assert.deepEqual(get('/files/c%2Fd'), []);
    assert.deepEqual(get('/files/%C3%A9'), []);
    assert.deepEqual(get('/files/a%20b'), ['path parameter name must be one of ["a%20b","c/d","é"]']);
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
