/**
 * One gRPC call (PROTOCOL-HTTP2.md) built from the HTTP/2 stream that carries it: request
 * headers (path, timeout, encoding), length-prefixed messages each way, response headers and
 * trailers (or Trailers-Only), RST_STREAM.
 *
 * Naming: `target` = `/pkg.Service/Method` (the :path), `method` = `pkg.Service/Method`
 * (unambiguous, what gRPC calls the "full method name" without its leading slash);
 * fields `grpc.service` = `pkg.Service`, `grpc.method` = `Method`.
 *
 * Messages: every message is a StreamMessage in `call.messages` (up to limits.maxMessagesPerCall;
 * the rest are counted in a warning). A side that carried exactly one message and is not a
 * streaming side (per the .proto when known) also gets it as `request.value` / `response.value`;
 * that message's StreamMessage then omits `value` to avoid holding it twice.
 */
import type { DecoderSession, Position } from '../core/decoder';
import type { Call, Dir, HeaderList, StreamMessage } from '../core/model';
import { protoDefinitionsOf, rpcRef, type ProtoDefinitions, type ProtoMethodInfo } from '../protobuf/definitions';
import { decodeProtobuf, resolverFor, resolverOf } from '../protobuf/decode';
import { fitsType } from '../protobuf/shape';
import { rpcStatusTypes } from '../protobuf/rpc-status';
import { noteRpcSchema, rpcSchema } from '../protobuf/grpc-services';
import { LOST_ENCODING, LengthPrefixedReader, decodeGrpcMessage, type LpMessage } from './messages';
import { binaryHeaderValue, grpcCodec, grpcCodecNamed, grpcStatusName, isGrpcContentType, parseGrpcTimeout, pastDeadline, percentDecode, statusForHttpStatus, statusForRstStream } from './status';
import { decodeHttpBody, headerValue } from '../http-common/body';
import { concatBytes } from '../core/bytes';
import { UNKNOWN_ENTRY } from '../http2/hpack';
import { ReflectionAnswers } from '../protobuf/learned';

export { isGrpcContentType };

/** (the header lookup shared by the HTTP decoders: no lower-casing of every name it passes) */
const hdr = headerValue;

type DecodeOptions = Parameters<typeof decodeGrpcMessage>[1];

export interface GrpcFinishInfo {
  rst?: { code: number; name: string; by: Dir; tsUs?: number };
  wire?: { c2s: number; s2c: number };
  requestTrailers?: HeaderList;
  ended?: { c2s: boolean; s2c: boolean };
  /** The server's GOAWAY left this stream unprocessed (its id is above the GOAWAY's last stream). */
  goaway?: { last: number; code: number };
}

/**
 * The RST_STREAM that ended an HTTP/2 stream, for body routers that build a gRPC call from the
 * finished exchange (gRPC-Web over h2c): the HTTP/2 layer notes it before routing, the router
 * reads it (a client reset at its grpc-timeout is DEADLINE_EXCEEDED, as for native gRPC).
 * Kept beside the call, not in it: it is no part of the call model.
 */
const streamResets = new WeakMap<Call, NonNullable<GrpcFinishInfo['rst']>>();

export function noteStreamReset(call: Call, rst: NonNullable<GrpcFinishInfo['rst']>): void {
  streamResets.set(call, rst);
}

export function streamResetOf(call: Call): GrpcFinishInfo['rst'] {
  return streamResets.get(call);
}

/**
 * A client's RST_STREAM after it read the end of the call at the RPC level (gRPC-Web's trailers
 * frame, Connect's end-stream message), before the server's END_STREAM — Connect-ES resets with
 * INTERNAL_ERROR: the call ended normally. Decided from the reset the HTTP/2 layer noted
 * (`streamResetOf`); the caller has checked the RPC-level end. When the client reset the stream,
 * the call becomes complete, the HTTP/2 layer's reset warning is dropped, and true is returned.
 */
