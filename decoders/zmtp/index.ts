/**
 * ZeroMQ — ZMTP 3.0 (rfc.zeromq.org/spec/23) and 3.1 (spec/37), with the NULL, PLAIN (spec/24)
 * and CURVE (spec/26) security mechanisms.
 *
 * Reached by probe (there is no standard port): the 64-byte greeting starts with the signature
 * 0xFF, 8 padding bytes, 0x7F, then the major version (3). Both peers send a greeting, then
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
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir } from '../core/model';
import { be16, be32, concatBytes, latin1Text, toHex, utf8Strict } from '../core/bytes';
import { messageKey } from '../calls/key';
import { PduBuffer } from '../websocket/pdu-buffer';
import { addFrame, payloadBody, payloadValue } from '../websocket/payload';

const GREETING = 64;
const REDACTED = '********';
const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_PARTS_SHOWN = 64;
const MAX_PARTS = 100_000;

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
}

interface PendingReq {
  call: Call;
}

class ZmtpDecoder implements StreamDecoder {
  private readonly side: Record<Dir, Side>;
  private hs?: Call;
  private hsEmitted = false;
  private readonly pending: PendingReq[] = [];
  private readonly pings: Record<Dir, Call[]> = { c2s: [], s2c: [] };

  constructor(private readonly session: DecoderSession) {
    const mk = (): Side => ({ buf: new PduBuffer(), dead: false, commands: [], ready: false, encrypted: false, index: 0 });
    this.side = { c2s: mk(), s2c: mk() };
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    const sd = this.side[dir];
    if (sd.dead || sd.encrypted) return;
    sd.buf.push(bytes, at);
    try {
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

  private hsPart(dir: Dir): Record<string, unknown> {
    const c = this.hs!;
    return (dir === 'c2s' ? c.request!.value : c.response!.value) as Record<string, unknown>;
  }

  private drain(dir: Dir): void {
    const sd = this.side[dir];
    const buf = sd.buf;
    const limits = this.session.env.limits;
    if (!sd.greeting) {
      if (buf.length < 11) return;
      const b = buf.bytes();
      if (b[0] !== 0xff || b[9] !== 0x7f) return this.stop(dir, 'not a ZMTP 3 greeting (signature 0xFF…0x7F missing)', buf.pos(0));
      if (b[10] < 3) return this.stop(dir, `ZMTP ${b[10] === 1 ? '2.0' : '1.0'} peer (only ZMTP 3.x is decoded)`, buf.pos(0));
      if (buf.length < GREETING) return;
      const mechBytes = b.subarray(12, 32);
      let n = mechBytes.indexOf(0);
      if (n < 0) n = 20;
      const g: Greeting = { major: b[10], minor: b[11], mechanism: latin1Text(mechBytes.subarray(0, n)), asServer: b[32] === 1 };
      const start = buf.pos(0);
      const end = buf.pos(GREETING - 1);
      buf.consume(GREETING);
      sd.greeting = g;
      const hs = this.handshake(start);
      addFrame(hs.frames, end.frame);
      const part = this.hsPart(dir);
      part.version = `${g.major}.${g.minor}`;
      part.mechanism = g.mechanism;
      part.asServer = g.asServer;
      if (dir === 'c2s') hs.timing.requestEndUs = end.tsUs;
      else {
        hs.timing.responseStartUs ??= start.tsUs;
        hs.timing.endUs = end.tsUs;
      }
      const other = this.side[OTHER[dir]].greeting;
      const lower = other && (other.major < g.major || (other.major === g.major && other.minor < g.minor)) ? other : g;
      hs.fields['zmtp.version'] = `${lower.major}.${lower.minor}`;
      hs.fields['zmtp.mechanism'] = g.mechanism;
      if (other && other.mechanism !== g.mechanism) hs.warnings.push(`mechanisms differ: ${other.mechanism} / ${g.mechanism}`);
      if (g.mechanism !== 'NULL' && g.mechanism !== 'PLAIN' && g.mechanism !== 'CURVE') hs.warnings.push(`unknown security mechanism "${g.mechanism}"`);
    }
    while (!sd.dead && !sd.encrypted && buf.length >= 2) {
      const b = buf.bytes();
      const flags = b[0];
      if (flags & 0xf8) return this.stop(dir, `frame flags 0x${flags.toString(16)} have reserved bits set`, buf.pos(0));
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

  // ---- commands ------------------------------------------------------------------------------

  private onCommand(dir: Dir, body: Uint8Array, start: Position, end: Position, wire: number, more: boolean): void {
    const sd = this.side[dir];
    const s = this.session;
    if (more) s.warn(`${dir}: command frame with the MORE flag set`, start);
    if (body.length < 1 || body.length < 1 + body[0]) return s.warn(`${dir}: command frame too short for its name`, start);
    const name = latin1Text(body.subarray(1, 1 + body[0]));
    const data = body.subarray(1 + body[0]);
    const mech = sd.greeting?.mechanism ?? 'NULL';
    const hsOpen = !sd.ready || !this.hsEmitted;
    const note = (v: unknown) => {
      if (!this.hs) return;
      addFrame(this.hs.frames, end.frame);
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
        note({ command: name, metadata: meta.props, ...(meta.warning ? { warning: meta.warning } : {}) });
        if (meta.warning) this.hs?.warnings.push(`${dir} ${name}: ${meta.warning}`);
        if (this.hs) {
          if (sd.socketType) this.hs.fields[dir === 'c2s' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'] = sd.socketType;
          const id = meta.props['Identity'];
          if (typeof id === 'string' && id) this.hs.fields[dir === 'c2s' ? 'zmtp.identity' : 'zmtp.peer_identity'] = id;
          this.hs.method = 'handshake';
          const cType = this.side.c2s.socketType;
          const sType = this.side.s2c.socketType;
          if (cType || sType) this.hs.target = `${cType ?? '?'} → ${sType ?? '?'}`;
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
          if (1 + u > data.length || pw === undefined || 2 + u + pw > data.length) this.hs?.warnings.push('PLAIN HELLO: lengths run past the command');
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

  private onSubscription(dir: Dir, name: string, topic: Uint8Array, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const c = s.newCall('zmtp', start);
    c.kind = 'event';
    c.method = name;
    c.state = 'complete';
    const t = utf8Strict(topic);
    c.target = t ?? `0x${toHex(topic, 64)}`;
    c.fields['zmtp.dir'] = dir;
    c.fields['zmtp.topic'] = c.target;
    if (this.side[dir].socketType) c.fields['zmtp.socket_type'] = this.side[dir].socketType!;
    c.request = { value: { topic: c.target }, wireBytes: wire };
    c.timing.requestEndUs = end.tsUs;
    addFrame(c.frames, end.frame);
    s.emit(c);
  }

  // ---- messages ------------------------------------------------------------------------------

  private onFrame(dir: Dir, body: Uint8Array, more: boolean, start: Position, end: Position, wire: number): void {
    const sd = this.side[dir];
    const limits = this.session.env.limits;
    if (!this.hsEmitted && this.hs) {
      this.hs.warnings.push('message frames before both READY commands');
      this.emitHandshake('incomplete');
    }
    let m = sd.msg;
    if (!m) m = sd.msg = { parts: [], sizes: [], total: 0, start, frames: [], wire: 0, dropped: false };
    if (m.sizes.length < MAX_PARTS) m.sizes.push(body.length);
    else m.dropped = true;
    m.total += body.length;
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
    const sender = sd.socketType ?? '';
    const receiver = this.side[OTHER[dir]].socketType ?? '';

    // ZMTP 3.0 subscriptions: a one-part message from SUB/XSUB starting with 1 (subscribe) or 0 (cancel).
    if (state === 'complete' && (sender === 'SUB' || sender === 'XSUB') && m.parts.length === 1 && m.parts[0].length >= 1 && m.parts[0][0] <= 1) {
      const p = m.parts[0];
      return this.onSubscription(dir, p[0] === 1 ? 'SUBSCRIBE' : 'CANCEL', p.subarray(1), m.start, end!, m.wire);
    }

    let parts = m.parts;
    let envelope: Uint8Array[] = [];
    const isRequest = sender === 'REQ' || (sender === 'DEALER' && receiver === 'REP');
    const isReply = sender === 'REP' || (sender === 'ROUTER' && receiver === 'REQ');
    if (isRequest || isReply) {
      const d = parts.findIndex((p) => p.length === 0);
      if (d >= 0) {
        envelope = parts.slice(0, d);
        parts = parts.slice(d + 1);
      } else if (sender === 'REQ' || sender === 'REP') {
        why = why ?? 'REQ/REP message without the empty delimiter frame';
      }
    }
    const whole = m.dropped ? undefined : concatBytes(m.parts);
    const topicBytes = m.parts[0] ?? new Uint8Array(0);
    const topic = utf8Strict(topicBytes.subarray(0, 256)) ?? toHex(topicBytes, 64);
    const value = {
      parts: parts.slice(0, MAX_PARTS_SHOWN).map((p) => ({ size: p.length, value: payloadValue(p, limits) })),
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
        c.state = 'complete';
        c.status = { code: 'OK', ok: true };
        if (why) c.warnings.push(why);
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
    c.messages = [message];
    c.fields['zmtp.dir'] = dir;
    c.fields['zmtp.parts'] = m.sizes.length;
    if (sender) c.fields['zmtp.socket_type'] = sender;
    if (receiver) c.fields['zmtp.peer_socket_type'] = receiver;
    if (m.dropped) c.warnings.push(`message larger than ${limits.maxBufferedBytes} bytes or ${MAX_PARTS} parts: not all parts kept`);
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
      this.pending.push({ call: c });
      if (this.pending.length > 10_000) this.finish(this.pending.shift()!.call, 'incomplete', 'no reply seen');
      return;
    }
    s.emit(c);
  }

  gap(dir: Dir, length: number, at: Position): void {
    const sd = this.side[dir];
    if (sd.dead || sd.encrypted) return;
    this.stop(dir, `${length} bytes missing from the capture`, at);
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
    const v = b.subarray(vstart, vstart + vlen);
    const text = utf8Strict(v);
    props[name] = text !== undefined && !/[\x00-\x08\x0e-\x1f]/.test(text) ? text : { hex: toHex(v, 64), size: v.length };
    i = vstart + vlen;
  }
  return { props };
}

function probe(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  if (head.length === 0) return 'need-more';
  if (head[0] !== 0xff) return 'reject';
  if (head.length < 11) return 'need-more';
  return head[9] === 0x7f && head[10] >= 3 ? 'accept' : 'reject';
}

export const spec: DecoderSpec = {
  id: 'zmtp',
  name: 'ZeroMQ (ZMTP 3)',
  transport: 'tcp',
  probe,
  probeOrder: 20,
  create: (session) => new ZmtpDecoder(session),
};
