/**
 * Framing of a protocol whose PDUs start with a big-endian uint32 size (Kafka, the RabbitMQ stream
 * protocol): one DirStream per direction, PDUs handed out whole, and what capture gaps do to them.
 *
 * A gap inside a PDU whose size prefix was captured: the PDU is handed out cut (its captured head)
 * and framing resumes after it. A gap that swallows a boundary makes the direction resynchronise on
 * the next plausible header (the protocol says what is plausible), one flow warning per
 * resynchronisation (GapNotes). A size out of range without a gap means the bytes are not the
 * protocol: the rest of that direction is not decoded. An internal error stops the connection.
 */
import { be32 } from '../core/bytes';
import type { DecoderSession, Position } from '../core/decoder';
import type { Dir } from '../core/model';
import { GapNotes } from '../core/gap-notes';
import { scanForStart } from '../core/resync';
import { DirStream } from './stream';

/** A PDU cut by a capture gap: how many of its bytes were captured, of how many. */
export interface Cut {
  captured: number;
  total: number;
}

export interface SizePrefixedProtocol {
  /** Prefix of every warning ('kafka: '). */
  prefix: string;
  /** What a PDU is called in warnings ('message', 'frame'). */
  unit: string;
  /** Plausible sizes (the value of the prefix, not counting it). */
  minSize: number;
  maxSize: number;
  /** Bytes looked at per data event while resynchronising. */
  resyncWindow: number;
  /** What decoding waits for after a gap lost the framing of `dir` ('frame header'). */
  resumesAt(dir: Dir): string;
  /** Whether a PDU header starts at `b[i]` (after a gap); `final`: no more bytes come before a gap. */
  plausible(dir: Dir, b: Uint8Array, i: number, final: boolean): 'yes' | 'no' | 'more';
  /** One PDU: `body` after its size prefix, `wire` its size with the prefix; cut short when `cut` says so. */
  pdu(dir: Dir, body: Uint8Array, start: Position, end: Position, frames: number[], wire: number, cut?: Cut): void;
  /** A PDU larger than the buffer limit, skipped (say so): `head` is its first bytes buffered (up to 12). */
  tooLarge(dir: Dir, size: number, head: Uint8Array, at: Position): void;
}

export class SizePrefixedFraming {
  private readonly s: Record<Dir, DirStream> = { c2s: new DirStream(), s2c: new DirStream() };
  /** A gap (or an implausible size after one) lost the PDU boundary: look for the next plausible header. */
  private readonly resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Bytes that are not the protocol (an implausible size without a gap): the rest of the direction is not decoded. */
  private readonly lost: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Bytes of this direction were not captured at some point (snaplen, loss). */
  readonly gapped: Record<Dir, boolean> = { c2s: false, s2c: false };
  private dead = false;
  private readonly notes: GapNotes;

  constructor(
    private readonly session: DecoderSession,
    private readonly p: SizePrefixedProtocol,
  ) {
    this.notes = new GapNotes(session, p.prefix);
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead || this.lost[dir]) return;
    this.s[dir].push(bytes, at);
    this.guard(at, () => this.parse(dir));
  }

  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead || this.lost[dir]) return;
    this.gapped[dir] = true;
    this.guard(at, () => this.gapIn(dir, length, at));
  }

  /** At close: the resynchronisations not reported one by one. */
  summary(at: Position): void {
    this.notes.summary(at);
  }

  private guard(at: Position, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.session.warn(`${this.p.prefix}internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  private sane(size: number): boolean {
    return size >= this.p.minSize && size <= this.p.maxSize;
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const st = this.s[dir];
    const past = `past the end of the ${this.p.unit} they cut`;
    if (st.discard > 0) {
      // Inside the missing tail of a PDU already cut (or skipped as too large).
      const n = st.gapWhileDiscarding(length);
      if (n) this.lose(dir, n, at, past);
      return;
    }
    if (this.resync[dir] && !this.findHeader(dir, true)) {
      st.reset();
      return;
    }
    const q = st.q;
    if (q.length >= 4) {
      const size = be32(q.peek(4), 0);
      const total = size + 4;
      if (this.sane(size) && total > q.length) {
        const have = q.length;
        const frame = q.peek(have);
        const start = st.pos(0);
        const end = st.pos(have - 1);
        const frames = st.frames(0, have);
        st.reset();
        this.p.pdu(dir, frame.subarray(4), start, end, frames, total, { captured: have, total });
        const n = st.gapOver(total - have, length);
        if (n) this.lose(dir, n, at, past);
        return;
      }
    }
    this.lose(dir, length, at, q.length ? 'inside a size prefix' : `at a ${this.p.unit} boundary`);
  }

  /** The framing of `dir` is lost: drop what is buffered and wait for a plausible header. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    this.s[dir].reset();
    this.resync[dir] = true;
    this.notes.lost(dir, length, `${length} bytes missing (${dir}) ${where}; decoding resumes at the next plausible ${this.p.resumesAt(dir)}`, at);
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first offset where a plausible header starts
   * (true, the header now at the head) or where one may start once more bytes come (false). With
   * `final` (a gap follows) a header cut short is judged on what was captured.
   */
  private findHeader(dir: Dir, final: boolean): boolean {
    const st = this.s[dir];
    const buf = { get length() { return st.q.length; }, view: (n: number) => st.q.peek(n), consume: (n: number) => st.consume(n) };
    const r = scanForStart(buf, false, final, (b, i, fin) => this.p.plausible(dir, b, i, fin), this.p.resyncWindow);
    if (r.found) this.resync[dir] = false;
    return r.found;
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    while (!this.lost[dir] && q.length >= 4) {
      if (this.resync[dir] && !this.findHeader(dir, false)) return;
      const size = be32(q.peek(4), 0);
      if (!this.sane(size) && this.gapped[dir]) {
        // A resynchronisation after a gap started on bytes that only looked like a header: go on looking.
        st.consume(1);
        this.resync[dir] = true;
        continue;
      }
      if (!this.sane(size)) {
        // Not a gap but bytes that are not the protocol: nothing to resynchronise on.
        this.session.warn(`${this.p.prefix}frame size ${size} is implausible (${dir}); the rest of this direction is not decoded`, st.pos(0));
        this.lost[dir] = true;
        st.reset();
        return;
      }
      if (size + 4 > this.session.env.limits.maxBufferedBytes) {
        this.p.tooLarge(dir, size, q.peek(Math.min(q.length, 12)), st.pos(0));
        st.skipAhead(size + 4);
        continue;
      }
      if (q.length < size + 4) return;
      const frame = q.peek(size + 4);
      const start = st.pos(0);
      const end = st.pos(size + 3);
      const frames = st.frames(0, size + 4);
      this.p.pdu(dir, frame.subarray(4), start, end, frames, size + 4);
      st.consume(size + 4);
    }
  }
}
