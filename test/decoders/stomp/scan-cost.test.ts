/**
 * STOMP 1.2 "Frames": a frame is a command line, header lines, a blank line, then a body ending at
 * the first NUL when there is no content-length. A frame arriving in small segments must not be
 * searched from its first byte at each segment: the NUL search was quadratic (fuzzing: 1 MB of
 * stomp-client traffic in 1-byte segments took 44 s). The cost is counted as bytes the searches
 * walked (ByteQueue.indexOf ranges), not as time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/stomp/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { ByteQueue, fromHex } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';

/** Bytes the ByteQueue.indexOf calls made while `f` ran were allowed to walk. */
function searched(f: () => void): number {
  const orig = ByteQueue.prototype.indexOf;
  let n = 0;
  ByteQueue.prototype.indexOf = function (this: ByteQueue, needle: Uint8Array | number, from = 0, limit = this.length) {
    n += Math.max(0, Math.min(limit, this.length) - from);
    return orig.call(this, needle, from, limit);
  };
  try {
    f();
  } finally {
    ByteQueue.prototype.indexOf = orig;
  }
  return n;
}

function feed(bytes: Uint8Array, step: number) {
  const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 61613 } } });
  const d = spec.create(s) as StreamDecoder;
  for (let o = 0; o < bytes.length; o += step) d.data('c2s', bytes.subarray(o, o + step), { frame: 1 + o, tsUs: 1_000_000 + o, streamOffset: o });
  d.end('c2s', { frame: bytes.length + 1, tsUs: 2_000_000, streamOffset: bytes.length });
  d.close({ frame: bytes.length + 1, tsUs: 2_000_000, streamOffset: 0 });
  return s;
}

// SEND, destination:/queue/a, blank line ("SEND\ndestination:/queue/a\n\n"); the body follows, then NUL.
const SEND_HEAD = fromHex('53454e44 0a 64657374696e6174696f6e3a2f71756575652f61 0a 0a');

describe('STOMP 1.2 "Frames": searching a frame that arrives in small segments', () => {
  it('a 64 KB body without content-length in 64-byte segments is searched in linear work', () => {
    const body = new Uint8Array(64 << 10).fill(0x61);
    const frame = new Uint8Array(SEND_HEAD.length + body.length + 1);
    frame.set(SEND_HEAD);
    frame.set(body, SEND_HEAD.length);
    let s!: ReturnType<typeof feed>;
    const n = searched(() => {
      s = feed(frame, 64);
    });
    assert.ok(n < 4 * frame.length, `searches walked ${n} bytes for a ${frame.length}-byte frame`);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].method, 'SEND');
    assert.equal(s.calls[0].request?.body?.size, body.length);
    assert.deepEqual(s.warnings, []);
  });

  it('a 32 KB header block in 16-byte segments is searched in linear work', () => {
    const line = fromHex('782d613a62 0a'); // "x-a:b\n"
    const lines = 32 << 10 >> 3;
    const parts = [fromHex('53454e44 0a')];
    for (let i = 0; i < lines; i++) parts.push(line);
    parts.push(fromHex('0a 6869 00')); // blank line, body "hi", NUL
    const frame = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) frame.set(p, (o += p.length) - p.length);
    let s!: ReturnType<typeof feed>;
    const n = searched(() => {
      s = feed(frame, 16);
    });
    assert.ok(n < 4 * frame.length, `searches walked ${n} bytes for a ${frame.length}-byte frame`);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].request?.body?.size, 2);
  });
});
