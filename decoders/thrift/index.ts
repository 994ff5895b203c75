/**
 * Apache Thrift over TCP: binary (strict and old-style headers), compact and JSON protocols, framed
 * and unframed (buffered) transports, the THeader transport (info headers, zlib/snappy
 * transforms), the multiplexed protocol (`Service:method` names).
 *
 * Each direction is recognised on its first bytes (`detectFraming`); the server side adopts the
 * client's framing when its own first bytes do not say. CALL/ONEWAY messages start calls;
 * REPLY/EXCEPTION messages complete the oldest pending call with the same sequence id (several
 * clients — Python's among them — send 0 for every call, so pending calls form a FIFO per id).
 *
 * What each message says about its call is in call.ts (shared with Thrift over HTTP, http.ts).
 * With the workspace IDL (`env.definitions.thrift`) argument and result fields are named and
 * typed and the call links to its method's line.
 */
import type { DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import type { Dir } from '../core/model';
import type { Call } from '../core/model';
import { be32 } from '../core/bytes';
import { DirStream, addFrames } from '../calls/stream';
import { CompactReader, detectFraming, jsonMessageEnd, looksLikeOldBinary, MESSAGE_TYPES, NeedMore, oldBinaryCallAt, readHeaderFrame, readMessage, readPartialMessage, ThriftError, type Framing, type HeaderFrame, type ThriftMessage } from './wire';
import { readTupleMessage, resultFields } from './tuple';
import { wireTypeOf } from './render';
import { readJsonMessage, readPartialJsonHeader } from './json-protocol';
import { utf8Text } from '../core/bytes';
import { snappyDecompress } from '../core/codecs';
import { DecompressLimitError, type InflateStream } from '../core/env';

/** THeader payload transforms (HeaderFormat.md). */
const TRANSFORMS: Record<number, string> = { 1: 'zlib', 2: 'hmac', 3: 'snappy', 4: 'qlz', 5: 'zstd' };
import { describeReply, describeRequest, findMethod, type MethodRef, type ThriftIdl, thriftIdl } from './call';

export { APPLICATION_EXCEPTION_TYPES } from './call';

interface Side {
  s: DirStream;
  framing?: Framing & { strict?: boolean };
  /** Total buffered bytes known to be needed before a parse can succeed. */
  needHint: number;
  /** Lost sync (gap or malformed input): drop this direction's bytes. */
  lost: boolean;
  /** A gap swallowed a message boundary: resume at the next segment that starts a message. */
  resync?: boolean;
  /**
   * TZlibTransport (the Java, C++, Python and Go libraries): the direction is one zlib stream (RFC 1950)
   * from its first byte, flushed after each message; `null` once its first bytes said it is not.
   */
  zlib?: InflateStream | null;
  /** Offset in the inflated stream (what positions and ranges of a zlib direction count). */
  zOff?: number;
}

/** An RFC 1950 header: deflate (CM 8), a window of at most 32 KiB, FCHECK right, no preset dictionary. */
function isZlibHeader(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 === 0 && !(b[1] & 0x20);
}

interface Pending {
  call: Call;
  seqid: number;
  name: string;
  method?: MethodRef;
  /** Replies seen on the connection when this call was sent. */
  replies: number;
}

const MAX_PENDING = 10000;

class ThriftDecoder implements StreamDecoder {
  private sides: Record<Dir, Side> = {
    c2s: { s: new DirStream(), needHint: 0, lost: false },
    s2c: { s: new DirStream(), needHint: 0, lost: false },
  };
  private pending: Pending[] = [];
  private replies = 0;
  /** A message of this connection read as Java's TTupleProtocol. */
  private tupleSeen = false;
  private readonly idl: ThriftIdl;

  constructor(private readonly session: DecoderSession) {
    this.idl = thriftIdl(session.env.definitions);
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    const side = this.sides[dir];
    if (side.lost || !bytes.length) return;
    // (its first byte may have come alone: it waits in the queue)
    const held = side.s.q.length;
    if (side.zlib === undefined && !side.framing && !side.resync && held <= 1 && held + bytes.length >= 2) {
      const head = held ? Uint8Array.of(side.s.q.peek(1)[0], bytes[0]) : bytes;
      side.zlib = isZlibHeader(head) ? this.session.env.compression.createInflateRaw() : null;
      if (side.zlib) {
        side.zOff = 0;
        side.s.consume(held);
        bytes = bytes.subarray(2 - held);
      }
    }
    if (side.zlib) {
      let out: Uint8Array;
      try {
        out = side.zlib.push(bytes, this.session.env.limits.maxDecompressedBytes);
      } catch (e) {
        this.lose(dir, side, e instanceof DecompressLimitError ? `zlib transport: a flush inflates past ${this.session.env.limits.maxDecompressedBytes} bytes` : 'zlib transport: the stream does not inflate');
        return;
      }
      if (!out.length) return;
      at = { ...at, streamOffset: side.zOff! };
      side.zOff! += out.length;
      bytes = out;
    }
    if (side.resync) {
      if (side.s.discard > 0 || side.s.q.length > 0 || !this.startsMessage(side, bytes)) return;
      side.resync = false;
      this.session.warn(`thrift: decoding of ${dir} resumes at a message header after the gap`, at);
    }
    side.s.push(bytes, at);
    this.drain(dir, side);
  }

  /** Does a segment start a message in this direction's protocol and transport? */
  private startsMessage(side: Side, b: Uint8Array): boolean {
    const f = detectFraming(b.subarray(0, 64));
    if (typeof f !== 'object') {
      // the old (non-strict) binary header, on a connection that speaks unframed binary
      const fr = side.framing;
      return !!fr && fr.protocol === 'binary' && !fr.framed && !fr.header && looksLikeOldBinary(b.subarray(0, 140));
    }
    return !side.framing || (f.protocol === side.framing.protocol && f.framed === side.framing.framed);
  }

  /**
   * Bytes not captured (snaplen, loss). A framed message cut by the gap is decoded as far as it
   * goes (header and whole top-level fields) and the frame length finds the next one; an unframed
   * one is decoded as far as it goes, then decoding waits for a segment that starts a message.
   */
  gap(dir: Dir, length: number, at: Position): void {
    const side = this.sides[dir];
    if (side.lost || side.resync) return;
    if (side.zlib) {
      this.lose(dir, side, `zlib transport: ${length} bytes missing, the rest of the stream cannot be inflated`);
      return;
    }
    const s = side.s;
    if (s.discard > 0) {
      // inside a message already being skipped (too large, or cut by an earlier gap)
      if (!s.gapWhileDiscarding(length)) return;
    } else if (side.framing && s.q.length > 0) {
      const have = s.q.length;
      const buf = s.q.peek(have);
      let missing = -1;
      if (side.framing.framed && have >= 4) {
        const len = be32(buf, 0);
        if (len <= this.session.env.limits.maxBufferedBytes) missing = 4 + len - have;
      }
      const fp = side.framing.protocol;
      const from = side.framing.framed ? 4 : 0;
      const msg = side.framing.header
        ? undefined
        : fp === 'json'
          ? readPartialJsonHeader(utf8Text(buf.subarray(from, Math.min(have, from + 600))))
          : readPartialMessage(fp, buf, from, have, this.limits());
      if (msg) {
        const total = missing >= 0 ? have + missing : have + length;
        this.message(dir, msg, side.framing, s.pos(0), s.pos(have - 1), s.frames(0, have), total, [`message cut by a gap: ${have} of ${missing >= 0 ? total : 'at least ' + total} bytes captured${msg.body.fields.length ? '' : ', no whole field'}`], true);
      }
      s.consume(have);
      side.needHint = 0;
      if (missing >= 0 && !s.gapOver(missing, length)) return;
    }
    s.reset();
    side.needHint = 0;
    side.resync = true;
    this.session.warn(`thrift: ${length} bytes missing in ${dir}, past a message boundary; waiting for a segment that starts a message`, at);
  }

  end(dir: Dir, at: Position): void {
    const side = this.sides[dir];
    if (!side.lost && side.s.q.length > 0) {
      this.session.warn(`thrift: ${side.s.q.length} bytes of an unfinished message at the end of ${dir}`, at);
      side.s.reset();
    }
  }

  close(_at: Position): void {
    for (const p of this.pending) {
      p.call.state = 'incomplete';
      // Go's generated clients send oneway calls as CALL messages: with no IDL to say so, a call
      // left unanswered while later ones got replies is most likely one.
      p.call.warnings.push(this.replies > p.replies ? 'no reply seen, though later calls on this connection were answered: a oneway method called with a CALL message (as Go clients do)?' : 'no reply seen');
      this.session.emit(p.call);
    }
    this.pending = [];
  }

  private limits() {
    const l = this.session.env.limits;
    return { maxDepth: l.maxDepth, maxLength: l.maxBufferedBytes };
  }

  private drain(dir: Dir, side: Side): void {
    const s = side.s;
    const max = this.session.env.limits.maxBufferedBytes;
    for (let guard = 0; guard < 1_000_000 && s.q.length > 0 && !side.lost; guard++) {
      if (!side.framing) {
        const head = s.q.peek(Math.min(64, s.q.length));
        const f = detectFraming(head);
        if (f === 'need-more' && s.q.length < 64) return;
        if (f !== 'need-more' && f !== 'reject') side.framing = f;
        else {
          const other = this.sides[dir === 'c2s' ? 's2c' : 'c2s'].framing;
          if (other) side.framing = other;
          else if (looksLikeOldBinary(head)) side.framing = { protocol: 'binary', framed: false };
          else {
            this.lose(dir, side, 'not a Thrift message header');
            return;
          }
        }
      }
      const framing = side.framing;
      let start = 0;
      let limit: number;
      if (framing.framed) {
        if (s.q.length < 4) return;
        const len = be32(s.q.peek(4), 0);
        if (len > max) {
          this.session.warn(`thrift: frame of ${len} bytes in ${dir} exceeds the buffer limit; skipped`, s.pos(0));
          s.skipAhead(4 + len);
          continue;
        }
        if (s.q.length < 4 + len) return;
        start = 4;
        limit = 4 + len;
      } else {
        if (s.q.length < side.needHint) return;
        limit = s.q.length;
      }
      const buf = s.q.peek(limit);
      if (framing.header) {
        this.headerFrame(dir, buf, limit);
        s.consume(limit);
        continue;
      }
      // Java's TTupleProtocol: compact message headers, structs without field headers (tuple.ts)
      const tuple = framing.framed && framing.protocol === 'compact' && this.idl.defs ? this.tupleMessage(buf, start, limit) : undefined;
      if (tuple?.msg) {
        this.message(dir, tuple.msg, framing, s.pos(0), s.pos(limit - 1), s.frames(0, limit), limit, []);
        s.consume(limit);
        continue;
      }
      let msg: ThriftMessage;
      let end: number;
      try {
        if (framing.protocol === 'json') {
          // TJSON: the message is its top-level array; wait until it has ended.
          end = jsonMessageEnd(buf, start, limit);
          if (end < 0) throw new NeedMore(limit + 1);
          msg = readJsonMessage(utf8Text(buf.subarray(start, end)), this.limits());
        } else {
          // (the compact reading tupleMessage already made, when it made one)
          const r = tuple?.compact ?? readMessage(framing.protocol, buf, start, limit, this.limits());
          msg = r.msg;
          end = r.end;
        }
      } catch (e) {
        if (framing.framed && framing.protocol === 'compact' && this.headerOnly(dir, framing, buf, start, limit, e as Error)) continue;
        if (e instanceof NeedMore) {
          if (framing.framed) {
            this.session.warn(`thrift: message longer than its ${limit - 4}-byte frame in ${dir}; frame skipped`, s.pos(0));
            s.consume(limit);
            continue;
          }
          side.needHint = e.need;
          if (e.need > max) this.lose(dir, side, `message needs more than ${max} bytes`);
          return;
        }
        if (framing.framed) {
          this.session.warn(`thrift: bad message in ${dir}: ${(e as Error).message}; frame skipped`, s.pos(0));
          s.consume(limit);
          continue;
        }
        this.lose(dir, side, (e as Error).message);
        return;
      }
      if (framing.framed && framing.protocol === 'compact' && end < limit) {
        // A compact message that stops short of its frame's end is not what it seems (TTupleProtocol
        // without its IDL reads as a few made-up fields): its header only.
        if (this.headerOnly(dir, framing, buf, start, limit, new ThriftError(`ends ${limit - end} bytes before its frame does`))) continue;
      }
      side.needHint = 0;
      const total = framing.framed ? limit : end;
      const warnings: string[] = [];
      if (framing.framed && end < limit) warnings.push(`${limit - end} bytes after the message in its frame`);
      this.message(dir, msg, framing, s.pos(0), s.pos(total - 1), s.frames(0, total), total, warnings);
      s.consume(total);
    }
  }

  /** The IDL method a message header names (a reply: its pending call's). */
  private methodOf(h: { type: number; name: string; seqid: number }): MethodRef | undefined {
    if (h.type === 2) {
      const p = this.pending.find((x) => x.seqid === h.seqid && x.name === h.name) ?? this.pending.find((x) => x.seqid === h.seqid);
      if (p?.method) return p.method;
    }
    return findMethod(this.idl, h.name);
  }

  /** Does a message read as the compact protocol fit its IDL method (field ids and wire types)? */
  private fitsIdl(msg: ThriftMessage): boolean {
    const defs = this.idl.defs!;
    const m = this.methodOf(msg);
    if (!m || msg.type === 3) return true;
    const fields = msg.type === 2 ? resultFields(m.method.returns, m.method.throws) : m.method.args;
    return msg.body.fields.every((f) => {
      const d = fields.find((x) => x.id === f.id);
      return !!d && wireTypeOf(defs, d.type) === f.node.t;
    });
  }

  /**
   * A framed compact-protocol message that is Java's TTupleProtocol: once a connection has shown
   * one, every message is tried as tuple first; before that, only a frame the compact protocol
   * cannot read whole, or reads into fields its IDL method does not declare.
   */
  private tupleMessage(buf: Uint8Array, start: number, limit: number): { msg?: ThriftMessage; compact?: { msg: ThriftMessage; end: number } } {
    const limits = this.limits();
    let compact: { msg: ThriftMessage; end: number } | undefined;
    if (!this.tupleSeen) {
      try {
        compact = readMessage('compact', buf, start, limit, limits);
        if (compact.end === limit && this.fitsIdl(compact.msg)) return { compact };
      } catch (e) {
        if (!(e instanceof ThriftError || e instanceof NeedMore)) throw e;
      }
    }
    const msg = readTupleMessage(buf, start, limit, limits, this.idl.defs!, (h) => {
      const m = this.methodOf(h);
      if (!m) return undefined;
      return h.type === 2 ? resultFields(m.method.returns, m.method.throws) : m.method.args;
    });
    if (msg) this.tupleSeen = true;
    return msg ? { msg } : compact ? { compact } : {};
  }

  /**
   * A framed compact-protocol frame whose body does not read (Java's TTupleProtocol without its
   * IDL, or damage): the call keeps its header (method, type, sequence id) and says why no values.
   * Whether it did (the frame consumed); false when not even the header reads.
   */
  private headerOnly(dir: Dir, framing: Framing, buf: Uint8Array, start: number, limit: number, e: Error): boolean {
    let h: { type: number; seqid: number; name: string };
    try {
      h = new CompactReader(buf, start, limit, this.limits()).header();
    } catch {
      return false;
    }
    const s = this.sides[dir].s;
    const why = e instanceof NeedMore ? `it runs past its ${limit - start}-byte frame` : e.message;
    const msg: ThriftMessage = { protocol: 'compact', strict: true, type: h.type, name: h.name, seqid: h.seqid, body: { t: 'struct', fields: [] } };
    const warning = `message body not read as a compact-protocol struct (${why}): Java's TTupleProtocol writes structs without field headers, read with the IDL`;
    // (as a cut message: a reply whose body was not read shows no outcome)
    this.message(dir, msg, framing, s.pos(0), s.pos(limit - 1), s.frames(0, limit), limit, [warning], true);
    s.consume(limit);
    return true;
  }

  /** One THeader frame (b[0, end), its length included): header, transforms undone, the message. */
  private headerFrame(dir: Dir, b: Uint8Array, end: number): void {
    const s = this.sides[dir].s;
    const at = s.pos(0);
    let frame: HeaderFrame;
    let msg: ThriftMessage;
    const names: string[] = [];
    try {
      frame = readHeaderFrame(b, end, this.limits());
      let payload = frame.payload;
      const max = this.session.env.limits.maxDecompressedBytes;
      // Transforms are applied in order when sending: undone last first.
      for (const t of [...frame.transforms].reverse()) {
        names.unshift(TRANSFORMS[t] ?? `transform ${t}`);
        if (t === 1) payload = this.session.env.compression.inflate(payload, max);
        else if (t === 3) payload = snappyDecompress(payload, max);
        else throw new ThriftError(`payload transform ${TRANSFORMS[t] ?? t} not supported`);
      }
      msg = readMessage(frame.protocol, payload, 0, payload.length, this.limits()).msg;
    } catch (e) {
      const why = e instanceof NeedMore ? 'message longer than its payload' : e instanceof DecompressLimitError ? `decompressed payload exceeds ${this.session.env.limits.maxDecompressedBytes} bytes` : (e as Error).message;
      this.session.warn(`thrift: THeader frame in ${dir}: ${why}; frame skipped`, at);
      return;
    }
    const transport: Record<string, string | boolean> = { 'thrift.framed': true, 'thrift.transport': 'header' };
    if (names.length) transport['thrift.transforms'] = names.join(', ');
    this.message(dir, msg, this.sides[dir].framing!, at, s.pos(end - 1), s.frames(0, end), end, [], false, { transport, headers: frame.headers });
  }

  private lose(dir: Dir, side: Side, why: string): void {
    this.session.warn(`thrift: ${why} in ${dir}; the rest of this direction is not decoded`, side.s.pos(0));
    side.s.reset();
    side.lost = true;
  }

  private message(
    dir: Dir,
    msg: ThriftMessage,
    framing: Framing,
    first: Position,
    last: Position,
    frames: number[],
    wire: number,
    warnings: string[],
    cut = false,
    header?: { transport: Record<string, string | boolean>; headers: Array<[string, string]> },
  ): void {
    // (a zlib direction's offsets count inflated bytes: no byte range on the wire to point at)
    const zlib = !!this.sides[dir].zlib;
    const range = zlib ? undefined : { flowId: this.session.flow.id, dir, offset: first.streamOffset, length: wire };
    const transport = header?.transport ?? { 'thrift.framed': framing.framed, ...(zlib ? { 'thrift.transport': 'zlib' } : {}) };
    const colon = msg.name.indexOf(':');
    const service = colon > 0 ? msg.name.slice(0, colon) : undefined;
    const method = colon > 0 ? msg.name.slice(colon + 1) : msg.name;
    if (msg.type === 1 || msg.type === 4) {
      const call = this.session.newCall('thrift', first);
      call.frames = [];
      addFrames(call.frames, frames);
      const m = describeRequest(call, msg, this.idl, transport, warnings, wire);
      if (header?.headers.length) call.request!.headers = header.headers;
      call.timing = { startUs: first.tsUs, requestEndUs: last.tsUs };
      if (range) call.ranges = { request: [range] };
      call.warnings.push(...warnings);
      if (dir !== 'c2s') call.warnings.push(`${MESSAGE_TYPES[msg.type]} sent by the server side`);
      if (call.kind === 'oneway') {
        call.state = 'complete';
        call.timing.endUs = last.tsUs;
        this.session.emit(call);
        return;
      }
      if (this.pending.length >= MAX_PENDING) {
        const old = this.pending.shift()!;
        old.call.state = 'incomplete';
        old.call.warnings.push('no reply seen (too many pending calls)');
        this.session.emit(old.call);
      }
      this.pending.push({ call, seqid: msg.seqid, name: msg.name, method: m, replies: this.replies });
      return;
    }
    // REPLY / EXCEPTION
    const base = (n: string) => n.slice(n.indexOf(':') + 1);
    let idx = this.pending.findIndex((p) => p.seqid === msg.seqid && base(p.name) === method);
    if (idx < 0) idx = this.pending.findIndex((p) => p.seqid === msg.seqid);
    let p: Pending;
    if (idx >= 0) {
      p = this.pending.splice(idx, 1)[0];
      if (base(p.name) !== method) warnings.push(`reply names "${msg.name}" but the call with sequence id ${msg.seqid} was "${p.name}"`);
    } else {
      const call = this.session.newCall('thrift', first);
      call.frames = [];
      call.method = method;
      if (service) call.target = service;
      call.timing = { startUs: first.tsUs };
      call.fields['thrift.method'] = method;
      call.fields['thrift.seq_id'] = msg.seqid;
      call.fields['thrift.protocol'] = framing.protocol;
      Object.assign(call.fields, transport);
      call.warnings.push('reply without a request (request not captured)');
      p = { call, seqid: msg.seqid, name: msg.name, method: findMethod(this.idl, msg.name), replies: this.replies };
    }
    const call = p.call;
    this.replies++;
    addFrames(call.frames, frames);
    call.timing.responseStartUs = first.tsUs;
    call.timing.endUs = last.tsUs;
    if (range) (call.ranges ??= {}).response = [range];
    call.warnings.push(...warnings);
    if (dir !== 's2c') call.warnings.push(`${MESSAGE_TYPES[msg.type]} sent by the client side`);
    describeReply(call, msg, p.method, this.idl, wire, cut);
    if (header?.headers.length) call.response!.headers = header.headers;
    call.state = 'complete';
    this.session.emit(call);
  }
}

export const spec: DecoderSpec = {
  id: 'thrift',
  name: 'Apache Thrift',
  transport: 'tcp',
  ports: [9090],
  probeOrder: 30,
  probe(head: Uint8Array) {
    const f = detectFraming(head);
    if (f === 'need-more') return head.length >= 64 ? 'reject' : 'need-more';
    if (f !== 'reject') return 'accept';
    // the old (non-strict) binary header has no magic number: a stricter look at a client's call
    const old = oldBinaryCallAt(head);
    return old === true ? 'accept' : old === 'need-more' && head.length < 64 ? 'need-more' : 'reject';
  },
  create: (session) => new ThriftDecoder(session),
};
