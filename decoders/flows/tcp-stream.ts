/**
 * TCP reassembly for one direction of a connection (RFC 9293 sequence space).
 *
 * Turns segments as captured — out of order, retransmitted, overlapping, cut by snaplen or
 * lost — into an in-order byte stream of `data` and `gap` events. Offsets are absolute
 * positions in this direction's stream (0 = first byte after the SYN), unwrapped past 2^32.
 *
 * Policy (what Wireshark and Zeek do, and why):
 * - Bytes already delivered are never delivered again: retransmissions are dropped, an
 *   overlapping segment is trimmed to its new part (first copy wins).
 * - A segment beyond the next expected byte waits (copied, bounded by `maxPendingBytes`).
 * - Missing bytes become a `gap` — never glued over — when the peer has acknowledged past
 *   them (the receiver got them; the capture missed them), when the waiting room is full,
 *   or when the direction ends. An acknowledgement is only believed once a later packet
 *   confirms it (a second acknowledgement past the hole, or another segment of this direction
 *   that does not fill it): a capture point that merges both directions (SPAN or TAP port,
 *   mergecap of two captures, `-i any`) may record the receiver's ACK before the data it
 *   acknowledges, and that data must still be delivered. The gap keeps the first ACK's frame.
 */

export interface TcpStreamSink {
  /** `acked`: the peer's stream offset the segment acknowledged (see TcpStream.segment). */
  data(bytes: Uint8Array, offset: number, frame: number, tsUs: number, acked?: number): void;
  gap(length: number, offset: number, frame: number, tsUs: number): void;
}

interface Pending {
  offset: number;
  bytes: Uint8Array;
  /** Bytes on the wire beyond `bytes` (snaplen cut): a gap follows the captured part. */
  missing: number;
  frame: number;
  tsUs: number;
  acked: number | undefined;
}

export class TcpStream {
  /** Sequence number of stream offset 0 (ISN + 1), once known. */
  private base32: number | undefined;
  /** Next byte expected, as a stream offset. */
  delivered = 0;
  /** 32-bit sequence number matching `delivered`, for unwrapping. */
  private delivered32 = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  /** The peer acknowledged the hole before `end` (a stream offset) at this frame; not yet believed. */
  private holeAcked: { end: number; frame: number; tsUs: number } | undefined;
  /** Before this direction started: the last acknowledgement number the peer sent (RFC 9293 RCV.NXT). */
  private peerAck: number | undefined;
  /** Before this direction started, its SYN not seen: the sequence number of offset 0 as the handshake showed it (see expectStart). */
  private startSeq: number | undefined;
  /** This direction's SYN was seen. */
  synSeen = false;
  /** Stream offset of the FIN, once seen. */
  finOffset: number | undefined;
  ended = false;
  /** Bytes delivered as data, and as gaps. */
  dataBytes = 0;
  gapBytes = 0;
  retransmittedBytes = 0;

  constructor(
    private readonly sink: TcpStreamSink,
    private readonly maxPendingBytes = 4 << 20,
  ) {}

  /** Bytes are known to be missing before what was seen: segments wait beyond a hole, or the FIN does. */
  get hasHole(): boolean {
    return this.pending.length > 0 || (this.finOffset !== undefined && this.finOffset > this.delivered);
  }

  get started(): boolean {
    return this.base32 !== undefined;
  }

  /** The 32-bit sequence number of the next byte expected, once the direction has started. */
  get nextSeq(): number | undefined {
    return this.base32 === undefined ? undefined : this.delivered32;
  }

  /** The SYN's sequence number: data starts at isn + 1. */
  syn(isn: number): void {
    this.synSeen = true;
    if (this.base32 === undefined) {
      this.base32 = (isn + 1) >>> 0;
      this.delivered32 = this.base32;
    }
  }

