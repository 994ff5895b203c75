/**
 * The Connect protocol (https://connectrpc.com/docs/protocol, Connect-ES / connect-go / connect-kotlin…)
 * as a body router: an HTTP/1.1 or HTTP/2 exchange becomes a `connect` call when it is
 *
 * - a streaming call: `Content-Type: application/connect+proto` (or `+json`, any codec), enveloped
 *   messages (1 flags byte: 0x01 compressed by `Connect-Content-Encoding`, 0x02 end-stream; 4-byte
 *   big-endian length), the response ending with an end-stream message (JSON `{"error":…,"metadata":…}`);
 * - a unary call: a POST with `Connect-Protocol-Version: 1` (or `application/proto` to a
 *   `/pkg.Service/Method` path), the body one bare message (`application/proto`, `application/json`,
 *   compressed by `Content-Encoding`); an error is a non-200 status with a JSON body
 *   `{"code":"not_found","message":…,"details":[{"type","value"}]}`;
 * - a unary GET: `?connect=v1&encoding=proto|json&message=…[&base64=1][&compression=…]`.
 *
 * Naming as for gRPC: target `/pkg.Service/Method`, method `pkg.Service/Method`. Status: the
 * code shared with gRPC (`not_found` = 5) and the Connect name as text (`✗ 5 not_found`; success
 * `✓ 0 ok`). Messages are decoded with the .proto files like gRPC messages; error details
 * (`google.protobuf.Any`-like `{type, value}`) are decoded by their type.
 */
import type { Body, Call, Dir, HeaderList, StreamMessage } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { fromBase64, utf8Strict } from '../core/bytes';
import type { BodyRouter } from '../http-common/routers';
import { LengthPrefixedReader, decodeGrpcMessage, grpcDecompress, type LpMessage } from '../grpc/messages';
import { pastDeadline, statusForHttpStatus } from '../grpc/status';
import { clientResetAfterEnd, streamResetOf } from '../grpc/call';
import { protoDefinitionsOf, type ProtoDefinitions, type ProtoMethodInfo } from '../protobuf/definitions';
import { noteRpcSchema, rpcSchema } from '../protobuf/grpc-services';
import { ReflectionAnswers } from '../protobuf/learned';
import { decodeProtobuf, resolverOf } from '../protobuf/decode';
import { headerValue, parseJsonBounded, parseMediaType, parseUrlEncoded } from '../http-common/body';
import { bodyBytes } from '../grpc/web';

/** Connect error codes (connectrpc.com/docs/protocol#error-codes), indexed by the code they share with gRPC. */
const CONNECT_CODES = ['ok', 'canceled', 'unknown', 'invalid_argument', 'deadline_exceeded', 'not_found', 'already_exists', 'permission_denied', 'resource_exhausted', 'failed_precondition', 'aborted', 'out_of_range', 'unimplemented', 'internal', 'unavailable', 'data_loss', 'unauthenticated'];

/** (the header lookup shared by the HTTP decoders: no lower-casing of every name it passes) */
const hdr = headerValue;

function essenceOf(ct: string | undefined): string {
  return parseMediaType(ct)?.essence ?? '';
}

function pathOf(uri: string | undefined): { path: string; query: string } {
  const u = uri ?? '';
  const q = u.indexOf('?');
  return q < 0 ? { path: u, query: '' } : { path: u.slice(0, q), query: u.slice(q + 1) };
}

const RPC_PATH = /^\/[^/?\s]+\/[^/?\s]+$/;

/** The query's parameters, the first value of each (a Map: no inherited names). */
function queryParams(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(parseUrlEncoded(query))) out.set(k, Array.isArray(v) ? (v[0] ?? '') : v);
  return out;
}

/**
 * How the exchange is Connect, or undefined when it is not. `query`: a GET's parameters (first
 * value each). `needsMethod`: a GET with `message` and `encoding` but without `connect=v1` (the
 * version is optional, connectrpc.com/docs/protocol "Unary-Get-Request") is Connect only when its
 * path is a method of the loaded .proto files — a REST GET like `/api/search?message=x&encoding=utf8`
 * is not; decided in `apply`, where the definitions are at hand.
 */
