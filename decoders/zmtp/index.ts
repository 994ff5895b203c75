/**
 * ZeroMQ — ZMTP 3.0 (rfc.zeromq.org/spec/23) and 3.1 (spec/37), with the NULL, PLAIN (spec/24)
 * and CURVE (spec/26) security mechanisms; ZMTP 2.0 (spec/15: a short greeting with the socket
 * type and identity, no mechanism, no commands), which libzmq 3.2 and JeroMQ 0.3 speak; and ZMTP 1.0
 * (spec/13: ZeroMQ 2.x; no greeting, no socket type: each peer's first frame is its identity, a
 * frame is a length of flags + body — one byte, or 0xFF and 8 bytes —, a flags byte with MORE,
 * then the body; libzmq 3/4 fall back to it when the peer's first byte is not 0xFF, their
 * signature read as the identity frame's header).
 *
 * Reached by probe (there is no standard port): the 64-byte greeting starts with the signature
 * 0xFF, 8 padding bytes, 0x7F, then the major version (3); ZMTP 1.0 when both sides' first bytes are
 * an identity frame and one side's go on with a whole message of well-formed frames. Both peers send a greeting, then
 * handshake commands (READY with Socket-Type/Identity/Resource metadata; HELLO/WELCOME/INITIATE
 * for PLAIN — the password is redacted; CURVE boxes are shown as encrypted and nothing after the
 * handshake is decoded), then frames (flags MORE/LONG/COMMAND, 1- or 8-byte sizes) that make up
 * multipart messages.
 *
 * Calls:
 * - one 'event' call 'handshake' per connection (both greetings, mechanism, both READYs);
 * - REQ (or DEALER→REP) messages paired with the REP (or ROUTER→REQ) reply as 'unary' calls,
 *   the envelope up to the empty delimiter frame removed from the shown parts;
 * - PUB/XPUB → SUB messages are 'deliver' calls (a PUB→SUB connection delivers to that subscriber),
 *   PUB → XSUB (into a proxy) are 'publish' calls; both carry msg.key =
 *   messageKey('zmtp', first frame as text (the topic), all frames concatenated) so the flow
 *   correlator can join a message through a proxy; PUSH → PULL and other patterns are 'oneway'
 *   calls with the same key;
 * - subscriptions (3.0: a message whose first byte is 1/0; 3.1: SUBSCRIBE/CANCEL commands) and
 *   3.1 PING → PONG as 'event' calls.
 *
 * Capture gaps (snaplen, loss; see gap()): a greeting or frame cut by a gap is decoded as far as it
 * goes and its size says where the next frame starts; a gap over a boundary resynchronises on frame
 * sanity. When a gap took the READY metadata, PUB/SUB are named from subscriptions, nothing else.
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import { scanForStart } from '../core/resync';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir } from '../core/model';
import { be16, be32, concatBytes, latin1Text, toHex, utf8Strict } from '../core/bytes';
import { messageKey } from '../calls/key';
import { PduBuffer } from '../core/pdu-buffer';
import { addFrame, payloadBody, payloadValue } from '../websocket/payload';
import { GapNotes } from '../core/gap-notes';

const GREETING = 64;
/** ZMTP/2.0 socket types (rfc 15), by the number its greeting sends. */
const SOCKET_TYPES_V2: Record<number, string> = { 0: 'PAIR', 1: 'PUB', 2: 'SUB', 3: 'REQ', 4: 'REP', 5: 'DEALER', 6: 'ROUTER', 7: 'PULL', 8: 'PUSH', 9: 'XPUB', 10: 'XSUB' };
const REDACTED = '********';
const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_PARTS_SHOWN = 64;
const MAX_PARTS = 100_000;
/** Bytes looked at per data event while resynchronising after a gap. */
const RESYNC_WINDOW = 64 * 1024;
/** ZMTP 3.0/3.1 command names (rfc 23, 24, 26, 37). */
const COMMANDS = new Set(['READY', 'HELLO', 'WELCOME', 'INITIATE', 'ERROR', 'SUBSCRIBE', 'CANCEL', 'PING', 'PONG', 'MESSAGE']);

interface Greeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

interface OpenMsg {
  parts: Uint8Array[];
  sizes: number[];
  total: number;
  start: Position;
  frames: number[];
  wire: number;
  dropped: boolean;
  /** What capture gaps took from this message (frames cut, parts lost): said on its call. */
  cut?: string[];
}

interface Side {
  buf: PduBuffer;
  dead: boolean;
  greeting?: Greeting;
  socketType?: string;
  metadata?: Record<string, unknown>;
  commands: unknown[];
  ready: boolean;
  encrypted: boolean;
  msg?: OpenMsg;
  index: number;
  /** Socket type guessed from the traffic when a gap kept the READY metadata from the capture. */
  inferred?: string;
  /** This side sent SUBSCRIBE/CANCEL commands (ZMTP 3.1) or 3.0 subscription messages. */
  subscribes?: boolean;
}

interface PendingReq {
  call: Call;
  /** Direction of the request (its reply comes the other way). */
  dir: Dir;
}

class ZmtpDecoder implements StreamDecoder {
  private readonly side: Record<Dir, Side>;
  private hs?: Call;
  private hsEmitted = false;
  private readonly pending: PendingReq[] = [];
  private readonly pings: Record<Dir, Call[]> = { c2s: [], s2c: [] };
  /** A gap lost the frame boundary: look for the next plausible frame. */
  private readonly resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Nothing consumed since the gap that started the resynchronisation: the head is the first byte after it. */
  private readonly afterGap: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** A gap was seen in this direction: a bad frame is a false start of a resynchronisation, not the end. */
  private readonly gapped: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** The frame being handled was cut by a gap: what was captured of it. */
  private cutNow?: string;
  private readonly notes: GapNotes;

  constructor(private readonly session: DecoderSession) {
    const mk = (): Side => ({ buf: new PduBuffer(), dead: false, commands: [], ready: false, encrypted: false, index: 0 });
    this.side = { c2s: mk(), s2c: mk() };
    this.notes = new GapNotes(session, 'zmtp: ');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    const sd = this.side[dir];
    if (sd.dead || sd.encrypted) return;
    sd.buf.push(bytes, at);
    try {
      // A libzmq 3/4 signature waits on the peer's first byte to know whether ZMTP 1.0 follows: it
      // is read first (as it was sent first), however the bytes came.
      const o = this.side[OTHER[dir]];
      if (!o.greeting && !o.dead && o.buf.length === 10) this.drain(OTHER[dir]);
      this.drain(dir);
    } catch (e) {
      this.stop(dir, `zmtp decoder error: ${(e as Error).message}`, at);
    }
  }

  private stop(dir: Dir, why: string, at?: Position): void {
    const sd = this.side[dir];
    this.session.warn(`${dir}: ${why}; the rest of this direction is not decoded`, at);
    sd.dead = true;
    sd.buf.clear();
    if (sd.msg) this.finishMessage(dir, sd.msg, undefined, 'incomplete', why);
    sd.msg = undefined;
  }

