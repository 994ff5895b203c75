/**
 * SockJS's HTTP transports (sockjs-protocol 0.3.3: "Streaming transports", "Polling transports"),
 * what sockjs-client falls back to when WebSocket is not to be had. A session is
 * `/<prefix>/<server>/<session>/…`; the client sends with a POST to `xhr_send` (body: a JSON array
 * of strings) or `jsonp_send` (the same, or form-encoded as `d=`), and receives from one of:
 *
 *   xhr_streaming  POST, a long response: a 2048-byte `hhh…h\n` prelude, then one frame per line
 *   xhr            POST, one frame per response (`o\n`, `a["…"]\n`), polled again and again
 *   eventsource    GET, server-sent events: each event's data is a frame
 *   htmlfile       GET, an HTML page then a `<script>\np("<frame as a JSON string>");\n</script>` per frame
 *   jsonp          GET `?c=callback`, `/**\/callback("<frame as a JSON string>");` per response
 *
 * Frames as over WebSocket (sockjs.ts): `o` open, `h` heartbeat, `a[…]` messages, `c[code,"reason"]` close.
 * Each exchange stays an HTTP call (fields `sockjs.transport`, `sockjs.session`; its frames as its
 * request or response value), and the frames it carried become calls of their own, children of it:
 * open, heartbeat and close are `sockjs` events; the messages, when they are STOMP (a first client
 * message that is a STOMP CONNECT, or a server CONNECTED), feed one STOMP decoder per SockJS session —
 * its frames arrive in several exchanges on several connections — so they are STOMP calls as over the
 * WebSocket transport; other messages are `sockjs` messages, one call each. Frames are timed by the
 * packet that completed them where the HTTP decoder read the body as it came (eventsource, and
 * xhr_streaming/htmlfile read line by line), else by the end of their exchange.
 */
