/**
 * NATS client protocol (docs.nats.io/reference/reference-protocols/nats-protocol).
 *
 * Reached by port 4222 or by probe (INFO from the server, CONNECT/PUB/HPUB/SUB from the client).
 * Text control lines (operation names case-insensitive, fields separated by spaces or tabs,
 * CR LF terminated) with sized payloads for PUB/HPUB/MSG/HMSG; HPUB/HMSG carry a NATS/1.0 header
 * block whose status line may hold a status (`NATS/1.0 503` = no responders).
 *
 * Calls: INFO and CONNECT (password/token redacted) as events; PUB/HPUB 'publish' (fields
 * msg.key, msg.destination, and msg.reply_to when a reply subject is given — request/reply is
 * joined across connections by the flow correlator); MSG/HMSG 'deliver' (status ≥ 400 in the
 * header block → error); SUB/UNSUB events; PING→PONG pairs; -ERR events. With CONNECT
 * {"verbose":true} each client operation is paired with its +OK/-ERR.
 *
 * Capture gaps (snaplen, loss; see gap()): a message whose control line was captured keeps its size
 * and payload head and decoding resumes after it; an operation cut in its control line is named by
 * its verb, and decoding resumes at the next line with a known operation.
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir, HeaderList } from '../core/model';
import { latin1Text, utf8Text } from '../core/bytes';
import { messageKey } from '../calls/key';
import { PduBuffer } from '../core/pdu-buffer';
import { addFrame, limitDepth, payloadBody } from '../websocket/payload';
import { exactIntegersNote, parseJsonExact } from '../http-common/body';
import { GapNotes } from '../core/gap-notes';

/** Longest control line accepted (the server default max_control_line is 4 KiB). */
const MAX_LINE = 64 * 1024;
const REDACTED = '********';
const SECRET_KEYS = new Set(['pass', 'auth_token', 'password', 'token']);

const STATUS_TEXT: Record<number, string> = {
  100: 'Idle Heartbeat / Flow Control',
  404: 'No Messages',
  408: 'Request Timeout',
  409: 'Conflict',
  503: 'No Responders',
};

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };

interface Ping {
  call: Call;
}

class NatsDecoder implements StreamDecoder {
  private readonly buf: Record<Dir, PduBuffer> = { c2s: new PduBuffer(), s2c: new PduBuffer() };
  private readonly dead: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** After a gap: skip to the start of a line with a known operation. */
  private readonly resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  private readonly pings: Record<Dir, Ping[]> = { c2s: [], s2c: [] };
  private readonly subjects = new Map<string, string>();
  private verbose = false;
  private readonly acks: Call[] = [];
  private maxPayload = 0;
  private maxPayloadWarned = false;
  /** The operation being handled was cut by a gap: what was captured of it. */
  private cutNow?: string;
  /**
   * A connection between two servers (nats-server's route and leaf node protocols): set by the
   * first RS+/RS-/RMSG (a cluster route) or LS+/LS-/LMSG (a leaf node). HMSG then has the route's
   * or the leaf's layout, not a client's.
   */
  private link?: 'route' | 'leaf';
  private readonly notes: GapNotes;

