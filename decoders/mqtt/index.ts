/**
 * MQTT 3.1 / 3.1.1 (OASIS mqtt-v3.1.1) and 5.0 (OASIS mqtt-v5.0).
 *
 * Reached on port 1883 (and 1884) or by probe on a CONNECT packet whose protocol name is
 * "MQTT" (level 4 or 5) or "MQIsdp" (level 3). The version from CONNECT selects the packet
 * layouts of the connection (5.0 adds properties and reason codes); without a CONNECT in the
 * capture 3.1.1 is assumed.
 *
 * Written here rather than on mqtt-packet: that parser builds node `Buffer`s (through `bl`),
 * which the platform-neutral decoders may not use; MQTT framing is small enough to own.
 *
 * Calls: CONNECT+CONNACK, SUBSCRIBE+SUBACK, UNSUBSCRIBE+UNSUBACK → 'unary'; PINGREQ+PINGRESP →
 * 'event'; PUBLISH from the client → 'publish', from the broker → 'deliver', with its QoS 1
 * (PUBACK) or QoS 2 (PUBREC → PUBREL → PUBCOMP) handshake paired by packet identifier per
 * direction; DISCONNECT and AUTH → 'event'. Topic aliases (5.0) are resolved per direction.
 *
 * Capture gaps (snaplen, loss; see gap()): a packet cut by a gap keeps its fixed header, topic and
 * packet identifier as far as captured (a PUBLISH cut before its identifier is paired with its
 * acknowledgement by order, §4.6, when no gap may have swallowed one), and the remaining length says
 * where the next starts; a gap over a boundary resynchronises on the next plausible fixed header.
 */
import type { CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import { scanForStart } from '../core/resync';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir } from '../core/model';
import { DirStream, addFrames } from '../calls/stream';
import { PayloadBuffer, payloadBody } from '../calls/payload';
import { CONNACK_V3, MqttReader, PACKET_TYPES, REASONS, binText, readProps, sniffVersion, type Props } from './wire';
import { utf8Strict, utf8Text } from '../core/bytes';
import { GapNotes, isUtf8 } from '../core/gap-notes';
import { rolesBackwards, type Side } from '../core/roles';

const MAX_REMAINING = 268_435_455;
/** Bytes looked at per data event while resynchronising after a gap. */
const RESYNC_WINDOW = 64 * 1024;

/** A packet cut by a capture gap: what was captured of its `total` bytes. */
interface Cut {
  captured: number;
  total: number;
}

/** The fixed header at the head of `b` (MQTT 3.1.1 §2.2): type, flags, remaining length and header size; undefined when cut short, null when invalid. */
function fixedHeader(b: Uint8Array, i = 0): { type: number; flags: number; len: number; hdr: number } | undefined | null {
  if (b.length - i < 2) return undefined;
  let len = 0;
  let mul = 1;
  for (let k = 1; k <= 4; k++) {
    if (i + k >= b.length) return undefined;
    const c = b[i + k];
    if (k > 1 && c === 0) return null; // §1.5.5: the encoding uses the fewest bytes
    len += (c & 0x7f) * mul;
    mul *= 128;
    if (!(c & 0x80)) return { type: b[i] >> 4, flags: b[i] & 15, len, hdr: k + 1 };
  }
  return null;
}

export function probeMqtt(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  if (head.length < 1) return 'need-more';
  if (head[0] !== 0x10) return 'reject';
  // remaining length
  let i = 1;
  for (; i < 5; i++) {
    if (i >= head.length) return 'need-more';
    if (!(head[i] & 0x80)) break;
  }
  if (i === 5) return 'reject';
  i++;
  if (head.length < i + 2) return 'need-more';
  const n = (head[i] << 8) | head[i + 1];
  if (n !== 4 && n !== 6) return 'reject';
  if (head.length < i + 2 + n + 1) return 'need-more';
  const name = String.fromCharCode(...head.subarray(i + 2, i + 2 + n));
  const level = head[i + 2 + n];
  if (name === 'MQTT' && (level === 4 || level === 5)) return 'accept';
  if (name === 'MQIsdp' && level === 3) return 'accept';
  return 'reject';
}

/** Packets a mid-connection probe walks before deciding. */
const MID_PROBE_PACKETS = 8;

/**
 * A topic name's bytes (§4.7: no wildcards in a topic name; control characters are not topics anyone
 * writes) as valid UTF-8 (§1.5.3); `cut`: the bytes end inside the name, where a character may be cut.
 */
function topicNameOk(topic: Uint8Array, cut: boolean): boolean {
  for (const c of topic) if (c < 0x20 || c === 0x7f || c === 0x23 || c === 0x2b) return false;
  return isUtf8(topic, cut);
}

/** Who may send a packet type: CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ only clients (§3.1, §3.8, §3.10, §3.12); CONNACK, SUBACK, UNSUBACK and PINGRESP only servers. */
function packetSide(type: number): Side | undefined {
  if (type === 1 || type === 8 || type === 10 || type === 12) return 'client';
  if (type === 2 || type === 9 || type === 11 || type === 13) return 'server';
  return undefined;
}

/**
 * Whether a whole packet whose fixed flags are valid (fixedFlagsValid), its body `b`, is one the
 * specification allows (§3.x minimum lengths, non-zero packet identifiers): 'topic' for a PUBLISH with a
 * printable UTF-8 topic name (the strongest sign), true, or false.
 */
