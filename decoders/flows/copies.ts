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
 * Bounded: at most MAX_ENTRIES segments (the oldest go first); keys are numbers, no string per packet.
 */
import type { Packet } from '../net/types';

/** Copies of a segment are captured within this much of each other (µs; forwarding on one host takes µs). */
export const COPY_WINDOW_US = 20_000;
const MAX_ENTRIES = 32_768;

export interface SeenSegment<C> {
  seq: number;
  ack: number;
  flags: number;
  length: number;
  ipId: number;
  tsUs: number;
  vantage: number;
  /** Where it was first seen: the connection (the pipeline's), and the addresses and ports. */
  conn: C;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export class RecentSegments<C> {
  private readonly seen = new Map<number, SeenSegment<C>>();

  /** The key of a segment: its sequence number and 16 bits of the rest (checked in full by `find`). */
  private static key(p: Packet): number {
    const mix = (p.ack ^ (p.ack >>> 16) ^ p.payloadWireLength ^ (p.flags << 11) ^ p.ipId) & 0xffff;
    return p.seq * 65536 + mix;
  }

  /** An earlier capture of this segment (any addresses), within the copy window, if any. */
  find(p: Packet): SeenSegment<C> | undefined {
    const e = this.seen.get(RecentSegments.key(p));
    if (e === undefined) return undefined;
    if (e.seq !== p.seq || e.ack !== p.ack || e.flags !== p.flags || e.length !== p.payloadWireLength || e.ipId !== p.ipId) return undefined;
    const dt = p.tsUs - e.tsUs;
    return dt <= COPY_WINDOW_US && dt >= -COPY_WINDOW_US ? e : undefined;
  }

  /** Remember this segment as first seen on `conn` (replacing what had its key). */
  add(p: Packet, conn: C): void {
    const k = RecentSegments.key(p);
    const seen = this.seen;
    if (seen.size >= MAX_ENTRIES && !seen.has(k)) {
      // The oldest eighth goes (a Map keeps insertion order).
      let n = MAX_ENTRIES >> 3;
      for (const old of seen.keys()) {
        seen.delete(old);
        if (--n === 0) break;
      }
    }
    seen.set(k, {
      seq: p.seq,
      ack: p.ack,
      flags: p.flags,
      length: p.payloadWireLength,
      ipId: p.ipId,
      tsUs: p.tsUs,
      vantage: p.vantage,
      conn,
      src: p.src,
      srcPort: p.srcPort,
      dst: p.dst,
      dstPort: p.dstPort,
    });
  }

  clear(): void {
    this.seen.clear();
  }
}

/** The packet has the addresses and ports of the segment (either direction). */
export function sameAddresses<C>(e: SeenSegment<C>, p: Packet): boolean {
  return (
    (e.srcPort === p.srcPort && e.dstPort === p.dstPort && e.src === p.src && e.dst === p.dst) ||
    (e.srcPort === p.dstPort && e.dstPort === p.srcPort && e.src === p.dst && e.dst === p.src)
  );
}
