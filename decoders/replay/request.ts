/**
 * Turn a captured call into a request to issue again: HTTP method, path, headers and body;
 * XML-RPC and JSON-RPC bodies re-encoded from (possibly edited) values; gRPC request messages
 * encoded with protobufjs from the .proto, or from the schema-less decoding (field numbers)
 * when there is no schema, or the original bytes when the caller has them.
 *
 * Two steps, so a UI can show the value for editing in between:
 *   const e = editableOf(call);             // { kind: 'jsonrpc', value: {...} } → edit as JSON
 *   const r = buildRequest(call, { edited: e.value, proto });
 */
import * as protobuf from 'protobufjs';
import type { Call, HeaderList } from '../core/model';
import { fromBase64, fromHex, utf8Bytes } from '../core/bytes';
import { lookupMethod, type ProtoDefinitions } from '../protobuf/definitions';

export type EditableKind = 'jsonrpc' | 'xmlrpc' | 'grpc' | 'json' | 'text' | 'bytes' | 'none';

export interface Editable {
  kind: EditableKind;
  /**
   * jsonrpc: the whole request object ({ jsonrpc, method, params, id }); xmlrpc: { method, params };
   * grpc: the request message (proto field names, or field numbers without a schema);
   * json: the body value; text: the body text; bytes: lower-case hex; none: undefined.
   */
  value: unknown;
  /** Why the value may not be exactly what was sent (cut preview, no schema…). */
  notes: string[];
}

export interface ReplayRequest {
  /** 'http' (HTTP/1.1 or h2 REST, XML-RPC, JSON-RPC) or 'grpc' (HTTP/2 with gRPC framing). */
  transport: 'http' | 'grpc';
  protocol: string;
  method: string;
  /** Path with query: `/persons/1?x=y`, or `/pkg.Service/Method` for gRPC. */
  path: string;
  /** Headers to send (hop-by-hop, length and pseudo-headers removed). */
  headers: HeaderList;
  /** HTTP body, or for gRPC the concatenated length-prefixed messages. */
  body: Uint8Array;
  /** The original server and Host/:authority, for "send to the original target". */
  original: { ip: string; port: number; authority?: string };
  /** For gRPC: the types used to encode the request and to decode the response. */
  grpc?: { requestType?: string; responseType?: string; messages: number };
  warnings: string[];
}

export interface BuildOptions {
  /** Edited value (same shape as `editableOf(call).value`); default: the captured value. */
  edited?: unknown;
  /** Protobuf definitions, for gRPC. */
  proto?: ProtoDefinitions;
  /** The original request body bytes (HTTP body, or gRPC framed messages), when the caller has them. */
  rawBody?: Uint8Array;
}

/** Headers never copied to a new request. */
const DROP_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'http2-settings',
  'te',
  'host',
  'expect',
  // The replay decodes responses itself; ask for plain bodies.
  'accept-encoding',
  'content-encoding',
  'grpc-accept-encoding',
  'grpc-encoding',
  'grpc-timeout',
]);

function isGrpc(call: Call): boolean {
  return call.protocol === 'grpc' || call.protocol === 'grpc-web' || (call.target?.startsWith('/') === true && typeof call.fields['grpc.service'] === 'string');
}

function requestBodyOf(call: Call) {
  return call.http?.requestBody ?? call.request?.body;
}

/** What of the request can be edited, and its current value. */
export function editableOf(call: Call): Editable {
  const notes: string[] = [];
  const body = requestBodyOf(call);
  if (body?.truncated) notes.push(`the capture kept only the first bytes of the ${body.size}-byte body`);
  if (isGrpc(call)) {
    if (call.request?.body?.kind === 'protobuf-raw') notes.push('no .proto for this call: fields are numbered, re-encoded from their decoded values');
    const msgs = (call.messages ?? []).filter((m) => m.dir === 'c2s');
    if (msgs.length > 1) notes.push(`only the first of ${msgs.length} request messages is editable`);
    return { kind: 'grpc', value: call.request?.value ?? msgs[0]?.value ?? {}, notes };
  }
  if (call.protocol === 'jsonrpc') {
    const v = body?.value;
    if (v !== undefined) return { kind: 'jsonrpc', value: v, notes };
    return { kind: 'jsonrpc', value: { jsonrpc: '2.0', method: call.method, params: call.request?.value, id: call.fields['jsonrpc.id'] ?? 1 }, notes };
  }
  if (call.protocol === 'xmlrpc') {
    return { kind: 'xmlrpc', value: { method: call.method, params: Array.isArray(call.request?.value) ? call.request?.value : [] }, notes };
  }
  if (!body || body.size === 0) return { kind: 'none', value: undefined, notes };
  if (body.kind === 'json' && body.value !== undefined) return { kind: 'json', value: body.value, notes };
  if (body.text !== undefined) return { kind: 'text', value: body.text, notes };
  if (body.hex !== undefined) return { kind: 'bytes', value: body.hex, notes };
  notes.push('the body was not kept in the capture');
  return { kind: 'none', value: undefined, notes };
}