interface ConnectShape {
  kind: 'stream' | 'unary' | 'get';
  query?: Map<string, string>;
  needsMethod?: boolean;
}

function connectShape(http: NonNullable<Call['http']>): ConnectShape | undefined {
  const reqCt = essenceOf(hdr(http.requestHeaders, 'content-type'));
  if (reqCt.startsWith('application/connect+')) return { kind: 'stream' };
  if (http.method === 'GET') {
    const { path, query } = pathOf(http.uri);
    if (!query || !RPC_PATH.test(path)) return undefined;
    const q = queryParams(query);
    if (q.get('connect') === 'v1') return { kind: 'get', query: q };
    return q.has('message') && q.has('encoding') ? { kind: 'get', query: q, needsMethod: true } : undefined;
  }
  if (http.method !== 'POST' && http.method !== undefined) return undefined;
  if (reqCt.startsWith('application/grpc')) return undefined;
  if (hdr(http.requestHeaders, 'connect-protocol-version') !== undefined) return { kind: 'unary' };
  if (reqCt === 'application/proto' && RPC_PATH.test(pathOf(http.uri).path)) return { kind: 'unary' };
  // Only the response spoke (request headers lost): a Connect streaming response.
  if (essenceOf(hdr(http.responseHeaders, 'content-type')).startsWith('application/connect+')) return { kind: 'stream' };
  return undefined;
}

/** The shape `match` found, for `apply` of the same exchange (not computed twice). */
const shapes = new WeakMap<Call, ConnectShape>();

function codecOf(ct: string): string {
  // application/connect+proto → proto; application/proto → proto; application/json → json
  const e = essenceOf(ct);
  const plus = e.indexOf('+');
  if (e.startsWith('application/connect+')) return e.slice(plus + 1);
  const slash = e.indexOf('/');
  return slash >= 0 ? e.slice(slash + 1) : 'proto';
}

interface ConnectError {
  code?: string;
  message?: string;
  details?: unknown[];
  /** Dubbo 3 Triple over HTTP (dubbo-js, a fork of connect-es) names the gRPC code here. */
  status?: unknown;
}

export const connectRouter: BodyRouter = {
  id: 'connect',
  match(call: Call): boolean {
    const shape = call.http && connectShape(call.http);
    if (!shape) return false;
    shapes.set(call, shape);
    return true;
  },
  apply(call: Call, session: DecoderSession): void {
    const shape = shapes.get(call) ?? (call.http && connectShape(call.http));
    shapes.delete(call);
    if (shape) new ConnectCall(call, session, shape).build();
  },
};

class ConnectCall {
  private readonly http: NonNullable<Call['http']>;
  private readonly defs;
  private method?: ProtoMethodInfo;
  /** Where the method's message types live: the bundled standard services', else the loaded ones. */
  private typeDefs?: ProtoDefinitions;
  /** This call is the server reflection stream: its answers teach schemas. */
  private reflection?: ReflectionAnswers;
  private messages: StreamMessage[] = [];
  private counts: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private raw: Record<Dir, boolean> = { c2s: false, s2c: false };
  private endStream?: { error?: ConnectError; metadata?: unknown };
  private dropped = 0;

  constructor(
    private readonly call: Call,
    private readonly session: DecoderSession,
    private readonly shape: ConnectShape,
  ) {
    this.http = call.http!;
    this.defs = protoDefinitionsOf(session.env.definitions);
  }