export function clientResetAfterEnd(call: Call): boolean {
  const rst = streamResetOf(call);
  if (call.state !== 'aborted' || rst?.by !== 'c2s') return false;
  // The HTTP/2 layer reports the reset only as a warning line (a warning has no data of its own to
  // match), so the line is rebuilt from the same data it was written from — stream id and error
  // name — and matched whole; only without a stream id, by its end.
  const id = call.fields['http2.streamid'];
  const tail = `reset by the client: RST_STREAM ${rst.name}`;
  const line = typeof id === 'number' ? `stream ${id} ${tail}` : undefined;
  const i = call.warnings.findIndex((w) => (line !== undefined ? w === line : w.endsWith(tail)));
  if (i >= 0) call.warnings.splice(i, 1);
  call.state = 'complete';
  return true;
}

/** How many messages, of at most how many bytes, a call with an unknown :path keeps to guess its rpc. */
const GUESS_MESSAGES = 8;
const GUESS_BYTES = 64 * 1024;

export class GrpcCallBuilder {
  private defs: ProtoDefinitions | undefined;
  private method?: ProtoMethodInfo;
  /** Where the method's message types live: the bundled standard services', else the loaded ones. */
  private typeDefs?: ProtoDefinitions;
  /** This call is the server reflection stream: its answers teach schemas. */
  private reflection?: ReflectionAnswers;
  private requestHeaderList?: HeaderList;
  private responseHeaderList?: HeaderList;
  private trailerList?: HeaderList;
  private readers: Record<Dir, LengthPrefixedReader>;
  private counts = { c2s: 0, s2c: 0 };
  private payloadBytes = { c2s: 0, s2c: 0 };
  private compressedSeen = { c2s: false, s2c: false };
  private rawSeen = { c2s: false, s2c: false };
  /** Messages read as JSON under a content-type that names no codec (messages.ts `sniffJson`). */
  private jsonSeen = { c2s: 0, s2c: 0 };
  private dropped = 0;
  private messages: StreamMessage[] = [];
  private messageWarnings = 0;
  /**
   * The :path is unknown (an HPACK entry from before the capture) and .proto files are loaded: the
   * first messages' bytes, kept to find the rpc whose types they fit (guessMethod).
   */
  private forGuess?: Array<{ dir: Dir; flags: number; length: number; bytes: Uint8Array; msg: StreamMessage }>;
  /** decodeOptions per side, with the header lists (request's, the side's own) they were made from. */
  private optionsOf: { c2s?: { request?: HeaderList; own?: HeaderList; options: DecodeOptions }; s2c?: { request?: HeaderList; own?: HeaderList; options: DecodeOptions } } = {};
  /** gRPC-Web: a flag 0x80 frame carries the trailers. */
  web = false;
  /**
   * A response that is not gRPC (a proxy's or load balancer's own error page: nginx's 502 HTML
   * when the backend is down): its body kept as a plain HTTP body, not framed as messages.
   */
  private plain?: { chunks: Uint8Array[]; kept: number; size: number };

  constructor(
    private readonly call: Call,
    private readonly session: DecoderSession,
    /** Did this connection's client spell out `path` in a request before this call's? (HTTP/2: guessMethod) */
    private readonly sentBefore?: (path: string) => boolean,
  ) {
    this.defs = protoDefinitionsOf(session.env.definitions);
    const keep = session.env.limits.maxBodyBytes;
    this.readers = { c2s: new LengthPrefixedReader(keep), s2c: new LengthPrefixedReader(keep) };
    call.protocol = 'grpc';
  }

