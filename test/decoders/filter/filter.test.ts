import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, compileFilter, completeFilter, callField, filterFields } from '../../../decoders/filter/index';
import type { Call } from '../../../decoders/core/model';

function call(over: Partial<Call> = {}): Call {
  return {
    id: 1,
    protocol: 'http',
    kind: 'unary',
    state: 'complete',
    flowId: 3,
    client: { ip: '127.0.0.1', port: 51234 },
    server: { ip: '127.0.0.1', port: 8080 },
    method: 'GET',
    target: '/persons/1234',
    status: { code: 200, text: 'OK', ok: true },
    timing: { startUs: 1_000_000, endUs: 1_012_000 },
    request: { wireBytes: 300 },
    response: { wireBytes: 1200 },
    fields: { 'http.status': 200, 'http.method': 'GET', 'http.host': 'people' },
    frames: [1, 2],
    warnings: [],
    ...over,
  };
}

const grpcOk = call({ protocol: 'grpc', method: 'GetPerson', target: '/people.People/GetPerson', status: { code: 0, text: 'OK', ok: true }, fields: { 'grpc.status': 0 } });
const grpcNotFound = call({ protocol: 'grpc', method: 'GetPerson', target: '/people.People/GetPerson', status: { code: 5, text: 'NOT_FOUND', ok: false }, fields: { 'grpc.status': 5 }, timing: { startUs: 0, endUs: 150_000 } });
const http404 = call({ status: { code: 404, text: 'Not Found', ok: false }, fields: { 'http.status': 404 } });
const mqttPub = call({ protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'trips/new', status: undefined, timing: { startUs: 5 }, fields: { 'mqtt.topic': 'trips/new', 'mqtt.qos': 1 } });
const amqp = call({ protocol: 'amqp', kind: 'deliver', method: 'basic.deliver', fields: { 'amqp.exchange': 'trips' } });
const all = [call(), grpcOk, grpcNotFound, http404, mqttPub, amqp];

function matching(filter: string): Call[] {
  const f = compileFilter(filter);
  assert.ok(f.ok, `filter should parse: ${filter}: ${!f.ok ? f.error.message : ''}`);
  return all.filter((c) => f.test(c));
}

describe('filter: the examples of the issue', () => {
  it('grpc.status != 0 picks failed gRPC calls only (a missing field never matches)', () => {
    assert.deepEqual(matching('grpc.status != 0'), [grpcNotFound]);
  });
  it('http.status >= 400', () => {
    assert.deepEqual(matching('http.status >= 400'), [http404]);
  });
  it('method ~ "Person" is case-insensitive', () => {
    assert.deepEqual(matching('method ~ "person"'), [grpcOk, grpcNotFound]);
  });
  it('duration > 100ms, with units', () => {
    assert.deepEqual(matching('duration > 100ms'), [grpcNotFound]);
    assert.deepEqual(matching('duration > 0.1s'), [grpcNotFound]);
    assert.deepEqual(matching('duration >= 150000us'), [grpcNotFound]);
    assert.deepEqual(matching('duration > 100'), [grpcNotFound], 'a bare number is milliseconds');
    assert.equal(matching('duration < 13ms').length, 4, 'calls without an end have no duration');
  });
  it('protocol in {mqtt, amqp}', () => {
    assert.deepEqual(matching('protocol in {mqtt, amqp}'), [mqttPub, amqp]);
  });
});

