/**
 * ASP.NET Core SignalR, JSON hub protocol (aspnetcore/src/SignalR/docs/specs/HubProtocol.md) over
 * WebSocket: after the handshake (`{"protocol":"json","version":1}` answered by `{}` or `{"error"}`),
 * each text message holds records ended by 0x1E: 1 Invocation {invocationId?, target, arguments},
 * 2 StreamItem, 3 Completion {invocationId, result | error}, 4 StreamInvocation, 5 CancelInvocation,
 * 6 Ping, 7 Close {error?}. An invocation with an id is a `unary` call its Completion answers (an
 * error fails it); without one it is `oneway` — the hub calling a client method (`ReceiveMessage`)
 * is one from the server; a StreamInvocation is a `server-stream` whose items are its messages.
 *
 * The MessagePack hub protocol (handshake `{"protocol":"messagepack","version":1}`, still JSON text)
 * goes on in binary messages, each holding records prefixed by their length as a VarInt (7 bits a
 * byte, at most 5 bytes), each record a MessagePack array by position: [1, headers, invocationId,
 * target, arguments, streamIds?], [2, headers, invocationId, item], [3, headers, invocationId,
 * resultKind (1 error, 2 void, 3 result), error | result], [4, …as 1], [5, headers, invocationId],
 * [6], [7, error, allowReconnect?]. They become the same calls as the JSON records.
 */
import { holdWaiting } from '../calls/waiting';
import type { DecoderSession } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { utf8Strict } from '../core/bytes';
import { parseJsonBounded } from '../http-common/body';
import { addFrame, payloadBody } from './payload';
import { answerPart, emitCall, putPart, wsCall, type WsLayer, type WsMessage } from './socketio';
import { decodeMsgpack } from '../core/msgpack';
import type { Body } from '../core/model';
import { isObj } from '../core/json';

const RS = '\x1e';
const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_PENDING = 1000;
const TYPES: Record<number, string> = { 1: 'invocation', 2: 'stream item', 3: 'completion', 4: 'stream invocation', 5: 'cancel', 6: 'ping', 7: 'close', 8: 'ack', 9: 'sequence' };

/** Does a first client message start SignalR's JSON hub protocol? */
export function startsSignalR(text: string): boolean {
  return /^\{\s*"protocol"\s*:\s*"(json|messagepack)"\s*,\s*"version"\s*:\s*\d+\s*\}\x1e/.test(text.slice(0, 80));
}

/** A MessagePack hub record by position (HubProtocol.md, "MessagePack Encoding") as the JSON record's fields. */
export function msgpackRecord(a: unknown[]): Record<string, unknown> {
  const type = a[0];
  const id = typeof a[2] === 'string' ? { invocationId: a[2] } : {};
  switch (type) {
    case 1:
    case 4:
      return { type, ...id, target: a[3], arguments: a[4], ...(Array.isArray(a[5]) && a[5].length ? { streamIds: a[5] } : {}), ...(headersOf(a[1]) ?? {}) };
    case 2:
      return { type, ...id, item: a[3], ...(headersOf(a[1]) ?? {}) };
    case 3:
      return { type, ...id, ...(a[3] === 1 ? { error: a[4] } : a[3] === 3 ? { result: a[4] } : {}), ...(headersOf(a[1]) ?? {}) };
    case 5:
      return { type, ...id, ...(headersOf(a[1]) ?? {}) };
    case 7:
      return { type, ...(typeof a[1] === 'string' ? { error: a[1] } : {}), ...(typeof a[2] === 'boolean' ? { allowReconnect: a[2] } : {}) };
    default:
      return { type: typeof type === 'number' ? type : -1, ...(a.length > 1 ? { fields: a.slice(1) } : {}) };
  }
}

function headersOf(h: unknown): { headers: Record<string, unknown> } | undefined {
  return isObj(h) && Object.keys(h).length ? { headers: h } : undefined;
}

/** The records of a binary message: VarInt length, then that many bytes (undefined when the framing does not hold). */
export function binaryRecords(b: Uint8Array, max = 1000): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < b.length && out.length < max) {
    let len = 0;
    let shift = 0;
    let k = 0;
    for (;;) {
      if (i >= b.length || k === 5) return undefined;
      const c = b[i++];
      len += (c & 0x7f) * 2 ** shift;
      shift += 7;
      k++;
      if (!(c & 0x80)) break;
    }
    if (len === 0 || i + len > b.length) return undefined;
    out.push(b.subarray(i, i + len));
    i += len;
  }
  return out;
}

