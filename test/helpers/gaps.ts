/**
 * Drive a stream decoder by hand through data and capture gaps (snaplen, loss): each direction's
 * stream offsets count the missing bytes, as the pipeline's do.
 */
import type { CloseReason, StreamDecoder } from '../../decoders/core/decoder';
import { fromHex } from '../../decoders/core/bytes';

type Dir = 'c2s' | 's2c';
/** Data of one direction (hex, or text with `bytesOf`), or a gap of that many bytes in a direction. */
export type GapStep = [Dir, string] | ['gap', Dir, number];

/** Feed the steps as frames 1, 2, … one millisecond apart, then close at frame 99. */
export function feedWithGaps(d: StreamDecoder, steps: GapStep[], opts: { bytesOf?: (s: string) => Uint8Array; how?: CloseReason } = {}): void {
  const bytesOf = opts.bytesOf ?? fromHex;
  const off = { c2s: 0, s2c: 0 };
  steps.forEach((st, i) => {
    const at = { frame: i + 1, tsUs: 1_000_000 + i * 1000 };
    if (st[0] === 'gap') {
      d.gap(st[1], st[2], { ...at, streamOffset: off[st[1]] });
      off[st[1]] += st[2];
    } else {
      const b = bytesOf(st[1]);
      d.data(st[0], b, { ...at, streamOffset: off[st[0]] });
      off[st[0]] += b.length;
    }
  });
  d.close({ frame: 99, tsUs: 2_000_000, streamOffset: 0 }, opts.how);
}