/** The request to send for `call`. Throws when the call is not HTTP-carried (no method/path). */
export function buildRequest(call: Call, opts: BuildOptions = {}): ReplayRequest {
  const warnings: string[] = [];
  const grpc = isGrpc(call);
  const http = call.http;
  const reqHeaders: HeaderList = http?.requestHeaders ?? call.request?.headers ?? [];
  const pseudo = (n: string) => reqHeaders.find(([k]) => k.toLowerCase() === n)?.[1];
  const method = grpc ? 'POST' : (http?.method ?? pseudo(':method'));
  const path = grpc ? (call.target ?? pseudo(':path')) : (http?.uri ?? pseudo(':path') ?? call.target);
  if (!method || !path) throw new Error(`call ${call.id} (${call.protocol} ${call.method}) is not an HTTP or gRPC request; it cannot be resent`);
  const authority = http?.host ?? pseudo(':authority') ?? pseudo('host');
  const headers: HeaderList = [];
  for (const [k, v] of reqHeaders) {
    const n = k.toLowerCase();
    if (n.startsWith(':') || DROP_HEADERS.has(n)) continue;
    headers.push([k, v]);
  }
  const editable = editableOf(call);
  const edited = opts.edited !== undefined;
  const value = edited ? opts.edited : editable.value;
  let body: Uint8Array;
  let grpcInfo: ReplayRequest['grpc'];
  if (grpc) {
    const info = lookupMethod(opts.proto, path);
    grpcInfo = { requestType: info?.requestType, responseType: info?.responseType, messages: 1 };
    if (opts.rawBody && !edited) {
      body = opts.rawBody;
    } else {
      let msg: Uint8Array;
      const type = info && opts.proto ? lookupType(opts.proto.root, info.requestType) : undefined;
      if (type) msg = encodeProto(type, value ?? {});
      else {
        if (info) warnings.push(`request type ${info.requestType} not found; encoded without a schema`);
        else if (call.request?.body?.kind !== 'protobuf-raw' && value && Object.keys(value as object).some((k) => !/^\d+$/.test(k))) {
          throw new Error(`no .proto found for ${path}: add its .proto (callscope.protoPaths or --proto) to encode the request`);
        }
        msg = encodeRawProto(value ?? {});
      }
      body = grpcFrame(msg);
    }
    if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/grpc']);
  } else {
    body = encodeHttpBody(call, editable.kind, value, edited, opts.rawBody, warnings);
  }
  if (!edited) for (const n of editable.notes) if (!(opts.rawBody && /first bytes/.test(n))) warnings.push(n);
  return {
    transport: grpc ? 'grpc' : 'http',
    protocol: call.protocol,
    method,
    path,
    headers,
    body,
    original: { ip: call.server.ip, port: call.server.port, authority },
    grpc: grpcInfo,
    warnings,
  };
}

function encodeHttpBody(call: Call, kind: EditableKind, value: unknown, edited: boolean, raw: Uint8Array | undefined, warnings: string[]): Uint8Array {
  if (raw && !edited) return raw;
  switch (kind) {
    case 'jsonrpc':
    case 'json':
      return utf8Bytes(JSON.stringify(value));
    case 'xmlrpc': {
      const v = (value ?? {}) as { method?: string; params?: unknown[] };
      return utf8Bytes(encodeXmlRpcCall(v.method ?? call.method, Array.isArray(v.params) ? v.params : []));
    }
    case 'text':
      return utf8Bytes(String(value ?? ''));
    case 'bytes':
      return fromHex(String(value ?? '').replace(/\s+/g, ''));
    default:
      if (requestBodyOf(call)?.size) warnings.push('the request body was not kept in the capture; sent without a body');
      return new Uint8Array(0);
  }
}

