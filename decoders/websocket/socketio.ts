/**
 * Socket.IO over WebSocket: the Engine.IO packets a text message carries
 * (socket.io/docs/v4/engine-io-protocol: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade,
 * 6 noop; binary WebSocket messages are binary payloads) and the Socket.IO packets inside
 * Engine.IO messages (socket.io/docs/v4/socket-io-protocol):
 *
 *   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
 *   types: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK
 *
 * An EVENT's payload is an array whose first element is the event name. Binary events and
 * acks announce how many binary attachments follow (one WebSocket binary message each); the
 * payload holds `{"_placeholder":true,"num":n}` where attachment n goes.
 * Pure parsing here; pairing (event with ack id → its ACK) is in the WebSocket decoder.
 */
import { holdWaiting } from '../calls/waiting';
import { parseJsonBounded, queryParam } from '../http-common/body';
import type { DecoderSession, Position } from '../core/decoder';
import type { Body, Call, CallPart, Dir, StreamMessage } from '../core/model';
import { fromBase64, toHex, utf8Strict, utf8Text } from '../core/bytes';
import { addFrame, payloadBody } from './payload';

export const EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
export type EioType = (typeof EIO_TYPES)[number];

export const SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'] as const;
export type SioType = (typeof SIO_TYPES)[number];

export interface SioPacket {
  type: SioType;
  nsp: string;
  id?: number;
  attachments?: number;
  /** The JSON payload, parsed (undefined when none). */
  data?: unknown;
  /** Why the payload was not read (not JSON, too deep…). */
  problem?: string;
}

/** The Engine.IO packet of a text message: its type and the rest. Undefined when not one. */
export function parseEio(text: string): { type: EioType; data: string } | undefined {
  const c = text.charCodeAt(0) - 48;
  if (!(c >= 0 && c <= 6)) return undefined;
  return { type: EIO_TYPES[c], data: text.slice(1) };
}