import type { Call, Dir, StreamMessage } from '../core/model';
import type { CaptureScope, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { parseJsonBounded } from '../http-common/body';
import { spec as stompSpec } from '../stomp/index';
import { sockJsCloseStatus, unwrapSockJs, type SockJsFrame } from './sockjs';

const TRANSPORT_URI = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?(\/[^?#]*?)?\/(\d{1,4})\/([A-Za-z0-9_-][A-Za-z0-9._-]{0,63})\/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send)\/?(?:[?#]|$)/;

export type SockJsTransport = 'xhr' | 'xhr_send' | 'xhr_streaming' | 'eventsource' | 'htmlfile' | 'jsonp' | 'jsonp_send';

/** The SockJS session and transport a URI names (`/ws/513/cu5swrko/xhr_streaming`), or undefined. */
export function sockJsHttpUri(uri: string | undefined): { prefix: string; server: string; session: string; transport: SockJsTransport } | undefined {
  const m = uri ? TRANSPORT_URI.exec(uri) : null;
  return m ? { prefix: m[1] ?? '', server: m[2], session: m[3], transport: m[4] as SockJsTransport } : undefined;
}

/** A streamed response the HTTP decoder should read line by line (its frames then have their own times). */
export function isSockJsLineStream(uri: string | undefined): boolean {
  // (asked for every HTTP/1 response: the URI pattern only for one that names either transport)
  if (uri === undefined || !(uri.includes('/xhr_streaming') || uri.includes('/htmlfile'))) return false;
  const t = sockJsHttpUri(uri)?.transport;
  return t === 'xhr_streaming' || t === 'htmlfile';
}

const MAX_FRAMES = 1000;
const PRELUDE = /^h{2,}$/;

/**
 * The SockJS frame a line (or an event's data) of a receiving transport holds: the line itself
 * (xhr, xhr_streaming, eventsource), `p("…")` (htmlfile), `callback("…")` (jsonp). Undefined for the
 * rest (the htmlfile page, the xhr_streaming prelude).
 */
export function frameOfLine(transport: SockJsTransport, line: string, maxDepth: number): string | undefined {
  const t = line.trim();
  if (!t) return undefined;
  if (transport === 'htmlfile' || transport === 'jsonp') {
    const m = transport === 'htmlfile' ? /^p\(("[^]*")\);?$/.exec(t) : /^(?:\/\*\*\/)?[A-Za-z_$][\w$.]*\(("[^]*")\);?$/.exec(t);
    if (!m) return undefined;
    const r = parseJsonBounded(m[1], maxDepth);
    return r.ok && typeof r.value === 'string' ? r.value : undefined;
  }
  if (PRELUDE.test(t)) return undefined;
  return t;
}

/** The client's messages in an `xhr_send` / `jsonp_send` body (a JSON array of strings; jsonp_send also `d=…` form-encoded). */
export function sentMessages(body: string, maxDepth: number): string[] | undefined {
  let text = body;
  if (text.startsWith('d=')) {
    try {
      text = decodeURIComponent(text.slice(2).split('&')[0].replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  const f = unwrapSockJs('c2s', text, maxDepth);
  return f?.kind === 'messages' ? f.messages : undefined;
}

interface Timed {
  frame: SockJsFrame;
  text: string;
  tsUs: number;
  frameNo: number;
  size: number;
}

export const sockJsHttpRouter: BodyRouter = {
  id: 'sockjs',
  match(call: Call): boolean {
    const uri = call.http?.uri;
    return uri !== undefined && (uri.includes('/xhr') || uri.includes('/eventsource') || uri.includes('/htmlfile') || uri.includes('/jsonp')) && sockJsHttpUri(uri) !== undefined;
  },
  apply(call: Call, session: DecoderSession): void {
    const http = call.http!;
    const u = sockJsHttpUri(http.uri)!;
    const depth = session.env.limits.maxDepth;
    const notes: string[] = [];
    const key = `${call.server.ip}|${call.server.port}|${u.prefix}/${u.server}/${u.session}`;
    const t = call.timing;
    const timed: Timed[] = [];
    let sent: string[] | undefined;
    if (u.transport === 'xhr_send' || u.transport === 'jsonp_send') {
      const body = http.requestBody?.text ?? http.requestBody?.jsonText;
      sent = body !== undefined ? sentMessages(body, depth) : undefined;
      if (sent) {
        call.request = { ...call.request, value: sent };
        if (sent.length > MAX_FRAMES) notes.push(`SockJS: ${sent.length} messages in one send: the first ${MAX_FRAMES} decoded`);
      }
    } else {
      const messages = call.messages?.filter((m) => m.dir === 's2c');
      const lines: Array<{ text: string; tsUs: number; frame: number }> = [];
      if (messages?.length && messages.every((m) => typeof m.value === 'string')) {
        for (const m of messages) lines.push({ text: m.value as string, tsUs: m.tsUs, frame: m.frame ?? call.frames[call.frames.length - 1] ?? 0 });
      } else {
        const body = http.responseBody?.text ?? http.responseBody?.jsonText ?? '';
        const end = t.endUs ?? t.responseStartUs ?? t.startUs;
        const last = call.frames[call.frames.length - 1] ?? 0;
        const raw = u.transport === 'eventsource' ? eventData(body) : body.split('\n');
        for (const l of raw) lines.push({ text: l, tsUs: end, frame: last });
        if (http.responseBody?.truncated) notes.push('SockJS: the response is larger than the body preview: its first frames only');
      }
      let odd = 0;
      for (const l of lines) {
        if (timed.length >= MAX_FRAMES) {
          notes.push(`SockJS: more than ${MAX_FRAMES} frames in one response: the first ${MAX_FRAMES} decoded`);
          break;
        }
        const text = frameOfLine(u.transport, l.text, depth);
        if (text === undefined) continue;
        const frame = unwrapSockJs('s2c', text, depth);
        if (!frame) {
          if (odd++ === 0) notes.push(`SockJS: a line that is no frame (${JSON.stringify(text.slice(0, 40))}) skipped`);
          continue;
        }
        timed.push({ frame, text, tsUs: l.tsUs, frameNo: l.frame, size: text.length });
      }
      if (timed.length) {
        (call.response ??= {}).value = timed.map((x) => frameValue(x.frame));
        call.messages = timed.map((x, i): StreamMessage => ({ dir: 's2c', index: i, tsUs: x.tsUs, size: x.size, frame: x.frameNo, label: x.frame.kind === 'messages' ? 'a' : x.frame.kind, value: frameValue(x.frame) }));
        if (u.transport === 'xhr_streaming' || u.transport === 'eventsource' || u.transport === 'htmlfile') call.kind = 'server-stream';
      }
    }
    // A path that only looks like a SockJS one (`/users/42/abc/xhr`): nothing in it read as SockJS, so it stays plain HTTP.
    if (!sent && !timed.length) return;
    call.fields['sockjs.transport'] = u.transport;
    call.fields['sockjs.session'] = u.session;
    call.warnings.push(...notes);
    const scope = session.capture;
    const s = SockJsSessions.of(scope).get(key, u);
    if (u.transport !== 'xhr_send' && u.transport !== 'jsonp_send') s.receiving = u.transport;
    if (sent) s.messages(session, call, 'c2s', sent.slice(0, MAX_FRAMES), { frame: call.frames[0] ?? 0, tsUs: t.requestEndUs ?? t.startUs, streamOffset: 0 });
    for (const x of timed) {
      const at = { frame: x.frameNo, tsUs: x.tsUs, streamOffset: 0 };
      if (x.frame.kind === 'messages') s.messages(session, call, 's2c', x.frame.messages.slice(0, MAX_FRAMES), at);
      else s.event(session, call, x.frame, x.text, at);
    }
    // A decoder run alone (no capture to outlive the exchange): what the session holds is reported now.
    if (!scope?.atEnd) s.end();
  },
};

/** The data of each server-sent event of a body read whole (no timed events from the HTTP decoder). */
function eventData(body: string): string[] {
  const out: string[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(l[5] === ' ' ? 6 : 5));
    if (data.length) out.push(data.join('\n'));
  }
  return out;
}

function frameValue(f: SockJsFrame): unknown {
  if (f.kind === 'messages') return f.messages;
  if (f.kind === 'close') return { close: f.code, reason: f.reason };
  return f.kind;
}

const STATE_KEY = 'sockjs.http.sessions';
/** Messages (and their characters) a session holds before it feeds them. */
const MAX_HELD = 5000;
const MAX_HELD_BYTES = 8 << 20;
const MAX_SESSIONS = 256;

/** The SockJS sessions of a capture carried over HTTP, by server, prefix, server id and session id. */
class SockJsSessions {
  private readonly map = new Map<string, SockJsSession>();

  static of(scope: CaptureScope | undefined): SockJsSessions {
    if (!scope?.atEnd) return new SockJsSessions(); // a decoder run alone: one exchange at a time
    let s = scope.state.get(STATE_KEY) as SockJsSessions | undefined;
    if (!s) {
      s = new SockJsSessions();
      scope.state.set(STATE_KEY, s);
      scope.learned('SockJS sessions over HTTP, across connections');
      scope.atEnd?.(() => s!.end());
    }
    return s;
  }

  get(key: string, u: { prefix: string; server: string; session: string }): SockJsSession {
    let s = this.map.get(key);
    if (!s) {
      s = new SockJsSession(`${u.prefix}/${u.server}/${u.session}`, u.session);
      this.map.set(key, s);
      if (this.map.size > MAX_SESSIONS) {
        const [k, oldest] = this.map.entries().next().value as [string, SockJsSession];
        this.map.delete(k);
        oldest.end();
      }
    }
    return s;
  }

  end(): void {
    for (const s of this.map.values()) s.end();
    this.map.clear();
  }
}

/** One SockJS session: its STOMP decoder (when the messages are STOMP) fed in the order the exchanges end. */
class SockJsSession {
  private stomp?: { dec: StreamDecoder; off: Record<Dir, number> };
  private sniffed = false;
  /** The flow session the STOMP decoder reports through: that of the exchange being read. */
  private current?: DecoderSession;
  private ended = false;
  private readonly held: Array<{ session: DecoderSession; carrier: Call; dir: Dir; text: string; at: Position; seq: number }> = [];
  private heldBytes = 0;
  private seq = 0;
  /** Where the last message fed to STOMP came from (the STOMP decoder's end is reported there). */
  private last: Position = { frame: 0, tsUs: 0, streamOffset: 0 };
  /** The receiving transport of the session (xhr_streaming, xhr, eventsource…), for the STOMP calls' fields. */
  receiving?: SockJsTransport;

  constructor(
    private readonly path: string,
    private readonly id: string,
  ) {}

  /**
   * Messages of one side of an exchange. They are held and fed in time order when the session is
   * flushed (the end of the capture, or too many held): a long streaming response ends after the
   * sends it answered, so the order exchanges end in is not the order their messages were sent in.
   */
  messages(session: DecoderSession, carrier: Call, dir: Dir, messages: string[], at: Position): void {
    for (const text of messages) {
      this.held.push({ session, carrier, dir, text, at, seq: this.seq++ });
      this.heldBytes += text.length;
    }
    if (this.held.length > MAX_HELD || this.heldBytes > MAX_HELD_BYTES) this.flush();
  }

  /** Feed what is held, in time order (a send before an answer of the same instant). */
  flush(): void {
    const held = this.held.splice(0);
    this.heldBytes = 0;
    held.sort((a, b) => a.at.tsUs - b.at.tsUs || (a.dir === b.dir ? a.seq - b.seq : a.dir === 'c2s' ? -1 : 1));
    for (const h of held) this.feed(h.session, h.carrier, h.dir, h.text, h.at);
  }

  private feed(session: DecoderSession, carrier: Call, dir: Dir, text: string, at: Position): void {
    this.current = session;
    const bytes = new TextEncoder().encode(text);
    if (!this.sniffed) {
      const probe = stompSpec.probe?.(bytes, 'c2s');
      if ((dir === 'c2s' && probe === 'accept') || (dir === 's2c' && /^CONNECTED\r?\n/.test(text))) this.openStomp();
      this.sniffed = dir === 'c2s' || this.stomp !== undefined;
    }
    if (this.stomp) {
      const off = this.stomp.off;
      this.last = at;
      this.stomp.dec.data(dir, bytes, { ...at, streamOffset: off[dir] });
      off[dir] += bytes.length;
      return;
    }
    this.message(session, carrier, dir, text, at);
  }

  event(session: DecoderSession, carrier: Call, f: Exclude<SockJsFrame, { kind: 'messages' }>, text: string, at: Position): void {
    const c = this.child(session, carrier, 'event', f.kind, 's2c', at);
    c.response = { value: text, wireBytes: 0 };
    if (f.kind === 'close') c.status = sockJsCloseStatus(f);
    session.emit(c);
    // The session is over: what it holds need not wait for the end of the capture (a live capture shows it now).
    if (f.kind === 'close') this.flush();
  }

  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    const st = this.stomp;
    if (!st) return;
    const at = this.last;
    try {
      st.dec.end('c2s', { ...at, streamOffset: st.off.c2s });
      st.dec.end('s2c', { ...at, streamOffset: st.off.s2c });
      st.dec.close(at, 'capture-end');
    } catch {
      // the STOMP decoder must not throw; if it does, what it held is lost
    }
  }

  private openStomp(): void {
    const self = this;
    const host: DecoderSession = {
      get flow() {
        return self.current!.flow;
      },
      get env() {
        return self.current!.env;
      },
      get capture() {
        return self.current!.capture;
      },
      nextCallId: () => self.current!.nextCallId(),
      emit: (c) => {
        c.fields['sockjs.session'] = self.id;
        if (self.receiving) c.fields['sockjs.transport'] = self.receiving;
        self.current!.emit(c);
      },
      warn: (m, at) => self.current!.warn(`STOMP over SockJS: ${m}`, at),
      handoff: () => undefined,
      newCall: (protocol, at) => self.current!.newCall(protocol, at),
    };
    const dec = stompSpec.create(host);
    if ('data' in dec) this.stomp = { dec, off: { c2s: 0, s2c: 0 } };
  }

  /** A message that is not STOMP: a `sockjs` message of its own. */
  private message(session: DecoderSession, carrier: Call, dir: Dir, text: string, at: Position): void {
    const c = this.child(session, carrier, 'oneway', 'message', dir, at);
    const r = parseJsonBounded(text, session.env.limits.maxDepth);
    const part = { value: r.ok ? r.value : text, wireBytes: 0 };
    if (dir === 'c2s') c.request = part;
    else c.response = part;
    session.emit(c);
  }

  private child(session: DecoderSession, carrier: Call, kind: Call['kind'], method: string, dir: Dir, at: Position): Call {
    const c = session.newCall('sockjs', at);
    c.kind = kind;
    c.method = method;
    c.target = this.path;
    c.state = 'complete';
    // (the carrier may already be reported when a held message is fed: the child names its parent, not the reverse)
    c.parentId = carrier.id;
    c.timing = dir === 'c2s' ? { startUs: carrier.timing.startUs, requestEndUs: at.tsUs } : { startUs: at.tsUs, responseStartUs: at.tsUs, endUs: at.tsUs };
    c.frames = [at.frame];
    c.fields['sockjs.dir'] = dir;
    c.fields['sockjs.session'] = this.id;
    c.fields['sockjs.transport'] = String(carrier.fields['sockjs.transport']);
    if (method !== 'message') c.fields['sockjs.frame'] = method;
    return c;
  }
}
