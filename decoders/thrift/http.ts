/**
 * Thrift over HTTP: THttpClient (Python, Java, C++, Go's THttpClient) and Thrift's JavaScript
 * library POST one message per request and read the reply from the response body
 * (Content-Type `application/x-thrift`, or `application/vnd.apache.thrift.binary|compact|json`;
 * JavaScript clients before 0.13 sent TJSON as `application/json`). The HTTP exchange becomes a
 * thrift call, its HTTP layer inside, as XML-RPC's does. Binary and compact messages may be
 * framed or not; the JSON protocol is read by json-protocol.ts.
 */
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { headerValue } from '../http-common/body';
import { bodyBytes } from '../grpc/web';
import { utf8Text } from '../core/bytes';
import { detectFraming, looksLikeOldBinary, MESSAGE_TYPES, NeedMore, readMessage, type ThriftMessage } from './wire';
import { looksLikeTJson, readJsonMessage } from './json-protocol';
import { describeReply, describeRequest, splitName, thriftIdl } from './call';

const THRIFT_TYPE = /^\s*application\/(?:x-thrift|vnd\.apache\.thrift\.(binary|compact|json))\b/i;

/** Is this Content-Type Thrift's? 'json' for the JSON protocol's. */
export function thriftMediaType(ct: string | undefined): 'json' | 'binary' | undefined {
  const m = ct && ct.includes('thrift') ? THRIFT_TYPE.exec(ct) : null;
  if (!m) return undefined;
  return m[1]?.toLowerCase() === 'json' ? 'json' : 'binary';
}

type Side = 'request' | 'response';

function readSide(call: Call, side: Side, session: DecoderSession): { msg?: ThriftMessage; why?: string; empty?: boolean } {
  const http = call.http!;
  const body = side === 'request' ? http.requestBody : http.responseBody;
  const ct = headerValue(side === 'request' ? http.requestHeaders : http.responseHeaders, 'content-type');
  if (!body || (body.decodedSize ?? body.size) === 0) return { empty: true };
  if (body.truncated) return { why: `body of ${body.size} bytes larger than the preview` };
  const l = session.env.limits;
  const limits = { maxDepth: l.maxDepth, maxLength: l.maxBufferedBytes };
  try {
    const text = body.jsonText ?? body.text;
    if (thriftMediaType(ct) === 'json' || (text !== undefined && looksLikeTJson(text))) {
      const t = text ?? (body.hex !== undefined ? utf8Text(bodyBytes(body).bytes ?? new Uint8Array(0)) : undefined);
      if (t === undefined) return { why: 'body text not kept by the HTTP layer' };
      return { msg: readJsonMessage(t, limits) };
    }
    const got = bodyBytes(body);
    if (!got.bytes) return { why: got.why };
    const b = got.bytes;
    // (Python's and Java's THttpClient send the JSON protocol as application/x-thrift too)
    if (looksLikeTJson(utf8Text(b.subarray(0, 400)))) return { msg: readJsonMessage(utf8Text(b), limits) };
    const f = detectFraming(b.subarray(0, 64));
    if (typeof f === 'object' && f.protocol !== 'json') return { msg: readMessage(f.protocol, b, f.framed ? 4 : 0, b.length, limits).msg };
    if (looksLikeOldBinary(b.subarray(0, 300))) return { msg: readMessage('binary', b, 0, b.length, limits).msg };
    return { why: 'not a Thrift message' };
  } catch (e) {
    return { why: e instanceof NeedMore ? 'the body ends inside the message' : (e as Error).message };
  }
}

export const thriftHttpRouter: BodyRouter = {
  id: 'thrift',
  match(call: Call): boolean {
    const http = call.http;
    if (!http) return false;
    if (thriftMediaType(headerValue(http.requestHeaders, 'content-type'))) return true;
    const b = http.requestBody;
    const text = b && (b.kind === 'json' || b.kind === 'text') ? (b.jsonText ?? b.text) : undefined;
    return text !== undefined && looksLikeTJson(text);
  },
  apply(call: Call, session: DecoderSession): void {
    const idl = thriftIdl(session.env.definitions);
    const req = readSide(call, 'request', session);
    if (!req.msg) {
      call.warnings.push(`Thrift request not decoded: ${req.why ?? 'empty body'}`);
      return;
    }
    call.protocol = 'thrift';
    const warnings: string[] = [];
    const m = describeRequest(call, req.msg, idl, { 'thrift.transport': 'http' }, warnings);
    if (req.msg.type !== 1 && req.msg.type !== 4) warnings.push(`${MESSAGE_TYPES[req.msg.type]} message in an HTTP request`);
    if (call.kind === 'oneway' && call.http?.status === undefined) {
      // A oneway call's client does not wait for an answer, and some servers (Node's thrift web
      // server) send none: the call is complete, not an aborted HTTP exchange.
      call.state = 'complete';
      call.timing.endUs ??= call.timing.requestEndUs;
      call.warnings = call.warnings.filter((w) => !w.startsWith('no response'));
      call.warnings.push('oneway: the server sent no HTTP response (the client does not wait for one)', ...warnings);
      return;
    }
    const res = readSide(call, 'response', session);
    if (res.msg) {
      const r = res.msg;
      if (r.type === 2 || r.type === 3) {
        if (r.seqid !== req.msg.seqid || splitName(r.name).method !== splitName(req.msg.name).method)
          warnings.push(`reply "${r.name}" (sequence id ${r.seqid}) to the call "${req.msg.name}" (sequence id ${req.msg.seqid})`);
        describeReply(call, r, m, idl, undefined);
      } else warnings.push(`${MESSAGE_TYPES[r.type]} message in an HTTP response`);
    } else if (!res.empty && call.http?.responseBody) warnings.push(`Thrift reply not decoded: ${res.why}`);
    else if (call.kind !== 'oneway' && call.http?.status !== undefined && call.http.status < 300) warnings.push('HTTP response without a Thrift reply');
    call.warnings.push(...warnings);
  },
};