  private handshake(at: Position): Call {
    if (!this.hs) {
      const c = this.session.newCall('zmtp', at);
      c.kind = 'event';
      c.method = 'handshake';
      c.request = { value: {} };
      c.response = { value: {} };
      this.hs = c;
    }
    return this.hs;
  }

  /** `n` more bytes of the handshake (greeting, commands) on the wire in `dir`. */
  private hsWire(dir: Dir, n: number): void {
    const part = dir === 'c2s' ? this.hs!.request! : this.hs!.response!;
    part.wireBytes = (part.wireBytes ?? 0) + n;
  }

  private hsPart(dir: Dir): Record<string, unknown> {
    const c = this.hs!;
    return (dir === 'c2s' ? c.request!.value : c.response!.value) as Record<string, unknown>;
  }

  private drain(dir: Dir): void {
    const sd = this.side[dir];
    const buf = sd.buf;
    const limits = this.session.env.limits;
    if (!sd.greeting) {
      if (buf.length === 0) return;
      // ZMTP 1.0: the identity frame (a one-byte length) is all the handshake there is.
      if (buf.bytes()[0] !== 0xff) {
        if (!this.greet1(dir, false)) return;
      } else if (buf.length < 10) return;
      else if (buf.bytes()[9] !== 0x7f) return this.stop(dir, 'not a ZMTP greeting (signature 0xFF…0x7F missing)', buf.pos(0));
      else if (this.peerSpeaksV1(dir)) {
        // A libzmq 3/4 peer facing a ZMTP 1.0 peer (whose first byte is not 0xFF): its 10-byte
        // signature was that identity frame's long header, the rest of its greeting is never sent.
        if (!this.greet1(dir, true)) return;
      } else if (buf.length < 11) return;
    }
    if (!sd.greeting) {
      const b = buf.bytes();
      if (b[10] === 1) {
        if (!this.greet2(dir)) return;
      } else if (b[10] < 3) return this.stop(dir, `ZMTP revision ${b[10]} peer (ZMTP 2.0 and 3.x are decoded)`, buf.pos(0));
      else {
        if (buf.length < GREETING) return;
        this.greet(dir, b.subarray(0, GREETING), buf.pos(0), buf.pos(GREETING - 1));
        buf.consume(GREETING);
      }
    }
    const v2 = sd.greeting?.major === 2;
    if (sd.greeting?.major === 1) return this.drain1(dir);
    while (!sd.dead && !sd.encrypted && buf.length >= 2) {
      if (this.resync[dir] && !this.findFrame(dir, false)) return;
      if (buf.length < 2) return;
      const b = buf.bytes();
      const flags = b[0];
      // ZMTP 2.0 frames have MORE and LONG only (rfc 15); 3.x adds COMMAND (rfc 23)
      if (flags & (v2 ? 0xfc : 0xf8)) {
        // After a gap this is a resynchronisation that started on bytes that only looked like a frame.
        if (this.gapped[dir]) {
          this.lose(dir, 0, buf.pos(0), 'earlier (a false start after it: reserved frame flags)');
          continue;
        }
        return this.stop(dir, `frame flags 0x${flags.toString(16)} have reserved bits set`, buf.pos(0));
      }
      const long = (flags & 0x02) !== 0;
      const hl = long ? 9 : 2;
      if (b.length < hl) return;
      let size: number;
      if (long) {
        const hi = be32(b, 1);
        const lo = be32(b, 5);
        if (hi >= 0x200000) return this.stop(dir, `frame size ${BigInt(hi) * 2n ** 32n + BigInt(lo)} is beyond reason`, buf.pos(0));
        size = hi * 2 ** 32 + lo;
      } else size = b[1];
      const start = buf.pos(0);
      if (size > limits.maxBufferedBytes) return this.stop(dir, `frame of ${size} bytes exceeds the ${limits.maxBufferedBytes}-byte limit`, start);
      if (b.length < hl + size) return;
      const body = b.slice(hl, hl + size);
      const end = buf.pos(hl + size - 1);
      buf.consume(hl + size);
      if (flags & 0x04) this.onCommand(dir, body, start, end, hl + size, (flags & 0x01) !== 0);
      else this.onFrame(dir, body, (flags & 0x01) !== 0, start, end, hl + size);
    }
  }

  /** The other side's first byte was seen and is not the 0xFF that starts ZMTP 2.0 and 3.x greetings. */
  private peerSpeaksV1(dir: Dir): boolean {
    const peer = this.side[OTHER[dir]];
    if (peer.greeting) return peer.greeting.major === 1;
    return peer.buf.length > 0 && peer.buf.bytes()[0] !== 0xff;
  }

  /**
   * The identity frame that opens a ZMTP 1.0 connection (spec/13 "Identity": 0–255 octets, a final
   * frame; empty: anonymous). `signature`: a libzmq 3/4 peer's greeting signature stands for its
   * header (flags 0x7F). False while incomplete.
   */
  private greet1(dir: Dir, signature: boolean): boolean {
    const sd = this.side[dir];
    const buf = sd.buf;
    const b = buf.bytes();
    const h = header1(b);
    if (h === 'more') return false;
    if (typeof h === 'string') {
      this.stop(dir, `not a ZMTP greeting or ZMTP 1.0 identity frame: ${h}`, buf.pos(0));
      return false;
    }
    if (!signature && h.flags !== 0) {
      this.stop(dir, `not a ZMTP greeting or ZMTP 1.0 identity frame (flags 0x${h.flags.toString(16)}, a final frame expected)`, buf.pos(0));
      return false;
    }
    if (h.size > 255) {
      this.stop(dir, `ZMTP 1.0 identity of ${h.size} bytes (at most 255)`, buf.pos(0));
      return false;
    }
    const total = h.hl + h.size;
    if (b.length < total) return false;
    const start = buf.pos(0);
    const end = buf.pos(total - 1);
    const identity = b.subarray(h.hl, total);
    buf.consume(total);
    sd.greeting = { major: 1, minor: 0, mechanism: 'NULL', asServer: false };
    const hs = this.handshake(start);
    addFrame(hs.frames, start.frame);
    addFrame(hs.frames, end.frame);
    this.hsWire(dir, total);
    const part = this.hsPart(dir);
    part.version = '1.0';
    const idShown = identity.length ? shownBytes(identity) : undefined;
    if (idShown !== undefined) part.identity = idShown;
    if (signature) part.fallback = 'a ZMTP 2.0/3.x peer speaking ZMTP 1.0 to this one';
    if (dir === 'c2s') hs.timing.requestEndUs = end.tsUs;
    else {
      hs.timing.responseStartUs ??= start.tsUs;
      hs.timing.endUs = end.tsUs;
    }
    hs.fields['zmtp.version'] = '1.0';
    if (typeof idShown === 'string') hs.fields[dir === 'c2s' ? 'zmtp.identity' : 'zmtp.peer_identity'] = idShown;
    const other = this.side[OTHER[dir]].greeting;
    if (other && other.major !== 1) hs.warnings.push(`a ZMTP 1.0 identity answered with ZMTP ${other.major}.${other.minor}`);
    sd.ready = true;
    this.maybeEmitHandshake();
    return true;
  }

