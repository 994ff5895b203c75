/**
 * Synthesizes the Ethernet/IP/TCP frames of a recorded connection, from what a proxy saw at the
 * socket level (connect, bytes each way with times, close or error), so that the recording can
 * be saved as an ordinary capture that Wireshark and our own reader decode like a real one.
 *
 *   - handshake: SYN, SYN-ACK, ACK (MSS option on the SYNs);
 *   - data: split at the MSS, seq advancing by the bytes sent, ack carrying the peer's next seq,
 *     PSH on the last segment of a write; a pure ACK from the receiver after each write;
 *   - teardown: FIN-ACK from the side that closes first, ACK, then FIN-ACK and ACK the other way;
 *   - failure: SYN then RST-ACK (connection refused), or RST-ACK mid-connection.
 *
 * IPv4 or IPv6 by the address text; checksums (IPv4 header, TCP pseudo-header) are real.
 * Frames are plain Uint8Array (no Buffer, no node: imports).
 */
import type { Dir, Endpoint } from '../core/model';

export const LINKTYPE_ETHERNET = 1;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

export interface SynthFrame {
  /** µs since the epoch. */
  tsUs: number;
  /** A whole Ethernet frame. */
  data: Uint8Array;
}

export interface TcpSynthOptions {
  client: Endpoint;
  server: Endpoint;
  /** Largest TCP payload per segment (default 1460 for IPv4, 1440 for IPv6). */
  mss?: number;
  /** Initial sequence numbers (default: derived from the ports, stable across runs). */
  clientIsn?: number;
  serverIsn?: number;
  /** Advertised window (default 65535). */
  window?: number;
  /** Send a pure ACK after each write of the peer (default true). */
  acks?: boolean;
  clientMac?: Uint8Array;
  serverMac?: Uint8Array;
}

type Side = { ep: Endpoint; ip: Uint8Array; mac: Uint8Array; seq: number; finSent: boolean };

/** One TCP connection's frames, produced event by event. */
export class TcpSynth {
  readonly v6: boolean;
  readonly mss: number;
  private readonly c: Side;
  private readonly s: Side;
  private readonly window: number;
  private readonly acks: boolean;
  private ipId = 1;
  private state: 'new' | 'syn' | 'open' | 'closed' = 'new';