  requestHeaders(h: HeaderList): void {
    this.requestHeaderList = h;
    const call = this.call;
    const f = call.fields;
    const path = hdr(h, ':path');
    if (path !== undefined) {
      call.target = path;
      const p = path.startsWith('/') ? path.slice(1) : path;
      call.method = p;
      const slash = p.lastIndexOf('/');
      if (slash > 0) {
        f['grpc.service'] = p.slice(0, slash);
        f['grpc.method'] = p.slice(slash + 1);
      } else f['grpc.method'] = p;
      // The loaded .proto files (with an editor position), else health checking / server
      // reflection with the bundled definitions, else a schema the capture taught.
      const schema = rpcSchema(this.defs, path, this.session.capture);
      this.method = schema.method;
      this.typeDefs = schema.typeDefs;
      if (schema.reflectionStream) this.reflection = new ReflectionAnswers(this.session.capture);
      noteRpcSchema(call, schema, this.defs, path);
    } else {
      call.method = call.method || '?';
      if (this.defs?.methods.size) this.forGuess = [];
    }
    const ct = hdr(h, 'content-type');
    if (ct) f['grpc.content_type'] = ct;
    // What the client declared; `grpc.encoding` (set at the end) says what compressed messages used.
    const enc = hdr(h, 'grpc-encoding');
    if (enc) f['grpc.request_encoding'] = enc;
    const acc = hdr(h, 'grpc-accept-encoding');
    if (acc) f['grpc.accept_encoding'] = acc;
    const ua = hdr(h, 'user-agent');
    if (ua) f['grpc.user_agent'] = ua;
    const authority = hdr(h, ':authority');
    if (authority) f['http2.header.authority'] = authority;
    const to = hdr(h, 'grpc-timeout');
    if (to !== undefined) {
      const us = parseGrpcTimeout(to);
      if (us === undefined) call.warnings.push(`malformed grpc-timeout "${to}"`);
      else {
        f['grpc.timeout'] = us;
        f['grpc.deadline'] = call.timing.startUs + us;
      }
    }
  }

  responseHeaders(h: HeaderList, endStream: boolean): void {
    this.responseHeaderList = h;
    // PROTOCOL-HTTP2.md: a response whose content-type is not application/grpc… is not gRPC (the
    // client fails the call from the HTTP status, doc/http-grpc-status-mapping.md); nor is a
    // non-200 response without one. gRPC-Web has its own content types and goes through HTTP/1.1 too.
    const ct = hdr(h, 'content-type');
    const status = hdr(h, ':status');
    if (!this.web && (ct !== undefined ? !isGrpcContentType(ct) : status !== undefined && status !== '200')) this.plain = { chunks: [], kept: 0, size: 0 };
    const enc = hdr(h, 'grpc-encoding');
    if (enc) this.call.fields['grpc.response_encoding'] = enc;
    if (hdr(h, 'grpc-status') !== undefined) {
      // Trailers-Only: the status rides in the only HEADERS frame.
      this.trailerList = h;
      this.call.fields['grpc.trailers_only'] = true;
      // (gRPC-Web, PROTOCOL-WEB.md "Protocol differences vs gRPC over HTTP/2": Trailers-Only is
      // the status in the response headers and an empty body, which ends as any HTTP body does:
      // over HTTP/1.1 there is no END_STREAM, and the router never has one to give)
      if (!endStream && !this.web) this.call.warnings.push('grpc-status in response headers without END_STREAM');
    }
  }

  trailers(h: HeaderList): void {
    this.trailerList = h;
  }

  data(dir: Dir, bytes: Uint8Array, offset: number, posAt: (offset: number) => Position): void {
    if (dir === 's2c' && this.plain) {
      const p = this.plain;
      if (p.size === 0 && this.call.timing.responseStartUs === undefined) this.call.timing.responseStartUs = posAt(offset).tsUs;
      p.size += bytes.length;
      const room = this.session.env.limits.maxBodyBytes - p.kept;
      if (room > 0) {
        const piece = bytes.length > room ? bytes.subarray(0, room) : bytes;
        p.chunks.push(piece.slice());
        p.kept += piece.length;
      }
      return;
    }
    this.readers[dir].push(bytes, offset, (m) => this.onMessage(dir, m, posAt));
  }

