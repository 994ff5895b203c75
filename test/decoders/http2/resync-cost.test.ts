/**
 * A server direction joined mid-connection is searched for a frame boundary (RFC 9113 §4.1: a
 * frame is a 9-octet header, length(24) type(8) flags(8) R+stream(32), then the payload). Bytes
 * arriving in small segments while no boundary is found must not be searched again from the start
 * for each segment without bound: the search was quadratic (a 36 KB mutated gRPC response in
 * 1-byte segments took 22 s; these 192 KB in 64-byte segments copied 300 MB). The cost is measured
 * as bytes the search copied out of the queue, not as time: a fixed budget, then linear.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteQueue } from '../../../decoders/core/bytes';
import { feed, s2c, type Pkt } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** Bytes ByteQueue.peek returned while `f` ran. */
function peeked(f: () => void): number {
  const orig = ByteQueue.prototype.peek;
  let n = 0;
  ByteQueue.prototype.peek = function (this: ByteQueue, k: number) {
    n += k;
    return orig.call(this, k);
  };
  try {
    f();
  } finally {
    ByteQueue.prototype.peek = orig;
  }
  return n;
}

// SETTINGS (type 4) on stream 0, empty; then PING (type 6) on stream 0 with 8 octets (§6.5, §6.7).
const SETTINGS_EMPTY = '000000 04 00 00000000';
const PING = '000008 06 00 00000000 0102030405060708';

describe('http2: boundary search cost (RFC 9113 §4.1)', () => {
  for (const [name, junk] of [
    // Type 0xff is no frame type (§6): no position is a plausible header.
    ['no plausible header', () => new Uint8Array(192 << 10).fill(0xff)],
    // A DATA header (type 0, stream 1) announcing 16 384 octets at the start: a candidate waiting to be
    // confirmed by the header after it, which never comes (0xff after it).
    ['a candidate waiting for its confirmation', () => {
      const b = new Uint8Array(192 << 10).fill(0xff);
      b.set(hex('004000 00 00 00000001'));
      return b;
    }],
  ] as const) {
    it(`${name}: 192 KB in 64-byte segments are searched in linear work, and the boundary after them is found`, () => {
      const body = junk();
      const pkts: Pkt[] = [s2c(body, hex(SETTINGS_EMPTY), hex(PING))];
      let s!: ReturnType<typeof feed>;
      const n = peeked(() => {
        s = feed(pkts, { split: 64 });
      });
      assert.ok(n < (4 << 20) + 32 * body.length, `searching copied ${n} bytes for ${body.length} bytes of input`);
      assert.ok(
        s.warnings.some((w) => /skipped \d+ bytes to find a frame boundary|no frame boundary found/.test(w)),
        s.warnings.join('\n'),
      );
      // The same bytes in one segment give the same warnings.
      assert.deepEqual(feed(pkts).warnings, s.warnings);
    });
  }
});
