/**
 * WebSocket — RFC 6455 framing with RFC 7692 permessage-deflate.
 *
 * Reached only by hand-off: HTTP/1.1 sees `101 Switching Protocols` with `Upgrade: websocket`
 * and calls `session.handoff('websocket', init: HttpUpgradeInit)`; the negotiated
 * Sec-WebSocket-Extensions of the 101 response decide compression (server_no_context_takeover /
 * client_no_context_takeover reset the per-direction inflate window before every message).
 *
 * Calls: one 'oneway' call per data message (method 'text' | 'binary', target = request URI,
 * fields websocket.dir / websocket.opcode / websocket.compressed / websocket.fragments) with
 * fragments reassembled and client masking removed; ping → pong and close → close as 'event'
 * calls (close code name and reason in the status). Text messages that are JSON-RPC 2.0 are
 * paired by id (request in one direction, response in the other) into 'unary' calls.
 *
 * Brokers over WebSocket: when the 101 response names a subprotocol of the IANA WebSocket
 * Subprotocol Name Registry that a broker decoder speaks (`mqtt`, `mqttv3.1` → MQTT, MQTT 5.0 §6 /
 * 3.1.1 §6; `v10.stomp`, `v11.stomp`, `v12.stomp` → STOMP), or, with none named, when the first
 * client message is an MQTT CONNECT or a STOMP CONNECT/STOMP frame, the data messages are one byte
 * stream per direction fed to that decoder: its calls (publishes, deliveries, subscriptions…)
 * replace the per-message 'binary'/'text' calls and carry fields['websocket.subprotocol'].
 *
 * Capture gaps (snaplen, loss; see gap()): a frame cut by a gap keeps its opcode, length and captured
 * payload head, and its length says where the next frame starts; a gap over a boundary
 * resynchronises on the next plausible frame header (RFC 6455 §5.2).
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import { scanForStart } from '../core/resync';
import { spec as mqttSpec } from '../mqtt/index';
import { spec as stompSpec } from '../stomp/index';
import { spec as natsSpec } from '../nats/index';
import type { Body, Call, Dir } from '../core/model';
import { applyOutcome, isJsonRpcRequest, outcomeOf } from '../jsonrpc/index';
import type { InflateStream } from '../core/env';
import { DecompressLimitError } from '../core/env';
import type { HttpUpgradeInit } from '../core/handoff';
import { header } from '../core/handoff';
import { be16, concatBytes, utf8Strict } from '../core/bytes';
import { PduBuffer } from '../core/pdu-buffer';
import { addFrame, payloadBody } from './payload';
import { GapNotes, isUtf8 } from '../core/gap-notes';
import { rolesBackwards, type Side } from '../core/roles';
import { engineIoVersion, SocketIo, type WsLayer } from './socketio';
import { GRAPHQL_WS_SUBPROTOCOLS, GraphqlWs, startsGraphqlWs } from './graphql-ws';
import { createAmqp1Decoder } from '../amqp1/index';
import { SignalR, startsSignalR } from './signalr';
import { isSockJsUri, sockJsCloseStatus, unwrapSockJs, type SockJsFrame } from './sockjs';
import { isObj } from '../core/json';

export const CLOSE_CODES: Record<number, string> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1005: 'No Status Received',
  1006: 'Abnormal Closure',
  1007: 'Invalid Frame Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
  1015: 'TLS Handshake',
};

const OPCODES: Record<number, string> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
const DEFLATE_TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
const MAX_PENDING_RPC = 1000;
/** Messages taken from one SockJS frame (`a[…]` of a hostile size makes no more calls than this). */
const MAX_SOCKJS_MESSAGES = 1000;
/** Bytes looked at per data event while resynchronising after a gap. */
const RESYNC_WINDOW = 64 * 1024;

/** WebSocket subprotocol names (IANA registry) of the broker decoders that can ride on WebSocket. */
/** AMQP 1.0 over WebSocket (OASIS AMQP WebSocket Binding, subprotocol `amqp`: Azure Service Bus, RabbitMQ 4.1+). */
const amqpOverWs: DecoderSpec = { id: 'amqp', name: 'AMQP 1.0', transport: 'tcp', handoffOnly: true, create: (s) => createAmqp1Decoder(s) };
const TUNNELS: Record<string, DecoderSpec> = { mqtt: mqttSpec, 'mqttv3.1': mqttSpec, 'v10.stomp': stompSpec, 'v11.stomp': stompSpec, 'v12.stomp': stompSpec, amqp: amqpOverWs };

/** Negotiated permessage-deflate parameters (RFC 7692 §7.1). */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number;
}

/** The permessage-deflate offer accepted in a Sec-WebSocket-Extensions value, if any. */
export function parseDeflate(ext: string | undefined): DeflateParams | undefined {
  if (!ext) return undefined;
  for (const item of ext.split(',')) {
    const params = item.split(';').map((p) => p.trim());
    if (params[0].toLowerCase() !== 'permessage-deflate') continue;
    const out: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false };
    for (const p of params.slice(1)) {
      const [k, v] = p.split('=').map((x) => x?.trim().replace(/^"(.*)"$/, '$1'));
      const key = k.toLowerCase();
      if (key === 'server_no_context_takeover') out.serverNoContextTakeover = true;
      else if (key === 'client_no_context_takeover') out.clientNoContextTakeover = true;
      else if (key === 'server_max_window_bits' && v) out.serverMaxWindowBits = Number(v);
      else if (key === 'client_max_window_bits' && v) out.clientMaxWindowBits = Number(v);
    }
    return out;
  }
  return undefined;
}

interface OpenMessage {
  opcode: number;
  compressed: boolean;
  parts: Uint8Array[];
  size: number;
  fragments: number;
  start: Position;
  frames: number[];
  wire: number;
  /** What capture gaps took from this message (frames cut, fragments lost): said on its call. */
  cut?: string[];
  /** Payload bytes of the message that were not captured. */
  missing?: number;
}

interface DirState {
  buf: PduBuffer;
  dead: boolean;
  msg?: OpenMessage;
  inflate?: InflateStream;
  inflateBroken: boolean;
  /** A compressed message was cut by a gap: the shared window lacks its bytes (later messages may refer to them). */
  windowLost?: boolean;
  /** Bytes to inflate before the window holds only known bytes again (after a reset with unknown history). */
  unknownLeft?: number;
  closed: boolean;
  maskWarned: boolean;
  index: number;
  /** The frame boundary is lost (a gap, or bytes handed over that are not a frame): look for the next plausible frame. */
  resync: boolean;
  /** Nothing consumed since the gap that started the resynchronisation: the head is the first byte after it. */
  afterGap: boolean;
  /** At least one frame was decoded in this direction. */
  framed: boolean;
  /** A gap was seen in this direction. */
  gapped?: boolean;
}

