/**
 * Capture builders for tests: packets (IPv4/IPv6 + TCP/UDP with real checksums), link headers,
 * whole pcap / pcapng files, and realistic TCP conversations.
 *
 * Typical use:
 *
 *   const frames = tcpConversation({
 *     client: { ip: '10.0.0.1', port: 50000 }, server: { ip: '10.0.0.2', port: 80 },
 *     exchanges: [{ dir: 'c2s', data: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' }, { dir: 's2c', data: resp }],
 *   });
 *   const file = pcapFile(frames);                       // Ethernet, µs, little-endian
 *   const ng = pcapngFile([{ blocks: [idb(), ...frames.map((f) => epb(f))] }]);
 *
 * Everything returns plain Uint8Array; nothing here touches the file system. Addresses are text
 * ('10.0.0.1', '2001:db8::1'); a ':' selects IPv6 unless `ipVersion` says otherwise.
 */

// ----------------------------------------------------------------------------------------
// Small byte helpers

export type Bytes = Uint8Array | string;

const enc = new TextEncoder();

/** Bytes from a string (UTF-8) or a Uint8Array (returned as is). */
export function bytes(b: Bytes | undefined): Uint8Array {
  if (b === undefined) return new Uint8Array(0);
  return typeof b === 'string' ? enc.encode(b) : b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A growable byte writer with both byte orders. */
export class Writer {
  private buf = new Uint8Array(256);
  length = 0;
  constructor(public littleEndian = false) {}
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    const b = this.buf;
    if (this.littleEndian) (b[this.length] = v & 0xff), (b[this.length + 1] = (v >>> 8) & 0xff);
    else (b[this.length] = (v >>> 8) & 0xff), (b[this.length + 1] = v & 0xff);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    const b = this.buf;
    const o = this.length;
    v = v >>> 0;
    if (this.littleEndian) {
      b[o] = v & 0xff;
      b[o + 1] = (v >>> 8) & 0xff;
      b[o + 2] = (v >>> 16) & 0xff;
      b[o + 3] = v >>> 24;
    } else {
      b[o] = v >>> 24;
      b[o + 1] = (v >>> 16) & 0xff;
      b[o + 2] = (v >>> 8) & 0xff;
      b[o + 3] = v & 0xff;
    }
    this.length += 4;
    return this;
  }
  /** 64-bit unsigned (or two's complement when negative). */
  u64(v: bigint): this {
    const x = BigInt.asUintN(64, v);
    const hi = Number(x >> 32n);
    const lo = Number(x & 0xffffffffn);
    return this.littleEndian ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** Zero bytes up to a multiple of 4. */
  pad4(): this {
    while (this.length % 4) this.u8(0);
    return this;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

// ----------------------------------------------------------------------------------------
// Addresses and checksums

/** 4 bytes of a dotted IPv4 address. */
export function ipv4Bytes(a: string): Uint8Array {
  const parts = a.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255))) throw new Error(`bad IPv4 address ${a}`);
  return Uint8Array.from(parts);
}

