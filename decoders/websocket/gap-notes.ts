/**
 * Flow warnings about capture gaps (snaplen, kernel drops) that lost a PDU boundary, shared by the
 * kafka, mqtt, zmtp, redis, websocket, stomp, nats and amqp decoders (kept here, beside
 * pdu-buffer.ts, to stay inside one owner's folders).
 *
 * A gap inside a PDU whose length is known is the PDU's business: a warning on its call. A gap
 * that swallows a boundary makes the decoder resynchronise; that is a flow warning, one per
 * resynchronisation. A capture cut by `tcpdump -s 80` can need one at every segment, so only the
 * first few of each direction are given in full and the rest are counted and summed up at close.
 */
import type { DecoderSession, Position } from '../core/decoder';
import type { Dir } from '../core/model';

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
