/**
 * Twirp (twitchtv/twirp, wire protocol v7; twirp-ts, protobuf-ts' Twirp transport, TwirpScript…) as
 * a body router: an HTTP exchange becomes a `twirp` call when it is a POST to
 * `[<prefix>]/[<package>.]<Service>/<Method>` (prefix `/twirp` unless the server chose another, or none)
 * whose body is one bare message, `application/protobuf` or `application/json`; an error is a non-200
 * status with a JSON body `{"code":"not_found","msg":…,"meta":{…}}`.
 *
 * Told from Connect's unary POST, which has the same shape (one bare message, a JSON error body):
 * Connect clients send `Connect-Protocol-Version`, a Connect protobuf body is `application/proto`
 * (Twirp's is `application/protobuf`) and a Connect error says `message` where Twirp says `msg`.
 * The Connect router runs first and takes its own; this one takes, of the rest, an exchange with
 * - an `application/protobuf` request to a route whose service is package-qualified or under `/twirp`;
 * - an `application/json` request to a route under `/twirp`, or sent with a `Twirp-Version` header
 *   (twitchtv/twirp's Go client), or answered by a Twirp error body, or naming an rpc of the loaded
 *   .proto files (under any prefix; with no prefix only when the answer is not a Connect error).
 * A JSON POST to `/api/Thing/Do` with none of these stays plain HTTP. It comes after every router a
 * JSON POST may be for (GraphQL, tRPC…): an exchange it matches and then leaves (no such rpc) is seen
 * by no later router (Hessian's, after it, takes only x-application/hessian).
 *
 * Naming as for gRPC and Connect: method `pkg.Service/Method`; the target is the path as sent
 * (with its prefix). Status: the HTTP status with the Twirp code as text (`✓ 200 OK`,
 * `✗ 404 not_found`); an error without a Twirp body gets the code a Twirp client gives it from the
 * HTTP status alone. Messages are decoded with the rpc's input/output types from the .proto files
 * (the raw wire format without them), as Connect's are.
 */
import type { Body, Call, Dir } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { utf8Strict } from '../core/bytes';
import type { BodyRouter } from '../http-common/routers';
import { headerValue as hdr, parseJsonBounded, parseMediaType } from '../http-common/body';
import { requestPath } from '../http-common/target';
import { plainlyTwirp, twirpRoute, underTwirp, type TwirpRoute } from './route';
import { bodyBytes } from '../grpc/web';
import { protoDefinitionsOf, type ProtoDefinitions, type ProtoMethodInfo } from '../protobuf/definitions';
import { noteRpcSchema, rpcSchema } from '../protobuf/grpc-services';
import { decodeProtobuf, resolverOf } from '../protobuf/decode';

/** Twirp wire protocol v7, "Error codes": each code and the HTTP status a server sends it with. */
export const TWIRP_CODES: Readonly<Record<string, number>> = Object.freeze({
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
});

/** Codes some implementations spell otherwise: TwirpScript sends `data_loss` for `dataloss`. */
const SPELLINGS: Readonly<Record<string, string>> = Object.freeze({ data_loss: 'dataloss' });

/** The spec's name of a code as sent (its own, or the one an implementation's spelling stands for). */
function specCode(code: string): string {
  return Object.hasOwn(SPELLINGS, code) ? SPELLINGS[code] : code;
}

function isTwirpCode(code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(TWIRP_CODES, specCode(code));
}

/**
 * The code a Twirp client gives an error that came without a Twirp error body (a proxy's or load
 * balancer's answer): 3xx and 400 internal, 401 unauthenticated, 403 permission_denied, 404 bad_route,
 * 429 and 502–504 unavailable, anything else unknown (twitchtv/twirp's client does so).
 */
export function twirpCodeForHttpStatus(status: number): string {
  if (status >= 300 && status < 400) return 'internal';
  switch (status) {
    case 400:
      return 'internal';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'bad_route';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'unknown';
  }
}

function essenceOf(ct: string | undefined): string {
  return parseMediaType(ct)?.essence ?? '';
}

