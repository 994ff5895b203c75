/** Structural diff units and request building (HTTP, JSON-RPC, XML-RPC, gRPC). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import { diffValues, diffOutcomes, formatChange } from '../../../decoders/replay/diff';
import { buildRequest, editableOf, encodeXmlRpcValue, encodeRawProto, grpcUnframe, encodeProto } from '../../../decoders/replay/request';
import { decodeRaw } from '../../../decoders/protobuf/decode';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';
import type { Call } from '../../../decoders/core/model';

describe('diff', () => {
  it('paths for changed, added, removed and type changes', () => {
    const ch = diffValues({ a: 1, b: { c: [1, 2, 3], d: 'x' }, e: true, 'x y': 1 }, { a: 2, b: { c: [1, 5], d: 'x', n: null }, e: 'true', 'x y': 1 });
    assert.deepEqual(
      ch.map((c) => `${c.kind} ${c.path}`),
      ['changed a', 'changed b.c[1]', 'removed b.c[2]', 'added b.n', 'type e'],
    );
    assert.equal(formatChange(ch[0]), 'a: 1 → 2');
    assert.equal(formatChange(ch[2]), 'b.c[2]: removed (was 3)');
  });

  it('numbers and their decimal strings are equal (int64); ignore patterns; limits', () => {
    assert.deepEqual(diffValues({ id: '12' }, { id: 12 }), []);
    assert.equal(diffValues({ id: '12' }, { id: 12 }, { looseNumbers: false }).length, 1);
    const a = { a: { t: 1, u: 2 }, b: [{ ts: 1 }, { ts: 2 }] };
    const b = { a: { t: 9, u: 9 }, b: [{ ts: 5 }, { ts: 6 }] };
    assert.deepEqual(diffValues(a, b, { ignore: ['a.**', 'b[*].ts'] }), []);
    assert.deepEqual(diffValues(a, b, { ignore: ['a.**'] }).map((c) => c.path), ['b[0].ts', 'b[1].ts']);
    assert.deepEqual(diffValues({ a: { t: 1 } }, { a: { t: 2 } }, { ignore: ['a.**'] }), []);
    assert.equal(diffValues(Array.from({ length: 1000 }, (_, i) => i), [], { maxChanges: 10 }).length, 10);
    assert.deepEqual(diffValues(new Uint8Array([1, 2]), new Uint8Array([1, 2])), []);
  });

  it('outcomes: status, stable headers only, body', () => {
    const ch = diffOutcomes(
      { status: { code: 200, text: 'OK', ok: true }, headers: [['Date', 'x'], ['Content-Type', 'application/json'], ['X-Version', '1']], body: { n: 1 } },
      { status: { code: 404, text: 'Not Found', ok: false }, headers: [['Date', 'y'], ['Content-Type', 'application/json'], ['X-Version', '2']], body: { n: 1 } },
    );
    assert.deepEqual(ch.map((c) => c.path), ['status.code', 'status.ok', 'status.text', 'headers.x-version']);
  });
});

function httpCall(over: Partial<Call>): Call {
  return {
    id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1,
    client: { ip: '127.0.0.1', port: 50000 }, server: { ip: '127.0.0.1', port: 8000 },
    method: 'POST', timing: { startUs: 0 }, fields: {}, frames: [], warnings: [],
    ...over,
  } as Call;
}

describe('requests from calls', () => {
  it('HTTP JSON: method, uri, headers without hop-by-hop, body re-encoded; edited', () => {
    const call = httpCall({
      http: { version: 'HTTP/1.1', method: 'POST', uri: '/persons?x=1', host: 'api:8000', requestHeaders: [['Host', 'api:8000'], ['Content-Type', 'application/json'], ['Content-Length', '9'], ['Connection', 'keep-alive'], ['X-Trace', 't']] },
      request: { body: { size: 9, kind: 'json', value: { a: [1] } } },
    });
    const r = buildRequest(call);
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/persons?x=1');
    assert.deepEqual(r.headers, [['Content-Type', 'application/json'], ['X-Trace', 't']]);
    assert.equal(new TextDecoder().decode(r.body), '{"a":[1]}');
    assert.equal(r.original.authority, 'api:8000');
    assert.equal(new TextDecoder().decode(buildRequest(call, { edited: { a: [2] } }).body), '{"a":[2]}');
    assert.equal(editableOf(call).kind, 'json');
  });

  it('a cut body is flagged; not-HTTP calls cannot be resent', () => {
    const call = httpCall({ http: { version: 'HTTP/1.1', method: 'PUT', uri: '/x' }, request: { body: { size: 100000, kind: 'text', text: 'abc', truncated: true } } });
    assert.match(buildRequest(call).warnings.join(), /first bytes/);
    assert.throws(() => buildRequest(httpCall({ protocol: 'redis', method: 'GET', http: undefined })), /cannot be resent/);
  });

  it('JSON-RPC and XML-RPC bodies from edited values', () => {
    const j = httpCall({ protocol: 'jsonrpc', method: 'add', http: { version: 'HTTP/1.1', method: 'POST', uri: '/rpc' }, request: { body: { size: 1, kind: 'json', value: { jsonrpc: '2.0', method: 'add', params: [1, 2], id: 1 } } } });
    const e = editableOf(j);
    assert.equal(e.kind, 'jsonrpc');
    const body = JSON.parse(new TextDecoder().decode(buildRequest(j, { edited: { ...(e.value as object), params: [5, 6] } }).body));
    assert.deepEqual(body.params, [5, 6]);
    const x = httpCall({ protocol: 'xmlrpc', method: 'greet', http: { version: 'HTTP/1.1', method: 'POST', uri: '/RPC2' }, request: { value: ['Ada', 3] } });
    assert.deepEqual(editableOf(x).value, { method: 'greet', params: ['Ada', 3] });
    const xml = new TextDecoder().decode(buildRequest(x, { edited: { method: 'greet', params: ['<A&B>', 1.5, true, null, [1], { k: 'v' }, { dateTime: '20240101T10:00:00' }, { base64: 'AAE=', size: 2 }] } }).body);
    assert.match(xml, /<methodName>greet<\/methodName>/);
    assert.match(xml, /<string>&lt;A&amp;B&gt;<\/string>/);
    assert.match(xml, /<double>1.5<\/double>.*<boolean>1<\/boolean>.*<nil\/>.*<array><data><value><int>1<\/int>/);
    assert.match(xml, /<member><name>k<\/name><value><string>v<\/string><\/value><\/member>/);
    assert.match(xml, /<dateTime.iso8601>20240101T10:00:00<\/dateTime.iso8601>.*<base64>AAE=<\/base64>/);
    assert.equal(encodeXmlRpcValue(2 ** 40), '<value><i8>1099511627776</i8></value>');
  });

  it('gRPC: encoded with the .proto (int64 strings, enums, Timestamp, Any), or raw without one', () => {
    const defs = buildProtoDefinitions([
      {
        path: 'p.proto',
        text: `syntax = "proto3"; package t; import "google/protobuf/timestamp.proto"; import "google/protobuf/any.proto";
          enum Role { ROLE_NONE = 0; ROLE_ADMIN = 1; }
          message Inner { string city = 1; }
          message Req { int64 id = 1; Role role = 2; google.protobuf.Timestamp at = 3; repeated string tags = 4; map<string, Inner> m = 5; google.protobuf.Any extra = 6; }
          message Resp { string name = 1; }
          service S { rpc Get(Req) returns (Resp); }`,
      },
    ]);
    assert.deepEqual(defs.warnings, []);
    const value = { id: '9007199254740993', role: 'ROLE_ADMIN', at: '2023-11-14T22:13:20.500Z', tags: ['a'], m: { x: { city: 'Paris' } }, extra: { '@type': 'type.googleapis.com/t.Inner', city: 'Rome' } };
    const call = httpCall({ protocol: 'grpc', method: 't.S/Get', target: '/t.S/Get', request: { body: { size: 1, kind: 'protobuf' }, value }, fields: { 'grpc.service': 't.S' } });
    const r = buildRequest(call, { proto: defs });
    assert.equal(r.transport, 'grpc');
    assert.equal(r.path, '/t.S/Get');
    assert.equal(r.grpc?.responseType, 't.Resp');
    const [m] = grpcUnframe(r.body);
    const Req = defs.root.lookupType('t.Req');
    const back = Req.toObject(Req.decode(m.data), { longs: String, enums: String });
    assert.equal(back.id, '9007199254740993');
    assert.equal(back.role, 'ROLE_ADMIN');
    assert.equal(back.at.seconds, '1700000000');
    assert.equal(back.at.nanos, 500000000);
    assert.equal(back.m.x.city, 'Paris');
    assert.equal(back.extra.type_url, 'type.googleapis.com/t.Inner');
    assert.throws(() => encodeProto(Req, { nope: 1 }), /no field "nope"/);
    // Without a schema: the field-number form round-trips through the raw decoder.
    const raw = { '1': 150, '2': 'hello', '3': { '1': 1 }, '4': [1, 2] };
    assert.deepEqual(decodeRaw(encodeRawProto(raw), DEFAULT_LIMITS).value, raw);
    void protobuf;
  });
});