  /** ZMTP 1.0 frames (spec/13 "Framing"); no commands. A gap ends the direction: 1.0 frames carry nothing to resynchronise on. */
  private drain1(dir: Dir): void {
    const sd = this.side[dir];
    const buf = sd.buf;
    const limits = this.session.env.limits;
    while (!sd.dead && buf.length > 0) {
      const b = buf.bytes();
      const h = header1(b);
      if (h === 'more') return;
      if (typeof h === 'string') return this.stop(dir, h, buf.pos(0));
      if (h.flags & 0xfe) return this.stop(dir, `frame flags 0x${h.flags.toString(16)} have reserved bits set`, buf.pos(0));
      const start = buf.pos(0);
      if (h.size > limits.maxBufferedBytes) return this.stop(dir, `frame of ${h.size} bytes exceeds the ${limits.maxBufferedBytes}-byte limit`, start);
      if (b.length < h.hl + h.size) return;
      const body = b.slice(h.hl, h.hl + h.size);
      const end = buf.pos(h.hl + h.size - 1);
      buf.consume(h.hl + h.size);
      this.onFrame(dir, body, (h.flags & 0x01) !== 0, start, end, h.hl + h.size);
    }
  }

  /** The handshake's target: the two socket types, `REQ → REP` (`?` for one not seen). */
  private setTarget(hs: Call): void {
    const cType = this.side.c2s.socketType;
    const sType = this.side.s2c.socketType;
    if (cType || sType) hs.target = `${cType ?? '?'} → ${sType ?? '?'}`;
  }

  /**
   * A ZMTP/2.0 greeting (rfc.zeromq.org/spec/15: the signature — its 8 middle bytes a ZMTP/1.0
   * length, for old peers —, revision 0x01, the socket type as a number, then the identity as a
   * final frame; what libzmq 3.2 and JeroMQ 0.3 speak, and what libzmq 4 falls back to with them).
   * No security mechanism and no READY: the greeting is the handshake. False while incomplete.
   */
  private greet2(dir: Dir): boolean {
    const sd = this.side[dir];
    const buf = sd.buf;
    if (buf.length < 14) return false;
    const b = buf.bytes();
    const flags = b[12];
    if (flags & ~0x02) {
      this.stop(dir, `ZMTP 2.0 identity frame flags 0x${flags.toString(16)} (a final frame expected)`, buf.pos(12));
      return false;
    }
    const hl = flags & 0x02 ? 9 : 2;
    if (b.length < 12 + hl) return false;
    const size = hl === 9 ? be32(b, 13) * 2 ** 32 + be32(b, 17) : b[13];
    if (size > 255) {
      this.stop(dir, `ZMTP 2.0 identity of ${size} bytes (at most 255)`, buf.pos(12));
      return false;
    }
    const total = 12 + hl + size;
    if (b.length < total) return false;
    const start = buf.pos(0);
    const end = buf.pos(total - 1);
    const identity = b.subarray(12 + hl, total);
    buf.consume(total);
    sd.greeting = { major: 2, minor: 0, mechanism: 'NULL', asServer: false };
    const type = SOCKET_TYPES_V2[b[11]];
    if (type) sd.socketType = type;
    const idShown = identity.length ? shownBytes(identity) : undefined;
    const hs = this.handshake(start);
    addFrame(hs.frames, start.frame);
    addFrame(hs.frames, end.frame);
    this.hsWire(dir, total);
    const part = this.hsPart(dir);
    part.version = '2.0';
    part.socketType = type ?? `unknown (${b[11]})`;
    if (idShown !== undefined) part.identity = idShown;
    if (!type) hs.warnings.push(`${dir} greeting: unknown socket type ${b[11]}`);
    if (dir === 'c2s') hs.timing.requestEndUs = end.tsUs;
    else {
      hs.timing.responseStartUs ??= start.tsUs;
      hs.timing.endUs = end.tsUs;
    }
    hs.fields['zmtp.version'] = '2.0';
    if (type) hs.fields[dir === 'c2s' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'] = type;
    if (typeof idShown === 'string') hs.fields[dir === 'c2s' ? 'zmtp.identity' : 'zmtp.peer_identity'] = idShown;
    const other = this.side[OTHER[dir]].greeting;
    if (other && other.major !== 2) hs.warnings.push(`a ZMTP 2.0 greeting answered with ZMTP ${other.major}.${other.minor}`);
    this.setTarget(hs);
    sd.ready = true;
    this.maybeEmitHandshake();
    return true;
  }

  /**
   * A greeting (rfc 23 "The greeting": signature, version, mechanism, as-server, filler), whole or
   * cut by a gap (`g` shorter than 64 bytes: the fields it holds are read, the others left unknown).
   */
  private greet(dir: Dir, g: Uint8Array, start: Position, end: Position): void {
    const sd = this.side[dir];
    const mechBytes = g.subarray(12, 32);
    let n = mechBytes.indexOf(0);
    if (n < 0) n = g.length >= 32 ? 20 : -1;
    const greeting: Greeting = { major: g[10] ?? 3, minor: g[11] ?? 0, mechanism: n >= 0 ? latin1Text(mechBytes.subarray(0, n)) : '?', asServer: g[32] === 1 };
    sd.greeting = greeting;
    const hs = this.handshake(start);
    addFrame(hs.frames, end.frame);
    this.hsWire(dir, g.length);
    const part = this.hsPart(dir);
    part.version = g.length > 11 ? `${greeting.major}.${greeting.minor}` : `${greeting.major}.?`;
    if (greeting.mechanism !== '?') part.mechanism = greeting.mechanism;
    if (g.length > 32) part.asServer = greeting.asServer;
    if (g.length < GREETING) hs.warnings.push(`${dir} greeting cut by a capture gap: ${g.length} of ${GREETING} bytes captured${greeting.mechanism === '?' ? ' (mechanism not captured)' : ''}`);
    if (dir === 'c2s') hs.timing.requestEndUs = end.tsUs;
    else {
      hs.timing.responseStartUs ??= start.tsUs;
      hs.timing.endUs = end.tsUs;
    }
    const other = this.side[OTHER[dir]].greeting;
    const lower = other && (other.major < greeting.major || (other.major === greeting.major && other.minor < greeting.minor)) ? other : greeting;
    hs.fields['zmtp.version'] = `${lower.major}.${lower.minor}`;
    if (greeting.mechanism !== '?') hs.fields['zmtp.mechanism'] = greeting.mechanism;
    else if (other && other.mechanism !== '?') greeting.mechanism = other.mechanism;
    if (other && other.mechanism === '?' && greeting.mechanism !== '?') other.mechanism = greeting.mechanism;
    if (other && other.mechanism !== greeting.mechanism && other.mechanism !== '?' && greeting.mechanism !== '?') hs.warnings.push(`mechanisms differ: ${other.mechanism} / ${greeting.mechanism}`);
    const m = greeting.mechanism;
    if (m !== 'NULL' && m !== 'PLAIN' && m !== 'CURVE' && m !== '?') hs.warnings.push(`unknown security mechanism "${m}"`);
  }

  // ---- gaps ----------------------------------------------------------------------------------

  /**
   * Bytes not captured (snaplen, loss). Inside a frame whose size was captured (rfc 23 "Framing":
   * flags, 1- or 8-byte size) or inside the 64-byte greeting, the missing bytes are counted against
   * it: the frame is decoded from its captured head (a command's name and whole metadata properties,
   * a message part's first bytes) and framing resumes after it. A gap that swallows a boundary makes
   * the direction resynchronise on the next plausible frame.
   */
  gap(dir: Dir, length: number, at: Position): void {
    const sd = this.side[dir];
    if (sd.dead || sd.encrypted) return;
    this.gapped[dir] = true;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.stop(dir, `zmtp decoder error: ${(e as Error).message}`, at);
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const sd = this.side[dir];
    const buf = sd.buf;
    if (sd.greeting?.major === 1) return this.stop(dir, `${length} bytes not captured (ZMTP 1.0 frames have nothing to resynchronise on)`, at);
    if (buf.discarding > 0) return this.account(dir, buf.gapWhileDiscarding(length), at);
    if (!sd.greeting) {
      const b = buf.bytes();
      if (b.length >= 11 && b[0] === 0xff && b[9] === 0x7f && b[10] >= 3) {
        const have = b.length;
        this.greet(dir, b.slice(0, have), buf.pos(0), buf.pos(have - 1));
        buf.clear();
        return this.account(dir, buf.gapOver(GREETING - have, length), at);
      }
      // The greeting itself was not captured: ZMTP 3 is assumed, framing is looked for.
      this.greet(dir, Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3), buf.pos(0), buf.pos(0));
      return this.lose(dir, length, at, 'in the greeting');
    }
    if (this.resync[dir] && !this.findFrame(dir, true)) {
      buf.clear();
      this.afterGap[dir] = true; // what comes next starts right after this gap
      return;
    }
    const b = buf.bytes();
    if (b.length >= 2 && !(b[0] & 0xf8)) {
      const flags = b[0];
      const long = (flags & 2) !== 0;
      const hl = long ? 9 : 2;
      const size = b.length >= hl ? (long ? be32(b, 1) * 2 ** 32 + be32(b, 5) : b[1]) : -1;
      if (size >= 0 && size <= this.session.env.limits.maxBufferedBytes && hl + size > b.length) {
        const have = b.length;
        const body = b.slice(hl);
        const start = buf.pos(0);
        const end = buf.pos(have - 1);
        buf.clear();
        this.cutNow = `frame cut by a capture gap: ${have} of ${hl + size} bytes captured, ${hl + size - have} missing`;
        try {
          if (flags & 0x04) this.onCommand(dir, body, start, end, hl + size, (flags & 0x01) !== 0);
          else this.onFrame(dir, body, (flags & 0x01) !== 0, start, end, hl + size, size);
        } finally {
          this.cutNow = undefined;
        }
        return this.account(dir, buf.gapOver(hl + size - have, length), at);
      }
    }
    this.lose(dir, length, at, b.length ? 'inside a frame header' : 'at a frame boundary');
  }