/** 16 bytes of an IPv6 address (with ::, and a trailing dotted IPv4 part). */
export function ipv6Bytes(a: string): Uint8Array {
  let s = a;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = ipv4Bytes(last);
    s = s.slice(0, lastColon + 1) + (((v4[0] << 8) | v4[1]).toString(16) + ':' + ((v4[2] << 8) | v4[3]).toString(16));
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address ${a}`);
  const left = halves[0] ? halves[0].split(':').map((x) => parseInt(x, 16)) : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':').map((x) => parseInt(x, 16)) : [];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0) || [...left, ...right].some((g) => !(g >= 0 && g <= 0xffff))) {
    throw new Error(`bad IPv6 address ${a}`);
  }
  const all = [...left, ...new Array(fill).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function sum16(b: Uint8Array, acc = 0): number {
  for (let i = 0; i + 1 < b.length; i += 2) acc += (b[i] << 8) | b[i + 1];
  if (b.length & 1) acc += b[b.length - 1] << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

/** Internet checksum (RFC 1071) of the bytes. */
export function inetChecksum(b: Uint8Array): number {
  return fold(sum16(b));
}

function isV6(addr: string, v?: 4 | 6): boolean {
  return v ? v === 6 : addr.includes(':');
}

// ----------------------------------------------------------------------------------------
// IP packets

export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto?: number;
  payload?: Bytes;
  /** Identification field. Default 1. */
  id?: number;
  ttl?: number;
  /** Don't-fragment / more-fragments flags and fragment offset in bytes (multiple of 8). */
  df?: boolean;
  mf?: boolean;
  fragmentOffset?: number;
  /** IP options (padded to 4 bytes). */
  options?: Uint8Array;
  /** Override the total length field (to build malformed packets). */
  totalLength?: number;
}

/** An IPv4 packet (RFC 791) with a correct header checksum. */
export function ipv4Packet(o: Ipv4Options = {}): Uint8Array {
  const payload = bytes(o.payload);
  const opts = o.options ?? new Uint8Array(0);
  const optLen = (opts.length + 3) & ~3;
  const ihl = 20 + optLen;
  const h = new Uint8Array(ihl);
  h[0] = 0x40 | (ihl >> 2);
  const total = o.totalLength ?? ihl + payload.length;
  h[2] = total >> 8;
  h[3] = total & 0xff;
  const id = o.id ?? 1;
  h[4] = (id >> 8) & 0xff;
  h[5] = id & 0xff;
  const ff = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (((o.fragmentOffset ?? 0) >> 3) & 0x1fff);
  h[6] = ff >> 8;
  h[7] = ff & 0xff;
  h[8] = o.ttl ?? 64;
  h[9] = o.proto ?? 6;
  h.set(ipv4Bytes(o.src ?? '10.0.0.1'), 12);
  h.set(ipv4Bytes(o.dst ?? '10.0.0.2'), 16);
  h.set(opts, 20);
  const c = inetChecksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return concat(h, payload);
}

export interface Ipv6ExtHeader {
  /** 0 hop-by-hop, 43 routing, 60 destination options, 51 AH, 44 fragment (use fragmentIpv6). */
  type: number;
  /** Header body after the next-header and length bytes; padded to the header's unit. */
  body?: Uint8Array;
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  /** Upper-layer protocol after the extension headers. */
  nextHeader?: number;
  payload?: Bytes;
  hopLimit?: number;
  extensionHeaders?: Ipv6ExtHeader[];
  /** Override the payload length field. */
  payloadLength?: number;
}

/** Encode one extension header with the given next header. */
function extHeader(h: Ipv6ExtHeader, next: number): Uint8Array {
  const body = h.body ?? new Uint8Array(h.type === 51 ? 10 : 6);
  const unit = h.type === 51 ? 4 : 8;
  const len = Math.max(unit * 2, Math.ceil((2 + body.length) / unit) * unit);
  const out = new Uint8Array(len);
  out[0] = next;
  out[1] = h.type === 51 ? len / 4 - 2 : len / 8 - 1;
  out.set(body, 2);
  return out;
}

/** An IPv6 packet (RFC 8200) with optional extension headers. */
export function ipv6Packet(o: Ipv6Options = {}): Uint8Array {
  const payload = bytes(o.payload);
  const exts = o.extensionHeaders ?? [];
  const encoded: Uint8Array[] = [];
  for (let i = 0; i < exts.length; i++) encoded.push(extHeader(exts[i], i + 1 < exts.length ? exts[i + 1].type : (o.nextHeader ?? 6)));
  const rest = concat(...encoded, payload);
  const h = new Uint8Array(40);
  h[0] = 0x60;
  const plen = o.payloadLength ?? rest.length;
  h[4] = plen >> 8;
  h[5] = plen & 0xff;
  h[6] = exts.length ? exts[0].type : (o.nextHeader ?? 6);
  h[7] = o.hopLimit ?? 64;
  h.set(ipv6Bytes(o.src ?? '2001:db8::1'), 8);
  h.set(ipv6Bytes(o.dst ?? '2001:db8::2'), 24);
  return concat(h, rest);
}

// ----------------------------------------------------------------------------------------
// TCP and UDP

/** Flag letters: F S R P A U E C (any order), e.g. 'S', 'SA', 'PA', 'FA', 'R', 'RA'. */
export type TcpFlags = string | number;

export function tcpFlagBits(f: TcpFlags): number {
  if (typeof f === 'number') return f;
  let v = 0;
  for (const ch of f.toUpperCase()) {
    const bit = 'FSRPAUEC'.indexOf(ch);
    if (bit < 0) throw new Error(`unknown TCP flag ${ch}`);
    v |= 1 << bit;
  }
  return v;
}

export interface TcpOptions {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  /** Default 'A' (or 'PA' when there is a payload). */
  flags?: TcpFlags;
  window?: number;
  payload?: Bytes;
  /** Raw TCP options (padded to 4 bytes with NOPs... zeros). */
  tcpOptions?: Uint8Array;
  /** 4 or 6; default from the address text. */
  ipVersion?: 4 | 6;
  /** IPv4 identification. */
  ipId?: number;
  ttl?: number;
}

function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, proto: number, len: number): number {
  let acc = sum16(src) + sum16(dst) + proto;
  acc += src.length === 16 ? Math.floor(len / 0x10000) + (len & 0xffff) : len;
  return acc;
}

/** A TCP segment (RFC 9293) with a correct checksum, without the IP header. */
export function tcpSegment(o: TcpOptions = {}): Uint8Array {
  const payload = bytes(o.payload);
  const v6 = isV6(o.src ?? '10.0.0.1', o.ipVersion);
  const src = v6 ? ipv6Bytes(o.src ?? '2001:db8::1') : ipv4Bytes(o.src ?? '10.0.0.1');
  const dst = v6 ? ipv6Bytes(o.dst ?? '2001:db8::2') : ipv4Bytes(o.dst ?? '10.0.0.2');
  const opts = o.tcpOptions ?? new Uint8Array(0);
  const hlen = 20 + ((opts.length + 3) & ~3);
  const s = new Uint8Array(hlen + payload.length);
  const sport = o.sport ?? 50000;
  const dport = o.dport ?? 80;
  s[0] = sport >> 8;
  s[1] = sport & 0xff;
  s[2] = dport >> 8;
  s[3] = dport & 0xff;
  const seq = (o.seq ?? 1000) >>> 0;
  const ack = (o.ack ?? 0) >>> 0;
  s[4] = seq >>> 24;
  s[5] = (seq >>> 16) & 0xff;
  s[6] = (seq >>> 8) & 0xff;
  s[7] = seq & 0xff;
  s[8] = ack >>> 24;
  s[9] = (ack >>> 16) & 0xff;
  s[10] = (ack >>> 8) & 0xff;
  s[11] = ack & 0xff;
  s[12] = (hlen >> 2) << 4;
  s[13] = tcpFlagBits(o.flags ?? (payload.length ? 'PA' : 'A'));
  const win = o.window ?? 65535;
  s[14] = win >> 8;
  s[15] = win & 0xff;
  s.set(opts, 20);
  s.set(payload, hlen);
  const c = fold(sum16(s, pseudoHeaderSum(src, dst, 6, s.length)));
  s[16] = c >> 8;
  s[17] = c & 0xff;
  return s;
}

/** An IP packet (v4 or v6 by address/ipVersion) carrying one TCP segment. */
export function tcpPacket(o: TcpOptions = {}): Uint8Array {
  const v6 = isV6(o.src ?? '10.0.0.1', o.ipVersion);
  const seg = tcpSegment(o);
  return v6
    ? ipv6Packet({ src: o.src, dst: o.dst, nextHeader: 6, payload: seg, hopLimit: o.ttl })
    : ipv4Packet({ src: o.src, dst: o.dst, proto: 6, payload: seg, id: o.ipId, ttl: o.ttl, df: true });
}

export interface UdpOptions {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  payload?: Bytes;
  ipVersion?: 4 | 6;
  ipId?: number;
  /** Override the UDP length field. */
  length?: number;
}

/** A UDP datagram (RFC 768) with a correct checksum, without the IP header. */
export function udpDatagram(o: UdpOptions = {}): Uint8Array {
  const payload = bytes(o.payload);
  const v6 = isV6(o.src ?? '10.0.0.1', o.ipVersion);
  const src = v6 ? ipv6Bytes(o.src ?? '2001:db8::1') : ipv4Bytes(o.src ?? '10.0.0.1');
  const dst = v6 ? ipv6Bytes(o.dst ?? '2001:db8::2') : ipv4Bytes(o.dst ?? '10.0.0.2');
  const u = new Uint8Array(8 + payload.length);
  const sport = o.sport ?? 50000;
  const dport = o.dport ?? 53;
  u[0] = sport >> 8;
  u[1] = sport & 0xff;
  u[2] = dport >> 8;
  u[3] = dport & 0xff;
  const len = o.length ?? u.length;
  u[4] = (len >> 8) & 0xff;
  u[5] = len & 0xff;
  u.set(payload, 8);
  let c = fold(sum16(u, pseudoHeaderSum(src, dst, 17, u.length)));
  if (c === 0) c = 0xffff;
  u[6] = c >> 8;
  u[7] = c & 0xff;
  return u;
}

/** An IP packet carrying one UDP datagram. */
export function udpPacket(o: UdpOptions = {}): Uint8Array {
  const v6 = isV6(o.src ?? '10.0.0.1', o.ipVersion);
  const dg = udpDatagram(o);
  return v6
    ? ipv6Packet({ src: o.src, dst: o.dst, nextHeader: 17, payload: dg })
    : ipv4Packet({ src: o.src, dst: o.dst, proto: 17, payload: dg, id: o.ipId });
}

// ----------------------------------------------------------------------------------------
// Fragmentation

/**
 * Split an IPv4 packet into fragments carrying at most `maxPayload` bytes (rounded down to a
 * multiple of 8) each, in order. Reorder or duplicate the result to test reassembly.
 */
export function fragmentIpv4(packet: Uint8Array, maxPayload: number): Uint8Array[] {
  const ihl = (packet[0] & 15) * 4;
  const payload = packet.subarray(ihl, ((packet[2] << 8) | packet[3]) || packet.length);
  const step = Math.max(8, maxPayload & ~7);
  const src = `${packet[12]}.${packet[13]}.${packet[14]}.${packet[15]}`;
  const dst = `${packet[16]}.${packet[17]}.${packet[18]}.${packet[19]}`;
  const id = (packet[4] << 8) | packet[5];
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += step) {
    const end = Math.min(payload.length, off + step);
    out.push(ipv4Packet({ src, dst, proto: packet[9], id, ttl: packet[8], payload: payload.subarray(off, end), fragmentOffset: off, mf: end < payload.length }));
  }
  return out;
}

/**
 * Split an IPv6 packet (no extension headers) into fragments with a Fragment header
 * (RFC 8200 section 4.5), each carrying at most `maxPayload` bytes (multiple of 8).
 */
export function fragmentIpv6(packet: Uint8Array, maxPayload: number, id = 0x12345678): Uint8Array[] {
  const next = packet[6];
  const payload = packet.subarray(40);
  const step = Math.max(8, maxPayload & ~7);
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += step) {
    const end = Math.min(payload.length, off + step);
    out.push(ipv6FragmentPacket(packet, next, off, end < payload.length, id, payload.subarray(off, end)));
  }
  return out;
}

/** One IPv6 fragment: the header of `base`, a Fragment header, and `data` at `offset`. */
export function ipv6FragmentPacket(base: Uint8Array, next: number, offset: number, more: boolean, id: number, data: Uint8Array): Uint8Array {
  const h = base.slice(0, 40);
  const fh = new Uint8Array(8);
  fh[0] = next;
  const fo = (offset & 0xfff8) | (more ? 1 : 0);
  fh[2] = fo >> 8;
  fh[3] = fo & 0xff;
  fh[4] = id >>> 24;
  fh[5] = (id >>> 16) & 0xff;
  fh[6] = (id >>> 8) & 0xff;
  fh[7] = id & 0xff;
  h[6] = 44;
  const plen = 8 + data.length;
  h[4] = plen >> 8;
  h[5] = plen & 0xff;
  return concat(h, fh, data);
}

// ----------------------------------------------------------------------------------------
// Link layers

function macBytes(m: string | undefined, dflt: string): Uint8Array {
  return Uint8Array.from((m ?? dflt).split(':').map((x) => parseInt(x, 16)));
}

function etherTypeOf(ip: Uint8Array): number {
  return ip.length && ip[0] >> 4 === 6 ? 0x86dd : 0x0800;
}

export interface EthernetOptions {
  src?: string;
  dst?: string;
  /** EtherType; default from the IP version nibble. */
  type?: number;
  /** VLAN id(s); several make a QinQ stack (outer first, tagged 0x88a8, inner 0x8100). */
  vlan?: number | number[];
  /** TPIDs to use for the tags instead (e.g. [0x9100, 0x8100]). */
  tpids?: number[];
  /** Pad to the 60-byte Ethernet minimum (what NICs do). Default true. */
  pad?: boolean;
}

/** LINKTYPE_ETHERNET (1) frame around `payload`. */
export function ethernet(payload: Uint8Array, o: EthernetOptions = {}): Uint8Array {
  const vlans = o.vlan === undefined ? [] : Array.isArray(o.vlan) ? o.vlan : [o.vlan];
  const w = new Writer(false);
  w.raw(macBytes(o.dst, '02:00:00:00:00:02')).raw(macBytes(o.src, '02:00:00:00:00:01'));
  vlans.forEach((v, i) => {
    const tpid = o.tpids?.[i] ?? (vlans.length > 1 && i === 0 ? 0x88a8 : 0x8100);
    w.u16(tpid).u16(v & 0x0fff);
  });
  w.u16(o.type ?? etherTypeOf(payload)).raw(payload);
  if (o.pad !== false) while (w.length < 60) w.u8(0);
  return w.bytes();
}

/** LINKTYPE_LINUX_SLL (113): 16-byte Linux cooked header. */
export function sll(payload: Uint8Array, o: { packetType?: number; protocol?: number; addr?: string } = {}): Uint8Array {
  const w = new Writer(false);
  const addr = macBytes(o.addr, '02:00:00:00:00:01');
  w.u16(o.packetType ?? 0).u16(1).u16(addr.length).raw(addr);
  for (let i = addr.length; i < 8; i++) w.u8(0);
  w.u16(o.protocol ?? etherTypeOf(payload)).raw(payload);
  return w.bytes();
}

/** LINKTYPE_LINUX_SLL2 (276): 20-byte Linux cooked v2 header. */
export function sll2(payload: Uint8Array, o: { protocol?: number; ifindex?: number; packetType?: number; addr?: string } = {}): Uint8Array {
  const w = new Writer(false);
  const addr = macBytes(o.addr, '02:00:00:00:00:01');
  w.u16(o.protocol ?? etherTypeOf(payload)).u16(0).u32(o.ifindex ?? 1).u16(1).u8(o.packetType ?? 0).u8(addr.length).raw(addr);
  for (let i = addr.length; i < 8; i++) w.u8(0);
  return concat(w.bytes(), payload);
}

/**
 * LINKTYPE_NULL (0) header — address family in the capturing host's byte order (default
 * little-endian, AF_INET6 = 30 as on macOS) — or LINKTYPE_LOOP (108) with `loop: true`
 * (always big-endian).
 */
export function nullLoop(payload: Uint8Array, o: { loop?: boolean; bigEndian?: boolean; af?: number } = {}): Uint8Array {
  const af = o.af ?? (payload.length && payload[0] >> 4 === 6 ? 30 : 2);
  const w = new Writer(!(o.loop || o.bigEndian));
  w.u32(af).raw(payload);
  return w.bytes();
}

// ----------------------------------------------------------------------------------------
// Classic pcap

export interface Frame {
  /** Capture time, µs since the epoch. */
  tsUs: number;
  /** Link-layer frame bytes. */
  data: Uint8Array;
  /** Length on the wire; default data.length (after any snaplen cut, the full length). */
  origLen?: number;
  /** Extra nanoseconds (0..999) for nanosecond pcap / pcapng ns interfaces. */
  extraNs?: number;
}

export interface PcapOptions {
  /** LINKTYPE_*; default 1 (Ethernet). May carry FCS bits in the upper bits. */
  linkType?: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  /** Header snaplen; frames longer than it are cut (origLen keeps the full length). Default 262144. */
  snaplen?: number;
  /** Kuznetzov's modified pcap (magic 0xa1b2cd34, 24-byte record headers). */
  modified?: boolean;
  /** Bytes after each standard 16-byte record header (old variants: Nokia 4, Red Hat 6.1 8, SuSE 6.3 with `modified` 4 more). */
  recordPad?: number;
}

/** A classic pcap file (libpcap 2.4). */
export function pcapFile(frames: Frame[], o: PcapOptions = {}): Uint8Array {
  const w = new Writer(!o.bigEndian);
  const snap = o.snaplen ?? 262144;
  w.u32(o.modified ? 0xa1b2cd34 : o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(snap).u32(o.linkType ?? 1);
  for (const f of frames) {
    const cap = f.data.length > snap ? f.data.subarray(0, snap) : f.data;
    const sec = Math.floor(f.tsUs / 1e6);
    const us = f.tsUs - sec * 1e6;
    w.u32(sec).u32(o.nanosecond ? us * 1000 + (f.extraNs ?? 0) : us).u32(cap.length).u32(f.origLen ?? f.data.length);
    if (o.modified) w.u32(1).u16(0x0800).u8(0).u8(0);
    for (let i = 0; i < (o.recordPad ?? 0); i++) w.u8(0);
    w.raw(cap);
  }
  return w.bytes();
}

// ----------------------------------------------------------------------------------------
// pcapng

export type PcapngOption = { code: number; value: Bytes };

export interface IdbSpec {
  type: 'idb';
  linkType?: number;
  snapLen?: number;
  name?: string;
  description?: string;
  /** if_tsresol byte: n = 10^-n s, 0x80|k = 2^-k s. Default: option absent (µs). */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: number;
  options?: PcapngOption[];
}

export interface EpbSpec {
  type: 'epb';
  interfaceId?: number;
  /** Capture time in µs, converted with the interface's if_tsresol/if_tsoffset. */
  tsUs?: number;
  extraNs?: number;
  /** Raw 64-bit timestamp in interface units (wins over tsUs). */
  ts?: bigint;
  data: Uint8Array;
  origLen?: number;
  comment?: string;
  options?: PcapngOption[];
  /** Obsolete Packet Block (type 2) instead of an EPB. */
  obsolete?: boolean;
}

export interface SpbSpec {
  type: 'spb';
  data: Uint8Array;
  origLen?: number;
}

/** Any other block, written as is: NRB 4, ISB 5, DSB 10, custom 0xbad… `body` is padded. */
export interface RawBlockSpec {
  type: 'raw';
  blockType: number;
  /** Block body (padded to 4 bytes), or a function of the section's byte order. */
  body?: Uint8Array | ((littleEndian: boolean) => Uint8Array);
  /** Write a wrong trailing length (for damage tests). */
  badTrailer?: boolean;
}

export type BlockSpec = IdbSpec | EpbSpec | SpbSpec | RawBlockSpec;

export interface SectionSpec {
  bigEndian?: boolean;
  comment?: string;
  hardware?: string;
  os?: string;
  userappl?: string;
  blocks: BlockSpec[];
}

/** Shorthands for pcapngFile blocks. */
export const idb = (o: Omit<IdbSpec, 'type'> = {}): IdbSpec => ({ type: 'idb', ...o });
export const epb = (f: Omit<EpbSpec, 'type'>): EpbSpec => ({ type: 'epb', ...f });
export const spb = (data: Uint8Array, origLen?: number): SpbSpec => ({ type: 'spb', data, origLen });
/** A Name Resolution Block with one IPv4 record and the end-of-records marker. */
export const nrb = (ip = '10.0.0.1', name = 'host.example'): RawBlockSpec => ({
  type: 'raw',
  blockType: 4,
  body: (le) => {
    const rec = concat(ipv4Bytes(ip), bytes(name + '\0'));
    return new Writer(le).u16(1).u16(rec.length).raw(rec).pad4().u16(0).u16(0).bytes();
  },
});
/** An Interface Statistics Block for interface `id` (timestamp 0, no options). */
export const isb = (id = 0): RawBlockSpec => ({ type: 'raw', blockType: 5, body: (le) => new Writer(le).u32(id).u32(0).u32(0).bytes() });
/** A Decryption Secrets Block (TLS key log). */
export const dsb = (text = 'CLIENT_RANDOM 00 00\n'): RawBlockSpec => ({
  type: 'raw',
  blockType: 10,
  body: (le) => new Writer(le).u32(0x544c534b).u32(text.length).raw(bytes(text)).bytes(),
});
/** A Custom Block (0x00000BAD) with a private enterprise number and data. */
export const customBlock = (data: Bytes = 'custom'): RawBlockSpec => ({ type: 'raw', blockType: 0x0bad, body: concat(Uint8Array.of(0, 0, 0x7e, 0x4f), bytes(data)) });

function writeOptions(w: Writer, opts: PcapngOption[]): void {
  if (!opts.length) return;
  for (const o of opts) {
    const v = bytes(o.value);
    w.u16(o.code).u16(v.length).raw(v).pad4();
  }
  w.u16(0).u16(0);
}

function block(le: boolean, type: number, body: (w: Writer) => void, badTrailer = false): Uint8Array {
  const w = new Writer(le);
  body(w);
  w.pad4();
  const inner = w.bytes();
  const out = new Writer(le);
  out.u32(type).u32(inner.length + 12).raw(inner).u32(inner.length + 12 + (badTrailer ? 4 : 0));
  return out.bytes();
}

/** Interface state the EPB writer needs to turn µs into interface units. */
interface IfaceUnits {
  resol: number;
  offset: number;
}

function toUnits(tsUs: number, extraNs: number, u: IfaceUnits): bigint {
  const us = BigInt(Math.round(tsUs)) - BigInt(u.offset) * 1000000n;
  const ns = us * 1000n + BigInt(extraNs);
  if (u.resol & 0x80) return (ns * (1n << BigInt(u.resol & 0x7f))) / 1000000000n;
  const n = u.resol;
  return n >= 9 ? ns * 10n ** BigInt(n - 9) : ns / 10n ** BigInt(9 - n);
}

/**
 * A pcapng file: one or more sections, each with its own byte order (default little-endian),
 * SHB options (comment, hardware, os, userappl) and blocks in the given order.
 */
export function pcapngFile(sections: SectionSpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of sections) {
    const le = !s.bigEndian;
    const shbOpts: PcapngOption[] = [];
    if (s.comment) shbOpts.push({ code: 1, value: s.comment });
    if (s.hardware) shbOpts.push({ code: 2, value: s.hardware });
    if (s.os) shbOpts.push({ code: 3, value: s.os });
    if (s.userappl) shbOpts.push({ code: 4, value: s.userappl });
    parts.push(block(le, 0x0a0d0d0a, (w) => {
      w.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n);
      writeOptions(w, shbOpts);
    }));
    const ifaces: IfaceUnits[] = [];
    for (const b of s.blocks) {
      switch (b.type) {
        case 'idb': {
          ifaces.push({ resol: b.tsresol ?? 6, offset: b.tsoffset ?? 0 });
          const opts: PcapngOption[] = [];
          if (b.name) opts.push({ code: 2, value: b.name });
          if (b.description) opts.push({ code: 3, value: b.description });
          if (b.tsresol !== undefined) opts.push({ code: 9, value: Uint8Array.of(b.tsresol) });
          if (b.tsoffset !== undefined) {
            const ow = new Writer(le);
            ow.u64(BigInt(b.tsoffset));
            opts.push({ code: 14, value: ow.bytes() });
          }
          opts.push(...(b.options ?? []));
          parts.push(block(le, 1, (w) => {
            w.u16(b.linkType ?? 1).u16(0).u32(b.snapLen ?? 0);
            writeOptions(w, opts);
          }));
          break;
        }
        case 'epb': {
          const id = b.interfaceId ?? 0;
          const units = b.ts ?? toUnits(b.tsUs ?? 0, b.extraNs ?? 0, ifaces[id] ?? { resol: 6, offset: 0 });
          const hi = Number(units >> 32n);
          const lo = Number(units & 0xffffffffn);
          const opts: PcapngOption[] = [];
          if (b.comment) opts.push({ code: 1, value: b.comment });
          opts.push(...(b.options ?? []));
          parts.push(block(le, b.obsolete ? 2 : 6, (w) => {
            if (b.obsolete) w.u16(id).u16(0);
            else w.u32(id);
            w.u32(hi).u32(lo).u32(b.data.length).u32(b.origLen ?? b.data.length).raw(b.data).pad4();
            writeOptions(w, opts);
          }));
          break;
        }
        case 'spb':
          parts.push(block(le, 3, (w) => {
            w.u32(b.origLen ?? b.data.length).raw(b.data);
          }));
          break;
        case 'raw': {
          const body = typeof b.body === 'function' ? b.body(le) : (b.body ?? new Uint8Array(0));
          parts.push(block(le, b.blockType, (w) => w.raw(body), b.badTrailer));
          break;
        }
      }
    }
  }
  return concat(...parts);
}

// ----------------------------------------------------------------------------------------
// TCP conversations

export interface Endpoint {
  ip: string;
  port: number;
}

export interface Exchange {
  dir: 'c2s' | 's2c';
  data: Bytes;
}

export interface ConversationOptions {
  client?: Endpoint;
  server?: Endpoint;
  exchanges: Exchange[];
  /** SYN, SYN-ACK, ACK first. Default true. */
  handshake?: boolean;
  /** FIN-ACK from the client, FIN-ACK from the server, last ACK. Default true. */
  teardown?: boolean;
  /** Time of the first packet, µs. Default 1_700_000_000_000_000. */
  startUs?: number;
  /** Time between packets, µs. Default 1000. */
  stepUs?: number;
  /** Largest payload per segment. Default 1460. */
  mss?: number;
  /** Initial sequence numbers. Defaults 1000 (client) and 5000 (server). */
  clientIsn?: number;
  serverIsn?: number;
  /** Wrap each IP packet in a link header; default Ethernet (pair with pcapFile's default linkType 1). */
  link?: (ip: Uint8Array) => Uint8Array;
}

/**
 * Frames of a realistic TCP conversation: handshake, data split at the MSS with correct
 * seq/ack (the receiver ACKs each burst unless it answers right away), FIN teardown.
 */
export function tcpConversation(o: ConversationOptions): Frame[] {
  const client = o.client ?? { ip: '10.0.0.1', port: 50000 };
  const server = o.server ?? { ip: '10.0.0.2', port: 80 };
  const link = o.link ?? ((ip: Uint8Array) => ethernet(ip));
  const mss = Math.max(1, o.mss ?? 1460);
  const step = o.stepUs ?? 1000;
  let t = o.startUs ?? 1_700_000_000_000_000;
  let cSeq = (o.clientIsn ?? 1000) >>> 0;
  let sSeq = (o.serverIsn ?? 5000) >>> 0;
  let ipId = 1;
  const frames: Frame[] = [];
  const send = (fromClient: boolean, flags: TcpFlags, payload?: Uint8Array) => {
    const a = fromClient ? client : server;
    const b = fromClient ? server : client;
    const seq = fromClient ? cSeq : sSeq;
    const ack = flags === 'S' ? 0 : fromClient ? sSeq : cSeq;
    const ip = tcpPacket({ src: a.ip, dst: b.ip, sport: a.port, dport: b.port, seq, ack, flags, payload, ipId: ipId++ });
    frames.push({ tsUs: t, data: link(ip) });
    t += step;
    const adv = (payload?.length ?? 0) + (/[SF]/.test(String(flags)) ? 1 : 0);
    if (fromClient) cSeq = (cSeq + adv) >>> 0;
    else sSeq = (sSeq + adv) >>> 0;
  };
  if (o.handshake !== false) {
    send(true, 'S');
    send(false, 'SA');
    send(true, 'A');
  }
  o.exchanges.forEach((x, i) => {
    const fromClient = x.dir === 'c2s';
    const data = bytes(x.data);
    for (let off = 0; off < data.length; off += mss) send(fromClient, 'PA', data.subarray(off, Math.min(data.length, off + mss)));
    const next = o.exchanges[i + 1];
    if (data.length && (!next || next.dir === x.dir)) send(!fromClient, 'A');
  });
  if (o.teardown !== false) {
    send(true, 'FA');
    send(false, 'FA');
    send(true, 'A');
  }
  return frames;
}
