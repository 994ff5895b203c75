/**
 * QUIC recognizer: names a QUIC connection and its version from the packet headers QUIC leaves in
 * the clear (RFC 9000 §17: long header — Initial, 0-RTT, Handshake, Retry — §17.2.1 Version
 * Negotiation, §17.3 short header; RFC 8999 invariants; RFC 9369 QUIC v2 packet types). The
 * Initial packets are opened (initial.ts: their keys come from the client's first Destination
 * Connection ID, RFC 9001 §5.2), which gives the ClientHello (server name, ALPN) and the
 * ServerHello (cipher suite); the rest needs the TLS secrets and stays encrypted.
 *
 * Reached on UDP port 443 (and 8443) and, on any port, by a probe on a client Initial: long
 * header with the fixed bit, a known version (1, 2, drafts 29–34), connection IDs of at most 20
 * bytes, lengths that fit, in a datagram of at least 1200 bytes (RFC 9000 §14.1). A capture that
 * starts after the handshake (short headers only) is not recognised. Hands off to nothing.
 *
 * One call per UDP flow, kind 'event', protocol 'quic', method 'QUIC connection', target the
 * server name from the ClientHello (else the server address), with the TLS fields the TLS decoder
 * gives (`tls.handshake.extensions_server_name`, `…alpn_str`, `…ciphersuite`), status the version (ok once the server answered; a Version Negotiation packet is
 * not ok), timing from the client's first Initial to its first short-header (1-RTT) packet, emitted
 * when the flow closes, with packet and byte counts each way.
 */
import type { CloseReason, DatagramDecoder, DecoderSession, DecoderSpec, Position, ProbeResult } from '../core/decoder';
import type { Call, Dir, StreamMessage } from '../core/model';
import { be32, toHex } from '../core/bytes';
import { cipherSuiteName, QUIC_PORTS } from '../tls/names';
import { parseClientHello, parseServerHello, type ClientHello, type ServerHello } from '../tls/hello';
import { CryptoStream, cryptoFrames, initialKeys, openInitial, varint, type InitialKeys } from './initial';

const V1 = 0x00000001;
const V2 = 0x6b3343cf;
const MAX_CID = 20;
const MAX_MESSAGES = 32;
const MAX_WARNINGS = 10;
const MAX_PACKETS_PER_DATAGRAM = 16;

export const QUIC_HINT =
  'encrypted: QUIC protects everything after its Initial packets; calls inside (HTTP/3…) are not visible: capture the service over TCP without TLS ' +
  '(HTTP/1.1, h2c) or record it in plain text with `callscope proxy --listen 127.0.0.1:PORT --target HOST:PORT`';

/** `QUIC v1`, `QUIC v2`, `draft-29`, … or hex. */
export function quicVersionName(v: number): string {
  if (v === V1) return 'QUIC v1';
  if (v === V2) return 'QUIC v2';
  if (v === 0) return 'version negotiation';
  if (v >>> 8 === 0xff0000) return `draft-${v & 0xff}`;
  if ((v & 0x0f0f0f0f) === 0x0a0a0a0a) return `reserved ${hex32(v)}`;
  return hex32(v);
}

const hex32 = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

function knownVersion(v: number): boolean {
  return v === V1 || v === V2 || (v >>> 0 >= 0xff00001d && v >>> 0 <= 0xff000022);
}

export type PacketType = 'Initial' | '0-RTT' | 'Handshake' | 'Retry' | 'Version Negotiation' | '1-RTT';

/** Long header packet type bits (RFC 9000 §17.2, RFC 9369 §3.2 for v2). */
function longType(version: number, bits: number): PacketType {
  if (version === V2) return (['Retry', 'Initial', '0-RTT', 'Handshake'] as const)[bits];
  return (['Initial', '0-RTT', 'Handshake', 'Retry'] as const)[bits];
}

export interface QuicPacket {
  type: PacketType;
  version?: number;
  dcid?: Uint8Array;
  scid?: Uint8Array;
  /** Bytes of this packet in the datagram. */
  size: number;
  /** Where the packet starts in the datagram. */
  start: number;
  /** Initial, 0-RTT, Handshake: where its (protected) packet number starts. */
  pnOffset?: number;
  /** Version Negotiation: the versions the server offers. */
  versions?: number[];
}

