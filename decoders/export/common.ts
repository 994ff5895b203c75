/**
 * Helpers shared by the exporters and the copy-as converters: header lookup, body text, URLs
 * rebuilt from the HTTP layer, endpoint labels and readable durations. Pure (no platform APIs).
 */
import type { Body, Call, Endpoint, HeaderList } from '../core/model';

/** `ip:port`, with IPv6 addresses in brackets. */
export function endpointLabel(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** A flow's warning as the CLI prints it: `flow 3 [::1]:5000 → [::1]:80: <warning>`. */
export function flowWarningText(f: { id: number; client: Endpoint; server: Endpoint }, warning: string): string {
  return `flow ${f.id} ${endpointLabel(f.client)} → ${endpointLabel(f.server)}: ${warning}`;
}

/** First value of a header (case-insensitive name), or undefined. */
export function header(list: HeaderList | undefined, name: string): string | undefined {
  if (!list) return undefined;
  const n = name.toLowerCase();
  for (const [k, v] of list) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** The request headers of a call: the HTTP layer's when carried by HTTP, else the call's own. */
export function requestHeaders(c: Call): HeaderList {
  return c.http?.requestHeaders ?? c.request?.headers ?? [];
}
/** The authority a request names: the HTTP layer's host, else its Host or `:authority` header. */
export function requestHost(c: Call): string | undefined {
  return c.http?.host || requestHeaders(c).find(([k]) => k === ':authority' || k.toLowerCase() === 'host')?.[1] || undefined;
}
export function responseHeaders(c: Call): HeaderList {
  return c.http?.responseHeaders ?? c.response?.headers ?? [];
}
export function requestBody(c: Call): Body | undefined {
  return c.http?.requestBody ?? c.request?.body;
}
export function responseBody(c: Call): Body | undefined {
  return c.http?.responseBody ?? c.response?.body;
}

/** True when the call travelled as an HTTP exchange (REST, XML-RPC, JSON-RPC, SOAP, gRPC…). */
export function isHttpCarried(c: Call): boolean {
  // (gRPC over HTTP/2 keeps its HTTP facts on the call itself: headers, :path, trailers)
  return !!c.http || c.protocol === 'http' || c.protocol === 'http2' || c.protocol === 'grpc';
}

/** Body as text when it can be shown as text; undefined for binary or absent bodies. */
export function bodyText(b: Body | undefined): string | undefined {
  if (!b || b.size === 0) return undefined;
  if (b.text !== undefined) return b.text;
  // The text as sent when the decoder kept it; re-serialized from the value only when it did not
  // (a call that went through a structured clone: whitespace and number spellings are then lost).
  if (b.jsonText !== undefined) return b.jsonText;
  if (b.value !== undefined && (b.kind === 'json' || b.kind === 'jsonrpc')) return JSON.stringify(b.value);
  return undefined;
}

/** Bytes of a body's hex preview, or undefined. */
export function bodyBytes(b: Body | undefined): Uint8Array | undefined {
  if (!b?.hex) return undefined;
  const hex = b.hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function base64(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    s += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return s;
}

/** The HTTP method of a call carried by HTTP (POST for RPC-over-HTTP without an HTTP layer). */
export function httpMethod(c: Call): string {
  return c.http?.method ?? (c.protocol === 'http' ? c.method : 'POST');
}

/** Absolute URL of an HTTP-carried call: http://host[:port]/path (captures hold cleartext only). */
export function httpUrl(c: Call): string {
  const headers = requestHeaders(c);
  let uri = c.http?.uri ?? header(headers, ':path') ?? c.target ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri; // absolute-form (proxy requests)
  if (!uri.startsWith('/')) uri = '/' + uri;
  // (an HTTP/1.1 call decrypted from TLS has no :scheme: its TLS fields say https)
  const tls = c.fields['tls.handshake.version'] !== undefined || c.fields['tls.call_id'] !== undefined;
  const scheme = header(headers, ':scheme') ?? (tls ? 'https' : 'http');
  let host = c.http?.host ?? header(headers, ':authority') ?? header(headers, 'host');
  if (!host) host = c.server.port === (tls ? 443 : 80) ? hostOf(c.server.ip) : `${hostOf(c.server.ip)}:${c.server.port}`;
  return `${scheme}://${host}${uri}`;
}
function hostOf(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** Duration of a call in microseconds, when it ended. */
export function durationUs(c: Call): number | undefined {
  return c.timing.endUs !== undefined ? Math.max(0, c.timing.endUs - c.timing.startUs) : undefined;
}

/** 850 µs, 12.3 ms, 1.25 s. */
export function formatDuration(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '—';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 10_000) return `${(us / 1000).toFixed(1)} ms`;
  if (us < 1_000_000) return `${Math.round(us / 1000)} ms`;
  return `${(us / 1_000_000).toFixed(us < 10_000_000 ? 2 : 1)} s`;
}

/** Short status text of a call: "200 OK", "OK", "fault 4: Too many parameters". */
export function statusLabel(c: Call): string {
  if (!c.status) return c.state === 'complete' ? '' : c.state;
  return codeAndText(c.status);
}

/**
 * A status as code and text, the code said once: "200 OK", "reply on rpc.replies" (a text that
 * starts with its code does not repeat it), "OK" (no text, or the text is the code).
 */
export function codeAndText(status: { code: number | string; text?: string }): string {
  const code = String(status.code);
  const text = status.text ?? '';
  if (!text || text === code) return code;
  if (text.startsWith(code + ' ')) return text;
  return `${code} ${text}`;
}

/** ISO 8601 time of a microsecond epoch timestamp, keeping microseconds. */
export function isoTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // …T12:00:00.123Z
  const micro = String(Math.floor(us) % 1000).padStart(3, '0');
  return iso.replace(/Z$/, `${micro}Z`);
}

/**
 * Did the server start this call (a WebSocket message from the server, a broker-initiated AMQP method,
 * a NATS server's INFO or PING, an MQTT 5 server's DISCONNECT, a Redis push or MONITOR line, a RabbitMQ
 * stream server's Tune, ConsumerUpdate or MetadataUpdate…)? The
 * protocols that say so name the direction in a field; an event or one-way message with only a
 * response side is one only the server sent.
 */
export function startedByServer(c: Call): boolean {
  const f = c.fields;
  if (f['websocket.dir'] === 's2c' || f['amqp.direction'] === 's2c' || f['zmtp.dir'] === 's2c' || f['mqtt.dir'] === 's2c' || f['rabbitstream.dir'] === 's2c') return true;
  if (f['jsonrpc.direction'] === 'server-to-client' || f['nats.ping_from'] === 's2c') return true;
  return (c.kind === 'event' || c.kind === 'oneway') && c.request === undefined && c.response !== undefined;
}
