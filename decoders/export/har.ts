/**
 * HAR 1.2 export (the HTTP Archive format of the W3C Web Performance WG draft, as DevTools,
 * Firefox and HTTP Toolkit write it). One entry per call carried by HTTP — REST, XML-RPC,
 * JSON-RPC, SOAP and gRPC (HTTP/2, binary bodies base64-encoded). Calls of other protocols have
 * no HTTP request to show and are left out (counted in `log.comment`). Inner calls of a batch
 * share their parent's HTTP exchange and are left out too.
 */
import type { Body, Call, HeaderList } from '../core/model';
import type { MultipartPart } from '../http-common/body';
import {
  base64,
  bodyBytes,
  bodyText,
  endpointLabel,
  header,
  httpMethod,
  httpUrl,
  isHttpCarried,
  isoTime,
  requestBody,
  requestHeaders,
  responseBody,
  responseHeaders,
} from './common';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}
/** HAR 1.2 cookie (`sameSite` as Chrome's and Firefox's exports write it). */
export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
  comment?: string;
}
/** HAR 1.2 posted parameter: a form field or an uploaded file. */
export interface HarParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}
export interface HarPostData {
  mimeType: string;
  text: string;
  params?: HarParam[];
  comment?: string;
}
export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}
export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  /** Total time in milliseconds. */
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: HarPostData;
    headersSize: number;
    bodySize: number;
    comment?: string;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarCookie[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    comment?: string;
  };
  cache: Record<string, never>;
  timings: { blocked?: number; dns?: number; connect?: number; send: number; wait: number; receive: number; ssl?: number };
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** Custom fields (HAR allows names starting with an underscore). */
  _callscope?: { callId: number; protocol: string; method: string; target?: string; status?: string; warnings?: string[] };
}
export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string; comment?: string };
    entries: HarEntry[];
    comment?: string;
  };
}

export interface HarOptions {
  creatorVersion?: string;
}

function nameValues(list: HeaderList | undefined): HarNameValue[] {
  return (list ?? []).map(([name, value]) => ({ name, value }));
}

function queryString(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: HarNameValue[] = [];
  for (const part of url.slice(q + 1).split('#')[0].split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const raw = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    out.push({ name: safeDecode(raw[0]), value: safeDecode(raw[1]) });
  }
  return out;
}
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The cookies of `Cookie` request headers (RFC 6265 §5.4: `name=value` pairs separated by `; `). */
function requestCookies(headers: HeaderList): HarCookie[] {
  const out: HarCookie[] = [];
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'cookie') continue;
    for (const pair of v.split(';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || out.length >= 1000) continue;
      out.push({ name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() });
    }
  }
  return out;
}

/** Each `Set-Cookie` response header as a cookie with its attributes (RFC 6265 §5.2). */
function responseCookies(headers: HeaderList): HarCookie[] {
  const out: HarCookie[] = [];
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'set-cookie' || out.length >= 1000) continue;
    const [first, ...attrs] = v.split(';');
    const eq = first.indexOf('=');
    if (eq <= 0) continue;
    const cookie: HarCookie = { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
    for (const a of attrs) {
      const i = a.indexOf('=');
      const name = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      const value = i < 0 ? '' : a.slice(i + 1).trim();
      if (name === 'path') cookie.path = value;
      else if (name === 'domain') cookie.domain = value;
      else if (name === 'expires') {
        const t = Date.parse(value);
        cookie.expires = Number.isNaN(t) ? value : new Date(t).toISOString();
      } else if (name === 'max-age' && /^-?\d{1,12}$/.test(value) && cookie.expires === undefined) cookie.comment = `Max-Age=${value}`;
      else if (name === 'httponly') cookie.httpOnly = true;
      else if (name === 'secure') cookie.secure = true;
      else if (name === 'samesite') cookie.sameSite = value;
    }
    out.push(cookie);
  }
  return out;
}

/** A form body's fields (URL-encoded pairs, multipart parts with their file names) as HAR params. */
function formParams(b: Body | undefined): HarParam[] | undefined {
  if (b?.kind !== 'form' || !b.value || typeof b.value !== 'object') return undefined;
  if (Array.isArray(b.value)) {
    return (b.value as MultipartPart[]).map((p) => {
      const param: HarParam = { name: p.name ?? '' };
      if (p.text !== undefined) param.value = p.text;
      if (p.filename !== undefined) param.fileName = p.filename;
      if (p.contentType !== undefined) param.contentType = p.contentType;
      if (p.text === undefined) param.comment = `${p.size} bytes not kept`;
      return param;
    });
  }
  const out: HarParam[] = [];
  for (const [name, v] of Object.entries(b.value as Record<string, string | string[]>)) {
    for (const value of Array.isArray(v) ? v : [v]) out.push({ name, value });
  }
  return out;
}

