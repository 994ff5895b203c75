/**
 * GraphQL over WebSocket, both protocols in use:
 * - graphql-ws (`graphql-transport-ws` subprotocol; github.com/enisdenjo/graphql-ws PROTOCOL.md):
 *   connection_init → connection_ack, ping ↔ pong, subscribe {id, payload} → next… → complete |
 *   error, complete from the client to stop;
 * - subscriptions-transport-ws (`graphql-ws` subprotocol, Apollo's older protocol):
 *   connection_init → connection_ack | connection_error, ka (keep-alive), start → data… →
 *   complete | error, stop, connection_terminate.
 * An operation is a graphql call (subscriptions `server-stream`, each result a message; queries
 * and mutations `unary`), from its subscribe/start to its complete, error or stop.
 */
import { holdWaiting } from '../calls/waiting';
import type { DecoderSession } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { utf8Strict } from '../core/bytes';
import { parseJsonBounded } from '../http-common/body';
import { asGraphqlRequest, describeOperation, resultStatus } from '../graphql/http';
import { graphqlDefinitionsOf } from '../graphql/schema';
import { addFrame, payloadBody } from './payload';
import { answerPart, emitCall, putPart, wsCall, type WsLayer, type WsMessage } from './socketio';
import { isObj } from '../core/json';

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const MAX_PENDING = 1000;

/** The subprotocols (Sec-WebSocket-Protocol) of GraphQL over WebSocket. */
export const GRAPHQL_WS_SUBPROTOCOLS = new Set(['graphql-transport-ws', 'graphql-ws']);