class WebSocketDecoder implements StreamDecoder {
  private readonly st: Record<Dir, DirState>;
  private readonly deflate?: DeflateParams;
  private readonly uri?: string;
  private readonly pings: Record<Dir, Call[]> = { c2s: [], s2c: [] };
  private closeCall?: { call: Call; from: Dir };
  private readonly rpc = new Map<string, Call>();
  /** The broker decoder fed with the data messages (MQTT or STOMP over WebSocket), once known. */
  private tunnel?: { id: string; dec: StreamDecoder; off: Record<Dir, number> };
  /** No subprotocol named: the first client data message decides (probe); false once decided against. */
  private sniff = true;
  /** SockJS framing (its transport URL, or a first server message `o`): messages are unwrapped first (./sockjs.ts). */
  private sockjs = false;
  private readonly notes: GapNotes;
  /** The frame being handled was cut by a gap: what was captured of it. */
  private cutNow?: { note: string; missing: number };
  /** Created without the HTTP upgrade (see the constructor). */
  private joinedLate = false;
  /**
   * A protocol the data messages carry, read message by message (Socket.IO by the upgrade URI's `EIO=`,
   * GraphQL by its subprotocol; else any of them, SignalR too, by its first message: sniffLayer).
   */
  private layer?: WsLayer;

  constructor(
    private readonly session: DecoderSession,
    init?: HttpUpgradeInit,
  ) {
    const mk = (): DirState => ({ buf: new PduBuffer(), dead: false, inflateBroken: false, closed: false, maskWarned: false, index: 0, resync: false, afterGap: false, framed: false });
    this.st = { c2s: mk(), s2c: mk() };
    this.notes = new GapNotes(session, '');
    if (!init) {
      // Joined after the upgrade (a mid-connection probe) or decoded as WebSocket by hand: compressed
      // messages may refer to earlier ones that are not here, so one that cannot be inflated does not
      // stop the next from trying (windowLost).
      this.joinedLate = true;
      this.st.c2s.windowLost = true;
      this.st.s2c.windowLost = true;
      session.warn('websocket: the HTTP upgrade of this connection is not in the capture (it opened before the recording, or was decoded as WebSocket by hand): its URI, subprotocol and extensions are not known');
    }
    if (init && init.kind === 'http-upgrade') {
      this.uri = init.request.uri;
      this.sockjs = isSockJsUri(this.uri);
      const eio = engineIoVersion(this.uri);
      if (eio !== undefined) this.layer = new SocketIo(session, this.uri, eio);
      this.deflate = parseDeflate(header(init.response.headers, 'sec-websocket-extensions'));
      const sub = header(init.response.headers, 'sec-websocket-protocol')?.trim().toLowerCase();
      if (sub && GRAPHQL_WS_SUBPROTOCOLS.has(sub)) {
        this.sniff = false;
        this.layer = new GraphqlWs(session, this.uri, sub);
      } else if (sub) {
        this.sniff = false;
        const inner = Object.hasOwn(TUNNELS, sub) ? TUNNELS[sub] : undefined;
        if (inner) this.openTunnel(inner, sub);
      }
    }
  }

  /** Start the broker decoder that reads the data messages; its calls are marked with the subprotocol. */
  private openTunnel(inner: DecoderSpec, name: string): void {
    const outer = this.session;
    const session: DecoderSession = {
      flow: outer.flow,
      env: outer.env,
      capture: outer.capture,
      tagCalls: (fields) => outer.tagCalls?.(fields),
      nextCallId: () => outer.nextCallId(),
      emit: (c) => {
        c.fields['websocket.subprotocol'] = name;
        if (this.sockjs) c.fields['websocket.sockjs'] = true;
        outer.emit(c);
      },
      warn: (m, at) => outer.warn(`${inner.id} over WebSocket: ${m}`, at),
      handoff: () => undefined,
      newCall: (protocol, at) => outer.newCall(protocol, at),
    };
    const dec = inner.create(session);
    if ('data' in dec) this.tunnel = { id: inner.id, dec, off: { c2s: 0, s2c: 0 } };
  }

  /** Feed a data message to the tunnel: its first byte at the message start, the rest at its end. */
  private feedTunnel(dir: Dir, data: Uint8Array | undefined, m: OpenMessage, end: Position | undefined): void {
    const t = this.tunnel!;
    if (!data || !end) {
      t.dec.gap(dir, m.size || 1, m.start);
      t.off[dir] += m.size || 1;
      return;
    }
    if (!data.length) return;
    const off = t.off[dir];
    t.dec.data(dir, data.subarray(0, 1), { frame: m.start.frame, tsUs: m.start.tsUs, streamOffset: off });
    if (data.length > 1) t.dec.data(dir, data.subarray(1), { frame: end.frame, tsUs: end.tsUs, streamOffset: off + 1 });
    t.off[dir] = off + data.length;
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    const st = this.st[dir];
    if (st.dead) return;
    st.buf.push(bytes, at);
    try {
      this.drain(dir);
    } catch (e) {
      this.stop(dir, `websocket decoder error: ${(e as Error).message}`, at);
    }
  }

  private stop(dir: Dir, why: string, at?: Position): void {
    const st = this.st[dir];
    this.session.warn(`${dir}: ${why}; the rest of this direction is not decoded`, at);
    st.dead = true;
    st.buf.clear();
    if (st.msg) this.emitMessage(dir, st.msg, undefined, 'incomplete', why);
    else if (this.tunnel) this.tunnel.dec.gap(dir, 1, at ?? { frame: 0, tsUs: 0, streamOffset: this.tunnel.off[dir] });
    st.msg = undefined;
  }

