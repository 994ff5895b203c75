/**
 * Flow warnings about capture gaps (snaplen, kernel drops) that lost a PDU boundary, shared by the
 * kafka, mqtt, zmtp, redis, websocket, stomp, nats and amqp decoders.
 *
 * A gap inside a PDU whose length is known is the PDU's business: a warning on its call. A gap
 * that swallows a boundary makes the decoder resynchronise; that is a flow warning, one per
 * resynchronisation. A capture cut by `tcpdump -s 80` can need one at every segment, so only the
 * first few of each direction are given in full and the rest are counted and summed up at close.
 */
import type { DecoderSession, Position } from './decoder';
import type { Dir } from './model';

export class GapNotes {
  private readonly count: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private readonly bytes: Record<Dir, number> = { c2s: 0, s2c: 0 };

  constructor(
    private readonly session: DecoderSession,
    /** Prefix of every message ('kafka: ', '' …). */
    private readonly prefix: string,
    /** Resynchronisations per direction reported one by one. */
    private readonly max = 3,
  ) {}

  /** Resynchronisations started in `dir` so far. */
  resyncs(dir: Dir): number {
    return this.count[dir];
  }

  /** A gap of `length` bytes lost the framing of `dir`: `message` says where and what decoding waits for. */
  lost(dir: Dir, length: number, message: string, at?: Position): void {
    this.count[dir]++;
    this.bytes[dir] += length;
    if (this.count[dir] <= this.max) this.session.warn(`${this.prefix}${message}`, at);
  }

  /** At close: the resynchronisations that were not reported one by one. */
  summary(at?: Position): void {
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const n = this.count[dir];
      if (n > this.max) this.session.warn(`${this.prefix}${dir}: ${n - this.max} more resynchronisations after capture gaps (${n} in all, ${this.bytes[dir]} bytes missing at them)`, at);
    }
  }
}

/**
 * Whether `b` is valid UTF-8 (RFC 3629), without the exception a fatal TextDecoder throws (costly
 * when a resynchronisation tries many offsets). `cutEnd` allows a sequence cut short at the end.
 */
export function isUtf8(b: Uint8Array, cutEnd = false): boolean {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return false;
    if (i + need >= n + (cutEnd ? need : 0)) return false;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (k <= need) return cutEnd; // cut at the end of the bytes
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}