/** A Socket.IO packet (the data of an Engine.IO message). Undefined when not one. */
export function parseSio(text: string, maxDepth: number): SioPacket | undefined {
  const t = text.charCodeAt(0) - 48;
  if (!(t >= 0 && t <= 6)) return undefined;
  const p: SioPacket = { type: SIO_TYPES[t], nsp: '/' };
  let i = 1;
  if (t === 5 || t === 6) {
    const dash = text.indexOf('-', i);
    if (dash < 0 || dash - i > 6 || !/^\d+$/.test(text.slice(i, dash))) return undefined;
    p.attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    const end = comma < 0 ? text.length : comma;
    p.nsp = bareNamespace(text.slice(i, end));
    i = comma < 0 ? text.length : comma + 1;
  }
  let j = i;
  while (j < text.length && j - i < 16 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  if (j > i) {
    p.id = Number(text.slice(i, j));
    i = j;
  }
  if (i < text.length) {
    const r = parseJsonBounded(text.slice(i), maxDepth);
    if (r.ok) p.data = r.value;
    else p.problem = r.warning;
  }
  return p;
}

/** Does this URI ask for Socket.IO's Engine.IO (`/socket.io/?EIO=4&transport=websocket`)? */
export function engineIoVersion(uri: string | undefined): number | undefined {
  const m = uri ? /[?&]EIO=(\d)(?:&|$)/.exec(uri) : null;
  return m ? Number(m[1]) : undefined;
}

/** Put binary attachments where the payload's placeholders are. */
export function fillPlaceholders(v: unknown, attachments: unknown[], depth = 0): unknown {
  if (depth > 32 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => fillPlaceholders(x, attachments, depth + 1));
  const o = v as Record<string, unknown>;
  if (o._placeholder === true && typeof o.num === 'number') return o.num in attachments ? attachments[o.num] : v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: fillPlaceholders(o[k], attachments, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** One WebSocket data message as the Socket.IO layer sees it. */
export interface WsMessage {
  dir: Dir;
  opcode: number;
  data: Uint8Array;
  start: Position;
  end: Position;
  frames: number[];
  wire: number;
  index: number;
  compressed?: boolean;
}

/** A protocol carried message by message over a WebSocket (Socket.IO, GraphQL, SignalR). */
export interface WsLayer {
  /** Takes the message when it belongs to the layer; false leaves it to plain WebSocket. */
  message(m: WsMessage, warnings: string[]): boolean;
  /** The connection ended: what still waits for an answer is said. */
  close(): void;
}

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_PENDING = 1000;

/**
 * A message that starts or stands alone (shared with graphql-ws.ts): on the request side from the
 * client, on the response side from the server.
 */
export function putPart(c: Call, m: WsMessage, part: CallPart): void {
  if (m.dir === 'c2s') {
    c.request = part;
    c.timing.requestEndUs = m.end.tsUs;
  } else {
    c.response = part;
    c.timing.responseStartUs = m.start.tsUs;
    c.timing.endUs = m.end.tsUs;
  }
}

/**
 * A call started by one message of a layer carried over WebSocket (Socket.IO, GraphQL, SignalR; shared
 * with graphql-ws.ts and signalr.ts): its kind, method, target, frames and the message itself.
 */
export function wsCall(session: DecoderSession, protocol: string, m: WsMessage, kind: Call['kind'], method: string, warnings: string[], target: string | undefined, message: StreamMessage): Call {
  const c = session.newCall(protocol, m.start);
  c.kind = kind;
  c.method = method;
  if (target !== undefined) c.target = target;
  c.frames = [];
  for (const f of m.frames) addFrame(c.frames, f);
  c.warnings.push(...warnings);
  c.fields['websocket.dir'] = m.dir;
  c.messages = [message];
  return c;
}

/** Ends a call of such a layer: its state, a reason when there is one. */
export function emitCall(session: DecoderSession, c: Call, state: Call['state'], why?: string): void {
  c.state = state;
  if (why) c.warnings.push(why);
  session.emit(c);
}

/** A message that answers a call (an ack, a pong, connection_ack): its response, one more message. */
export function answerPart(c: Call, m: WsMessage, part: CallPart, warnings: string[], label: string): void {
  c.response = part;
  c.timing.responseStartUs ??= m.start.tsUs;
  c.timing.endUs = m.end.tsUs;
  for (const f of m.frames) addFrame(c.frames, f);
  c.messages?.push({ dir: m.dir, index: m.index, tsUs: m.end.tsUs, size: m.data.length, frame: m.end.frame, label, ...(m.compressed ? { compressed: true } : {}) });
  c.warnings.push(...warnings);
}
const MAX_ATTACHMENTS = 64;

/** Where polling.ts keeps the long-polling events waiting for an ACK, in the capture's state. */
export const POLLING_ACKS = 'socketio.polling.acks';

/** What the WebSocket layer asks of them: answer one with an ACK that came over the upgraded connection. */
export interface PollingAckAnswers {
  answerFromWebSocket(sid: string, dir: Dir, nsp: string, id: number, value: unknown, startUs: number, endUs: number, frames: number[], warnings: string[]): boolean;
}

/**
 * Socket.IO calls from a WebSocket's data messages: an event emitted with an ack id is a unary
 * call answered by its ACK (matched by namespace and id, from the other side); an event without
 * one is oneway; CONNECT → CONNECT (or CONNECT_ERROR) per namespace is a unary 'connect';
 * Engine.IO ping → pong pairs; open, close, upgrade, noop and DISCONNECT are events.
 */
export class SocketIo implements WsLayer {
  private readonly acks = new Map<string, Call>();
  private readonly connects = new Map<string, Call>();
  private readonly pings: Record<Dir, Call[]> = { c2s: [], s2c: [] };
  /** A binary event or ack waiting for its attachments, per direction. */
  private readonly binary: Partial<Record<Dir, { call: Call; packet: SioPacket; need: number; got: unknown[]; part: 'request' | 'response' }>> = {};

  constructor(
    private readonly session: DecoderSession,
    private readonly target: string | undefined,
    private readonly eio: number | undefined,
  ) {}

  /** Takes the message when it is Engine.IO/Socket.IO; false to leave it to plain WebSocket. */
  message(m: WsMessage, warnings: string[]): boolean {
    if (m.opcode === 2) return this.attachment(m, warnings);
    if (m.opcode !== 1) return false;
    const text = utf8Strict(m.data);
    if (text === undefined) return false;
    const eio = parseEio(text);
    if (!eio) return false;
    const limits = this.session.env.limits;
    if (eio.type === 'ping') {
      const c = this.call(m, 'event', 'ping', warnings);
      c.request = this.part(m, eio.data);
      c.timing.requestEndUs = m.end.tsUs;
      const q = this.pings[m.dir];
      q.push(c);
      if (q.length > MAX_PENDING) this.emit(q.shift()!, 'incomplete', 'no pong seen');
      return true;
    }
    if (eio.type === 'pong') {
      const ping = this.pings[OTHER[m.dir]].shift();
      if (ping) {
        this.respond(ping, m, this.part(m, eio.data), warnings);
        ping.status = { code: 'pong', ok: true };
        this.emit(ping, 'complete');
      } else {
        const c = this.call(m, 'event', 'pong', warnings);
        this.put(c, m, this.part(m, eio.data));
        this.emit(c, 'complete');
      }
      return true;
    }
    if (eio.type !== 'message') {
      const c = this.call(m, 'event', eio.type, warnings);
      const part = this.part(m, eio.data);
      if (eio.type === 'open' && part.body?.kind === 'json') {
        part.value = part.body.value;
        const sid = (part.body.value as Record<string, unknown> | null)?.sid;
        if (typeof sid === 'string') c.fields['engineio.sid'] = sid;
      }
      this.put(c, m, part);
      this.emit(c, 'complete');
      return true;
    }
    const p = parseSio(eio.data, limits.maxDepth);
    if (!p) {
      const c = this.call(m, 'oneway', 'message', warnings);
      this.put(c, m, this.part(m, eio.data));
      this.emit(c, 'complete');
      return true;
    }
    if (p.problem) warnings.push(`Socket.IO ${p.type} payload: ${p.problem}`);
    switch (p.type) {
      case 'CONNECT': {
        const key = `${OTHER[m.dir]}|${p.nsp}`;
        const open = this.connects.get(key);
        if (open) {
          this.connects.delete(key);
          this.respond(open, m, { ...this.part(m, eio.data), value: p.data }, warnings);
          const sid = (p.data as Record<string, unknown> | undefined)?.sid;
          if (typeof sid === 'string') open.fields['socketio.sid'] = sid;
          open.status = { code: 'connected', ok: true };
          this.emit(open, 'complete');
          return true;
        }
        const c = this.call(m, 'unary', 'connect', warnings, p);
        c.request = { ...this.part(m, eio.data), value: p.data };
        c.timing.requestEndUs = m.end.tsUs;
        this.hold(this.connects, `${m.dir}|${p.nsp}`, c);
        return true;
      }
      case 'CONNECT_ERROR': {
        const key = `${OTHER[m.dir]}|${p.nsp}`;
        const open = this.connects.get(key);
        const c = open ?? this.call(m, 'event', 'connect_error', warnings, p);
        if (open) {
          this.connects.delete(key);
          this.respond(open, m, { ...this.part(m, eio.data), value: p.data }, warnings);
        } else this.put(c, m, { ...this.part(m, eio.data), value: p.data });
        const msg = (p.data as Record<string, unknown> | undefined)?.message;
        c.status = { code: 'CONNECT_ERROR', text: typeof msg === 'string' ? msg : typeof p.data === 'string' ? p.data : undefined, ok: false };
        this.emit(c, 'complete');
        return true;
      }
      case 'DISCONNECT': {
        const c = this.call(m, 'event', 'disconnect', warnings, p);
        this.put(c, m, this.part(m, eio.data));
        this.emit(c, 'complete');
        return true;
      }
      case 'EVENT':
      case 'BINARY_EVENT': {
        const args = Array.isArray(p.data) ? p.data : undefined;
        if (!args || typeof args[0] !== 'string') warnings.push('Socket.IO EVENT without an event name (its payload is not ["name", …])');
        const name = args && typeof args[0] === 'string' ? args[0] : 'event';
        const c = this.call(m, p.id !== undefined ? 'unary' : 'oneway', name, warnings, p);
        c.fields['socketio.event'] = name;
        const part: CallPart = { ...this.part(m, eio.data), value: args ? args.slice(1) : p.data };
        // An emit is the sender's request, whichever side sent it (the server emits to clients too).
        c.request = part;
        c.timing.requestEndUs = m.end.tsUs;
        if (p.attachments) return this.awaitAttachments(m.dir, c, p, 'request');
        this.sent(c, m.dir, p);
        return true;
      }
      case 'ACK':
      case 'BINARY_ACK': {
        const key = `${OTHER[m.dir]}|${p.nsp}|${p.id}`;
        const open = p.id !== undefined ? this.acks.get(key) : undefined;
        const part: CallPart = { ...this.part(m, eio.data), value: p.data };
        if (open) {
          this.acks.delete(key);
          this.respond(open, m, part, warnings);
          open.status = { code: 'ack', ok: true };
          if (p.attachments) return this.awaitAttachments(m.dir, open, p, 'response');
          this.emit(open, 'complete');
          return true;
        }
        // The event may have gone out over long-polling before this connection upgraded it (polling.ts).
        if (p.id !== undefined && !p.attachments && this.fromPolling(m, p, warnings)) return true;
        const c = this.call(m, 'event', 'ack', warnings, p);
        c.warnings.push(p.id !== undefined ? `ACK ${p.id} to no event seen in this capture` : 'ACK without an id');
        this.put(c, m, part);
        if (p.attachments) return this.awaitAttachments(m.dir, c, p, m.dir === 'c2s' ? 'request' : 'response');
        this.emit(c, 'complete');
        return true;
      }
    }
    return false;
  }

  close(): void {
    for (const c of this.acks.values()) this.emit(c, 'incomplete', 'no ACK seen for this event');
    for (const c of this.connects.values()) this.emit(c, 'incomplete', 'the namespace did not answer the CONNECT');
    for (const d of ['c2s', 's2c'] as Dir[]) {
      for (const c of this.pings[d].splice(0)) this.emit(c, 'incomplete', 'no pong seen');
      const b = this.binary[d];
      if (b) this.emit(b.call, 'incomplete', `${b.got.length} of ${b.need} binary attachments seen`);
    }
    this.acks.clear();
    this.connects.clear();
  }

  /** An ACK to an event the same Engine.IO session (`sid` of the upgrade URI) sent over long-polling. */
  private fromPolling(m: WsMessage, p: SioPacket, warnings: string[]): boolean {
    const sid = this.target ? queryParam(this.target, 'sid') : undefined;
    const polling = sid ? (this.session.capture?.state.get(POLLING_ACKS) as PollingAckAnswers | undefined) : undefined;
    return polling?.answerFromWebSocket(sid!, m.dir, p.nsp, p.id!, p.data, m.start.tsUs, m.end.tsUs, m.frames, warnings) ?? false;
  }

  private sent(c: Call, dir: Dir, p: SioPacket): void {
    if (p.id !== undefined) {
      c.state = 'pending';
      this.hold(this.acks, `${dir}|${p.nsp}|${p.id}`, c);
    } else this.emit(c, 'complete');
  }

  private awaitAttachments(dir: Dir, call: Call, packet: SioPacket, part: 'request' | 'response'): boolean {
    const prev = this.binary[dir];
    if (prev) this.emit(prev.call, 'incomplete', `${prev.got.length} of ${prev.need} binary attachments seen before the next packet`);
    const need = Math.min(packet.attachments ?? 0, MAX_ATTACHMENTS);
    if ((packet.attachments ?? 0) > MAX_ATTACHMENTS) call.warnings.push(`${packet.attachments} binary attachments announced: the first ${MAX_ATTACHMENTS} are shown`);
    this.binary[dir] = { call, packet, need, got: [], part };
    return true;
  }

  private attachment(m: WsMessage, warnings: string[]): boolean {
    const b = this.binary[m.dir];
    if (!b) return false;
    const body = payloadBody(m.data, this.session.env.limits, undefined, m.data.length, warnings);
    b.got.push({ binary: body.size, ...(body.hex !== undefined ? { hex: body.hex } : {}), ...(body.text !== undefined ? { text: body.text } : {}) });
    for (const f of m.frames) addFrame(b.call.frames, f);
    b.call.warnings.push(...warnings);
    const side = b.part === 'request' ? b.call.request : b.call.response;
    if (side) side.wireBytes = (side.wireBytes ?? 0) + m.wire;
    if (b.part === 'request') b.call.timing.requestEndUs = m.end.tsUs;
    else b.call.timing.endUs = m.end.tsUs;
    if (b.got.length < b.need) return true;
    this.binary[m.dir] = undefined;
    if (side) side.value = fillPlaceholders(side.value, b.got);
    b.call.fields['socketio.attachments'] = b.got.length;
    if (b.part === 'request' && b.packet.type === 'BINARY_EVENT') this.sent(b.call, m.dir, b.packet);
    else this.emit(b.call, 'complete');
    return true;
  }

  private hold(map: Map<string, Call>, key: string, c: Call): void {
    holdWaiting(
      map,
      key,
      c,
      MAX_PENDING,
      (old) => this.emit(old, 'incomplete', 'its id was used again before an answer'),
      (first) => this.emit(first, 'incomplete', 'no answer seen (too many waiting)'),
    );
  }

  private call(m: WsMessage, kind: Call['kind'], method: string, warnings: string[], p?: SioPacket): Call {
    const c = wsCall(this.session, 'socketio', m, kind, method, warnings, p ? p.nsp : (this.target?.split('?')[0] ?? '/'), this.messageOf(m));
    if (this.eio !== undefined) c.fields['engineio.version'] = this.eio;
    if (p) {
      c.fields['socketio.type'] = p.type;
      c.fields['socketio.namespace'] = p.nsp;
      if (p.id !== undefined) c.fields['socketio.ack_id'] = p.id;
    }
    return c;
  }

  private messageOf(m: WsMessage) {
    return { dir: m.dir, index: m.index, tsUs: m.end.tsUs, size: m.data.length, frame: m.end.frame, label: 'text', ...(m.compressed ? { compressed: true } : {}) };
  }

  private part(m: WsMessage, text: string): CallPart {
    const limits = this.session.env.limits;
    const bytes = new TextEncoder().encode(text);
    const body: Body = bytes.length ? payloadBody(bytes, limits, undefined, bytes.length, []) : { size: 0, kind: 'none' };
    return { body, wireBytes: m.wire };
  }

  private put(c: Call, m: WsMessage, part: CallPart): void {
    putPart(c, m, part);
  }

  private respond(c: Call, m: WsMessage, part: CallPart, warnings: string[]): void {
    answerPart(c, m, part, warnings, 'text');
  }

  private emit(c: Call, state: Call['state'], why?: string): void {
    emitCall(this.session, c, state, why);
  }
}

/** One packet of a long-polling payload, as shown on the HTTP call. */
export interface PolledPacket {
  type: EioType | SioType;
  nsp?: string;
  id?: number;
  event?: string;
  data?: unknown;
  /** Binary payloads (`b` + base64 in a polling payload): their size. */
  binary?: number;
  /** Their first bytes, in hex. */
  hex?: string;
  /** A binary event or ack: how many of the binary payloads after it were its attachments (put in place of its placeholders). */
  attachments?: number;
  /** Attachments it announced that this payload did not carry (they come in the next one of the same side). */
  missing?: number;
}

/** A binary packet as the attachment put in place of a placeholder: its size and first bytes. */
export function attachmentOf(p: PolledPacket): { binary?: number; hex?: string } {
  return { binary: p.binary, ...(p.hex !== undefined ? { hex: p.hex } : {}) };
}

/** Bytes of a base64 attachment shown in hex (its size is always given). */
const ATTACHMENT_HEX = 1024;

/** A `b…` record of a polling payload (v4 `b<base64>`, v3 `b4<base64>`): its size and first bytes. */
function binaryRecord(r: string, eio: number): PolledPacket {
  const b64 = r.slice(eio >= 4 ? 1 : 2);
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const size = Math.max(0, Math.floor((b64.length * 3) / 4) - pad);
  const head = fromBase64(b64.slice(0, Math.ceil(ATTACHMENT_HEX / 3) * 4));
  return { type: 'message', binary: size, ...(head ? { hex: toHex(head.subarray(0, ATTACHMENT_HEX)) } : {}) };
}

/**
 * The records of an Engine.IO 3 binary payload (engine.io-protocol v3 "Payload", what an XHR2 client
 * such as socket.io-client 2 in a browser POSTs as application/octet-stream when it has binary data):
 * each `<0 string | 1 binary>`, the length in decimal digits one byte each, 0xFF, then the packet — a
 * string packet as text, a binary one as its Engine.IO type byte (4, message) and the data. Binary
 * records are returned as their data; a record cut short ends the list.
 */
export function binaryPayload(b: Uint8Array, max = 1000): Array<string | Uint8Array> {
  const out: Array<string | Uint8Array> = [];
  let i = 0;
  while (i < b.length && out.length < max) {
    const kind = b[i++];
    if (kind !== 0 && kind !== 1) break;
    let n = 0;
    let digits = 0;
    while (i < b.length && b[i] !== 0xff && b[i] <= 9 && digits < 10) {
      n = n * 10 + b[i++];
      digits++;
    }
    if (b[i] !== 0xff || !digits || i + 1 + n > b.length) break;
    const body = b.subarray(i + 1, i + 1 + n);
    i += 1 + n;
    if (kind === 0) out.push(utf8Text(body));
    else if (body[0] === 4) out.push(body.subarray(1));
    else break;
  }
  return out;
}

/** The namespace of a packet without the query Socket.IO 2 clients append to it (`/chat?token=x`). */
function bareNamespace(nsp: string): string {
  const q = nsp.indexOf('?');
  return q < 0 ? nsp : nsp.slice(0, q);
}

/**
 * The packets of an Engine.IO long-polling payload: version 4 separates them with the record
 * separator 0x1E (engine-io-protocol "HTTP long-polling"); version 3 prefixes each with its
 * length in characters and a colon (`2:40`). Binary payloads travel base64-encoded (`b` + base64,
 * v3 `b4` + base64); those right after a BINARY_EVENT or BINARY_ACK are its attachments
 * (socket-io-protocol v5 "Packet encoding"), put where its placeholders are.
 */
export function pollingPackets(text: string | Uint8Array, eio: number, maxDepth: number, max = 1000): PolledPacket[] {
  const raw: Array<string | Uint8Array> = [];
  if (typeof text !== 'string') raw.push(...binaryPayload(text, max));
  else if (eio >= 4) raw.push(...text.split('\x1e').slice(0, max));
  else {
    for (let i = 0; i < text.length && raw.length < max; ) {
      const colon = text.indexOf(':', i);
      const n = colon > i ? Number(text.slice(i, colon)) : Number.NaN;
      if (!Number.isInteger(n) || n < 0) break;
      raw.push(text.slice(colon + 1, colon + 1 + n));
      i = colon + 1 + n;
    }
  }
  const out: PolledPacket[] = [];
  /** A binary event or ack still taking its attachments. */
  let owner: { p: PolledPacket; need: number; got: unknown[] } | undefined;
  const settle = () => {
    if (!owner) return;
    owner.p.data = fillPlaceholders(owner.p.data, owner.got);
    owner.p.attachments = owner.got.length;
    if (owner.got.length < owner.need) owner.p.missing = owner.need - owner.got.length;
    owner = undefined;
  };
  for (const r of raw) {
    if (!r.length) continue;
    if (typeof r !== 'string' || r[0] === 'b') {
      const b = typeof r === 'string' ? binaryRecord(r, eio) : { type: 'message' as const, binary: r.length, hex: toHex(r.subarray(0, ATTACHMENT_HEX)) };
      if (owner) {
        owner.got.push(attachmentOf(b));
        if (owner.got.length >= owner.need) settle();
      } else out.push(b);
      continue;
    }
    settle();
    const e = parseEio(r);
    if (!e) continue;
    if (e.type !== 'message') {
      const j = e.data ? parseJsonBounded(e.data, maxDepth) : undefined;
      out.push({ type: e.type, ...(e.data ? { data: j?.ok ? j.value : e.data } : {}) });
      continue;
    }
    const p = parseSio(e.data, maxDepth);
    if (!p) {
      out.push({ type: 'message', data: e.data });
      continue;
    }
    const args = Array.isArray(p.data) ? p.data : undefined;
    const isEvent = p.type === 'EVENT' || p.type === 'BINARY_EVENT';
    const packet: PolledPacket = {
      type: p.type,
      nsp: p.nsp,
      ...(p.id !== undefined ? { id: p.id } : {}),
      ...(isEvent && args && typeof args[0] === 'string' ? { event: args[0], data: args.slice(1) } : p.data !== undefined ? { data: p.data } : {}),
    };
    out.push(packet);
    if (p.attachments) owner = { p: packet, need: Math.min(p.attachments, MAX_ATTACHMENTS), got: [] };
  }
  settle();
  return out;
}

/** A short name for a packet: `open`, `connect`, `chat message`, `ack 3`… (the namespace is the call's target) */
export function packetName(p: PolledPacket): string {
  switch (p.type) {
    case 'CONNECT':
    case 'CONNECT_ERROR':
    case 'DISCONNECT':
      return p.type.toLowerCase();
    case 'EVENT':
    case 'BINARY_EVENT':
      return p.event ?? 'event';
    case 'ACK':
    case 'BINARY_ACK':
      return `ack ${p.id ?? ''}`.trim();
    default:
      return p.binary !== undefined ? 'binary' : p.type;
  }
}