  /**
   * Where this direction's data starts (`seq`, stream offset 0), known without its SYN: the peer's
   * SYN was seen, and its first acknowledgement acknowledged ours (RFC 9293 §3.5: the handshake's
   * third segment carries ISN + 1), or this direction sent an empty segment before any data (its
   * sequence number is SND.NXT, §3.4). A first data segment beyond it, close enough, was not the
   * first: what lies before it is a gap (a lost SYN-ACK and a lost first response no longer make
   * the second response the first). The first such hint is kept.
   */
  expectStart(seq: number): void {
    if (this.base32 === undefined && this.startSeq === undefined) this.startSeq = seq >>> 0;
  }

  /** Stream offset of a 32-bit sequence number, unwrapped near the current position. */
  offsetOf(seq: number): number {
    if (this.base32 === undefined) return 0;
    const delta = (seq - this.delivered32) | 0; // signed distance, wraps correctly
    return this.delivered + delta;
  }

  /**
   * A segment with `payload` captured of `wireLength` bytes on the wire. `acked`: the peer's stream
   * offset this segment's acknowledgement number stands for (the peer's bytes before it had reached
   * this side when it sent the segment), passed on with the segment's data.
   * Returns the stream offset of the segment's first byte.
   */
  segment(seq: number, payload: Uint8Array, wireLength: number, frame: number, tsUs: number, fin: boolean, acked?: number): number {
    if (this.base32 === undefined) {
      // The handshake said where the data starts (expectStart): a segment beyond that follows a gap.
      const early = this.startSeq === undefined ? 0 : (seq - this.startSeq) | 0;
      // Capture started mid-connection: the first segment seen defines offset 0, unless the peer
      // already acknowledged an earlier sequence number — then the segment arrived out of order and
      // stream offset 0 is the byte the peer expected (the earlier segment may still come).
      const ahead = this.peerAck === undefined ? 0 : (seq - this.peerAck) | 0;
      if (early > 0 && early <= this.maxPendingBytes) this.base32 = this.startSeq!;
      else this.base32 = ahead > 0 && ahead <= this.maxPendingBytes ? this.peerAck! : seq >>> 0;
      this.delivered32 = this.base32;
    }
    let offset = this.offsetOf(seq);
    const start = offset;
    if (fin && this.finOffset === undefined) this.finOffset = offset + wireLength;
    if (wireLength === 0) {
      this.maybeEnd(frame, tsUs);
      return start;
    }
    let bytes = payload;
    let missing = wireLength - payload.length;
    const end = offset + wireLength;
    if (end <= this.delivered) {
      this.retransmittedBytes += wireLength;
      this.maybeEnd(frame, tsUs);
      return start;
    }
    if (offset < this.delivered) {
      const trim = this.delivered - offset;
      this.retransmittedBytes += trim;
      if (trim >= bytes.length) {
        missing -= trim - bytes.length;
        bytes = bytes.subarray(bytes.length);
      } else bytes = bytes.subarray(trim);
      offset = this.delivered;
    }
    if (offset === this.delivered) {
      this.deliver(offset, bytes, missing, frame, tsUs, acked);
      this.drain();
    } else {
      this.store({ offset, bytes: bytes.slice(), missing, frame, tsUs, acked });
    }
    // A segment of this direction after the ACK that did not fill the hole confirms it was lost.
    this.settleAckedHole();
    this.maybeEnd(frame, tsUs);
    return start;
  }

  /**
   * The peer acknowledged up to `ack`: bytes before it that we never saw are a gap. A pure ACK
   * (`withData` false) is believed once a second acknowledgement or a later segment of this
   * direction confirms it (see the policy above); an ACK riding on the peer's data or FIN at once,
   * so that what the peer sent in answer reaches the decoders after what it answered.
   */
  acked(ack: number, frame: number, tsUs: number, withData = false): void {
    if (this.base32 === undefined) {
      this.peerAck = ack >>> 0;
      return;
    }
    if (this.pending.length === 0) return;
    const ackOffset = this.offsetOf(ack);
    if (ackOffset >= this.pending[0].offset && this.pending[0].offset > this.delivered) {
      // No acknowledged hole yet, or one already passed: this ACK starts a new one.
      const h = this.holeAcked;
      const fresh = h === undefined || h.end <= this.delivered;
      // Every hole before the acknowledgement, not only the first (as far as waiting segments reach).
      if (fresh) this.holeAcked = { end: ackOffset, frame, tsUs };
      else h.end = Math.max(h.end, ackOffset);
      if (!withData && fresh) return;
      this.settleAckedHole();
    }
  }

