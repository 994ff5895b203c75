/**
 * AMQP 0-9-1 (amqp0-9-1.pdf + amqp0-9-1.xml, with the RabbitMQ errata and extensions).
 *
 * Reached on port 5672 or by probe on the protocol header `AMQP\x00\x00\x09\x01`. An AMQP 1.0
 * header (`AMQP 0 1 0 0`, or `AMQP 3 1 0 0` for SASL first) hands the connection to decoders/amqp1;
 * other `AMQP` headers (0-8, 0-10) are recognised and reported, not decoded: such a connection
 * becomes one 'event' naming the protocol, with its byte counts.
 *
 * §4.2.3 frames (type, channel, size, payload, 0xCE) are reassembled per direction; method
 * frames are decoded with named arguments (methods.ts), content headers with every basic
 * property, body frames are joined into messages (bounded preview). Calls:
 *  - a synchronous method and its -Ok reply (per channel, in order) → one 'unary' call;
 *    methods with no-wait set → 'oneway'; channel.close / connection.close carry the reply code
 *    as status, and fail the pending method they name;
 *  - basic.publish + content → 'publish' (held until its confirm in confirm mode);
 *  - basic.deliver / basic.get-ok + content → 'deliver' (held until the consumer's ack / nack /
 *    reject when the consumer acknowledges), basic.return → 'event' with the reply code, failing the
 *    mandatory/immediate publish it returns; basic.recover ends the channel's unacknowledged deliveries;
 *  - heartbeats and other chatter (blocked, unblocked, recover-async) → 'event'.
 * Publishes and deliveries set `msg.key` (calls/key.ts) so the flow correlator joins them.
 *
 * Capture gaps (snaplen, loss; see gap()): a frame cut by a gap is decoded as far as it goes (a method
 * frame's class and method, its arguments so far) and its size says where the next frame starts; a
 * gap over a boundary resynchronises on frame sanity (type, size, frame-end 0xCE).
 */
import type { CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir, HeaderList } from '../core/model';
import { be16, be32, latin1Text } from '../core/bytes';
import { rolesBackwards, type Side } from '../core/roles';
import { DirStream, addFrames } from '../calls/stream';
import { PayloadBuffer, payloadBody } from '../calls/payload';
import { BASIC_PROPERTIES, REPLY_CODES, REQUEST_OF, className, methodDef, methodDefOf } from './methods';
import { scanForStart } from '../core/resync';
import { Reader, bigToJson } from './wire';
import { createAmqp1Decoder } from '../amqp1/index';
import { GapNotes } from '../core/gap-notes';

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_HEARTBEAT = 8;
const FRAME_END = 0xce;
/** RabbitMQ's frame_max upper bound is far below this; larger sizes are lies. */
const MAX_FRAME = 16 << 20;
const MAX_HELD = 10000;
/** Publishes remembered per channel since the broker last answered on it (for a channel.close naming basic.publish). */
const RECENT_PUBLISHES = 64;
/** Bytes looked at per data event while resynchronising. */
const RESYNC_WINDOW = 64 * 1024;

interface Pending {
  call: Call;
  method: string;
  dir: Dir;
  classId: number;
  methodId: number;
}

interface Content {
  call: Call;
  method: string;
  args: Record<string, unknown>;
  bodySize: number;
  buf?: PayloadBuffer;
  props?: Record<string, unknown>;
  headerSeen: boolean;
  noAck?: boolean;
  /** What capture gaps took from this message (its frames cut, its body short): said on its call. */
  cut?: string[];
  /** Body bytes counted as received though a gap kept them from the capture. */
  missing?: number;
}

interface ChannelState {
  pending: Pending[];
  content: { c2s?: Content; s2c?: Content };
  confirm: boolean;
  publishSeq: number;
  unconfirmed: Map<number, Call>;
  unacked: Map<bigint, Call>;
  noAckConsumers: Set<string>;
  getNoAck: boolean[];
  /** A gap may have swallowed whole basic.publish frames: the publish sequence numbers (confirms) are unknown from then on. */
  seqLost?: boolean;
  /**
   * Publishes (id, exchange, start) sent since the broker last answered a method of this channel, oldest first;
   * a mandatory or immediate one keeps its msg.key, for the basic.return that may come back for it.
   */
  recent: Array<{ id: number; exchange: string; startUs: number; returnKey?: string }>;
  /** tx.select was sent: publishes wait for tx.commit, and a tx.rollback drops them (their ids, since the last of either). */
  tx?: number[];
}

function newChannel(): ChannelState {
  return { pending: [], content: {}, confirm: false, publishSeq: 0, unconfirmed: new Map(), unacked: new Map(), noAckConsumers: new Set(), getNoAck: [], recent: [] };
}

export function probeAmqp(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  const sig = [0x41, 0x4d, 0x51, 0x50];
  for (let i = 0; i < Math.min(4, head.length); i++) if (head[i] !== sig[i]) return 'reject';
  if (head.length < 8) return 'need-more';
  return head[4] <= 3 && head[5] <= 1 && head[6] <= 10 ? 'accept' : 'reject';
}

/** Frames a mid-connection probe walks before deciding. */
const MID_PROBE_FRAMES = 8;

/**
 * A head that starts mid-connection (§4.2.3 general frame format: type, channel, size, payload,
 * frame-end 0xCE). Walked frame by frame: a method frame must name a method of the specification,
 * a content header the basic class (60) with weight 0, a heartbeat be channel 0 and empty, and
 * each whole frame end in 0xCE. One such frame decides on the AMQP port; elsewhere two, or one
 * method frame whose frame end is seen (class, method and end octet: 1 chance in ~2^40 for
 * random bytes). A body frame is stepped over when whole, never evidence by itself; a head that
 * starts inside a frame is refused (the other direction may still start on a boundary).
 */
export function probeAmqpMidstream(head: Uint8Array, byPort: boolean): 'accept' | 'reject' | 'need-more' {
  let i = 0;
  let strong = 0;
  for (let n = 0; n < MID_PROBE_FRAMES; n++) {
    const left = head.length - i;
    if (left < 7) return strong >= (byPort ? 1 : 2) || (strong && left === 0) ? 'accept' : 'need-more';
    const f = frameShape(head, i);
    if (f === 'no') return 'reject';
    if (f === 'more' || (!f.startChecked && f.t !== FRAME_BODY && f.t !== FRAME_HEARTBEAT)) return 'need-more';
    if (!f.whole) {
      // A frame longer than the head can hold: its start decides (a body frame says nothing).
      if (f.size + 8 > 4096) return f.t !== FRAME_BODY && (byPort || strong) ? 'accept' : f.t === FRAME_BODY ? 'reject' : 'need-more';
      return 'need-more';
    }
    if (f.t !== FRAME_BODY) strong++;
    if (strong >= 2 || (byPort && strong) || (f.t === FRAME_METHOD && strong)) return 'accept';
    i += f.size + 8;
  }
  return strong ? 'accept' : 'reject';
}

/**
 * What a frame at b[i] says of itself (§4.2.3), whatever the connection's state: a known type, a size
 * within reason, a heartbeat on channel 0 and empty, a method frame naming a method of the
 * specification and a content header the basic class with weight 0 (`startChecked`: once their
 * first 11 bytes are there), the frame-end octet 0xCE (once `whole`). 'more': not 7 bytes yet.
 */
