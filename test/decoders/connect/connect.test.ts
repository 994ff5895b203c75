import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { feed, frame, block, c2s, s2c, preface, lpm } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { connectRouter } from '../../../decoders/connect/index';
import { fromHex, toHex, concatBytes } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';
import type { Body, Call } from '../../../decoders/core/model';
import { decodeHttpBody } from '../../../decoders/http-common/body';
import { emitHttpCall } from '../../../decoders/http-common/exchange';
import { bodyBytes } from '../../../decoders/grpc/web';

const PROTO = `syntax = "proto3"; package t;
message Req { int64 id = 1; }
message Res { string name = 1; }
service S { rpc Get(Req) returns (Res); rpc List(Req) returns (stream Res); }`;
const defs = buildProtoDefinitions([{ path: 'proto/t.proto', text: PROTO }]);
const env = () => ({ ...testSession().env, definitions: { proto: defs } });

// connectrpc.com/docs/protocol "Streaming-Response": an end-stream message (flags 0x02) whose
// payload is JSON {"error":{"code":"resource_exhausted","message":"stop"},"metadata":{"x-m":["v"]}}.
const END_STREAM_ERROR = fromHex('02000000517b226572726f72223a7b22636f6465223a227265736f757263655f657868617573746564222c226d657373616765223a2273746f70227d2c226d65746164617461223a7b22782d6d223a5b2276225d7d7d');
// "Unary-Response" error body: {"code":"not_found","message":"no such thing","details":[{"type":"t.Res","value":"CgNBZGE"}]}
// (the detail's value unpadded base64 of t.Res{name:"Ada"}: 0a 03 41 64 61).
const UNARY_ERROR = fromHex('7b22636f6465223a226e6f745f666f756e64222c226d657373616765223a226e6f2073756368207468696e67222c2264657461696c73223a5b7b2274797065223a22742e526573222c2276616c7565223a2243674e425a4745227d5d7d');