function plausiblePacket(type: number, flags: number, b: Uint8Array): boolean | 'topic' {
  const n = b.length;
  const id = n >= 2 ? (b[0] << 8) | b[1] : 0;
  switch (type) {
    case 1:
      return n >= 10;
    case 2:
      return n >= 2 && b[0] <= 1;
    case 3: {
      const qos = (flags >> 1) & 3;
      if (n < 2) return false;
      const tl = (b[0] << 8) | b[1];
      if (n < 2 + tl + (qos ? 2 : 0)) return false;
      if (qos && ((b[2 + tl] << 8) | b[3 + tl]) === 0) return false;
      if (tl === 0) return true; // 5.0: a topic alias instead
      return topicNameOk(b.subarray(2, 2 + tl), false) ? 'topic' : false;
    }
    case 4:
    case 5:
    case 6:
    case 7:
      return id !== 0 && ackTail(b);
    case 8:
      return n >= 5 && id !== 0;
    case 10:
      return n >= 4 && id !== 0;
    case 9:
      return n >= 3 && id !== 0;
    case 11:
      return n >= 2 && id !== 0;
    case 12:
    case 13:
      return n === 0;
    case 14:
    case 15:
      return true;
    default:
      return false;
  }
}

/**
 * After a PUBACK/PUBREC/PUBREL/PUBCOMP's packet identifier: nothing (3.1.1 §3.4), or a 5.0 reason
 * code of the table (§3.4.2.1) and a property length that ends the packet (§3.4.2.2).
 */
function ackTail(b: Uint8Array): boolean {
  if (b.length === 2) return true;
  if (![0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x92, 0x97].includes(b[2])) return false;
  return b.length === 3 || (b[3] < 0x80 && b.length === 4 + b[3]);
}

/** The flags a packet type must have (§2.2.2): 0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0000 for the others but PUBLISH (no QoS 3). */
function fixedFlagsValid(type: number, flags: number): boolean {
  if (type === 3) return (flags & 6) !== 6;
  if (type === 0) return false;
  return flags === (type === 6 || type === 8 || type === 10 ? 2 : 0);
}

/**
 * A head that starts mid-connection: packets walked from its first byte, each a valid fixed header
 * and a body its type allows. On the MQTT port one whole packet decides (a PINGREQ of a quiet
 * connection is all a capture may have); elsewhere a PUBLISH with a printable topic name that ends
 * where the head ends or is followed by another valid packet, or three valid packets in a row of
 * more than one type.
 */
export function probeMqttMidstream(head: Uint8Array, byPort: boolean): 'accept' | 'reject' | 'need-more' {
  let i = 0;
  let packets = 0;
  let topic = false;
  // (three packets of one type prove little: a run of 0x70 bytes reads as PUBCOMPs)
  const types = new Set<number>();
  for (let k = 0; k < MID_PROBE_PACKETS; k++) {
    if (i === head.length) return packets && (byPort || topic) ? 'accept' : 'need-more';
    const fh = fixedHeader(head, i);
    if (fh === null || (fh && !fixedFlagsValid(fh.type, fh.flags))) return 'reject';
    if (fh === undefined || head.length < i + fh.hdr + fh.len) {
      // A packet longer than a head holds: its start decides on the port, after whole ones elsewhere.
      if (fh && fh.hdr + fh.len > 4096 && (fh.type === 3 || fh.type === 1) && (byPort || topic)) return 'accept';
      return 'need-more';
    }
    const ok = plausiblePacket(fh.type, fh.flags, head.subarray(i + fh.hdr, i + fh.hdr + fh.len));
    if (!ok) return 'reject';
    packets++;
    types.add(fh.type);
    if (ok === 'topic') topic = true;
    i += fh.hdr + fh.len;
    if (byPort || (topic && packets >= 2) || (packets >= 3 && types.size >= 2)) return 'accept';
  }
  return 'reject';
}

/** Who sent the packets at the start of a head (packetSide). */
function mqttSides(head: Uint8Array): Set<Side> {
  const sides = new Set<Side>();
  for (let i = 0, k = 0; k < MID_PROBE_PACKETS; k++) {
    const fh = fixedHeader(head, i);
    if (!fh || !fixedFlagsValid(fh.type, fh.flags)) break;
    const side = packetSide(fh.type);
    if (side) sides.add(side);
    i += fh.hdr + fh.len;
  }
  return sides;
}

interface PendingPub {
  call: Call;
  qos: number;
  stage: 'sent' | 'rec' | 'rel';
  /** Order of the PUBLISH among those of its direction. */
  seq?: number;
}

/**
 * In sending order, the QoS 1/2 PUBLISHes of one direction that were cut before their packet
 * identifier, and barriers where a gap may have swallowed whole PUBLISHes (for the QoS levels whose
 * acknowledgements have not shown since that everything before the barrier was acknowledged).
 */
type Unpaired = { call: Call; qos: number; seq: number; uncertain: boolean } | { barrier: Set<number>; seq: number };

interface Packet {
  type: number;
  flags: number;
  body: Uint8Array;
  start: Position;
  end: Position;
  frames: number[];
  wire: number;
}

class MqttDecoder implements StreamDecoder {
  private s = { c2s: new DirStream(), s2c: new DirStream() };
  private lost = { c2s: false, s2c: false };
  /** A gap lost the packet boundary: look for the next plausible fixed header. */
  private resync = { c2s: false, s2c: false };
  /** Nothing consumed since the gap that started the resynchronisation: the head is the first byte after it. */
  private afterGap = { c2s: false, s2c: false };
  /** A gap was seen in this direction: a bad packet is a false start of a resynchronisation, not the end. */
  private gapped = { c2s: false, s2c: false };
  /** The packet being handled was cut by a gap. */
  private cut?: Cut;
  private readonly notes: GapNotes;
  private version = 4;
  /** False until a CONNECT sets the version, or a packet only one version's layout fits (mid-connection capture). */
  private versionKnown = false;
  private connect?: Call;
  private pubs = { c2s: new Map<number, PendingPub>(), s2c: new Map<number, PendingPub>() };
  /** QoS 1/2 PUBLISHes cut before their packet identifier, and gap barriers (paired with their acknowledgement by order). */
  private unpaired: Record<Dir, Unpaired[]> = { c2s: [], s2c: [] };
  /** PUBLISHes seen per direction (their order). */
  private seq: Record<Dir, number> = { c2s: 0, s2c: 0 };
  /** Gaps that lost a packet boundary, both directions. */
  private losses = 0;
  private reqs = new Map<string, Call>(); // 'SUBSCRIBE:12' → call
  private pings: Call[] = [];
  private aliases = { c2s: new Map<number, string>(), s2c: new Map<number, string>() };
  private dead = false;