  build(): void {
    const { call, http } = this;
    const shape = this.shape.kind;
    const { path } = pathOf(http.uri);
    // As for gRPC: the loaded .proto files, else health checking / server reflection (connect-go's
    // grpchealth and grpcreflect serve them over Connect too; buf curl asks), else a schema the
    // capture taught.
    const schema = rpcSchema(this.defs, path, this.session.capture);
    this.method = schema.method;
    this.typeDefs = schema.typeDefs;
    if (schema.reflectionStream) this.reflection = new ReflectionAnswers(this.session.capture);
    // A GET that only looks like Connect's (no `connect=v1`) and names no loaded method: left as plain HTTP.
    if (this.shape.needsMethod && !this.method) return;
    const f = call.fields;
    call.protocol = 'connect';
    call.target = path;
    const p = path.startsWith('/') ? path.slice(1) : path;
    call.method = p || '?';
    const slash = p.lastIndexOf('/');
    if (slash > 0) {
      f['connect.service'] = p.slice(0, slash);
      f['connect.method'] = p.slice(slash + 1);
    }
    f['connect.streaming'] = shape === 'stream';
    // (a GET says its version in the query: `connect=v1`)
    const getVersion = /^v(\d+)$/.exec(this.shape.query?.get('connect') ?? '')?.[1];
    const version = hdr(http.requestHeaders, 'connect-protocol-version') ?? getVersion;
    if (version !== undefined) f['connect.protocol_version'] = version;
    if (shape === 'get') f['connect.get'] = true;
    const timeout = hdr(http.requestHeaders, 'connect-timeout-ms');
    if (timeout !== undefined) {
      if (/^\s*\d{1,10}\s*$/.test(timeout)) {
        f['connect.timeout'] = Number(timeout) * 1000;
        f['connect.deadline'] = call.timing.startUs + Number(timeout) * 1000;
      } else call.warnings.push(`malformed connect-timeout-ms "${timeout}"`);
    }
    noteRpcSchema(call, schema, this.defs, path, RPC_PATH.test(path));
    if (shape === 'stream') this.stream();
    else this.unary(shape, this.shape.query ?? new Map());
    if (this.messages.length) call.messages = this.messages;
    if (this.dropped) call.warnings.push(`${this.dropped} messages beyond the first ${this.session.env.limits.maxMessagesPerCall} not kept`);
    f['connect.request_messages'] = this.counts.c2s;
    f['connect.response_messages'] = this.counts.s2c;
    this.reflection?.note(f);
    this.kind(shape);
    this.deadlineStatus();
    // Connect-ES clients reset the HTTP/2 stream (RST_STREAM INTERNAL_ERROR or CANCEL) once they
    // have read the end-stream message, before the server's END_STREAM: the call ended normally.
    if (this.endStream && clientResetAfterEnd(call)) f['connect.reset_after_end_stream'] = true;
  }

  private kind(shape: string): void {
    const call = this.call;
    if (this.method) {
      call.kind = this.method.requestStream ? (this.method.responseStream ? 'bidi' : 'client-stream') : this.method.responseStream ? 'server-stream' : 'unary';
    } else if (shape !== 'stream') call.kind = 'unary';
    else {
      const c = this.counts.c2s > 1;
      const s = this.counts.s2c > 1;
      call.kind = c && s ? 'bidi' : c ? 'client-stream' : s ? 'server-stream' : 'unary';
    }
  }

  /**
   * A call the client gave up on at or past its Connect-Timeout-Ms: its RST_STREAM there, by the
   * rule gRPC uses for grpc-timeout (a server's reset, a GOAWAY or a closed connection is not one).
   */
  private deadlineStatus(): void {
    const call = this.call;
    const f = call.fields;
    if (f['connect.code'] !== undefined || this.http.status !== undefined) return;
    if (call.state !== 'aborted') return;
    if (pastDeadline(streamResetOf(call), f['connect.deadline'], f['connect.timeout'])) {
      this.setCode(4, true);
      f['connect.deadline_passed'] = true;
    }
  }

  private setCode(code: number, fromClient = false): void {
    const name = CONNECT_CODES[code] ?? 'unknown';
    this.call.status = { code, text: name, ok: code === 0 };
    if (code !== 0) this.call.fields['connect.code'] = name;
    if (fromClient) this.call.fields['connect.status_from'] = 'client';
  }

