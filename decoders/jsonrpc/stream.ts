/**
 * JSON-RPC straight over a TCP connection, without HTTP: JSON-RPC 1.0 §2 ("a stream of JSON
 * objects", as Go's net/rpc/jsonrpc, Ethereum IPC and Electrum speak it, newline-separated or
 * not) and the `Content-Length:` framing of the Language Server Protocol's base protocol.
 *
 * Each direction is a sequence of JSON texts. A request (an object with a string `method`)
 * opens a call; the answer with the same id from the other side completes it (any order, either
 * side may be the requester); a request without id (2.0) or with a null id (1.0) is a
 * notification, a `oneway` call. Batches (arrays) are taken one element at a time.
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, ProbeResult, StreamDecoder } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { latin1Text, utf8Text } from '../core/bytes';
import { DirStream } from '../calls/stream';
import { payloadBody } from '../calls/payload';
import { applyOutcome, fillFields, idKey, outcomeOf } from './index';
import { type JsonPrefix, parseJsonPrefix } from './partial';
import { isObj } from '../core/json';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const CL = 'content-length:';

/** First bytes of a direction: a JSON object naming a JSON-RPC member, or an LSP header. */
export function probeJsonRpc(head: Uint8Array, dir: Dir): ProbeResult {
  let i = 0;
  while (i < head.length && WS.has(head[i])) i++;
  if (i >= head.length) return 'need-more';
  const text = latin1Text(head.subarray(i));
  if (text.length < CL.length && CL.startsWith(text.toLowerCase())) return 'need-more';
  if (text.toLowerCase().startsWith(CL)) return 'accept';
  const c = head[i];
  if (c !== 0x7b && c !== 0x5b) return 'reject';
  // `{"` or `[{"`, then a member that only JSON-RPC puts first-ish
  const m = /^\[?\s*\{\s*"/.exec(text);
  if (!m) return text.length < 4 ? 'need-more' : 'reject';
  if (/"jsonrpc"\s*:\s*"2\.0"/.test(text) || /"method"\s*:\s*"/.test(text)) return 'accept';
  if (dir === 's2c' && /"(result|error)"\s*:/.test(text) && /"id"\s*:/.test(text)) return 'accept';
  return head.length < 64 ? 'need-more' : 'reject';
}

interface Msg {
  value: unknown;
  bytes: Uint8Array;
  start: Position;
  end: Position;
  frames: number[];
  wire: number;
}

/** Where one direction stands in finding the end of the next JSON text (resumable). */
interface Scan {
  pos: number;
  depth: number;
  inString: boolean;
  escape: boolean;
  started: boolean;
}

const freshScan = (): Scan => ({ pos: 0, depth: 0, inString: false, escape: false, started: false });

class JsonRpcStreamDecoder implements StreamDecoder {
  private s: Record<Dir, DirStream> = { c2s: new DirStream(), s2c: new DirStream() };
  private scan: Record<Dir, Scan> = { c2s: freshScan(), s2c: freshScan() };
  /** LSP `Content-Length` framing, decided per direction by its first bytes. */
  private framed: Record<Dir, boolean | undefined> = { c2s: undefined, s2c: undefined };
  private resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  private dead: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Requests waiting for their answer, by requester direction and id. */
  private pending = new Map<string, Call>();

  constructor(private readonly session: DecoderSession) {}

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead[dir]) return;
    if (this.resync[dir] && this.s[dir].q.length === 0) {
      // a segment that starts a message (as most do) ends the resynchronisation at once
      let i = 0;
      while (i < bytes.length && WS.has(bytes[i])) i++;
      if (i < bytes.length && (bytes[i] === 0x7b || bytes[i] === 0x5b || (bytes[i] | 0x20) === 0x63)) {
        this.resync[dir] = false;
        this.framed[dir] = undefined;
      }
    }
    this.s[dir].push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`jsonrpc: internal error: ${(e as Error).message}`, at);
      this.dead[dir] = true;
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    if (!this.dead[dir] && !this.resync[dir] && this.framed[dir] === false && this.s[dir].q.length > 0) {
      try {
        this.salvage(dir);
      } catch (e) {
        this.session.warn(`jsonrpc: internal error: ${(e as Error).message}`, at);
      }
    }
    this.s[dir].reset();
    this.scan[dir] = freshScan();
    this.resync[dir] = true;
    this.session.warn(`jsonrpc: ${length} bytes missing (${dir}); resynchronising on the next message`, at);
  }

  end(_dir: Dir, _at: Position): void {}

  close(_at: Position, how: CloseReason = 'capture-end'): void {
    const gone = how === 'rst' ? 'reset (TCP RST)' : how === 'fin' ? 'closed (TCP FIN both ways)' : undefined;
    for (const call of this.pending.values()) {
      call.state = gone ? 'aborted' : 'incomplete';
      call.warnings.push(gone ? `no response: the connection was ${gone} first` : 'no response before the end of the capture');
      this.session.emit(call);
    }
    this.pending.clear();
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const left = this.s[dir].q.length;
      if (left > 0 && !this.dead[dir] && /\S/.test(latin1Text(this.s[dir].q.peek(Math.min(left, 256))))) {
        this.session.warn(`jsonrpc: ${left} bytes (${dir}) at the end are not a complete message`);
      }
    }
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    const max = this.session.env.limits.maxBodyBytes;
    for (;;) {
      if (this.resync[dir]) {
        // After a gap: resume at the next line that starts a message (or an LSP header).
        const nl = q.indexOf(0x0a);
        if (nl < 0) {
          st.consume(q.length);
          return;
        }
        st.consume(nl + 1);
        this.resync[dir] = false;
        this.framed[dir] = undefined;
        continue;
      }
      // skip whitespace between messages
      let ws = 0;
      while (ws < q.length && WS.has(q.at(ws))) ws++;
      if (ws) {
        st.consume(ws);
        this.scan[dir].pos = Math.max(0, this.scan[dir].pos - ws);
      }
      if (q.length === 0) return;
      if (this.framed[dir] === undefined) {
        const c = q.at(0);
        if (c === 0x7b || c === 0x5b) this.framed[dir] = false;
        else if (q.length < CL.length) return;
        else this.framed[dir] = latin1Text(q.peek(CL.length)).toLowerCase() === CL;
        if (this.framed[dir] === false && c !== 0x7b && c !== 0x5b) {
          this.session.warn(`jsonrpc: ${dir} data is neither JSON nor Content-Length framed; not decoded further`, st.pos(0));
          this.dead[dir] = true;
          return;
        }
      }
      let total: number;
      let bodyFrom = 0;
      if (this.framed[dir]) {
        const hdrEnd = q.indexOf(new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]), 0, Math.min(q.length, 8192));
        if (hdrEnd < 0) {
          if (q.length >= 8192) return this.fail(dir, 'header section of more than 8 KiB');
          return;
        }
        const head = latin1Text(q.peek(hdrEnd));
        const m = /(?:^|\r\n)content-length:\s*(\d+)/i.exec(head);
        if (!m) return this.fail(dir, 'message header without Content-Length');
        const len = Number(m[1]);
        if (len > max) return this.fail(dir, `message of ${len} bytes is larger than the buffer limit`);
        bodyFrom = hdrEnd + 4;
        total = bodyFrom + len;
        if (q.length < total) return;
      } else {
        const end = this.scanJson(dir);
        if (end < 0) {
          if (q.length > max) return this.fail(dir, `message larger than the buffer limit (${max} bytes)`);
          return;
        }
        total = end;
      }
      const bytes = q.peek(total).subarray(bodyFrom).slice();
      const msg: Msg = { value: undefined, bytes, start: st.pos(0), end: st.pos(total - 1), frames: st.frames(0, total), wire: total };
      st.consume(total);
      this.scan[dir] = freshScan();
      const body = payloadBody(bytes, bytes.length, this.session.env.limits, 'application/json');
      if (body.kind !== 'json') {
        this.session.warn(`jsonrpc: ${dir} message is not valid JSON`, msg.start);
        continue;
      }
      msg.value = body.value;
      const items = Array.isArray(body.value) ? body.value : [body.value];
      for (const item of items) this.message(dir, item, msg);
    }
  }

  /**
   * The message a gap cut short, read as far as it goes (parseJsonPrefix, as for HTTP bodies the
   * capture cut): the whole elements of a batch are decoded; of the cut object, a request with its
   * method (and its id and params when they were captured), or an answer with its id (and its result
   * or error as far as it was captured), so that the call is listed and paired.
   */
  private salvage(dir: Dir): void {
    const st = this.s[dir];
    const len = st.q.length;
    const bytes = st.q.peek(len).slice();
    const text = utf8Text(bytes);
    const msg: Msg = { value: undefined, bytes, start: st.pos(0), end: st.pos(len - 1), frames: st.frames(0, len), wire: len };
    const p = parseJsonPrefix(text, this.session.env.limits.maxDepth);
    const items = p === undefined ? [] : Array.isArray(p.value) ? p.value : [p.value];
    let unread = p === undefined && /\S/.test(text);
    for (const item of items) {
      if (!p!.cut.has(item as object)) this.message(dir, item, msg);
      else if (!this.cutMessage(dir, item, p!, msg)) unread = true;
    }
    if (unread) this.session.warn(`jsonrpc: ${dir}: ${len} bytes of a message cut by a gap; not decoded`, msg.start);
  }

  /** A request or an answer cut by a gap, listed with what was read; false when it is neither (yet). */
  private cutMessage(dir: Dir, item: unknown, p: JsonPrefix, msg: Msg): boolean {
    if (!isObj(item)) return false;
    const inPart = (v: unknown) => v !== null && typeof v === 'object' && p.cut.has(v);
    if (typeof item.method === 'string') {
      if (!('id' in item)) {
        this.message(dir, item, msg, { what: 'its id was not captured, so it is not paired', unpaired: true });
        return true;
      }
      this.message(dir, item, msg, { what: !('params' in item) ? 'params not read' : inPart(item.params) ? 'params read in part' : '' });
      return true;
    }
    // an answer: its result or error was reached, or its id is one the other side is waiting on
    if (!('id' in item) || 'method' in item) return false;
    const waited = this.pending.has(`${dir === 'c2s' ? 's2c' : 'c2s'} ${idKey(item.id)}`);
    if (!('result' in item) && !('error' in item)) {
      if (!waited) return false;
      item.result = undefined;
      this.message(dir, item, msg, { what: 'its value not read' });
      return true;
    }
    const err = item.error !== undefined && item.error !== null;
    this.message(dir, item, msg, { what: inPart(err ? item.error : item.result) ? `${err ? 'error' : 'result'} read in part` : '' });
    return true;
  }

  private fail(dir: Dir, why: string): void {
    this.session.warn(`jsonrpc: ${why} (${dir}); not decoded further`, this.s[dir].pos(0));
    this.dead[dir] = true;
    this.s[dir].reset();
  }

  /** Offset just past the JSON text at the head of the queue, or -1 when it is not complete yet. */
  private scanJson(dir: Dir): number {
    const q = this.s[dir].q;
    const sc = this.scan[dir];
    for (; sc.pos < q.length; sc.pos++) {
      const c = q.at(sc.pos);
      if (sc.inString) {
        if (sc.escape) sc.escape = false;
        else if (c === 0x5c) sc.escape = true;
        else if (c === 0x22) sc.inString = false;
        continue;
      }
      if (c === 0x22) sc.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        sc.depth++;
        sc.started = true;
      } else if (c === 0x7d || c === 0x5d) {
        sc.depth--;
        if (sc.started && sc.depth <= 0) return ++sc.pos;
      }
    }
    return -1;
  }

  /** A request or an answer; `cut`: one a gap cut, what of it was not read (and whether it can be paired). */
  private message(dir: Dir, item: unknown, msg: Msg, cut?: { what: string; unpaired?: boolean }): void {
    const other: Dir = dir === 'c2s' ? 's2c' : 'c2s';
    if (isObj(item) && typeof item.method === 'string') {
      const call = this.session.newCall('jsonrpc', msg.start);
      call.method = item.method;
      call.frames = msg.frames.slice(0, 64);
      call.timing.requestEndUs = msg.end.tsUs;
      const notes: string[] = [];
      call.request = { body: payloadBody(msg.bytes, msg.bytes.length, this.session.env.limits, 'application/json', undefined, notes), value: item.params, wireBytes: msg.wire };
      for (const n of notes) call.warnings.push(`request ${n}`);
      fillFields(call, item);
      if (cut) {
        call.warnings.push(`request not captured whole (capture gap)${cut.what ? `: ${cut.what}` : ''}`);
        if (cut.unpaired) {
          call.kind = 'unary';
          call.state = 'incomplete';
          this.session.emit(call);
          return;
        }
      }
      call.fields['jsonrpc.transport'] = this.framed[dir] ? 'tcp-content-length' : 'tcp';
      if (dir === 's2c') call.fields['jsonrpc.direction'] = 'server-to-client';
      const v1 = item.jsonrpc === undefined;
      const notification = v1 ? item.id === null || !('id' in item) : !('id' in item);
      if (notification) {
        call.kind = 'oneway';
        call.state = 'complete';
        call.timing.endUs = msg.end.tsUs;
        this.session.emit(call);
        return;
      }
      call.kind = 'unary';
      const key = `${dir} ${idKey(item.id)}`;
      const prev = this.pending.get(key);
      if (prev) {
        prev.state = 'incomplete';
        prev.warnings.push(`id ${idKey(item.id)} reused before this request was answered`);
        this.session.emit(prev);
      }
      this.pending.set(key, call);
      return;
    }
    if (isObj(item) && ('result' in item || 'error' in item)) {
      const key = `${other} ${idKey(item.id)}`;
      const call = this.pending.get(key);
      if (!call) {
        const orphan = this.session.newCall('jsonrpc', msg.start);
        orphan.method = '?';
        orphan.state = 'incomplete';
        orphan.frames = msg.frames.slice(0, 64);
        orphan.timing.responseStartUs = msg.start.tsUs;
        orphan.timing.endUs = msg.end.tsUs;
        applyOutcome(orphan, outcomeOf(item, undefined));
        orphan.warnings.push(`response to id ${idKey(item.id)} whose request is not in the capture`);
        this.session.emit(orphan);
        return;
      }
      this.pending.delete(key);
      call.timing.responseStartUs = msg.start.tsUs;
      call.timing.endUs = msg.end.tsUs;
      for (const f of msg.frames) if (call.frames.length < 64 && !call.frames.includes(f)) call.frames.push(f);
      const notes: string[] = [];
      call.response = { body: payloadBody(msg.bytes, msg.bytes.length, this.session.env.limits, 'application/json', undefined, notes), wireBytes: msg.wire };
      for (const n of notes) call.warnings.push(`response ${n}`);
      applyOutcome(call, outcomeOf(item, undefined));
      if (cut) call.warnings.push(`response not captured whole (capture gap)${cut.what ? `: ${cut.what}` : ''}`);
      call.state = 'complete';
      this.session.emit(call);
      return;
    }
    this.session.warn(`jsonrpc: ${dir} message is neither a request nor a response`, msg.start);
  }
}

export const spec: DecoderSpec = {
  id: 'jsonrpc',
  name: 'JSON-RPC over TCP',
  transport: 'tcp',
  probe: probeJsonRpc,
  probeOrder: 120,
  create: (session) => new JsonRpcStreamDecoder(session),
};
