/**
 * A stand-in for the extension host, for previewing the webview in a plain browser: it answers
 * the protocol from a JSON file of calls and flows (see dump-sample.ts). Query parameters:
 *   ?data=/sample.json   the calls to serve           ?synthetic=1000000  generated rows instead
 *   ?xss=1               add calls whose payloads hold markup and script (they must show as text)
 *   ?state=loading|empty|damaged|failed                a designed state
 * Bundled before the webview: npx esbuild test/webview/fake-host.ts --bundle --outfile=/tmp/cs-preview/fake-host.js
 */
import type { Call, FlowSummary } from '../../decoders/core/model';
import type { CallRow, HostToWebview, WebviewToHost, SortSpec } from '../../webview/protocol';
import { compileFilter } from '../../decoders/filter/index';
import { toRow as hostRow } from '../../extension/analysis/rows';

const params = new URLSearchParams(location.search);
let calls: Call[] = [];
let flows: FlowSummary[] = [];
let ready = false;
let pendingState: unknown;
const outbox: Array<{ m: WebviewToHost }> = [];

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The host's own row builder, so lanes and names match the editor. */
const toRow = (c: Call): CallRow => hostRow(c);

function sortKey(c: Call, key: SortSpec['key']): number | string {
  switch (key) {
    case 'time': return c.timing.startUs;
    case 'duration': return c.timing.endUs === undefined ? Infinity : c.timing.endUs - c.timing.startUs;
    case 'endpoints': return `${ep(c.client)} ${ep(c.server)}`;
    case 'protocol': return c.protocol;
    case 'method': return c.method;
    case 'target': return c.target ?? '';
    case 'status': return String(c.status?.code ?? '');
    case 'size': return (c.request?.wireBytes ?? 0) + (c.response?.wireBytes ?? 0);
  }
}

function query(filter: string | undefined, sort: SortSpec | undefined): { rows: Call[]; error?: { message: string; start: number; end: number } } {
  let rows = calls;
  if (filter) {
    const f = compileFilter(filter);
    if (!f.ok) return { rows: [], error: f.error };
    rows = rows.filter(f.test);
  }
  if (sort && !(sort.key === 'time' && sort.dir === 'asc')) {
    const d = sort.dir === 'asc' ? 1 : -1;
    rows = [...rows].sort((a, b) => {
      const x = sortKey(a, sort.key);
      const y = sortKey(b, sort.key);
      return (x < y ? -1 : x > y ? 1 : a.id - b.id) * d;
    });
  }
  return { rows };
}

function bytesOf(c: Call, part: 'request' | 'response'): Uint8Array {
  const p = c[part];
  const http = c.http;
  let text = '';
  if (http) {
    text = part === 'request' ? `${http.method} ${http.uri} ${http.version}\r\n` : `${http.version} ${http.status} ${http.reason ?? ''}\r\n`;
    for (const [k, v] of (part === 'request' ? http.requestHeaders : http.responseHeaders) ?? []) text += `${k}: ${v}\r\n`;
    text += '\r\n';
  }
  const body = p?.body ?? (part === 'request' ? http?.requestBody : http?.responseBody);
  if (body?.text) text += body.text;
  const head = new TextEncoder().encode(text);
  if (body?.hex && !body.text) {
    const hex = body.hex.match(/../g)!.map((x) => parseInt(x, 16));
    const out = new Uint8Array(head.length + hex.length);
    out.set(head);
    out.set(hex, head.length);
    return out;
  }
  return head;
}

// Answers arrive asynchronously, as from a real host, but in the order they were sent.
let lastAt = 0;
function send(m: HostToWebview): void {
  const at = Math.max(Date.now() + 5 + Math.random() * 15, lastAt + 1);
  lastAt = at;
  setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: m })), at - Date.now());
}