  constructor(private readonly session: DecoderSession) {
    this.notes = new GapNotes(session, '');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead[dir]) return;
    this.buf[dir].push(bytes, at);
    try {
      this.drain(dir);
    } catch (e) {
      this.stop(dir, `nats decoder error: ${(e as Error).message}`, at);
    }
    if (!this.dead[dir] && this.buf[dir].length > this.session.env.limits.maxBufferedBytes) {
      this.stop(dir, `more than ${this.session.env.limits.maxBufferedBytes} bytes buffered without a complete operation`, at);
    }
  }

  private stop(dir: Dir, why: string, at?: Position): void {
    this.session.warn(`${dir}: ${why}; the rest of this direction is not decoded`, at);
    this.dead[dir] = true;
    this.buf[dir].clear();
  }

  private drain(dir: Dir): void {
    const buf = this.buf[dir];
    const limits = this.session.env.limits;
    while (buf.length > 0 && !this.dead[dir]) {
      const lf = buf.indexOf(10, 0, MAX_LINE + 1);
      if (lf < 0) {
        if (buf.length > MAX_LINE) {
          if (this.resync[dir]) buf.consume(buf.length);
          else this.stop(dir, `control line longer than ${MAX_LINE} bytes`, buf.pos(0));
        }
        return;
      }
      const b = buf.bytes();
      const lineEnd = lf > 0 && b[lf - 1] === 13 ? lf - 1 : lf;
      const line = latin1Text(b.subarray(0, lineEnd));
      const parts = line.trim().split(/[ \t]+/);
      const op = parts[0].toUpperCase();
      if (this.resync[dir]) {
        if (!KNOWN_OPS.has(op)) {
          buf.consume(lf + 1);
          continue;
        }
        this.resync[dir] = false;
      }
      const start = buf.pos(0);
      if (op === 'RS+' || op === 'RS-' || op === 'RMSG') this.link = 'route';
      else if (op === 'LS+' || op === 'LS-' || op === 'LMSG') this.link = 'leaf';
      if (op === 'RMSG' || op === 'LMSG' || (op === 'HMSG' && this.link)) {
        if (this.linkMessage(dir, op, parts, line, lf, start) !== 'done') return;
        continue;
      }
      if (op === 'PUB' || op === 'HPUB' || op === 'MSG' || op === 'HMSG') {
        const h = op[0] === 'H';
        const isMsg = op.endsWith('MSG');
        // PUB subj [reply] size | HPUB subj [reply] hsize tsize | MSG subj sid [reply] size | HMSG subj sid [reply] hsize tsize
        const fixed = (isMsg ? 3 : 2) + (h ? 2 : 1);
        if (parts.length !== fixed && parts.length !== fixed + 1) {
          this.protocolError(dir, `malformed ${op} line "${line.slice(0, 80)}"`, start, lf + 1);
          continue;
        }
        const sized = this.payloadSizes(dir, op, parts, line, lf, start, h);
        if (sized === 'skip') continue;
        if (sized === 'more' || sized === 'stop') return;
        const { total, hsize, need } = sized;
        const hdr = b.subarray(lf + 1, lf + 1 + hsize);
        const payload = b.slice(lf + 1 + hsize, lf + 1 + total);
        const end = buf.pos(need - 1);
        const args = parts.slice(1);
        const subject = args[0];
        let sid: string | undefined;
        if (isMsg) sid = args[1];
        const reply = parts.length === fixed + 1 ? args[isMsg ? 2 : 1] : undefined;
        const headers = h ? parseHeaders(hdr, limits.maxHeaders) : undefined;
        buf.consume(need);
        this.onMessage(op, isMsg, subject, sid, reply, headers, payload, total, need, start, end);
        continue;
      }
      const end = buf.pos(lf);
      buf.consume(lf + 1);
      this.onLine(dir, op, parts, line, start, end, lf + 1);
    }
  }

  /**
   * A message one server forwards to another (nats-server server/route.go, leafnode.go):
   * `RMSG <account> <subject> [<reply> | + <reply> <queue>… | \| <queue>…] <size>`, a leaf node's
   * `LMSG` without the account, and `HMSG` in either layout with a header size before the total.
   * Listed as an event from the side that sent it (the payload on that side), not joined to the
   * client's PUB (the delivery on the other server is).
   */
  private linkMessage(dir: Dir, op: string, parts: string[], line: string, lf: number, start: Position): 'more' | 'stop' | 'done' {
    const buf = this.buf[dir];
    const limits = this.session.env.limits;
    const h = op === 'HMSG';
    const account = this.link === 'route' || op === 'RMSG' ? 1 : 0;
    const sizes = h ? 2 : 1;
    const args = parts.slice(1);
    const fixed = account + 1 + sizes; // [account] subject … sizes
    if (args.length < fixed || args.length > fixed + 1 + limits.maxHeaders) {
      this.protocolError(dir, `malformed ${op} line "${line.slice(0, 80)}"`, start, lf + 1);
      return 'done';
    }
    const sized = this.payloadSizes(dir, op, parts, line, lf, start, h);
    if (sized === 'skip') return 'done';
    if (sized === 'more' || sized === 'stop') return sized;
    const { total, hsize, need } = sized;
    const b = buf.bytes();
    const subject = args[account];
    const middle = args.slice(account + 1, args.length - sizes);
    let reply: string | undefined;
    let queues: string[] = [];
    if (middle[0] === '+') [reply, ...queues] = middle.slice(1);
    else if (middle[0] === '|') queues = middle.slice(1);
    else if (middle.length === 1) reply = middle[0];
    else if (middle.length > 1) this.session.warn(`${dir}: ${op} line with arguments of no known layout "${line.slice(0, 80)}"`, start);
    const parsed = h ? parseHeaders(b.subarray(lf + 1, lf + 1 + hsize), limits.maxHeaders) : undefined;
    const payload = b.slice(lf + 1 + hsize, lf + 1 + total);
    const end = buf.pos(need - 1);
    buf.consume(need);
    const call = this.session.newCall('nats', start);
    if (this.cutNow) call.warnings.push(this.cutNow);
    call.kind = 'event';
    call.method = op;
    call.state = 'complete';
    call.target = subject;
    call.fields['nats.subject'] = subject;
    call.fields['nats.link'] = this.link ?? 'route';
    if (account) call.fields['nats.account'] = args[0];
    call.fields['nats.size'] = total;
    if (reply) call.fields['nats.reply_to'] = reply;
    if (queues.length) call.fields['nats.queues'] = queues.join(' ');
    const ctype = parsed ? header(parsed.headers, 'content-type') : undefined;
    const part = { headers: parsed?.headers, body: payloadBody(payload, this.session.env.limits, ctype, payload.length, call.warnings), wireBytes: need };
    if (parsed?.warning) call.warnings.push(parsed.warning);
    sentBy(call, dir, part, start, end);
    addFrame(call.frames, end.frame);
    this.session.emit(call);
    return 'done';
  }

  /**
   * The sizes that end a message line (`… [<header size>] <total size>`), once its payload and the
   * CR LF after it are all buffered: `more` until then, `skip` for a line whose sizes are wrong
   * (warned, dropped), `stop` when the direction cannot go on (too large, no CR LF where the size says).
   */
  private payloadSizes(dir: Dir, op: string, parts: string[], line: string, lf: number, start: Position, h: boolean): { total: number; hsize: number; need: number } | 'more' | 'skip' | 'stop' {
    const buf = this.buf[dir];
    const limits = this.session.env.limits;
    const total = Number(parts[parts.length - 1]);
    const hsize = h ? Number(parts[parts.length - 2]) : 0;
    if (!/^\d{1,15}$/.test(parts[parts.length - 1]) || !Number.isSafeInteger(hsize) || hsize < 0 || hsize > total) {
      this.protocolError(dir, `bad sizes in ${op} line "${line.slice(0, 80)}"`, start, lf + 1);
      return 'skip';
    }
    if (total > limits.maxBufferedBytes) {
      this.stop(dir, `${op} payload of ${total} bytes exceeds the ${limits.maxBufferedBytes}-byte limit`, start);
      return 'stop';
    }
    const need = lf + 1 + total + 2;
    if (buf.length < need) return 'more';
    if (this.maxPayload > 0 && total > this.maxPayload && dir === 'c2s' && !this.maxPayloadWarned) {
      this.maxPayloadWarned = true;
      this.session.warn(`${op} of ${total} bytes exceeds the server's max_payload ${this.maxPayload}`, start);
    }
    const b = buf.bytes();
    if (b[lf + 1 + total] !== 13 || b[lf + 2 + total] !== 10) {
      this.stop(dir, `${op} payload is not followed by CR LF (size ${total} is wrong)`, start);
      return 'stop';
    }
    return { total, hsize, need };
  }

  private protocolError(dir: Dir, why: string, at: Position, skip: number): void {
    this.session.warn(`${dir}: ${why}`, at);
    this.buf[dir].consume(skip);
  }

  private onMessage(op: string, isMsg: boolean, subject: string | undefined, sid: string | undefined, reply: string | undefined, parsed: ParsedHeaders | undefined, payload: Uint8Array, total: number | undefined, wire: number, start: Position, end: Position, payloadSize = payload.length): void {
    const s = this.session;
    const call = s.newCall('nats', start);
    if (this.cutNow) call.warnings.push(this.cutNow);
    call.kind = isMsg ? 'deliver' : 'publish';
    call.method = op;
    call.state = 'complete';
    if (subject !== undefined) {
      call.target = subject;
      call.fields['nats.subject'] = subject;
      call.fields['msg.destination'] = subject;
    }
    if (total !== undefined) call.fields['nats.size'] = total;
    if (sid !== undefined) call.fields['nats.sid'] = sid;
    if (reply) call.fields['nats.reply_to'] = reply;
    // A cut payload hashes to nothing its other copies would: no msg.key to join on.
    if (!this.cutNow && subject !== undefined) call.fields['msg.key'] = messageKey('nats', subject, payload);
    if (reply && !isMsg) call.fields['msg.reply_to'] = reply;
    const ctype = parsed ? header(parsed.headers, 'content-type') : undefined;
    const part = { headers: parsed?.headers, body: payloadBody(payload, s.env.limits, ctype, payloadSize, call.warnings), wireBytes: wire };
    if (parsed?.warning) call.warnings.push(parsed.warning);
    if (parsed?.status !== undefined) {
      const code = parsed.status;
      call.fields['nats.status'] = code;
      const text = parsed.description || STATUS_TEXT[code];
      call.status = { code, ...(text ? { text } : {}), ok: code < 400 };
      if (code === 503) call.fields['nats.no_responders'] = true;
    }
    if (isMsg) {
      call.response = part;
      call.timing.responseStartUs = start.tsUs;
      call.timing.endUs = end.tsUs;
    } else {
      call.request = part;
      call.timing.requestEndUs = end.tsUs;
    }
    addFrame(call.frames, end.frame);
    if (!isMsg && this.verbose) return this.awaitAck(call);
    s.emit(call);
  }

  private awaitAck(call: Call): void {
    call.state = 'pending';
    this.acks.push(call);
    if (this.acks.length > 10_000) {
      const old = this.acks.shift()!;
      old.state = 'incomplete';
      old.warnings.push('no +OK/-ERR seen');
      this.session.emit(old);
    }
  }

  private onLine(dir: Dir, op: string, parts: string[], line: string, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const rest = line.replace(/^\s*\S+[ \t]*/, '');
    const newCall = (kind: Call['kind'], method: string) => {
      const c = s.newCall('nats', start);
      if (this.cutNow) c.warnings.push(this.cutNow);
      c.kind = kind;
      c.method = method;
      c.state = 'complete';
      addFrame(c.frames, end.frame);
      return c;
    };
    switch (op) {
      case 'INFO':
      case 'CONNECT': {
        const call = newCall('event', op);
        let value: unknown = rest;
        try {
          const r = parseJsonExact(rest);
          value = limitDepth(r.value, s.env.limits.maxDepth);
          if (r.exact) call.warnings.push(`${op} JSON: ${exactIntegersNote(r.exact)}`);
        } catch {
          if (!this.cutNow) call.warnings.push(`${op} JSON does not parse`);
        }
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const o = value as Record<string, unknown>;
          for (const k of Object.keys(o)) if (SECRET_KEYS.has(k.toLowerCase())) o[k] = REDACTED;
          if (op === 'INFO') {
            if (typeof o.max_payload === 'number') this.maxPayload = o.max_payload;
            if (typeof o.server_id === 'string') call.fields['nats.server_id'] = o.server_id;
            if (typeof o.version === 'string') call.fields['nats.version'] = o.version;
            if (o.headers === true) call.fields['nats.headers'] = true;
          } else {
            this.verbose = o.verbose === true;
            if (typeof o.name === 'string') {
              call.fields['nats.client_name'] = o.name;
              if (o.name) call.fields['client.name'] = o.name;
            }
            if (typeof o.lang === 'string') call.fields['nats.lang'] = o.lang;
            if (typeof o.user === 'string') call.fields['nats.user'] = o.user;
          }
        }
        const part = { value, wireBytes: wire };
        if (dir === 'c2s') (call.request = part), (call.timing.requestEndUs = end.tsUs);
        else (call.response = part), (call.timing.endUs = end.tsUs);
        if (op === 'CONNECT' && this.verbose) return this.awaitAck(call);
        s.emit(call);
        return;
      }
      case 'SUB':
      case 'UNSUB': {
        const call = newCall('event', op);
        const p = parts.slice(1);
        if (op === 'SUB') {
          // SUB subject [queue group] sid
          if ((p.length < 2 || p.length > 3) && !this.cutNow) call.warnings.push(`malformed SUB line "${line.slice(0, 80)}"`);
          const sid = p[p.length - 1] ?? '';
          call.target = p[0];
          call.fields['nats.subject'] = p[0] ?? '';
          call.fields['nats.sid'] = sid;
          if (p.length === 3) call.fields['nats.queue_group'] = p[1];
          if (p[0] && this.subjects.size < 100_000) this.subjects.set(sid, p[0]);
        } else {
          const sid = p[0] ?? '';
          call.fields['nats.sid'] = sid;
          const subj = this.subjects.get(sid);
          if (subj) call.target = subj;
          if (p[1] !== undefined) call.fields['nats.max_msgs'] = Number(p[1]);
        }
        call.request = { value: p, wireBytes: wire };
        call.timing.requestEndUs = end.tsUs;
        if (this.verbose && dir === 'c2s') return this.awaitAck(call);
        s.emit(call);
        return;
      }
      case 'PING': {
        const call = newCall('event', 'PING');
        call.state = 'pending';
        call.fields['nats.ping_from'] = dir;
        const part = { wireBytes: wire };
        if (dir === 'c2s') (call.request = part), (call.timing.requestEndUs = end.tsUs);
        else (call.response = part), (call.timing.endUs = end.tsUs);
        const q = this.pings[dir];
        q.push({ call });
        if (q.length > 1000) this.finishPing(q.shift()!.call, 'incomplete');
        return;
      }
      case 'PONG': {
        const ping = this.pings[OTHER[dir]].shift();
        if (!ping) {
          const call = newCall('event', 'PONG');
          call.fields['nats.ping_from'] = OTHER[dir];
          call.timing.endUs = end.tsUs;
          s.emit(call);
          return;
        }
        const c = ping.call;
        c.timing.responseStartUs = start.tsUs;
        c.timing.endUs = end.tsUs;
        addFrame(c.frames, start.frame);
        addFrame(c.frames, end.frame);
        if (dir === 's2c') c.response = { wireBytes: wire };
        else c.request = { wireBytes: wire };
        this.finishPing(c, 'complete');
        return;
      }
      case '+OK':
      case '-ERR': {
        const ok = op === '+OK';
        const text = ok ? 'OK' : rest.replace(/^'(.*)'$/, '$1');
        const pending = this.acks.shift();
        if (pending) {
          pending.state = 'complete';
          pending.status = { code: ok ? '+OK' : '-ERR', ...(ok ? {} : { text }), ok };
          pending.timing.responseStartUs ??= start.tsUs;
          pending.timing.endUs = end.tsUs;
          addFrame(pending.frames, end.frame);
          s.emit(pending);
          return;
        }
        if (ok) return; // a stray +OK says nothing
        const call = newCall('event', '-ERR');
        call.status = { code: '-ERR', text, ok: false };
        call.fields['nats.error'] = text;
        call.response = { value: text, wireBytes: wire };
        call.timing.endUs = end.tsUs;
        s.emit(call);
        return;
      }
      case 'RS+':
      case 'RS-':
      case 'LS+':
      case 'LS-': {
        // Interest one server tells another (`RS+ <account> <subject> [<queue> <weight>]`, `RS- <account>
        // <subject> [<queue>]`, a leaf node's LS+/LS- alike): an event from the side that sent it.
        const args = parts.slice(1);
        const route = op[0] === 'R';
        // With the account: 2 or 4 arguments for a +, 2 or 3 for a - (a route pinned to one
        // account, or a leaf node bound to one, leaves it out).
        const withAccount = op.endsWith('+') ? args.length === 2 || args.length === 4 : args.length >= 2;
        const c = newCall('event', op);
        const subject = withAccount ? args[1] : args[0];
        if (subject !== undefined) {
          c.target = subject;
          c.fields['nats.subject'] = subject;
        }
        c.fields['nats.link'] = route ? 'route' : 'leaf';
        if (withAccount && args[0] !== undefined) c.fields['nats.account'] = args[0];
        const queue = args[withAccount ? 2 : 1];
        if (queue !== undefined) c.fields['nats.queue'] = queue;
        sentBy(c, dir, { value: args.join(' '), wireBytes: wire }, start, end);
        s.emit(c);
        return;
      }
      case '':
        return; // empty line
      default:
        s.warn(`${dir}: unknown NATS operation "${line.slice(0, 40)}"`, start);
    }
  }

  private finishPing(c: Call, state: Call['state']): void {
    c.state = state;
    if (state !== 'complete') c.warnings.push('no PONG seen');
    this.session.emit(c);
  }

  /**
   * Bytes not captured (snaplen, loss). A PUB/HPUB/MSG/HMSG whose control line was captured has a
   * known size: the message is listed with its captured payload head and decoding resumes after its
   * payload. An operation cut inside its control line is listed from what was captured (verb,
   * subject), and decoding resumes at the next line that starts with a known operation.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead[dir]) return;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.stop(dir, `nats decoder error: ${(e as Error).message}`, at);
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const buf = this.buf[dir];
    if (buf.discarding > 0) {
      const past = buf.gapWhileDiscarding(length);
      if (past) this.lose(dir, past, at, 'past the end of the message they cut');
      return;
    }
    if (!buf.length) return this.lose(dir, length, at, 'at an operation boundary');
    const b = buf.bytes();
    const lf = buf.indexOf(10, 0, MAX_LINE + 1);
    const lineEnd = lf < 0 ? b.length : lf > 0 && b[lf - 1] === 13 ? lf - 1 : lf;
    const line = latin1Text(b.subarray(0, lineEnd));
    const parts = line.trim().split(/[ \t]+/);
    const op = parts[0].toUpperCase();
    const isMsgOp = op === 'PUB' || op === 'HPUB' || op === 'MSG' || op === 'HMSG';
    // In a resynchronisation the head may be the middle of something: only a known verb is taken.
    if (!KNOWN_OPS.has(op) || (lf < 0 && !/[ \t]/.test(line) && op !== 'PING' && op !== 'PONG')) {
      return this.lose(dir, length, at, lf < 0 ? 'inside a control line' : 'inside a payload');
    }
    this.resync[dir] = false;
    const start = buf.pos(0);
    const end = buf.pos(b.length - 1);
    const have = b.length;
    if (lf >= 0 && isMsgOp) {
      // Control line whole, payload cut: its size says where the next operation starts.
      const h = op[0] === 'H';
      const isMsg = op.endsWith('MSG');
      const fixed = (isMsg ? 3 : 2) + (h ? 2 : 1);
      const total = Number(parts[parts.length - 1]);
      const hsize = h ? Number(parts[parts.length - 2]) : 0;
      if ((parts.length === fixed || parts.length === fixed + 1) && /^\d{1,15}$/.test(parts[parts.length - 1]) && Number.isSafeInteger(hsize) && hsize <= total) {
        const need = lf + 1 + total + 2;
        const body = b.slice(lf + 1, Math.min(b.length, lf + 1 + total));
        const args = parts.slice(1);
        const reply = parts.length === fixed + 1 ? args[isMsg ? 2 : 1] : undefined;
        const hdrBytes = body.subarray(0, Math.min(hsize, body.length));
        const headers = h && hdrBytes.length === hsize ? parseHeaders(hdrBytes, this.session.env.limits.maxHeaders) : undefined;
        buf.clear();
        this.cutNow = `${op} cut by a capture gap: ${have} of ${need} bytes captured, ${need - have} missing`;
        try {
          this.onMessage(op, isMsg, args[0], isMsg ? args[1] : undefined, reply, headers, body.subarray(Math.min(hsize, body.length)), total, need, start, end, total - hsize);
        } finally {
          this.cutNow = undefined;
        }
        const past = buf.gapOver(need - have, length);
        if (past) this.lose(dir, past, at, 'past the end of the message they cut');
        return;
      }
    }
    if (lf < 0) {
      // The control line itself is cut: what it names so far.
      buf.clear();
      this.cutNow = `${op} control line cut by a capture gap: ${have} bytes captured`;
      try {
        if (isMsgOp) {
          // PUB subj … | MSG subj sid …: the subject only when whitespace shows it whole.
          const subject = parts.length >= 2 && /[ \t]$/.test(line) ? parts[1] : parts.length >= 3 ? parts[1] : undefined;
          this.onMessage(op, op.endsWith('MSG'), subject, undefined, undefined, undefined, new Uint8Array(0), undefined, have, start, end, undefined);
        } else this.onLine(dir, op, parts, line, start, end, have);
      } finally {
        this.cutNow = undefined;
      }
    } else buf.clear();
    this.lose(dir, length, at, 'past the end of the operation they cut');
  }

  /** The framing of `dir` is lost: drop what is buffered, wait for a line with a known operation. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    this.buf[dir].clear();
    this.resync[dir] = true;
    this.notes.lost(dir, length, `${dir}: ${length} bytes missing from the capture ${where}; resynchronizing at the next operation`, at);
    // PONGs travelling in `dir` may be gone: a later one would answer the wrong PING.
    for (const p of this.pings[OTHER[dir]].splice(0)) {
      p.call.warnings.push('no PONG in the capture (bytes of the answering side were not captured)');
      this.finishPing(p.call, 'incomplete');
    }
    // verbose: the +OK/-ERR of operations the gap swallowed would answer the wrong ones.
    if (this.verbose && length >= 4) {
      for (const c of this.acks.splice(0)) {
        c.state = 'complete';
        c.warnings.push('its +OK/-ERR cannot be paired: a capture gap may have swallowed operations or acknowledgements');
        this.session.emit(c);
      }
      this.verbose = false;
    }
  }

  end(): void {}

  close(at: Position, how?: CloseReason): void {
    this.notes.summary(at);
    const left = leftWaiting(how, '+OK/-ERR', 'no +OK/-ERR seen');
    for (const d of ['c2s', 's2c'] as Dir[]) {
      for (const p of this.pings[d].splice(0)) this.finishPing(p.call, left.state);
      if (!this.dead[d] && this.buf[d].length > 0 && !this.resync[d]) this.session.warn(`${d}: ${this.buf[d].length} bytes of an unfinished operation at the end`, at);
      this.buf[d].clear();
    }
    for (const c of this.acks.splice(0)) {
      c.state = left.state;
      c.warnings.push(left.warning);
      this.session.emit(c);
    }
  }
}

/** An event between two servers: its one part on the side of the server that sent it (the diagram draws it from there). */
function sentBy(call: Call, dir: Dir, part: NonNullable<Call['request']>, start: Position, end: Position): void {
  if (dir === 'c2s') {
    call.request = part;
    call.timing.requestEndUs = end.tsUs;
  } else {
    call.response = part;
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
  }
}