  /** `length` bytes of this side's DATA are missing from the capture (see LengthPrefixedReader.gap). */
  gap(dir: Dir, length: number, offset: number, posAt: (offset: number) => Position): void {
    if (dir === 's2c' && this.plain) {
      this.plain.size += length;
      this.call.warnings.push(`s2c: ${length} bytes of the response body missing from the capture (gap)`);
      return;
    }
    this.readers[dir].gap(length, offset, (m) => this.onMessage(dir, m, posAt));
  }

  /** Bytes of this side may be missing, how many unknown (see LengthPrefixedReader.unknownGap). */
  unknownGap(dir: Dir): void {
    this.readers[dir].unknownGap((m) => this.onMessage(dir, m, () => ({ frame: this.call.frames[this.call.frames.length - 1] ?? 0, tsUs: this.call.timing.endUs ?? this.call.timing.startUs, streamOffset: m.endOffset })));
  }

  /** A DATA frame of this side starts with `first` (undefined: empty or in a gap). */
  dataFrameStart(dir: Dir, first: number | undefined): void {
    if (this.readers[dir].frameStart(first)) this.call.warnings.push(`${dir}: gRPC message framing picked up again at a DATA frame after a gap`);
  }

  private onMessage(dir: Dir, m: LpMessage, posAt: (offset: number) => Position): void {
    if (m.flags & 0x80 && this.web) {
      // gRPC-Web trailers frame (PROTOCOL-WEB.md): HTTP/1-style header lines; they are the
      // response's trailers (as HTTP/2 trailers are for native gRPC) unless the HTTP layer had real ones.
      if (m.bytes) {
        const list = parseTrailerBlock(m.bytes);
        this.trailers(list);
        const resp = (this.call.response ??= {});
        if (dir === 's2c' && !resp.trailers?.length) resp.trailers = list;
      } else this.call.warnings.push(`gRPC-Web trailers frame of ${m.length} bytes too large`);
      return;
    }
    const index = this.counts[dir]++;
    this.payloadBytes[dir] += m.length;
    const end = posAt(m.endOffset);
    const compressed = (m.flags & 0x01) !== 0;
    if (compressed) this.compressedSeen[dir] = true;
    if (index === 0 && dir === 's2c' && this.call.timing.responseStartUs === undefined) this.call.timing.responseStartUs = posAt(m.startOffset).tsUs;
    if (this.messages.length >= this.session.env.limits.maxMessagesPerCall) {
      this.dropped++;
      return;
    }
    const warnings: string[] = [];
    if (m.missing) {
      // Cut by a gap in the capture: size and timing only.
      warnings.push(`${m.missing} of its ${m.length} bytes missing from the capture (gap): not decoded`);
      const msg: StreamMessage = { dir, index, tsUs: end.tsUs, size: m.length, frame: end.frame, label: 'DATA', compressed, warnings };
      if (this.messageWarnings < 5) this.call.warnings.push(`${dir} message ${index}: ${warnings[0]}`);
      this.messageWarnings++;
      this.messages.push(msg);
      this.rawSeen[dir] = true;
      return;
    }
    if (m.flags & (this.web ? 0x7e : 0xfe)) warnings.push(`reserved flag bits 0x${(m.flags & 0xfe).toString(16)} set`);
    const d = decodeGrpcMessage(m, this.decodeOptions(dir));
    if (d.raw) this.rawSeen[dir] = true;
    if (d.json) this.jsonSeen[dir]++;
    if (d.triple) this.call.fields['dubbo.serialization'] = d.triple;
    if (this.reflection && dir === 's2c' && d.value) warnings.push(...this.reflection.learn(d.value));
    warnings.push(...d.warnings);
    const msg: StreamMessage = { dir, index, tsUs: end.tsUs, size: m.length, frame: end.frame, label: 'DATA', compressed };
    if (d.value !== undefined) msg.value = d.value;
    if (warnings.length) {
      msg.warnings = warnings.slice(0, 20);
      // Surface the first few on the call too.
      if (this.messageWarnings < 5) this.call.warnings.push(`${dir} message ${index}: ${warnings[0]}`);
      this.messageWarnings++;
    }
    this.messages.push(msg);
    if (this.forGuess && this.forGuess.length < GUESS_MESSAGES && m.bytes && m.bytes.length <= GUESS_BYTES) {
      this.forGuess.push({ dir, flags: m.flags, length: m.length, bytes: m.bytes.slice(), msg });
    }
  }