  private error(e: ConnectError, httpStatus: number | undefined): void {
    const f = this.call.fields;
    const code = typeof e.code === 'string' ? CONNECT_CODES.indexOf(e.code) : -1;
    if (code > 0) this.setCode(code);
    else if (e.code === undefined && typeof e.status === 'number' && Number.isInteger(e.status) && e.status > 0 && e.status <= 16) {
      // Triple's error body {status, message}: the status is a gRPC code (Triple Protocol Specification §3.1;
      // dubbo-js 3.0 sends these, e.g. 5 for a NotFound), not the HTTP status's Connect code
      this.setCode(e.status);
      f['triple.status'] = e.status;
    } else {
      if (e.code !== undefined) this.call.warnings.push(`unknown Connect error code ${JSON.stringify(e.code)}`);
      this.setCode(httpStatus !== undefined && httpStatus !== 200 ? statusForHttpStatus(httpStatus) : 2);
    }
    if (typeof e.message === 'string') f['connect.message'] = e.message;
    if (Array.isArray(e.details) && e.details.length) {
      const details = e.details.slice(0, 16).map((d) => this.detail(d));
      (e as { details: unknown[] }).details = details;
      f['connect.error_details'] = JSON.stringify(details).slice(0, 4096);
    }
  }

  /** `{type: "pkg.Msg", value: base64 (unpadded, std or URL-safe), debug?}` → with `value` decoded. */
  private detail(d: unknown): unknown {
    if (!d || typeof d !== 'object') return d;
    const o = d as Record<string, unknown>;
    if (typeof o.type !== 'string' || typeof o.value !== 'string') return d;
    const bytes = fromBase64(o.value);
    if (!bytes) {
      this.call.warnings.push(`error detail ${o.type}: value is not base64`);
      return d;
    }
    const r = decodeProtobuf(bytes, o.type, resolverOf(this.defs), this.session.env.limits);
    for (const w of r.warnings.slice(0, 2)) this.call.warnings.push(`error detail ${o.type}: ${w}`);
    return { ...o, value: r.value };
  }

  private decodeMessage(dir: Dir, bytes: Uint8Array, codec: string, flags: number, encoding: string | undefined): { value?: unknown; warnings: string[] } {
    const d = decodeGrpcMessage(
      { flags: flags & 0x01, length: bytes.length, bytes },
      { encoding, codec, typeName: this.method ? (dir === 'c2s' ? this.method.requestType : this.method.responseType) : undefined, defs: this.typeDefs ?? this.defs, env: this.session.env },
    );
    if (d.raw) this.raw[dir] = true;
    const warnings = d.warnings.map((w) => w.replace('application/grpc+json', 'JSON'));
    if (this.reflection && dir === 's2c' && d.value) warnings.push(...this.reflection.learn(d.value));
    return { value: d.value, warnings };
  }

  private push(msg: StreamMessage): void {
    if (this.messages.length >= this.session.env.limits.maxMessagesPerCall) this.dropped++;
    else this.messages.push(msg);
  }

