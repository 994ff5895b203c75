/**
 * AMQP 1.0 (OASIS AMQP 1.0: Part 2 Transport, Part 3 Messaging, Part 5 Security) — RabbitMQ 4's
 * native protocol, ActiveMQ Artemis, Qpid, Azure Service Bus and Event Hubs. Reached from the AMQP
 * decoder, which hands a connection over when its protocol header says 1.0 (`AMQP 0 1 0 0`, or
 * `AMQP 3 1 0 0` for SASL first).
 *
 * Frames (§2.3: size, data offset, type 0 AMQP / 1 SASL, channel; a body of one performative
 * and, for transfer, the message bytes) become calls:
 * - open, begin, attach, detach, end, close: the one side's performative answered by the
 *   other's (attach by link name; the rest by order) — `unary`, an error in the answer fails it;
 * - sasl: sasl-init answered by sasl-outcome (§5.3), the offered mechanisms kept, a PLAIN
 *   password redacted;
 * - transfer: a message (Part 3 sections: header, properties, application-properties, data /
 *   amqp-value / amqp-sequence) sent on a link: `publish` from the client, `deliver` from the
 *   server, to or from the link's address; a transfer in several frames (`more`) is one
 *   message; unsettled, it waits for the peer's disposition (accepted, rejected, released,
 *   modified), which gives its status;
 * - flow frames (credit) and empty frames (heartbeats) make no calls.
 */
