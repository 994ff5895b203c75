/**
 * A bare `application/grpc` content-type names no message codec (gRPC PROTOCOL-HTTP2.md, Requests:
 * Content-Type → "application/grpc" [("+proto" / "+json" / {custom})]): a service with a JSON
 * marshaller (grpc-java's, for one) sends its messages as JSON text under it. Such a message does
 * not read as protobuf — its first byte `{` (0x7b) is a group start of field 15 (protobuf encoding,
 * wire type 3) with no end tag — and is read as JSON (RFC 8259); the call says `grpc.codec = json`.
 * A message that does read as protobuf stays protobuf, and a content-type that names a codec is
 * taken at its word. Fixtures: length-prefixed messages (PROTOCOL-HTTP2.md Length-Prefixed-Message:
 * flags byte, 4-byte big-endian length) in HTTP/2 frames (RFC 9113 §6.1 DATA, §6.2 HEADERS).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { nodeEnv } from '../../../cli/platform/node-env';

const REQ = (ct: string) => block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.People/Search'], ['content-type', ct], ['te', 'trailers']]);
const RES = (ct: string) => block([[':status', '200'], ['content-type', ct]]);
const OK = block([['grpc-status', '0']]);

// 00 00000012 {"name":["Jason"]}
const JSON_REQ = fromHex('0000000012' + '7b226e616d65223a5b224a61736f6e225d7d');
// 00 00000029 {"name":"Jason","id":1001,"n":"87561234"}
const JSON_RES = fromHex('0000000029' + '7b226e616d65223a224a61736f6e222c226964223a313030312c226e223a223837353631323334227d');
// 00 00000004 7b 08 01 7c: field 15 start-group, field 1 varint 1, field 15 end-group — protobuf that starts with `{`
const GROUP = fromHex('00000000047b08017c');

const run = (ct: string, req: Uint8Array, res: Uint8Array) =>
  feed([c2s(preface(), frame(1, 0x4, 1, REQ(ct)), frame(0, 1, 1, req)), s2c(frame(1, 0x4, 1, RES(ct)), frame(0, 0, 1, res), frame(0, 0, 1, res), frame(1, 0x5, 1, OK))], { env: nodeEnv() }).calls[0];

describe('gRPC: JSON messages under a bare application/grpc', () => {
  it('are read as JSON, with no protobuf warnings, and the call says grpc.codec = json', () => {
    const c = run('application/grpc', JSON_REQ, JSON_RES);
    assert.equal(c.protocol, 'grpc');
    assert.deepEqual(c.warnings, []);
    assert.deepEqual(c.request?.value, { name: ['Jason'] });
    assert.equal(c.messages?.filter((m) => m.dir === 's2c').length, 2);
    assert.deepEqual(c.messages?.find((m) => m.dir === 's2c')?.value, { name: 'Jason', id: 1001, n: '87561234' });
    assert.equal(c.request?.body?.kind, 'json');
    assert.equal(c.response?.body?.kind, 'json');
    assert.equal(c.fields['grpc.codec'], 'json');
  });
  it('a message that reads as protobuf stays protobuf, even when it starts with `{`', () => {
    const c = run('application/grpc', GROUP, GROUP);
    assert.equal(c.fields['grpc.codec'], undefined);
    assert.notEqual(c.request?.body?.kind, 'json');
    assert.ok(!c.warnings.some((w) => /JSON/.test(w)), c.warnings.join('\n'));
  });
  it('a content-type that names the codec is taken at its word (+proto: JSON text is not guessed)', () => {
    const c = run('application/grpc+proto', JSON_REQ, JSON_RES);
    assert.equal(c.fields['grpc.codec'], undefined);
    assert.equal(c.request?.body?.kind, 'protobuf-raw');
    assert.ok(c.warnings.some((w) => /group without its end tag/.test(w)));
  });
});