  private stream(): void {
    const { call, http } = this;
    const reqCt = hdr(http.requestHeaders, 'content-type') ?? hdr(http.responseHeaders, 'content-type') ?? '';
    const resCt = hdr(http.responseHeaders, 'content-type') ?? reqCt;
    const reqAt = { frame: call.frames[0] ?? 0, tsUs: call.timing.requestEndUs ?? call.timing.startUs };
    const resAt = { frame: call.frames[call.frames.length - 1] ?? reqAt.frame, tsUs: call.timing.endUs ?? reqAt.tsUs };
    const keep = this.session.env.limits.maxBodyBytes;
    let warned = 0;
    const side = (dir: Dir, body: Body | undefined, ct: string, encoding: string | undefined) => {
      const at = dir === 'c2s' ? reqAt : resAt;
      const b = bodyBytes(body, 'utf8');
      if (!b.bytes) {
        if (body) call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'} not decoded: ${b.why}`);
        return;
      }
      const reader = new LengthPrefixedReader(keep);
      const codec = codecOf(ct);
      const payload = { c2s: 0, s2c: 0 };
      reader.push(b.bytes, 0, (m: LpMessage) => {
        if (dir === 's2c' && m.flags & 0x02) {
          this.endOfStream(m, encoding, at);
          return;
        }
        const index = this.counts[dir]++;
        payload[dir] += m.length;
        const msg: StreamMessage = { dir, index, tsUs: at.tsUs, size: m.length, frame: at.frame, label: 'message', compressed: (m.flags & 0x01) !== 0 };
        const warnings: string[] = [];
        if (m.flags & 0xfc || (dir === 'c2s' && m.flags & 0x02)) warnings.push(`reserved flag bits 0x${m.flags.toString(16)} set`);
        if (!m.bytes) warnings.push(`message of ${m.length} bytes is larger than the ${keep}-byte preview: not decoded`);
        else {
          const d = this.decodeMessage(dir, m.bytes, codec, m.flags, encoding);
          if (d.value !== undefined) msg.value = d.value;
          warnings.push(...d.warnings);
        }
        if (warnings.length) {
          msg.warnings = warnings.slice(0, 20);
          if (warned++ < 5) call.warnings.push(`${dir} message ${index}: ${warnings[0]}`);
        }
        this.push(msg);
      });
      if (reader.pending) call.warnings.push(`${dir}: ${reader.pending} bytes of an incomplete Connect message`);
      const part = dir === 'c2s' ? (call.request ??= {}) : (call.response ??= {});
      part.body = { size: body?.size ?? 0, kind: this.counts[dir] ? (codec === 'json' ? 'json' : this.raw[dir] ? 'protobuf-raw' : 'protobuf') : 'none' };
      if (ct) part.body.contentType = ct;
      if (encoding && this.messages.some((m) => m.dir === dir && m.compressed)) part.body.encoding = encoding;
    };
    side('c2s', http.requestBody, reqCt, hdr(http.requestHeaders, 'connect-content-encoding'));
    side('s2c', http.responseBody, resCt, hdr(http.responseHeaders, 'connect-content-encoding'));
    const enc = hdr(http.requestHeaders, 'connect-content-encoding');
    if (enc) call.fields['connect.encoding'] = enc;
    // Single messages of non-streaming sides as request/response values (like gRPC).
    const single = (dir: Dir, streaming: boolean | undefined) => {
      if (streaming || this.counts[dir] !== 1) return;
      const m = this.messages.find((x) => x.dir === dir && x.label === 'message');
      if (!m || m.value === undefined) return;
      const part = dir === 'c2s' ? call.request! : call.response!;
      part.value = m.value;
      delete m.value;
    };
    single('c2s', this.method?.requestStream ?? true);
    single('s2c', this.method?.responseStream ?? true);

    const status = http.status;
    if (this.endStream) {
      const err = this.endStream.error;
      if (err && typeof err === 'object') this.error(err, status);
      else this.setCode(0);
    } else if (status !== undefined && status !== 200) {
      // An HTTP error before any stream (RFC: servers answer unsupported requests this way).
      this.setCode(statusForHttpStatus(status));
      call.fields['connect.status_from'] = 'http_status';
      call.warnings.push(`HTTP status ${status} without a Connect end-stream message`);
    } else if (status === 200 && call.state === 'complete') {
      call.warnings.push('response ended without a Connect end-stream message');
      call.status = undefined;
    } else call.status = undefined;
  }

