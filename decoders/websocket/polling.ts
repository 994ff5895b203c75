/**
 * Socket.IO's HTTP long-polling transport (engine-io-protocol "HTTP long-polling"): the client
 * GETs `/socket.io/?EIO=4&transport=polling` for what the server has to say and POSTs what it
 * has, each body a payload of Engine.IO packets. Every Socket.IO connection starts this way
 * unless the client asks for WebSocket only; the handshake (open, namespace CONNECT) is often
 * all polling, before the upgrade, and a client held to `transports: ['polling']` stays on it. The
 * HTTP exchange becomes a socketio call named after its packets, the packets decoded on each side,
 * its HTTP layer kept.
 *
 * An event emitted with an ack id (socket-io-protocol v5 "Acknowledgement") is, as over WebSocket,
 * a unary call answered by its ACK: a child of the exchange that carried the event, completed by
 * the exchange that carried the ACK. The two are seldom the same exchange, nor the same connection
 * (a POST carries the client's emit, a later GET the server's ack; clients without keep-alive open
 * a connection per request), so the waiting events are kept per Engine.IO session (`sid`) across
 * the capture. An ACK may also be seen before its event (the server answers on the pending GET
 * before it answers the POST with `ok`): it waits for the event. What still waits when the
 * session's Engine.IO close packet passes, or at the end of the capture, is reported then.
 */