  /** Give up on the acknowledged hole: a gap up to its end (as far as waiting segments reach). */
  private settleAckedHole(): void {
    const h = this.holeAcked;
    if (h === undefined) return;
    this.holeAcked = undefined;
    while (this.delivered < h.end && this.pending.length && this.pending[0].offset > this.delivered) {
      this.fillGapTo(Math.min(this.pending[0].offset, h.end), h.frame, h.tsUs);
      this.drain();
    }
  }

  /** End of this direction (end of capture, RST, or the flow is being closed). */
  finish(frame: number, tsUs: number): void {
    while (this.pending.length) {
      const p = this.pending[0];
      if (p.offset > this.delivered) this.fillGapTo(p.offset, frame, tsUs);
      this.drain();
    }
    // The FIN came after bytes the capture never saw (the last segment lost): they are a gap too,
    // so a decoder knows its last message was cut, not that the sender stopped there. A FIN far
    // beyond anything waiting could hold (a bogus sequence number) is not believed.
    const hole = this.finOffset === undefined ? 0 : this.finOffset - this.delivered;
    if (hole > 0 && hole <= this.maxPendingBytes) this.fillGapTo(this.finOffset!, frame, tsUs);
    this.ended = true;
  }

  private maybeEnd(frame: number, tsUs: number): void {
    if (this.finOffset !== undefined && this.delivered >= this.finOffset && this.pending.length === 0) this.ended = true;
    void frame;
    void tsUs;
  }

  private deliver(offset: number, bytes: Uint8Array, missing: number, frame: number, tsUs: number, acked: number | undefined): void {
    if (bytes.length) {
      this.sink.data(bytes, offset, frame, tsUs, acked);
      this.dataBytes += bytes.length;
    }
    if (missing > 0) {
      this.sink.gap(missing, offset + bytes.length, frame, tsUs);
      this.gapBytes += missing;
    }
    this.advance(bytes.length + Math.max(0, missing));
  }

  private advance(n: number): void {
    this.delivered += n;
    this.delivered32 = (this.delivered32 + n) >>> 0;
  }

  private fillGapTo(offset: number, frame: number, tsUs: number): void {
    const n = offset - this.delivered;
    if (n <= 0) return;
    this.sink.gap(n, this.delivered, frame, tsUs);
    this.gapBytes += n;
    this.advance(n);
  }

  private store(p: Pending): void {
    // Insert sorted by offset; keep duplicates out.
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1].offset > p.offset) i--;
    if (i > 0 && this.pending[i - 1].offset === p.offset && this.pending[i - 1].bytes.length >= p.bytes.length) {
      this.retransmittedBytes += p.bytes.length;
      return;
    }
    this.pending.splice(i, 0, p);
    this.pendingBytes += p.bytes.length;
    // Bounded waiting room: past the limit, give up on the hole before the first waiting segment.
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length) {
      this.fillGapTo(this.pending[0].offset, this.pending[0].frame, this.pending[0].tsUs);
      this.drain();
    }
  }

  /** Deliver waiting segments that are now contiguous. */
  private drain(): void {
    while (this.pending.length && this.pending[0].offset <= this.delivered) {
      const p = this.pending.shift()!;
      this.pendingBytes -= p.bytes.length;
      const end = p.offset + p.bytes.length + p.missing;
      if (end <= this.delivered) {
        this.retransmittedBytes += p.bytes.length;
        continue;
      }
      const trim = this.delivered - p.offset;
      let bytes = p.bytes;
      let missing = p.missing;
      if (trim >= bytes.length) {
        missing -= trim - bytes.length;
        bytes = bytes.subarray(bytes.length);
      } else bytes = bytes.subarray(trim);
      this.deliver(this.delivered, bytes, missing, p.frame, p.tsUs, p.acked);
    }
  }
}