/**
 * The packets of one datagram (long-header packets may be coalesced, RFC 9000 §12.2; a short
 * header packet runs to the end). Stops at the first thing that does not fit, with a problem.
 */
export function parseDatagram(d: Uint8Array): { packets: QuicPacket[]; problem?: string } {
  const packets: QuicPacket[] = [];
  let o = 0;
  while (o < d.length && packets.length < MAX_PACKETS_PER_DATAGRAM) {
    const b0 = d[o];
    if (!(b0 & 0x80)) {
      packets.push({ type: '1-RTT', size: d.length - o, start: o });
      break;
    }
    if (o + 7 > d.length) return { packets, problem: `long header cut at byte ${o}` };
    const version = be32(d, o + 1);
    const dl = d[o + 5];
    if (dl > (version === V1 || version === V2 ? MAX_CID : 255) || o + 6 + dl + 1 > d.length) return { packets, problem: `destination connection ID length ${dl} does not fit` };
    const dcid = d.subarray(o + 6, o + 6 + dl);
    let p = o + 6 + dl;
    const sl = d[p];
    if (sl > (version === V1 || version === V2 ? MAX_CID : 255) || p + 1 + sl > d.length) return { packets, problem: `source connection ID length ${sl} does not fit` };
    const scid = d.subarray(p + 1, p + 1 + sl);
    p += 1 + sl;
    if (version === 0) {
      const versions: number[] = [];
      for (let i = p; i + 4 <= d.length && versions.length < 64; i += 4) versions.push(be32(d, i));
      packets.push({ type: 'Version Negotiation', version, dcid, scid, size: d.length - o, versions, start: o });
      break;
    }
    if (!(b0 & 0x40)) return { packets, problem: 'long header without the fixed bit' };
    const type = longType(version, (b0 >> 4) & 3);
    if (type === 'Retry') {
      packets.push({ type, version, dcid, scid, size: d.length - o, start: o });
      break;
    }
    if (type === 'Initial') {
      const t = varint(d, p);
      if (!t || p + t[1] + t[0] > d.length) return { packets, problem: 'Initial token length does not fit' };
      p += t[1] + t[0];
    }
    const len = varint(d, p);
    if (!len || p + len[1] + len[0] > d.length) return { packets, problem: `${type} packet length does not fit in the datagram` };
    const end = p + len[1] + len[0];
    packets.push({ type, version, dcid, scid, size: end - o, start: o, pnOffset: p + len[1] });
    o = end;
  }
  return { packets };
}

/** A client Initial (or, from the server's side, an Initial/Handshake/Retry) whose lengths fit. */
export function probeQuic(head: Uint8Array, dir: Dir): ProbeResult {
  if (head.length < 7 || (head[0] & 0xc0) !== 0xc0) return 'reject';
  const version = be32(head, 1);
  if (!knownVersion(version)) return 'reject';
  const { packets } = parseDatagram(head);
  const first = packets[0];
  if (!first) return 'reject';
  if (dir === 'c2s') return first.type === 'Initial' && head.length >= 1200 && (first.dcid?.length ?? 0) >= 8 ? 'accept' : 'reject';
  return first.type === 'Initial' || first.type === 'Handshake' || first.type === 'Retry' ? 'accept' : 'reject';
}

interface Side {
  packets: number;
  bytes: number;
  first?: Position;
  firstShort?: Position;
  shortSeen: boolean;
}

class QuicDecoder implements DatagramDecoder {
  private side: Record<Dir, Side> = { c2s: { packets: 0, bytes: 0, shortSeen: false }, s2c: { packets: 0, bytes: 0, shortSeen: false } };
  private call?: Call;
  private version?: number;
  private clientInitial?: { at: Position; dcid: string; scid: string };
  private serverScid?: string;
  private serverAnswered = false;
  private retry = false;
  private vn?: number[];
  private types = new Set<PacketType>();
  private last?: Position;
  private messages: StreamMessage[] = [];
  private index: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private warnings: string[] = [];
  private dead = false;
  /** Initial packets opened (RFC 9001 §5.2): keys from the client's first DCID (after a Retry, the next one). */
  private keys?: { version: number; dcid: string; c2s: InitialKeys; s2c: InitialKeys };
  private crypto: Record<Dir, CryptoStream> = { c2s: new CryptoStream(), s2c: new CryptoStream() };
  private opened: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private openProblem: Record<Dir, boolean> = { c2s: false, s2c: false };
  private clientHello?: ClientHello;
  private serverHello?: ServerHello;

