/**
 * gRPC-Web (PROTOCOL-WEB.md) as a body router: an HTTP/1.1 or HTTP/2 exchange whose
 * content-type is `application/grpc-web[+proto|+json]` or `application/grpc-web-text[+…]`
 * (base64 of the same frames) becomes a `grpc` call with `fields['grpc.web'] = true`.
 * The body is a sequence of length-prefixed frames; a frame with flag 0x80 carries the
 * trailers as HTTP/1-style header lines. The HTTP layer stays in `call.http`.
 *
 * Needs the body bytes: the router reads them from `body.hex` when it covers the whole
 * preview, or from `body.text` for the -text variant.
 */
import type { Call, Body, HeaderList } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { fromHex, latin1Text } from '../core/bytes';
import type { BodyRouter } from '../http-common/routers';
import { GrpcCallBuilder, clientResetAfterEnd, streamResetOf } from './call';
import { isGrpcWebContentType } from './status';
import { bodyCut, headerValue } from '../http-common/body';

function ctOf(headers: HeaderList | undefined): string | undefined {
  return headerValue(headers, 'content-type');
}

/** Base64 of possibly several padded chunks concatenated (grpc-web-text sends one per flush). */
export function decodeConcatenatedBase64(text: string): Uint8Array | undefined {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: number[] = [];
  let group: number[] = [];
  let pad = 0;
  const flush = () => {
    if (!group.length) return true;
    if (group.length + pad !== 4 && pad) return false;
    while (group.length < 4) group.push(0);
    const n = (group[0] << 18) | (group[1] << 12) | (group[2] << 6) | group[3];
    const bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    const keep = pad ? 3 - pad : 3;
    for (let i = 0; i < keep; i++) out.push(bytes[i]);
    group = [];
    pad = 0;
    return true;
  };
  for (const ch of text) {
    if (ch === ' ' || ch === '\r' || ch === '\n' || ch === '\t') continue;
    if (ch === '=') {
      pad++;
      if (group.length + pad === 4 && !flush()) return undefined;
      continue;
    }
    if (pad) return undefined;
    const v = A.indexOf(ch === '-' ? '+' : ch === '_' ? '/' : ch);
    if (v < 0) return undefined;
    group.push(v);
    if (group.length === 4) flush();
  }
  if (group.length === 1) return undefined;
  if (group.length) {
    pad = 4 - group.length;
    flush();
  }
  return Uint8Array.from(out);
}

/**
 * The body bytes the HTTP layer kept, or undefined with the reason (shared with the Connect
 * router). The whole preview's hex when it covers the body (after Content-Encoding); else, by
 * `text`: 'base64', the text (or the hex's bytes) base64-decoded (grpc-web-text); 'utf8', a text
 * body's UTF-8 bytes (Connect's JSON bodies: their text, else their value as JSON); without
 * `text`, only the hex will do (a text body is no framed messages).
 */
export function bodyBytes(body: Body | undefined, text?: 'utf8' | 'base64'): { bytes?: Uint8Array; why?: string } {
  if (!body || body.size === 0 || body.kind === 'none') return { bytes: new Uint8Array(0) };
  // (a capture gap or snaplen cuts a body too: only one cut at the preview limit is larger than it)
  if (body.truncated) return { why: `body of ${body.size} bytes ${bodyCut(body) === 'preview' ? 'larger than the preview' : 'not captured whole'}` };
  const size = body.decodedSize ?? body.size;
  const raw = body.hex !== undefined && body.hex.length === size * 2 ? fromHex(body.hex) : undefined;
  if (text === 'base64') {
    const t = raw ? latin1Text(raw.subarray(0, 1 << 20)) : body.text;
    if (t === undefined) return { why: 'body bytes not kept by the HTTP layer' };
    const b = decodeConcatenatedBase64(t);
    return b ? { bytes: b } : { why: 'grpc-web-text body is not valid base64' };
  }
  if (raw) return { bytes: raw };
  if (text === 'utf8') {
    // (a JSON body's text as sent: its value re-serialised would put 64-bit ids kept exact in quotes)
    const t = body.text ?? body.jsonText;
    if (t !== undefined) return { bytes: new TextEncoder().encode(t) };
    if (body.kind === 'json' && body.value !== undefined) return { bytes: new TextEncoder().encode(JSON.stringify(body.value)) };
  }
  return { why: 'body bytes not kept by the HTTP layer' };
}

export const grpcWebRouter: BodyRouter = {
  id: 'grpc-web',
  match(call: Call): boolean {
    const http = call.http;
    if (!http) return false;
    return isGrpcWebContentType(ctOf(http.requestHeaders)) || isGrpcWebContentType(ctOf(http.responseHeaders));
  },
  apply(call: Call, session: DecoderSession): void {
    const http = call.http!;
    const reqCt = ctOf(http.requestHeaders) ?? ctOf(http.responseHeaders);
    const b = new GrpcCallBuilder(call, session);
    b.web = true;
    call.fields['grpc.web'] = true;
    const reqHeaders = [[':path', http.uri ?? ''] as [string, string], ...(http.requestHeaders ?? [])];
    b.requestHeaders(reqHeaders);
    const resHeaders = [[':status', String(http.status ?? '')] as [string, string], ...(http.responseHeaders ?? [])];
    if (http.responseHeaders) b.responseHeaders(resHeaders, false);
    const frame = call.frames[0] ?? 0;
    const reqAt = { frame, tsUs: call.timing.requestEndUs ?? call.timing.startUs, streamOffset: 0 };
    const resAt = { frame: call.frames[call.frames.length - 1] ?? frame, tsUs: call.timing.endUs ?? reqAt.tsUs, streamOffset: 0 };
    const isText = (ct: string | undefined) => !!ct && ct.toLowerCase().includes('grpc-web-text');
    const req = bodyBytes(http.requestBody, isText(reqCt) ? 'base64' : undefined);
    if (req.bytes) b.data('c2s', req.bytes, 0, () => reqAt);
    else call.warnings.push(`gRPC-Web request not decoded: ${req.why}`);
    const res = bodyBytes(http.responseBody, isText(ctOf(http.responseHeaders) ?? reqCt) ? 'base64' : undefined);
    if (res.bytes) b.data('s2c', res.bytes, 0, () => resAt);
    else if (http.responseBody) call.warnings.push(`gRPC-Web response not decoded: ${res.why}`);
    // HTTP/1.1 may carry the status in real trailers or headers (Trailers-Only); the builder finds it there too.
    // Over HTTP/2, a stream reset before any grpc-status gives the status (a client's reset at its
    // grpc-timeout: DEADLINE_EXCEEDED), as for native gRPC.
    b.finish({ rst: streamResetOf(call) });
    // Over HTTP/2 a client may reset the stream once it has read the trailers frame, before the
    // server's END_STREAM (Connect-ES does, with INTERNAL_ERROR): the call ended normally.
    if (call.fields['grpc.status'] !== undefined && call.fields['grpc.status_from'] === undefined && clientResetAfterEnd(call)) {
      call.fields['grpc.reset_after_trailers'] = true;
    }
    if (http.status !== undefined && http.status !== 200 && call.fields['grpc.status'] === undefined) {
      call.status = { code: http.status, text: http.reason ?? '', ok: false };
    }
  },
};
