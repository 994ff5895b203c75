/**
 * Shared plumbing for the broker decoders (AMQP, MQTT, Kafka, STOMP): one direction's byte
 * queue plus the capture position of every buffered byte, so a PDU's start and end times come
 * from the packets that carried its first and last bytes — whatever the split of the stream.
 */
import { ByteQueue } from '../core/bytes';
import type { Position } from '../core/decoder';
import { gapSplit } from '../core/pdu-buffer';

interface Mark {
  off: number;
  frame: number;
  tsUs: number;
}

/** One direction of a connection: buffered bytes, their stream offsets and capture positions. */
export class DirStream {
  readonly q = new ByteQueue();
  /** Stream offset of the first buffered byte. */
  base = 0;
  private marks: Mark[] = [];
  /** Bytes still to discard as they arrive (a PDU too large to buffer). */
  discard = 0;

  push(bytes: Uint8Array, at: Position): void {
    let b = bytes;
    let off = at.streamOffset;
    if (this.discard > 0) {
      const n = Math.min(this.discard, b.length);
      this.discard -= n;
      b = b.subarray(n);
      off += n;
      if (!b.length) return;
    }
    if (this.q.length === 0) {
      this.base = off;
      this.marks.length = 0;
    }
    const last = this.marks[this.marks.length - 1];
    if (!last || last.frame !== at.frame || last.tsUs !== at.tsUs) this.marks.push({ off, frame: at.frame, tsUs: at.tsUs });
    this.q.push(b);
  }

  /** Position of the buffered byte at `rel` bytes after the head. */
  pos(rel: number): Position {
    const off = this.base + rel;
    const m = this.markAt(off);
    return { frame: m?.frame ?? 0, tsUs: m?.tsUs ?? 0, streamOffset: off };
  }

  /** Frames that carried buffered bytes [from, to) (relative to the head). */
  frames(from: number, to: number): number[] {
    const a = this.base + from;
    const b = this.base + Math.max(from + 1, to);
    const out: number[] = [];
    for (let i = 0; i < this.marks.length; i++) {
      const m = this.marks[i];
      const next = this.marks[i + 1];
      const mEnd = next ? next.off : Infinity;
      if (m.off < b && mEnd > a && out[out.length - 1] !== m.frame) out.push(m.frame);
    }
    return out;
  }

  private markAt(off: number): Mark | undefined {
    let lo = 0;
    let hi = this.marks.length - 1;
    let best = this.marks[0];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.marks[mid].off <= off) {
        best = this.marks[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  consume(n: number): void {
    this.q.skip(n);
    this.base += n;
    // Drop the marks before the one holding the new head, in one splice: a PDU that came in many
    // small segments has a mark per segment, and shifting them one by one was quadratic.
    const m = this.marks;
    let lo = 1;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid].off <= this.base) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 1) m.splice(0, lo - 1);
  }

  /** Drop everything buffered and discard the next `n` bytes when they arrive. */
  skipAhead(n: number): void {
    const have = this.q.length;
    if (n <= have) {
      this.consume(n);
      return;
    }
    this.consume(have);
    this.discard = n - have;
  }

  /**
   * A capture gap of `length` bytes where `missing` bytes of a PDU were still due (the rest of a PDU
   * the gap cut, or of one being discarded): what the gap did not cover is discarded as it arrives.
   * Returns the bytes the gap held past that PDU's end (0 when it ended inside it): the caller has
   * lost its framing for those.
   */
  gapOver(missing: number, length: number): number {
    const [rest, past] = gapSplit(missing, length);
    this.discard = rest;
    return past;
  }

  /** A capture gap of `length` bytes while a PDU's rest is being discarded: gapOver of that rest. */
  gapWhileDiscarding(length: number): number {
    return this.gapOver(this.discard, length);
  }

  reset(): void {
    this.q.clear();
    this.marks.length = 0;
    this.discard = 0;
  }
}

/** Add frame numbers to a call's list, in order, without duplicates, at most 64. */
export function addFrames(list: number[], frames: number[]): void {
  for (const f of frames) {
    if (list.length >= 64) return;
    if (!list.includes(f)) list.push(f);
  }
}
