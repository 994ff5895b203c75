/**
 * The compare view: the same operation as REST, XML-RPC and gRPC side by side — bytes on the
 * wire, packets, round trips, latency — as small bars (pure metrics here, DOM below).
 */
import { h } from './dom';
import type { Call, FlowSummary } from '../decoders/core/model';
import { formatDuration, formatSize, protocolLabel } from './format';

export interface CompareMetrics {
  callId: number;
  protocol: string;
  label: string;
  requestBytes: number;
  responseBytes: number;
  wireBytes: number;
  packets: number;
  /** Handshake (when this call opened its connection) + one per request/response exchange. */
  roundTrips: number;
  latencyUs: number | undefined;
}

export function compareMetrics(call: Call, flow: FlowSummary | undefined, opensConnection: boolean): CompareMetrics {
  const req = call.request?.wireBytes ?? call.http?.requestBody?.size ?? call.request?.body?.size ?? 0;
  const res = call.response?.wireBytes ?? call.http?.responseBody?.size ?? call.response?.body?.size ?? 0;
  const exchanges = call.kind === 'publish' || call.kind === 'oneway' ? 0 : 1;
  const handshake = opensConnection && flow?.synSeen ? 1 : 0;
  return {
    callId: call.id,
    protocol: call.protocol,
    label: `${protocolLabel(call.protocol)} ${call.protocol === 'http' ? `${call.method} ${call.target ?? ''}` : call.method}`,
    requestBytes: req,
    responseBytes: res,
    wireBytes: req + res,
    packets: call.frames.length,
    roundTrips: handshake + exchanges,
    latencyUs: call.timing.endUs !== undefined ? call.timing.endUs - call.timing.startUs : undefined,
  };
}

/** Words shared by two method names ("GetPerson", "/persons/{id}", "get_person") decide the match. */
export function operationWords(s: string): string[] {
  return s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .map((w) => w.replace(/s$/, ''))
    .filter((w) => w.length > 2 && !['get', 'post', 'put', 'rpc', 'api', 'v1'].includes(w));
}

export function similarity(a: string, b: string): number {
  const A = new Set(operationWords(a));
  const B = operationWords(b);
  return B.filter((w) => A.has(w)).length;
}

export function compareTable(items: CompareMetrics[]): HTMLElement {
  const metrics: Array<{ name: string; get: (m: CompareMetrics) => number | undefined; fmt: (n: number) => string }> = [
    { name: 'Bytes on the wire', get: (m) => m.wireBytes, fmt: formatSize },
    { name: 'Request', get: (m) => m.requestBytes, fmt: formatSize },
    { name: 'Response', get: (m) => m.responseBytes, fmt: formatSize },
    { name: 'Packets', get: (m) => m.packets, fmt: String },
    { name: 'Round trips', get: (m) => m.roundTrips, fmt: String },
    { name: 'Latency', get: (m) => m.latencyUs, fmt: (n) => formatDuration(n) },
  ];
  const table = h('table', { class: 'compare-table', 'aria-label': 'Comparison' });
  table.append(h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Metric'), ...items.map((m) => h('th', { scope: 'col', class: `fam-col proto-${m.protocol}` }, m.label)))));
  const body = h('tbody');
  for (const met of metrics) {
    const vals = items.map(met.get);
    const max = Math.max(1, ...vals.map((v) => v ?? 0));
    body.append(
      h('tr', null, h('th', { scope: 'row' }, met.name), ...vals.map((v, i) => {
        const bar = h('div', { class: `cmp-bar proto-${items[i].protocol}` });
        bar.style.width = `${((v ?? 0) / max) * 100}%`;
        return h('td', null, h('div', { class: 'cmp-track' }, bar), h('span', { class: 'cmp-value' }, v === undefined ? '—' : met.fmt(v)));
      })),
    );
  }
  table.append(body);
  return table;
}
