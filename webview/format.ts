/**
 * Pure formatting for the view: durations, sizes, times, endpoints, protocol families and
 * status badges. No DOM here (unit-tested in test/webview/format.test.ts).
 */
import type { CallRow } from './protocol';
import { codeAndText } from '../decoders/export/common';

/** 12 µs · 3.40 ms · 1.25 s · 2 min 5 s. */
export function formatDuration(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '—';
  const a = Math.abs(us);
  const sign = us < 0 ? '−' : '';
  if (a < 1000) return `${sign}${Math.round(a)} µs`;
  if (a < 1_000_000) return `${sign}${trim(a / 1000)} ms`;
  if (a < 60_000_000) return `${sign}${trim(a / 1_000_000)} s`;
  const min = Math.floor(a / 60_000_000);
  if (min < 60) return `${sign}${min} min ${Math.round((a % 60_000_000) / 1_000_000)} s`;
  return `${sign}${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Three significant digits, without trailing zeros noise: 3.4, 12.5, 250. */
function trim(n: number): string {
  if (n >= 100) return String(Math.round(n));
  if (n >= 10) return (Math.round(n * 10) / 10).toString();
  return (Math.round(n * 100) / 100).toString();
}

/** 512 B · 1.5 KiB · 12.3 MiB · 2.1 GiB. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)} ${units[i]}`;
}

/** 1 234 567 with thin spaces — counts stay readable. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

export type TimeFormat = 'absolute' | 'relative' | 'delta';

/**
 * The time column. absolute: wall clock (UTC) with microseconds; relative: seconds since the
 * first frame; delta: since the previous row (`prevUs`).
 */
export function formatTime(us: number, mode: TimeFormat, baseUs: number, prevUs?: number): string {
  if (mode === 'absolute') {
    const d = new Date(Math.floor(us / 1000));
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(Math.floor(((us % 1_000_000) + 1_000_000) % 1_000_000), 6)}`;
  }
  const ref = mode === 'delta' ? (prevUs ?? baseUs) : baseUs;
  const dt = (us - ref) / 1_000_000;
  return (mode === 'delta' ? '+' : '') + dt.toFixed(6);
}

/** Full date-time for tooltips. */
export function formatDateTime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}.${String(Math.floor(us % 1_000_000)).padStart(6, '0')} UTC`;
}

/** Protocol families, each with one fixed hue (see webview.css `--cs-hue-*`). */
export type Family = 'http' | 'rpc' | 'grpc' | 'messaging' | 'other';

const FAMILY: Record<string, Family> = {
  http: 'http', http2: 'http', websocket: 'http', sockjs: 'http', soap: 'rpc',
  xmlrpc: 'rpc', jsonrpc: 'rpc', thrift: 'rpc', dubbo: 'rpc', hessian: 'rpc', graphql: 'rpc', trpc: 'rpc', signalr: 'rpc',
  grpc: 'grpc', 'grpc-web': 'grpc', connect: 'grpc', twirp: 'grpc',
  amqp: 'messaging', mqtt: 'messaging', kafka: 'messaging', rabbitstream: 'messaging', redis: 'messaging', stomp: 'messaging', nats: 'messaging', zmtp: 'messaging', socketio: 'messaging',
};

export function protocolFamily(protocol: string): Family {
  return FAMILY[protocol.toLowerCase()] ?? 'other';
}

/** How the protocol reads in a column: 'XML-RPC', 'gRPC', 'HTTP/2'… */
export function protocolLabel(protocol: string): string {
  const labels: Record<string, string> = {
    http: 'HTTP', http2: 'HTTP/2', grpc: 'gRPC', connect: 'Connect', twirp: 'Twirp', xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', soap: 'SOAP', thrift: 'Thrift', dubbo: 'Dubbo', hessian: 'Hessian', graphql: 'GraphQL', trpc: 'tRPC', signalr: 'SignalR',
    websocket: 'WebSocket', sockjs: 'SockJS', socketio: 'Socket.IO', amqp: 'AMQP', mqtt: 'MQTT', kafka: 'Kafka', rabbitstream: 'RMQ Stream', redis: 'Redis', stomp: 'STOMP', nats: 'NATS', zmtp: 'ZeroMQ',
  };
  return labels[protocol.toLowerCase()] ?? protocol.toUpperCase();
}

export type StatusTone = 'ok' | 'error' | 'pending' | 'aborted' | 'none';

export interface StatusBadge {
  tone: StatusTone;
  /** Icon name (see dom.ts). */
  icon: string;
  /** What the cell shows: "200", "NOT_FOUND", "fault 1"… */
  text: string;
  /** Spoken/tooltip form: "error: 404 Not Found". */
  label: string;
}

/** Protocols whose status is a gRPC code with its name (CANCELLED, NOT_FOUND; Connect's not_found). */
const GRPC_CODES = new Set(['grpc', 'grpc-web', 'connect']);