  /** The gap over the PDU just cut held `past` bytes beyond its end (buf.gapOver): framing is lost for those. */
  private account(dir: Dir, past: number, at: Position): void {
    if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
  }

  /** The framing of `dir` is lost: drop what is buffered, wait for a plausible frame. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    const sd = this.side[dir];
    sd.buf.clear();
    this.resync[dir] = true;
    this.afterGap[dir] = true;
    if (length > 0) this.notes.lost(dir, length, `${dir}: ${length} bytes missing from the capture ${where}; decoding resumes at the next plausible frame`, at);
    else this.notes.lost(dir, 0, `${dir}: framing lost after a capture gap ${where}; decoding resumes at the next plausible frame`, at);
    // A multipart message in progress: its other parts may be in the gap. It ends here.
    if (sd.msg) {
      const m = sd.msg;
      sd.msg = undefined;
      (m.cut ??= []).push('parts after a capture gap may be missing');
      this.finishMessage(dir, m, undefined, 'complete');
    }
    // Replies travelling in `dir` may be gone: a later one would be paired with the wrong request.
    const keep: PendingReq[] = [];
    for (const p of this.pending) {
      if (p.dir === dir) keep.push(p);
      else this.finish(p.call, 'incomplete', 'no reply in the capture (bytes of the replying side were not captured)');
    }
    this.pending.length = 0;
    this.pending.push(...keep);
    for (const c of this.pings[OTHER[dir]].splice(0)) this.finish(c, 'incomplete', 'no PONG in the capture (bytes of the answering side were not captured)');
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first offset where a plausible frame starts
   * (true: it is at the head now) or may start once more bytes come (false).
   */
  private findFrame(dir: Dir, final: boolean): boolean {
    const buf = this.side[dir].buf;
    const r = scanForStart({ get length() { return buf.length; }, view: () => buf.bytes(), consume: (n) => buf.consume(n) }, this.afterGap[dir], final, (b, i, fin, strict) => this.plausible(b, i, fin, strict), RESYNC_WINDOW);
    this.afterGap[dir] = r.afterGap;
    if (r.found) this.resync[dir] = false;
    return r.found;
  }