  private drain(dir: Dir): void {
    const st = this.st[dir];
    const buf = st.buf;
    const limits = this.session.env.limits;
    while (!st.dead && buf.length >= 2) {
      if (st.resync && !this.findFrame(dir, false)) return;
      if (buf.length < 2) return;
      const b = buf.bytes();
      const fin = (b[0] & 0x80) !== 0;
      const rsv1 = (b[0] & 0x40) !== 0;
      const rsv23 = b[0] & 0x30;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let hl = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = be16(b, 2);
        hl = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        if (b[2] & 0x80) return this.stop(dir, 'frame length has the most significant bit set (RFC 6455 §5.2)', buf.pos(0));
        const hi = ((b[2] << 24) >>> 0) + ((b[3] << 16) | (b[4] << 8) | b[5]);
        const lo = ((b[6] << 24) >>> 0) + ((b[7] << 16) | (b[8] << 8) | b[9]);
        len = hi * 2 ** 32 + lo;
        hl = 10;
      }
      if (masked) hl += 4;
      const start = buf.pos(0);
      if (!(opcode in OPCODES)) {
        // Before any frame of this direction: the bytes handed over after an Upgrade whose header
        // section a gap cut are the rest of that section, not frames. Look for the first frame.
        if (!st.framed) {
          st.resync = true;
          this.notes.lost(dir, 0, `${dir}: bytes before the first frame are not a WebSocket frame (${this.joinedLate ? 'the capture joined the connection inside a frame' : 'the Upgrade response was cut by a capture gap?'}); looking for the first plausible frame`, start);
          continue;
        }
        if (st.gapped) {
          // A resynchronisation after a gap started on bytes that only looked like a frame: go on looking.
          buf.consume(1);
          st.resync = true;
          st.afterGap = false;
          continue;
        }
        return this.stop(dir, `reserved opcode 0x${opcode.toString(16)}`, start);
      }
      if (len > limits.maxBufferedBytes) return this.stop(dir, `frame length ${len} exceeds the ${limits.maxBufferedBytes}-byte limit`, start);
      if (b.length < hl + len) return;
      const payload = payloadOf(b, 0, hl, masked, hl + len);
      const end = buf.pos(hl + len - 1);
      buf.consume(hl + len);
      st.framed = true;
      if (masked !== (dir === 'c2s') && !st.maskWarned) {
        st.maskWarned = true;
        this.session.warn(dir === 'c2s' ? 'c2s: client frames are not masked (RFC 6455 §5.1)' : 's2c: server frames are masked (RFC 6455 §5.1)', start);
      }
      if (rsv23) this.session.warn(`${dir}: frame with RSV2/RSV3 set (no extension negotiated for them)`, start);
      this.onFrame(dir, { fin, rsv1, opcode, payload, start, end, wire: hl + len });
    }
  }

  private onFrame(dir: Dir, f: { fin: boolean; rsv1: boolean; opcode: number; payload: Uint8Array; start: Position; end: Position; wire: number }): void {
    const st = this.st[dir];
    const limits = this.session.env.limits;
    if (f.opcode >= 8) {
      if (!f.fin || f.payload.length > 125) this.session.warn(`${dir}: control frame fragmented or longer than 125 bytes (RFC 6455 §5.5)`, f.start);
      return this.onControl(dir, f.opcode, f.payload, f.start, f.end, f.wire);
    }
    if (st.closed) this.session.warn(`${dir}: data frame after a close frame`, f.start);
    if (f.opcode !== 0) {
      if (st.msg) {
        this.emitMessage(dir, st.msg, undefined, 'incomplete', 'a new message started before this one was finished');
        st.msg = undefined;
      }
      st.msg = { opcode: f.opcode, compressed: f.rsv1, parts: [], size: 0, fragments: 0, start: f.start, frames: [], wire: 0 };
    } else if (!st.msg) {
      this.session.warn(`${dir}: continuation frame without a message to continue`, f.start);
      return;
    } else if (f.rsv1) this.session.warn(`${dir}: RSV1 set on a continuation frame (RFC 7692 §6.1)`, f.start);
    const m = st.msg!;
    m.parts.push(f.payload);
    m.size += f.payload.length;
    if (this.cutNow) {
      (m.cut ??= []).push(m.fragments ? `fragment ${m.fragments + 1}: ${this.cutNow.note}` : this.cutNow.note);
      m.missing = (m.missing ?? 0) + this.cutNow.missing;
    }
    m.fragments++;
    m.wire += f.wire;
    addFrame(m.frames, f.start.frame);
    addFrame(m.frames, f.end.frame);
    if (m.size > limits.maxBufferedBytes) return this.stop(dir, `fragmented message larger than ${limits.maxBufferedBytes} bytes`, f.start);
    if (f.fin) {
      st.msg = undefined;
      this.emitMessage(dir, m, f.end, 'complete');
    }
  }

  /** The shared window now lacks bytes: later messages are inflated against a window of unknown bytes. */
  private forget(st: DirState): void {
    st.inflate?.reset(true);
    st.unknownLeft = 32768;
  }

  private inflate(dir: Dir, raw: Uint8Array, warnings: string[], opcode: number): Uint8Array | undefined {
    const st = this.st[dir];
    const env = this.session.env;
    if (!this.deflate && !st.windowLost) warnings.push('compressed (RSV1) message without negotiated permessage-deflate; inflating anyway');
    const noCtx = dir === 'c2s' ? this.deflate?.clientNoContextTakeover : this.deflate?.serverNoContextTakeover;
    if (st.inflateBroken && !noCtx) {
      warnings.push('not decompressed: an earlier message of this direction failed to inflate (shared context)');
      return undefined;
    }
    if (!st.inflate) {
      st.inflate = env.compression.createInflateRaw();
      if (st.windowLost) this.forget(st);
    }
    if (noCtx) st.inflate.reset();
    const input = concatBytes([raw, DEFLATE_TAIL]);
    try {
      let out = st.inflate.push(input, env.limits.maxDecompressedBytes);
      if (out.length === 0 && raw.length > 2) {
        // The previous message ended the deflate stream (BFINAL); this one starts a new one.
        st.inflate.reset();
        st.unknownLeft = 0;
        out = st.inflate.push(input, env.limits.maxDecompressedBytes);
      }
      if (st.unknownLeft && !noCtx) {
        // Back-references into what the capture does not have came out as zeros.
        let unknown = 0;
        for (let i = 0; i < out.length; i++) if (out[i] === 0) unknown++;
        st.unknownLeft = Math.max(0, st.unknownLeft - out.length);
        const why = st.gapped || !this.joinedLate ? ['an earlier message cut by a capture gap', 'not captured'] : ['earlier messages the capture does not have', 'before the capture'];
        if (unknown && opcode === 1) {
          warnings.push(`partly decompressed: ${unknown} of its ${out.length} bytes repeat ${why[0]} (shown as ⟨N bytes ${why[1]}⟩)`);
          out = markUnknown(out, why[1]);
        } else if (unknown) warnings.push(`decompressed: its ${unknown} zero bytes may stand for bytes of ${why[0]}`);
      }
      return out;
    } catch (e) {
      st.inflate.reset();
      if (st.windowLost && !(e instanceof DecompressLimitError)) {
        // The window already lacks bytes: the next message is tried against one of unknown bytes.
        this.forget(st);
        warnings.push(`not decompressed: ${(e as Error).message} (the shared compression context lacks messages the capture does not have)`);
        return undefined;
      }
      st.inflateBroken = true;
      warnings.push(e instanceof DecompressLimitError ? `decompression stopped: ${e.message}` : `inflate failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  private emitMessage(dir: Dir, m: OpenMessage, end: Position | undefined, state: Call['state'], why?: string): void {
    const s = this.session;
    const st = this.st[dir];
    const warnings: string[] = [];
    if (why) warnings.push(why);
    const raw = m.parts.length === 1 ? m.parts[0] : concatBytes(m.parts);
    m.parts = [];
    let data: Uint8Array | undefined = raw;
    const cut = m.cut !== undefined;
    if (cut) {
      warnings.push(...m.cut!.slice(0, 8));
      // A cut deflate stream cannot be inflated, and with context takeover neither can what follows.
      const noCtx = dir === 'c2s' ? this.deflate?.clientNoContextTakeover : this.deflate?.serverNoContextTakeover;
      if (m.compressed && !noCtx) {
        st.windowLost = true;
        this.forget(st);
      }
    }
    if (m.compressed && state === 'complete' && !cut) data = this.inflate(dir, raw, warnings, m.opcode);
    else if (m.compressed) data = undefined;
    if (this.tunnel && cut) {
      // The broker decoder reads the captured head, then learns what was not captured.
      st.index++;
      for (const w of warnings) s.warn(`${dir}: ${w}`, m.start);
      const t = this.tunnel;
      if (data && data.length) this.feedTunnel(dir, data, m, end ?? m.start);
      const lost = Math.max(1, m.missing ?? 0);
      t.dec.gap(dir, lost, end ?? m.start);
      t.off[dir] += lost;
      return;
    }
    // SockJS: a first server message `o` says so when the URL did not; each message inside a
    // frame is then a message of its own, the open/heartbeat/close frames events.
    if (!this.sockjs && dir === 's2c' && st.index === 0 && !this.layer && !this.tunnel && state === 'complete' && !cut && data?.length === 1 && data[0] === 0x6f) this.sockjs = true;
    if (this.sockjs && data && state === 'complete' && !cut && m.opcode === 1) {
      const f = unwrapSockJs(dir, new TextDecoder().decode(data), s.env.limits.maxDepth);
      if (f?.kind === 'messages') {
        if (!f.messages.length) st.index++;
        if (f.messages.length > MAX_SOCKJS_MESSAGES) warnings.push(`a SockJS frame of ${f.messages.length} messages: the first ${MAX_SOCKJS_MESSAGES} decoded`);
        f.messages.slice(0, MAX_SOCKJS_MESSAGES).forEach((t, i) => {
          const inner = new TextEncoder().encode(t);
          this.payload(dir, m, end, state, i === 0 ? warnings : [], inner, inner, false);
        });
        return;
      }
      if (f) return this.sockJsEvent(dir, f, data, m, end, warnings);
    }
    this.payload(dir, m, end, state, warnings, raw, data, cut);
  }

  /** One message's payload (`data`, undefined when it could not be had): to a layer, a tunnel, or a call of its own. */
  private payload(dir: Dir, m: OpenMessage, end: Position | undefined, state: Call['state'], warnings: string[], raw: Uint8Array, data: Uint8Array | undefined, cut: boolean): void {
    const s = this.session;
    const st = this.st[dir];
    if (!this.layer && !this.tunnel && this.sniff && data && state === 'complete' && !cut && m.opcode === 1) {
      // No upgrade request or subprotocol said it (mid-capture, decode-as): a layer by its first message.
      const layer = sniffLayer(dir, data, this.session, this.uri);
      if (layer) {
        this.sniff = false;
        this.layer = layer;
      }
    }
    if (this.layer && data && state === 'complete' && !cut && !this.tunnel) {
      if (this.layer.message({ dir, opcode: m.opcode, data, start: m.start, end: end!, frames: m.frames, wire: m.wire, index: st.index, compressed: m.compressed || undefined }, warnings)) {
        st.index++;
        return;
      }
    }
    // NATS over WebSocket (nats-server's websocket listener, nats.ws) names no subprotocol and
    // the server speaks first: its INFO, else (INFO not captured) the client's CONNECT.
    if (this.sniff && dir === 's2c' && data && state === 'complete' && !cut && natsSpec.probe?.(data, 's2c') === 'accept') {
      this.sniff = false;
      this.openTunnel(natsSpec, 'nats');
    }
    if (this.sniff && dir === 'c2s' && data && state === 'complete' && !cut) {
      this.sniff = false;
      if (mqttSpec.probe?.(data, 'c2s') === 'accept') this.openTunnel(mqttSpec, 'mqtt');
      else if (stompSpec.probe?.(data, 'c2s') === 'accept') this.openTunnel(stompSpec, 'stomp');
      else if (/^CONNECT[ \t]+\{/.test(String.fromCharCode(...data.subarray(0, 16)))) this.openTunnel(natsSpec, 'nats');
    }
    if (this.tunnel) {
      st.index++;
      for (const w of warnings) s.warn(`${dir}: ${w}`, m.start);
      return this.feedTunnel(dir, state === 'complete' ? data : undefined, m, end);
    }
    const label = OPCODES[m.opcode];
    const fullSize = raw.length + (m.missing ?? 0);
    const body = data ? payloadBody(data, s.env.limits, undefined, m.compressed ? data.length : fullSize, warnings) : { size: fullSize, kind: 'binary' as const };
    if (data && m.opcode === 1 && !cut && utf8Strict(data) === undefined) warnings.push('text message is not valid UTF-8 (RFC 6455 §8.1)');

    // JSON-RPC over WebSocket: pair requests and responses by id. 2.0 objects; 1.0 requests
    // (method + params array + id, as Go's net/rpc/jsonrpc on x/net/websocket sends them) and the
    // 1.0 responses that answer a pending one; a batch (array) is taken one element at a time.
    const rpcs: Array<Record<string, unknown> | undefined> = [];
    const v = body.kind === 'json' ? body.value : undefined;
    if (isObj(v)) rpcs.push(this.rpcObject(dir, v));
    else if (Array.isArray(v) && v.length > 0 && v.length <= MAX_PENDING_RPC && state === 'complete') {
      const items = v.map((x) => (isObj(x) ? this.rpcObject(dir, x) : undefined));
      if (items.every((x) => x !== undefined)) rpcs.push(...items);
    }
    if (!rpcs.length) rpcs.push(undefined);
    const index = st.index++;
    const batch = rpcs.length > 1 || Array.isArray(v);
    for (const rpc of rpcs) this.rpcOrMessage(dir, rpc, batch, body, m, end, state, warnings, label, index, fullSize, data && !cut ? data.length : fullSize);
  }

  /** A SockJS open, heartbeat or close frame: an event (a close with its code and reason). */
  private sockJsEvent(dir: Dir, f: Exclude<SockJsFrame, { kind: 'messages' }>, data: Uint8Array, m: OpenMessage, end: Position | undefined, warnings: string[]): void {
    const s = this.session;
    this.st[dir].index++;
    const call = s.newCall('websocket', m.start);
    call.kind = 'event';
    call.method = `sockjs ${f.kind}`;
    if (this.uri) call.target = this.uri;
    call.warnings.push(...warnings);
    for (const fr of m.frames) addFrame(call.frames, fr);
    call.fields['websocket.dir'] = dir;
    call.fields['websocket.sockjs'] = true;
    call.fields['sockjs.frame'] = f.kind;
    const part = { body: payloadBody(data, s.env.limits, undefined, data.length, call.warnings), wireBytes: m.wire };
    if (dir === 'c2s') call.request = part;
    else call.response = part;
    call.timing.endUs = (end ?? m.start).tsUs;
    call.state = 'complete';
    if (f.kind === 'close') call.status = sockJsCloseStatus(f, CLOSE_CODES);
    s.emit(call);
  }

  /** A JSON-RPC object worth pairing, or undefined. */
  private rpcObject(dir: Dir, o: Record<string, unknown>): Record<string, unknown> | undefined {
    if (o.jsonrpc === '2.0') return o;
    if (o.jsonrpc !== undefined) return undefined;
    if ('id' in o && ('result' in o || 'error' in o) && this.rpc.has(`${OTHER[dir]}|${JSON.stringify(o.id)}`)) return o;
    return isJsonRpcRequest(o) ? o : undefined;
  }

  private rpcOrMessage(
    dir: Dir,
    rpc: Record<string, unknown> | undefined,
    batch: boolean,
    body: Body,
    m: OpenMessage,
    end: Position | undefined,
    state: Call['state'],
    warnings: string[],
    label: string,
    index: number,
    rawSize: number,
    size: number,
  ): void {
    const s = this.session;
    const part = { body, wireBytes: m.wire, ...(rpc ? { value: rpc.params ?? rpc.result ?? rpc.error } : {}) };
    const message = { dir, index, tsUs: (end ?? m.start).tsUs, size, frame: end?.frame, label, ...(m.compressed ? { compressed: true } : {}) };

    if (rpc && state === 'complete' && rpc.id !== undefined && typeof rpc.method !== 'string' && ('result' in rpc || 'error' in rpc)) {
      const key = `${OTHER[dir]}|${JSON.stringify(rpc.id)}`;
      const req = this.rpc.get(key);
      if (req) {
        this.rpc.delete(key);
        req.response = part;
        req.timing.responseStartUs = m.start.tsUs;
        req.timing.endUs = end!.tsUs;
        for (const f of m.frames) addFrame(req.frames, f);
        req.messages!.push(message);
        // 2.0: an error object; 1.0: any non-null value (Go sends the error text as a string). As over HTTP and TCP.
        applyOutcome(req, outcomeOf(rpc, undefined));
        req.state = 'complete';
        req.warnings.push(...warnings);
        s.emit(req);
        return;
      }
    }

    const call = s.newCall('websocket', m.start);
    call.kind = 'oneway';
    call.method = label;
    if (this.uri) call.target = this.uri;
    call.state = state;
    call.warnings.push(...warnings);
    call.frames = [];
    for (const f of m.frames) addFrame(call.frames, f);
    call.fields['websocket.dir'] = dir;
    call.fields['websocket.opcode'] = m.opcode;
    call.fields['websocket.payload_size'] = rawSize;
    if (this.sockjs) call.fields['websocket.sockjs'] = true;
    if (m.compressed) call.fields['websocket.compressed'] = true;
    if (m.fragments > 1) call.fields['websocket.fragments'] = m.fragments;
    call.messages = [message];
    if (dir === 'c2s') {
      call.request = part;
      if (end) call.timing.requestEndUs = end.tsUs;
    } else {
      call.response = part;
      call.timing.responseStartUs = m.start.tsUs;
      if (end) call.timing.endUs = end.tsUs;
    }
    if (rpc && typeof rpc.method === 'string') {
      // A JSON-RPC call (aria2, Ethereum nodes, MCP's WebSocket transport), its WebSocket layer in the fields
      call.protocol = 'jsonrpc';
      call.method = rpc.method;
      call.fields['jsonrpc.method'] = rpc.method;
      call.fields['jsonrpc.version'] = rpc.jsonrpc === undefined ? '1.0' : '2.0';
      if (batch) call.fields['jsonrpc.batch'] = true;
      // A request or notification from the server (aria2.onDownloadStart) keeps its params on the request side, as over TCP.
      if (dir === 's2c') {
        call.request = call.response;
        call.response = undefined;
        call.timing.requestEndUs = call.timing.endUs;
        call.timing.responseStartUs = undefined;
      }
      if (rpc.id !== undefined && rpc.id !== null && state === 'complete') {
        call.kind = 'unary';
        call.state = 'pending';
        call.fields['jsonrpc.id'] = typeof rpc.id === 'number' ? rpc.id : String(rpc.id);
        const key = `${dir}|${JSON.stringify(rpc.id)}`;
        if (!this.rpc.has(key) && this.rpc.size < MAX_PENDING_RPC) {
          if (dir === 's2c') call.timing.endUs = undefined;
          this.rpc.set(key, call);
          return;
        }
      }
    }
    s.emit(call);
  }

  private onControl(dir: Dir, opcode: number, payload: Uint8Array, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const cut = this.cutNow ? `${OPCODES[opcode]} ${this.cutNow.note}` : undefined;
    if (opcode === 9) {
      const call = s.newCall('websocket', start);
      if (cut) call.warnings.push(cut);
      call.kind = 'event';
      call.method = 'ping';
      if (this.uri) call.target = this.uri;
      call.fields['websocket.dir'] = dir;
      call.fields['websocket.opcode'] = 9;
      call.request = { body: payloadBody(payload, s.env.limits, undefined, payload.length, call.warnings), wireBytes: wire };
      call.timing.requestEndUs = end.tsUs;
      addFrame(call.frames, end.frame);
      const q = this.pings[dir];
      q.push(call);
      if (q.length > 1000) {
        const old = q.shift()!;
        old.state = 'incomplete';
        old.warnings.push('no pong seen');
        s.emit(old);
      }
      return;
    }
    if (opcode === 10) {
      const ping = this.pings[OTHER[dir]].shift();
      const call = ping ?? s.newCall('websocket', start);
      if (!ping) {
        call.kind = 'event';
        call.method = 'pong';
        if (this.uri) call.target = this.uri;
        call.fields['websocket.dir'] = dir;
        call.fields['websocket.opcode'] = 10;
        call.fields['websocket.unsolicited'] = true;
      }
      if (cut) call.warnings.push(cut);
      call.response = { body: payloadBody(payload, s.env.limits, undefined, payload.length, call.warnings), wireBytes: wire };
      call.timing.responseStartUs = start.tsUs;
      call.timing.endUs = end.tsUs;
      addFrame(call.frames, start.frame);
      addFrame(call.frames, end.frame);
      call.state = 'complete';
      s.emit(call);
      return;
    }
    // Close: 2-byte code + UTF-8 reason (RFC 6455 §5.5.1, §7.4).
    const st = this.st[dir];
    st.closed = true;
    const code = payload.length >= 2 ? be16(payload, 0) : undefined;
    const reason = payload.length > 2 ? (utf8Strict(payload.subarray(2)) ?? '') : '';
    const value = { code: code ?? 1005, name: CLOSE_CODES[code ?? 1005] ?? (code !== undefined && code >= 4000 ? 'Private Use' : 'Unknown'), ...(reason ? { reason } : {}) };
    const part = { value, wireBytes: wire };
    if (this.closeCall && this.closeCall.from !== dir && !this.closeCall.call.response) {
      const c = this.closeCall.call;
      if (cut) c.warnings.push(cut);
      c.response = part;
      c.timing.responseStartUs = start.tsUs;
      c.timing.endUs = end.tsUs;
      addFrame(c.frames, start.frame);
      addFrame(c.frames, end.frame);
      c.state = 'complete';
      s.emit(c);
      return;
    }
    const call = s.newCall('websocket', start);
    call.kind = 'event';
    call.method = 'close';
    if (this.uri) call.target = this.uri;
    call.fields['websocket.dir'] = dir;
    call.fields['websocket.opcode'] = 8;
    call.fields['websocket.close_code'] = value.code;
    if (reason) call.fields['websocket.close_reason'] = reason;
    if (cut) call.warnings.push(cut);
    if (payload.length === 1 && !cut) call.warnings.push('close frame with a 1-byte payload (RFC 6455 §5.5.1)');
    call.status = { code: value.code, text: reason ? `${value.name}: ${reason}` : value.name, ok: value.code === 1000 || value.code === 1001 || value.code === 1005 };
    call.request = part;
    call.timing.requestEndUs = end.tsUs;
    addFrame(call.frames, end.frame);
    this.closeCall = { call, from: dir };
    call.state = 'pending';
  }

  /**
   * Bytes not captured (snaplen, loss). Inside a frame whose header was captured (RFC 6455 §5.2:
   * opcode, payload length, masking key) the missing bytes are counted against it: the frame is
   * decoded from its captured head (opcode, length, the first payload bytes unmasked) and framing
   * resumes after it. A gap that swallows a boundary makes the direction resynchronise on the next
   * plausible frame header.
   */
  gap(dir: Dir, length: number, at: Position): void {
    const st = this.st[dir];
    if (st.dead) return;
    st.gapped = true;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.stop(dir, `websocket decoder error: ${(e as Error).message}`, at);
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const st = this.st[dir];
    const buf = st.buf;
    if (buf.discarding > 0) {
      const past = buf.gapWhileDiscarding(length);
      if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
      return;
    }
    if (st.resync && !this.findFrame(dir, true)) {
      buf.clear();
      st.afterGap = true; // what comes next starts right after this gap
      return;
    }
    const h = buf.length >= 2 ? frameHeader(buf.bytes()) : undefined;
    if (h && (h.opcode in OPCODES) && h.len <= this.session.env.limits.maxBufferedBytes && h.hl + h.len > buf.length) {
      const { payload, start, end, have, total } = takeCut(buf, h);
      st.framed = true;
      this.cutNow = { note: `frame cut by a capture gap: ${have} of ${total} bytes captured, ${total - have} missing`, missing: total - have };
      try {
        this.onFrame(dir, { fin: h.fin, rsv1: h.rsv1, opcode: h.opcode, payload, start, end, wire: total });
      } finally {
        this.cutNow = undefined;
      }
      const past = buf.gapOver(total - have, length);
      if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
      return;
    }
    this.lose(dir, length, at, buf.length ? 'inside a frame header' : 'at a frame boundary');
  }

  /**
   * The connection ended inside a data frame whose header was captured (RFC 6455 §5.2): its message
   * is shown, cut, from the bytes that were sent — not only a warning about the flow (Tornado closes
   * with 1009 after the header of a message over its websocket_max_message_size and resets the
   * connection while the client is still writing it). Aborted when the connection was closed or
   * reset, incomplete at the end of the capture.
   */
  private cutAtEnd(dir: Dir, how?: CloseReason): boolean {
    const st = this.st[dir];
    const buf = st.buf;
    const h = buf.length >= 2 && !(buf.discarding > 0) ? frameHeader(buf.bytes()) : undefined;
    if (!h || h.opcode > 2 || h.hl > buf.length || h.hl + h.len <= buf.length || h.len > this.session.env.limits.maxBufferedBytes) return false;
    if (h.opcode === 0 && !st.msg) return false;
    const { payload, start, end, have, total } = takeCut(buf, h);
    const gone = how === 'rst' ? 'the connection was reset (TCP RST)' : how === 'fin' ? 'the connection was closed (TCP FIN)' : '';
    const note = gone ? `${gone} after ${have} of this frame's ${total} bytes: the message was not sent whole` : `the capture ends after ${have} of this frame's ${total} bytes`;
    this.cutNow = { note, missing: total - have };
    try {
      this.onFrame(dir, { fin: false, rsv1: h.rsv1, opcode: h.opcode, payload, start, end, wire: total });
    } finally {
      this.cutNow = undefined;
    }
    const m = st.msg;
    st.msg = undefined;
    if (m) this.emitMessage(dir, m, end, how === 'rst' || how === 'fin' ? 'aborted' : 'incomplete');
    return true;
  }

  /** The framing of `dir` is lost: drop what is buffered, wait for a plausible frame header. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    const st = this.st[dir];
    st.buf.clear();
    st.resync = true;
    st.afterGap = true;
    this.notes.lost(dir, length, `${dir}: ${length} bytes missing from the capture ${where}; decoding resumes at the next plausible frame header`, at);
    // A fragmented message in progress: its other fragments may be in the gap. It ends here.
    if (st.msg) {
      const m = st.msg;
      st.msg = undefined;
      (m.cut ??= []).push('fragments after a capture gap may be missing');
      m.missing = m.missing ?? 0;
      this.emitMessage(dir, m, undefined, 'complete');
    } else if (this.tunnel) {
      this.tunnel.dec.gap(dir, Math.max(1, length), at);
      this.tunnel.off[dir] += Math.max(1, length);
    }
    // Pongs travelling in `dir` may be gone: a later one would answer the wrong ping.
    for (const p of this.pings[OTHER[dir]].splice(0)) {
      p.state = 'incomplete';
      p.warnings.push('no pong in the capture (bytes of the answering side were not captured)');
      this.session.emit(p);
    }
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first offset where a plausible frame header
   * starts (true: it is at the head now) or may start once more bytes come (false).
   */
  private findFrame(dir: Dir, final: boolean): boolean {
    const st = this.st[dir];
    const buf = st.buf;
    const r = scanForStart({ get length() { return buf.length; }, view: () => buf.bytes(), consume: (n) => buf.consume(n) }, st.afterGap, final, (b, i, fin, strict) => this.plausible(dir, b, i, fin, strict), RESYNC_WINDOW);
    st.afterGap = r.afterGap;
    if (r.found) st.resync = false;
    return r.found;
  }

  /**
   * Frame sanity (RFC 6455 §5.2, §5.5): a defined opcode, no RSV2/RSV3, RSV1 only with
   * permessage-deflate, the mask bit set by the client and clear from the server, the shortest length
   * encoding, control frames whole and at most 125 bytes, no continuation (a message after a gap
   * starts anew); a text frame's payload valid UTF-8. Inside the bytes after a gap (`strict`) the
   * frame must be whole and followed by another plausible header or end exactly where the bytes do.
   */
  private plausible(dir: Dir, b: Uint8Array, i: number, final: boolean, strict: boolean): 'yes' | 'no' | 'more' {
    const short = final ? 'no' : 'more';
    const h = frameHeader(b, i);
    if (h === null) return 'no';
    if (h === undefined) return short;
    // (RSV1 is allowed on a data frame even without a negotiated permessage-deflate: the gap may have
    // taken the Sec-WebSocket-Extensions header of the Upgrade response.)
    if (!(h.opcode in OPCODES) || h.opcode === 0 || h.rsv23 || (h.rsv1 && h.opcode >= 8)) return 'no';
    if (h.masked !== (dir === 'c2s')) return 'no';
    if (h.opcode >= 8 && (!h.fin || h.len > 125)) return 'no';
    if (h.len > this.session.env.limits.maxBufferedBytes) return 'no';
    const end = i + h.hl + h.len;
    if (end > b.length) return final ? (strict ? 'no' : 'yes') : 'more';
    if (h.opcode === 1 && h.fin && !h.rsv1) {
      // (Bounded: the first 1 KiB of the payload; a character cut at its end is allowed.)
      const p = payloadOf(b, i, h.hl, h.masked, Math.min(end, i + h.hl + 1024));
      if (!isUtf8(p, p.length === 1024)) return 'no';
    }
    if (!strict || end === b.length) return 'yes';
    const next = frameHeader(b, end);
    if (next === undefined) return final ? 'yes' : 'more';
    return next && next.opcode in OPCODES && !next.rsv23 && next.masked === (dir === 'c2s') ? 'yes' : 'no';
  }

  end(dir: Dir, at: Position): void {
    this.tunnel?.dec.end(dir, at);
  }

  close(at: Position, how?: CloseReason): void {
    const s = this.session;
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const st = this.st[dir];
      // (then st.msg and st.buf are empty: pings waiting for a pong are still settled below)
      if (!st.dead && !st.resync) this.cutAtEnd(dir, how);
      if (st.msg) this.emitMessage(dir, st.msg, undefined, 'incomplete', 'connection ended inside a fragmented message');
      st.msg = undefined;
      if (!st.dead && st.buf.length > 0) s.warn(`${dir}: ${st.buf.length} bytes of an unfinished frame at the end`, at);
      st.buf.clear();
      for (const p of this.pings[dir].splice(0)) {
        p.state = 'incomplete';
        p.warnings.push('no pong seen');
        s.emit(p);
      }
    }
    if (this.closeCall && this.closeCall.call.state === 'pending') {
      const c = this.closeCall.call;
      c.state = 'complete';
      c.warnings.push('the peer did not answer the close frame');
      s.emit(c);
    }
    for (const c of this.rpc.values()) {
      c.state = 'incomplete';
      c.warnings.push('no JSON-RPC response with this id');
      s.emit(c);
    }
    this.rpc.clear();
    this.layer?.close();
    this.tunnel?.dec.close(at, how);
    this.notes.summary(at);
  }
}

/**
 * The layer a first text message starts when nothing said which: Socket.IO by the server's
 * Engine.IO open (`0{"sid":…`) or the client's upgrade probe or namespace CONNECT (`2probe`, `40`);
 * GraphQL over WebSocket by a client `connection_init`; SignalR by its JSON handshake.
 */
function sniffLayer(dir: Dir, data: Uint8Array, session: DecoderSession, uri: string | undefined): WsLayer | undefined {
  const head = String.fromCharCode(...data.subarray(0, 80));
  if (dir === 's2c' ? head.startsWith('0{"sid"') : head.startsWith('2probe') || head === '40' || /^40[{/]/.test(head)) return new SocketIo(session, uri, undefined);
  if (dir !== 'c2s') return undefined;
  if (startsGraphqlWs(head)) return new GraphqlWs(session, uri, undefined);
  if (startsSignalR(head)) return new SignalR(session, uri);
  return undefined;
}

/**
 * The frame header at b[i] (RFC 6455 §5.2): undefined when cut short, null when its length is not
 * in the shortest encoding or has the most significant bit set.
 */
function frameHeader(b: Uint8Array, i = 0): { fin: boolean; rsv1: boolean; rsv23: number; opcode: number; masked: boolean; len: number; hl: number } | undefined | null {
  if (b.length - i < 2) return undefined;
  const masked = (b[i + 1] & 0x80) !== 0;
  let len = b[i + 1] & 0x7f;
  let hl = 2;
  if (len === 126) {
    if (b.length - i < 4) return undefined;
    len = be16(b, i + 2);
    if (len < 126) return null;
    hl = 4;
  } else if (len === 127) {
    if (b.length - i < 10) return undefined;
    if (b[i + 2] & 0x80) return null;
    len = (((b[i + 2] << 24) >>> 0) + ((b[i + 3] << 16) | (b[i + 4] << 8) | b[i + 5])) * 2 ** 32 + ((b[i + 6] << 24) >>> 0) + ((b[i + 7] << 16) | (b[i + 8] << 8) | b[i + 9]);
    if (len < 65536) return null;
    hl = 10;
  }
  if (masked) hl += 4;
  if (b.length - i < hl) return undefined;
  return { fin: (b[i] & 0x80) !== 0, rsv1: (b[i] & 0x40) !== 0, rsv23: b[i] & 0x30, opcode: b[i] & 0x0f, masked, len, hl };
}

/** `out` with each run of zero bytes (bytes not known) as `⟨N bytes not captured⟩` (`why`), readable in a text message. */
function markUnknown(out: Uint8Array, why: string): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i < out.length; ) {
    if (out[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j] === 0) j++;
    parts.push(out.subarray(from, i), enc.encode(`⟨${j - i} bytes ${why}⟩`));
    from = i = j;
  }
  parts.push(out.subarray(from));
  return concatBytes(parts);
}

/**
 * The payload of the frame whose header (`hl` bytes, the masking key its last four when `masked`)
 * starts at b[i], up to b[end), unmasked (RFC 6455 §5.3): a copy.
 */
function payloadOf(b: Uint8Array, i: number, hl: number, masked: boolean, end: number): Uint8Array {
  const p = b.slice(i + hl, end);
  if (masked) {
    const k = i + hl - 4;
    for (let j = 0; j < p.length; j++) p[j] ^= b[k + (j & 3)];
  }
  return p;
}

/**
 * The buffered head of a frame the capture cut (its header whole, its payload not): the payload so
 * far, unmasked, where it starts and ends, how much of the frame's `total` bytes there are. Empties the buffer.
 */
function takeCut(buf: PduBuffer, h: NonNullable<ReturnType<typeof frameHeader>>): { payload: Uint8Array; start: Position; end: Position; have: number; total: number } {
  const b = buf.bytes();
  const have = b.length;
  const payload = payloadOf(b, 0, h.hl, h.masked, have);
  const start = buf.pos(0);
  const end = buf.pos(have - 1);
  buf.clear();
  return { payload, start, end, have, total: h.hl + h.len };
}

/**
 * Whether a compressed payload at `o` can start a DEFLATE block (RFC 1951 §3.2.3: block type 3 is
 * reserved; a stored block's LEN and NLEN are complements, §3.2.4). `key`: the frame's mask.
 */
function deflateStart(b: Uint8Array, o: number, key?: Uint8Array): boolean {
  const at = (k: number) => (o + k < b.length ? b[o + k] ^ (key ? key[k & 3] : 0) : undefined);
  const first = at(0);
  if (first === undefined) return true;
  const type = (first >> 1) & 3;
  if (type === 3) return false;
  if (type !== 0) return true;
  const l0 = at(1), l1 = at(2), n0 = at(3), n1 = at(4);
  return l0 === undefined || l1 === undefined || n0 === undefined || n1 === undefined || ((l0 ^ n0) === 0xff && (l1 ^ n1) === 0xff);
}

/** Frames a mid-connection probe walks before deciding. */
const MID_PROBE_FRAMES = 8;

/** A frame header RFC 6455 §5.2 allows whatever was negotiated (RSV1 only on a message's first data frame, control frames whole and short). */
function validFrame(h: NonNullable<ReturnType<typeof frameHeader>>): boolean {
  if (!(h.opcode in OPCODES) || h.rsv23) return false;
  if (h.opcode >= 8) return h.fin && h.len <= 125 && !h.rsv1;
  return !(h.rsv1 && h.opcode === 0);
}

/**
 * A WebSocket connection the capture joined after its HTTP upgrade (the usual case for a page's
 * socket: it opened before the recording began), on any port, once every other probe declined:
 * frames walked from the first byte (RFC 6455 §5.2), all masked or all unmasked (§5.1: the client
 * masks, the server does not). It takes a text frame whose payload is UTF-8 (§5.6), a close frame
 * with a defined code (§7.4), a masked frame with a non-zero key and a payload, or two other
 * non-empty data or control frames; continuation and empty frames say nothing (zeros parse as
 * empty continuation frames). A first frame longer than the probe sees decides on its first KiB
 * when it is text.
 */
export function probeWebSocketMidstream(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  return midstreamScan(head).result;
}

/** probeWebSocketMidstream's walk, with whether the frames it read were masked. */
function midstreamScan(head: Uint8Array): { result: 'accept' | 'reject' | 'need-more'; masked: boolean | undefined } {
  // (the walk takes every frame masked as the first is, or rejects)
  return { result: midstreamWalk(head), masked: head.length >= 2 ? (head[1] & 0x80) !== 0 : undefined };
}

/**
 * Both sides of a connection joined late read as frames of the same masking: RFC 6455 §5.1 has the
 * client mask every frame and the server none, so this is some other binary protocol whose first
 * byte happens to read as a frame header (OpenFlow's version 1 is a text frame without FIN).
 */
function sameMasking(heads: { c2s: Uint8Array; s2c: Uint8Array }): boolean {
  if (heads.c2s.length < 2 || heads.s2c.length < 2) return false;
  const a = midstreamScan(heads.c2s);
  const b = midstreamScan(heads.s2c);
  return a.result !== 'reject' && b.result !== 'reject' && a.masked !== undefined && a.masked === b.masked;
}

function midstreamWalk(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  let i = 0;
  // Evidence: a strong frame decides; two others do. Continuation and empty frames are none
  // (a run of zero bytes is a run of empty continuation frames).
  let weak = 0;
  let strong = false;
  let masked: boolean | undefined;
  const decided = () => strong || weak >= 2;
  for (let k = 0; k < MID_PROBE_FRAMES; k++) {
    if (i === head.length) return decided() ? 'accept' : 'need-more';
    const h = frameHeader(head, i);
    if (h === null || (h && (!validFrame(h) || (masked !== undefined && h.masked !== masked)))) return 'reject';
    if (h === undefined) return decided() ? 'accept' : 'need-more';
    masked = h.masked;
    const end = i + h.hl + h.len;
    // (a text payload that starts with a control character other than a tab or a line end, such as
    // OpenFlow's length bytes, is at most weak evidence: text messages start with text)
    const text = h.opcode === 1 && !h.rsv1;
    // A masked frame with a key and a payload: the key's four bytes are otherwise unconstrained.
    const keyed = h.masked && h.len > 0 && (head[i + h.hl - 4] | head[i + h.hl - 3] | head[i + h.hl - 2] | head[i + h.hl - 1]) !== 0;
    if (text) {
      const p = payloadOf(head, i, h.hl, h.masked, Math.min(end, i + h.hl + 1024, head.length));
      if (!isUtf8(p, end > i + h.hl + p.length)) return 'reject';
      if (end > head.length) return p.length >= 64 || p.length === 1024 ? 'accept' : head.length >= 4096 ? 'reject' : 'need-more';
      if (h.len > 0 && p.length > 0) {
        const c = p[0];
        if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) strong = true;
      }
    } else if (end > head.length) return decided() ? 'accept' : head.length >= 4096 ? 'reject' : 'need-more';
    if (h.opcode !== 0 && h.len > 0) {
      if (h.rsv1 && !deflateStart(head, i + h.hl, h.masked ? head.subarray(i + h.hl - 4, i + h.hl) : undefined)) return 'reject';
      if (keyed) strong = true;
      else weak++;
    }
    if (h.opcode === 8) {
      if (h.len === 1) return 'reject';
      if (h.len >= 2) {
        const k0 = h.masked ? head[i + h.hl - 4] : 0;
        const k1 = h.masked ? head[i + h.hl - 3] : 0;
        const code = ((head[i + h.hl] ^ k0) << 8) | (head[i + h.hl + 1] ^ k1);
        if (!((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999))) return 'reject';
        strong = true;
      }
    }
    i = end;
  }
  return decided() ? 'accept' : 'reject';
}

export const spec: DecoderSpec = {
  id: 'websocket',
  name: 'WebSocket',
  transport: 'tcp',
  handoffOnly: true,
  // Last: a heuristic for connections no other decoder recognised.
  probeOrder: 200,
  probeMidstream: (head) => probeWebSocketMidstream(head),
  refute: (heads) => sameMasking(heads),
  // §5.1: only a client masks its frames.
  rolesReversed: (heads) =>
    rolesBackwards(heads, (head) => {
      const h = frameHeader(head, 0);
      return new Set<Side>(h && validFrame(h) ? [h.masked ? 'client' : 'server'] : []);
    }),
  create: (session, init) => new WebSocketDecoder(session, init as HttpUpgradeInit | undefined),
};
