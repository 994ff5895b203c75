/**
 * The end of every HTTP exchange (HTTP/1.1 and HTTP/2): the plain-HTTP view of the call
 * (method, target, status and Wireshark-named fields), then the body routers (XML-RPC,
 * JSON-RPC, SOAP, gRPC-Web…) that may turn it into an RPC call, then `session.emit`.
 */
import type { Call, HeaderList } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { BODY_ROUTERS } from './routers';
import { sameHeaderName } from './body';
import { matchHttpRule, protoDefinitionsOf, rpcRef } from '../protobuf/definitions';
import { learnRegistryExchange } from '../kafka/schema-registry';
import { learnWsdlExchange } from '../soap/learned';

import { targetPath } from './target';

export { targetPath };

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
  // Plain HTTP (no router took it):
  if (call.protocol === 'http' || call.protocol === 'http2') {
    if (!call.definition) linkTranscodedRpc(call, session);
    if (session.capture) {
      // A schema registry's answer teaches the Kafka decoder a schema id (kafka/schema-registry.ts).
      learnRegistryExchange(call, session.capture);
      // A WSDL or schema fetched over HTTP types the SOAP calls after it (soap/learned.ts).
      learnWsdlExchange(call, session.capture, session.env.limits.maxDepth);
    }
  }
  dropDuplicateHttpParts(call);
  session.emit(call);
}

/**
 * A plain HTTP call that an rpc's `google.api.http` binding serves (grpc-gateway, Envoy's JSON transcoder:
 * etcd's `POST /v3/kv/range` is `etcdserverpb.KV.Range`) links to that rpc, as a gRPC call to it does.
 */
function linkTranscodedRpc(call: Call, session: DecoderSession): void {
  const defs = protoDefinitionsOf(session.env.definitions);
  if (!defs?.httpRules) return;
  const method = call.http?.method ?? call.method;
  const m = matchHttpRule(defs, method, targetPath(call.http?.uri ?? call.target, method));
  if (!m) return;
  call.definition = rpcRef(m.target);
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
  // (each field stored at its own site, in the order they have always been added: the order of
  // the keys in the output)
  const method = http.method;
  if (method !== undefined && method !== '') f['http.request.method'] = method;
  if (http.uri !== undefined && http.uri !== '') f['http.request.uri'] = http.uri;
  if (path !== undefined && method !== 'CONNECT') {
    const q = path.indexOf('?');
    const p = q < 0 ? path : path.slice(0, q);
    if (p !== '') f['http.request.uri.path'] = p;
    if (q >= 0 && q + 1 < path.length) f['http.request.uri.query'] = path.slice(q + 1);
  }
  if (http.version !== undefined && http.version !== '') f['http.request.version'] = http.version;
  const rq = viewHeaders(http.requestHeaders, reqView);
  const rs = viewHeaders(http.responseHeaders, respView);
  const host = http.host ?? rq.host;
  if (host !== undefined && host !== '') f['http.host'] = host;
  if (rq.userAgent !== undefined && rq.userAgent !== '') f['http.user_agent'] = rq.userAgent;
  if (http.status !== undefined) f['http.status'] = http.status;
  if (http.reason !== undefined && http.reason !== '') f['http.response.phrase'] = http.reason;
  const ct = rs.contentType ?? rq.contentType;
  if (ct !== undefined && ct !== '') f['http.content_type'] = ct;
  if (rs.server !== undefined && rs.server !== '') f['http.server'] = rs.server;
  if (rs.location !== undefined && rs.location !== '') f['http.location'] = rs.location;
  if (rs.contentEncoding !== undefined && rs.contentEncoding !== '') f['http.content_encoding'] = rs.contentEncoding;
  if (rs.transferEncoding !== undefined && rs.transferEncoding !== '') f['http.transfer_encoding'] = rs.transferEncoding;
  const upgrade = rs.upgrade ?? rq.upgrade;
  if (upgrade !== undefined && upgrade !== '') f['http.upgrade'] = upgrade;
  const cl = rs.contentLength;
  if (cl !== undefined && /^\s*\d+\s*$/.test(cl)) f['http.content_length'] = Number(cl);
  if (http.responseBody) f['http.response.body.size'] = http.responseBody.size;
  if (http.requestBody) f['http.request.body.size'] = http.requestBody.size;
}

/**
 * The first value of each header the plain-HTTP view shows, found in one pass over a header list
 * (what headerValue gives for each name, without a scan per name).
 */
class ViewHeaders {
  host?: string;
  userAgent?: string;
  contentType?: string;
  upgrade?: string;
  server?: string;
  location?: string;
  contentEncoding?: string;
  transferEncoding?: string;
  contentLength?: string;

  clear(): void {
    this.host = this.userAgent = this.contentType = this.upgrade = this.server = undefined;
    this.location = this.contentEncoding = this.transferEncoding = this.contentLength = undefined;
  }
}

/** Reused by applyHttpView (which does not call itself): viewHeaders clears them first. */
const reqView = new ViewHeaders();
const respView = new ViewHeaders();

/** `out`, cleared then filled from the list: the first value of each of its names. */
function viewHeaders(headers: HeaderList | undefined, out: ViewHeaders): ViewHeaders {
  out.clear();
  if (!headers) return out;
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i][0];
    // By length first (a name can only be one of the same length), then the usual spelling (a
    // native comparison), then without case.
    switch (k.length) {
      case 4:
        if (out.host === undefined && (k === 'Host' || sameHeaderName(k, 'host'))) out.host = headers[i][1];
        break;
      case 6:
        if (out.server === undefined && (k === 'Server' || sameHeaderName(k, 'server'))) out.server = headers[i][1];
        break;
      case 7:
        if (out.upgrade === undefined && (k === 'Upgrade' || sameHeaderName(k, 'upgrade'))) out.upgrade = headers[i][1];
        break;
      case 8:
        if (out.location === undefined && (k === 'Location' || sameHeaderName(k, 'location'))) out.location = headers[i][1];
        break;
      case 10:
        if (out.userAgent === undefined && (k === 'User-Agent' || sameHeaderName(k, 'user-agent'))) out.userAgent = headers[i][1];
        break;
      case 12:
        if (out.contentType === undefined && (k === 'Content-Type' || sameHeaderName(k, 'content-type'))) out.contentType = headers[i][1];
        break;
      case 14:
        if (out.contentLength === undefined && (k === 'Content-Length' || sameHeaderName(k, 'content-length'))) out.contentLength = headers[i][1];
        break;
      case 16:
        if (out.contentEncoding === undefined && (k === 'Content-Encoding' || sameHeaderName(k, 'content-encoding'))) out.contentEncoding = headers[i][1];
        break;
      case 17:
        if (out.transferEncoding === undefined && (k === 'Transfer-Encoding' || sameHeaderName(k, 'transfer-encoding'))) out.transferEncoding = headers[i][1];
        break;
    }
  }
  return out;
}