function frameShape(b: Uint8Array, i: number): 'no' | 'more' | { t: number; channel: number; size: number; whole: boolean; startChecked: boolean } {
  const left = b.length - i;
  if (left < 7) return 'more';
  const t = b[i];
  const channel = be16(b, i + 1);
  const size = be32(b, i + 3);
  if (t !== FRAME_METHOD && t !== FRAME_HEADER && t !== FRAME_BODY && t !== FRAME_HEARTBEAT) return 'no';
  if (size > Math.min(MAX_FRAME, 1 << 20)) return 'no';
  if (t === FRAME_HEARTBEAT && (size !== 0 || channel !== 0)) return 'no';
  if ((t === FRAME_METHOD && size < 4) || (t === FRAME_HEADER && size < 14)) return 'no';
  const startChecked = left >= 11;
  if (startChecked && t === FRAME_METHOD && !methodDef(be16(b, i + 7), be16(b, i + 9))) return 'no';
  if (startChecked && t === FRAME_HEADER && (be16(b, i + 7) !== 60 || be16(b, i + 9) !== 0)) return 'no';
  const whole = left >= size + 8;
  if (whole && b[i + size + 7] !== FRAME_END) return 'no';
  return { t, channel, size, whole, startChecked };
}

/** Methods only a broker sends (amqp0-9-1.xml `chassis name="client"` only) and only a client sends. */
const BROKER_ONLY = new Set(['connection.start', 'connection.secure', 'connection.tune', 'connection.open-ok', 'connection.blocked', 'connection.unblocked', 'connection.update-secret', 'channel.open-ok', 'exchange.declare-ok', 'exchange.delete-ok', 'exchange.bind-ok', 'exchange.unbind-ok', 'queue.declare-ok', 'queue.bind-ok', 'queue.purge-ok', 'queue.delete-ok', 'queue.unbind-ok', 'basic.qos-ok', 'basic.consume-ok', 'basic.return', 'basic.deliver', 'basic.get-ok', 'basic.get-empty', 'basic.recover-ok', 'confirm.select-ok', 'tx.select-ok', 'tx.commit-ok', 'tx.rollback-ok']);
const CLIENT_ONLY = new Set(['connection.start-ok', 'connection.secure-ok', 'connection.tune-ok', 'connection.open', 'connection.update-secret-ok', 'channel.open', 'exchange.declare', 'exchange.delete', 'exchange.bind', 'exchange.unbind', 'queue.declare', 'queue.bind', 'queue.purge', 'queue.delete', 'queue.unbind', 'basic.qos', 'basic.consume', 'basic.publish', 'basic.get', 'basic.reject', 'basic.recover-async', 'basic.recover', 'confirm.select', 'tx.select', 'tx.commit', 'tx.rollback']);

/** Who sent the method frames at the start of a head (§4.2.3 frames walked as the mid-connection probe does). */
function amqpSides(head: Uint8Array): Set<Side> {
  const sides = new Set<Side>();
  for (let i = 0, n = 0; n < MID_PROBE_FRAMES && head.length - i >= 11; n++) {
    const size = be32(head, i + 3);
    if (head[i] === FRAME_METHOD) {
      const name = methodDef(be16(head, i + 7), be16(head, i + 9))?.name;
      if (name && BROKER_ONLY.has(name)) sides.add('server');
      else if (name && CLIENT_ONLY.has(name)) sides.add('client');
    }
    i += size + 8;
  }
  return sides;
}

class AmqpDecoder implements StreamDecoder {
  private s: { c2s: DirStream; s2c: DirStream } = { c2s: new DirStream(), s2c: new DirStream() };
  private started: { c2s: boolean; s2c: boolean } = { c2s: false, s2c: false };
  private lost: { c2s: boolean; s2c: boolean } = { c2s: false, s2c: false };
  private dead = false;
  /** A connection in another AMQP version (1.0, 0-10…): one summary call, its bytes counted, not decoded. */
  private foreign?: { call: Call; header: string; bytes: Record<Dir, number> };
  /** An older AMQP RabbitMQ still speaks, from the client's protocol header: '0-8' or '0-9' (undefined: 0-9-1). */
  private version?: '0-8' | '0-9';
  /** An AMQP 1.0 connection: decoded by decoders/amqp1 (its header said so). */
  private v1?: StreamDecoder;
  private channels = new Map<number, ChannelState>();
  private held = 0;
  /** Nothing consumed since the gap that started a resynchronisation: the head is the first byte after it. */
  private afterGap: { c2s: boolean; s2c: boolean } = { c2s: false, s2c: false };
  /**
   * The direction started without the protocol header and has had no whole frame yet: the capture
   * joined the connection late, maybe inside a frame, and its channels were opened before it began.
   */
  private joinedLate: { c2s: boolean; s2c: boolean } = { c2s: false, s2c: false };
  /** A protocol header was seen: the connection's start is in the capture. */
  private headerSeen = false;
  /** Looking for the first whole frame after a start inside one (joinedLate): any channel may carry it. */
  private midFrame: { c2s: boolean; s2c: boolean } = { c2s: false, s2c: false };
  /** The frame being handled was cut by a gap: what was captured of it. */
  private cutNow?: string;
  private readonly notes: GapNotes;

  constructor(private readonly session: DecoderSession) {
    this.notes = new GapNotes(session, 'amqp: ');
  }

