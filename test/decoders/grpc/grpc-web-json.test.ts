import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';

const PROTO = `syntax = "proto3"; package t;
message Req { int64 id = 1; }
message Res { string name = 1; }
service S { rpc Get(Req) returns (Res); }`;
const env = () => ({ ...testSession().env, definitions: { proto: buildProtoDefinitions([{ path: 'proto/t.proto', text: PROTO }]) } });

// PROTOCOL-WEB.md "Protocol differences vs gRPC over HTTP/2": Content-Type application/grpc-web+json
// (Connect-ES's createGrpcWebTransport without binary format, as a browser sends it) carries the
// same length-prefixed messages as +proto, each one JSON text, and the trailers in a 0x80 frame.
// Request: 00 0000000a {"id":"7"}
const REQ = fromHex('000000000a7b226964223a2237227d');
// Response: 00 0000000e {"name":"Ada"}, then 80 00000010 "grpc-status: 0\r\n"
const RES = fromHex('000000000e7b226e616d65223a22416461227d' + '8000000010677270632d7374617475733a20300d0a');

describe('PROTOCOL-WEB.md: gRPC-Web with the JSON codec (application/grpc-web+json)', () => {
  it('is framed messages, not one JSON body: both messages and the trailer frame decode', () => {
    const ct = 'application/grpc-web+json';
    const c = feed([
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'https'], [':path', '/t.S/Get'], ['content-type', ct], ['x-grpc-web', '1'], ['origin', 'http://127.0.0.1:29000']])), frame(0, 1, 1, REQ)),
      s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', ct], ['access-control-allow-origin', 'http://127.0.0.1:29000']])), frame(0, 1, 1, RES)),
    ], { env: env() }).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.fields['grpc.web'], true);
    assert.equal(c.method, 't.S/Get');
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
    assert.equal(c.fields['grpc.status'], 0);
    assert.equal(c.status?.ok, true);
    assert.deepEqual(c.warnings, []);
  });
});

// PROTOCOL-HTTP2.md "Timeouts" (as PROTOCOL-WEB.md keeps them): grpc-timeout is the time left when
// the client sent it, but a browser starts its timer before the request reaches the wire. Chromium
// with Connect-ES (timeoutMs 200: grpc-timeout 200m) reset the stream with CANCEL 193.9 ms after
// the request's first frame; an AbortController at 150 ms gave a CANCEL 151 ms after it.
describe('PROTOCOL-HTTP2.md "Timeouts": a browser client reset just under its grpc-timeout', () => {
  const ct = 'application/grpc-web+proto';
  const call = (resetAfterUs: number) =>
    feed([
      { ...c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'https'], [':path', '/t.S/Get'], ['content-type', ct], ['grpc-timeout', '200m'], ['x-grpc-web', '1']])), frame(0, 1, 1, fromHex('00000000020807'))), tsUs: 1_000_000 },
      // RST_STREAM (type 3) on stream 1, error code CANCEL (8)
      { ...c2s(fromHex('00000403000000000100000008')), tsUs: 1_000_000 + resetAfterUs },
    ], { env: env() }).calls[0];
  it('a CANCEL 193.9 ms into a 200 ms timeout is DEADLINE_EXCEEDED', () => {
    const c = call(193_900);
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.status, { code: 4, text: 'DEADLINE_EXCEEDED', ok: false });
    assert.equal(c.fields['grpc.deadline_passed'], true);
  });
  it('a CANCEL 151 ms into it (the page aborted the fetch) stays CANCELLED', () => {
    const c = call(151_000);
    assert.deepEqual(c.status, { code: 1, text: 'CANCELLED', ok: false });
    assert.equal(c.fields['grpc.deadline_passed'], undefined);
  });
});

// PROTOCOL-WEB.md "Protocol differences vs gRPC over HTTP/2" (Trailers-only responses): the status
// rides in the response headers and the body is empty. Over HTTP/2 the lab's server (node:http2
// compat API, as Envoy may) sends HEADERS without END_STREAM and then an empty DATA frame with it.
describe('PROTOCOL-WEB.md: a gRPC-Web Trailers-Only response is no protocol error', () => {
  it('grpc-status 5 in the headers, then an empty DATA with END_STREAM: NOT_FOUND, no warning', () => {
    const ct = 'application/grpc-web-text+proto';
    const c = feed([
      // request: base64 of 00 00000002 08 07 ("AAAAAAIIBw==")
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'https'], [':path', '/t.S/Get'], ['content-type', 'application/grpc-web-text'], ['x-grpc-web', '1']])), frame(0, 1, 1, fromHex('414141414141494942773d3d'))),
      s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', ct], ['grpc-status', '5'], ['grpc-message', 'nicht gefunden %E2%98%B9']])), frame(0, 1, 1, [])),
    ], { env: env() }).calls[0];
    assert.equal(c.fields['grpc.web'], true);
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.deepEqual(c.status, { code: 5, text: 'NOT_FOUND', ok: false });
    assert.equal(c.fields['grpc.message'], 'nicht gefunden ☹');
    assert.equal(c.fields['grpc.trailers_only'], true);
    assert.deepEqual(c.warnings, []);
  });
});
