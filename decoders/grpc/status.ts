/**
 * gRPC status vocabulary (grpc/doc/statuscodes.md), the HTTP/2 → gRPC mappings of
 * PROTOCOL-HTTP2.md and doc/http-grpc-status-mapping.md, and header value parsing.
 */
import { fromBase64, utf8Text } from '../core/bytes';
import type { Dir } from '../core/model';

export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? `STATUS_${code}`;
}

/** What a gRPC client reports for a stream reset without a status (PROTOCOL-HTTP2.md, "Errors"). */
export function statusForRstStream(errorCode: number): number {
  switch (errorCode) {
    case 0x7: // REFUSED_STREAM
      return 14; // UNAVAILABLE
    case 0x8: // CANCEL
      return 1; // CANCELLED
    case 0xb: // ENHANCE_YOUR_CALM
      return 8; // RESOURCE_EXHAUSTED
    case 0xc: // INADEQUATE_SECURITY
      return 7; // PERMISSION_DENIED
    default:
      return 13; // INTERNAL
  }
}

/**
 * A client that resets the stream when its own deadline passes (`grpc-timeout`, `Connect-Timeout-Ms`)
 * — with CANCEL (grpc C-core, grpc-js), INTERNAL_ERROR (Connect-ES) or NO_ERROR: for the caller that
 * is DEADLINE_EXCEEDED. True for a reset by the client (REFUSED_STREAM is a server's, never a
 * client's giving up) at or after the deadline, less a margin for clock and scheduling (10 ms, or
 * 2% of the timeout when larger): a client starts its timer before its request reaches the wire,
 * and the deadline here counts from the wire (Chromium's fetch, through its network process, put
 * the request on the wire 1.3-6.1 ms after Connect-ES started a 200 ms timer; a 1 ms margin took
 * its reset at 193.9 ms for a cancellation). A server's reset, a GOAWAY or a closed connection is
 * not one.
 */
export function pastDeadline(rst: { code: number; by: Dir; tsUs?: number } | undefined, deadlineUs: unknown, timeoutUs: unknown): boolean {
  if (!rst || rst.by !== 'c2s' || rst.code === 0x7 || rst.tsUs === undefined) return false;
  if (typeof deadlineUs !== 'number' || typeof timeoutUs !== 'number') return false;
  return rst.tsUs >= deadlineUs - Math.max(10_000, timeoutUs * 0.02);
}

/** What a gRPC client reports for a non-200 HTTP status without grpc-status. */
export function statusForHttpStatus(http: number): number {
  switch (http) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}

const TIMEOUT_UNIT_US: Record<string, number> = { H: 3600e6, M: 60e6, S: 1e6, m: 1e3, u: 1, n: 1e-3 };

/** `grpc-timeout` (1–8 ASCII digits + unit H/M/S/m/u/n) → microseconds, or undefined. */
export function parseGrpcTimeout(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^\s*(\d{1,8})([HMSmun])\s*$/.exec(v);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * TIMEOUT_UNIT_US[m[2]]);
}

/** `grpc-message` is percent-encoded UTF-8 (PROTOCOL-HTTP2.md). Bad escapes are kept as is. */
export function percentDecode(v: string): string {
  if (!v.includes('%')) return v;
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x25 && i + 2 < v.length + 0 && /^[0-9A-Fa-f]{2}$/.test(v.substr(i + 1, 2))) {
      bytes.push(parseInt(v.substr(i + 1, 2), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of new TextEncoder().encode(v[i])) bytes.push(b);
  }
  return utf8Text(Uint8Array.from(bytes));
}

/**
 * Bytes of a `-bin` metadata value. Normally base64, padded or not (PROTOCOL-HTTP2.md: both
 * must be accepted). grpc C-core sends them raw instead ("true binary" metadata, a NUL octet
 * then the bytes) when both peers set HTTP/2 setting 0xfe03; the HPACK decoder keeps such
 * values one char per octet. Undefined when neither form fits.
 */
export function binaryHeaderValue(v: string): Uint8Array | undefined {
  if (v.charCodeAt(0) === 0) {
    const out = new Uint8Array(v.length - 1);
    for (let i = 1; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c > 0xff) return new TextEncoder().encode(v.slice(1));
      out[i - 1] = c;
    }
    return out;
  }
  return fromBase64(v);
}

/** Is this content-type gRPC over HTTP/2 (not gRPC-Web)? `application/grpc`, `application/grpc+proto`, `+json`… */
export function isGrpcContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  // (the usual ones at once, without a string built: asked for every stream)
  if (ct === 'application/grpc' || ct === 'application/grpc+proto') return true;
  const e = ct.split(';')[0].trim().toLowerCase();
  return e === 'application/grpc' || e.startsWith('application/grpc+');
}

/** Is this content-type gRPC-Web? `application/grpc-web`, `+proto`, `-text`, `-text+proto`. */
export function isGrpcWebContentType(ct: string | undefined): boolean {
  // (asked of every HTTP exchange: most are not, and say so without a string built)
  if (!ct || ct.length < 20 || !/grpc-web/i.test(ct)) return false;
  const e = ct.split(';')[0].trim().toLowerCase();
  return e === 'application/grpc-web' || e.startsWith('application/grpc-web+') || e === 'application/grpc-web-text' || e.startsWith('application/grpc-web-text+');
}

/**
 * Whether the content-type names the message codec (`application/grpc+proto`, `+json`, a custom `+…`).
 * A bare `application/grpc` (or `application/grpc-web`) does not: PROTOCOL-HTTP2.md leaves the message
 * encoding to the application then, and a service with a JSON marshaller (grpc-java's, for one) sends it.
 */
export function grpcCodecNamed(ct: string | undefined): boolean {
  return !!ct && ct.split(';')[0].includes('+');
}

/** The message codec from the content-type subtype: 'proto' (default) or 'json' etc. */
export function grpcCodec(ct: string | undefined): string {
  // (asked for every message: the usual content-types at once, without a string built)
  if (ct === 'application/grpc' || ct === 'application/grpc+proto') return 'proto';
  const e = (ct ?? '').split(';')[0].trim().toLowerCase();
  const plus = e.indexOf('+');
  return plus >= 0 ? e.slice(plus + 1) : 'proto';
}