const KNOWN_OPS = new Set(['INFO', 'CONNECT', 'PUB', 'HPUB', 'SUB', 'UNSUB', 'MSG', 'HMSG', 'PING', 'PONG', '+OK', '-ERR', 'RS+', 'RS-', 'RMSG', 'LS+', 'LS-', 'LMSG']);

interface ParsedHeaders {
  headers: HeaderList;
  status?: number;
  description?: string;
  warning?: string;
}

/** NATS/1.0 header block: a version line (optionally with status and description), then MIME-style lines. */
export function parseHeaders(b: Uint8Array, maxHeaders: number): ParsedHeaders {
  const text = utf8Text(b);
  const lines = text.split(/\r?\n/);
  const out: ParsedHeaders = { headers: [] };
  // nats.js sends `HPUB subject reply 0 <size>` (an empty header block) for a message without headers.
  if (!b.length) return out;
  const first = lines[0] ?? '';
  const m = /^NATS\/\d+\.\d+(?:[ \t]+(\d{3})(?:[ \t]+(.*))?)?\s*$/.exec(first);
  if (!m) out.warning = `header block does not start with NATS/1.0 ("${first.slice(0, 40)}")`;
  else if (m[1]) {
    out.status = Number(m[1]);
    if (m[2]) out.description = m[2].trim();
  }
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    if (out.headers.length >= maxHeaders) {
      out.warning = `more than ${maxHeaders} headers`;
      break;
    }
    const c = l.indexOf(':');
    if (c <= 0) continue;
    out.headers.push([l.slice(0, c), l.slice(c + 1).trim()]);
  }
  return out;
}

function header(h: HeaderList, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of h) if (k.toLowerCase() === n) return v;
  return undefined;
}

function probe(head: Uint8Array, dir: Dir): 'accept' | 'reject' | 'need-more' {
  const t = latin1Text(head.subarray(0, 16)).toUpperCase();
  const ops = dir === 's2c' ? ['INFO'] : ['CONNECT', 'PUB', 'HPUB', 'SUB'];
  for (const op of ops) {
    if (t.length > op.length && t.startsWith(op) && (t[op.length] === ' ' || t[op.length] === '\t')) {
      if (op === 'INFO' || op === 'CONNECT') {
        // A JSON object follows.
        const rest = t.slice(op.length).trimStart();
        if (rest.length === 0) return 'need-more';
        return rest[0] === '{' ? 'accept' : 'reject';
      }
      return 'accept';
    }
    if (op.startsWith(t) || (t.startsWith(op) && t.length === op.length)) return 'need-more';
  }
  return 'reject';
}

export const spec: DecoderSpec = {
  id: 'nats',
  name: 'NATS',
  transport: 'tcp',
  ports: [4222],
  probe,
  probeOrder: 70,
  create: (session) => new NatsDecoder(session),
};