  constructor(private readonly session: DecoderSession) {}

  datagram(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead) return;
    try {
      this.onDatagram(dir, bytes, at);
    } catch (e) {
      this.session.warn(`quic: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  private onDatagram(dir: Dir, d: Uint8Array, at: Position): void {
    const s = this.side[dir];
    if (!this.call) {
      const c = this.session.newCall('quic', at);
      c.kind = 'event';
      c.method = 'QUIC connection';
      this.call = c;
    }
    s.packets++;
    s.bytes += d.length;
    s.first ??= at;
    this.last = at;
    const { packets, problem } = parseDatagram(d);
    // Frames worth jumping to: long-header packets and each side's first short-header packet.
    const notable = packets.some((p) => p.type !== '1-RTT') || (!s.shortSeen && packets.length > 0);
    if (notable && this.call.frames.length < 64 && !this.call.frames.includes(at.frame)) this.call.frames.push(at.frame);
    if (problem) this.warn(`${dir} frame ${at.frame}: ${problem}`);
    for (const p of packets) {
      this.types.add(p.type);
      if (p.type === '1-RTT') {
        if (!s.shortSeen) {
          s.shortSeen = true;
          s.firstShort = at;
          this.message(dir, at, p.size, '1-RTT (short header, first packet)');
        }
        continue;
      }
      this.message(dir, at, p.size, p.type);
      if (p.type === 'Version Negotiation') {
        if (dir === 's2c') this.vn ??= p.versions;
        continue;
      }
      if (p.version !== undefined && this.version === undefined) this.version = p.version;
      if (p.type === 'Initial' && p.version !== undefined) this.openInitialPacket(dir, d, p, at);
      if (dir === 'c2s' && p.type === 'Initial' && !this.clientInitial) this.clientInitial = { at, dcid: toHex(p.dcid ?? new Uint8Array(0)), scid: toHex(p.scid ?? new Uint8Array(0)) };
      if (dir === 's2c') {
        if (p.type === 'Retry') {
          this.retry = true;
          // (the client's next Initial goes to the Retry's connection ID: keys from that one)
          this.keys = undefined;
        }
        else this.serverAnswered = true;
        if (this.serverScid === undefined && p.scid) this.serverScid = toHex(p.scid);
      }
    }
    if (dir === 's2c' && packets.some((p) => p.type === '1-RTT')) this.serverAnswered = true;
  }

  /** Open an Initial packet and read the hellos from its CRYPTO frames. */
  private openInitialPacket(dir: Dir, d: Uint8Array, p: QuicPacket, at: Position): void {
    const c = this.session.env.crypto;
    if (!c?.aesEncryptBlock || (dir === 'c2s' ? this.clientHello : this.serverHello)) return;
    const dcid = toHex(p.dcid ?? new Uint8Array(0));
    // The client's first Initial names the DCID the keys come from; after a Retry its next one does
    // (the server's Initials use the same keys' server half).
    if (dir === 'c2s' && (!this.keys || this.keys.version !== p.version)) {
      const c2s = initialKeys(c, p.version!, p.dcid ?? new Uint8Array(0), false);
      const s2c = initialKeys(c, p.version!, p.dcid ?? new Uint8Array(0), true);
      if (c2s && s2c) this.keys = { version: p.version!, dcid, c2s, s2c };
    }
    if (!this.keys || this.keys.version !== p.version) return;
    const r = openInitial(c, this.keys[dir], d, p.start, p.pnOffset!, p.start + p.size);
    if ('problem' in r) {
      if (!this.openProblem[dir]) this.warn(`${dir} Initial packet (frame ${at.frame}) not opened: ${r.problem}`);
      this.openProblem[dir] = true;
      return;
    }
    this.opened[dir]++;
    const { frames, problem } = cryptoFrames(r.payload);
    if (problem) this.warn(`${dir} Initial packet (frame ${at.frame}): ${problem}`);
    const stream = this.crypto[dir];
    for (const f of frames) stream.add(f.offset, f.data);
    if (dir === 'c2s') {
      const body = stream.message(1);
      if (body) this.clientHello = parseClientHello(body);
    } else {
      const body = stream.message(2);
      if (body) this.serverHello = parseServerHello(body);
    }
  }

  close(_at: Position, how: CloseReason = 'capture-end'): void {
    if (this.dead || !this.call) return;
    const c = this.call;
    this.call = undefined;
    const { c2s, s2c } = this.side;
    const f = c.fields;
    const server = c.server.ip.includes(':') ? `[${c.server.ip}]:${c.server.port}` : `${c.server.ip}:${c.server.port}`;
    const ch = this.clientHello;
    const sh = this.serverHello;
    c.target = ch?.serverName ?? server;
    if (ch?.serverName !== undefined) f['tls.handshake.extensions_server_name'] = ch.serverName;
    if (ch?.alpn?.length) f['tls.handshake.extensions_alpn_str'] = ch.alpn.join(',');
    if (sh && sh.cipherSuite >= 0) f['tls.handshake.ciphersuite'] = cipherSuiteName(sh.cipherSuite);
    if (sh?.alpn) f['tls.handshake.extensions_alpn_selected'] = sh.alpn;
    if (this.opened.c2s || this.opened.s2c) {
      f['quic.initial_opened_c2s'] = this.opened.c2s;
      f['quic.initial_opened_s2c'] = this.opened.s2c;
    }
    if (this.opened.c2s && !ch) this.warn(this.crypto.c2s.overflow ? 'ClientHello larger than the 64 KiB kept of the CRYPTO stream' : "the client's Initial packets opened, but its ClientHello is not whole in them (a packet missing from the capture)");
    if (this.clientInitial) c.timing.startUs = this.clientInitial.at.tsUs;
    if (s2c.first) c.timing.responseStartUs = s2c.first.tsUs;
    const end = c2s.firstShort ?? this.last;
    if (end && end.tsUs >= c.timing.startUs) c.timing.endUs = end.tsUs;
    if (this.version !== undefined) f['quic.version'] = hex32(this.version);
    if (this.clientInitial) {
      f['quic.dcid'] = this.clientInitial.dcid;
      f['quic.scid'] = this.clientInitial.scid;
    }
    if (this.serverScid !== undefined) f['quic.server_scid'] = this.serverScid;
    f['quic.packet_types'] = [...this.types].join(',');
    if (this.retry) f['quic.retry'] = true;
    if (this.vn) f['quic.supported_versions'] = this.vn.map(hex32).join(',');
    f['quic.c2s_packets'] = c2s.packets;
    f['quic.s2c_packets'] = s2c.packets;
    f['quic.c2s_bytes'] = c2s.bytes;
    f['quic.s2c_bytes'] = s2c.bytes;
    if (this.vn && !this.serverAnswered) c.status = { code: 'version negotiation', text: `server offers ${this.vn.map(quicVersionName).join(', ')}`, ok: false };
    else if (this.serverAnswered && this.version !== undefined) c.status = { code: quicVersionName(this.version), ok: true };
    if (!this.clientInitial) {
      c.state = 'incomplete';
      this.warn("the client's Initial packet is not in the capture");
    } else if (this.serverAnswered || this.vn) c.state = 'complete';
    else {
      c.state = how === 'capture-end' ? 'pending' : 'aborted';
      this.warn('no answer from the server');
    }
    if (this.messages.length) c.messages = this.messages;
    c.warnings.push(...this.warnings);
    if (this.serverAnswered || c2s.shortSeen) c.warnings.push(QUIC_HINT);
    this.session.emit(c);
  }

  private message(dir: Dir, at: Position, size: number, label: string): void {
    const index = this.index[dir]++;
    if (this.messages.length >= Math.min(MAX_MESSAGES, this.session.env.limits.maxMessagesPerCall)) return;
    this.messages.push({ dir, index, tsUs: at.tsUs, size, frame: at.frame, label });
  }

  private warn(text: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(text);
    else if (this.warnings.length === MAX_WARNINGS) this.warnings.push('further QUIC warnings on this flow left out');
  }
}

export const spec: DecoderSpec = {
  id: 'quic',
  name: 'QUIC',
  transport: 'udp',
  ports: QUIC_PORTS,
  probeOrder: 25,
  probe: probeQuic,
  create: (session) => new QuicDecoder(session),
};