  /**
   * Frame sanity (rfc 23 "Framing"): flags without reserved bits (no MORE on a command), the long
   * size only above 255 bytes, a command a known name. Message frames say little alone: a chain of
   * them must run to the end of what was captured (or past it, when a gap cuts it); inside the
   * bytes after a gap (`strict`) the chain needs two frames, or a command.
   */
  private plausible(b: Uint8Array, i: number, final: boolean, strict: boolean): 'yes' | 'no' | 'more' {
    const short = final ? 'no' : 'more';
    let o = i;
    let count = 0;
    const limit = this.session.env.limits.maxBufferedBytes;
    for (;;) {
      const left = b.length - o;
      if (left === 0) return count >= (strict ? 2 : 1) ? 'yes' : short;
      if (left < 2) return count >= (strict ? 2 : 1) && final ? 'yes' : short;
      const flags = b[o];
      if (flags & 0xf8 || (flags & 5) === 5) return 'no';
      const long = (flags & 2) !== 0;
      const hl = long ? 9 : 2;
      if (left < hl) return count && final ? 'yes' : short;
      let size = b[o + 1];
      if (long) {
        const hi = be32(b, o + 1);
        if (hi >= 0x200000) return 'no';
        size = hi * 2 ** 32 + be32(b, o + 5);
        if (size < 256 || size > limit) return 'no';
      }
      if (flags & 4) {
        if (left < hl + 1) return short;
        const nl = b[o + hl];
        if (nl === 0 || nl + 1 > size) return 'no';
        const seen = Math.min(nl, left - hl - 1);
        const name = latin1Text(b.subarray(o + hl + 1, o + hl + 1 + seen));
        if (!/^[A-Z]*$/.test(name)) return 'no';
        if (seen === nl) return COMMANDS.has(name) ? 'yes' : 'no';
        return final && seen >= 3 && [...COMMANDS].some((c) => c.startsWith(name)) ? 'yes' : short;
      }
      count++;
      if (count >= 16) return 'yes'; // (bounded: sixteen plausible frames in a row are enough)
      if (left < hl + size) return final && (count >= 2 || !strict) ? 'yes' : short;
      o += hl + size;
      if (!(flags & 1) && o === b.length) return count >= (strict ? 2 : 1) ? 'yes' : short;
    }
  }

  // ---- commands ------------------------------------------------------------------------------