  /**
   * The rpc of a call whose :path the capture cannot read: the one loaded rpc whose request and
   * response types every kept message fits (../protobuf/shape.ts), and whose streaming kinds allow
   * the number of messages each way. Found: the call is named after it (with a warning and
   * `grpc.method_guessed`) and its messages decoded again with the types. Several: named in a warning.
   */
  private guessMethod(): void {
    const kept = this.forGuess;
    this.forGuess = undefined;
    const defs = this.defs;
    if (!kept || !defs) return;
    const evidence = kept.filter((k) => !(k.flags & 1) && k.bytes.length > 0);
    if (!evidence.length) return;
    const resolve = resolverOf(defs);
    const budget = { steps: 200_000 };
    const fit: ProtoMethodInfo[] = [];
    let tried = 0;
    for (const m of defs.methods.values()) {
      if (++tried > 5000 || budget.steps < 0) return;
      if (!m.requestType || !m.responseType) continue;
      if (this.counts.c2s > 1 && !m.requestStream) continue;
      if (this.counts.s2c > 1 && !m.responseStream) continue;
      const types = { c2s: resolve(m.requestType), s2c: resolve(m.responseType) };
      if (!types.c2s || !types.s2c) continue;
      if (evidence.every((k) => fitsType(k.bytes, types[k.dir]!, budget))) fit.push(m);
    }
    const call = this.call;
    // An encoder that indexes every field (grpc-go, grpc-java, C-core) refers to a :path already in
    // its table; one it sent as a literal earlier on this connection was not there, so it is not
    // the entry from before the capture this call refers to.
    const notSent = fit.length > 1 && this.sentBefore ? fit.filter((m) => !this.sentBefore!(m.path)) : [];
    const m = fit.length === 1 ? fit[0] : notSent.length === 1 ? notSent[0] : undefined;
    if (!m) {
      const names = fit.slice(0, 4).map((x) => `${x.service}/${x.name}`);
      if (fit.length) call.warnings.push(`rpc unknown (its :path is an HPACK entry from before the capture): its messages fit ${fit.length} rpcs of the loaded .proto files (${names.join(', ')}${fit.length > 4 ? ', …' : ''})`);
      return;
    }
    const why =
      fit.length === 1
        ? 'it is the one rpc of the loaded .proto files whose message types fit every message of the call'
        : `of the ${fit.length} rpcs of the loaded .proto files whose message types fit every message of the call, it is the one whose :path the client had not sent earlier on this connection`;
    call.target = m.path;
    call.method = m.path.slice(1);
    call.fields['grpc.service'] = m.service;
    call.fields['grpc.method'] = m.name;
    call.fields['grpc.method_guessed'] = true;
    call.definition = rpcRef(m);
    this.method = m;
    this.typeDefs = undefined;
    this.optionsOf = {};
    call.warnings.push(`rpc ${m.path} guessed: its :path is an HPACK entry from before the capture, and ${why}`);
    const json = { c2s: 0, s2c: 0 };
    for (const k of kept) {
      const d = decodeGrpcMessage(k, this.decodeOptions(k.dir));
      if (d.value !== undefined) k.msg.value = d.value;
      if (d.warnings.length) k.msg.warnings = d.warnings.slice(0, 20);
      else delete k.msg.warnings;
      if (d.json) json[k.dir]++;
    }
    // Every message was kept (none larger, no more of them): none is raw any more unless its own decoding says so.
    if (kept.length === this.messages.length) {
      this.rawSeen = { c2s: false, s2c: false };
      this.jsonSeen = json;
    }
  }

