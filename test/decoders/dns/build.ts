/**
 * Test helpers for the DNS decoder: a small message writer (names uncompressed, RFC 1035 §4.1),
 * sessions and decoders for UDP and TCP flows.
 */
import { spec, tcpSpec } from '../../../decoders/dns/index';
import type { DatagramDecoder, DecoderSession, FlowInfo, Position, StreamDecoder } from '../../../decoders/core/decoder';
import { testSession, type TestSession } from '../../helpers/session';

export function name(n: string): number[] {
  if (n === '.' || n === '') return [0];
  const out: number[] = [];
  for (const label of n.split('.')) {
    const b = Buffer.from(label, 'utf8');
    out.push(b.length, ...b);
  }
  out.push(0);
  return out;
}

const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

export interface RR {
  name: string;
  type: number;
  class?: number;
  ttl?: number;
  rdata: number[] | Uint8Array;
}

export interface Msg {
  id: number;
  /** The 16-bit flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  flags?: number;
  qd?: Array<[string, number, number?]>;
  an?: RR[];
  ns?: RR[];
  ar?: RR[];
  /** An OPT record (RFC 6891 §6.1.2) appended to the additional section. */
  opt?: { size?: number; extRcode?: number; version?: number; do?: boolean; options?: number[] };
}

export const QR = 0x8000;
export const AA = 0x0400;
export const TC = 0x0200;
export const RD = 0x0100;
export const RA = 0x0080;

function rr(r: RR): number[] {
  return [...name(r.name), ...u16(r.type), ...u16(r.class ?? 1), ...u32(r.ttl ?? 300), ...u16(r.rdata.length), ...r.rdata];
}

export function msg(m: Msg): Uint8Array {
  const qd = m.qd ?? [];
  const an = m.an ?? [];
  const ns = m.ns ?? [];
  const ar = [...(m.ar ?? [])];
  const out: number[] = [...u16(m.id), ...u16(m.flags ?? RD), ...u16(qd.length), ...u16(an.length), ...u16(ns.length), ...u16(ar.length + (m.opt ? 1 : 0))];
  for (const [n, t, c] of qd) out.push(...name(n), ...u16(t), ...u16(c ?? 1));
  for (const r of [...an, ...ns, ...ar]) out.push(...rr(r));
  if (m.opt) {
    const o = m.opt;
    const ttl = ((o.extRcode ?? 0) << 24) | ((o.version ?? 0) << 16) | (o.do ? 0x8000 : 0);
    const data = o.options ?? [];
    out.push(0, ...u16(41), ...u16(o.size ?? 1232), ...u32(ttl >>> 0), ...u16(data.length), ...data);
  }
  return Uint8Array.from(out);
}

export const ipv4 = (a: string) => a.split('.').map(Number);

export function query(id: number, qname: string, qtype = 1, extra: Partial<Msg> = {}): Uint8Array {
  return msg({ id, qd: [[qname, qtype]], opt: { size: 1232 }, ...extra });
}

export function answer(id: number, qname: string, qtype: number, an: RR[], extra: Partial<Msg> = {}): Uint8Array {
  return msg({ id, flags: QR | RD | RA, qd: [[qname, qtype]], an, ...extra });
}

/** TCP framing (RFC 1035 §4.2.2): the 2-byte length, then the message. */
export function framed(...msgs: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  for (const m of msgs) parts.push(...u16(m.length), ...m);
  return Uint8Array.from(parts);
}

export function pos(frame: number, tsUs = 1_000_000 + frame * 1000, streamOffset = 0): Position {
  return { frame, tsUs, streamOffset };
}

export function udpFlow(over: Partial<FlowInfo> = {}): Partial<FlowInfo> {
  return { transport: 'udp', client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.53', port: 53 }, ...over };
}

export function udp(flow: Partial<FlowInfo> = {}): { s: TestSession; d: DatagramDecoder } {
  const s = testSession({ flow: udpFlow(flow) });
  return { s, d: spec.create(s as DecoderSession) as DatagramDecoder };
}

export function tcp(flow: Partial<FlowInfo> = {}): { s: TestSession; d: StreamDecoder } {
  const s = testSession({ flow: { transport: 'tcp', client: { ip: '10.0.0.1', port: 40001 }, server: { ip: '10.0.0.53', port: 53 }, ...flow } });
  return { s, d: tcpSpec.create(s as DecoderSession) as StreamDecoder };
}