export class SignalR implements WsLayer {
  private readonly open = new Map<string, Call>();
  /** The hub protocol the handshake asked for (`json`, `messagepack`). */
  private protocol = 'json';
  private handshake?: Call;
  private handshaken: Record<Dir, boolean> = { c2s: false, s2c: false };

  constructor(
    private readonly session: DecoderSession,
    private readonly target: string | undefined,
  ) {}

  message(m: WsMessage, warnings: string[]): boolean {
    if (m.opcode === 2 && this.protocol === 'messagepack') return this.binary(m, warnings);
    if (m.opcode !== 1) return false;
    const text = utf8Strict(m.data);
    if (text === undefined || !text.endsWith(RS)) return false;
    const limits = this.session.env.limits;
    for (const rec of text.split(RS).slice(0, -1).slice(0, 1000)) {
      const j = parseJsonBounded(rec, limits.maxDepth);
      if (!j.ok || !isObj(j.value)) {
        this.session.warn(`signalr: a record in ${m.dir} is not a JSON object: ${j.ok ? 'not an object' : j.warning}`, m.start);
        continue;
      }
      this.record(m, j.value, rec, warnings);
    }
    return true;
  }

  /** A binary message of the MessagePack hub protocol. */
  private binary(m: WsMessage, warnings: string[]): boolean {
    const recs = binaryRecords(m.data);
    if (!recs) {
      this.session.warn(`signalr: a binary message in ${m.dir} is not length-prefixed MessagePack records`, m.start);
      return false;
    }
    for (const bytes of recs) {
      const r = decodeMsgpack(bytes, this.session.env.limits.maxDepth);
      if (!r.ok || !Array.isArray(r.value) || typeof r.value[0] !== 'number') {
        this.session.warn(`signalr: a MessagePack record in ${m.dir} is not a message array${r.warning ? ` (${r.warning})` : ''}`, m.start);
        continue;
      }
      this.record(m, msgpackRecord(r.value), bytes, warnings);
    }
    return true;
  }

  close(): void {
    if (this.handshake) this.emit(this.handshake, 'incomplete', 'no handshake response');
    for (const c of this.open.values()) this.emit(c, 'incomplete', c.kind === 'server-stream' ? 'the stream had not completed when the connection or the capture ended' : 'no completion seen');
    this.open.clear();
  }

