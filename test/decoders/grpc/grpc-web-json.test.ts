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