  private endOfStream(m: LpMessage, encoding: string | undefined, at: { frame: number; tsUs: number }): void {
    const call = this.call;
    let bytes = m.bytes;
    const msg: StreamMessage = { dir: 's2c', index: this.counts.s2c, tsUs: at.tsUs, size: m.length, frame: at.frame, label: 'end-stream', compressed: (m.flags & 0x01) !== 0 };
    if (bytes && m.flags & 0x01) {
      const w: string[] = [];
      bytes = grpcDecompress(bytes, encoding, this.session.env, w);
      for (const x of w) call.warnings.push(`end-stream message: ${x}`);
    }
    const text = bytes ? utf8Strict(bytes) : undefined;
    const parsed = text !== undefined ? parseJsonBounded(text, this.session.env.limits.maxDepth) : undefined;
    const value: unknown = parsed?.ok ? parsed.value : undefined;
    if (parsed?.ok && parsed.note) call.warnings.push(`end-stream message: ${parsed.note}`);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      call.warnings.push('end-stream message is not a JSON object');
      this.endStream = {};
      msg.value = text;
    } else {
      this.endStream = value as { error?: ConnectError; metadata?: unknown };
      const md = this.endStream.metadata;
      if (md && typeof md === 'object') {
        const trailers: HeaderList = [];
        for (const [k, vs] of Object.entries(md as Record<string, unknown>)) for (const v of Array.isArray(vs) ? vs : [vs]) trailers.push([k.toLowerCase(), String(v)]);
        call.response = { ...call.response, trailers };
      }
      msg.value = value;
    }
    this.push(msg);
  }

  private unary(shape: 'unary' | 'get', q: Map<string, string>): void {
    const { call, http } = this;
    const f = call.fields;
    // Request.
    if (shape === 'get') {
      const encoding = q.get('encoding') ?? 'proto';
      const compression = q.get('compression');
      let bytes: Uint8Array | undefined;
      const msg = q.get('message') ?? '';
      if (q.get('base64') === '1') {
        bytes = fromBase64(msg);
        if (!bytes) call.warnings.push('message query parameter is not base64');
      } else bytes = new TextEncoder().encode(msg);
      if (bytes && compression && compression !== 'identity') {
        const w: string[] = [];
        bytes = grpcDecompress(bytes, compression, this.session.env, w);
        for (const x of w) call.warnings.push(`request: ${x}`);
      }
      if (compression) f['connect.encoding'] = compression;
      if (bytes) this.unaryMessage('c2s', bytes, encoding);
    } else {
      const ct = hdr(http.requestHeaders, 'content-type') ?? 'application/proto';
      this.unaryBody('c2s', http.requestBody, codecOf(ct));
      const enc = hdr(http.requestHeaders, 'content-encoding');
      if (enc) f['connect.encoding'] = enc;
    }
    // Response.
    const status = http.status;
    if (status === undefined) {
      call.status = undefined;
      return;
    }
    const resCt = hdr(http.responseHeaders, 'content-type') ?? '';
    if (status === 200) {
      this.unaryBody('s2c', http.responseBody, codecOf(resCt || (hdr(http.requestHeaders, 'content-type') ?? 'application/proto')));
      this.setCode(0);
      return;
    }
    // Errors: a JSON body with code/message/details; else the HTTP status says it.
    const body = http.responseBody;
    let err: ConnectError | undefined;
    if (body?.kind === 'json' && body.value && typeof body.value === 'object') err = body.value as ConnectError;
    else if (body && body.size) {
      const b = bodyBytes(body, 'utf8');
      const text = b.bytes ? utf8Strict(b.bytes) : undefined;
      const parsed = text !== undefined ? parseJsonBounded(text, this.session.env.limits.maxDepth) : undefined;
      if (parsed?.ok && parsed.value && typeof parsed.value === 'object') err = parsed.value as ConnectError;
    }
    if (err && (typeof err.code === 'string' || (err.code === undefined && typeof err.status === 'number' && typeof err.message === 'string'))) {
      this.error(err, status);
      call.response = { ...call.response, value: err };
      return;
    }
    this.setCode(statusForHttpStatus(status));
    f['connect.status_from'] = 'http_status';
    call.warnings.push(`HTTP status ${status} without a Connect error body`);
  }

  /**
   * A unary message in an HTTP body: a JSON message is the value the HTTP layer parsed (its bytes
   * are not made again to be parsed again); any other, the body's bytes decoded.
   */
  private unaryBody(dir: Dir, body: Body | undefined, codec: string): void {
    if (codec === 'json' && body?.kind === 'json' && body.value !== undefined && !body.truncated) {
      this.counts[dir]++;
      (dir === 'c2s' ? (this.call.request ??= {}) : (this.call.response ??= {})).value = body.value;
      return;
    }
    const b = bodyBytes(body, 'utf8');
    if (b.bytes) this.unaryMessage(dir, b.bytes, codec, body);
    else this.call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'} not decoded: ${b.why}`);
  }

  private unaryMessage(dir: Dir, bytes: Uint8Array, codec: string, body?: Body): void {
    const call = this.call;
    this.counts[dir]++;
    const part = dir === 'c2s' ? (call.request ??= {}) : (call.response ??= {});
    const d = this.decodeMessage(dir, bytes, codec, 0, undefined);
    if (d.value !== undefined) part.value = d.value;
    for (const w of d.warnings.slice(0, 3)) call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'}: ${w}`);
    if (part.body && codec !== 'json') part.body = { ...part.body, kind: this.raw[dir] ? 'protobuf-raw' : 'protobuf' };
  }
}