describe('filter: operators and logic', () => {
  it('&& and || and their word forms, with precedence', () => {
    assert.deepEqual(matching('protocol == grpc && !ok'), [grpcNotFound]);
    assert.deepEqual(matching('protocol == grpc and not ok'), [grpcNotFound]);
    assert.deepEqual(matching('protocol == mqtt || protocol == amqp && kind == deliver'), [mqttPub, amqp]);
    assert.deepEqual(matching('(protocol == mqtt || protocol == amqp) && kind == deliver'), [amqp]);
  });
  it('bare field: present and not false', () => {
    assert.deepEqual(matching('mqtt.topic'), [mqttPub]);
    assert.deepEqual(matching('grpc.status'), [grpcOk, grpcNotFound], 'status 0 still exists');
    assert.deepEqual(matching('!ok').length, 2);
  });
  it('string equality ignores case; quoted strings keep spaces', () => {
    assert.deepEqual(matching('protocol == GRPC').length, 2);
    assert.deepEqual(matching("status.text == 'not found'"), [http404]);
  });
  it('endpoints match by address or by port', () => {
    assert.equal(matching('client == 127.0.0.1').length, all.length);
    assert.equal(matching('server == :8080').length, all.length);
    assert.equal(matching('server == 127.0.0.1:8080').length, all.length);
    assert.equal(matching('server == 127.0.0.1:9090').length, 0);
  });
  it('size with units', () => {
    assert.equal(matching('size >= 1KiB').length, all.length);
    assert.equal(matching('size > 2KiB').length, 0);
  });
  it('!~ and invalid regular expressions fall back to text', () => {
    assert.deepEqual(matching('target !~ "^/persons"').map((c) => c.protocol), ['grpc', 'grpc', 'mqtt']);
    assert.deepEqual(matching('target ~ "trips/("'), []);
    assert.deepEqual(matching('target ~ "trips/"'), [mqttPub]);
  });
  it('empty filter matches everything', () => {
    assert.equal(matching('').length, all.length);
    assert.equal(matching('   ').length, all.length);
  });
});

describe('filter: errors carry a position', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['http.status >=', /value/, 14],
    ['http.status >= 400 &&', /field/, 21],
    ['(protocol == grpc', /\)/, 17],
    ['protocol in {mqtt, amqp', /'}'/, 23],
    ['protocol grpc', /operator/, 9],
    ['a & b', /&&/, 2],
    ['method ~ "open', /unterminated/, 9],
    ['http.status == 1 2', /&&/, 17],
    ['== 3', /field/, 0],
  ];
  for (const [text, message, start] of cases) {
    it(JSON.stringify(text), () => {
      const r = parseFilter(text);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.error.message, message);
      assert.equal(r.error.start, start);
      assert.ok(r.error.end >= r.error.start);
    });
  }
});

describe('filter: completion', () => {
  it('suggests fields at the start and after && / (', () => {
    const c = completeFilter('grp', 3);
    assert.equal(c.from, 0);
    assert.ok(c.items.some((i) => i.label === 'grpc.status'));
    const d = completeFilter('ok && (htt', 10);
    assert.equal(d.from, 7);
    assert.ok(d.items.every((i) => i.label.startsWith('http')));
  });
  it('suggests operators after a field, values after an operator', () => {
    assert.ok(completeFilter('duration ', 9).items.some((i) => i.label === '>'));
    const v = completeFilter('protocol == g', 13);
    assert.deepEqual(v.items.map((i) => i.label), ['grpc', 'graphql']);
    const s = completeFilter('protocol in {mqtt, ', 19);
    assert.ok(s.items.some((i) => i.label === 'amqp'));
  });
  it('adds the fields seen in the capture', () => {
    assert.ok(completeFilter('x', 1, ['x-trace.id']).items.some((i) => i.label === 'x-trace.id'));
  });
});

describe('filter: helpers', () => {
  it('callField reads built-ins and fields', () => {
    assert.equal(callField(grpcNotFound, 'duration'), 150_000);
    assert.equal(callField(call(), 'size'), 1500);
    assert.equal(callField(call(), 'http.host'), 'people');
    assert.equal(callField(call({ client: { ip: '::1', port: 5 } }), 'client'), '[::1]:5');
  });
  it('filterFields lists the fields used', () => {
    const r = parseFilter('x.a == 1 && (x.b || !x.c)');
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([...filterFields(r.node)], ['x.a', 'x.b', 'x.c']);
  });
  it('a dotless word that is no built-in field is an error that says how to search', () => {
    const r = parseFilter('fun_add');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error.message, /unknown field 'fun_add'.*method ~ "fun_add"/);
      assert.deepEqual([r.error.start, r.error.end], [0, 7]);
    }
    const typo = parseFilter('durration > 5');
    assert.equal(typo.ok, false);
  });
});
