/**
 * gRPC with the JSON codec (`application/grpc+json`, PROTOCOL-HTTP2.md Content-Type: the message
 * bytes are JSON text): values parsed like HTTP JSON bodies, integers beyond 2^53 kept as the
 * exact digits (a note says so), invalid JSON kept as text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { nodeEnv } from '../../../cli/platform/node-env';

const enc = (s: string) => {
  const b = new TextEncoder().encode(s);
  const m = new Uint8Array(5 + b.length);
  new DataView(m.buffer).setUint32(1, b.length);
  m.set(b, 5);
  return m;
};
const REQH = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', 'application/grpc+json'], ['te', 'trailers']]);
const RESH = block([[':status', '200'], ['content-type', 'application/grpc+json']]);
const OK = block([['grpc-status', '0']]);

describe('gRPC JSON codec (application/grpc+json)', () => {
  it('a 64-bit integer keeps its digits; invalid JSON is kept as text with a warning', () => {
    const c = feed(
      [c2s(preface(), frame(1, 0x4, 1, REQH), frame(0, 1, 1, enc('{"id":12345678901234567890,"n":7}'))), s2c(frame(1, 0x4, 1, RESH), frame(0, 0, 1, enc('{"name":')), frame(1, 0x5, 1, OK))],
      { env: nodeEnv() },
    ).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.deepEqual(c.request?.value, { id: '12345678901234567890', n: 7 });
    assert.equal(c.response?.value, '{"name":');
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings[0], /^c2s message 0: application\/grpc\+json message: 1 integer beyond ±2\^53 kept as exact strings/);
    assert.match(c.warnings[1], /application\/grpc\+json message: not valid JSON: kept as text/);
  });
});
