/**
 * The end of every HTTP exchange (HTTP/1.1 and HTTP/2): the plain-HTTP view of the call
 * (method, target, status and Wireshark-named fields), then the body routers (XML-RPC,
 * JSON-RPC, SOAP, gRPC-Web…) that may turn it into an RPC call, then `session.emit`.
 */
import type { Call, HeaderList } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { headerValue } from './body';
import { BODY_ROUTERS } from './routers';

/** The path (and query) of a request target, whatever its form (RFC 9112 §3.2). */
export function targetPath(uri: string | undefined, method?: string): string | undefined {
  if (uri === undefined) return undefined;
  if (method === 'CONNECT' || uri === '*') return uri; // authority-form / asterisk-form
  if (uri.charCodeAt(0) === 47 /* / */) return uri; // origin-form, the usual case
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(uri); // absolute-form (proxies)
  if (m) return m[1] || '/';
  return uri;
}

function setIf(fields: Call['fields'], key: string, v: string | number | undefined): void {
  if (v !== undefined && v !== '') fields[key] = v;
}

/**
 * Finish an HTTP exchange: `call.http` is filled (version, method, uri, host, status, reason,
 * headers, bodies, interim). Sets the plain-HTTP view (protocol 'http' or 'http2' as given,
 * method = HTTP method, target = path, status {code, text: reason, ok: status < 400}, fields
 * http.request.method, http.request.uri, http.host, http.status, http.content_type,
 * http.user_agent…), then lets the first matching BODY_ROUTER turn it into an
 * XML-RPC/JSON-RPC/… call (keeping `call.http` inside), then emits it.
 */
export function emitHttpCall(call: Call, session: DecoderSession): void {
  try {
    applyHttpView(call);
  } catch (e) {
    call.warnings.push(`HTTP view failed: ${(e as Error)?.message ?? String(e)}`);
  }
  for (const router of BODY_ROUTERS) {
    let matched = false;
    try {
      matched = router.match(call);
    } catch (e) {
      call.warnings.push(`${router.id}: match failed: ${(e as Error)?.message ?? String(e)}`);
    }
    if (!matched) continue;
    try {
      router.apply(call, session);
    } catch (e) {
      call.warnings.push(`${router.id}: decoding failed: ${(e as Error)?.message ?? String(e)}`);
    }
    break;
  }
  dropDuplicateHttpParts(call);
  session.emit(call);
}

/**
 * A plain HTTP call's headers and bodies already are its request/response: keep them once, so
 * the serialized call (JSONL, worker → webview) is not twice its size. Calls promoted to an RPC
 * keep the full HTTP layer inside.
 */
function dropDuplicateHttpParts(call: Call): void {
  const h = call.http;
  if (!h || (call.protocol !== 'http' && call.protocol !== 'http2')) return;
  if (h.requestHeaders === call.request?.headers) h.requestHeaders = undefined;
  if (h.requestBody === call.request?.body) h.requestBody = undefined;
  if (h.responseHeaders === call.response?.headers) h.responseHeaders = undefined;
  if (h.responseBody === call.response?.body) h.responseBody = undefined;
}

/** The plain-HTTP view (exported for decoders that need it without routing). */
export function applyHttpView(call: Call): void {
  const http = call.http;
  if (!http) return;
  if (http.method) call.method = http.method;
  else if (!call.method) call.method = 'HTTP';
  const path = targetPath(http.uri, http.method);
  if (path !== undefined) call.target = path;
  if (http.status !== undefined) call.status = { code: http.status, text: http.reason ?? '', ok: http.status < 400 };

  call.request ??= {};
  if (http.requestHeaders && !call.request.headers) call.request.headers = http.requestHeaders;
  if (http.requestBody && !call.request.body) call.request.body = http.requestBody;
  if (http.status !== undefined || http.responseHeaders) {
    call.response ??= {};
    if (http.responseHeaders && !call.response.headers) call.response.headers = http.responseHeaders;
    if (http.responseBody && !call.response.body) call.response.body = http.responseBody;
  }

  const f = call.fields;
  const rq: HeaderList | undefined = http.requestHeaders;
  const rs: HeaderList | undefined = http.responseHeaders;
  setIf(f, 'http.request.method', http.method);
  setIf(f, 'http.request.uri', http.uri);
  if (path !== undefined && http.method !== 'CONNECT') {
    const q = path.indexOf('?');
    setIf(f, 'http.request.uri.path', q < 0 ? path : path.slice(0, q));
    if (q >= 0) setIf(f, 'http.request.uri.query', path.slice(q + 1));
  }
  setIf(f, 'http.request.version', http.version);
  setIf(f, 'http.host', http.host ?? headerValue(rq, 'host'));
  setIf(f, 'http.user_agent', headerValue(rq, 'user-agent'));
  setIf(f, 'http.status', http.status);
  setIf(f, 'http.response.phrase', http.reason);
  setIf(f, 'http.content_type', headerValue(rs, 'content-type') ?? headerValue(rq, 'content-type'));
  setIf(f, 'http.server', headerValue(rs, 'server'));
  setIf(f, 'http.location', headerValue(rs, 'location'));
  setIf(f, 'http.content_encoding', headerValue(rs, 'content-encoding'));
  setIf(f, 'http.transfer_encoding', headerValue(rs, 'transfer-encoding'));
  setIf(f, 'http.upgrade', headerValue(rs, 'upgrade') ?? headerValue(rq, 'upgrade'));
  const cl = headerValue(rs, 'content-length');
  if (cl !== undefined && /^\s*\d+\s*$/.test(cl)) f['http.content_length'] = Number(cl);
  if (http.responseBody) f['http.response.body.size'] = http.responseBody.size;
  if (http.requestBody) f['http.request.body.size'] = http.requestBody.size;
}