// ---- XML-RPC ----------------------------------------------------------------------------------

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An XML-RPC value as the decoder presents it → `<value>…</value>`. */
export function encodeXmlRpcValue(v: unknown): string {
  if (v === null || v === undefined) return '<value><nil/></value>';
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return Math.abs(v) <= 0x7fffffff ? `<value><int>${v}</int></value>` : `<value><i8>${v}</i8></value>`;
    return `<value><double>${v}</double></value>`;
  }
  if (typeof v === 'bigint') return `<value><i8>${v}</i8></value>`;
  if (typeof v === 'string') return `<value><string>${xmlEscape(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeXmlRpcValue).join('')}</data></array></value>`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (typeof o.dateTime === 'string' && keys.every((k) => k === 'dateTime' || k === 'iso')) {
      return `<value><dateTime.iso8601>${xmlEscape(o.dateTime)}</dateTime.iso8601></value>`;
    }
    if (typeof o.base64 === 'string' && keys.every((k) => k === 'base64' || k === 'size' || k === 'text')) {
      return `<value><base64>${o.base64}</base64></value>`;
    }
    const members = keys.map((k) => `<member><name>${xmlEscape(k)}</name>${encodeXmlRpcValue(o[k])}</member>`);
    return `<value><struct>${members.join('')}</struct></value>`;
  }
  return `<value><string>${xmlEscape(String(v))}</string></value>`;
}

export function encodeXmlRpcCall(method: string, params: unknown[]): string {
  const ps = params.map((p) => `<param>${encodeXmlRpcValue(p)}</param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${xmlEscape(method)}</methodName><params>${ps}</params></methodCall>\n`;
}

// ---- gRPC / protobuf --------------------------------------------------------------------------

/** One gRPC message: flag 0 (uncompressed), 4-byte big-endian length, the message. */
export function grpcFrame(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + msg.length);
  new DataView(out.buffer).setUint32(1, msg.length);
  out.set(msg, 5);
  return out;
}

/** Split gRPC framing into messages (compressed ones flagged). */
export function grpcUnframe(body: Uint8Array): Array<{ compressed: boolean; data: Uint8Array }> {
  const out: Array<{ compressed: boolean; data: Uint8Array }> = [];
  let o = 0;
  while (o + 5 <= body.length) {
    const n = new DataView(body.buffer, body.byteOffset + o + 1, 4).getUint32(0);
    if (o + 5 + n > body.length) break;
    out.push({ compressed: body[o] === 1, data: body.subarray(o + 5, o + 5 + n) });
    o += 5 + n;
  }
  return out;
}

function lookupType(root: protobuf.Root, name: string): protobuf.Type | undefined {
  try {
    return root.lookupType(name.startsWith('.') ? name : '.' + name);
  } catch {
    return undefined;
  }
}

/** Encode a message given in the decoder's JSON form (names, enum names, int64 strings, well-known types as JSON). */
export function encodeProto(type: protobuf.Type, value: unknown): Uint8Array {
  // fromObject accepts the JSON forms (int64 as decimal strings, enum names, base64 bytes).
  const msg = type.fromObject(toProtoObject(type, value) as Record<string, unknown>);
  const err = type.verify(msg);
  if (err) throw new Error(`${type.fullName.slice(1)}: ${err}`);
  return type.encode(msg).finish();
}