  constructor(o: TcpSynthOptions) {
    const cip = parseIp(o.client.ip);
    const sip = parseIp(o.server.ip);
    if (cip.length !== sip.length) throw new Error(`tcp-synth: client ${o.client.ip} and server ${o.server.ip} are not the same IP version`);
    this.v6 = cip.length === 16;
    const maxMss = this.v6 ? 65535 - 60 : 65535 - 40 - 20;
    this.mss = Math.max(1, Math.min(o.mss ?? (this.v6 ? 1440 : 1460), maxMss));
    this.window = o.window ?? 65535;
    this.acks = o.acks ?? true;
    const isn = (a: number, b: number) => (Math.imul(a * 65537 + b, 2654435761) >>> 0) & 0x7fffffff;
    this.c = { ep: o.client, ip: cip, mac: o.clientMac ?? mac(1), seq: (o.clientIsn ?? isn(o.client.port, o.server.port)) >>> 0, finSent: false };
    this.s = { ep: o.server, ip: sip, mac: o.serverMac ?? mac(2), seq: (o.serverIsn ?? isn(o.server.port, o.client.port ^ 0x5a5a)) >>> 0, finSent: false };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** SYN, SYN-ACK, ACK. `serverUs`/`ackUs` default to `tsUs` (the proxy saw the connect complete). */
  open(tsUs: number, synAckUs = tsUs, ackUs = synAckUs): SynthFrame[] {
    if (this.state !== 'new') return [];
    const opt = mssOption(this.mss);
    const out = [this.segment(this.c, this.s, SYN, new Uint8Array(0), tsUs, opt, 0)];
    this.c.seq = (this.c.seq + 1) >>> 0;
    out.push(this.segment(this.s, this.c, SYN | ACK, new Uint8Array(0), synAckUs, opt));
    this.s.seq = (this.s.seq + 1) >>> 0;
    out.push(this.segment(this.c, this.s, ACK, new Uint8Array(0), ackUs));
    this.state = 'open';
    return out;
  }

  /** The connection was refused or timed out: SYN, then RST-ACK from the server side. */
  refused(tsUs: number, rstUs = tsUs): SynthFrame[] {
    if (this.state !== 'new') return [];
    const out = [this.segment(this.c, this.s, SYN, new Uint8Array(0), tsUs, mssOption(this.mss), 0)];
    this.c.seq = (this.c.seq + 1) >>> 0;
    out.push(this.segment(this.s, this.c, RST | ACK, new Uint8Array(0), rstUs));
    this.state = 'closed';
    return out;
  }

  /** Bytes written by one side at `tsUs`: data segments (MSS-sized), then the peer's ACK. */
  data(dir: Dir, bytes: Uint8Array, tsUs: number): SynthFrame[] {
    if (this.state === 'new') throw new Error('tcp-synth: data before open()');
    if (this.state === 'closed' || bytes.length === 0) return [];
    const [from, to] = dir === 'c2s' ? [this.c, this.s] : [this.s, this.c];
    if (from.finSent) return [];
    const out: SynthFrame[] = [];
    for (let o = 0; o < bytes.length; o += this.mss) {
      const chunk = bytes.subarray(o, Math.min(bytes.length, o + this.mss));
      const last = o + this.mss >= bytes.length;
      out.push(this.segment(from, to, ACK | (last ? PSH : 0), chunk, tsUs));
      from.seq = (from.seq + chunk.length) >>> 0;
    }
    if (this.acks && !to.finSent) out.push(this.segment(to, from, ACK, new Uint8Array(0), tsUs));
    return out;
  }

  /**
   * One side closes (FIN-ACK, peer's ACK). When both have closed, the last ACK ends it.
   */
  fin(dir: Dir, tsUs: number): SynthFrame[] {
    if (this.state !== 'open') return [];
    const [from, to] = dir === 'c2s' ? [this.c, this.s] : [this.s, this.c];
    if (from.finSent) return [];
    const out = [this.segment(from, to, FIN | ACK, new Uint8Array(0), tsUs)];
    from.seq = (from.seq + 1) >>> 0;
    from.finSent = true;
    out.push(this.segment(to, from, ACK, new Uint8Array(0), tsUs));
    if (to.finSent) this.state = 'closed';
    return out;
  }

  /** Orderly close of both sides, `dir` first. */
  close(dir: Dir, tsUs: number): SynthFrame[] {
    const other: Dir = dir === 'c2s' ? 's2c' : 'c2s';
    return [...this.fin(dir, tsUs), ...this.fin(other, tsUs)];
  }

  /** A reset sent by one side (an error or an abort). */
  reset(dir: Dir, tsUs: number): SynthFrame[] {
    if (this.state !== 'open') return [];
    const [from, to] = dir === 'c2s' ? [this.c, this.s] : [this.s, this.c];
    this.state = 'closed';
    return [this.segment(from, to, RST | ACK, new Uint8Array(0), tsUs)];
  }

  private segment(from: Side, to: Side, flags: number, payload: Uint8Array, tsUs: number, options: Uint8Array = new Uint8Array(0), ackNo = to.seq): SynthFrame {
    const tcpLen = 20 + options.length;
    const tcp = new Uint8Array(tcpLen + payload.length);
    const t = new DataView(tcp.buffer);
    t.setUint16(0, from.ep.port);
    t.setUint16(2, to.ep.port);
    t.setUint32(4, from.seq);
    t.setUint32(8, flags & ACK ? ackNo >>> 0 : 0);
    tcp[12] = (tcpLen / 4) << 4;
    tcp[13] = flags;
    t.setUint16(14, Math.min(this.window, 0xffff));
    tcp.set(options, 20);
    tcp.set(payload, tcpLen);
    t.setUint16(16, tcpChecksum(from.ip, to.ip, tcp));
    const ip = this.v6 ? ipv6Header(from.ip, to.ip, tcp.length) : ipv4Header(from.ip, to.ip, tcp.length, this.ipId++ & 0xffff);
    const frame = new Uint8Array(14 + ip.length + tcp.length);
    frame.set(to.mac, 0);
    frame.set(from.mac, 6);
    frame[12] = this.v6 ? 0x86 : 0x08;
    frame[13] = this.v6 ? 0xdd : 0x00;
    frame.set(ip, 14);
    frame.set(tcp, 14 + ip.length);
    return { tsUs, data: frame };
  }
}

function mac(n: number): Uint8Array {
  // Locally administered unicast addresses.
  return new Uint8Array([0x02, 0x00, 0x00, 0x00, 0x00, n]);
}

function mssOption(mss: number): Uint8Array {
  return new Uint8Array([2, 4, (mss >> 8) & 0xff, mss & 0xff]);
}

function ipv4Header(src: Uint8Array, dst: Uint8Array, payloadLen: number, id: number): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  h[0] = 0x45;
  v.setUint16(2, 20 + payloadLen);
  v.setUint16(4, id);
  v.setUint16(6, 0x4000); // don't fragment
  h[8] = 64;
  h[9] = 6;
  h.set(src, 12);
  h.set(dst, 16);
  v.setUint16(10, inetChecksum(h, 0));
  return h;
}