  constructor(private readonly session: DecoderSession) {
    this.notes = new GapNotes(session, 'mqtt: ');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead || this.lost[dir]) return;
    this.s[dir].push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`mqtt: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  /**
   * Bytes not captured (snaplen, loss). Inside a packet whose fixed header was captured the remaining
   * length says where the next one starts: the packet is decoded from its captured head (fixed header,
   * topic and packet identifier when they were captured) and framing resumes after it. A gap that
   * swallows a boundary makes the direction resynchronise on the next plausible fixed header.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead || this.lost[dir]) return;
    this.gapped[dir] = true;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.session.warn(`mqtt: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const st = this.s[dir];
    if (st.discard > 0) {
      const past = st.gapWhileDiscarding(length);
      if (past) this.lose(dir, past, at, 'past the end of the packet they cut');
      return;
    }
    if (this.resync[dir] && !this.findHeader(dir, true)) {
      st.reset();
      this.afterGap[dir] = true; // what comes next starts right after this gap
      return;
    }
    const q = st.q;
    const h = q.length >= 2 ? fixedHeader(q.peek(Math.min(q.length, 5))) : undefined;
    if (h && h.type !== 0 && h.len <= MAX_REMAINING && h.hdr + h.len > q.length) {
      const have = q.length;
      const total = h.hdr + h.len;
      const whole = q.peek(have);
      const pkt: Packet = { type: h.type, flags: h.flags, body: whole.subarray(h.hdr), start: st.pos(0), end: st.pos(have - 1), frames: st.frames(0, have), wire: total };
      st.reset();
      this.cut = { captured: have, total };
      try {
        this.packet(dir, pkt);
      } finally {
        this.cut = undefined;
      }
      const past = st.gapOver(total - have, length);
      if (past) this.lose(dir, past, at, 'past the end of the packet they cut');
      return;
    }
    this.lose(dir, length, at, q.length ? 'inside a fixed header' : 'at a packet boundary');
  }

  /** The framing of `dir` is lost: drop what is buffered and wait for a plausible fixed header. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    const lost = length + this.s[dir].q.length;
    this.s[dir].reset();
    this.resync[dir] = true;
    this.afterGap[dir] = true;
    this.losses++;
    // Whole PUBLISHes of `dir` may be gone: a barrier for order pairing. Acknowledgements of the
    // other direction's PUBLISHes may be gone: those waiting for one by order are uncertain.
    // (A PUBLISH takes at least 5 bytes, an acknowledgement 4: shorter holes hide neither.)
    if (lost >= 5) this.unpaired[dir].push({ barrier: new Set([1, 2]), seq: this.seq[dir] + 0.5 });
    if (lost >= 4) for (const u of this.unpaired[dir === 'c2s' ? 's2c' : 'c2s']) if (!('barrier' in u)) u.uncertain = true;
    if (dir === 's2c') this.loseAnswers(at);
    this.notes.lost(dir, length, `${length} bytes missing (${dir}) ${where}; decoding resumes at the next plausible fixed header`, at);
  }

  /**
   * Packets of the broker were lost whole: a PINGRESP among them would answer a waiting PINGREQ, and
   * the next one seen would be paired with the wrong request. Those waiting are given up on.
   */
  private loseAnswers(at: Position): void {
    for (const c of this.pings.splice(0)) {
      c.state = 'incomplete';
      c.warnings.push('no PINGRESP in the capture (bytes of the broker side were not captured)');
      this.session.emit(c);
    }
    void at;
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first offset where a plausible fixed header
   * starts (true: it is at the head now) or may start once more bytes come (false).
   */
  private findHeader(dir: Dir, final: boolean): boolean {
    const st = this.s[dir];
    const r = scanForStart({ get length() { return st.q.length; }, view: (n) => st.q.peek(n), consume: (n) => st.consume(n) }, this.afterGap[dir], final, (b, i, fin, strict) => this.plausible(dir, b, i, fin, strict), RESYNC_WINDOW);
    this.afterGap[dir] = r.afterGap;
    if (r.found) this.resync[dir] = false;
    return r.found;
  }

  /**
   * Whether a packet can start at b[i] (MQTT 3.1.1 §2.2, 5.0 §2.1: packet types, their fixed flags and
   * direction, the remaining length and what the variable header must hold). `strict` (not the first
   * byte after a gap) accepts only packets that say more than a type and a length: a PUBLISH with a
   * readable topic, a CONNECT, an acknowledgement of a PUBLISH still waiting for one.
   */
  private plausible(dir: Dir, b: Uint8Array, i: number, final: boolean, strict: boolean): 'yes' | 'no' | 'more' {
    const short = final ? 'no' : 'more';
    const h = fixedHeader(b, i);
    if (h === null) return 'no';
    if (h === undefined) return b.length - i >= 5 ? 'no' : short;
    const { type, flags, len, hdr } = h;
    const v5 = this.version === 5;
    const side = packetSide(type);
    if ((type === 15 && !v5) || (side === 'client' && dir !== 'c2s') || (side === 'server' && dir !== 's2c')) return 'no';
    if (!fixedFlagsValid(type, flags)) return 'no';
    const body = i + hdr;
    const have = b.length - body;
    if (type >= 4 && type <= 7) {
      if (v5 ? len < 2 || len > 4096 : len !== 2) return 'no';
      if (!strict) return 'yes';
      if (have < 2) return short;
      const id = (b[body] << 8) | b[body + 1];
      const senderDir: Dir = type === 6 ? dir : dir === 'c2s' ? 's2c' : 'c2s';
      return this.pubs[senderDir].has(id) ? 'yes' : 'no';
    }
    if (type === 12 || type === 13) return len === 0 && !strict ? 'yes' : 'no';
    if (type === 14) return (v5 ? len <= 4096 : len === 0) && !strict ? 'yes' : 'no';
    if (type === 2) return (v5 ? len >= 2 && len <= 4096 : len === 2) && !strict ? 'yes' : 'no';
    if (type === 9 || type === 11) return len >= (type === 9 ? 3 : 2) && len <= 65536 && !strict ? 'yes' : 'no';
    if (type === 1) {
      if (len < 10) return 'no';
      if (have < 2) return short;
      const n = (b[body] << 8) | b[body + 1];
      if (n !== 4 && n !== 6) return 'no';
      if (have < 2 + n) return final ? 'yes' : 'more';
      const name = String.fromCharCode(...b.subarray(body + 2, body + 2 + n));
      return name === 'MQTT' || name === 'MQIsdp' ? 'yes' : 'no';
    }
    if (type === 8 || type === 10) {
      if (len < (type === 8 ? 5 : 4)) return 'no';
      return strict ? 'no' : 'yes';
    }
    if (type === 15) return strict ? 'no' : 'yes';
    // PUBLISH: topic name (length and UTF-8 text), packet identifier when QoS > 0.
    const qos = (flags >> 1) & 3;
    if (have < 2) return short;
    const tl = (b[body] << 8) | b[body + 1];
    if (2 + tl + (qos ? 2 : 0) > len || (tl === 0 && !v5)) return 'no';
    // (Bounded: the first 256 bytes of a topic say enough.)
    const avail = Math.min(tl, have - 2);
    const seen = Math.min(avail, 256);
    if (!topicNameOk(b.subarray(body + 2, body + 2 + seen), seen < tl)) return 'no';
    if (avail < tl && seen === avail) return final ? (seen >= 3 || !strict ? 'yes' : 'no') : 'more';
    return !strict || tl >= 3 ? 'yes' : 'no';
  }

  end(): void {}

  close(_at: Position, how?: CloseReason): void {
    const left = leftWaiting(how, 'reply', 'no reply before the end of the capture');
    const open: Call[] = [];
    if (this.connect) open.push(this.connect);
    for (const m of [this.pubs.c2s, this.pubs.s2c]) for (const p of m.values()) open.push(p.call);
    for (const d of ['c2s', 's2c'] as Dir[]) for (const u of this.unpaired[d].splice(0)) if ('call' in u) this.giveUpUnpaired(u.call);
    open.push(...this.reqs.values(), ...this.pings);
    open.sort((a, b) => a.id - b.id);
    for (const c of open) {
      c.state = left.state;
      c.warnings.push(left.warning);
      this.session.emit(c);
    }
    this.connect = undefined;
    this.pubs.c2s.clear();
    this.pubs.s2c.clear();
    this.reqs.clear();
    this.pings = [];
    this.notes.summary(_at);
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    const lim = this.session.env.limits;
    while (!this.lost[dir] && q.length >= 2) {
      if (this.resync[dir] && !this.findHeader(dir, false)) return;
      if (q.length < 2) return;
      let len = 0;
      let mul = 1;
      let i = 1;
      for (; ; i++) {
        if (i > 4 && this.gapped[dir]) break;
        if (i > 4) {
          this.session.warn(`mqtt: remaining length longer than 4 bytes (${dir}); the rest of this direction is not decoded`, st.pos(0));
          this.lost[dir] = true;
          st.reset();
          return;
        }
        if (i >= q.length) return;
        const c = q.at(i);
        len += (c & 0x7f) * mul;
        mul *= 128;
        if (!(c & 0x80)) break;
      }
      const hdr = i + 1;
      const first = q.at(0);
      const type = first >> 4;
      if ((i > 4 || type === 0 || len > MAX_REMAINING) && this.gapped[dir]) {
        // A resynchronisation after a gap started on bytes that only looked like a packet: go on looking.
        st.consume(1);
        this.resync[dir] = true;
        this.afterGap[dir] = false;
        continue;
      }
      if (type === 0 || len > MAX_REMAINING) {
        this.session.warn(`mqtt: invalid packet (type ${type}) in ${dir}; the rest of this direction is not decoded`, st.pos(0));
        this.lost[dir] = true;
        st.reset();
        return;
      }
      if (hdr + len > lim.maxBufferedBytes) {
        this.session.warn(`mqtt: ${PACKET_TYPES[type]} of ${len} bytes is larger than the buffer limit; skipped`, st.pos(0));
        st.skipAhead(hdr + len);
        continue;
      }
      if (q.length < hdr + len) return;
      const whole = q.peek(hdr + len);
      const pkt: Packet = { type, flags: first & 15, body: whole.subarray(hdr), start: st.pos(0), end: st.pos(hdr + len - 1), frames: st.frames(0, hdr + len), wire: hdr + len };
      this.packet(dir, pkt);
      st.consume(hdr + len);
    }
  }

  private mk(p: Packet, method: string): Call {
    const call = this.session.newCall('mqtt', p.start);
    call.method = method;
    call.frames = p.frames.slice(0, 64);
    call.fields['mqtt.msgtype'] = p.type;
    call.fields['mqtt.ver'] = this.version;
    this.noteCut(call, p);
    return call;
  }

  /** The packet being handled was cut by a gap: say so on its call, with what is missing. */
  private noteCut(call: Call, p: Packet): void {
    const c = this.cut;
    if (c) call.warnings.push(`${PACKET_TYPES[p.type]} cut by a capture gap: ${c.captured} of ${c.total} bytes captured, ${c.total - c.captured} missing`);
  }

  private reply(call: Call, p: Packet, value: unknown): void {
    if (call.request) this.noteCut(call, p);
    call.response = { value, wireBytes: p.wire };
    call.timing.responseStartUs = p.start.tsUs;
    call.timing.endUs = p.end.tsUs;
    addFrames(call.frames, p.frames);
    call.state = 'complete';
  }

  private packet(dir: Dir, p: Packet): void {
    if (!this.versionKnown && p.type !== 1 && !this.cut) {
      const v = sniffVersion(p.type, p.flags, p.body);
      if (v) {
        this.version = v;
        this.versionKnown = true;
      }
    }
    const v5 = this.version === 5;
    const r = new MqttReader(p.body);
    const name = PACKET_TYPES[p.type];
    switch (p.type) {
      case 1:
        return this.connectPacket(dir, p, r);
      case 2: {
        const ackFlags = r.byte();
        const code = r.byte();
        const props = v5 && r.left > 0 ? readProps(r) : undefined;
        const value: Record<string, unknown> = { 'session-present': (ackFlags & 1) === 1, [v5 ? 'reason-code' : 'return-code']: code };
        if (props) value.properties = props.values;
        const text = v5 ? REASONS[code] : CONNACK_V3[code];
        const call = this.connect ?? this.mk(p, 'CONNECT');
        this.connect = undefined;
        if (!call.request) {
          call.kind = 'unary';
          call.warnings.push('CONNACK without its CONNECT in the capture');
          call.timing.startUs = p.start.tsUs;
        }
        this.reply(call, p, value);
        call.status = { code, text: text ?? `code ${code}`, ok: code === 0 };
        call.fields['mqtt.conack.val'] = code;
        if (props?.values['assigned-client-identifier']) call.target = String(props.values['assigned-client-identifier']);
        if (r.error && !this.cut) call.warnings.push(`CONNACK: ${r.error}`);
        this.session.emit(call);
        return;
      }
      case 3:
        return this.publish(dir, p, r);
      case 4:
      case 5:
      case 6:
      case 7:
        return this.pubHandshake(dir, p, r);
      case 8:
      case 10: {
        const id = r.u16();
        const props = v5 ? readProps(r) : undefined;
        const filters: Array<Record<string, unknown>> = [];
        while (r.left > 0 && !r.error && filters.length < 4096) {
          const topic = r.string();
          if (p.type === 8) {
            const o = r.byte();
            const f: Record<string, unknown> = { topic, qos: o & 3 };
            if (v5) Object.assign(f, { 'no-local': (o & 4) !== 0, 'retain-as-published': (o & 8) !== 0, 'retain-handling': (o >> 4) & 3 });
            filters.push(f);
          } else filters.push({ topic });
        }
        if (this.cut && r.error) filters.pop(); // the filter the gap cut
        const call = this.mk(p, name);
        call.kind = 'unary';
        call.target = filters.map((f) => f.topic).join(', ');
        call.request = { value: { 'packet-id': id, filters, ...(props ? { properties: props.values } : {}) }, wireBytes: p.wire };
        call.timing.requestEndUs = p.end.tsUs;
        call.fields['mqtt.msgid'] = id;
        if (filters[0]) call.fields['mqtt.topic'] = String(filters[0].topic);
        if (r.error && !this.cut) call.warnings.push(`${name}: ${r.error}`);
        if (p.flags !== 2) call.warnings.push(`${name} fixed-header flags ${p.flags} (must be 2)`);
        const key = `${name}:${id}`;
        const prev = this.reqs.get(key);
        if (prev) {
          prev.state = 'incomplete';
          prev.warnings.push('packet identifier reused before the acknowledgement');
          this.session.emit(prev);
        }
        if (this.reqs.size > 65536) this.flushOldestReq();
        this.reqs.set(key, call);
        return;
      }
      case 9:
      case 11: {
        const id = r.u16();
        const props = v5 ? readProps(r) : undefined;
        const codes: number[] = [];
        while (r.left > 0 && !r.error && codes.length < 4096) codes.push(r.byte());
        const reqName = p.type === 9 ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
        if (this.cut && r.error) codes.pop();
        const call = this.reqs.get(`${reqName}:${id}`) ?? this.mk(p, reqName);
        this.reqs.delete(`${reqName}:${id}`);
        if (!call.request) call.warnings.push(`${name} without its ${reqName} in the capture`);
        const value: Record<string, unknown> = { 'packet-id': id, 'reason-codes': codes.map((c) => ({ code: c, text: REASONS[c] ?? (c === 0x80 ? 'Failure' : `code ${c}`) })) };
        if (props) value.properties = props.values;
        this.reply(call, p, value);
        call.kind = 'unary';
        const bad = codes.filter((c) => c >= 0x80);
        // SUBACK codes 0-2 grant that QoS (3.1.1 §3.9.3, 5.0 §3.9.3); a 3.1/3.1.1 UNSUBACK carries no code at all.
        call.status = bad.length
          ? { code: bad[0], text: REASONS[bad[0]] ?? 'Failure', ok: false }
          : p.type === 9
            ? { code: codes[0] ?? 0, text: `granted QoS ${codes.join(',')}`, ok: true }
            : codes.length
              ? { code: codes[0], text: REASONS[codes[0]] ?? 'ok', ok: true }
              : { code: 'UNSUBACK', ok: true };
        if (r.error && !this.cut) call.warnings.push(`${name}: ${r.error}`);
        this.session.emit(call);
        return;
      }
      case 12: {
        const call = this.mk(p, 'PINGREQ');
        call.kind = 'event';
        call.request = { wireBytes: p.wire };
        call.timing.requestEndUs = p.end.tsUs;
        if (this.pings.length >= 1000) this.flushPing();
        this.pings.push(call);
        return;
      }
      case 13: {
        const call = this.pings.shift();
        if (!call) {
          const c = this.mk(p, 'PINGRESP');
          c.kind = 'event';
          c.state = 'complete';
          c.response = { wireBytes: p.wire };
          c.timing.endUs = p.end.tsUs;
          this.session.emit(c);
          return;
        }
        this.reply(call, p, undefined);
        call.status = { code: 'PINGRESP', ok: true };
        this.session.emit(call);
        return;
      }
      case 14:
      case 15: {
        const call = this.mk(p, name);
        call.kind = 'event';
        call.state = 'complete';
        call.timing.endUs = p.end.tsUs;
        const value: Record<string, unknown> = { dir };
        // (a server's DISCONNECT, MQTT 5.0 §3.14: the diagram draws it from the broker)
        if (dir === 's2c') call.fields['mqtt.dir'] = 's2c';
        if (v5 && r.left > 0) {
          const code = r.byte();
          value['reason-code'] = code;
          const props = r.left > 0 ? readProps(r) : undefined;
          if (props) value.properties = props.values;
          // 0x00 is "Normal disconnection" for DISCONNECT (MQTT 5.0 §3.14.2.1), "Success" for AUTH.
          call.status = { code, text: (code === 0 && p.type === 14 ? 'Normal disconnection' : REASONS[code]) ?? `code ${code}`, ok: code < 0x80 };
          call.fields['mqtt.reason_code'] = code;
        } else if (v5) call.status = { code: 0, text: p.type === 14 ? 'Normal disconnection' : 'Success', ok: true }; // no reason code: 0x00 (§3.14.2.1)
        else call.status = { code: name, ok: true }; // 3.1/3.1.1: DISCONNECT carries no code at all
        call.request = { value, wireBytes: p.wire };
        if (r.error && !this.cut) call.warnings.push(`${name}: ${r.error}`);
        this.session.emit(call);
        return;
      }
    }
  }

  private flushOldestReq(): void {
    const first = this.reqs.entries().next();
    if (first.done) return;
    this.reqs.delete(first.value[0]);
    first.value[1].state = 'incomplete';
    this.session.emit(first.value[1]);
  }

  private flushPing(): void {
    const c = this.pings.shift();
    if (c) {
      c.state = 'incomplete';
      this.session.emit(c);
    }
  }

  private connectPacket(dir: Dir, p: Packet, r: MqttReader): void {
    // A CONNECT cut by a gap shows the fields read before the cut, and nothing made up after it.
    const cutHere = () => this.cut !== undefined && r.error !== undefined;
    const proto = r.string();
    const level = r.byte();
    if (!cutHere()) {
      if (level === 3 || level === 4 || level === 5) this.version = level;
      this.versionKnown = true;
    }
    const flags = r.byte();
    const keepAlive = r.u16();
    const v5 = this.version === 5;
    const value: Record<string, unknown> = {};
    const call = this.mk(p, 'CONNECT');
    call.kind = 'unary';
    call.request = { value, wireBytes: p.wire };
    call.timing.requestEndUs = p.end.tsUs;
    if (dir !== 'c2s') call.warnings.push('CONNECT sent by the server side');
    if (this.connect) {
      this.connect.state = 'incomplete';
      this.connect.warnings.push('second CONNECT before CONNACK');
      this.session.emit(this.connect);
    }
    this.connect = call;
    call.fields['mqtt.ver'] = this.version;
    if (!cutHere()) {
      Object.assign(value, { 'protocol-name': proto, 'protocol-level': level, 'clean-session': (flags & 2) !== 0, 'keep-alive': keepAlive });
      call.fields['mqtt.proto_name'] = proto;
    } else if (!r.error || r.o > 2) call.fields['mqtt.proto_name'] = proto;
    if (cutHere()) return;
    if (v5) value.properties = readProps(r).values;
    const clientId = r.string();
    if (cutHere()) return;
    value['client-id'] = clientId;
    call.target = clientId;
    call.fields['mqtt.clientid'] = clientId;
    if (clientId) call.fields['client.name'] = clientId;
    if (flags & 4) {
      const will: Record<string, unknown> = { qos: (flags >> 3) & 3, retain: (flags & 0x20) !== 0 };
      if (v5) will.properties = readProps(r).values;
      will.topic = r.string();
      const payload = r.binary();
      const buf = new PayloadBuffer(this.session.env.limits.maxBodyBytes);
      buf.add(payload);
      will.payload = payloadBody(buf.bytes(), buf.size, this.session.env.limits, undefined, undefined, call.warnings);
      if (cutHere()) return;
      value.will = will;
      call.fields['mqtt.willtopic'] = String(will.topic);
    }
    if (flags & 0x80) {
      const user = r.string();
      if (cutHere()) return;
      value.username = user;
      call.fields['mqtt.username'] = user;
    }
    if (flags & 0x40) {
      r.binary();
      value.password = '(present)';
    }
    if (flags & 1) call.warnings.push('CONNECT reserved flag set');
    if (r.error && !this.cut) call.warnings.push(`CONNECT: ${r.error}`);
  }

  private publish(dir: Dir, p: Packet, r: MqttReader): void {
    const qos = (p.flags >> 1) & 3;
    const retain = (p.flags & 1) === 1;
    const dup = (p.flags & 8) !== 0;
    const v5 = this.version === 5;
    const cut = this.cut;
    // A PUBLISH cut by a gap: the topic as far as it was captured, the packet identifier and
    // properties only when whole (§3.3.2 variable header), the payload's captured head.
    let topic: string;
    let topicCut = false;
    if (cut) {
      const n = r.u16();
      const seen = Math.min(n, r.left);
      let tb = r.b.subarray(r.o, r.o + seen);
      r.o += seen;
      topicCut = r.error !== undefined || seen < n;
      for (let k = 1; topicCut && k <= 3 && k < tb.length && utf8Strict(tb) === undefined; k++) tb = tb.subarray(0, tb.length - 1);
      topic = utf8Text(tb);
    } else topic = r.string();
    let id = qos > 0 && !topicCut ? r.u16() : undefined;
    if (cut && r.error) id = undefined;
    let props: Props | undefined = v5 && !r.error && !topicCut ? readProps(r) : undefined;
    if (cut && r.error) props = undefined;
    const payloadAt = r.o;
    const call = this.mk(p, 'PUBLISH');
    call.kind = dir === 'c2s' ? 'publish' : 'deliver';
    const alias = props?.values['topic-alias'];
    if (typeof alias === 'number') {
      const map = this.aliases[dir];
      call.fields['mqtt.topic_alias'] = alias;
      if (topic) map.set(alias, topic);
      else {
        const t = map.get(alias);
        if (t === undefined) call.warnings.push(`topic alias ${alias} was never set on this connection`);
        else topic = t;
      }
    }
    if (qos === 3) call.warnings.push('PUBLISH with QoS 3 (malformed)');
    const payload = r.error ? new Uint8Array(0) : r.rest();
    const lim = this.session.env.limits;
    const buf = new PayloadBuffer(lim.maxBodyBytes);
    buf.add(payload);
    // Payload size of a cut packet: the remaining length less the variable header, when that was read.
    const payloadSize = cut ? (r.error || topicCut ? undefined : p.wire - (cut.captured - p.body.length) - payloadAt) : buf.size;
    const ct = typeof props?.values['content-type'] === 'string' ? (props.values['content-type'] as string) : undefined;
    if (!cut || topic) call.target = topicCut ? `${topic}…` : topic;
    call.request = {
      value: { ...(topicCut ? { 'topic-captured': topic } : { topic }), qos, retain, dup, ...(id !== undefined ? { 'packet-id': id } : {}), ...(props ? { properties: props.values } : {}) },
      headers: props?.userProps.length ? props.userProps.slice() : undefined,
      wireBytes: p.wire,
    };
    if (payloadSize !== undefined) call.request.body = payloadBody(buf.bytes(), payloadSize, lim, ct, undefined, call.warnings);
    if (!call.request.headers) delete call.request.headers;
    call.timing.requestEndUs = p.end.tsUs;
    if (!topicCut) call.fields['mqtt.topic'] = topic;
    call.fields['mqtt.qos'] = qos;
    call.fields['mqtt.retain'] = retain;
    if (dup) call.fields['mqtt.dupflag'] = true;
    if (id !== undefined) call.fields['mqtt.msgid'] = id;
    // A cut payload hashes to nothing its deliveries would: no msg.key to join on.
    if (!cut) call.fields['msg.key'] = buf.key('mqtt', topic);
    if (!topicCut) call.fields['msg.destination'] = topic;
    if (props) {
      const rt = props.values['response-topic'];
      if (typeof rt === 'string') call.fields['msg.reply_to'] = rt;
      if (props.correlation) call.fields['msg.correlation_id'] = binText(props.correlation);
      if (ct) call.fields['mqtt.content_type'] = ct;
    }
    if (r.error && !this.cut) call.warnings.push(`PUBLISH: ${r.error}`);
    const seq = ++this.seq[dir];
    if (qos > 0 && id === undefined && cut) {
      // §4.6: the receiver acknowledges QoS 1 and 2 PUBLISHes in the order it received them, so an
      // acknowledgement naming no waiting PUBLISH may be this one's (see byOrder).
      const list = this.unpaired[dir];
      list.push({ call, qos, seq, uncertain: false });
      if (list.length > 1000) {
        const old = list.shift()!;
        if ('call' in old) this.giveUpUnpaired(old.call);
      }
      return;
    }
    if (qos === 0 || id === undefined) {
      call.state = 'complete';
      call.timing.endUs = p.end.tsUs;
      call.status = { code: 'QoS 0', ok: true }; // no acknowledgement at QoS 0: nothing on the wire gives a code
      this.session.emit(call);
      return;
    }
    const map = this.pubs[dir];
    const prev = map.get(id);
    if (prev) {
      if (dup && prev.stage === 'sent') {
        // A retransmission of the same message: keep one call.
        addFrames(prev.call.frames, p.frames);
        prev.call.fields['mqtt.dupflag'] = true;
        prev.call.warnings.push('retransmitted (DUP)');
        return;
      }
      prev.call.state = 'incomplete';
      prev.call.warnings.push(`packet identifier ${id} reused before the handshake completed`);
      this.session.emit(prev.call);
    }
    map.set(id, { call, qos, stage: 'sent', seq });
  }

  /**
   * The PUBLISH of `sender` cut before its packet identifier that an acknowledgement naming no
   * waiting PUBLISH answers, by MQTT 3.1.1 / 5.0 §4.6 (PUBACKs, and PUBRECs, are sent in the order the
   * PUBLISHes were received): the oldest one of its QoS, when no gap may have swallowed a PUBLISH
   * before it (a barrier) or an acknowledgement after it (uncertain), and no older PUBLISH of its QoS
   * with a known identifier is still waiting. Undefined otherwise: the acknowledgement stays alone.
   */
  private byOrder(sender: Dir, id: number, qos: number): PendingPub | undefined {
    const list = this.unpaired[sender];
    const i = list.findIndex((u) => ('barrier' in u ? u.barrier.has(qos) : u.qos === qos));
    const u = list[i];
    if (!u || 'barrier' in u || u.uncertain) return undefined;
    for (const w of this.pubs[sender].values()) if (w.stage === 'sent' && w.qos === qos && (w.seq ?? 0) < u.seq) return undefined;
    list.splice(i, 1);
    const pend: PendingPub = { call: u.call, qos, stage: 'sent', seq: u.seq };
    u.call.fields['mqtt.msgid'] = id;
    u.call.warnings.push(`packet identifier not captured; paired with the ${qos === 1 ? 'PUBACK' : 'PUBREC'} for ${id} by order (§4.6)`);
    this.pubs[sender].set(id, pend);
    return pend;
  }

  /**
   * The acknowledgement of a PUBLISH whose identifier is known: every PUBLISH of that QoS sent before
   * it was acknowledged first (§4.6), so those still without theirs lost them to a gap, and the order
   * after it is known again up to the next barrier.
   */
  private realign(sender: Dir, k: PendingPub): void {
    if (!this.losses || k.seq === undefined) return;
    const list = this.unpaired[sender];
    const keep: Unpaired[] = [];
    let fenced = false;
    for (const u of list) {
      if (u.seq < k.seq) {
        if ('barrier' in u) {
          u.barrier.delete(k.qos);
          if (u.barrier.size) keep.push(u);
        } else if (u.qos === k.qos) this.giveUpUnpaired(u.call);
        else keep.push(u);
        continue;
      }
      if ('barrier' in u && u.barrier.has(k.qos)) fenced = true;
      if (!('barrier' in u) && u.qos === k.qos && !fenced) u.uncertain = false;
      keep.push(u);
    }
    this.unpaired[sender] = keep;
    for (const [id, w] of this.pubs[sender]) {
      if (w === k || w.stage !== 'sent' || w.qos !== k.qos || (w.seq ?? 0) >= k.seq) continue;
      this.pubs[sender].delete(id);
      w.call.state = 'incomplete';
      w.call.warnings.push(`no ${k.qos === 1 ? 'PUBACK' : 'PUBREC'} in the capture (lost to a capture gap: a later PUBLISH was acknowledged)`);
      this.session.emit(w.call);
    }
  }

  private giveUpUnpaired(call: Call): void {
    call.state = 'incomplete';
    call.warnings.push('packet identifier not captured: its acknowledgement cannot be paired');
    this.session.emit(call);
  }

  private pubHandshake(dir: Dir, p: Packet, r: MqttReader): void {
    const name = PACKET_TYPES[p.type];
    const id = r.u16();
    const v5 = this.version === 5;
    let code = 0;
    let props: Props | undefined;
    if (v5 && r.left > 0) {
      code = r.byte();
      if (r.left > 0) props = readProps(r);
    }
    // PUBACK, PUBREC, PUBCOMP come from the receiver (other direction); PUBREL from the sender.
    const senderDir: Dir = p.type === 6 ? dir : dir === 'c2s' ? 's2c' : 'c2s';
    const map = this.pubs[senderDir];
    let pend = map.get(id);
    if (!pend && (p.type === 4 || p.type === 5)) pend = this.byOrder(senderDir, id, p.type === 4 ? 1 : 2);
    if (!pend) {
      const call = this.mk(p, name);
      call.kind = 'event';
      call.state = 'complete';
      call.timing.endUs = p.end.tsUs;
      call.fields['mqtt.msgid'] = id;
      call.request = { value: { 'packet-id': id, ...(v5 ? { 'reason-code': code } : {}) }, wireBytes: p.wire };
      call.warnings.push(`${name} for packet identifier ${id} without its PUBLISH in the capture`);
      if (r.error && !this.cut) call.warnings.push(`${name}: ${r.error}`);
      this.session.emit(call);
      return;
    }
    const call = pend.call;
    addFrames(call.frames, p.frames);
    this.noteCut(call, p);
    const msgs = (call.messages ??= []);
    if (msgs.length < 16) msgs.push({ dir, index: msgs.filter((m) => m.dir === dir).length, tsUs: p.start.tsUs, size: p.wire, frame: p.frames[p.frames.length - 1], label: name, value: { 'packet-id': id, ...(v5 ? { 'reason-code': code, ...(props ? { properties: props.values } : {}) } : {}) } });
    if (r.error && !this.cut) call.warnings.push(`${name}: ${r.error}`);
    if (p.type !== 6 && call.timing.responseStartUs === undefined) call.timing.responseStartUs = p.start.tsUs;
    call.timing.endUs = p.end.tsUs;
    const finish = (ok: boolean) => {
      map.delete(id);
      call.state = 'complete';
      if (v5) {
        call.status = { code, text: REASONS[code] ?? `code ${code}`, ok };
        call.fields['mqtt.reason_code'] = code;
      } else call.status = { code: name, ok }; // MQTT 3.1.1 acknowledgements carry no reason code: the packet that ended it
      call.response = { value: { handshake: msgs.map((m) => m.label).join(' → '), 'reason-code': code, ...(props ? { properties: props.values } : {}) } };
      this.session.emit(call);
    };
    if ((p.type === 4 || p.type === 5) && pend.stage === 'sent') this.realign(senderDir, pend);
    if (p.type === 4) {
      if (pend.qos !== 1) call.warnings.push(`PUBACK for a QoS ${pend.qos} PUBLISH`);
      finish(code < 0x80);
    } else if (p.type === 5) {
      if (pend.qos !== 2) call.warnings.push(`PUBREC for a QoS ${pend.qos} PUBLISH`);
      pend.stage = 'rec';
      if (code >= 0x80) finish(false);
    } else if (p.type === 6) {
      pend.stage = 'rel';
      if (code >= 0x80) finish(false);
    } else finish(code < 0x80);
  }
}

export const spec: DecoderSpec = {
  id: 'mqtt',
  name: 'MQTT',
  transport: 'tcp',
  ports: [1883, 1884],
  probeOrder: 40,
  probe: (head) => probeMqtt(head),
  probeMidstream: (head, _dir, byPort) => probeMqttMidstream(head, byPort),
  rolesReversed: (heads) => rolesBackwards(heads, mqttSides),
  create: (session) => new MqttDecoder(session),
};
