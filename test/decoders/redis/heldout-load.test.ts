/**
 * Held-out round with load tools (test/heldout-load): bytes redis-benchmark 7.0.15 sent to
 * redis-server 7.0.15. The RESP header lines (`$3`, `*100`, `%7`) are read as numbers straight from
 * the bytes (no string per element); these pin what that reading accepts and refuses
 * (redis.io/docs/reference/protocol-spec: a length is an optional `-` and decimal digits, `-1` the
 * RESP2 null bulk string and null array).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/redis/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { replay, c2s, s2c, seg, type Split } from './feed';

const redis = (s: DecoderSession) => spec.create(s) as StreamDecoder;

// redis-benchmark -3: HELLO 3 and the first SET in one segment (frame 39 of redis-resp3.pcap) ...
const HELLO_AND_SET =
  '2a320d0a24350d0a48454c4c4f0d0a24310d0a330d0a2a330d0a24330d0a5345540d0a2431360d0a6b65793a5f5f72616e645f696e745f5f0d0a24330d0a56584b0d0a';
// ... and redis-server's answer: a RESP3 map of 7 pairs (`%7`, modules an empty array `*0`), then +OK (frame 79)
const HELLO_REPLY_AND_OK =
  '25370d0a24360d0a7365727665720d0a24350d0a72656469730d0a24370d0a76657273696f6e0d0a24360d0a372e302e31350d0a24350d0a70726f746f0d0a3a330d0a24320d0a69640d0a3a3336370d0a24340d0a6d6f64650d0a2431300d0a7374616e64616c6f6e650d0a24340d0a726f6c650d0a24360d0a6d61737465720d0a24370d0a6d6f64756c65730d0a2a300d0a2b4f4b0d0a';

describe('redis-benchmark (RESP3 HELLO 3 pipelined with the first command)', () => {
  for (const split of ['whole', 'bytes', 7] as Split[]) {
    it(`HELLO 3 → map, SET → OK, in order (split ${split})`, () => {
      const s = replay(redis, [seg('c2s', HELLO_AND_SET), seg('s2c', HELLO_REPLY_AND_OK)], split);
      assert.deepEqual(
        s.calls.map((c) => [c.method, c.state, c.status?.code]),
        [
          ['HELLO', 'complete', 'OK'],
          ['SET', 'complete', 'OK'],
        ],
      );
      assert.deepEqual(s.calls[0].response?.value, { server: 'redis', version: '7.0.15', proto: 3, id: 367, mode: 'standalone', role: 'master', modules: [] });
      assert.deepEqual(s.calls[1].request?.value, ['key:__rand_int__', 'VXK']);
      assert.deepEqual(s.warnings, []);
    });
  }
});

describe('RESP length headers read from the bytes', () => {
  const cmd = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
  it('null bulk, null array, empty bulk, a 12-digit count refused only by its size', () => {
    const s = replay(redis, [c2s(cmd + cmd + cmd), s2c('$-1\r\n*-1\r\n$0\r\n\r\n')]);
    assert.deepEqual(
      s.calls.map((c) => c.response?.value),
      [null, null, ''],
    );
  });
  for (const bad of ['$+3\r\nabc\r\n', '$ 3\r\nabc\r\n', '$3x\r\nabc\r\n', '$\r\n', '$1234567890123\r\n', '*-2\r\n', '$--1\r\n']) {
    it(`refuses ${JSON.stringify(bad)} as the protocol spec does (no call from it)`, () => {
      const s = replay(redis, [c2s(cmd), s2c(bad)]);
      assert.ok(s.calls.every((c) => c.response === undefined), JSON.stringify(s.calls.map((c) => c.response)));
      assert.ok(s.warnings.some((w) => /bad RESP|beyond|exceeds/.test(w)), s.warnings.join('; '));
    });
  }
  it('short blobs: ASCII, UTF-8 and bytes that are not UTF-8 (hex)', () => {
    const s = replay(redis, [c2s(cmd + cmd + cmd), seg('s2c', '24330d0a56584b0d0a' + '24320d0ac3a90d0a' + '24320d0aff000d0a')]);
    assert.deepEqual(
      s.calls.map((c) => c.response?.value),
      ['VXK', 'é', { hex: 'ff00', size: 2 }],
    );
  });
});
