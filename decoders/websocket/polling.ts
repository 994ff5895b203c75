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
import { fromHex } from '../core/bytes';
import { attachmentOf, fillPlaceholders, packetName, POLLING_ACKS, pollingPackets, type PollingAckAnswers, type PolledPacket } from './socketio';

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
      // Engine.IO 3 sends binary data in a binary payload (application/octet-stream) from XHR2 clients.
      if (t === undefined && eio < 4 && b?.kind === 'binary' && b.hex) return pollingPackets(fromHex(b.hex), eio, depth);
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
  /** A warning for the call it answers. */
  note?: string;
  carrier: Call;
  session: DecoderSession;
  sid: string;
  dir: Dir;
  startUs: number;
  endUs: number;
}

interface Awaiting {
  session: DecoderSession;
  carrier: Call;
  sid: string;
  eio: number;
  dir: Dir;
  p: PolledPacket;
  startUs: number;
  need: number;
  got: unknown[];
}

/** The long-polling events with ack ids of a capture, waiting for their ACKs by session, sender, namespace and id. */
class PollingAcks implements PollingAckAnswers {
  private readonly events = new Map<string, Waiting>();
  /** ACKs seen before their event, by the key of the event they answer. */
  private readonly early = new Map<string, EarlyAck>();
  /** A binary event or ack whose attachments come in the next payload of its side, by sid and side. */
  private readonly awaiting = new Map<string, Awaiting>();
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
    const side = `${sid}|${dir}`;
    let i = 0;
    const aw = this.awaiting.get(side);
    if (aw) {
      // A binary event or ack whose attachments did not fit its payload: they lead the next one of its side.
      for (; i < packets.length && packets[i].binary !== undefined && aw.got.length < aw.need; i++) aw.got.push(attachmentOf(packets[i]));
      if (aw.got.length >= aw.need || i < packets.length) this.release(side, endUs);
    }
    for (; i < packets.length; i++) {
      const p = packets[i];
      if (p.missing && p.id !== undefined) {
        this.release(side, endUs);
        this.awaiting.set(side, { session, carrier, sid, eio, dir, p, startUs, need: p.missing, got: [] });
        continue;
      }
      this.packet(session, carrier, sid, eio, dir, p, startUs, endUs);
    }
  }

  /** What waited for attachments goes on, with those that came (the rest said). */
  private release(side: string, endUs: number): void {
    const aw = this.awaiting.get(side);
    if (!aw) return;
    this.awaiting.delete(side);
    const p = aw.p;
    // Placeholders filled in the first payload are gone; those left are numbered past them.
    const all: unknown[] = [];
    all[(p.attachments ?? 0) + aw.got.length - 1] = undefined;
    aw.got.forEach((g, k) => {
      all[(p.attachments ?? 0) + k] = g;
    });
    p.data = fillPlaceholders(p.data, all);
    p.attachments = (p.attachments ?? 0) + aw.got.length;
    const note = aw.got.length < aw.need ? `${aw.got.length} of ${aw.need} binary attachments seen after the payload of its ${p.type}` : undefined;
    this.packet(aw.session, aw.carrier, aw.sid, aw.eio, aw.dir, p, aw.startUs, endUs, note);
  }

  /**
   * One packet: an event with an ack id waits for its ACK, an ACK answers its event (or waits for it).
   * `note`: a warning for the call it makes or answers.
   */
  private packet(session: DecoderSession, carrier: Call, sid: string, eio: number, dir: Dir, p: PolledPacket, startUs: number, endUs: number, note?: string): void {
    if (p.type === 'close') {
      this.closeSession(sid, 'the Engine.IO session closed before its ACK');
      return;
    }
    if (p.id === undefined) return;
    const isEvent = p.type === 'EVENT' || p.type === 'BINARY_EVENT';
    const isAck = p.type === 'ACK' || p.type === 'BINARY_ACK';
    if (!isEvent && !isAck) return;
    if (!this.told) {
      this.told = true;
      this.scope.learned('Socket.IO acknowledgements over long-polling, across connections');
    }
    if (isEvent) {
      const key = `${sid}|${dir}|${p.nsp ?? '/'}|${p.id}`;
      const c = this.eventCall(session, carrier, sid, eio, dir, p, startUs, endUs);
      if (note) c.warnings.push(note);
      const ack = this.early.get(key);
      if (ack) {
        this.early.delete(key);
        answerPolled(c, ack);
        session.emit(c);
        return;
      }
      holdWaiting(
        this.events,
        key,
        { call: c, session, sid },
        MAX_WAITING,
        (old) => finish(old, 'incomplete', 'its ack id was used again before an ACK'),
        (first) => finish(first, 'incomplete', 'no ACK seen (too many events waiting)'),
      );
      return;
    }
    const key = `${sid}|${OTHER[dir]}|${p.nsp ?? '/'}|${p.id}`;
    const ack: EarlyAck = { packet: p, carrier, session, sid, dir, startUs, endUs, ...(note ? { note } : {}) };
    const w = this.events.get(key);
    if (w) {
      this.events.delete(key);
      answerPolled(w.call, ack);
      w.session.emit(w.call);
      return;
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
    answer(c, value, startUs, endUs, frames);
    c.fields['socketio.ack_transport'] = 'websocket';
    c.warnings.push(...warnings);
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
    for (const side of [...this.awaiting.keys()]) this.release(side, this.awaiting.get(side)!.startUs);
    for (const w of this.events.values()) finish(w, 'incomplete', 'no ACK seen for this event');
    for (const a of this.early.values()) this.orphan(a);
    this.events.clear();
    this.early.clear();
  }
}

/** The ACK completes its event: the response, timed by what carried it (a side of a polling exchange, or a WebSocket message). */
function answer(c: Call, value: unknown, startUs: number, endUs: number, frames: number[]): void {
  c.response = { value, wireBytes: 0 };
  c.timing.responseStartUs = startUs;
  c.timing.endUs = endUs;
  for (const f of frames) addFrame(c.frames, f);
  c.status = { code: 'ack', ok: true };
  c.state = 'complete';
}

/** An ACK that came over long-polling completes its event. */
function answerPolled(c: Call, a: EarlyAck): void {
  answer(c, a.packet.data, a.startUs, a.endUs, a.carrier.frames);
  if (a.packet.attachments) c.fields['socketio.attachments'] = (Number(c.fields['socketio.attachments']) || 0) + a.packet.attachments;
  c.fields['socketio.ack_by'] = a.carrier.id;
  if (a.note) c.warnings.push(a.note);
}

function finish(w: Waiting, state: Call['state'], why: string): void {
  w.call.state = state;
  w.call.warnings.push(why);
  w.session.emit(w.call);
}