  /**
   * How this side's messages are decoded (encoding, codec, type): worked out once per side, again
   * only when a header list it comes from changes (it was three header scans for every message).
   */
  private decodeOptions(dir: Dir): DecodeOptions {
    const headers = dir === 'c2s' ? this.requestHeaderList : this.responseHeaderList;
    const known = this.optionsOf[dir];
    if (known && known.request === this.requestHeaderList && known.own === headers) return known.options;
    const ct = hdr(this.requestHeaderList, 'content-type') ?? hdr(headers, 'content-type');
    const options: DecodeOptions = {
      encoding: hdr(headers, 'grpc-encoding') ?? (headers?.some(([k]) => k === UNKNOWN_ENTRY) ? LOST_ENCODING : undefined),
      codec: grpcCodec(ct),
      sniffJson: !grpcCodecNamed(ct),
      typeName: this.method ? (dir === 'c2s' ? this.method.requestType : this.method.responseType) : undefined,
      defs: this.typeDefs ?? this.defs,
      env: this.session.env,
      triple: { side: dir === 'c2s' ? 'request' : 'response', headers: isTriple(this.requestHeaderList) },
    };
    this.optionsOf[dir] = { request: this.requestHeaderList, own: headers, options };
    return options;
  }

  /** Fill status, kind, parts and messages. The HTTP/2 layer sets state, timing and emits. */
  finish(info: GrpcFinishInfo = {}): void {
    const call = this.call;
    const f = call.fields;
    const limits = this.session.env.limits;
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const r = this.readers[dir];
      if (r.pending) call.warnings.push(`${dir}: ${r.pending} bytes of an incomplete gRPC message`);
      if (r.losses) call.warnings.push(`${dir}: a gap in the capture hid where a gRPC message starts (${r.losses}×); ${r.skipped} bytes not framed as messages`);
    }
    if (this.dropped) call.warnings.push(`${this.dropped} messages beyond the first ${limits.maxMessagesPerCall} not kept`);
    f['grpc.request_messages'] = this.counts.c2s;
    f['grpc.response_messages'] = this.counts.s2c;
    if (this.forGuess) this.guessMethod();
    this.reflection?.note(f);