import type { Call, Dir } from '../core/model';
import type { CaptureScope, DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { queryParam } from '../http-common/body';
import { holdWaiting } from '../calls/waiting';
import { addFrame } from './payload';
import { packetName, POLLING_ACKS, pollingPackets, type PollingAckAnswers, type PolledPacket } from './socketio';

export const socketIoPollingRouter: BodyRouter = {
  id: 'socketio',
  match(call: Call): boolean {
    const uri = call.http?.uri;
    return uri !== undefined && uri.includes('EIO=') && /[?&]EIO=\d/.test(uri) && /[?&]transport=polling\b/.test(uri);
  },
  apply(call: Call, session: DecoderSession): void {
    const http = call.http!;
    const uri = http.uri ?? '';
    const eio = Number(queryParam(uri, 'EIO') ?? 4);
    const depth = session.env.limits.maxDepth;
    const read = (b: typeof http.requestBody): PolledPacket[] | undefined => {
      const t = b ? (b.text ?? b.jsonText) : undefined;
      if (b?.truncated) call.warnings.push('Engine.IO payload larger than the preview: its first packets only');
      return t ? pollingPackets(t, eio, depth) : undefined;
    };
    const sent = read(http.requestBody);
    const got = read(http.responseBody);
    call.protocol = 'socketio';
    const names = [...(sent ?? []), ...(got ?? [])].filter((p) => p.type !== 'noop').map(packetName);
    call.method = names.length ? (names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3}` : names.join(', ')) : http.method === 'POST' ? 'send' : 'poll';
    const ns = [...(sent ?? []), ...(got ?? [])].find((p) => p.nsp !== undefined)?.nsp;
    call.target = ns ?? http.uri?.split('?')[0] ?? '/';
    if (sent) (call.request ??= {}).value = sent;
    if (got) (call.response ??= {}).value = got;
    call.fields['engineio.transport'] = 'polling';
    call.fields['engineio.version'] = eio;
    const sid = queryParam(uri, 'sid');
    const open = got?.find((p) => p.type === 'open')?.data as Record<string, unknown> | undefined;
    const s = sid ?? (typeof open?.sid === 'string' ? open.sid : undefined);
    if (s) call.fields['engineio.sid'] = s;
    const err = got?.find((p) => p.type === 'CONNECT_ERROR');
    if (err) {
      const msg = (err.data as Record<string, unknown> | undefined)?.message;
      call.status = { code: 'CONNECT_ERROR', text: typeof msg === 'string' ? msg : undefined, ok: false };
    }
    const scope = session.capture;
    if (sid && scope?.atEnd) {
      const acks = PollingAcks.of(scope);
      const t = call.timing;
      if (sent) acks.packets(session, call, sid, eio, 'c2s', sent, t.startUs, t.requestEndUs ?? t.startUs);
      if (got) acks.packets(session, call, sid, eio, 's2c', got, t.responseStartUs ?? t.endUs ?? t.startUs, t.endUs ?? t.startUs);
    }
  },
};

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const STATE_KEY = POLLING_ACKS;
/** Events waiting for an ACK (and ACKs waiting for an event), across all sessions of a capture. */
const MAX_WAITING = 1000;

interface Waiting {
  call: Call;
  session: DecoderSession;
  sid: string;
}

interface EarlyAck {
  packet: PolledPacket;
  carrier: Call;
  session: DecoderSession;
  sid: string;
  dir: Dir;
  startUs: number;
  endUs: number;
}

/** The long-polling events with ack ids of a capture, waiting for their ACKs by session, sender, namespace and id. */
class PollingAcks implements PollingAckAnswers {
  private readonly events = new Map<string, Waiting>();
  /** ACKs seen before their event, by the key of the event they answer. */
  private readonly early = new Map<string, EarlyAck>();
  private told = false;

  static of(scope: CaptureScope): PollingAcks {
    let a = scope.state.get(STATE_KEY) as PollingAcks | undefined;
    if (!a) {
      a = new PollingAcks(scope);
      scope.state.set(STATE_KEY, a);
      scope.atEnd?.(() => a!.end());
    }
    return a;
  }

  private constructor(private readonly scope: CaptureScope) {}

  /** The packets one side of an exchange carried (`dir`: who sent them), timed by that side. */
  packets(session: DecoderSession, carrier: Call, sid: string, eio: number, dir: Dir, packets: PolledPacket[], startUs: number, endUs: number): void {
    for (const p of packets) {
      if (p.type === 'close') {
        this.closeSession(sid, 'the Engine.IO session closed before its ACK');
        continue;
      }
      if (p.id === undefined) continue;
      const isEvent = p.type === 'EVENT' || p.type === 'BINARY_EVENT';
      const isAck = p.type === 'ACK' || p.type === 'BINARY_ACK';
      if (!isEvent && !isAck) continue;
      if (!this.told) {
        this.told = true;
        this.scope.learned('Socket.IO acknowledgements over long-polling, across connections');
      }
      if (isEvent) {
        const key = `${sid}|${dir}|${p.nsp ?? '/'}|${p.id}`;
        const c = this.eventCall(session, carrier, sid, eio, dir, p, startUs, endUs);
        const ack = this.early.get(key);
        if (ack) {
          this.early.delete(key);
          answer(c, ack);
          session.emit(c);
          continue;
        }
        holdWaiting(
          this.events,
          key,
          { call: c, session, sid },
          MAX_WAITING,
          (old) => finish(old, 'incomplete', 'its ack id was used again before an ACK'),
          (first) => finish(first, 'incomplete', 'no ACK seen (too many events waiting)'),
        );
        continue;
      }
      const key = `${sid}|${OTHER[dir]}|${p.nsp ?? '/'}|${p.id}`;
      const ack: EarlyAck = { packet: p, carrier, session, sid, dir, startUs, endUs };
      const w = this.events.get(key);
      if (w) {
        this.events.delete(key);
        answer(w.call, ack);
        w.session.emit(w.call);
        continue;
      }
      holdWaiting(
        this.early,
        key,
        ack,
        MAX_WAITING,
        (old) => this.orphan(old),
        (first) => this.orphan(first),
      );
    }
  }

  /**
   * An ACK over the WebSocket this session upgraded to, for an event sent while it was still polling
   * (the answer outlived the upgrade). False when no such event waits.
   */
  answerFromWebSocket(sid: string, dir: Dir, nsp: string, id: number, value: unknown, startUs: number, endUs: number, frames: number[], warnings: string[]): boolean {
    const key = `${sid}|${OTHER[dir]}|${nsp}|${id}`;
    const w = this.events.get(key);
    if (!w) return false;
    this.events.delete(key);
    const c = w.call;
    c.response = { value, wireBytes: 0 };
    c.timing.responseStartUs = startUs;
    c.timing.endUs = endUs;
    for (const f of frames) addFrame(c.frames, f);
    c.fields['socketio.ack_transport'] = 'websocket';
    c.warnings.push(...warnings);
    c.status = { code: 'ack', ok: true };
    c.state = 'complete';
    w.session.emit(c);
    return true;
  }

  private eventCall(session: DecoderSession, carrier: Call, sid: string, eio: number, dir: Dir, p: PolledPacket, startUs: number, endUs: number): Call {
    const c = session.newCall('socketio', { frame: carrier.frames[0] ?? 0, tsUs: startUs, streamOffset: 0 });
    const name = p.event ?? 'event';
    c.kind = 'unary';
    c.method = name;
    c.target = p.nsp ?? '/';
    c.parentId = carrier.id;
    (carrier.childIds ??= []).push(c.id);
    c.timing = { startUs, requestEndUs: endUs };
    c.frames = carrier.frames.slice();
    c.request = { value: p.data, wireBytes: 0 };
    if (p.event === undefined) c.warnings.push('Socket.IO EVENT without an event name (its payload is not ["name", …])');
    Object.assign(c.fields, {
      'socketio.event': name,
      'socketio.type': p.type,
      'socketio.namespace': p.nsp ?? '/',
      'socketio.ack_id': p.id!,
      'socketio.dir': dir,
      'engineio.transport': 'polling',
      'engineio.version': eio,
      'engineio.sid': sid,
    });
    if (p.attachments) c.fields['socketio.attachments'] = p.attachments;
    return c;
  }

  /** An ACK no event of this capture asked for: an `ack` event of its own, as over WebSocket. */
  private orphan(a: EarlyAck): void {
    const c = a.session.newCall('socketio', { frame: a.carrier.frames[0] ?? 0, tsUs: a.startUs, streamOffset: 0 });
    c.kind = 'event';
    c.method = 'ack';
    c.target = a.packet.nsp ?? '/';
    c.parentId = a.carrier.id;
    c.timing = { startUs: a.startUs, endUs: a.endUs };
    c.frames = a.carrier.frames.slice();
    const part = { value: a.packet.data, wireBytes: 0 };
    if (a.dir === 'c2s') c.request = part;
    else c.response = part;
    Object.assign(c.fields, { 'socketio.type': a.packet.type, 'socketio.namespace': a.packet.nsp ?? '/', 'socketio.ack_id': a.packet.id!, 'socketio.dir': a.dir, 'engineio.transport': 'polling', 'engineio.sid': a.sid });
    c.warnings.push(`ACK ${a.packet.id} to no event seen in this capture`);
    c.state = 'complete';
    a.session.emit(c);
  }

  private closeSession(sid: string, why: string): void {
    for (const [k, w] of this.events)
      if (w.sid === sid) {
        this.events.delete(k);
        finish(w, 'incomplete', why);
      }
    for (const [k, a] of this.early)
      if (a.sid === sid) {
        this.early.delete(k);
        this.orphan(a);
      }
  }

  private end(): void {
    for (const w of this.events.values()) finish(w, 'incomplete', 'no ACK seen for this event');
    for (const a of this.early.values()) this.orphan(a);
    this.events.clear();
    this.early.clear();
  }
}

/** The ACK completes its event: the response, timed by the side of the exchange that carried it. */
function answer(c: Call, a: EarlyAck): void {
  c.response = { value: a.packet.data, wireBytes: 0 };
  c.timing.responseStartUs = a.startUs;
  c.timing.endUs = a.endUs;
  for (const f of a.carrier.frames) addFrame(c.frames, f);
  if (a.packet.attachments) c.fields['socketio.attachments'] = (Number(c.fields['socketio.attachments']) || 0) + a.packet.attachments;
  c.fields['socketio.ack_by'] = a.carrier.id;
  c.status = { code: 'ack', ok: true };
  c.state = 'complete';
}

function finish(w: Waiting, state: Call['state'], why: string): void {
  w.call.state = state;
  w.call.warnings.push(why);
  w.session.emit(w.call);
}