/** The status column: icon + text + a tone for colour, so colour is never the only signal. */
export function statusBadge(row: Pick<CallRow, 'status' | 'state' | 'kind' | 'protocol'>): StatusBadge {
  if (row.state === 'aborted') {
    // A cancelled gRPC call reads CANCELLED, as a finished one reads NOT_FOUND (not "1").
    const named = row.status?.text && typeof row.status.code === 'number' && GRPC_CODES.has(row.protocol);
    const text = row.status ? (named ? row.status.text! : String(row.status.code)) : 'aborted';
    return { tone: 'aborted', icon: 'aborted', text, label: `aborted${row.status?.text ? ': ' + row.status.text : ''}` };
  }
  if (row.status) {
    const code = row.status.code;
    // gRPC (and Connect, gRPC-Web), DNS and TLS read better by name (NOT_FOUND, not_found, NXDOMAIN, unknown_ca) than by number;
    // HTTP by both (404 Not Found); the rest by code (XML-RPC fault 1, AMQP 320).
    // MQTT's reason codes too (Success, Connection Accepted, granted QoS 2,1: a column of 0s said
    // nothing), a Kafka error (UNSUPPORTED_VERSION; its success, NONE, stays 0), and the RabbitMQ
    // stream protocol's response codes (OK, STREAM_DOES_NOT_EXIST: its success is 1).
    const named = GRPC_CODES.has(row.protocol) || row.protocol === 'dns' || row.protocol === 'tls' || row.protocol === 'mqtt' || (row.protocol === 'kafka' && !row.status.ok) || row.protocol === 'rabbitstream';
    const byName = named && row.status.text && typeof code === 'number';
    // An XML-RPC fault carries its faultCode (often 1): "fault 1" says what it is, a bare "1" does
    // not. An HTTP error without a fault document keeps its HTTP code (4xx/5xx).
    const fault = row.protocol === 'xmlrpc' && !row.status.ok && code !== 'fault' && !(typeof code === 'number' && code >= 400 && code <= 599);
    // (Twirp: the HTTP status and the Twirp code, 404 not_found; Dubbo's response status, 20 OK, 70 SERVICE_ERROR)
    const withText = row.protocol.startsWith('http') || row.protocol === 'twirp' || row.protocol === 'dubbo';
    const text = byName ? row.status.text! : fault ? `fault ${code}` : String(code) + (row.status.text && typeof code === 'number' && withText ? ` ${row.status.text}` : '');
    const label = `${row.status.ok ? 'ok' : 'error'}: ${codeAndText(row.status)}`;
    return row.status.ok ? { tone: 'ok', icon: 'ok', text, label } : { tone: 'error', icon: 'error', text, label };
  }
  if (row.kind === 'publish' || row.kind === 'oneway' || row.kind === 'deliver' || row.kind === 'event') {
    return { tone: 'none', icon: 'oneway', text: row.kind === 'deliver' ? 'delivered' : row.kind === 'publish' ? 'sent' : row.kind, label: row.kind };
  }
  if (row.state === 'pending' || row.state === 'incomplete') return { tone: 'pending', icon: 'pending', text: row.state, label: `${row.state}: no response seen` };
  return { tone: 'none', icon: 'ok', text: '—', label: 'no status' };
}

/** "127.0.0.1:51234" → ":51234" when client and server share the host (loopback captures). */
export function shortEndpoints(client: string, server: string): { client: string; server: string } {
  const ci = client.lastIndexOf(':');
  const si = server.lastIndexOf(':');
  if (ci > 0 && si > 0 && client.slice(0, ci) === server.slice(0, si)) return { client: client.slice(ci), server: server.slice(si) };
  return { client, server };
}

/** Duration of a row in µs, undefined while it has no end. */
export function rowDuration(row: Pick<CallRow, 'startUs' | 'endUs'>): number | undefined {
  return row.endUs === undefined ? undefined : row.endUs - row.startUs;
}

/** Clamp a long text for a cell/label with an ellipsis (the full text goes in a tooltip). */
export function ellipsize(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(1, max - 1)) + '…';
}

/** The target after the method, unless it only repeats it (gRPC: method `/pkg.Svc/M`, target the same path). */
export function targetAfterMethod(method: string, target: string | undefined): string | undefined {
  if (!target) return undefined;
  const bare = (x: string) => x.replace(/^\//, '');
  return bare(target) === bare(method) ? undefined : target;
}

/**
 * The method as the call list shows it: a gRPC-style `/pkg.v1.Service/Method` or
 * `pkg.v1.Service/Method` by its method name (`GetPerson`, as the diagram's arrows), since the
 * whole path is the call's target, in the column beside it; cut by the column's ellipsis, the
 * whole path would show only its package. Other names are kept as they are.
 */
export function shortMethod(method: string): string {
  const m = /^\/?(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*\/([A-Za-z_]\w*)$/.exec(method);
  return m ? m[1] : method;
}
