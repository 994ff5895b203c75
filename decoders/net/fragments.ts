/**
 * IP fragment reassembly for IPv4 (RFC 791 section 3.2, hole bookkeeping after RFC 815) and
 * IPv6 (RFC 8200 section 4.5). Both share the same table: a datagram is a buffer plus the
 * byte ranges received so far; it completes when the last fragment (MF = 0) fixed the total
 * length and the ranges cover [0, total).
 *
 * Bounded: at most `maxPending` datagrams in flight (the oldest is dropped with a warning),
 * at most 65535 bytes per datagram, and a datagram older than `timeoutUs` of capture time is
 * dropped (Linux's ipfrag_time is 30 s). Overlaps keep the bytes that arrived first (what
 * Wireshark shows); a fragment that contradicts the total length is ignored with a warning.
 */

export interface FragmentOptions {
  /** Datagrams being reassembled at once. Default 256. */
  maxPending?: number;
  /** Capture-time age after which an incomplete datagram is dropped, µs. Default 30 s. */
  timeoutUs?: number;
}

/** Largest reassembled payload (IPv4 total length is 16 bits; IPv6 payload length too). */
export const MAX_DATAGRAM_BYTES = 65535;

interface Datagram {
  key: string;
  buf: Uint8Array;
  /** Sorted, non-overlapping, non-adjacent [start, end) pairs received. */
  ranges: number[];
  /** Payload length, known once the last fragment arrived; -1 before. */
  total: number;
  /** Protocol / next header, known from the fragment at offset 0; -1 before. */
  proto: number;
  firstFrame: number;
  firstTsUs: number;
  fragments: number;
  cut: boolean;
  what: string;
}

export class FragmentTable {
  private readonly pending = new Map<string, Datagram>();
  private readonly maxPending: number;
  private readonly timeoutUs: number;
  private lastSweepUs = -Infinity;
  /** Protocol of the datagram `add` just completed. */
  completedProto = -1;

  constructor(
    private readonly warn: (message: string, frame: number) => void,
    opts: FragmentOptions = {},
  ) {
    this.maxPending = Math.max(1, opts.maxPending ?? 256);
    this.timeoutUs = opts.timeoutUs ?? 30e6;
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Add one fragment. `offset` is the fragment offset in bytes, `data` its captured payload,
   * `wireLength` its payload length on the wire (> data.length when cut by snaplen), `proto`
   * the upper protocol when this fragment knows it (IPv4: always; IPv6: the fragment at offset
   * 0), else -1. Returns the reassembled payload when this fragment completes the datagram
   * (then `completedProto` holds its protocol), else undefined.
   */
  add(
    key: string,
    what: string,
    offset: number,
    more: boolean,
    data: Uint8Array,
    wireLength: number,
    proto: number,
    frame: number,
    tsUs: number,
  ): Uint8Array | undefined {
    if (tsUs - this.lastSweepUs >= 1e6) this.sweep(tsUs);
    let d = this.pending.get(key);
    if (d === undefined) {
      if (this.pending.size >= this.maxPending) {
        const oldest = this.pending.values().next().value as Datagram;
        this.drop(oldest, `dropped: more than ${this.maxPending} datagrams were being reassembled at once`);
      }
      d = {
        key,
        buf: new Uint8Array(Math.min(MAX_DATAGRAM_BYTES, Math.max(2048, offset + wireLength))),
        ranges: [],
        total: -1,
        proto: -1,
        firstFrame: frame,
        firstTsUs: tsUs,
        fragments: 0,
        cut: false,
        what,
      };
      this.pending.set(key, d);
    }
    d.fragments++;
    if (proto >= 0 && d.proto < 0) d.proto = proto;
    const end = offset + wireLength;
    if (end > MAX_DATAGRAM_BYTES) {
      this.drop(d, `dropped: fragment at offset ${offset} (frame ${frame}) ends past ${MAX_DATAGRAM_BYTES} bytes`);
      return undefined;
    }
    if (!more) {
      if (d.total >= 0 && d.total !== end) {
        this.warn(`${what}: second last fragment says length ${end}, first said ${d.total}; ignored`, frame);
        return undefined;
      }
      d.total = end;
    } else if (d.total >= 0 && end > d.total) {
      this.warn(`${what}: fragment at offset ${offset} ends past the datagram length ${d.total}; ignored`, frame);
      return undefined;
    }
    if (data.length < wireLength) d.cut = true;
    const capEnd = offset + Math.min(data.length, wireLength);
    if (capEnd > offset) this.insert(d, offset, capEnd, data);
    if (d.total >= 0 && d.proto >= 0 && d.ranges.length === 2 && d.ranges[0] === 0 && d.ranges[1] >= d.total) {
      this.pending.delete(key);
      this.completedProto = d.proto;
      return d.buf.subarray(0, d.total);
    }
    return undefined;
  }

  /** Warn about every datagram still incomplete and forget them (end of capture). */
  flush(): void {
    for (const d of this.pending.values()) this.report(d, 'incomplete at the end of the capture');
    this.pending.clear();
  }

  private sweep(nowUs: number): void {
    this.lastSweepUs = nowUs;
    for (const d of this.pending.values()) {
      if (nowUs - d.firstTsUs > this.timeoutUs) this.drop(d, `dropped after ${Math.round(this.timeoutUs / 1e6)} s without its missing fragments`);
    }
  }

  private drop(d: Datagram, why: string): void {
    this.pending.delete(d.key);
    this.report(d, why);
  }

  private report(d: Datagram, why: string): void {
    let have = 0;
    for (let i = 0; i < d.ranges.length; i += 2) have += d.ranges[i + 1] - d.ranges[i];
    const of = d.total >= 0 ? `${d.total}` : 'unknown';
    const cut = d.cut ? ' (fragments were cut by the snapshot length)' : '';
    this.warn(`${d.what} ${why}: ${d.fragments} fragment(s), ${have} of ${of} bytes${cut}`, d.firstFrame);
  }

  /** Copy data for [s, e) into the holes of d (first arrival wins), then merge the ranges. */
  private insert(d: Datagram, s: number, e: number, data: Uint8Array): void {
    if (d.buf.length < e) {
      const nb = new Uint8Array(Math.min(MAX_DATAGRAM_BYTES, Math.max(e, d.buf.length * 2)));
      nb.set(d.buf);
      d.buf = nb;
    }
    const r = d.ranges;
    let cur = s;
    for (let i = 0; i < r.length && cur < e; i += 2) {
      const rs = r[i];
      const re = r[i + 1];
      if (re <= cur) continue;
      if (rs > cur) {
        const to = Math.min(rs, e);
        d.buf.set(data.subarray(cur - s, to - s), cur);
      }
      cur = Math.max(cur, re);
    }
    if (cur < e) d.buf.set(data.subarray(cur - s, e - s), cur);
    // Merge [s, e) into the sorted range list.
    const out: number[] = [];
    let ns = s;
    let ne = e;
    let placed = false;
    for (let i = 0; i < r.length; i += 2) {
      const rs = r[i];
      const re = r[i + 1];
      if (re < ns) out.push(rs, re);
      else if (rs > ne) {
        if (!placed) {
          out.push(ns, ne);
          placed = true;
        }
        out.push(rs, re);
      } else {
        ns = Math.min(ns, rs);
        ne = Math.max(ne, re);
      }
    }
    if (!placed) out.push(ns, ne);
    d.ranges = out;
  }
}