import type { DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { be16, be32, concatBytes, utf8Bytes } from '../core/bytes';
import { DirStream, addFrames } from '../calls/stream';
import { messageKey } from '../calls/key';
import { Amqp1Error, Amqp1Reader, isDescribed, plain } from './types';
import { decodeMessage } from './message';

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_FRAME = 64 << 20;
const MAX_PENDING = 10_000;

/** Performative and section descriptors (§2.7, §3.2, §3.4, §5.3) and their list fields. */
const FIELDS: Record<number, [string, string[]]> = {
  0x10: ['open', ['container-id', 'hostname', 'max-frame-size', 'channel-max', 'idle-time-out', 'outgoing-locales', 'incoming-locales', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x11: ['begin', ['remote-channel', 'next-outgoing-id', 'incoming-window', 'outgoing-window', 'handle-max', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x12: ['attach', ['name', 'handle', 'role', 'snd-settle-mode', 'rcv-settle-mode', 'source', 'target', 'unsettled', 'incomplete-unsettled', 'initial-delivery-count', 'max-message-size', 'offered-capabilities', 'desired-capabilities', 'properties']],
  0x13: ['flow', ['next-incoming-id', 'incoming-window', 'next-outgoing-id', 'outgoing-window', 'handle', 'delivery-count', 'link-credit', 'available', 'drain', 'echo', 'properties']],
  0x14: ['transfer', ['handle', 'delivery-id', 'delivery-tag', 'message-format', 'settled', 'more', 'rcv-settle-mode', 'state', 'resume', 'aborted', 'batchable']],
  0x15: ['disposition', ['role', 'first', 'last', 'settled', 'state', 'batchable']],
  0x16: ['detach', ['handle', 'closed', 'error']],
  0x17: ['end', ['error']],
  0x18: ['close', ['error']],
  0x1d: ['error', ['condition', 'description', 'info']],
  0x23: ['received', ['section-number', 'section-offset']],
  0x24: ['accepted', []],
  0x25: ['rejected', ['error']],
  0x26: ['released', []],
  0x27: ['modified', ['delivery-failed', 'undeliverable-here', 'message-annotations']],
  0x28: ['source', ['address', 'durable', 'expiry-policy', 'timeout', 'dynamic', 'dynamic-node-properties', 'distribution-mode', 'filter', 'default-outcome', 'outcomes', 'capabilities']],
  0x29: ['target', ['address', 'durable', 'expiry-policy', 'timeout', 'dynamic', 'dynamic-node-properties', 'capabilities']],
  0x40: ['sasl-mechanisms', ['sasl-server-mechanisms']],
  0x41: ['sasl-init', ['mechanism', 'initial-response', 'hostname']],
  0x42: ['sasl-challenge', ['challenge']],
  0x43: ['sasl-response', ['response']],
  0x44: ['sasl-outcome', ['code', 'additional-data']],
  0x70: ['header', ['durable', 'priority', 'ttl', 'first-acquirer', 'delivery-count']],
  0x73: ['properties', ['message-id', 'user-id', 'to', 'subject', 'reply-to', 'correlation-id', 'content-type', 'content-encoding', 'absolute-expiry-time', 'creation-time', 'group-id', 'group-sequence', 'reply-to-group-id']],
};
const SYMBOLS: Record<string, number> = {};
for (const [code, [name]] of Object.entries(FIELDS)) SYMBOLS[`amqp:${name}:list`] = Number(code);
const SASL_CODES = ['ok', 'auth', 'sys', 'sys-perm', 'sys-temp'];

/** A described list as an object with its field names (`{name, handle, role…}`). */
function fieldsOf(v: unknown): { name: string; code: number; f: Record<string, unknown> } | undefined {
  if (!isDescribed(v)) return undefined;
  const sym = String(v.descriptor);
  const code = typeof v.descriptor === 'number' ? v.descriptor : Object.hasOwn(SYMBOLS, sym) ? SYMBOLS[sym] : undefined;
  if (code === undefined || !Object.hasOwn(FIELDS, code)) return undefined;
  const def = FIELDS[code];
  const list = Array.isArray(v.value) ? v.value : [];
  const f: Record<string, unknown> = {};
  def[1].forEach((k, i) => {
    if (i < list.length && list[i] !== null) f[k] = list[i];
  });
  return { name: def[0], code, f };
}

/** For display: nested described lists with their field names, maps as objects, bytes as hex. */
function show(v: unknown, depth = 0): unknown {
  if (depth > 16) return '…';
  const d = fieldsOf(v);
  if (d) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(d.f)) o[k] = show(x, depth + 1);
    return d.code >= 0x23 && d.code <= 0x27 ? { [d.name]: o } : o;
  }
  if (Array.isArray(v)) return v.map((x) => show(x, depth + 1));
  return plain(v, depth);
}

function errorOf(v: unknown): { condition?: string; description?: string } | undefined {
  const e = fieldsOf(v);
  if (!e || e.name !== 'error') return undefined;
  return { condition: typeof e.f.condition === 'string' ? e.f.condition : undefined, description: typeof e.f.description === 'string' ? e.f.description : undefined };
}

interface Link {
  name: string;
  /** Where the transfers this side sends on the link go to, or come from. */
  address?: string;
}

interface OpenTransfer {
  call: Call;
  parts: Uint8Array[];
  size: number;
}

class Amqp1Decoder implements StreamDecoder {
  private readonly s: Record<Dir, DirStream> = { c2s: new DirStream(), s2c: new DirStream() };
  private dead: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Performatives waiting for the peer's answer: attach by link name, the others in order. */
  private readonly waiting = new Map<string, Call[]>();
  private readonly links = new Map<string, Link>();
  private readonly transfers = new Map<string, OpenTransfer>();
  /** Unsettled deliveries by sender direction, channel and delivery id. */
  private readonly unsettled = new Map<string, Call>();
  /** `dir|channel` → the other side's channel of the same session (from the answering begin). */
  private readonly peerChannel = new Map<string, number>();
  /** `dir|id` → the keys of `unsettled` with that delivery id (for a disposition whose session is not known). */
  private readonly unsettledById = new Map<string, Set<string>>();
  private sasl?: { call?: Call; mechanisms?: unknown };

  constructor(private readonly session: DecoderSession) {}

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead[dir]) return;
    this.s[dir].push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`amqp 1.0: ${(e as Error).message}; the rest of ${dir} is not decoded`, at);
      this.dead[dir] = true;
      this.s[dir].reset();
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead[dir]) return;
    this.session.warn(`amqp 1.0: ${length} bytes missing in ${dir}; the rest of this direction is not decoded`, at);
    this.dead[dir] = true;
    this.s[dir].reset();
  }

  end(_dir: Dir, _at: Position): void {}

  close(_at: Position): void {
    for (const list of this.waiting.values()) for (const c of list) this.emit(c, 'incomplete', `no ${c.method} from the peer`);
    for (const t of this.transfers.values()) this.emit(t.call, 'incomplete', 'the connection ended inside a message sent in several frames');
    for (const c of this.unsettled.values()) this.emit(c, 'complete', 'no disposition seen: the delivery was never settled in this capture');
    if (this.sasl?.call) this.emit(this.sasl.call, 'incomplete', 'no sasl-outcome');
    this.waiting.clear();
    this.transfers.clear();
    this.unsettled.clear();
    this.unsettledById.clear();
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (q.length >= 1 && q.at(0) === 0x41) {
        // a protocol header (§2.2), again after SASL (§5.3.1)
        if (q.length < 8) return;
        const h = q.peek(8);
        if (h[1] !== 0x4d || h[2] !== 0x51 || h[3] !== 0x50) throw new Amqp1Error('not an AMQP frame or protocol header');
        if (dir === 'c2s' && h[4] === 3) this.sasl ??= {};
        st.consume(8);
        continue;
      }
      if (q.length < 8) return;
      const head = q.peek(8);
      const size = be32(head, 0);
      const doff = head[4];
      const type = head[5];
      const channel = be16(head, 6);
      if (size < 8 || doff < 2 || doff * 4 > size || size > MAX_FRAME || (type !== 0 && type !== 1)) throw new Amqp1Error(`implausible frame header (size ${size}, data offset ${doff}, type ${type})`);
      if (size > this.session.env.limits.maxBufferedBytes) throw new Amqp1Error(`frame of ${size} bytes is larger than the buffer limit`);
      if (q.length < size) return;
      const frame = q.peek(size);
      const start = st.pos(0);
      const end = st.pos(size - 1);
      const frames = st.frames(0, size);
      st.consume(size);
      if (size === doff * 4) continue; // an empty frame: a heartbeat (§2.4.5)
      const r = new Amqp1Reader(frame, doff * 4, size);
      const perf = r.value();
      this.performative(dir, channel, perf, frame.subarray(r.o), start, end, frames, size);
    }
  }

  private performative(dir: Dir, channel: number, v: unknown, payload: Uint8Array, start: Position, end: Position, frames: number[], wire: number): void {
    const p = fieldsOf(v);
    if (!p) {
      this.session.warn(`amqp 1.0: frame on channel ${channel} in ${dir} is not a performative`, start);
      return;
    }
    const f = p.f;
    switch (p.name) {
      case 'sasl-mechanisms':
        (this.sasl ??= {}).mechanisms = show(f['sasl-server-mechanisms']);
        return;
      case 'sasl-init': {
        const c = this.call(dir, 'sasl', start, frames, channel);
        const value: Record<string, unknown> = { mechanism: f.mechanism, hostname: f.hostname };
        const resp = f['initial-response'];
        if (f.mechanism === 'PLAIN' && resp instanceof Uint8Array) {
          const parts = new TextDecoder().decode(resp).split('\0');
          value['initial-response'] = parts.length === 3 ? `user ${JSON.stringify(parts[1])}, password (redacted)` : '(redacted)';
        } else if (resp !== undefined) value['initial-response'] = f.mechanism === 'ANONYMOUS' || f.mechanism === 'EXTERNAL' ? show(resp) : '(redacted)';
        if (this.sasl?.mechanisms !== undefined) value['server-mechanisms'] = this.sasl.mechanisms;
        c.request = { value, wireBytes: wire };
        c.timing.requestEndUs = end.tsUs;
        if (typeof f.mechanism === 'string') c.fields['amqp.sasl.mechanism'] = f.mechanism;
        (this.sasl ??= {}).call = c;
        return;
      }
      case 'sasl-challenge':
      case 'sasl-response':
        return;
      case 'sasl-outcome': {
        const c = this.sasl?.call ?? this.call(dir, 'sasl', start, frames, channel);
        this.answer(c, end, frames, { code: f.code }, wire);
        const code = typeof f.code === 'number' ? f.code : -1;
        c.status = { code: SASL_CODES[code] ?? code, text: code === 0 ? 'authenticated' : 'authentication failed', ok: code === 0 };
        if (this.sasl) this.sasl.call = undefined;
        this.emit(c, 'complete');
        return;
      }
      case 'flow':
        return;
      case 'transfer':
        return this.transfer(dir, channel, f, payload, start, end, frames, wire);
      case 'disposition':
        return this.disposition(dir, channel, f, end, frames);
      case 'open':
      case 'begin':
      case 'attach':
      case 'detach':
      case 'end':
      case 'close': {
        const key = p.name === 'attach' ? `attach|${String(f.name)}` : p.name;
        const mine = this.waiting.get(`${OTHER[dir]}|${key}`);
        const value = show(v) as Record<string, unknown>;
        if (p.name === 'attach') this.attach(dir, channel, f);
        if (p.name === 'begin' && typeof f['remote-channel'] === 'number' && this.peerChannel.size < MAX_PENDING) {
          // Each side numbers the session's channel its own way; the answering begin names the
          // other side's (§2.7.2). Delivery ids are counted per session (§2.6.12).
          this.peerChannel.set(`${dir}|${channel}`, f['remote-channel']);
          this.peerChannel.set(`${OTHER[dir]}|${f['remote-channel']}`, channel);
        }
        if (mine?.length) {
          const c = mine.shift()!;
          this.answer(c, end, frames, value, wire);
          const err = errorOf(f.error);
          // an error on either side fails it (a close or end started because of an error, or answered with one)
          if (err) c.status = { code: err.condition ?? 'error', text: err.description, ok: false };
          else if (!c.status) c.status = { code: p.name, ok: true };
          if (p.name === 'attach' && f.source === undefined && f.target === undefined) c.status = { code: 'refused', text: 'the peer attached with no source or target (the link is refused, a detach follows)', ok: false };
          this.emit(c, 'complete');
          return;
        }
        const c = this.call(dir, p.name, start, frames, channel);
        c.request = { value, wireBytes: wire };
        c.timing.requestEndUs = end.tsUs;
        if (p.name === 'attach') {
          const link = this.links.get(`${dir}|${channel}|${String(f.handle)}`);
          if (link?.address) c.target = link.address;
          c.fields['amqp.link'] = String(f.name);
          c.fields['amqp.role'] = f.role === true ? 'receiver' : 'sender';
        }
        if (p.name === 'open' && typeof f.hostname === 'string') c.target = f.hostname;
        const err = errorOf(f.error);
        if (err) c.status = { code: err.condition ?? 'error', text: err.description, ok: false };
        const list = this.waiting.get(`${dir}|${key}`) ?? [];
        list.push(c);
        if (this.waiting.size < MAX_PENDING) this.waiting.set(`${dir}|${key}`, list);
        return;
      }
    }
  }

  /** Remember a link's name and address for the transfers on it (either side's attach). */
  private attach(dir: Dir, channel: number, f: Record<string, unknown>): void {
    const src = fieldsOf(f.source)?.f.address;
    const tgt = fieldsOf(f.target)?.f.address;
    // Transfers keyed by this direction are sent by this side: the client's go to the link's target (a queue or
    // exchange), the broker's come from its source (the queue a receiver reads).
    const address = dir === 'c2s' ? (tgt ?? src) : (src ?? tgt);
    if (this.links.size < MAX_PENDING) this.links.set(`${dir}|${channel}|${String(f.handle)}`, { name: String(f.name), address: typeof address === 'string' ? address : undefined });
  }

  private transfer(dir: Dir, channel: number, f: Record<string, unknown>, payload: Uint8Array, start: Position, end: Position, frames: number[], wire: number): void {
    const tkey = `${dir}|${channel}|${String(f.handle)}`;
    let t = this.transfers.get(tkey);
    if (!t) {
      const link = this.links.get(tkey);
      const c = this.call(dir, 'transfer', start, frames, channel);
      c.kind = dir === 'c2s' ? 'publish' : 'deliver';
      if (link?.address) c.target = link.address;
      if (link) c.fields['amqp.link'] = link.name;
      if (typeof f['delivery-id'] === 'number') c.fields['amqp.delivery_id'] = f['delivery-id'];
      c.fields['amqp.settled'] = f.settled === true;
      t = { call: c, parts: [], size: 0 };
      if (this.transfers.size < MAX_PENDING) this.transfers.set(tkey, t);
    } else addFrames(t.call.frames, frames);
    if (t.size + payload.length <= this.session.env.limits.maxBufferedBytes) {
      t.parts.push(payload.slice());
      t.size += payload.length;
    } else if (!t.call.warnings.some((w) => w.startsWith('message larger'))) t.call.warnings.push(`message larger than ${this.session.env.limits.maxBufferedBytes} bytes: the rest is not decoded`);
    (t.call.request ??= { wireBytes: 0 }).wireBytes! += wire;
    if (f.more === true) return;
    this.transfers.delete(tkey);
    const c = t.call;
    if (f.aborted === true) {
      c.status = { code: 'aborted', ok: false };
      this.emit(c, 'aborted', 'the sender aborted the transfer');
      return;
    }
    this.message(c, concatBytes(t.parts), end);
    const id = typeof c.fields['amqp.delivery_id'] === 'number' ? (c.fields['amqp.delivery_id'] as number) : undefined;
    if (c.fields['amqp.settled'] === true || id === undefined) {
      c.status = { code: 'settled', text: 'sent settled: no outcome asked for', ok: true };
      this.emit(c, 'complete');
      return;
    }
    const key = `${dir}|${channel}|${id}`;
    const old = this.unsettled.get(key);
    if (old) this.emit(old, 'complete', 'no disposition before its delivery id was used again');
    this.putUnsettled(key, c);
    if (this.unsettled.size > MAX_PENDING) {
      const [k, first] = this.unsettled.entries().next().value as [string, Call];
      this.dropUnsettled(k);
      this.emit(first, 'complete', 'no disposition seen (too many unsettled deliveries)');
    }
  }

  /** The message sections (Part 3 §3.2) of a whole transfer (./message.ts). */
  private message(c: Call, bytes: Uint8Array, end: Position): void {
    const m = decodeMessage(bytes, this.session.env, c.warnings);
    const p = m.props;
    if (p['message-id'] !== undefined) c.fields['amqp.message_id'] = p['message-id'];
    if (p.subject !== undefined) c.fields['amqp.subject'] = p.subject;
    if (p.to !== undefined && !c.target) c.target = p.to;
    if (p['reply-to'] !== undefined) c.fields['amqp.reply_to'] = p['reply-to'];
    if (p['correlation-id'] !== undefined) c.fields['amqp.correlation_id'] = p['correlation-id'];
    const part = c.request!;
    if (m.headers) part.headers = m.headers;
    if (m.body) part.body = m.body;
    part.value = m.value;
    const dest = c.target ?? '';
    const keyBytes = m.data ?? utf8Bytes(JSON.stringify(m.bodyValue ?? null));
    c.fields['msg.key'] = messageKey('amqp1', dest, keyBytes);
    c.fields['msg.destination'] = dest;
    if (c.kind === 'publish') c.timing.requestEndUs = end.tsUs;
    else {
      // a delivery: what the broker sent, on the response side like the other brokers' deliveries
      c.response = c.request;
      c.request = undefined;
      c.timing.responseStartUs = c.timing.startUs;
      c.timing.endUs = end.tsUs;
    }
  }

  private disposition(dir: Dir, channel: number, f: Record<string, unknown>, end: Position, frames: number[]): void {
    const first = typeof f.first === 'number' ? f.first : undefined;
    if (first === undefined) return;
    const last = typeof f.last === 'number' ? f.last : first;
    const state = fieldsOf(f.state);
    // The disposition comes from the other side of the deliveries it settles, on its own channel
    // of their session. Begins not captured (a capture started later): the same channel number,
    // else the one unsettled delivery of that id on any channel.
    const mapped = this.peerChannel.get(`${dir}|${channel}`);
    for (let id = first; id <= last && id - first < 10_000; id++) {
      let key = `${OTHER[dir]}|${mapped ?? channel}|${id}`;
      if (mapped === undefined && !this.unsettled.has(key)) key = this.onlyUnsettled(OTHER[dir], id) ?? key;
      const c = this.unsettled.get(key);
      if (!c) continue;
      this.dropUnsettled(key);
      addFrames(c.frames, frames);
      if (c.kind === 'publish') {
        c.timing.responseStartUs = end.tsUs;
        c.timing.endUs = end.tsUs;
      }
      const outcome = state?.name ?? (f.settled === true ? 'settled' : 'unknown');
      c.fields['amqp.outcome'] = outcome;
      const err = outcome === 'rejected' ? errorOf(state?.f.error) : undefined;
      c.status = { code: outcome, ...(err ? { text: `${err.condition ?? ''}${err.description ? `: ${err.description}` : ''}` } : {}), ok: outcome === 'accepted' || outcome === 'settled' || outcome === 'received' };
      this.emit(c, 'complete');
    }
  }

  /** The key of the one unsettled delivery `id` sent from `dir` on any channel, if there is exactly one. */
  private onlyUnsettled(dir: Dir, id: number): string | undefined {
    const keys = this.unsettledById.get(`${dir}|${id}`);
    return keys?.size === 1 ? keys.values().next().value : undefined;
  }

  private putUnsettled(key: string, c: Call): void {
    this.unsettled.set(key, c);
    const byId = key.slice(0, key.indexOf('|')) + key.slice(key.lastIndexOf('|'));
    let keys = this.unsettledById.get(byId);
    if (!keys) this.unsettledById.set(byId, (keys = new Set()));
    keys.add(key);
  }

  private dropUnsettled(key: string): void {
    this.unsettled.delete(key);
    const byId = key.slice(0, key.indexOf('|')) + key.slice(key.lastIndexOf('|'));
    const keys = this.unsettledById.get(byId);
    keys?.delete(key);
    if (keys?.size === 0) this.unsettledById.delete(byId);
  }

  private call(dir: Dir, method: string, start: Position, frames: number[], channel: number): Call {
    const c = this.session.newCall('amqp', start);
    c.kind = 'unary';
    c.method = method;
    c.frames = [];
    addFrames(c.frames, frames);
    c.fields['amqp.version'] = '1.0';
    c.fields['amqp.performative'] = method;
    c.fields['amqp.channel'] = channel;
    if (dir === 's2c') c.fields['amqp.direction'] = 's2c';
    return c;
  }

  private answer(c: Call, end: Position, frames: number[], value: unknown, wire: number): void {
    c.response = { value, wireBytes: wire };
    c.timing.responseStartUs = end.tsUs;
    c.timing.endUs = end.tsUs;
    addFrames(c.frames, frames);
  }

  private emit(c: Call, state: Call['state'], why?: string): void {
    c.state = state;
    if (why) c.warnings.push(why);
    this.session.emit(c);
  }
}

export function createAmqp1Decoder(session: DecoderSession): StreamDecoder {
  return new Amqp1Decoder(session);
}