function handle(m: WebviewToHost): void {
  switch (m.type) {
    case 'webview/ready':
      start();
      break;
    case 'calls/page': {
      const q = query(m.filter, m.sort);
      send({ type: 'calls/page', requestId: m.requestId, rows: q.rows.slice(m.start, m.start + m.count).map(toRow), total: q.rows.length, filterError: q.error });
      break;
    }
    case 'call/details':
      send({ type: 'call/details', requestId: m.requestId, call: calls.find((c) => c.id === m.id) ?? synth(m.id) });
      break;
    case 'calls/indexOf': {
      const q = query(m.filter, m.sort);
      send({ type: 'calls/indexOf', requestId: m.requestId, id: m.id, index: q.rows.findIndex((c) => c.id === m.id) });
      break;
    }
    case 'call/bytes': {
      const c = calls.find((x) => x.id === m.id);
      const bytes = c ? bytesOf(c, m.part) : new Uint8Array();
      const half = Math.floor(bytes.length / 2);
      send({ type: 'call/bytes', requestId: m.requestId, id: m.id, part: m.part, bytes, segments: bytes.length ? [{ frame: (c?.frames[0] ?? 1), offset: 0, length: half }, { frame: (c?.frames[1] ?? 2), offset: half, length: bytes.length - half }] : [] });
      break;
    }
    default:
      console.log('host got', m);
  }
}

function synth(id: number): Call | undefined {
  return undefined;
}

function start(): void {
  const st = params.get('state');
  const startUs = calls.length ? Math.min(...calls.slice(0, 1000).map((c) => c.timing.startUs)) : Date.now() * 1000;
  const endUs = calls.length ? Math.max(...calls.slice(-1000).map((c) => c.timing.endUs ?? c.timing.startUs)) : startUs;
  send({ type: 'analysis/didStart', file: 'capture.pcap', fileBytes: 3_400_000 });
  if (st === 'loading') {
    send({ type: 'analysis/didProgress', bytesRead: 1_234_567, fileBytes: 3_400_000, frames: 18_234, calls: 0 });
    return;
  }
  if (st === 'failed') {
    send({ type: 'analysis/didFail', message: 'not a pcap or pcapng file (starts with 50 4b 03 04, a ZIP archive)' });
    return;
  }
  send({ type: 'flows/all', flows });
  send({
    type: 'analysis/didFinish', frames: calls.length * 9, calls: calls.length, flows: flows.length, cancelled: false, startUs, endUs,
    warnings: st === 'damaged' ? [{ message: 'record length 4294967295 at offset 2 811 904 is impossible: the rest of the file is unreadable', fileOffset: 2811904 }] : [],
    damaged: st === 'damaged' ? { bytesRead: 2_811_904, fileBytes: 3_400_000, reason: 'a corrupt packet record' } : undefined,
  });
}

function syntheticCalls(n: number): Call[] {
  const protos = ['http', 'grpc', 'xmlrpc', 'mqtt', 'amqp', 'jsonrpc'];
  const out: Call[] = [];
  let t = 1_700_000_000_000_000;
  for (let i = 1; i <= n; i++) {
    t += 200 + ((i * 7919) % 5000);
    const p = protos[i % protos.length];
    const err = i % 17 === 0;
    out.push({
      id: i, protocol: p, kind: p === 'mqtt' ? 'publish' : 'unary', state: 'complete', flowId: 1 + (i % 40),
      client: { ip: '10.0.0.2', port: 40000 + (i % 40) }, server: { ip: '10.0.0.9', port: p === 'grpc' ? 50051 : p === 'mqtt' ? 1883 : 8080 },
      method: p === 'grpc' ? 'GetPerson' : p === 'mqtt' ? 'PUBLISH' : p === 'http' ? 'GET' : 'fun_add', target: p === 'grpc' ? '/people.People/GetPerson' : p === 'mqtt' ? 'trips/new' : `/persons/${i}`,
      status: p === 'mqtt' ? undefined : { code: p === 'grpc' ? (err ? 5 : 0) : err ? 404 : 200, text: err ? (p === 'grpc' ? 'NOT_FOUND' : 'Not Found') : 'OK', ok: !err },
      timing: { startUs: t, endUs: p === 'mqtt' ? undefined : t + 300 + ((i * 31) % 40000) },
      request: { wireBytes: 200 + (i % 300) }, response: { wireBytes: 400 + (i % 3000) },
      fields: p === 'grpc' ? { 'grpc.status': err ? 5 : 0 } : p === 'http' ? { 'http.status': err ? 404 : 200 } : {}, frames: [i * 3, i * 3 + 1], warnings: [],
    });
  }
  return out;
}