function ipv6Header(src: Uint8Array, dst: Uint8Array, payloadLen: number): Uint8Array {
  const h = new Uint8Array(40);
  const v = new DataView(h.buffer);
  h[0] = 0x60;
  v.setUint16(4, payloadLen);
  h[6] = 6;
  h[7] = 64;
  h.set(src, 8);
  h.set(dst, 24);
  return h;
}

function sum16(b: Uint8Array, acc: number): number {
  const n = b.length;
  for (let i = 0; i + 1 < n; i += 2) acc += (b[i] << 8) | b[i + 1];
  if (n & 1) acc += b[n - 1] << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return ~acc & 0xffff;
}

export function inetChecksum(b: Uint8Array, acc = 0): number {
  return fold(sum16(b, acc));
}

function tcpChecksum(src: Uint8Array, dst: Uint8Array, seg: Uint8Array): number {
  let acc = sum16(src, 0);
  acc = sum16(dst, acc);
  acc += 6 + seg.length; // protocol + TCP length (IPv4 pseudo-header; IPv6 sums the same words)
  acc = sum16(seg, acc);
  return fold(acc);
}

/** Address text → 4 or 16 bytes. Accepts dotted IPv4, IPv6 (with `::` and a dotted tail), `[v6]`. */
export function parseIp(text: string): Uint8Array {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) {
    const parts = t.split('.');
    if (parts.length !== 4) throw new Error(`not an IP address: ${text}`);
    const out = new Uint8Array(4);
    parts.forEach((p, i) => {
      const n = Number(p);
      if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`not an IP address: ${text}`);
      out[i] = n;
    });
    return out;
  }
  if (t.toLowerCase().startsWith('::ffff:') && t.includes('.')) {
    const out = new Uint8Array(16);
    out[10] = out[11] = 0xff;
    out.set(parseIp(t.slice(7)), 12);
    return out;
  }
  const words: number[] = [];
  const halves = t.split('::');
  if (halves.length > 2) throw new Error(`not an IP address: ${text}`);
  const parse = (s: string): number[] => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = parseIp(g);
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`not an IP address: ${text}`);
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 0) throw new Error(`not an IP address: ${text}`);
    words.push(...head, ...new Array(fill).fill(0), ...tail);
  } else words.push(...head);
  if (words.length !== 8) throw new Error(`not an IP address: ${text}`);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}