/** Does a first client message start GraphQL over WebSocket (`{"type":"connection_init"…`)? */
export function startsGraphqlWs(text: string): boolean {
  return /^\s*\{\s*"type"\s*:\s*"connection_init"/.test(text.slice(0, 64));
}

export class GraphqlWs implements WsLayer {
  private readonly ops = new Map<string, Call>();
  private init?: Call;
  private readonly pings: Record<Dir, Call[]> = { c2s: [], s2c: [] };

  constructor(
    private readonly session: DecoderSession,
    private readonly target: string | undefined,
    private readonly subprotocol: string | undefined,
  ) {}

  /** Takes a text message of the protocol; false to leave it to plain WebSocket. */
  message(m: WsMessage, warnings: string[]): boolean {
    if (m.opcode !== 1) return false;
    const text = utf8Strict(m.data);
    if (text === undefined) return false;
    const j = parseJsonBounded(text, this.session.env.limits.maxDepth);
    if (!j.ok || !isObj(j.value) || typeof j.value.type !== 'string') return false;
    const msg = j.value;
    const type = msg.type as string;
    const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? String(msg.id) : undefined;
    switch (type) {
      case 'connection_init': {
        const c = this.call(m, 'unary', 'connection_init', warnings);
        c.request = { ...this.part(m), value: msg.payload };
        c.timing.requestEndUs = m.end.tsUs;
        if (this.init) this.emit(this.init, 'incomplete', 'no connection_ack before the next connection_init');
        this.init = c;
        return true;
      }
      case 'connection_ack':
      case 'connection_error': {
        const c = this.init ?? this.call(m, 'event', type, warnings);
        if (this.init) this.answer(c, m, msg.payload, warnings);
        else this.put(c, m, msg.payload);
        this.init = undefined;
        c.status = type === 'connection_ack' ? { code: 'ack', ok: true } : { code: 'connection_error', text: errorText(msg.payload), ok: false };
        this.emit(c, 'complete');
        return true;
      }
      case 'ping': {
        const c = this.call(m, 'event', 'ping', warnings);
        c.request = { ...this.part(m), value: msg.payload };
        c.timing.requestEndUs = m.end.tsUs;
        this.pings[m.dir].push(c);
        if (this.pings[m.dir].length > MAX_PENDING) this.emit(this.pings[m.dir].shift()!, 'incomplete', 'no pong seen');
        return true;
      }
      case 'pong': {
        const ping = this.pings[OTHER[m.dir]].shift();
        if (ping) {
          this.answer(ping, m, msg.payload, warnings);
          ping.status = { code: 'pong', ok: true };
          this.emit(ping, 'complete');
        } else {
          const c = this.call(m, 'event', 'pong', warnings);
          this.put(c, m, msg.payload);
          this.emit(c, 'complete');
        }
        return true;
      }
      case 'subscribe':
      case 'start': {
        const c = this.call(m, 'unary', 'operation', warnings, type);
        const r = asGraphqlRequest(msg.payload);
        if (r) describeOperation(c, r, graphqlDefinitionsOf(this.session.env.definitions));
        else c.warnings.push(`${type} without a GraphQL request in its payload`);
        c.request = { ...this.part(m), value: r ? { ...(r.query !== undefined ? { query: r.query } : {}), ...(r.variables !== undefined ? { variables: r.variables } : {}) } : msg.payload };
        c.timing.requestEndUs = m.end.tsUs;
        if (id !== undefined) c.fields['graphql.id'] = id;
        if (id === undefined) {
          c.warnings.push(`${type} without an id`);
          this.emit(c, 'incomplete');
          return true;
        }
        holdWaiting(
          this.ops,
          id,
          c,
          MAX_PENDING,
          (old) => this.emit(old, 'incomplete', `operation id ${id} used again before it completed`),
          (first) => this.emit(first, 'incomplete', 'no complete seen (too many operations open)'),
        );
        return true;
      }
      case 'next':
      case 'data': {
        const c = id !== undefined ? this.ops.get(id) : undefined;
        if (!c) return this.orphan(m, type, msg.payload, id, warnings);
        const n = c.messages!.filter((x) => x.dir === m.dir).length;
        if (c.messages!.length < this.session.env.limits.maxMessagesPerCall + 1) c.messages!.push({ dir: m.dir, index: n, tsUs: m.end.tsUs, size: m.data.length, frame: m.end.frame, label: type, value: isObj(msg.payload) && 'data' in msg.payload ? msg.payload.data : msg.payload });
        for (const f of m.frames) addFrame(c.frames, f);
        c.timing.responseStartUs ??= m.start.tsUs;
        c.timing.endUs = m.end.tsUs;
        c.response = { ...this.part(m), value: isObj(msg.payload) && 'data' in msg.payload ? msg.payload.data : msg.payload, wireBytes: (c.response?.wireBytes ?? 0) + m.wire };
        const st = resultStatus(msg.payload);
        if (st && (!c.status || c.status.ok)) c.status = st;
        c.warnings.push(...warnings);
        return true;
      }
      case 'error': {
        const c = id !== undefined ? this.ops.get(id) : undefined;
        if (!c) return this.orphan(m, type, msg.payload, id, warnings);
        this.ops.delete(id!);
        this.answer(c, m, msg.payload, warnings);
        c.status = { code: firstCode(msg.payload), text: errorText(msg.payload), ok: false };
        this.emit(c, 'complete');
        return true;
      }
      case 'complete':
      case 'stop': {
        const c = id !== undefined ? this.ops.get(id) : undefined;
        if (!c) return this.orphan(m, type, msg.payload, id, warnings);
        this.ops.delete(id!);
        for (const f of m.frames) addFrame(c.frames, f);
        c.timing.endUs = m.end.tsUs;
        if (m.dir === 'c2s') {
          // the client stopped it (unsubscribed)
          c.fields['graphql.stopped_by_client'] = true;
          if (!c.status || c.status.ok) c.status = { code: 'stopped', text: 'by the client', ok: true };
        }
        c.status ??= { code: 'complete', ok: true };
        c.warnings.push(...warnings);
        this.emit(c, 'complete');
        return true;
      }
      case 'ka':
      case 'connection_keep_alive':
      case 'connection_terminate': {
        const c = this.call(m, 'event', type, warnings);
        this.put(c, m, msg.payload);
        this.emit(c, 'complete');
        return true;
      }
    }
    return false;
  }

  close(): void {
    if (this.init) this.emit(this.init, 'incomplete', 'no connection_ack seen');
    for (const c of this.ops.values()) {
      // a subscription still open when the capture (or connection) ended
      this.emit(c, c.messages!.length > 1 ? 'complete' : 'incomplete', c.kind === 'server-stream' ? 'the subscription was still open when the connection or the capture ended' : 'no result seen');
    }
    for (const d of ['c2s', 's2c'] as Dir[]) for (const c of this.pings[d].splice(0)) this.emit(c, 'incomplete', 'no pong seen');
    this.ops.clear();
  }

  private orphan(m: WsMessage, type: string, payload: unknown, id: string | undefined, warnings: string[]): boolean {
    const c = this.call(m, 'event', type, warnings);
    c.warnings.push(id === undefined ? `${type} without an id` : `${type} for operation ${id}, whose start is not in the capture`);
    this.put(c, m, payload);
    this.emit(c, 'complete');
    return true;
  }

  private call(m: WsMessage, kind: Call['kind'], method: string, warnings: string[], label = method): Call {
    const c = wsCall(this.session, 'graphql', m, kind, method, warnings, this.target ? this.target.split('?')[0] : undefined, { dir: m.dir, index: 0, tsUs: m.end.tsUs, size: m.data.length, frame: m.end.frame, label });
    c.fields['graphql.transport'] = 'websocket';
    if (this.subprotocol) c.fields['websocket.subprotocol'] = this.subprotocol;
    return c;
  }

  private part(m: WsMessage) {
    return { body: payloadBody(m.data, this.session.env.limits, undefined, m.data.length, []), wireBytes: m.wire };
  }

  private put(c: Call, m: WsMessage, value: unknown): void {
    putPart(c, m, { ...this.part(m), ...(value !== undefined ? { value } : {}) });
  }

  private answer(c: Call, m: WsMessage, value: unknown, warnings: string[]): void {
    answerPart(c, m, { ...this.part(m), ...(value !== undefined ? { value } : {}) }, warnings, 'answer');
  }

  private emit(c: Call, state: Call['state'], why?: string): void {
    emitCall(this.session, c, state, why);
  }
}

function errorText(p: unknown): string | undefined {
  const e = Array.isArray(p) ? p[0] : p;
  if (isObj(e) && typeof e.message === 'string') return Array.isArray(p) && p.length > 1 ? `${e.message} (+${p.length - 1} more)` : e.message;
  return typeof p === 'string' ? p : undefined;
}

function firstCode(p: unknown): string {
  const e = Array.isArray(p) ? p[0] : p;
  return isObj(e) && isObj(e.extensions) && typeof e.extensions.code === 'string' ? e.extensions.code : 'error';
}