function mimeOf(b: Body | undefined, headers: HeaderList): string {
  return b?.contentType ?? header(headers, 'content-type') ?? (b?.kind === 'json' ? 'application/json' : b?.kind === 'xml' ? 'text/xml' : '');
}

/** Text or base64 of a body, with a note when only a prefix was kept. */
function bodyContent(b: Body | undefined): { text?: string; encoding?: string; comment?: string } {
  if (!b || b.size === 0) return {};
  const text = bodyText(b);
  const note = b.truncated ? `body truncated by the capture or the preview limit (${b.size} bytes on the wire)` : undefined;
  if (text !== undefined) return { text, comment: note };
  const bytes = bodyBytes(b);
  if (bytes) return { text: base64(bytes), encoding: 'base64', comment: bytes.length < (b.decodedSize ?? b.size) ? (note ?? `first ${bytes.length} bytes of ${b.size}`) : note };
  return { comment: note ?? `${b.kind} body not kept` };
}

function ms(us: number | undefined): number {
  return us === undefined ? -1 : Math.round(us) / 1000;
}

/** The `:status` of HTTP/2 response headers, else 0 (no response). */
function pseudoStatus(headers: HeaderList): number {
  const v = header(headers, ':status');
  return v !== undefined && /^\d{3}$/.test(v) ? Number(v) : 0;
}

/** HTTP/2 trailers, after the response headers (HAR has no place of their own for them). */
function trailerValues(list: HeaderList | undefined): HarNameValue[] {
  return (list ?? []).map(([name, value]) => ({ name, value, comment: 'trailer' }));
}

/**
 * A gRPC call's bodies: its messages in each direction as JSON (an array on a streaming side, the
 * message itself on a side that sends one), decoded from protobuf — with the .proto files' field
 * names when they were found, raw field numbers otherwise. The wire bytes (5-byte prefixes,
 * protobuf) are not kept by the decoder.
 */
function grpcContent(c: Call, entry: HarEntry, reqHeaders: HeaderList): void {
  const side = (dir: 'c2s' | 's2c') => {
    const ms = (c.messages ?? []).filter((m) => m.dir === dir);
    // (the one message of a side that sends one is decoded on the request or response itself)
    const own = dir === 'c2s' ? c.request : c.response;
    const one = ms.length <= 1 ? own?.value : undefined;
    let values: unknown[] = ms.map((m) => m.value ?? one ?? { _size: m.size, _note: 'not decoded' });
    if (values.length === 0 && one !== undefined) values = [one];
    if (values.length === 0) return undefined;
    const size = ms.reduce((n, m) => n + m.size, 0);
    const note = `gRPC: ${values.length} message${values.length === 1 ? '' : 's'}${size ? ` (${size} bytes of protobuf)` : ''} decoded, shown as JSON; the wire bytes are not kept`;
    const streamed = dir === 'c2s' ? c.kind === 'client-stream' || c.kind === 'bidi' : c.kind === 'server-stream' || c.kind === 'bidi';
    return { text: JSON.stringify(values.length === 1 && !streamed ? values[0] : values), note };
  };
  const req = side('c2s');
  if (req) entry.request.postData = { mimeType: header(reqHeaders, 'content-type') ?? 'application/grpc', text: req.text, comment: req.note };
  const res = side('s2c');
  if (res) {
    entry.response.content.text = res.text;
    entry.response.content.comment = res.note;
  }
}

