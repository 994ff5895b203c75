/**
 * Compact call-list rows for the webview, and the sort orders the list offers. Pure.
 */
import type { Call } from '../../decoders/core/model';
import type { CallRow, SortSpec } from '../../webview/protocol';

function ep(e: Call['client']): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function callSize(c: Call): number {
  const side = (p: Call['request']) => p?.wireBytes ?? p?.body?.size ?? 0;
  const http = c.http ? (c.http.requestBody?.size ?? 0) + (c.http.responseBody?.size ?? 0) : 0;
  return side(c.request) + side(c.response) || http;
}

/** User-given service names (setting callscope.serviceNames), by `ip:port` or `ip`. */
let serviceNames: Record<string, string> = {};
export function setServiceNames(names: Record<string, string>): void {
  serviceNames = names;
}

/** The server's lifeline name: a user-given name, else the HTTP host / :authority. */
function serverNameOf(c: Call): string | undefined {
  const named = serviceNames[ep(c.server)] ?? serviceNames[c.server.ip];
  if (named) return named;
  const host = c.http?.host ?? (c.http?.requestHeaders ?? c.request?.headers)?.find(([k]) => k === ':authority' || k.toLowerCase() === 'host')?.[1];
  return host || undefined;
}

export function toRow(c: Call): CallRow {
  const row: CallRow = {
    id: c.id,
    protocol: c.protocol,
    kind: c.kind,
    state: c.state,
    flowId: c.flowId,
    client: ep(c.client),
    server: ep(c.server),
    method: c.method,
    startUs: c.timing.startUs,
    sizeBytes: callSize(c),
    warnings: c.warnings.length,
    hasDefinition: !!c.definition,
  };
  if (c.target !== undefined) row.target = c.target;
  if (c.status) row.status = c.status;
  if (c.timing.endUs !== undefined) row.endUs = c.timing.endUs;
  if (c.timing.responseStartUs !== undefined) row.responseStartUs = c.timing.responseStartUs;
  const name = serverNameOf(c);
  if (name) row.serverName = name;
  if (c.links?.publishId !== undefined) row.publishId = c.links.publishId;
  return row;
}

type Cmp = (a: Call, b: Call) => number;
const str = (a: string | undefined, b: string | undefined) => (a ?? '').localeCompare(b ?? '');
const num = (a: number | undefined, b: number | undefined) => (a ?? -Infinity) - (b ?? -Infinity);
const byTime: Cmp = (a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id;

const KEYS: Record<SortSpec['key'], Cmp> = {
  time: byTime,
  duration: (a, b) => num(a.timing.endUs !== undefined ? a.timing.endUs - a.timing.startUs : undefined, b.timing.endUs !== undefined ? b.timing.endUs - b.timing.startUs : undefined),
  endpoints: (a, b) => str(ep(a.client) + ep(a.server), ep(b.client) + ep(b.server)),
  protocol: (a, b) => str(a.protocol, b.protocol),
  method: (a, b) => str(a.method, b.method),
  target: (a, b) => str(a.target, b.target),
  status: (a, b) => str(a.status ? String(a.status.code).padStart(6, ' ') : '', b.status ? String(b.status.code).padStart(6, ' ') : ''),
  size: (a, b) => callSize(a) - callSize(b),
};

export function comparator(sort: SortSpec | undefined): Cmp {
  if (!sort || (sort.key === 'time' && sort.dir === 'asc')) return byTime;
  const k = KEYS[sort.key] ?? byTime;
  const sign = sort.dir === 'desc' ? -1 : 1;
  return (a, b) => sign * k(a, b) || byTime(a, b);
}

export function sortKey(sort: SortSpec | undefined): string {
  return sort ? `${sort.key}:${sort.dir}` : 'time:asc';
}