  private ch(n: number): ChannelState {
    let c = this.channels.get(n);
    if (!c) {
      c = newChannel();
      if (this.channels.size < 65536) this.channels.set(n, c);
    }
    return c;
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.v1) return this.v1.data(dir, bytes, at);
    if (this.dead) return;
    const st = this.s[dir];
    st.push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`amqp: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  /**
   * Bytes not captured (snaplen, loss). Inside a frame whose header was captured (§4.2.3: type,
   * channel, size) the size says where the next frame starts: the frame is decoded from its captured
   * head (a method frame's class and method, its arguments as far as they go; a content header's
   * properties; a body frame's bytes counted) and framing resumes after it. A gap that swallows a
   * boundary makes the direction resynchronise on the next plausible frame.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.v1) return this.v1.gap(dir, length, at);
    if (this.dead) return;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.session.warn(`amqp: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const st = this.s[dir];
    this.started[dir] = true;
    if (this.foreign) {
      this.foreign.bytes[dir] += length + st.q.length;
      st.reset();
      return;
    }
    if (st.discard > 0) {
      const past = st.gapWhileDiscarding(length);
      if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
      return;
    }
    if (this.lost[dir] && !this.resync(dir, true)) {
      st.reset();
      this.afterGap[dir] = true; // what comes next starts right after this gap
      return;
    }
    const q = st.q;
    if (q.length >= 7) {
      const hdr = q.peek(7);
      const type = hdr[0];
      const channel = be16(hdr, 1);
      const size = be32(hdr, 3);
      const total = size + 8;
      if ((type === FRAME_METHOD || type === FRAME_HEADER || type === FRAME_BODY) && size <= MAX_FRAME && total > q.length) {
        const have = q.length;
        const frame = q.peek(have);
        const start = st.pos(0);
        const end = st.pos(have - 1);
        const frames = st.frames(0, have);
        const missing = total - have;
        st.reset();
        this.cutNow = `frame cut by a capture gap: ${have} of ${total} bytes captured, ${missing} missing`;
        try {
          if (type === FRAME_BODY) this.cutBody(dir, channel, frame.subarray(7), size, end, frames, total);
          else this.frame(dir, type, channel, frame.subarray(7), start, end, frames, total);
        } finally {
          this.cutNow = undefined;
        }
        const past = st.gapOver(missing, length);
        if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
        return;
      }
    }
    this.lose(dir, length, at, q.length ? 'inside a frame header' : 'at a frame boundary');
  }

  /** A body frame cut by a gap: its captured bytes join the message, the missing ones are counted. */
  private cutBody(dir: Dir, channel: number, payload: Uint8Array, size: number, end: Position, frames: number[], wire: number): void {
    const c = this.ch(channel);
    const open = c.content[dir];
    if (!open || !open.headerSeen) return;
    addFrames(open.call.frames, frames);
    if (open.call.request) open.call.request.wireBytes = (open.call.request.wireBytes ?? 0) + wire;
    open.buf!.add(payload);
    open.missing = (open.missing ?? 0) + size - payload.length;
    this.noteCut(open, `body ${this.cutNow}`);
    if (open.buf!.size + open.missing >= open.bodySize) {
      this.finishContent(c, dir, open, end, 'complete');
      c.content[dir] = undefined;
    }
  }

  private noteCut(open: Content, note: string): void {
    const list = (open.cut ??= []);
    if (list.length < 8 && !list.includes(note)) list.push(note);
    else if (list.length >= 8 && !list.includes('…')) list.push('…');
  }

  /** The framing of `dir` is lost: drop what is buffered, wait for a plausible frame. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    const lost = length + this.s[dir].q.length;
    this.s[dir].reset();
    this.lost[dir] = true;
    this.afterGap[dir] = true;
    this.notes.lost(dir, length, `${length} bytes missing (${dir}) ${where}; resynchronising on the next plausible frame`, at);
    for (const c of this.channels.values()) {
      // A message being received may have lost frames (its end among them): it ends at the next method.
      const open = c.content[dir];
      if (open) this.noteCut(open, 'frames of this message may be missing (a capture gap)');
      // (The smallest method frame takes 12 bytes: a shorter hole hides none.)
      if (lost < 12) continue;
      // Whole basic.publish frames may be gone: publisher confirms can no longer be counted.
      if (dir === 'c2s' && c.confirm && !c.seqLost) c.seqLost = true;
      // Replies travelling in `dir` may be gone: a later one would be paired with the wrong request.
      const keep: Pending[] = [];
      for (const p of c.pending) {
        if (p.dir === dir) {
          keep.push(p);
          continue;
        }
        p.call.state = 'incomplete';
        p.call.warnings.push(`no reply to ${p.method} in the capture (bytes of the ${dir === 's2c' ? 'broker' : 'client'} side were not captured)`);
        this.session.emit(p.call);
      }
      c.pending = keep;
    }
  }

  end(dir: Dir, at: Position): void {
    this.v1?.end(dir, at);
  }

  close(at: Position, how: CloseReason = 'capture-end'): void {
    if (this.v1) return this.v1.close(at, how);
    const f = this.foreign;
    if (f) {
      this.foreign = undefined;
      const v = f.call.request!.value as Record<string, unknown>;
      v.c2sBytes = f.bytes.c2s;
      v.s2cBytes = f.bytes.s2c;
      f.call.timing.endUs = at.tsUs;
      this.session.emit(f.call);
    }
    // A connection that ended (FIN/RST) will never bring the reply: the method was cut short, not
    // cut off by the capture (e.g. librabbitmq's amqp-get exits on a channel.close without -ok).
    const gone = how === 'rst' ? 'reset (TCP RST)' : how === 'fin' ? 'closed (TCP FIN both ways)' : undefined;
    for (const [chan, c] of this.channels) {
      for (const p of c.pending) {
        p.call.state = gone ? 'aborted' : 'incomplete';
        p.call.warnings.push(gone ? `no reply to ${p.method}: the connection was ${gone} first` : `no reply to ${p.method} before the end of the capture`);
        this.session.emit(p.call);
      }
      c.pending = [];
      for (const dir of ['c2s', 's2c'] as Dir[]) {
        const open = c.content[dir];
        if (open) {
          // A message cut by gaps was sent, not all of it captured (its warnings say what is missing).
          if (!open.cut) open.call.warnings.push('message not complete at the end of the capture');
          this.finishContent(c, dir, open, undefined, open.cut ? 'complete' : 'incomplete');
          c.content[dir] = undefined;
        }
      }
      this.releaseHeld(c, 'no publisher confirm seen');
      void chan;
    }
    this.held = 0;
    this.notes.summary(at);
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    for (;;) {
      if (!this.started[dir]) {
        if (q.length < 1) return;
        if (q.at(0) === 0x41) {
          if (q.length < 8) return;
          const h = q.peek(8);
          if (latin1Text(h.subarray(0, 4)) === 'AMQP' && h[5] === 1 && h[6] === 0 && (h[4] === 0 || h[4] === 3)) {
            // AMQP 1.0 (or SASL for it): its own decoder takes the connection, bytes held so far included.
            this.v1 = createAmqp1Decoder(this.session);
            for (const d of ['c2s', 's2c'] as Dir[]) {
              const s = this.s[d];
              if (s.q.length) this.v1.data(d, s.q.peek(s.q.length), s.pos(0));
              s.reset();
            }
            return;
          }
          if (latin1Text(h.subarray(0, 4)) === 'AMQP') {
            this.protocolHeader(dir, h, st);
            st.consume(8);
            this.started[dir] = true;
            this.joinedLate = { c2s: false, s2c: false };
            this.headerSeen = true;
            continue;
          }
        }
        this.started[dir] = true;
        this.joinedLate[dir] = !this.headerSeen;
      }
      if (this.foreign) {
        this.foreign.bytes[dir] += q.length;
        addFrames(this.foreign.call.frames, st.frames(0, q.length));
        this.foreign.call.frames.splice(64);
        st.consume(q.length);
        return;
      }
      if (this.lost[dir] && !this.resync(dir, false)) return;
      if (q.length < 7) return;
      const hdr = q.peek(7);
      const type = hdr[0];
      const channel = be16(hdr, 1);
      const size = be32(hdr, 3);
      // A direction the capture joined late may start inside a frame: its first frame must look like one.
      const late = this.joinedLate[dir] && this.plausible(dir, q.peek(Math.min(q.length, size + 8)), 0, false, true) === 'no';
      if (late || size > MAX_FRAME || size + 8 > this.session.env.limits.maxBufferedBytes || (type !== FRAME_METHOD && type !== FRAME_HEADER && type !== FRAME_BODY && type !== FRAME_HEARTBEAT && type !== 4)) {
        if (this.joinedLate[dir]) {
          this.session.warn(`amqp: ${dir}: the first bytes are not a frame's start (the capture joined the connection inside a frame); decoding from the next whole frame`, st.pos(0));
          this.joinedLate[dir] = false;
          this.midFrame[dir] = true;
        } else this.session.warn(`amqp: implausible frame (type ${type}, size ${size}) in ${dir}; resynchronising`, st.pos(0));
        st.consume(1);
        this.lost[dir] = true;
        continue;
      }
      if (q.length < size + 8) return;
      const frame = q.peek(size + 8);
      const start = st.pos(0);
      const end = st.pos(size + 7);
      const frames = st.frames(0, size + 8);
      if (frame[size + 7] !== FRAME_END) {
        this.session.warn(`amqp: frame end is 0x${frame[size + 7].toString(16)} not 0xce (${dir}, channel ${channel}); resynchronising`, end);
        st.consume(1);
        this.lost[dir] = true;
        continue;
      }
      const payload = frame.subarray(7, 7 + size);
      this.joinedLate[dir] = false;
      this.midFrame[dir] = false;
      this.frame(dir, type, channel, payload, start, end, frames, size + 8);
      st.consume(size + 8);
    }
  }

  /**
   * After a gap or a bad frame: drop buffered bytes up to the first offset where a plausible frame
   * starts (true: it is at the head now) or may start once more bytes come (false).
   */
  private resync(dir: Dir, final: boolean): boolean {
    const st = this.s[dir];
    const r = scanForStart({ get length() { return st.q.length; }, view: (n) => st.q.peek(n), consume: (n) => st.consume(n) }, this.afterGap[dir], final, (b, i, fin, strict) => this.plausible(dir, b, i, fin, strict), RESYNC_WINDOW);
    this.afterGap[dir] = r.afterGap;
    if (r.found) this.lost[dir] = false;
    return r.found;
  }

  /**
   * Frame sanity (§4.2.3): a known type, a size within reason, the frame-end octet 0xCE when the
   * whole frame is there. A frame a gap cuts before its end (`final`) must say more: a method frame
   * a known class and method, a content header class basic (60) and weight 0; a body frame is taken
   * only as the first bytes after a gap (`strict` false) for a message being received.
   */
  private plausible(dir: Dir, b: Uint8Array, i: number, final: boolean, strict: boolean): 'yes' | 'no' | 'more' {
    // (a frame still arriving is judged on what its start says already: a false start claiming a
    // large size would otherwise hold the scan until that many bytes came)
    const f = frameShape(b, i);
    if (f === 'more') return final ? 'no' : 'more';
    if (f === 'no') return 'no';
    const { t, channel } = f;
    // (a channel opened before a capture that joined the connection late is not known)
    if (t !== FRAME_HEARTBEAT && channel !== 0 && !this.channels.has(channel) && strict && !this.midFrame[dir] && !this.joinedLate[dir]) return 'no';
    const open = this.channels.get(channel)?.content[dir];
    if ((t === FRAME_HEADER || t === FRAME_BODY) && !open) return 'no';
    if (f.whole) return 'yes';
    if (!final) return 'more';
    if (t === FRAME_METHOD || t === FRAME_HEADER) return f.startChecked ? 'yes' : 'no';
    return t === FRAME_BODY && !strict ? 'yes' : 'no';
  }

  private protocolHeader(dir: Dir, h: Uint8Array, st: DirStream): void {
    const ver = `${h[4]}-${h[5]}-${h[6]}-${h[7]}`;
    // AMQP 0-8 (`AMQP 1 1 8 0`) and 0-9 (`AMQP 1 1 0 9`), which RabbitMQ still accepts: read with the 0-9-1
    // table and 0-8's differences (methods.ts, AMQP_0_8)
    const older = h[4] === 1 && h[5] === 1 ? (h[6] === 8 && h[7] === 0 ? '0-8' : h[6] === 0 && h[7] === 9 ? '0-9' : undefined) : undefined;
    const known = (h[4] === 0 && h[5] === 0 && h[6] === 9 && h[7] === 1) || older !== undefined;
    if (known && dir === 'c2s') {
      this.version = older;
      return;
    }
    const f = this.foreign;
    if (f && dir === 's2c') {
      // AMQP 1.0 §2.2: the server accepts the client's protocol version by sending the same header.
      addFrames(f.call.frames, st.frames(0, 8));
      (f.call.request!.value as Record<string, unknown>).server = f.header === ver ? 'accepted (same header)' : `answered ${ver}`;
      if (f.header !== ver) f.call.status = { code: 'version-mismatch', text: `server answered with protocol header ${ver}`, ok: false };
      return;
    }
    const call = this.session.newCall('amqp', st.pos(0));
    call.kind = 'event';
    call.method = 'protocol-header';
    call.state = 'complete';
    call.target = h[4] === 0 && h[5] === 1 ? 'AMQP 1.0' : h[4] === 3 ? 'AMQP 1.0 (SASL)' : `AMQP ${h[5]}-${h[6]}${h[7] ? `-${h[7]}` : ''}`;
    call.timing.endUs = st.pos(7).tsUs;
    call.frames = st.frames(0, 8);
    call.fields['amqp.protocol_header'] = ver;
    call.request = { value: { header: ver, dir }, wireBytes: 8 };
    if (dir === 's2c') {
      call.status = { code: 'version-mismatch', text: `server answered with protocol header ${call.target}`, ok: false };
      call.warnings.push('the server rejected the client protocol version');
    } else if (!known) {
      call.warnings.push(`${call.target} is not decoded (callscope decodes AMQP 0-9-1): the connection's bytes are counted, not shown`);
      this.foreign = { call, header: ver, bytes: { c2s: 0, s2c: 0 } };
      return;
    }
    this.session.emit(call);
  }

  private frame(dir: Dir, type: number, channel: number, payload: Uint8Array, start: Position, end: Position, frames: number[], wire: number): void {
    if (type === FRAME_HEARTBEAT || type === 4) {
      const call = this.session.newCall('amqp', start);
      call.kind = 'event';
      call.method = 'heartbeat';
      call.state = 'complete';
      call.timing.endUs = end.tsUs;
      call.frames = frames.slice(0, 64);
      call.fields['amqp.method'] = 'heartbeat';
      call.fields['amqp.direction'] = dir;
      call.request = { wireBytes: wire };
      if (channel !== 0) call.warnings.push(`heartbeat on channel ${channel} (must be 0)`);
      this.session.emit(call);
      return;
    }
    const c = this.ch(channel);
    if (type === FRAME_METHOD) return this.methodFrame(dir, channel, c, payload, start, end, frames, wire);
    const open = c.content[dir];
    if (!open) {
      this.session.warn(`amqp: ${type === FRAME_HEADER ? 'content header' : 'body'} frame without a content method on channel ${channel} (${dir})`, start);
      return;
    }
    addFrames(open.call.frames, frames);
    if (open.call.request) open.call.request.wireBytes = (open.call.request.wireBytes ?? 0) + wire;
    if (type === FRAME_HEADER) {
      if (open.headerSeen) open.call.warnings.push('second content header');
      this.contentHeader(open, payload);
      open.headerSeen = true;
      if (open.bodySize === 0) {
        this.finishContent(c, dir, open, end, 'complete');
        c.content[dir] = undefined;
      }
      return;
    }
    if (!open.headerSeen) {
      open.call.warnings.push('body frame before the content header');
      return;
    }
    open.buf!.add(payload);
    if (open.buf!.size + (open.missing ?? 0) >= open.bodySize) {
      if (open.buf!.size + (open.missing ?? 0) > open.bodySize && !open.cut) open.call.warnings.push(`body is ${open.buf!.size} bytes, header said ${open.bodySize}`);
      this.finishContent(c, dir, open, end, 'complete');
      c.content[dir] = undefined;
    }
  }

  private contentHeader(open: Content, p: Uint8Array): void {
    const lim = this.session.env.limits;
    const r = new Reader(p, 0, p.length, lim.maxDepth, lim.maxHeaderBytes);
    const classId = r.short();
    r.short(); // weight
    const size = r.longlongBig();
    if (r.error && this.cutNow) {
      // Cut before the body size: the message ends at the next method frame of its channel.
      open.props = {};
      open.bodySize = Number.MAX_SAFE_INTEGER;
      open.buf = new PayloadBuffer(lim.maxBodyBytes);
      this.noteCut(open, `content header ${this.cutNow} (body size not captured)`);
      return;
    }
    const flags: number[] = [];
    for (let i = 0; i < 8; i++) {
      const f = r.short();
      flags.push(f);
      if (!(f & 1) || r.error) break;
    }
    const props: Record<string, unknown> = {};
    if (classId === 60) {
      for (let i = 0; i < BASIC_PROPERTIES.length; i++) {
        const word = flags[Math.floor(i / 15)] ?? 0;
        if (!(word & (1 << (15 - (i % 15))))) continue;
        const [name, t] = BASIC_PROPERTIES[i];
        const v = r.arg(t);
        if (r.error && this.cutNow) break;
        props[name] = v;
      }
    } else open.call.warnings.push(`content header for class ${className(classId)} (expected basic)`);
    if (this.cutNow) this.noteCut(open, `content header ${this.cutNow}`);
    else if (r.error) open.call.warnings.push(`content header: ${r.error}`);
    open.props = props;
    open.bodySize = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
    open.buf = new PayloadBuffer(lim.maxBodyBytes);
    open.call.fields['amqp.body_size'] = open.bodySize;
  }

  private methodFrame(dir: Dir, channel: number, c: ChannelState, p: Uint8Array, start: Position, end: Position, frames: number[], wire: number): void {
    if (p.length < 4) {
      this.session.warn(`amqp: method frame of ${p.length} bytes on channel ${channel}`, start);
      return;
    }
    const classId = be16(p, 0);
    const methodId = be16(p, 2);
    const def = methodDefOf(this.version === '0-8' ? '0-8' : undefined, classId, methodId);
    const lim = this.session.env.limits;
    const name = def?.name ?? `${className(classId)}.method-${methodId}`;
    const args: Record<string, unknown> = {};
    const warnings: string[] = [];
    if (def) {
      const r = new Reader(p, 4, p.length, lim.maxDepth, lim.maxHeaderBytes);
      for (const [n, t] of def.args) {
        const v = r.arg(t);
        if (r.error && this.cutNow) break; // a cut frame: the arguments before the cut only
        if (!n.startsWith('reserved')) args[n] = v;
      }
      if (r.error && !this.cutNow) warnings.push(`${name}: ${r.error}`);
    } else warnings.push(`unknown method ${classId}/${methodId}`);
    if (this.cutNow) warnings.push(`${name} ${this.cutNow}`);

    if (c.content[dir]) {
      const open = c.content[dir]!;
      if (open.cut) {
        // A message cut by gaps ends where the next method starts: it was sent, not all of it captured.
        this.finishContent(c, dir, open, undefined, 'complete');
      } else {
        open.call.warnings.push(`message interrupted by ${name}`);
        this.finishContent(c, dir, open, start, 'incomplete');
      }
      c.content[dir] = undefined;
    }

    const mk = () => {
      const call = this.session.newCall('amqp', start);
      call.method = name;
      call.frames = frames.slice(0, 64);
      call.fields['amqp.method'] = name;
      call.fields['amqp.channel'] = channel;
      if (this.version) call.fields['amqp.version'] = this.version;
      call.warnings.push(...warnings);
      setArgFields(call, args);
      return call;
    };

    if (def?.content) {
      const call = mk();
      call.request = { value: args, wireBytes: wire };
      call.timing.requestEndUs = end.tsUs;
      c.content[dir] = { call, method: name, args, bodySize: 0, headerSeen: false };
      if (this.cutNow) c.content[dir]!.cut = [];
      if (name === 'basic.publish') {
        call.kind = 'publish';
        if (c.confirm && c.seqLost) call.warnings.push('publisher confirm not paired: a capture gap may have swallowed earlier publishes on this channel');
        else if (c.confirm) {
          c.publishSeq++;
          call.fields['amqp.publish_seq'] = c.publishSeq;
        }
      } else if (name === 'basic.return') {
        call.kind = 'event';
        call.fields['amqp.direction'] = 's2c';
        const code = Number(args['reply-code']);
        call.status = { code, text: String(args['reply-text'] ?? REPLY_CODES[code] ?? ''), ok: code === 200 };
      } else call.kind = 'deliver';
      if (name === 'basic.get-ok') {
        c.content[dir]!.noAck = c.getNoAck[0] ?? false;
        this.answer(dir, c, name, args, start, end, frames, wire);
      }
      return;
    }

    // Acknowledgements: publisher confirms (broker → client) and consumer acks (client → broker).
    if (name === 'basic.ack' || name === 'basic.nack' || name === 'basic.reject') {
      // A delivery cut by gaps that the consumer acknowledges has ended (its end was not captured).
      const other: Dir = dir === 'c2s' ? 's2c' : 'c2s';
      const open = c.content[other];
      if (dir === 'c2s' && open?.cut && open.method !== 'basic.publish') {
        this.finishContent(c, other, open, undefined, 'complete');
        c.content[other] = undefined;
      }
      const tag = toBig(args['delivery-tag']);
      const multiple = args['multiple'] === true;
      let matched = false;
      if (dir === 's2c' && c.confirm && name !== 'basic.reject') {
        for (const [seq, call] of [...c.unconfirmed]) {
          if (BigInt(seq) === tag || (multiple && BigInt(seq) <= tag)) {
            c.unconfirmed.delete(seq);
            this.held--;
            call.response = { value: { method: name, 'delivery-tag': bigToJson(tag), multiple } };
            call.timing.responseStartUs = start.tsUs;
            call.timing.endUs = end.tsUs;
            addFrames(call.frames, frames);
            call.fields['amqp.confirm'] = name === 'basic.ack' ? 'ack' : 'nack';
            if (name === 'basic.nack') call.status = { code: 'nack', text: 'the broker rejected the message (basic.nack)', ok: false };
            else if (!call.status) call.status = { code: 'ack', text: 'confirmed', ok: true };
            call.state = 'complete';
            this.session.emit(call);
            matched = true;
          }
        }
      } else if (dir === 'c2s') {
        for (const [dt, call] of [...c.unacked]) {
          if (dt === tag || (multiple && dt <= tag) || (multiple && tag === 0n)) {
            c.unacked.delete(dt);
            const status = name === 'basic.ack' ? undefined : { code: name.slice(6), text: args['requeue'] ? 'requeued' : 'not requeued', ok: false };
            this.endDelivery(call, { method: name, ...args }, name.slice(6), status, start, end, frames);
            matched = true;
          }
        }
      }
      if (matched) return;
      const call = mk();
      call.kind = 'event';
      call.state = 'complete';
      call.request = { value: args, wireBytes: wire };
      call.timing.endUs = end.tsUs;
      this.session.emit(call);
      return;
    }

    // AMQP 0-9-1 §1.8.3.15–16 basic.recover-async / basic.recover: the broker redelivers every unacknowledged
    // message of the channel (requeued when `requeue` is set): those deliveries end here, not acknowledged.
    if ((name === 'basic.recover' || name === 'basic.recover-async') && dir === 'c2s' && c.unacked.size) {
      const requeue = args['requeue'] === true;
      for (const call of [...c.unacked.values()].sort((a, b) => a.id - b.id)) {
        this.endDelivery(call, { method: name, requeue }, 'recover', { code: 'recovered', text: requeue ? `requeued (${name})` : `to be redelivered (${name})`, ok: false }, start, end, frames);
      }
      c.unacked.clear();
    }

    if (name === 'channel.open' && dir === 'c2s') this.reopen(c);
    if (name === 'confirm.select' && dir === 'c2s') c.confirm = true;
    if (name === 'basic.consume' && args['no-ack'] === true && typeof args['consumer-tag'] === 'string' && args['consumer-tag']) c.noAckConsumers.add(args['consumer-tag'] as string);
    if (name === 'basic.get') c.getNoAck.push(args['no-ack'] === true);

    // Replies to a pending synchronous method.
    if (REQUEST_OF.has(name)) {
      if (this.answer(dir, c, name, args, start, end, frames, wire)) return;
      const call = mk();
      call.kind = 'event';
      call.state = 'complete';
      call.response = { value: args, wireBytes: wire };
      call.timing.endUs = end.tsUs;
      call.warnings.push(`${name} without its request in the capture`);
      this.session.emit(call);
      return;
    }

    const call = mk();
    call.request = { value: args, wireBytes: wire };
    call.timing.requestEndUs = end.tsUs;
    if (dir === 'c2s' && name.startsWith('tx.')) this.transaction(c, name, call);
    // Sent by the broker: channel.close / connection.close on an error, channel.flow,
    // connection.blocked, a consumer cancel notification.
    if (dir === 's2c') call.fields['amqp.direction'] = 's2c';
    if (def?.replies) {
      if (name === 'channel.close' || name === 'connection.close') {
        const code = Number(args['reply-code']);
        const txt = String(args['reply-text'] ?? '');
        // AMQP 0-9-1 §1.4.2.9 / §1.5.2.5: reply-code 200 is reply-success. A close with code 0 and no text (what
        // php-amqplib and others send for an ordinary close) reports no error either.
        const normal = code === 200 || (code === 0 && !txt);
        call.status = { code, text: txt || REPLY_CODES[code] || (normal ? 'normal close' : ''), ok: normal };
        call.fields['amqp.reply_code'] = code;
        if (!normal) this.failPending(name === 'connection.close' ? undefined : c, args, code, txt, start);
        if (!normal && name === 'channel.close' && dir === 's2c') this.failPublish(c, call, args, code, txt);
      }
      if (args['no-wait'] === true) {
        call.kind = 'oneway';
        if (dir === 's2c' && name === 'basic.cancel') {
          // RabbitMQ's consumer cancel notification (capability consumer_cancel_notify): the
          // queue was deleted or its node failed; the consumer receives nothing more.
          call.kind = 'event';
          call.status = { code: 'cancelled', text: 'consumer cancelled by the broker', ok: false };
        }
        call.state = 'complete';
        call.timing.endUs = end.tsUs;
        this.session.emit(call);
        return;
      }
      call.kind = 'unary';
      if (c.pending.length >= 1000) {
        const old = c.pending.shift()!;
        old.call.state = 'incomplete';
        old.call.warnings.push('too many unanswered methods on this channel');
        this.session.emit(old.call);
      }
      c.pending.push({ call, method: name, dir, classId: be16(p, 0), methodId: be16(p, 2) });
      return;
    }
    call.kind = 'event';
    call.state = 'complete';
    call.timing.endUs = end.tsUs;
    if (name === 'connection.blocked') call.status = { code: 'blocked', text: String(args['reason'] ?? ''), ok: false };
    this.session.emit(call);
  }

  /** Pair a reply with the oldest pending request (from the other side) it answers. */
  private answer(dir: Dir, c: ChannelState, name: string, args: Record<string, unknown>, start: Position, end: Position, frames: number[], wire: number): boolean {
    const reqs = REQUEST_OF.get(name) ?? [];
    const i = c.pending.findIndex((p) => p.dir !== dir && reqs.includes(p.method));
    if (i < 0) return false;
    const p = c.pending.splice(i, 1)[0];
    const call = p.call;
    // The broker handles a channel's frames in order: answering a later method, it took the publishes before it.
    if (p.dir === 'c2s' && c.recent.length) c.recent = c.recent.filter((x) => x.startUs > call.timing.startUs);
    if (this.cutNow) call.warnings.push(`${name} ${this.cutNow}`);
    call.response = { value: args, wireBytes: wire };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrames(call.frames, frames);
    call.state = 'complete';
    if (!call.status) call.status = { code: 200, text: name, ok: true };
    call.fields['amqp.reply_method'] = name;
    setArgFields(call, args);
    if (name === 'connection.start-ok') nameAndRedactLogin(call, args);
    if (name === 'basic.consume-ok' && p.call.request?.value && (p.call.request.value as Record<string, unknown>)['no-ack'] === true) {
      const tag = args['consumer-tag'];
      if (typeof tag === 'string') c.noAckConsumers.add(tag);
    }
    if (name === 'basic.get-empty') call.status = { code: 200, text: 'get-empty', ok: true };
    if (name === 'basic.get-ok' || name === 'basic.get-empty') c.getNoAck.shift();
    this.session.emit(call);
    return true;
  }

  /**
   * The broker closed the channel for a basic.publish (class 60, method 40): 404 "no exchange 'X'", 403 access
   * refused, 406 a bad property. The publish it names is the first one since the broker last answered on this
   * channel that went to that exchange (the first one when the text names none): it fails with the close's status;
   * those after it were ignored, since the broker drops a closing channel's frames (AMQP 0-9-1 §4.2.4,
   * channel.close). The publishes are already reported: the flow correlator, which holds them for their deliveries,
   * applies this (Call.failsCalls); the close links to the publish.
   */
  private failPublish(c: ChannelState, close: Call, args: Record<string, unknown>, code: number, text: string): void {
    if (args['class-id'] !== 60 || args['method-id'] !== 40 || !c.recent.length) return;
    const exchange = /\bexchange '([^']*)'/.exec(text)?.[1];
    let i = exchange === undefined ? 0 : c.recent.findIndex((x) => x.exchange === exchange);
    if (i < 0) i = 0;
    const status = { code, text: text || REPLY_CODES[code], ok: false };
    close.links = { ...close.links, requestId: c.recent[i].id };
    close.failsCalls = [
      { id: c.recent[i].id, status, warning: `the broker closed channel ${close.fields['amqp.channel']} for this publish` },
      ...c.recent.slice(i + 1).map((x) => ({ id: x.id, status: { code: 'discarded', text: `ignored: sent after a publish the broker closed the channel for (${code})`, ok: false } })),
    ];
    c.recent = [];
  }

  /**
   * AMQP 0-9-1 §1.9 class tx: on a channel in tx mode publishes take effect at tx.commit; tx.rollback discards
   * those since the last commit or rollback. They are already reported: the flow correlator, which holds them for
   * their deliveries, marks them (Call.failsCalls).
   */
  private transaction(c: ChannelState, name: string, call: Call): void {
    if (name === 'tx.select') c.tx ??= [];
    else if (name === 'tx.rollback' && c.tx) {
      if (c.tx.length) call.failsCalls = c.tx.map((id) => ({ id, status: { code: 'rolled back', text: 'not delivered (tx.rollback)', ok: false } }));
      c.tx = [];
    } else if (name === 'tx.commit' && c.tx) c.tx = [];
  }

  /**
   * channel.open on a channel number used before (AMQP 0-9-1 §2.2.2: after channel.close-ok the number may be
   * reused; php-amqplib reuses 1): the new channel starts with no confirm or tx mode, its publish sequence at 1.
   * What the old channel still held ends here.
   */
  private reopen(c: ChannelState): void {
    this.releaseHeld(c, 'no publisher confirm seen before the channel was closed');
    const { pending, content } = c;
    Object.assign(c, newChannel(), { pending, content });
  }

  /** A held delivery ends: the consumer's ack, nack or reject (or a recover) is its response. */
  private endDelivery(call: Call, response: Record<string, unknown>, ack: string, status: Call['status'], start: Position, end: Position, frames: number[]): void {
    this.held--;
    call.response = { value: response };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrames(call.frames, frames);
    call.fields['amqp.ack'] = ack;
    if (status) call.status = status;
    this.session.emit(call);
  }

  /** Emit what a channel holds: publishes still waiting for a confirm (with `unconfirmed` as a warning), deliveries never acknowledged. */
  private releaseHeld(c: ChannelState, unconfirmed: string): void {
    for (const call of c.unconfirmed.values()) {
      this.held--;
      call.warnings.push(unconfirmed);
      this.session.emit(call);
    }
    c.unconfirmed.clear();
    for (const call of c.unacked.values()) {
      this.held--;
      call.fields['amqp.ack'] = 'none';
      this.session.emit(call);
    }
    c.unacked.clear();
  }

  /** channel.close / connection.close with an error: the method it names failed. */
  private failPending(c: ChannelState | undefined, args: Record<string, unknown>, code: number, text: string, at: Position): void {
    const chans = c ? [c] : [...this.channels.values()];
    for (const ch of chans) {
      const keep: Pending[] = [];
      for (const p of ch.pending) {
        if (p.method.endsWith('.close')) {
          keep.push(p);
          continue;
        }
        const named = p.classId === args['class-id'] && p.methodId === args['method-id'];
        p.call.status = { code, text: text || REPLY_CODES[code], ok: false };
        p.call.fields['amqp.reply_code'] = code;
        p.call.state = named ? 'complete' : 'aborted';
        p.call.timing.endUs = at.tsUs;
        if (!named) p.call.warnings.push(`channel closed before the reply`);
        this.session.emit(p.call);
      }
      ch.pending = keep;
    }
  }

  private finishContent(c: ChannelState, dir: Dir, open: Content, end: Position | undefined, state: 'complete' | 'incomplete'): void {
    const call = open.call;
    const lim = this.session.env.limits;
    const props = open.props ?? {};
    const buf = open.buf ?? new PayloadBuffer(0);
    const exchange = String(open.args['exchange'] ?? '');
    // A method frame cut before its routing key: what was captured, marked.
    const rk = open.cut && open.args['routing-key'] === undefined && open.args['exchange'] !== undefined ? '…' : String(open.args['routing-key'] ?? '');
    const dest = exchange ? `${exchange}/${rk}` : rk;
    call.target = dest;
    call.state = state;
    if (end) call.timing.endUs = end.tsUs;
    const ct = typeof props['content-type'] === 'string' ? (props['content-type'] as string) : undefined;
    const ce = typeof props['content-encoding'] === 'string' ? (props['content-encoding'] as string) : undefined;
    if (open.cut) for (const n of open.cut) call.warnings.push(n);
    const known = open.bodySize !== Number.MAX_SAFE_INTEGER;
    const size = open.cut ? (known ? open.bodySize : buf.size + (open.missing ?? 0)) : Math.max(buf.size, state === 'complete' ? 0 : open.bodySize);
    const body = payloadBody(buf.bytes(), size, lim, ct, ce, call.warnings);
    const headers: HeaderList = [];
    for (const [k, v] of Object.entries(props)) {
      if (k === 'headers' && v && typeof v === 'object') {
        for (const [hk, hv] of Object.entries(v as Record<string, unknown>)) headers.push([hk, typeof hv === 'string' ? hv : JSON.stringify(hv)]);
      } else headers.push([k, String(v)]);
    }
    call.request = { ...call.request, headers, body, value: { ...open.args, properties: props } };
    // A cut body hashes to nothing its deliveries would: no msg.key to join on.
    if (state === 'complete' && !open.cut) {
      // A dead-lettered copy (RabbitMQ: an `x-death` header) is keyed as the message first
      // published, so that it joins that publish as one more of its deliveries.
      const origin = open.method !== 'basic.publish' ? deadLetterOrigin(props) : undefined;
      call.fields['msg.key'] = buf.key('amqp', origin?.dest ?? dest);
      if (origin) {
        call.fields['amqp.dead_letter_reason'] = origin.reason;
        call.fields['amqp.dead_letter_from'] = origin.dest;
      }
    }
    call.fields['msg.destination'] = dest;
    if (typeof props['reply-to'] === 'string' && props['reply-to']) call.fields['msg.reply_to'] = props['reply-to'] as string;
    if (typeof props['correlation-id'] === 'string' && props['correlation-id']) call.fields['msg.correlation_id'] = props['correlation-id'] as string;
    if (typeof props['message-id'] === 'string') call.fields['amqp.message_id'] = props['message-id'] as string;
    if (ct) call.fields['amqp.content_type'] = ct;

    if (open.method === 'basic.publish') {
      if (c.recent.length >= RECENT_PUBLISHES) c.recent.shift();
      const returnable = (open.args['mandatory'] === true || open.args['immediate'] === true) && typeof call.fields['msg.key'] === 'string';
      c.recent.push({ id: call.id, exchange, startUs: call.timing.startUs, returnKey: returnable ? (call.fields['msg.key'] as string) : undefined });
      if (c.tx && c.tx.length < 10_000) c.tx.push(call.id);
      if (c.confirm && state === 'complete' && typeof call.fields['amqp.publish_seq'] === 'number') {
        c.unconfirmed.set(call.fields['amqp.publish_seq'] as number, call);
        this.hold();
        return;
      }
      if (state === 'complete') call.status = { code: 'sent', ok: true };
      this.session.emit(call);
      return;
    }
    if (open.method === 'basic.return') {
      // Mark a still-held publish with the same message as returned.
      const key = call.fields['msg.key'];
      for (const pub of c.unconfirmed.values()) {
        if (pub.fields['msg.key'] === key && !pub.fields['amqp.reply_code']) {
          pub.status = { ...call.status! };
          pub.fields['amqp.reply_code'] = call.status!.code;
          pub.warnings.push(`returned by the broker: ${call.status!.code} ${call.status!.text}`);
          call.links = { requestId: pub.id };
          break;
        }
      }
      // Without confirms the publish is already reported (`sent`): the return fails it through the flow
      // correlator, which holds it for its deliveries (AMQP 0-9-1 §1.8.3.8 basic.return: an unroutable mandatory or an
      // undeliverable immediate message comes back whole, so the same exchange, routing key and body).
      const i = call.links?.requestId === undefined && typeof key === 'string' ? c.recent.findIndex((x) => x.returnKey === key) : -1;
      if (i >= 0) {
        const pub = c.recent.splice(i, 1)[0];
        call.links = { requestId: pub.id };
        call.failsCalls = [{ id: pub.id, status: { ...call.status! }, warning: `returned by the broker: ${call.status!.code} ${call.status!.text}` }];
      }
      delete call.fields['msg.key'];
      this.session.emit(call);
      return;
    }
    // basic.deliver / basic.get-ok
    if (open.args['delivery-tag'] === undefined) {
      // Its delivery tag was not captured: its ack cannot be found.
      call.status = { code: 'delivered', ok: true };
      this.session.emit(call);
      return;
    }
    const tag = toBig(open.args['delivery-tag']);
    const ctag = String(open.args['consumer-tag'] ?? '');
    const noAck = open.method === 'basic.get-ok' ? open.noAck === true : c.noAckConsumers.has(ctag);
    call.status = { code: 'delivered', ok: true };
    if (noAck || state !== 'complete' || dir !== 's2c') {
      if (noAck) call.fields['amqp.ack'] = 'auto';
      this.session.emit(call);
      return;
    }
    const prev = c.unacked.get(tag);
    if (prev) {
      this.session.emit(prev);
      this.held--;
    }
    c.unacked.set(tag, call);
    this.hold();
  }

  /** Bound the calls held for confirms/acks: beyond the cap, release the oldest. */
  private hold(): void {
    this.held++;
    if (this.held <= MAX_HELD) return;
    for (const c of this.channels.values()) {
      const first = c.unconfirmed.entries().next();
      if (!first.done) {
        c.unconfirmed.delete(first.value[0]);
        first.value[1].warnings.push('released before its confirm (too many held)');
        this.session.emit(first.value[1]);
        this.held--;
        return;
      }
      const d = c.unacked.entries().next();
      if (!d.done) {
        c.unacked.delete(d.value[0]);
        this.session.emit(d.value[1]);
        this.held--;
        return;
      }
    }
  }
}