type Codec = 'protobuf' | 'json';

function codecOf(essence: string): Codec | undefined {
  return essence === 'application/protobuf' ? 'protobuf' : essence === 'application/json' ? 'json' : undefined;
}

/** A JSON error body's object, when the body is one (parsed by the HTTP layer, or from its text). */
function jsonObject(body: Body | undefined, maxDepth: number): Record<string, unknown> | undefined {
  if (!body || !body.size) return undefined;
  let v: unknown;
  if (body.kind === 'json') v = body.value;
  else if (body.kind === 'text' || body.kind === 'binary') {
    const b = bodyBytes(body, 'utf8');
    const text = b.bytes && b.bytes.length <= 1 << 20 ? utf8Strict(b.bytes) : undefined;
    const r = text !== undefined && /^\s*\{/.test(text) ? parseJsonBounded(text, maxDepth) : undefined;
    v = r?.ok ? r.value : undefined;
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isTwirpErrorShape(o: Record<string, unknown> | undefined): boolean {
  return !!o && typeof o.code === 'string' && typeof o.msg === 'string' && (o.meta === undefined || (typeof o.meta === 'object' && o.meta !== null && !Array.isArray(o.meta)));
}

interface Shape {
  route: TwirpRoute;
  /** The request's (none: a request of another type or method, answered by a Twirp error) */
  codec?: Codec;
  /** Twirp only if its rpc is in the loaded .proto files (decided in apply, where they are). */
  needsMethod?: boolean;
}

function twirpShape(call: Call): Shape | undefined {
  const http = call.http;
  if (!http) return undefined;
  // (cheap first: only a POST, or an error that may be a Twirp server's, can be Twirp)
  if (http.method !== 'POST' && http.method !== undefined && (http.status === undefined || http.status < 400)) return undefined;
  const route = twirpRoute(http.uri);
  if (!route) return undefined;
  if (hdr(http.requestHeaders, 'connect-protocol-version') !== undefined) return undefined;
  // A Twirp server's error answers a request of any method or type sent to a route (bad_route:
  // "unsupported method GET", "unexpected Content-Type").
  const err = http.status !== undefined && http.status !== 200 ? jsonObject(http.responseBody, 64) : undefined;
  const twirpError = isTwirpErrorShape(err) && isTwirpCode(err!.code);
  if (http.method !== 'POST' && http.method !== undefined && !twirpError) return undefined;
  const reqCt = essenceOf(hdr(http.requestHeaders, 'content-type'));
  let codec = http.method === 'POST' || http.method === undefined ? codecOf(reqCt) : undefined;
  if (twirpError) return { route, codec };
  // No request type (its headers lost, or cut by a capture gap): a success's type says the codec,
  // on a route that is plainly Twirp's.
  if (!reqCt && !codec && http.method !== 'GET' && plainlyTwirp(route)) {
    codec = http.status === 200 ? codecOf(essenceOf(hdr(http.responseHeaders, 'content-type'))) : undefined;
    return codec ? { route, codec } : undefined;
  }
  if (!codec) return undefined;
  // (protobuf: the routes whose bodies the HTTP layer kept whole for this router, isTwirpProtobufTarget)
  if (hdr(http.requestHeaders, 'twirp-version') !== undefined || (codec === 'protobuf' ? plainlyTwirp(route) : underTwirp(route))) return { route, codec };
  // A Connect error (`message`, no `msg`) to a route without a prefix: a Connect call that did
  // not send Connect-Protocol-Version, not Twirp.
  if (route.prefix === '' && err && typeof err.message === 'string' && err.msg === undefined) return undefined;
  return { route, codec, needsMethod: true };
}

/** The shape `match` found, for `apply` of the same exchange (not computed twice). */
const shapes = new WeakMap<Call, Shape>();

export const twirpRouter: BodyRouter = {
  id: 'twirp',
  match(call: Call): boolean {
    const shape = twirpShape(call);
    if (!shape) return false;
    shapes.set(call, shape);
    return true;
  },
  apply(call: Call, session: DecoderSession): void {
    const shape = shapes.get(call) ?? twirpShape(call);
    shapes.delete(call);
    if (shape) new TwirpCall(call, session, shape).build();
  },
};

/** The most of an error's `meta` kept as the `twirp.meta` field (JSON text). */
const MAX_META_FIELD = 4096;

class TwirpCall {
  private readonly http: NonNullable<Call['http']>;
  private readonly defs?: ProtoDefinitions;
  private method?: ProtoMethodInfo;
  private typeDefs?: ProtoDefinitions;

  constructor(
    private readonly call: Call,
    private readonly session: DecoderSession,
    private readonly shape: Shape,
  ) {
    this.http = call.http!;
    this.defs = protoDefinitionsOf(session.env.definitions);
  }

  build(): void {
    const { call, http, shape } = this;
    const { route } = shape;
    const rpcPath = `/${route.service}/${route.method}`;
    const schema = rpcSchema(this.defs, rpcPath, this.session.capture);
    // A JSON POST that only has a route's shape, to no loaded rpc: left as plain HTTP.
    if (shape.needsMethod && schema.from !== 'loaded') return;
    this.method = schema.method;
    this.typeDefs = schema.typeDefs;
    const f = call.fields;
    call.protocol = 'twirp';
    call.kind = 'unary';
    call.method = `${route.service}/${route.method}`;
    call.target = requestPath(http.uri ?? rpcPath);
    f['twirp.service'] = route.service;
    f['twirp.method'] = route.method;
    f['twirp.prefix'] = route.prefix;
    if (shape.codec) f['twirp.codec'] = shape.codec;
    else call.warnings.push(`${http.method ?? 'a'} request${http.method === 'POST' ? ` of type ${essenceOf(hdr(http.requestHeaders, 'content-type')) || 'none'}` : ''} to a Twirp route: Twirp calls are POSTs of application/protobuf or application/json`);
    const version = hdr(http.requestHeaders, 'twirp-version');
    if (version !== undefined) f['twirp.version'] = version.slice(0, 64);
    noteRpcSchema(call, schema, this.defs, rpcPath);
    if (this.method && (this.method.requestStream || this.method.responseStream)) {
      call.warnings.push(`rpc ${rpcPath} streams in the .proto file; Twirp has no streams: one message each way (twirp-ts serves every rpc so)`);
    }
    if (shape.codec) this.message('c2s', http.requestBody, shape.codec);
    this.response();
  }

  private response(): void {
    const { call, http } = this;
    const f = call.fields;
    const status = http.status;
    if (status === undefined) {
      call.status = undefined;
      return;
    }
    const resCt = essenceOf(hdr(http.responseHeaders, 'content-type'));
    if (status === 200) {
      call.status = { code: 200, text: 'OK', ok: true };
      const codec = resCt ? codecOf(resCt) : (this.shape.codec ?? 'protobuf');
      // (a 200 of another type, such as a proxy's page, stays the HTTP body it is)
      if (!codec) call.warnings.push(`response Content-Type ${resCt} is not a Twirp one (application/protobuf, application/json): not decoded as a message`);
      else {
        if (this.shape.codec && codec !== this.shape.codec) call.warnings.push(`response in ${codec} to a ${this.shape.codec} request`);
        this.message('s2c', http.responseBody, codec);
      }
      return;
    }
    const err = jsonObject(http.responseBody, this.session.env.limits.maxDepth);
    let code: string;
    if (!isTwirpErrorShape(err) && this.cut('s2c')) {
      // (not an answer without a Twirp body: one whose body the capture lost)
      call.status = { code: status, text: http.reason ?? '', ok: false };
      call.warnings.push(`HTTP ${status}: the error body was not captured whole, its Twirp code is not known`);
      return;
    }
    if (isTwirpErrorShape(err) && isTwirpCode(err!.code)) {
      const e = err!;
      code = e.code as string;
      f['twirp.code'] = code;
      f['twirp.msg'] = (e.msg as string).slice(0, 4096);
      if (e.meta !== undefined) {
        const meta = JSON.stringify(e.meta);
        f['twirp.meta'] = meta.length > MAX_META_FIELD ? meta.slice(0, MAX_META_FIELD - 1) + '…' : meta;
      }
      const spec = specCode(code);
      if (spec !== code) call.warnings.push(`Twirp error code ${code}: the spec spells it ${spec}`);
      if (TWIRP_CODES[spec] !== status) call.warnings.push(`Twirp error code ${code} is sent with HTTP ${TWIRP_CODES[spec]}, this one came with ${status}`);
      if (resCt && resCt !== 'application/json') call.warnings.push(`Twirp error body sent as ${resCt}, not application/json`);
      (call.response ??= {}).value = e;
    } else {
      code = twirpCodeForHttpStatus(status);
      f['twirp.code'] = code;
      f['twirp.status_from'] = 'http_status';
      if (err && typeof err.code === 'string') call.warnings.push(`HTTP ${status} with an error body whose code ${JSON.stringify(err.code.slice(0, 64))} is not a Twirp error code: ${code}, as a Twirp client takes it`);
      else call.warnings.push(`HTTP ${status} without a Twirp error body (an intermediary's answer?): ${code}, as a Twirp client takes it`);
      if (err) (call.response ??= {}).value = err;
    }
    call.status = { code: status, text: code, ok: false };
  }

  /** The side's body was sent but not captured whole (a capture gap, a snaplen, the capture's end). */
  private cut(dir: Dir): boolean {
    const body = dir === 'c2s' ? this.http.requestBody : this.http.responseBody;
    if (body) return body.truncated === true;
    const length = hdr(dir === 'c2s' ? this.http.requestHeaders : this.http.responseHeaders, 'content-length');
    return length === undefined ? this.call.state !== 'complete' : !/^\s*0\s*$/.test(length);
  }

  /** The one message of a request or a 200 response: the JSON value as parsed, or the protobuf decoded by its type. */
  private message(dir: Dir, body: Body | undefined, codec: Codec): void {
    const call = this.call;
    const side = dir === 'c2s' ? 'request' : 'response';
    const part = dir === 'c2s' ? (call.request ??= {}) : (call.response ??= {});
    if (!body || !body.size) {
      // An empty protobuf body is a message whose fields all have their default values (proto3);
      // a body the capture lost is not one.
      if (codec === 'protobuf' && (dir === 's2c' || this.http.requestHeaders) && !this.cut(dir)) part.value = {};
      return;
    }
    if (codec === 'json') {
      if (body.kind === 'json' && body.value !== undefined && !body.truncated) part.value = body.value;
      else if (body.truncated) call.warnings.push(`${side}: the JSON body was not kept whole (a capture gap, or larger than the preview): not decoded`);
      else {
        // (not JSON: the HTTP layer has said why)
        const o = jsonObject(body, this.session.env.limits.maxDepth);
        if (o) part.value = o;
      }
      return;
    }
    const b = bodyBytes(body);
    if (!b.bytes) {
      // (a route the HTTP layer did not know for Twirp's: its raw decoding is what there is)
      if ((body.kind === 'protobuf-raw' || body.kind === 'protobuf') && body.value !== undefined) {
        part.value = body.value;
        call.warnings.push(`${side}: decoded without the rpc's types (the body's bytes were not kept)`);
      } else call.warnings.push(`${side} not decoded: ${b.why}`);
      return;
    }
    const typeName = this.method ? (dir === 'c2s' ? this.method.requestType : this.method.responseType) : undefined;
    const r = decodeProtobuf(b.bytes, typeName, resolverOf(this.typeDefs ?? this.defs), this.session.env.limits);
    part.value = r.value;
    for (const w of r.warnings.slice(0, 3)) call.warnings.push(`${side}: ${w}`);
    if (part.body) part.body = { ...part.body, kind: r.raw ? 'protobuf-raw' : 'protobuf' };
  }
}
