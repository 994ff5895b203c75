/**
 * Dubbo 3.3 Triple's HTTP RPC sub-protocol (apache/dubbo-website, "Triple Protocol Specification"
 * §3.1): a unary call as a plain HTTP POST — HTTP/1.1 or HTTP/2, no gRPC framing — to
 * `/<interface>/<method>` with `Content-Type: application/json`, the arguments in order as a JSON
 * array (for an IDL service, an array of the one request object); the answer a 200 with the result
 * as JSON, or another HTTP status with a JSON body `{status, message}` (status one of Dubbo's codes,
 * 40 request format error, 70 service error…).
 *
 * A JSON POST to a path of that shape is common, so the exchange is taken only when a Triple
 * header marks it: `tri-protocol-version` (which §3.1 has every Dubbo client send for this purpose),
 * `tri-service-version`, `tri-service-group` or `tri-service-timeout`. A curl call without them stays the
 * plain HTTP call it is. Triple over HTTP/2 with gRPC content types is the `grpc` decoder's (with
 * ./triple.ts for interface-based services).
 */
import type { Call } from '../core/model';
import type { BodyRouter } from '../http-common/routers';
import { headerValue as hdr, parseMediaType } from '../http-common/body';
import { isObj } from '../core/json';
import { STATUS } from './index';
import { grpcStatusName } from '../grpc/status';

/** `/<interface>/<method>`: a dotted Java interface name, a method name. */
const PATH = /^\/([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)\/([A-Za-z_$][\w$]*)$/;

const TRI_HEADERS = ['tri-protocol-version', 'tri-service-version', 'tri-service-group', 'tri-service-timeout'];

function route(call: Call): { service: string; method: string } | undefined {
  const http = call.http;
  if (!http || (http.method !== 'POST' && http.method !== undefined)) return undefined;
  const path = (http.uri ?? '').split('?')[0];
  const m = PATH.exec(path.length <= 1024 ? path : '');
  if (!m) return undefined;
  if (parseMediaType(hdr(http.requestHeaders, 'content-type'))?.essence !== 'application/json') return undefined;
  if (!TRI_HEADERS.some((h) => hdr(http.requestHeaders, h) !== undefined)) return undefined;
  return { service: m[1], method: m[2] };
}

export const tripleHttpRouter: BodyRouter = {
  id: 'dubbo-triple-http',
  match: (call) => route(call) !== undefined,
  apply(call) {
    const r = route(call);
    const http = call.http;
    if (!r || !http) return;
    const f = call.fields;
    const version = hdr(http.requestHeaders, 'tri-service-version');
    const group = hdr(http.requestHeaders, 'tri-service-group');
    call.protocol = 'dubbo';
    call.kind = 'unary';
    call.method = r.method;
    call.target = version && version !== '0.0.0' ? `${r.service}:${version}` : r.service;
    f['dubbo.service'] = r.service;
    f['dubbo.method'] = r.method;
    f['dubbo.transport'] = 'triple-http';
    if (version) f['dubbo.version'] = version.slice(0, 128);
    if (group) f['dubbo.group'] = group.slice(0, 128);
    const pv = hdr(http.requestHeaders, 'tri-protocol-version');
    if (pv) f['triple.protocol_version'] = pv.slice(0, 64);
    const timeout = Number(hdr(http.requestHeaders, 'tri-service-timeout'));
    if (Number.isFinite(timeout) && timeout > 0) f['dubbo.timeout_ms'] = timeout;

    const req = http.requestBody;
    const value: Record<string, unknown> = { service: r.service };
    if (version) value.version = version;
    if (req?.kind === 'json' && req.value !== undefined && !req.truncated) value.arguments = Array.isArray(req.value) ? req.value : [req.value];
    else if (req && req.size) call.warnings.push(`request body ${req.truncated ? 'larger than the preview' : 'is not JSON'}: arguments not read`);
    (call.request ??= {}).value = value;

    const status = http.status;
    if (status === undefined) return;
    const res = http.responseBody;
    const body = res?.kind === 'json' && !res.truncated ? res.value : undefined;
    if (status === 200) {
      if (body !== undefined) (call.response ??= {}).value = { value: body };
      call.status = { code: 200, text: 'OK', ok: true };
      return;
    }
    // §3.1.2: an error is a non-200 status, its body (when any) JSON {status, message}. The spec's
    // table has Dubbo's codes (40, 70…); dubbo-js 3.0.0-alpha sends gRPC's (5 NOT_FOUND…): named by whichever it is.
    const o = isObj(body) ? body : undefined;
    if (o) (call.response ??= {}).value = o;
    const code = typeof o?.status === 'number' ? o.status : undefined;
    if (code !== undefined) f['triple.status'] = code;
    const msg = typeof o?.message === 'string' ? o.message : (http.reason ?? '');
    const name = code === undefined ? undefined : code >= 20 ? STATUS[code] : code > 0 && code <= 16 ? grpcStatusName(code) : undefined;
    call.status = { code: status, text: [name, msg].filter(Boolean).join(': '), ok: false };
  },
};
