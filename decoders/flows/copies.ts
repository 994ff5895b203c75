/**
 * Recently captured TCP segments, to recognise copies of one segment captured more than once:
 * `tcpdump -i any` on a host where traffic crosses a bridge, veth pairs and NAT records a segment
 * on each interface it crosses, with the same or (NAT) other addresses and ports.
 *
 * A copy has the same sequence and acknowledgement numbers (Linux NAT keeps them), flags, payload
 * length and IPv4 Identification, and was captured within `COPY_WINDOW_US` of the first. The
 * sender's own retransmission of a segment is rarely taken for one (Linux gives it a new IPv4
 * Identification, and it comes an RTO or a probe timeout later); when it is, its bytes are still
 * those already seen.
 *
 * A UDP datagram has no sequence numbers: its copies are told by two hashes of its payload (its
 * first and its last 64 bytes), its length and IPv4 Identification, in the same window.
 *
 * Bounded and allocation-free: a table of SLOTS segments in typed arrays, each segment in the slot
 * its hash names, replacing what was there (a segment pushed out early is only a copy not
 * recognised: decoded as before, its bytes dropped by reassembly).
 */
import type { Packet } from '../net/types';
import { fnv1a } from '../calls/key';

/** Copies of a segment are captured within this much of each other (µs; forwarding on one host takes µs). */
const COPY_WINDOW_US = 20_000;
const SLOTS = 1 << 16;

/** A direction bit of a connection's packet from `src` to `dst` that does not depend on which side is the client. */
export function dirBit(src: string, srcPort: number, dst: string, dstPort: number): number {
  return srcPort < dstPort || (srcPort === dstPort && src < dst) ? 1 : 2;
}

/** Flags of a UDP datagram in the table (beyond TCP's 8 bits: the two never match). */
const UDP_FLAGS = 0x100;

export class RecentSegments<C> {
  /** What stands for the sequence and acknowledgement numbers: TCP's own, a UDP payload's two hashes. */
  private readonly seq = new Uint32Array(SLOTS);
  private readonly ack = new Uint32Array(SLOTS);
  private readonly length = new Float64Array(SLOTS);
  /** 2^30 + flags × 2^17 + ipId + 1 (ipId -1 for IPv6); 0: an empty slot. */
  private readonly meta = new Int32Array(SLOTS);
  private readonly ts = new Float64Array(SLOTS);
  private readonly vantages = new Float64Array(SLOTS);
  private readonly bits = new Uint8Array(SLOTS);
  private readonly conns: Array<C | undefined> = new Array(SLOTS).fill(undefined);
  /** What find() took of its packet (frame `atFrame`): the slot, the keys, the meta; add() of that packet writes them. */
  private at = 0;
  private atSeq = 0;
  private atAck = 0;
  private atMeta = 0;
  private atFrame = -1;

  /** The slot of an earlier capture of this segment (any addresses), within the copy window; -1 if none. */
  find(p: Packet): number {
    let a: number;
    let b: number;
    let flags: number;
    if (p.proto === 17) {
      const d = p.payload;
      const n = d.length;
      a = fnv1a(d, 0, n < 64 ? n : 64);
      b = n > 64 ? fnv1a(d, n - 64 > 64 ? n - 64 : 64, n) : 0;
      flags = UDP_FLAGS;
    } else {
      a = p.seq;
      b = p.ack;
      flags = p.flags;
    }
    const h = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(p.payloadWireLength + flags * 65536, 0x27d4eb2f) ^ p.ipId, 0x85ebca6b);
    const i = (h ^ (h >>> 15)) & (SLOTS - 1);
    const meta = (1 << 30) + flags * 131072 + p.ipId + 1;
    this.at = i;
    this.atSeq = a;
    this.atAck = b;
    this.atMeta = meta;
    this.atFrame = p.frame;
    if (this.meta[i] !== meta || this.seq[i] !== a || this.ack[i] !== b || this.length[i] !== p.payloadWireLength) return -1;
    const dt = p.tsUs - this.ts[i];
    return dt <= COPY_WINDOW_US && dt >= -COPY_WINDOW_US ? i : -1;
  }

  /** Remember this segment as first seen on `conn` (in the slot find() took for it: no second hash). */
  add(p: Packet, conn: C): void {
    if (p.frame !== this.atFrame) this.find(p);
    const i = this.at;
    this.seq[i] = this.atSeq;
    this.ack[i] = this.atAck;
    this.length[i] = p.payloadWireLength;
    this.meta[i] = this.atMeta;
    this.ts[i] = p.tsUs;
    this.vantages[i] = p.vantage;
    this.bits[i] = dirBit(p.src, p.srcPort, p.dst, p.dstPort);
    this.conns[i] = conn;
  }

  /** What the segment in slot `i` was first seen on: its connection, interface, direction (dirBit). */
  conn(i: number): C | undefined {
    return this.conns[i];
  }
  vantage(i: number): number {
    return this.vantages[i];
  }
  bit(i: number): number {
    return this.bits[i];
  }

  clear(): void {
    this.meta.fill(0);
    this.conns.fill(undefined);
  }
}
