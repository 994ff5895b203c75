/**
 * Dubbo 2 protocol over TCP: a 16-byte header (magic 0xdabb; flag byte with request, two-way and
 * event bits and the serialization id; status; 64-bit request id; body length) and a body in the
 * chosen serialization. Hessian 2 bodies are decoded (./hessian.ts):
 *
 *   request:  dubbo version, service path, service version, method, parameter type descriptor
 *             (JVM descriptors, e.g. `Ljava/lang/String;I`), one value per parameter, attachments map
 *   response: (status 20 OK) a response-type int — 0 exception, 1 value, 2 null, 3–5 the same with
 *             attachments — then the value/exception and the attachments; (other statuses) an error
 *             message string
 *   event:    heartbeat requests/responses carry a null body
 *
 * fastjson2 (23, the default of Dubbo 3.2+: each value a 4-byte length and fastjson2's binary
 * JSONB, ./jsonb.ts) and the JSON serializations — fastjson (6) and gson (16), whose ObjectOutput
 * prints each value as one line of JSON — are read into the same fields (./readers.ts). Other
 * serializations (kryo, fst, protobuf, native Java…) are named and shown as hex. Requests pair
 * with responses by request id. A body that does not read (malformed, cut) keeps what was read
 * and a warning on the call; nothing here throws out of the decoder.
 */