function xssCalls(base: number, t: number): Call[] {
  const evil = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">';
  return [
    {
      id: base + 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 999, client: { ip: '10.6.6.6', port: 4444 }, server: { ip: '10.0.0.1', port: 80 },
      method: 'GET<script>alert(1)</script>', target: 'javascript:alert(document.cookie)', status: { code: 200, text: '<b onmouseover=alert(1)>OK</b>', ok: true },
      timing: { startUs: t, endUs: t + 1000 }, fields: { 'http.status': 200, '<svg onload=alert(1)>': 'x' }, frames: [1], warnings: [evil],
      request: { headers: [['X-Evil', evil], ['Referer', 'javascript:alert(1)']], body: { size: evil.length, kind: 'text', text: evil } },
      response: { body: { size: 60, kind: 'json', value: { html: evil, link: 'javascript:alert(1)' } } },
      http: { version: 'HTTP/1.1', method: 'GET', uri: '/<script>', host: '<img src=x onerror=alert(1)>', status: 200, reason: 'OK', requestHeaders: [['Host', '<img src=x onerror=alert(1)>']] },
    },
  ];
}

(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage: (m: WebviewToHost) => (ready ? handle(m) : outbox.push({ m })),
  getState: () => (pendingState = JSON.parse(sessionStorage.getItem('cs-state') ?? 'null')),
  setState: (s: unknown) => sessionStorage.setItem('cs-state', JSON.stringify(s)),
});

void (async () => {
  const n = Number(params.get('synthetic') ?? 0);
  if (n) calls = syntheticCalls(n);
  else if (params.get('state') !== 'empty' && params.get('data')) {
    const d = await (await fetch(params.get('data')!)).json();
    calls = d.calls;
    flows = d.flows;
  }
  if (params.get('state') === 'empty') flows = [
    { id: 1, transport: 'tcp', client: { ip: '10.0.0.2', port: 51000 }, server: { ip: '10.0.0.3', port: 7000 }, protocol: 'tcp', dispatch: 'none', c2sBytes: 12000, s2cBytes: 800, packets: 40, firstFrame: 1, startUs: 0, endUs: 1, synSeen: true, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 0, warnings: [] },
    { id: 2, transport: 'tcp', client: { ip: '10.0.0.2', port: 51002 }, server: { ip: '10.0.0.3', port: 7001 }, protocol: 'tcp', dispatch: 'none', c2sBytes: 300, s2cBytes: 900, packets: 12, firstFrame: 9, startUs: 0, endUs: 1, synSeen: true, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 0, warnings: [] },
    { id: 3, transport: 'udp', client: { ip: '10.0.0.2', port: 5353 }, server: { ip: '224.0.0.251', port: 5353 }, protocol: 'udp', dispatch: 'none', c2sBytes: 600, s2cBytes: 0, packets: 6, firstFrame: 3, startUs: 0, endUs: 1, synSeen: false, roleFrom: 'port', gapBytes: { c2s: 0, s2c: 0 }, calls: 0, warnings: [] },
  ];
  if (params.get('xss')) calls = [...xssCalls(calls.length ? Math.max(...calls.map((c) => c.id)) : 0, calls.length ? calls[0].timing.startUs - 10 : 1e15), ...calls];
  calls.sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  ready = true;
  for (const o of outbox.splice(0)) handle(o.m);
})();
void pendingState;