    // Status.
    const t = this.trailerList;
    const statusText = hdr(t, 'grpc-status');
    const httpStatus = Number(hdr(this.responseHeaderList, ':status'));
    if (statusText !== undefined && /^\d+$/.test(statusText.trim())) {
      const code = Number(statusText.trim());
      call.status = { code, text: grpcStatusName(code), ok: code === 0 };
      f['grpc.status'] = code;
    } else if (statusText !== undefined) {
      call.warnings.push(`malformed grpc-status "${statusText}"`);
    } else if (info.goaway) {
      // PROTOCOL-HTTP2.md "Connection Management": streams above a GOAWAY's last stream id were not
      // processed; the client fails them with UNAVAILABLE (grpcio: "GOAWAY received") or retries.
      call.status = { code: 14, text: grpcStatusName(14), ok: false };
      f['grpc.status'] = 14;
      f['grpc.status_from'] = 'goaway';
    } else if (info.rst) {
      let code = statusForRstStream(info.rst.code);
      // A client's reset at its own deadline is DEADLINE_EXCEEDED, not a cancellation by the
      // application or an internal error.
      if (pastDeadline(info.rst, f['grpc.deadline'], f['grpc.timeout'])) {
        code = 4;
        f['grpc.deadline_passed'] = true;
      }
      call.status = { code, text: grpcStatusName(code), ok: false };
      f['grpc.status'] = code;
      f['grpc.status_from'] = 'rst_stream';
    } else if (this.responseHeaderList && Number.isFinite(httpStatus) && (httpStatus !== 200 || this.plain)) {
      // (doc/http-grpc-status-mapping.md; a 200 that is not gRPC — a REST server on the path — maps to UNKNOWN)
      const code = statusForHttpStatus(httpStatus);
      call.status = { code, text: grpcStatusName(code), ok: false };
      f['grpc.status'] = code;
      f['grpc.status_from'] = 'http_status';
      call.warnings.push(`HTTP status ${httpStatus} without grpc-status`);
    } else if (info.ended?.s2c) {
      // A header field whose HPACK entry the capture does not hold (added before it began, or in
      // a gap) may be the grpc-status: grpc C-core indexes `grpc-status: 0`. Unknown, not absent.
      const unreadable = [t, this.responseHeaderList].some((list) => list?.some(([k]) => k === UNKNOWN_ENTRY));
      const guess = unreadable ? statusFromUnnamedFields(t ?? (this.counts.s2c ? undefined : this.responseHeaderList)) : undefined;
      if (guess) {
        call.status = { code: guess.code, text: grpcStatusName(guess.code), ok: guess.code === 0 };
        f['grpc.status'] = guess.code;
        f['grpc.status_from'] = 'unnamed_trailer';
        if (guess.message) f['grpc.message'] = percentDecode(guess.message);
        call.warnings.push(
          `grpc-status taken to be ${guess.code}: the trailers' names are HPACK entries from before the capture, and ${guess.code} is the first small number among their values${guess.message ? ' (the text after it taken as grpc-message)' : ''}`,
        );
      } else call.warnings.push(unreadable ? 'grpc-status unknown: the response refers to HPACK entries the capture does not hold' : 'response ended without grpc-status');
    }
    const msg = hdr(t, 'grpc-message');
    if (msg) f['grpc.message'] = percentDecode(msg);
    const details = hdr(t, 'grpc-status-details-bin');
    if (details) {
      const bytes = binaryHeaderValue(details);
      if (!bytes) call.warnings.push('grpc-status-details-bin is neither base64 nor true binary');
      else {
        const r = decodeProtobuf(bytes, 'google.rpc.Status', resolverFor(this.defs?.root, rpcStatusTypes()), limits);
        f['grpc.status_details'] = JSON.stringify(r.value).slice(0, 4096);
        for (const w of r.warnings.slice(0, 3)) call.warnings.push(`grpc-status-details-bin: ${w}`);
      }
    }
    const respEnc = hdr(this.responseHeaderList, 'grpc-encoding');
    // The encodings compressed messages actually used (a message's compressed flag, PROTOCOL-HTTP2.md
    // "Compressed-Flag"), not merely the ones the headers declared: grpc-encoding alone says how a
    // side's messages are compressed *when* they are, and identity or uncompressed messages are common.
    const used: string[] = [];
    const reqEnc = hdr(this.requestHeaderList, 'grpc-encoding');
    if (this.compressedSeen.c2s) used.push(reqEnc || '?');
    if (this.compressedSeen.s2c && !used.includes(respEnc || '?')) used.push(respEnc || '?');
    if (used.length) f['grpc.encoding'] = used.join(', ');
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      if (this.compressedSeen[dir] && this.decodeOptions(dir).encoding === LOST_ENCODING)
        call.warnings.push(`${dir} grpc-encoding unknown (an HPACK entry from before the capture): compressed messages read as gzip or deflate by their first bytes (RFC 1952 §2.3.1, RFC 1950 §2.2)`);
    }

    // Kind.
    if (this.method) {
      call.kind = this.method.requestStream ? (this.method.responseStream ? 'bidi' : 'client-stream') : this.method.responseStream ? 'server-stream' : 'unary';
    } else {
      const c = this.counts.c2s > 1;
      const s = this.counts.s2c > 1;
      call.kind = c && s ? 'bidi' : c ? 'client-stream' : s ? 'server-stream' : 'unary';
    }

    // Parts.
    const reqCt = hdr(this.requestHeaderList, 'content-type');
    const resCt = hdr(this.responseHeaderList, 'content-type') ?? reqCt;
    const codec = grpcCodec(reqCt);
    // (the codec a bare application/grpc left unsaid, when its messages were JSON)
    if (codec === 'proto' && (this.jsonSeen.c2s || this.jsonSeen.s2c)) f['grpc.codec'] = 'json';
    const part = (dir: Dir, ct: string | undefined, enc: string | undefined) => {
      const kind = codec === 'json' || (this.jsonSeen[dir] && this.jsonSeen[dir] === this.counts[dir]) ? 'json' : this.rawSeen[dir] ? 'protobuf-raw' : 'protobuf';
      const body: NonNullable<Call['request']>['body'] = { size: this.payloadBytes[dir], kind: this.counts[dir] ? kind : 'none' };
      if (ct) body.contentType = ct;
      if (enc && this.compressedSeen[dir]) body.encoding = enc;
      return body;
    };
    call.request = { ...call.request, body: part('c2s', reqCt, hdr(this.requestHeaderList, 'grpc-encoding')) };
    call.response = { ...call.response, body: part('s2c', resCt, respEnc) };
    if (this.plain && this.responseHeaderList) {
      const p = this.plain;
      const d = decodeHttpBody(concatBytes(p.chunks), p.size, this.responseHeaderList, this.session.env);
      call.response.body = d.body;
      for (const w of d.warnings.slice(0, 3)) call.warnings.push(`response body: ${w}`);
      if (p.size) call.warnings.push(`the response is not gRPC (content-type ${resCt === undefined ? 'missing' : `"${resCt}"`}): its ${p.size}-byte body is kept as an HTTP body`);
    }
    const single = (dir: Dir, streaming: boolean | undefined) => {
      if (streaming || this.counts[dir] !== 1) return;
      const m = this.messages.find((x) => x.dir === dir);
      if (!m || m.value === undefined) return;
      const part = dir === 'c2s' ? call.request! : call.response!;
      part.value = m.value;
      delete m.value;
    };
    single('c2s', this.method?.requestStream);
    single('s2c', this.method?.responseStream);
    if (this.messages.length) call.messages = this.messages;
    if (info.requestTrailers) call.warnings.push('request carried trailers (not allowed by gRPC)');
  }
}