  private onCommand(dir: Dir, body: Uint8Array, start: Position, end: Position, wire: number, more: boolean): void {
    const sd = this.side[dir];
    const s = this.session;
    if (more) s.warn(`${dir}: command frame with the MORE flag set`, start);
    let name: string;
    let data: Uint8Array;
    if (body.length < 1 || body.length < 1 + body[0]) {
      // Cut inside its name: the one command whose name starts so and has that length (rfc 23, 37).
      const seen = latin1Text(body.subarray(1));
      const only = this.cutNow && body.length >= 4 ? [...COMMANDS].filter((c) => c.length === body[0] && c.startsWith(seen)) : [];
      if (only.length !== 1) {
        if (this.cutNow) return void this.hs?.warnings.push(`${dir} command ${this.cutNow}, before its name ended`);
        return s.warn(`${dir}: command frame too short for its name`, start);
      }
      name = only[0];
      data = new Uint8Array(0);
    } else {
      name = latin1Text(body.subarray(1, 1 + body[0]));
      data = body.subarray(1 + body[0]);
    }
    const mech = sd.greeting?.mechanism ?? 'NULL';
    const hsOpen = !sd.ready || !this.hsEmitted;
    const note = (v: unknown) => {
      if (!this.hs) return;
      addFrame(this.hs.frames, end.frame);
      this.hsWire(dir, wire);
      if (dir === 'c2s') this.hs.timing.requestEndUs = end.tsUs;
      else this.hs.timing.endUs = end.tsUs;
      if (sd.commands.length < 16) sd.commands.push(v);
      this.hsPart(dir).commands = sd.commands;
    };
    switch (name) {
      case 'READY':
      case 'INITIATE': {
        if (mech === 'CURVE') {
          note({ command: name, encrypted: true, size: data.length });
          if (name === 'INITIATE' || dir === 's2c') this.markEncrypted(dir, start);
          return;
        }
        const meta = parseMetadata(data, s.env.limits.maxHeaders);
        sd.metadata = meta.props;
        const st = meta.props['Socket-Type'];
        if (typeof st === 'string') sd.socketType = st.toUpperCase();
        note({ command: name, metadata: meta.props, ...(meta.warning && !this.cutNow ? { warning: meta.warning } : {}) });
        if (this.cutNow) this.hs?.warnings.push(`${dir} ${name} ${this.cutNow}${sd.socketType ? '' : ' (Socket-Type not captured)'}`);
        else if (meta.warning) this.hs?.warnings.push(`${dir} ${name}: ${meta.warning}`);
        if (this.hs) {
          if (sd.socketType) this.hs.fields[dir === 'c2s' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'] = sd.socketType;
          const id = meta.props['Identity'];
          if (typeof id === 'string' && id) this.hs.fields[dir === 'c2s' ? 'zmtp.identity' : 'zmtp.peer_identity'] = id;
          this.hs.method = 'handshake';
          this.setTarget(this.hs);
        }
        sd.ready = true;
        this.maybeEmitHandshake();
        return;
      }
      case 'HELLO': {
        if (mech === 'PLAIN') {
          const u = data[0] ?? 0;
          const username = latin1Text(data.subarray(1, 1 + u));
          const pw = data[1 + u];
          if (this.cutNow) this.hs?.warnings.push(`${dir} HELLO ${this.cutNow}`);
          else if (1 + u > data.length || pw === undefined || 2 + u + pw > data.length) this.hs?.warnings.push('PLAIN HELLO: lengths run past the command');
          note({ command: 'HELLO', username, password: REDACTED });
          if (this.hs) this.hs.fields['zmtp.username'] = username;
        } else if (mech === 'CURVE') note({ command: 'HELLO', encrypted: true, size: data.length, ...(data.length >= 2 ? { curveVersion: `${data[0]}.${data[1]}` } : {}) });
        else note({ command: 'HELLO', size: data.length });
        return;
      }
      case 'WELCOME':
        note({ command: 'WELCOME', ...(mech === 'CURVE' ? { encrypted: true } : {}), size: data.length });
        return;
      case 'ERROR': {
        const n = data[0] ?? 0;
        const reason = latin1Text(data.subarray(1, 1 + n));
        note({ command: 'ERROR', reason });
        if (this.hs && hsOpen) {
          this.hs.status = { code: 'ERROR', text: reason, ok: false };
          this.hs.fields['zmtp.error'] = reason;
          this.emitHandshake('complete');
        } else {
          const c = s.newCall('zmtp', start);
          c.kind = 'event';
          c.method = 'ERROR';
          c.state = 'complete';
          c.status = { code: 'ERROR', text: reason, ok: false };
          c.fields['zmtp.dir'] = dir;
          addFrame(c.frames, end.frame);
          s.emit(c);
        }
        return;
      }
      case 'MESSAGE':
        this.markEncrypted(dir, start);
        return;
      case 'SUBSCRIBE':
      case 'CANCEL':
        return this.onSubscription(dir, name, data, start, end, wire);
      case 'PING': {
        const c = s.newCall('zmtp', start);
        c.kind = 'event';
        c.method = 'PING';
        c.state = 'pending';
        c.fields['zmtp.dir'] = dir;
        if (data.length >= 2) c.fields['zmtp.ping_ttl_ms'] = be16(data, 0) * 100;
        const part = { value: { ttlDeciseconds: data.length >= 2 ? be16(data, 0) : undefined, context: toHex(data.subarray(2, 18)) }, wireBytes: wire };
        if (dir === 'c2s') (c.request = part), (c.timing.requestEndUs = end.tsUs);
        else (c.request = part), (c.timing.requestEndUs = end.tsUs);
        addFrame(c.frames, end.frame);
        const q = this.pings[dir];
        q.push(c);
        if (q.length > 1000) this.finish(q.shift()!, 'incomplete', 'no PONG seen');
        return;
      }
      case 'PONG': {
        const ping = this.pings[OTHER[dir]].shift();
        const c = ping ?? s.newCall('zmtp', start);
        if (!ping) {
          c.kind = 'event';
          c.method = 'PONG';
          c.fields['zmtp.dir'] = dir;
        }
        c.response = { value: { context: toHex(data.subarray(0, 16)) }, wireBytes: wire };
        c.timing.responseStartUs = start.tsUs;
        c.timing.endUs = end.tsUs;
        addFrame(c.frames, end.frame);
        this.finish(c, 'complete');
        return;
      }
      default: {
        if (this.hs && hsOpen) {
          note({ command: name, size: data.length });
          return;
        }
        const c = s.newCall('zmtp', start);
        c.kind = 'event';
        c.method = name || '(command)';
        c.state = 'complete';
        c.fields['zmtp.dir'] = dir;
        c.warnings.push(`unknown ZMTP command "${name}"`);
        c.request = { value: { size: data.length, hex: toHex(data, 64) }, wireBytes: wire };
        addFrame(c.frames, end.frame);
        s.emit(c);
      }
    }
  }

  private markEncrypted(dir: Dir, at: Position): void {
    const sd = this.side[dir];
    if (sd.encrypted) return;
    sd.encrypted = true;
    sd.buf.clear();
    this.session.warn(`${dir}: CURVE-encrypted after the handshake; messages are not decoded`, at);
    if (this.hs) {
      this.hs.fields['zmtp.encrypted'] = true;
      if (this.side.c2s.encrypted && this.side.s2c.encrypted) this.emitHandshake('complete');
    }
  }

  private maybeEmitHandshake(): void {
    if (this.side.c2s.ready && this.side.s2c.ready) this.emitHandshake('complete');
  }

  private emitHandshake(state: Call['state']): void {
    if (!this.hs || this.hsEmitted) return;
    this.hsEmitted = true;
    this.hs.state = state;
    this.hs.status ??= { code: 'READY', ok: true };
    this.session.emit(this.hs);
  }

  private finish(c: Call, state: Call['state'], warning?: string): void {
    c.state = state;
    if (warning) c.warnings.push(warning);
    this.session.emit(c);
  }

  /**
   * The socket type of `dir` when a gap kept its READY metadata (Socket-Type) from the capture, read
   * off the traffic where it is unambiguous (rfc 29 PUB/SUB, rfc 37 SUBSCRIBE/CANCEL): a side that
   * subscribes is SUB and its peer PUB. Undefined otherwise: REQ and DEALER both send the empty
   * delimiter frame, PUSH and PAIR look alike, so those stay unnamed rather than misnamed.
   */
  private infer(dir: Dir, m: OpenMsg): string | undefined {
    const sd = this.side[dir];
    const peer = this.side[OTHER[dir]];
    if (sd.inferred) return sd.inferred;
    if (!this.gapped.c2s && !this.gapped.s2c) return undefined;
    const peerType = peer.socketType ?? peer.inferred;
    let t: string | undefined;
    if (sd.subscribes) t = 'SUB';
    else if (peer.subscribes || peerType === 'SUB' || peerType === 'XSUB') t = 'PUB';
    void m;
    if (t) {
      sd.inferred = t;
      if (this.hs) this.hs.fields[dir === 'c2s' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'] ??= t;
    }
    return t;
  }

  /**
   * ZMTP 1.0 sends no socket type. The request-reply envelope (libzmq 2.x REQ and REP put an empty
   * delimiter part before the body) names one: a client message whose first part is the empty delimiter, with more parts, is a REQ's; a server
   * message shaped alike while a request waits is the REP's answer. Anything else stays unnamed.
   */
  private infer1(dir: Dir, m: OpenMsg): string | undefined {
    const sd = this.side[dir];
    if (sd.inferred) return sd.inferred;
    if (m.sizes.length < 2 || m.sizes[0] !== 0) return undefined;
    const t = dir === 'c2s' ? 'REQ' : this.pending.length && this.pending[0].dir === 'c2s' ? 'REP' : undefined;
    if (t) {
      sd.inferred = t;
      if (this.hs) this.hs.fields[dir === 'c2s' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'] ??= t;
    }
    return t;
  }

  private onSubscription(dir: Dir, name: string, topic: Uint8Array, start: Position, end: Position, wire: number): void {
    const s = this.session;
    this.side[dir].subscribes = true;
    const c = s.newCall('zmtp', start);
    c.kind = 'event';
    c.method = name;
    c.state = 'complete';
    const t = utf8Strict(topic);
    c.target = (t ?? `0x${toHex(topic, 64)}`) + (this.cutNow ? '…' : '');
    if (this.cutNow) c.warnings.push(`${name} ${this.cutNow}`);
    c.fields['zmtp.dir'] = dir;
    c.fields['zmtp.topic'] = c.target;
    if (this.side[dir].socketType) c.fields['zmtp.socket_type'] = this.side[dir].socketType!;
    c.request = { value: { topic: c.target }, wireBytes: wire };
    c.timing.requestEndUs = end.tsUs;
    addFrame(c.frames, end.frame);
    s.emit(c);
  }

  // ---- messages ------------------------------------------------------------------------------

  private onFrame(dir: Dir, body: Uint8Array, more: boolean, start: Position, end: Position, wire: number, fullSize = body.length): void {
    const sd = this.side[dir];
    const limits = this.session.env.limits;
    // (ZMTP 2.0 has no handshake to wait for: a peer sends messages right after its own greeting)
    if (!this.hsEmitted && this.hs && sd.greeting && sd.greeting.major > 2) {
      this.hs.warnings.push('message frames before both READY commands');
      this.emitHandshake('incomplete');
    }
    let m = sd.msg;
    if (!m) m = sd.msg = { parts: [], sizes: [], total: 0, start, frames: [], wire: 0, dropped: false };
    if (m.sizes.length < MAX_PARTS) m.sizes.push(fullSize);
    else m.dropped = true;
    m.total += fullSize;
    if (this.cutNow) (m.cut ??= []).push(`part ${m.sizes.length}: ${this.cutNow}`);
    m.wire += wire;
    if (!m.dropped && m.total <= limits.maxBufferedBytes) m.parts.push(body);
    else m.dropped = true;
    addFrame(m.frames, start.frame);
    addFrame(m.frames, end.frame);
    if (!more) {
      sd.msg = undefined;
      this.finishMessage(dir, m, end, 'complete');
    }
  }

  private finishMessage(dir: Dir, m: OpenMsg, end: Position | undefined, state: Call['state'], why?: string): void {
    const s = this.session;
    const limits = s.env.limits;
    const sd = this.side[dir];
    const sender = sd.socketType ?? (sd.greeting?.major === 1 ? this.infer1(dir, m) : this.infer(dir, m)) ?? '';
    const receiver = this.side[OTHER[dir]].socketType ?? this.side[OTHER[dir]].inferred ?? '';
    const guessed = !sd.socketType && !!sender;
    const guessNote = `socket type ${sender} inferred from the traffic (${sd.greeting?.major === 1 ? 'ZMTP 1.0 does not send it' : 'its READY metadata was not captured'})`;

    // ZMTP 3.0 subscriptions: a one-part message from SUB/XSUB starting with 1 (subscribe) or 0 (cancel).
    if (state === 'complete' && (sender === 'SUB' || sender === 'XSUB') && m.parts.length === 1 && m.parts[0].length >= 1 && m.parts[0][0] <= 1) {
      const p = m.parts[0];
      return this.onSubscription(dir, p[0] === 1 ? 'SUBSCRIBE' : 'CANCEL', p.subarray(1), m.start, end!, m.wire);
    }

    let parts = m.parts;
    let envelope: Uint8Array[] = [];
    /** Index in m.parts / m.sizes of the first part shown (after the envelope). */
    let first = 0;
    const isRequest = sender === 'REQ' || (sender === 'DEALER' && receiver === 'REP');
    const isReply = sender === 'REP' || (sender === 'ROUTER' && receiver === 'REQ');
    if (isRequest || isReply) {
      const d = m.sizes.findIndex((n) => n === 0);
      if (d >= 0 && d < parts.length) {
        envelope = parts.slice(0, d);
        parts = parts.slice(d + 1);
        first = d + 1;
      } else if (sender === 'REQ' || sender === 'REP') {
        why = why ?? 'REQ/REP message without the empty delimiter frame';
      }
    }
    // A message cut by a gap hashes to nothing its other copies would: no msg.key to join on.
    const whole = m.dropped || m.cut ? undefined : concatBytes(m.parts);
    if (m.cut) why = [why, ...m.cut.slice(0, 8)].filter(Boolean).join('; ');
    let topicBytes = m.parts[0] ?? new Uint8Array(0);
    // The first part cut by a gap: the topic as far as it was captured, marked.
    const topicCut = (m.sizes[0] ?? 0) > topicBytes.length;
    for (let k = 1; topicCut && k <= 3 && k < topicBytes.length && utf8Strict(topicBytes) === undefined; k++) topicBytes = topicBytes.subarray(0, topicBytes.length - 1);
    const topic = (utf8Strict(topicBytes.subarray(0, 256)) ?? toHex(topicBytes, 64)) + (topicCut ? '…' : '');
    // (a note on a part's JSON goes to the call's warnings; a single part's body says the same)
    const notes: string[] = [];
    const value = {
      parts: parts.slice(0, MAX_PARTS_SHOWN).map((p, k) => ({ size: m.sizes[first + k] ?? p.length, value: payloadValue(p, limits, notes) })),
      ...(parts.length > MAX_PARTS_SHOWN ? { more: parts.length - MAX_PARTS_SHOWN } : {}),
      ...(envelope.length ? { envelope: envelope.map((e) => toHex(e, 64)) } : {}),
    };
    const part = {
      value,
      ...(parts.length === 1 ? { body: payloadBody(parts[0], limits) } : {}),
      wireBytes: m.wire,
    };
    const message = { dir, index: sd.index++, tsUs: (end ?? m.start).tsUs, size: m.total, frame: end?.frame, label: `${m.sizes.length} part${m.sizes.length === 1 ? '' : 's'}` };

    if (isReply && state === 'complete') {
      const p = this.pending.shift();
      if (p) {
        const c = p.call;
        c.response = part;
        c.timing.responseStartUs = m.start.tsUs;
        c.timing.endUs = end!.tsUs;
        for (const f of m.frames) addFrame(c.frames, f);
        c.messages!.push(message);
        c.fields['zmtp.reply_parts'] = m.sizes.length;
        if (sender) c.fields['zmtp.peer_socket_type'] ??= sender;
        c.state = 'complete';
        c.status = { code: 'OK', ok: true };
        if (why) c.warnings.push(why);
        if (guessed && sd.greeting?.major !== 1) c.warnings.push(guessNote);
        c.warnings.push(...notes);
        s.emit(c);
        return;
      }
    }

    const c = s.newCall('zmtp', m.start);
    c.method = sender || 'message';
    c.frames = [];
    for (const f of m.frames) addFrame(c.frames, f);
    c.state = state;
    if (why) c.warnings.push(why);
    if (guessed) {
      // (ZMTP 1.0 never names socket types: inferring them is the rule there, not a warning)
      if (sd.greeting?.major !== 1) c.warnings.push(guessNote);
      c.fields['zmtp.socket_type_inferred'] = true;
    }
    c.messages = [message];
    c.fields['zmtp.dir'] = dir;
    c.fields['zmtp.parts'] = m.sizes.length;
    if (sender) c.fields['zmtp.socket_type'] = sender;
    if (receiver) c.fields['zmtp.peer_socket_type'] = receiver;
    if (m.dropped) c.warnings.push(`message larger than ${limits.maxBufferedBytes} bytes or ${MAX_PARTS} parts: not all parts kept`);
    c.warnings.push(...notes);
    const pubsub = sender === 'PUB' || sender === 'XPUB';
    if (isRequest) c.kind = 'unary';
    else if (pubsub) c.kind = receiver === 'XSUB' ? 'publish' : 'deliver';
    else c.kind = 'oneway';
    if (pubsub) c.target = topic;
    if (whole && !isRequest && !isReply) {
      c.fields['msg.key'] = messageKey('zmtp', topic, whole);
      c.fields['msg.destination'] = topic;
      c.fields['zmtp.topic'] = topic;
    }
    const toRequest = c.kind === 'unary' || c.kind === 'publish' || (c.kind === 'oneway' && dir === 'c2s');
    if (toRequest) {
      c.request = part;
      if (end) c.timing.requestEndUs = end.tsUs;
    } else {
      c.response = part;
      c.timing.responseStartUs = m.start.tsUs;
      if (end) c.timing.endUs = end.tsUs;
    }
    if (c.kind === 'unary' && state === 'complete') {
      c.state = 'pending';
      this.pending.push({ call: c, dir });
      if (this.pending.length > 10_000) this.finish(this.pending.shift()!.call, 'incomplete', 'no reply seen');
      return;
    }
    s.emit(c);
  }

  end(): void {}

  close(at: Position, how?: CloseReason): void {
    const s = this.session;
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const sd = this.side[dir];
      if (sd.msg) this.finishMessage(dir, sd.msg, undefined, 'incomplete', 'connection ended inside a multipart message');
      sd.msg = undefined;
      if (!sd.dead && !sd.encrypted && sd.buf.length > 0) s.warn(`${dir}: ${sd.buf.length} bytes of an unfinished ZMTP frame at the end`, at);
      sd.buf.clear();
      for (const p of this.pings[dir].splice(0)) this.finish(p, 'incomplete', 'no PONG seen');
    }
    const left = leftWaiting(how, 'reply', 'no reply seen');
    if (this.hs && !this.hsEmitted) {
      // Both sides' last handshake commands say where it stopped (PLAIN: a HELLO without WELCOME is
      // a refused login or a server without a ZAP handler, ZMTP 3.1 / RFC 27).
      const last = (dir: Dir) => {
        const v = (dir === 'c2s' ? this.hs!.request?.value : this.hs!.response?.value) as { commands?: Array<{ command: string }> } | undefined;
        const cmds = v?.commands ?? [];
        return cmds.length ? cmds[cmds.length - 1].command : 'no command';
      };
      const where = `client: ${last('c2s')}, server: ${last('s2c')}`;
      const gone = leftWaiting(how, 'end of the handshake', 'handshake not finished');
      this.hs.warnings.push(`${gone.warning} (${where})`);
      this.hs.status = { code: 'unfinished', text: `handshake not finished (${where})`, ok: false };
      this.emitHandshake(gone.state);
    }
    for (const p of this.pending.splice(0)) this.finish(p.call, left.state, left.warning);
  }
}

/** A metadata value or an identity: its text when it is UTF-8 without control characters, else `{hex, size}`. */
function shownBytes(v: Uint8Array): string | { hex: string; size: number } {
  const text = utf8Strict(v);
  return text !== undefined && !/[\x00-\x08\x0e-\x1f]/.test(text) ? text : { hex: toHex(v, 64), size: v.length };
}

/** ZMTP metadata: name-size (1 byte), name, value-size (4 bytes), value — repeated. */
export function parseMetadata(b: Uint8Array, maxProps: number): { props: Record<string, unknown>; warning?: string } {
  const props: Record<string, unknown> = {};
  let i = 0;
  let count = 0;
  while (i < b.length) {
    if (count++ >= maxProps) return { props, warning: `more than ${maxProps} metadata properties` };
    const n = b[i];
    if (n === 0 || i + 1 + n + 4 > b.length) return { props, warning: 'metadata property runs past the command' };
    const name = latin1Text(b.subarray(i + 1, i + 1 + n));
    const vlen = be32(b, i + 1 + n);
    const vstart = i + 1 + n + 4;
    if (vstart + vlen > b.length) return { props, warning: `metadata value of "${name}" (${vlen} bytes) runs past the command` };
    props[name] = shownBytes(b.subarray(vstart, vstart + vlen));
    i = vstart + vlen;
  }
  return { props };
}

/**
 * A ZMTP 1.0 frame header at b[0] (rfc.zeromq.org/spec/13: the length of flags + body, one byte,
 * or 0xFF and a 64-bit length; then the flags, bit 0 MORE): its header size and body size, 'more'
 * while incomplete, or why it is not one.
 */
function header1(b: Uint8Array): { hl: number; size: number; flags: number } | 'more' | string {
  if (b.length < 1) return 'more';
  let hl = 2;
  let length = b[0];
  if (length === 0xff) {
    if (b.length < 10) return 'more';
    const hi = be32(b, 1);
    if (hi >= 0x200000) return `frame length ${BigInt(hi) * 2n ** 32n + BigInt(be32(b, 5))} is beyond reason`;
    length = hi * 2 ** 32 + be32(b, 5);
    hl = 10;
  } else if (b.length < 2) return 'more';
  if (length === 0) return 'frame length 0 (the flags byte counts in it)';
  return { hl, size: length - 1, flags: b[hl - 1] };
}

/** A ZMTP 1.0 identity frame at the start of `h` (final, 0–255 bytes), whole: where it ends; 0 otherwise. */
function identity1(h: Uint8Array): number {
  if (h[0] === 0xff) return 0;
  const id = header1(h);
  if (typeof id !== 'object' || id.flags !== 0 || id.size > 255 || h.length < id.hl + id.size) return 0;
  return id.hl + id.size;
}

/** Bytes of a side's head a ZMTP 1.0 probe waits for before giving up on a whole message. */
const V1_PROBE_BYTES = 8192;

/**
 * ZMTP 1.0 has no signature: a side is taken when its head is an identity frame then well-formed
 * frames (flags 0 or MORE) making a whole message, and either ends on a frame boundary or holds two
 * whole messages. (The other side must open with an identity too: see `refute`.)
 */
function probe1(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  const id = header1(head);
  if (id === 'more') return 'need-more';
  if (typeof id === 'string' || id.flags !== 0 || id.size > 255) return 'reject';
  let i = id.hl + id.size;
  let messages = 0;
  let frames = 0;
  while (i < head.length && frames++ < 10_000) {
    const h = header1(head.subarray(i));
    if (h === 'more') break;
    if (typeof h === 'string' || h.flags & 0xfe) return 'reject';
    if (i + h.hl + h.size > head.length) break;
    i += h.hl + h.size;
    if (!(h.flags & 0x01)) messages++;
  }
  if (messages >= 2 || (messages === 1 && i === head.length)) return 'accept';
  return head.length < V1_PROBE_BYTES ? 'need-more' : 'reject';
}

/**
 * A ZMTP 1.0 guess stands only when both sides open with an identity frame (or, for a libzmq 3/4
 * peer falling back, its 10-byte signature) at a connection's start.
 */
function refute(heads: { c2s: Uint8Array; s2c: Uint8Array }, joinedLate: boolean): boolean {
  const v1 = (heads.c2s.length > 0 && heads.c2s[0] !== 0xff) || (heads.s2c.length > 0 && heads.s2c[0] !== 0xff);
  if (!v1) return false;
  if (joinedLate) return true;
  const opens = (h: Uint8Array): boolean => identity1(h) > 0 || (h.length >= 10 && h[0] === 0xff && h[9] === 0x7f);
  return !opens(heads.c2s) || !opens(heads.s2c);
}

function probe(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  if (head.length === 0) return 'need-more';
  if (head[0] !== 0xff) return probe1(head);
  if (head.length < 11) return 'need-more';
  // ZMTP 3.x (major version), or ZMTP 2.0 (revision 1)
  return head[9] === 0x7f && (head[10] >= 3 || head[10] === 1) ? 'accept' : 'reject';
}

export const spec: DecoderSpec = {
  id: 'zmtp',
  name: 'ZeroMQ (ZMTP 1.0, 2.0, 3.x)',
  transport: 'tcp',
  probe,
  refute,
  probeOrder: 20,
  create: (session) => new ZmtpDecoder(session),
};