function toProtoObject(type: protobuf.Type, value: unknown): unknown {
  const name = type.fullName;
  switch (name) {
    case '.google.protobuf.Timestamp':
      if (typeof value === 'string') {
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) throw new Error(`bad Timestamp "${value}"`);
        const frac = /\.(\d+)/.exec(value)?.[1] ?? '';
        const nanos = frac ? Number((frac + '000000000').slice(0, 9)) : 0;
        return { seconds: Math.floor(ms / 1000), nanos };
      }
      break;
    case '.google.protobuf.Duration':
      if (typeof value === 'string') {
        const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
        if (!m) throw new Error(`bad Duration "${value}"`);
        const sign = m[1] ? -1 : 1;
        return { seconds: sign * Number(m[2]), nanos: sign * Number(((m[3] ?? '') + '000000000').slice(0, 9)) };
      }
      break;
    case '.google.protobuf.DoubleValue':
    case '.google.protobuf.FloatValue':
    case '.google.protobuf.Int64Value':
    case '.google.protobuf.UInt64Value':
    case '.google.protobuf.Int32Value':
    case '.google.protobuf.UInt32Value':
    case '.google.protobuf.BoolValue':
    case '.google.protobuf.StringValue':
    case '.google.protobuf.BytesValue':
      if (value === null || typeof value !== 'object') return { value };
      break;
    case '.google.protobuf.FieldMask':
      if (typeof value === 'string') return { paths: value ? value.split(',') : [] };
      break;
    case '.google.protobuf.Struct':
      return { fields: Object.fromEntries(Object.entries((value ?? {}) as object).map(([k, v]) => [k, structValue(v)])) };
    case '.google.protobuf.Value':
      return structValue(value);
    case '.google.protobuf.ListValue':
      return { values: (Array.isArray(value) ? value : []).map(structValue) };
    case '.google.protobuf.Any':
      if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['@type'] === 'string') {
        const v = value as Record<string, unknown>;
        const url = v['@type'] as string;
        const inner = lookupType(type.root as protobuf.Root, url.slice(url.lastIndexOf('/') + 1));
        if (!inner) throw new Error(`Any: type ${url} is not in the loaded .proto files`);
        const { ['@type']: _t, ...rest } = v;
        const payload = 'value' in rest && Object.keys(rest).length === 1 && inner.fullName.startsWith('.google.protobuf.') ? rest.value : rest;
        return { type_url: url, value: encodeProto(inner, payload) };
      }
      break;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[k] ?? type.fieldsArray.find((f) => f.jsonName === k || String(f.id) === k);
    if (!field) throw new Error(`${type.fullName.slice(1)} has no field "${k}"`);
    field.resolve();
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) {
      if (field.map) out[field.name] = Object.fromEntries(Object.entries((v ?? {}) as object).map(([mk, mv]) => [mk, toProtoObject(rt, mv)]));
      else if (field.repeated && Array.isArray(v)) out[field.name] = v.map((x) => toProtoObject(rt, x));
      else out[field.name] = toProtoObject(rt, v);
    } else out[field.name] = v;
  }
  return out;
}

function structValue(v: unknown): unknown {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(structValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, structValue(x)])) } };
}

/**
 * Encode the schema-less decoding back to bytes: keys are field numbers; integers → varint,
 * other numbers → double (fixed64), strings → length-delimited (base64-looking strings stay text),
 * objects → nested messages, arrays → repeated fields. A best effort: fixed32 fields and
 * zigzag integers cannot be told apart without a schema.
 */
export function encodeRawProto(value: unknown): Uint8Array {
  const w = protobuf.Writer.create();
  const put = (no: number, v: unknown) => {
    if (Array.isArray(v)) {
      for (const x of v) put(no, x);
      return;
    }
    if (typeof v === 'boolean') w.uint32((no << 3) | 0).bool(v);
    else if (typeof v === 'number' && Number.isInteger(v)) {
      w.uint32((no << 3) | 0);
      if (v < 0 || v > 0xffffffff) w.int64(v);
      else w.uint64(v);
    } else if (typeof v === 'number') w.uint32((no << 3) | 1).double(v);
    else if (typeof v === 'string' && /^\d{10,20}$/.test(v)) w.uint32((no << 3) | 0).uint64(v);
    else if (typeof v === 'string') w.uint32((no << 3) | 2).string(v);
    else if (v instanceof Uint8Array) w.uint32((no << 3) | 2).bytes(v);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.base64 === 'string' && Object.keys(o).length <= 2) w.uint32((no << 3) | 2).bytes(fromBase64(o.base64) ?? new Uint8Array(0));
      else w.uint32((no << 3) | 2).bytes(encodeRawProto(v));
    }
  };
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const no = Number(k);
    if (!Number.isInteger(no) || no < 1 || no > 536870911) throw new Error(`raw protobuf: "${k}" is not a field number`);
    put(no, v);
  }
  return w.finish();
}