function toBig(v: unknown): bigint {
  try {
    return typeof v === 'number' || typeof v === 'string' ? BigInt(v) : 0n;
  } catch {
    return 0n;
  }
}

function setArgFields(call: Call, args: Record<string, unknown>): void {
  const map: Array<[string, string]> = [
    ['exchange', 'amqp.exchange'],
    ['routing-key', 'amqp.routing_key'],
    ['queue', 'amqp.queue'],
    ['consumer-tag', 'amqp.consumer_tag'],
    ['delivery-tag', 'amqp.delivery_tag'],
    ['redelivered', 'amqp.redelivered'],
    ['reply-code', 'amqp.reply_code'],
    ['reply-text', 'amqp.reply_text'],
    ['message-count', 'amqp.message_count'],
    ['virtual-host', 'amqp.vhost'],
    ['type', 'amqp.exchange_type'],
  ];
  for (const [a, f] of map) {
    const v = args[a];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') call.fields[f] = v;
  }
  if (!call.target) {
    const t = args['queue'] ?? args['exchange'] ?? args['destination'] ?? args['consumer-tag'] ?? args['virtual-host'];
    if (typeof t === 'string' && t) call.target = t;
  }
}

/**
 * Where a dead-lettered message was first published (RabbitMQ's dead lettering, rabbitmq.com/docs/dlx:
 * `x-death` holds an entry per {queue, reason}, each with the `exchange` and `routing-keys` the message
 * was published with, most recent first — but an entry that dies again (a retry cycle through a DLX)
 * may be counted and moved to the front, so the first death is the entry `x-first-death-queue` and
 * `x-first-death-reason` name, else the last). Undefined without an `x-death` header.
 */