import type { DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import type { Call, CallStatus, Dir } from '../core/model';
import { be32 } from '../core/bytes';
import { isObj } from '../core/json';
import { DirStream, addFrames } from '../calls/stream';
import { HessianEnd, type HValue } from './hessian';
import { SERIALIZATIONS, readerForId, undecoded, type ValueReader } from './readers';

/** Response status (apache/dubbo remoting exchange/Response.java). */
export const STATUS: Record<number, string> = {
  20: 'OK',
  25: 'SERIALIZATION_ERROR',
  30: 'CLIENT_TIMEOUT',
  31: 'SERVER_TIMEOUT',
  35: 'CHANNEL_INACTIVE',
  40: 'BAD_REQUEST',
  50: 'BAD_RESPONSE',
  60: 'SERVICE_NOT_FOUND',
  70: 'SERVICE_ERROR',
  80: 'SERVER_ERROR',
  90: 'CLIENT_ERROR',
  100: 'SERVER_THREADPOOL_EXHAUSTED_ERROR',
};

const RESPONSE_TYPES = ['exception', 'value', 'null', 'exception+attachments', 'value+attachments', 'null+attachments'];

export interface DubboHeader {
  request: boolean;
  twoWay: boolean;
  event: boolean;
  serialization: number;
  status: number;
  id: string;
  length: number;
}

export function parseHeader(h: Uint8Array): DubboHeader | undefined {
  if (h.length < 16 || h[0] !== 0xda || h[1] !== 0xbb) return undefined;
  const flag = h[2];
  const id = BigInt.asIntN(64, (BigInt(be32(h, 4)) << 32n) | BigInt(be32(h, 8)));
  return { request: !!(flag & 0x80), twoWay: !!(flag & 0x40), event: !!(flag & 0x20), serialization: flag & 0x1f, status: h[3], id: id.toString(), length: be32(h, 12) };
}

/** JVM parameter descriptors → Java type names (`Ljava/lang/String;[I` → ['java.lang.String', 'int[]']). */
export function parseDescriptor(desc: string): string[] {
  const prim: Record<string, string> = { Z: 'boolean', B: 'byte', C: 'char', D: 'double', F: 'float', I: 'int', J: 'long', S: 'short', V: 'void' };
  const out: string[] = [];
  let i = 0;
  while (i < desc.length && out.length < 256) {
    let dims = 0;
    while (desc[i] === '[') (dims++, i++);
    let t: string;
    if (desc[i] === 'L') {
      const e = desc.indexOf(';', i);
      if (e < 0) {
        t = desc.slice(i + 1).replace(/\//g, '.');
        i = desc.length;
      } else {
        t = desc.slice(i + 1, e).replace(/\//g, '.');
        i = e + 1;
      }
    } else {
      t = prim[desc[i]] ?? desc[i] ?? '?';
      i++;
    }
    out.push(t + '[]'.repeat(dims));
  }
  return out;
}

interface Pending {
  call: Call;
}

class DubboDecoder implements StreamDecoder {
  private streams: Record<Dir, DirStream> = { c2s: new DirStream(), s2c: new DirStream() };
  private lost: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** After a gap that swallowed a message boundary: resume at the next segment that starts with the magic. */
  private resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  private pending = new Map<string, Pending>();

  constructor(private readonly session: DecoderSession) {}

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.lost[dir] || !bytes.length) return;
    const s = this.streams[dir];
    if (this.resync[dir]) {
      if (s.discard > 0 || s.q.length > 0 || bytes.length < 2 || bytes[0] !== 0xda || bytes[1] !== 0xbb) return;
      this.resync[dir] = false;
      this.session.warn(`dubbo: decoding of ${dir} resumes at a message header after the gap`, at);
    }
    s.push(bytes, at);
    const max = this.session.env.limits.maxBufferedBytes;
    for (let guard = 0; guard < 1_000_000 && !this.lost[dir]; guard++) {
      if (s.q.length < 16) {
        if (s.q.length >= 2 && !(s.q.at(0) === 0xda && s.q.at(1) === 0xbb)) this.lose(dir, 'no Dubbo magic 0xdabb');
        return;
      }
      const h = parseHeader(s.q.peek(16));
      if (!h) {
        this.lose(dir, 'no Dubbo magic 0xdabb');
        return;
      }
      if (h.length > max) {
        this.session.warn(`dubbo: ${h.length}-byte body exceeds the buffer limit; skipped`, s.pos(0));
        s.skipAhead(16 + h.length);
        continue;
      }
      if (s.q.length < 16 + h.length) return;
      const total = 16 + h.length;
      const body = s.q.peek(total).subarray(16);
      this.message(dir, h, body, s.pos(0), s.pos(total - 1), s.frames(0, total), total);
      s.consume(total);
    }
  }

  /**
   * Bytes not captured (snaplen, loss). Inside a message whose header was captured the length says
   * where the next message starts: the message is decoded as far as it goes, the rest of it skipped,
   * and decoding goes on. A gap that swallows a header waits for a segment that starts with the magic.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.lost[dir] || this.resync[dir]) return;
    const s = this.streams[dir];
    if (s.discard > 0) {
      // inside a message already being skipped (too large, or cut by an earlier gap)
      if (!s.gapWhileDiscarding(length)) return;
      s.reset();
      this.resync[dir] = true;
      this.session.warn(`dubbo: ${length} bytes missing in ${dir}, past a message boundary; waiting for the next message header`, at);
      return;
    }
    const h = s.q.length >= 16 ? parseHeader(s.q.peek(16)) : undefined;
    if (h && h.length <= this.session.env.limits.maxBufferedBytes) {
      const total = 16 + h.length;
      const have = s.q.length;
      const missing = total - have;
      if (missing > 0) {
        const body = s.q.peek(have).subarray(16);
        const cut = `body cut by a gap: ${body.length} of ${h.length} bytes captured`;
        this.message(dir, h, body, s.pos(0), s.pos(have - 1), s.frames(0, have), total, cut);
        s.consume(have);
        if (!s.gapOver(missing, length)) return;
      }
    }
    s.reset();
    this.resync[dir] = true;
    this.session.warn(`dubbo: ${length} bytes missing in ${dir}${h ? ', past a message boundary' : ' (a message header among them)'}; waiting for the next message header`, at);
  }

  end(dir: Dir, at: Position): void {
    const s = this.streams[dir];
    if (!this.lost[dir] && s.q.length) {
      this.session.warn(`dubbo: ${s.q.length} bytes of an unfinished message at the end of ${dir}`, at);
      s.reset();
    }
  }

  close(_at: Position): void {
    for (const p of this.pending.values()) {
      p.call.state = 'incomplete';
      p.call.warnings.push('no response seen');
      this.session.emit(p.call);
    }
    this.pending.clear();
  }

  private lose(dir: Dir, why: string): void {
    const s = this.streams[dir];
    this.session.warn(`dubbo: ${why} in ${dir}; the rest of this direction is not decoded`, s.pos(0));
    s.reset();
    this.lost[dir] = true;
  }

  private rawBody(h: DubboHeader, body: Uint8Array): unknown {
    return undecoded(SERIALIZATIONS[h.serialization] ?? `serialization ${h.serialization}`, body);
  }

  private message(dir: Dir, h: DubboHeader, body: Uint8Array, first: Position, last: Position, frames: number[], wire: number, cut?: string): void {
    const range = { flowId: this.session.flow.id, dir, offset: first.streamOffset, length: wire };
    if (h.request) {
      const call = this.session.newCall('dubbo', first);
      call.frames = [];
      addFrames(call.frames, frames);
      call.timing = { startUs: first.tsUs, requestEndUs: last.tsUs };
      call.ranges = { request: [range] };
      call.fields['dubbo.request_id'] = h.id;
      call.fields['dubbo.serialization'] = SERIALIZATIONS[h.serialization] ?? h.serialization;
      call.fields['dubbo.two_way'] = h.twoWay;
      if (h.event) call.fields['dubbo.event'] = true;
      if (dir !== 'c2s') call.warnings.push('request sent by the server side');
      if (cut) call.warnings.push(`request ${cut}`);
      if (h.event) {
        call.kind = 'event';
        let v: HValue | undefined;
        const reader = body.length ? this.reader(h, body) : undefined;
        if (reader) {
          try {
            v = reader.value();
          } catch (e) {
            call.warnings.push(`event body: ${(e as Error).message}`);
          }
        }
        call.method = body.length === 0 || v === null ? 'heartbeat' : 'event';
        call.request = { value: reader || !body.length ? (v ?? null) : this.rawBody(h, body), wireBytes: wire };
      } else {
        call.kind = h.twoWay ? 'unary' : 'oneway';
        call.request = { wireBytes: wire };
        const reader = this.reader(h, body);
        if (reader) this.decodeRequest(call, reader, body.length, !!cut);
        else {
          call.method = 'request';
          call.request.value = this.rawBody(h, body);
          call.warnings.push(`${SERIALIZATIONS[h.serialization] ?? `serialization ${h.serialization}`} body not decoded (Hessian 2, fastjson2, fastjson and gson are)`);
        }
      }
      if (!h.twoWay) {
        call.state = 'complete';
        call.timing.endUs = last.tsUs;
        this.session.emit(call);
        return;
      }
      const old = this.pending.get(h.id);
      if (old) {
        old.call.state = 'incomplete';
        old.call.warnings.push('request id reused before a response');
        this.session.emit(old.call);
      }
      this.pending.set(h.id, { call });
      return;
    }
    // response
    let p = this.pending.get(h.id);
    if (p) this.pending.delete(h.id);
    else {
      const call = this.session.newCall('dubbo', first);
      call.frames = [];
      call.kind = h.event ? 'event' : 'unary';
      call.method = h.event ? 'heartbeat' : '?';
      call.timing = { startUs: first.tsUs };
      call.fields['dubbo.request_id'] = h.id;
      call.warnings.push('response without a request (request not captured)');
      p = { call };
    }
    const call = p.call;
    addFrames(call.frames, frames);
    call.timing.responseStartUs = first.tsUs;
    call.timing.endUs = last.tsUs;
    (call.ranges ??= {}).response = [range];
    call.fields['dubbo.status'] = h.status;
    if (dir !== 's2c') call.warnings.push('response sent by the client side');
    if (cut) call.warnings.push(`response ${cut}`);
    call.response = { wireBytes: wire };
    const statusName = STATUS[h.status] ?? `status ${h.status}`;
    const reader = this.reader(h, body);
    if (h.status !== 20) {
      let msg: string | undefined;
      if (reader) {
        try {
          const v = reader.value();
          if (typeof v === 'string') msg = v;
          call.response.value = v;
        } catch (e) {
          call.warnings.push(`error body: ${(e as Error).message}`);
        }
      } else call.response.value = this.rawBody(h, body);
      call.status = { code: h.status, text: msg !== undefined ? `${statusName}: ${msg}` : statusName, ok: false };
    } else if (h.event) {
      call.status = { code: 20, text: 'OK', ok: true };
      call.response.value = null;
    } else if (!reader) {
      call.status = { code: 20, text: 'OK', ok: true };
      call.response.value = this.rawBody(h, body);
    } else this.decodeResult(call, reader, !!cut);
    call.state = 'complete';
    this.session.emit(call);
  }

  /** A reader for a body in a serialization we decode; undefined for the others. */
  private reader(h: DubboHeader, body: Uint8Array): ValueReader | undefined {
    return readerForId(h.serialization, body, this.session.env.limits.maxDepth);
  }

  private decodeRequest(call: Call, r: ValueReader, size: number, cut = false): void {
    const value: Record<string, unknown> = {};
    try {
      const dubboVersion = r.string();
      const path = r.string();
      const version = r.string();
      const method = r.string();
      call.method = method;
      call.target = version && version !== '0.0.0' ? `${path}:${version}` : path;
      call.fields['dubbo.service'] = path;
      call.fields['dubbo.method'] = method;
      if (version) call.fields['dubbo.version'] = version;
      call.fields['dubbo.protocol_version'] = dubboVersion;
      const desc = r.string();
      const types = parseDescriptor(desc);
      value.parameterTypes = types;
      const args: HValue[] = [];
      value.arguments = args; // filled as far as the body goes (a body cut by a gap)
      for (let i = 0; i < types.length; i++) args.push(r.value());
      if (!r.done) value.attachments = r.value();
      if (!r.done) call.warnings.push(`${size - r.pos} bytes after the attachments`);
      value.service = path;
      if (version) value.version = version;
    } catch (e) {
      if (!(cut && e instanceof HessianEnd)) call.warnings.push(`request body${e instanceof HessianEnd ? ' ends early' : ''}: ${(e as Error).message}`);
      if (!call.method) call.method = '?';
    }
    call.request!.value = value;
  }

  private decodeResult(call: Call, r: ValueReader, cut = false): void {
    let status: CallStatus = { code: 20, text: 'OK', ok: true };
    try {
      const t = r.value();
      const kind = typeof t === 'number' ? RESPONSE_TYPES[t] : undefined;
      if (kind === undefined) throw new Error(`unknown response type ${JSON.stringify(t)}`);
      call.fields['dubbo.response_type'] = kind;
      const out: Record<string, unknown> = {};
      if (kind.startsWith('value')) out.value = r.value();
      else if (kind.startsWith('null')) out.value = null;
      else {
        status = { code: 'exception', ok: false }; // even when the exception itself was not captured
        call.response!.value = out;
        const ex = r.value();
        out.exception = ex;
        const o = isObj(ex) ? ex : {};
        // Hessian names the class in `$class`; fastjson (WriteClassName) in `@type`.
        const cls = typeof o.$class === 'string' ? o.$class : typeof o['@type'] === 'string' ? o['@type'] : 'exception';
        const msg = typeof o.detailMessage === 'string' ? o.detailMessage : typeof o.message === 'string' ? o.message : undefined;
        status = { code: cls, ...(msg !== undefined ? { text: msg } : {}), ok: false };
        call.fields['dubbo.exception'] = cls;
      }
      if (kind.endsWith('attachments')) out.attachments = r.value();
      call.response!.value = out;
    } catch (e) {
      if (!(cut && e instanceof HessianEnd)) call.warnings.push(`response body${e instanceof HessianEnd ? ' ends early' : ''}: ${(e as Error).message}`);
    }
    call.status = status;
  }
}

export const spec: DecoderSpec = {
  id: 'dubbo',
  name: 'Dubbo',
  transport: 'tcp',
  ports: [20880],
  probeOrder: 30,
  probe(head: Uint8Array) {
    if (head.length < 2) return 'need-more';
    if (head[0] !== 0xda || head[1] !== 0xbb) return 'reject';
    // the magic and a known serialization id: enough even when a snaplen leaves less than a header
    if (head.length < 4) return 'need-more';
    return SERIALIZATIONS[head[2] & 0x1f] !== undefined ? 'accept' : 'reject';
  },
  create: (session) => new DubboDecoder(session),
};