describe('Connect protocol over HTTP/2: streaming (application/connect+proto)', () => {
  const pkts = (resetAfterEnd: boolean) => [
    c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/List'], ['content-type', 'application/connect+proto'], ['connect-protocol-version', '1'], ['connect-timeout-ms', '5000']])), frame(0, 1, 1, lpm([8, 2]))),
    s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/connect+proto']])), frame(0, 0, 1, concatBytes([lpm([0x0a, 1, 0x41]), lpm([0x0a, 1, 0x42]), END_STREAM_ERROR]))),
    // Connect-ES resets the stream (INTERNAL_ERROR) once it has read the end-stream message.
    resetAfterEnd ? c2s(frame(3, 0, 1, [0, 0, 0, 2])) : s2c(frame(0, 1, 1, [])),
  ];
  for (const reset of [false, true]) {
    it(`messages, end-stream error and metadata${reset ? ', client RST_STREAM after the end-stream message' : ''}`, () => {
      const c = feed(pkts(reset), { env: env() }).calls[0];
      assert.equal(c.protocol, 'connect');
      assert.equal(c.method, 't.S/List');
      assert.equal(c.kind, 'server-stream');
      assert.equal(c.state, 'complete');
      assert.deepEqual(c.status, { code: 8, text: 'resource_exhausted', ok: false });
      assert.equal(c.fields['connect.message'], 'stop');
      assert.equal(c.fields['connect.timeout'], 5_000_000);
      assert.deepEqual(c.request?.value, { id: '2' });
      assert.deepEqual(c.messages?.filter((m) => m.dir === 's2c' && m.label === 'message').map((m) => m.value), [{ name: 'A' }, { name: 'B' }]);
      assert.equal(c.messages?.at(-1)?.label, 'end-stream');
      assert.deepEqual(c.response?.trailers, [['x-m', 'v']]);
      assert.deepEqual(c.warnings, []);
      assert.equal(c.fields['connect.reset_after_end_stream'], reset ? true : undefined);
    });
  }
  it('a server RST_STREAM after the end-stream message is not taken for the client ending the call', () => {
    const p = pkts(false);
    p[2] = s2c(frame(3, 0, 1, [0, 0, 0, 2]));
    const c = feed(p, { env: env() }).calls[0];
    assert.equal(c.state, 'aborted');
    assert.equal(c.fields['connect.reset_after_end_stream'], undefined);
    assert.ok(c.warnings.includes('stream 1 reset by the server: RST_STREAM INTERNAL_ERROR'));
  });
  it('a stream without its end-stream message says so', () => {
    const p = pkts(false);
    p[1] = s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/connect+proto']])), frame(0, 1, 1, lpm([0x0a, 1, 0x41])));
    const c = feed(p, { env: env() }).calls[0];
    assert.equal(c.status, undefined);
    assert.ok(c.warnings.some((w) => /without a Connect end-stream message/.test(w)));
  });
  it('a client reset at Connect-Timeout-Ms is deadline_exceeded', () => {
    const c = feed(
      [
        { ...c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', 'application/proto'], ['connect-protocol-version', '1'], ['connect-timeout-ms', '100']])), frame(0, 1, 1, [8, 1])), tsUs: 1_000_000 },
        { ...c2s(frame(3, 0, 1, [0, 0, 0, 2])), tsUs: 1_100_500 },
      ],
      { env: env() },
    ).calls[0];
    assert.equal(c.protocol, 'connect');
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.status, { code: 4, text: 'deadline_exceeded', ok: false });
    assert.equal(c.fields['connect.deadline_passed'], true);
    assert.equal(c.fields['connect.status_from'], 'client');
  });
  it('a server reset near Connect-Timeout-Ms is not deadline_exceeded (the client did not give up)', () => {
    // REFUSED_STREAM (7) and INTERNAL_ERROR (2) from the server, 100.5 ms into a 100 ms timeout.
    for (const code of [7, 2]) {
      const c = feed(
        [
          { ...c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', 'application/proto'], ['connect-protocol-version', '1'], ['connect-timeout-ms', '100']])), frame(0, 1, 1, [8, 1])), tsUs: 1_000_000 },
          { ...s2c(frame(3, 0, 1, [0, 0, 0, code])), tsUs: 1_100_500 },
        ],
        { env: env() },
      ).calls[0];
      assert.equal(c.protocol, 'connect');
      assert.equal(c.state, 'aborted');
      assert.notEqual(c.status?.code, 4);
      assert.equal(c.fields['connect.code'], undefined);
      assert.equal(c.fields['connect.deadline_passed'], undefined);
    }
  });
});

describe('Connect protocol: unary (connectrpc.com/docs/protocol "Unary-Request", "Unary-Response")', () => {
  it('application/proto POST over HTTP/2, gzip Content-Encoding', () => {
    const c = feed(
      [
        c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', 'application/proto'], ['connect-protocol-version', '1'], ['content-encoding', 'gzip']])), frame(0, 1, 1, gzipSync(Uint8Array.of(8, 7)))),
        s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/proto']])), frame(0, 1, 1, [0x0a, 3, 0x41, 0x64, 0x61])),
      ],
      { env: env() },
    ).calls[0];
    assert.equal(c.protocol, 'connect');
    assert.equal(c.kind, 'unary');
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
    assert.deepEqual(c.status, { code: 0, text: 'ok', ok: true });
    assert.equal(c.fields['connect.encoding'], 'gzip');
    assert.deepEqual(c.warnings, []);
  });
  it('grpc.health.v1.Health/Check over Connect (connect-go grpchealth serves it): fields by name from the bundled health.proto, with or without loaded .proto files', () => {
    for (const e of [testSession().env, env()]) {
      const c = feed(
        [
          // HealthCheckRequest {service: "echo"}
          c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/grpc.health.v1.Health/Check'], ['content-type', 'application/proto'], ['connect-protocol-version', '1']])), frame(0, 1, 1, fromHex('0a046563686f'))),
          // HealthCheckResponse {status: SERVING (1)}
          s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/proto']])), frame(0, 1, 1, fromHex('0801'))),
        ],
        { env: e },
      ).calls[0];
      assert.equal(c.protocol, 'connect');
      assert.equal(c.kind, 'unary');
      assert.deepEqual(c.request?.value, { service: 'echo' });
      assert.deepEqual(c.response?.value, { status: 'SERVING' });
      assert.deepEqual(c.warnings, []);
      // (bundled: no position in the workspace to go to)
      assert.equal(c.definition, undefined);
    }
  });
  const h1 = (http: NonNullable<Call['http']>): Call => {
    const s = testSession({ env: env() });
    const c = s.newCall('http', { frame: 1, tsUs: 1, streamOffset: 0 });
    c.http = http;
    assert.ok(connectRouter.match(c));
    connectRouter.apply(c, s);
    return c;
  };
  it('error: JSON body with code, message and details decoded by type', () => {
    // The bodies from their bytes: as the HTTP layer decodes them (decodeHttpBody: a JSON value),
    // as text, and as the bytes themselves (hex), so the router's own decoding is what is tested.
    const REQ = new TextEncoder().encode('{"id":"5"}');
    const JSON_CT: Array<[string, string]> = [['content-type', 'application/json']];
    const fixtures: Array<(b: Uint8Array) => Body> = [
      (b) => decodeHttpBody(b, b.length, JSON_CT, env()).body,
      (b) => ({ size: b.length, kind: 'text', text: new TextDecoder().decode(b) }),
      (b) => ({ size: b.length, kind: 'binary', hex: toHex(b) }),
    ];
    for (const body of fixtures) {
      const c = h1({
        version: 'HTTP/1.1', method: 'POST', uri: '/t.S/Get', status: 404,
        requestHeaders: [['Content-Type', 'application/json'], ['Connect-Protocol-Version', '1']],
        responseHeaders: [['Content-Type', 'application/json']],
        requestBody: body(REQ),
        responseBody: body(UNARY_ERROR),
      });
      assert.deepEqual(c.status, { code: 5, text: 'not_found', ok: false });
      assert.equal(c.fields['connect.message'], 'no such thing');
      assert.deepEqual((c.response?.value as { details: unknown[] }).details, [{ type: 't.Res', value: { name: 'Ada' } }]);
      assert.deepEqual(c.response?.value, { code: 'not_found', message: 'no such thing', details: [{ type: 't.Res', value: { name: 'Ada' } }] });
      assert.deepEqual(c.request?.value, { id: '5' });
      assert.deepEqual(c.warnings, []);
    }
  });
  it("Dubbo Triple over HTTP (dubbo-js): an error {status, message} carries the gRPC code in status", () => {
    const text = new TextEncoder().encode('{"status":5,"message":"no such sentence"}');
    const req = new Uint8Array([0x08, 0x05]); // t.Req{id: 5}
    const c = h1({
      version: 'HTTP/1.1', method: 'POST', uri: '/t.S/Get', status: 404,
      requestHeaders: [['Content-Type', 'application/proto'], ['Connect-Protocol-Version', '1'], ['tri-service-version', '1.0.0']],
      responseHeaders: [['Content-Type', 'application/json']],
      requestBody: { size: req.length, kind: 'binary', hex: toHex(req) },
      responseBody: decodeHttpBody(text, text.length, [['content-type', 'application/json']], env()).body,
    });
    assert.equal(c.protocol, 'connect');
    assert.deepEqual(c.status, { code: 5, text: 'not_found', ok: false });
    assert.equal(c.fields['connect.message'], 'no such sentence');
    assert.equal(c.fields['triple.status'], 5);
  });
  it('GET with ?connect=v1&encoding=proto&base64=1&message=…', () => {
    const c = h1({
      version: 'HTTP/1.1', method: 'GET', uri: '/t.S/Get?connect=v1&encoding=proto&base64=1&message=CAc', status: 200,
      responseHeaders: [['Content-Type', 'application/proto']],
      responseBody: { size: 5, kind: 'binary', hex: toHex(Uint8Array.of(0x0a, 3, 0x41, 0x64, 0x61)) },
    });
    assert.equal(c.target, '/t.S/Get');
    assert.equal(c.fields['connect.get'], true);
    // the query's `connect=v1` is the protocol version a POST sends as Connect-Protocol-Version
    assert.equal(c.fields['connect.protocol_version'], '1');
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
  });
  it('a GET with message and encoding but without connect=v1 is Connect when it names a loaded method', () => {
    const c = h1({
      version: 'HTTP/1.1', method: 'GET', uri: '/t.S/Get?encoding=json&message=%7B%22id%22%3A%227%22%7D', status: 200,
      responseHeaders: [['Content-Type', 'application/json']],
      responseBody: { size: 14, kind: 'text', text: '{"name":"Ada"}' },
    });
    assert.equal(c.protocol, 'connect');
    assert.equal(c.fields['connect.get'], true);
    assert.equal(c.fields['connect.protocol_version'], undefined);
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
  });
  it('a REST GET with message and encoding parameters (no connect=v1, no such method) stays plain HTTP', () => {
    for (const definitions of [{ proto: defs }, {}]) {
      const s = testSession({ env: { ...testSession().env, definitions } });
      const c = s.newCall('http', { frame: 1, tsUs: 1, streamOffset: 0 });
      c.http = {
        version: 'HTTP/1.1', method: 'GET', uri: '/api/search?message=x&encoding=utf8', status: 200,
        responseHeaders: [['Content-Type', 'application/json']],
        responseBody: { size: 2, kind: 'json', value: [] },
      };
      emitHttpCall(c, s);
      assert.equal(s.calls.length, 1);
      const out = s.calls[0];
      assert.equal(out.protocol, 'http');
      assert.equal(out.method, 'GET');
      assert.equal(out.target, '/api/search?message=x&encoding=utf8');
      assert.deepEqual(out.status, { code: 200, text: '', ok: true });
      assert.deepEqual(Object.keys(out.fields).filter((k) => k.startsWith('connect.')), []);
      assert.deepEqual(out.warnings, []);
    }
  });
  it('a JSON POST without Connect-Protocol-Version is left to plain HTTP', () => {
    const s = testSession();
    const c = s.newCall('http', { frame: 1, tsUs: 1, streamOffset: 0 });
    c.http = { version: 'HTTP/1.1', method: 'POST', uri: '/t.S/Get', status: 200, requestHeaders: [['Content-Type', 'application/json']] };
    assert.equal(connectRouter.match(c), false);
  });
});

describe('bodyBytes (gRPC-Web and Connect): the bytes of a kept body', () => {
  it('a JSON body gives its text as sent, not its value re-serialised (a 64-bit id kept exact stays a number)', () => {
    const text = '{"id": 12345678901234567890, "n": 1.50}';
    const b = decodeHttpBody(new TextEncoder().encode(text), text.length, [['Content-Type', 'application/json']], testSession().env).body;
    assert.equal(b.kind, 'json');
    assert.deepEqual(b.value, { id: '12345678901234567890', n: 1.5 });
    const r = bodyBytes(b, 'utf8');
    assert.equal(r.bytes && new TextDecoder().decode(r.bytes), text);
  });
});
