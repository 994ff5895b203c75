/**
 * A contiguous per-direction byte buffer that remembers which packet carried every byte, so a
 * decoder can time a PDU by the packet of its first and last byte whatever the chunking.
 * Shared by the redis, nats, zmtp and websocket decoders.
 */
import type { Position } from './decoder';

interface Mark {
  /** Running offset (bytes ever pushed) of the first byte of the chunk. */
  run: number;
  streamOffset: number;
  frame: number;
  tsUs: number;
}

/**
 * A capture gap of `length` bytes where `missing` bytes of a PDU were still due: the bytes of that
 * PDU still to come after the gap (to drop as they arrive), and the bytes the gap held past its end.
 * The discard accounting of PduBuffer and DirStream (decoders/calls/stream.ts).
 */
export function gapSplit(missing: number, length: number): [rest: number, past: number] {
  return length <= missing ? [missing - length, 0] : [0, length - missing];
}

export class PduBuffer {
  private buf = new Uint8Array(1024);
  private s = 0;
  private e = 0;
  /** Running offset of buf[s]. */
  private run = 0;
  private marks: Mark[] = [];
  private markHead = 0;
  /** Bytes still to drop as they arrive: the uncaptured rest of a PDU a capture gap cut (see gapOver). */
  private discard = 0;

  get length(): number {
    return this.e - this.s;
  }

  /** A view of everything buffered; valid until the next push/consume/clear. */
  bytes(): Uint8Array {
    return this.buf.subarray(this.s, this.e);
  }

  push(bytes: Uint8Array, at: Position): void {
    if (this.discard > 0) {
      const n = Math.min(this.discard, bytes.length);
      this.discard -= n;
      bytes = bytes.subarray(n);
      at = { ...at, streamOffset: at.streamOffset + n };
    }
    if (bytes.length === 0) return;
    const len = this.e - this.s;
    if (len === 0) {
      this.s = this.e = 0;
      this.marks = [];
      this.markHead = 0;
    }
    if (this.e + bytes.length > this.buf.length) {
      const need = len + bytes.length;
      if (need <= this.buf.length >> 1) {
        this.buf.copyWithin(0, this.s, this.e);
      } else {
        let cap = this.buf.length;
        while (cap < need) cap *= 2;
        const nb = new Uint8Array(cap);
        nb.set(this.buf.subarray(this.s, this.e));
        this.buf = nb;
      }
      this.s = 0;
      this.e = len;
    }
    this.marks.push({ run: this.run + len, streamOffset: at.streamOffset, frame: at.frame, tsUs: at.tsUs });
    this.buf.set(bytes, this.e);
    this.e += bytes.length;
  }

  /** Position (packet and stream offset) of buffered byte `i`. */
  pos(i: number): Position {
    const r = this.run + i;
    let lo = this.markHead;
    let hi = this.marks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.marks[mid].run <= r) lo = mid;
      else hi = mid - 1;
    }
    const m = this.marks[lo] ?? { run: r, streamOffset: 0, frame: 0, tsUs: 0 };
    return { frame: m.frame, tsUs: m.tsUs, streamOffset: m.streamOffset + (r - m.run) };
  }

  consume(n: number): void {
    n = Math.min(n, this.e - this.s);
    this.s += n;
    this.run += n;
    while (this.markHead + 1 < this.marks.length && this.marks[this.markHead + 1].run <= this.run) this.markHead++;
    if (this.markHead > 64 && this.markHead > this.marks.length >> 1) {
      this.marks = this.marks.slice(this.markHead);
      this.markHead = 0;
    }
    if (this.s === this.e) this.empty();
  }

  /** Drop everything buffered, and any bytes still to be discarded. */
  clear(): void {
    this.discard = 0;
    this.empty();
  }

  /**
   * A capture gap of `length` bytes where `missing` bytes of a PDU were still due (the rest of a PDU
   * the gap cut, or of one being discarded): what the gap did not cover is dropped as it arrives
   * (`push`). Returns the bytes the gap held past that PDU's end (0 when it ended inside it): the
   * caller has lost its framing for those.
   */
  gapOver(missing: number, length: number): number {
    const [rest, past] = gapSplit(missing, length);
    this.discard = rest;
    return past;
  }

  /** A capture gap of `length` bytes while a cut PDU's rest is being dropped: gapOver of that rest. */
  gapWhileDiscarding(length: number): number {
    return this.gapOver(this.discard, length);
  }

  /** Bytes of a cut PDU still to be dropped as they arrive. */
  get discarding(): number {
    return this.discard;
  }

  private empty(): void {
    this.run += this.e - this.s;
    this.s = this.e = 0;
    this.marks = [];
    this.markHead = 0;
    if (this.buf.length > 1 << 16) this.buf = new Uint8Array(1024);
  }

  /** Index of the first CR LF at or after `from`, searching at most up to `limit`; -1 if none. */
  indexOfCrlf(from: number, limit = Infinity): number {
    const b = this.buf;
    const end = Math.min(this.e, this.s + limit);
    for (let i = this.s + from; i + 1 < end; i++) if (b[i] === 13 && b[i + 1] === 10) return i - this.s;
    return -1;
  }

  /** Index of the first byte `v` at or after `from` (before `limit`), or -1. */
  indexOf(v: number, from: number, limit = Infinity): number {
    const end = Math.min(this.e, this.s + limit);
    const i = this.buf.subarray(0, end).indexOf(v, this.s + from);
    return i < 0 ? -1 : i - this.s;
  }
}