/**
 * The status of trailers whose names the capture cannot read (each an HPACK reference to an entry
 * added before it began, RFC 7541 §2.3.2) but whose values were sent as literals: grpc-go, grpc-java
 * and C-core write grpc-status first and grpc-message right after it (PROTOCOL-HTTP2.md "Trailers"),
 * so the first unnamed field holding a status number 0–16 is taken as grpc-status, and an unnamed
 * text field right after it as grpc-message. Undefined when no value can be the status.
 */
export function statusFromUnnamedFields(list: HeaderList | undefined): { code: number; message?: string } | undefined {
  if (!list) return undefined;
  for (let i = 0; i < list.length; i++) {
    const [k, v] = list[i];
    if (k !== UNKNOWN_ENTRY || !/^(?:[0-9]|1[0-6])$/.test(v)) continue;
    const code = Number(v);
    const next = list[i + 1];
    const message = code !== 0 && next && next[0] === UNKNOWN_ENTRY && next[1] !== UNKNOWN_ENTRY && next[1] !== '' ? next[1] : undefined;
    return message ? { code, message } : { code };
  }
  return undefined;
}

/** Dubbo Triple's own request headers (tri-service-version, tri-consumer-appname, tri-service-group…). */
function isTriple(h: HeaderList | undefined): boolean {
  return !!h?.some(([k]) => k.startsWith('tri-'));
}

/** `name: value\r\n` lines of a gRPC-Web trailers frame (names lower-cased). */
export function parseTrailerBlock(bytes: Uint8Array): HeaderList {
  const out: HeaderList = [];
  let text = '';
  for (let i = 0; i < bytes.length && i < 65536; i++) text += String.fromCharCode(bytes[i]);
  for (const line of text.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    out.push([line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim()]);
  }
  return out;
}