/** One HAR entry for an HTTP-carried call. */
export function harEntry(c: Call): HarEntry {
  // gRPC over HTTP/2: its HTTP facts on the call itself (no HTTP layer), its bodies messages
  const grpc = !c.http && c.protocol === 'grpc';
  const reqHeaders = requestHeaders(c);
  const resHeaders = responseHeaders(c);
  const reqBody = requestBody(c);
  const resBody = responseBody(c);
  const url = httpUrl(c);
  const version = c.http?.version ?? (c.protocol === 'grpc' ? 'HTTP/2' : 'HTTP/1.1');
  const t = c.timing;
  const send = t.requestEndUs !== undefined ? Math.max(0, t.requestEndUs - t.startUs) : 0;
  // HAR 1.2: send, wait and receive are required and non-negative (-1 is only for the optional
  // phases): no response waited and received nothing.
  const wait = t.responseStartUs !== undefined ? Math.max(0, t.responseStartUs - (t.requestEndUs ?? t.startUs)) : 0;
  const receive = t.endUs !== undefined && t.responseStartUs !== undefined ? Math.max(0, t.endUs - t.responseStartUs) : 0;
  const total = t.endUs !== undefined ? Math.max(0, t.endUs - t.startUs) : 0;

  const entry: HarEntry = {
    startedDateTime: isoTime(t.startUs),
    time: ms(total),
    request: {
      method: httpMethod(c),
      url,
      httpVersion: version,
      cookies: requestCookies(reqHeaders),
      headers: nameValues(reqHeaders),
      queryString: queryString(url),
      headersSize: -1,
      bodySize: reqBody ? reqBody.size : 0,
    },
    response: {
      status: c.http?.status ?? (typeof c.status?.code === 'number' && c.protocol === 'http' ? c.status.code : pseudoStatus(resHeaders)),
      statusText: c.http?.reason ?? (c.protocol === 'http' ? c.status?.text ?? '' : ''),
      httpVersion: version,
      cookies: responseCookies(resHeaders),
      headers: grpc ? [...nameValues(resHeaders), ...trailerValues(c.response?.trailers)] : nameValues(resHeaders),
      content: { size: resBody ? (resBody.decodedSize ?? resBody.size) : 0, mimeType: mimeOf(resBody, resHeaders) },
      redirectURL: header(resHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: resBody ? resBody.size : c.response ? 0 : -1,
    },
    cache: {},
    timings: { send: ms(send), wait: ms(wait), receive: ms(receive) },
    serverIPAddress: c.server.ip,
    connection: String(c.flowId),
    _callscope: {
      callId: c.id,
      protocol: c.protocol,
      method: c.method,
      target: c.target,
      status: c.status ? `${c.status.code}${c.status.text ? ' ' + c.status.text : ''}` : undefined,
      warnings: c.warnings.length ? c.warnings : undefined,
    },
  };
  if (entry.response.status === 0 && c.response === undefined) entry.response.comment = `no response (${c.state})`;
  if (grpc) {
    grpcContent(c, entry, reqHeaders);
  } else if (reqBody && reqBody.size > 0) {
    const content = bodyContent(reqBody);
    const postData: HarPostData = { mimeType: mimeOf(reqBody, reqHeaders), text: content.text ?? '' };
    const params = formParams(reqBody);
    if (params) postData.params = params;
    if (content.encoding) postData.comment = `base64 (${content.encoding})` + (content.comment ? `; ${content.comment}` : '');
    else if (content.comment && !(params && content.text === undefined)) postData.comment = content.comment;
    else if (params && content.text === undefined) postData.comment = 'multipart body: its parts are in params (file contents not kept)';
    entry.request.postData = postData;
  }
  const content = grpc ? {} : bodyContent(resBody);
  if (content.text !== undefined) entry.response.content.text = content.text;
  if (content.encoding) entry.response.content.encoding = content.encoding;
  if (content.comment) entry.response.content.comment = content.comment;
  if (resBody?.decodedSize !== undefined && resBody.decodedSize !== resBody.size) {
    entry.response.content.compression = resBody.decodedSize - resBody.size;
  }
  entry.comment = `${c.protocol} ${c.method}${c.target ? ' ' + c.target : ''} — ${endpointLabel(c.client)} → ${endpointLabel(c.server)}`;
  return entry;
}

/** HAR 1.2 log of the HTTP-carried calls, in start-time order. */
export function toHar(calls: readonly Call[], opts: HarOptions = {}): Har {
  const ids = new Set(calls.map((c) => c.id));
  const entries: HarEntry[] = [];
  let skipped = 0;
  for (const c of calls) {
    if (c.parentId !== undefined && ids.has(c.parentId)) continue;
    if (!isHttpCarried(c)) {
      skipped++;
      continue;
    }
    entries.push(harEntry(c));
  }
  entries.sort((a, b) => (a.startedDateTime < b.startedDateTime ? -1 : a.startedDateTime > b.startedDateTime ? 1 : 0));
  const har: Har = {
    log: { version: '1.2', creator: { name: 'callscope', version: opts.creatorVersion ?? '0.1.0' }, entries },
  };
  if (skipped) har.log.comment = skippedComment(skipped);
  return har;
}

/** The log's comment when calls of other protocols were left out. */
export function skippedComment(skipped: number): string {
  return `${skipped} call(s) of protocols not carried by HTTP left out`;
}

/** HAR as pretty-printed JSON text. */
export function toHarText(calls: readonly Call[], opts?: HarOptions): string {
  return JSON.stringify(toHar(calls, opts), null, 2) + '\n';
}