export function deadLetterOrigin(props: Record<string, unknown>): { dest: string; reason: string } | undefined {
  const headers = props.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown>;
  const deaths = h['x-death'];
  if (!Array.isArray(deaths) || !deaths.length) return undefined;
  const isFirst = (d: unknown) => !!d && typeof d === 'object' && (d as Record<string, unknown>).queue === h['x-first-death-queue'] && (d as Record<string, unknown>).reason === h['x-first-death-reason'];
  const first = (typeof h['x-first-death-queue'] === 'string' ? deaths.find(isFirst) : undefined) ?? (deaths[deaths.length - 1] as Record<string, unknown> | null);
  if (!first || typeof first !== 'object') return undefined;
  const keys = first['routing-keys'];
  const rk = Array.isArray(keys) && typeof keys[0] === 'string' ? keys[0] : undefined;
  if (rk === undefined) return undefined;
  const exchange = typeof first.exchange === 'string' ? first.exchange : '';
  return { dest: exchange ? `${exchange}/${rk}` : rk, reason: typeof first.reason === 'string' ? first.reason : 'unknown' };
}

export const spec: DecoderSpec = {
  id: 'amqp',
  name: 'AMQP 0-9-1',
  transport: 'tcp',
  ports: [5672],
  probeOrder: 20,
  probe: (head) => probeAmqp(head),
  probeMidstream: (head, _dir, byPort) => probeAmqpMidstream(head, byPort),
  rolesReversed: (heads) => rolesBackwards(heads, amqpSides),
  create: (session) => new AmqpDecoder(session),
};

/**
 * connection.start-ok: the client's `connection_name` names its lifeline (fields['client.name']),
 * and a SASL PLAIN response (`\0user\0password`) keeps the user but never shows the password.
 */
function nameAndRedactLogin(call: Call, args: Record<string, unknown>): void {
  const props = args['client-properties'];
  const name = props && typeof props === 'object' ? (props as Record<string, unknown>)['connection_name'] : undefined;
  if (typeof name === 'string' && name) call.fields['client.name'] = name;
  const resp = args['response'];
  if (args['mechanism'] === 'PLAIN' && typeof resp === 'string') {
    const text = resp.startsWith('0x') ? hexToLatin1(resp.slice(2)) : resp;
    const parts = text.split('\0');
    if (parts.length === 3) args['response'] = `user ${JSON.stringify(parts[1])}, password (redacted)`;
  }
}

function hexToLatin1(hex: string): string {
  let s = '';
  for (let i = 0; i + 1 < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return s;
}