  private record(m: WsMessage, r: Record<string, unknown>, text: string | Uint8Array, warnings: string[]): void {
    if (!this.handshaken[m.dir] && !('type' in r)) {
      this.handshaken[m.dir] = true;
      if (m.dir === 'c2s') {
        const c = this.call(m, 'unary', 'handshake', warnings, text);
        c.request = this.part(m, text, r);
        c.timing.requestEndUs = m.end.tsUs;
        if (typeof r.protocol === 'string') {
          c.fields['signalr.protocol'] = r.protocol;
          this.protocol = r.protocol;
        }
        this.handshake = c;
      } else {
        const c = this.handshake ?? this.call(m, 'event', 'handshake', warnings, text);
        const err = typeof r.error === 'string' ? r.error : undefined;
        if (this.handshake) answerPart(c, m, this.part(m, text, r), warnings, 'handshake');
        else putPart(c, m, this.part(m, text, r));
        c.status = err ? { code: 'error', text: err, ok: false } : { code: 'ok', ok: true };
        this.handshake = undefined;
        this.emit(c, 'complete');
      }
      return;
    }
    this.handshaken[m.dir] = true;
    const type = typeof r.type === 'number' ? r.type : -1;
    const id = typeof r.invocationId === 'string' ? r.invocationId : undefined;
    switch (type) {
      case 1:
      case 4: {
        const name = typeof r.target === 'string' ? r.target : '?';
        const c = this.call(m, type === 4 ? 'server-stream' : id !== undefined ? 'unary' : 'oneway', name, warnings, text);
        c.request = this.part(m, text, r.arguments);
        c.timing.requestEndUs = m.end.tsUs;
        c.fields['signalr.type'] = TYPES[type];
        if (id !== undefined) {
          c.fields['signalr.invocation_id'] = id;
          holdWaiting(
            this.open,
            `${m.dir}|${id}`,
            c,
            MAX_PENDING,
            (old) => this.emit(old, 'incomplete', `invocation id ${id} used again before its completion`),
            (first) => this.emit(first, 'incomplete', 'no completion seen (too many invocations open)'),
          );
        } else {
          c.state = 'complete';
          this.session.emit(c);
        }
        return;
      }
      case 2: {
        const c = id !== undefined ? this.open.get(`${OTHER[m.dir]}|${id}`) : undefined;
        if (!c) return this.orphan(m, type, text, r, warnings);
        const n = c.messages!.filter((x) => x.dir === m.dir).length;
        if (c.messages!.length <= this.session.env.limits.maxMessagesPerCall) c.messages!.push({ dir: m.dir, index: n, tsUs: m.end.tsUs, size: text.length, frame: m.end.frame, label: 'stream item', value: r.item });
        for (const f of m.frames) addFrame(c.frames, f);
        c.timing.responseStartUs ??= m.start.tsUs;
        c.timing.endUs = m.end.tsUs;
        return;
      }
      case 3: {
        const key = `${OTHER[m.dir]}|${id}`;
        const c = id !== undefined ? this.open.get(key) : undefined;
        if (!c) return this.orphan(m, type, text, r, warnings);
        this.open.delete(key);
        answerPart(c, m, this.part(m, text, 'error' in r ? { error: r.error } : r.result), warnings, 'completion');
        c.status = typeof r.error === 'string' ? { code: 'error', text: r.error, ok: false } : { code: 'completion', ok: true };
        this.emit(c, 'complete');
        return;
      }
      case 5: {
        const key = `${m.dir}|${id}`;
        const c = id !== undefined ? this.open.get(key) : undefined;
        if (!c) return this.orphan(m, type, text, r, warnings);
        this.open.delete(key);
        for (const f of m.frames) addFrame(c.frames, f);
        c.timing.endUs = m.end.tsUs;
        c.status = { code: 'cancelled', text: 'by the caller', ok: true };
        this.emit(c, 'complete');
        return;
      }
      case 6:
        return; // keep-alive pings, every 15 s by default: no calls
      default: {
        const c = this.call(m, 'event', TYPES[type] ?? `type ${type}`, warnings, text);
        putPart(c, m, this.part(m, text, r));
        if (type === 7 && typeof r.error === 'string') c.status = { code: 'error', text: r.error, ok: false };
        this.emit(c, 'complete');
      }
    }
  }

  private orphan(m: WsMessage, type: number, text: string | Uint8Array, r: Record<string, unknown>, warnings: string[]): void {
    const c = this.call(m, 'event', TYPES[type] ?? `type ${type}`, warnings, text);
    c.warnings.push(r.invocationId === undefined ? `${TYPES[type]} without an invocation id` : `${TYPES[type]} for invocation ${String(r.invocationId)}, whose start is not in the capture`);
    putPart(c, m, this.part(m, text, r));
    this.emit(c, 'complete');
  }

  private call(m: WsMessage, kind: Call['kind'], method: string, warnings: string[], text: string | Uint8Array): Call {
    return wsCall(this.session, 'signalr', m, kind, method, warnings, this.target ? this.target.split('?')[0] : undefined, { dir: m.dir, index: 0, tsUs: m.end.tsUs, size: text.length, frame: m.end.frame, label: method });
  }

  /** A record's part: a JSON record's text as its body; a MessagePack record's decoded fields. */
  private part(m: WsMessage, text: string | Uint8Array, value: unknown) {
    let body: Body;
    if (typeof text === 'string') {
      const bytes = new TextEncoder().encode(text);
      body = payloadBody(bytes, this.session.env.limits, undefined, bytes.length, []);
    } else body = { size: text.length, kind: 'msgpack' };
    return { body, wireBytes: m.wire, ...(value !== undefined ? { value } : {}) };
  }

  private emit(c: Call, state: Call['state'], why?: string): void {
    emitCall(this.session, c, state, why);
  }
}
