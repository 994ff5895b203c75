/**
 * The compare view: the same operation as REST, XML-RPC and gRPC side by side — bytes on the
 * wire, packets, round trips, latency — as small bars (pure metrics here, DOM below).
 */
import { h } from './dom';
import type { Call, FlowSummary } from '../decoders/core/model';
import { formatDuration, formatSize, protocolLabel, shortMethod, targetAfterMethod } from './format';

/** The request/response protocols the compare view lines up, in its column order. */
export const COMPARED_PROTOCOLS = ['http', 'http2', 'xmlrpc', 'jsonrpc', 'graphql', 'grpc', 'connect', 'twirp', 'soap', 'thrift', 'dubbo', 'hessian'];

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
    label: `${protocolLabel(call.protocol)} ${call.protocol === 'http' || call.protocol === 'http2' ? `${call.method} ${call.target ?? ''}` : shortMethod(call.method)}`,
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

/** One protocol's closest call to the operation being compared, and how many words they share. */
export interface AlikePick<T> {
  protocol: string;
  row: T;
  score: number;
}

/** The words of a call's operation: its method (a gRPC one by its name) and a target that adds to it. */
function callWords(c: { method: string; target?: string }): Set<string> {
  return new Set(operationWords(`${shortMethod(c.method)} ${targetAfterMethod(c.method, c.target) ?? ''}`));
}

/**
 * Which calls to line up: from each protocol's calls the one whose operation shares the most
 * with `key` (the selected call's, whose protocol is `baseProtocol`), a shared word counting
 * less the more calls have it (every Person API call says "person"; few say "item"). Of the
 * other protocols only those whose closest call is as alike as the best one are kept — with
 * POST /persons/1234/items selected, SOAP's addItemToUsersItemsList stays and gRPC's GetPerson
 * goes — unless that leaves fewer than two columns, when each protocol's closest call stands in
 * as before. Without a key (nothing selected), each protocol's first call.
 */
export function alikeCalls<T extends { method: string; target?: string }>(key: string, candidates: Array<{ protocol: string; rows: T[] }>, baseProtocol?: string): Array<AlikePick<T>> {
  const keyWords = new Set(operationWords(key));
  const words = new Map<T, Set<string>>();
  const df = new Map<string, number>();
  for (const { rows } of candidates) {
    for (const r of rows) {
      const w = callWords(r);
      words.set(r, w);
      for (const x of w) df.set(x, (df.get(x) ?? 0) + 1);
    }
  }
  const scoreOf = (r: T) => [...(words.get(r) ?? [])].reduce((n, x) => n + (keyWords.has(x) ? 1 / (df.get(x) ?? 1) : 0), 0);
  const picks: Array<AlikePick<T>> = [];
  for (const { protocol, rows } of candidates) {
    if (!rows.length) continue;
    let best = rows[0];
    let score = scoreOf(best);
    for (const r of rows.slice(1)) {
      const sc = scoreOf(r);
      if (sc > score + 1e-9) {
        best = r;
        score = sc;
      }
    }
    picks.push({ protocol, row: best, score });
  }
  if (!keyWords.size) return picks;
  const top = Math.max(0, ...picks.filter((p) => p.protocol !== baseProtocol).map((p) => p.score));
  const alike = picks.filter((p) => p.protocol === baseProtocol || (top > 0 && Math.abs(p.score - top) < 1e-9));
  return alike.length >= 2 ? alike : picks;
}

/** Words for a list: "A", "A and B", "A, B and C". */
function listWords(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The Person API samples: the same operations over each protocol, made to be compared. */
export const PERSON_API_SAMPLES = ['rest-person-api', 'xmlrpc-person-api', 'jsonrpc-person-api', 'graphql-person-api', 'grpc-person-api', 'soap-person-api', 'thrift-person-api', 'dubbo-person-api', 'twirp-person-api'];

export interface CompareHint {
  title: string;
  /** What Compare is for. */
  purpose: string;
  /** What this capture holds instead. */
  capture: string;
  /** Where to find a capture it works on. */
  howTo: string;
  /** A command that makes one (mergecap, from Wireshark). */
  command: string;
}

/**
 * What the compare view says instead of a lone column, when the capture has fewer than two of the
 * protocols it lines up: what Compare is for, what the capture holds (`found`: compared protocols
 * with calls; `others`: the capture's other protocols), and how to get a capture it works on.
 */
export function compareHint(found: string[], others: string[]): CompareHint {
  const rest = others.filter((p) => !COMPARED_PROTOCOLS.includes(p) && p !== 'tcp' && p !== 'udp').map(protocolLabel);
  const besides = rest.length ? ` (and ${listWords(rest)} traffic, which has no request/response operation to line up)` : '';
  const capture = found.length
    ? `This capture has only ${listWords(found.map(protocolLabel))} calls${besides}.`
    : `This capture has no ${listWords(COMPARED_PROTOCOLS.map(protocolLabel))} calls${rest.length ? `: only ${listWords(rest)} traffic, which has no request/response operation to line up` : ''}.`;
  return {
    title: 'Compare needs the same operation over two or more protocols',
    purpose: 'Compare shows one operation — say, reading a person — over REST, XML-RPC, JSON-RPC, GraphQL, gRPC, SOAP and Thrift side by side: bytes on the wire, packets, round trips and latency.',
    capture,
    howTo: `Open a capture that holds several of them. The Person API samples (${PERSON_API_SAMPLES.map((x) => `samples/${x}`).join(', ')}) make the same calls over each protocol, one capture each: merge two or more with Wireshark's mergecap (in the samples folder) and open the result:`,
    command: 'mergecap -w person-api.pcapng rest-person-api/rest-person-api.pcapng grpc-person-api/grpc-person-api.pcap soap-person-api/soap-person-api.pcap',
  };
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
