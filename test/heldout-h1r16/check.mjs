// check.mjs OUT: held-out round 16. For each capture, what the client logged (one JSON line per call)
// against what callscope decoded (`node dist/cli.js CAPTURE --format jsonl`), and HTTP requests /
// final responses / XML-RPC calls against tshark. One line per capture; exit 1 when a figure differs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-h1r16';
const cli = join(import.meta.dirname, '../../dist/cli.js');
let failed = 0;
const decode = (pcap) =>
  execFileSync('node', [cli, join(out, pcap), '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
// curl writes "status":000 (not JSON): read it as 0
const log = (name) =>
  readFileSync(join(out, name), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l.replace(/:0+(\d)/g, ':$1')));
const bag = (xs) => [...xs].sort();
function report(name, checks) {
  const bad = checks.filter(([, want, got]) => JSON.stringify(want) !== JSON.stringify(got));
  failed += bad.length;
  const show = (v) => {
    const s = JSON.stringify(v);
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  };
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${checks.map(([w, want, got]) => `${w} ${show(got)}${JSON.stringify(want) === JSON.stringify(got) ? '' : ` (want ${show(want)})`}`).join(', ')}`);
}
function tshark(pcap, ports, filter, fields) {
  const args = ['-r', join(out, pcap), ...ports.flatMap((p) => ['-d', `tcp.port==${p},http`]), '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter(Boolean);
}
const pathOf = (uri) => (uri?.startsWith('http://') ? new URL(uri).pathname + new URL(uri).search : uri);
const top = (calls) => calls.filter((c) => c.parentId === undefined);
const httpish = (calls) => top(calls).filter((c) => c.fields?.['http.request.method']);
// HTTP requests (method and target) and final (non-1xx) statuses, callscope against tshark: what only one
// of them shows, which each lab names beforehand (`only: { callscope: [...], tshark: [...] }`)
const minus = (a, b) => {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
};
function vsTshark(pcap, ports, calls, only = {}) {
  // several pipelined requests in one segment: one row, each field's values joined by ','
  const reqs = tshark(pcap, ports, 'http.request', ['http.request.method', 'http.request.uri'])
    .map((l) => l.split('\t').map((f) => f.split(',')))
    .flatMap(([ms, us]) => ms.map((m, i) => `${m} ${m === 'CONNECT' ? us[i] : pathOf(us[i])}`));
  const codes = tshark(pcap, ports, 'http.response', ['http.response.code']).flatMap((l) => l.split(',')).map(Number).filter((c) => c >= 200);
  const hs = httpish(calls);
  const mine = hs.map((c) => `${c.fields['http.request.method']} ${c.fields['http.request.method'] === 'CONNECT' ? c.fields['http.request.uri'] : pathOf(c.fields['http.request.uri'])}`);
  return [
    ['requests', reqs.length, hs.length - (only.callscope?.length ?? 0) + (only.tshark?.length ?? 0)],
    ['only callscope', bag(only.callscope ?? []), bag(minus(mine, reqs))],
    ['only tshark', bag(only.tshark ?? []), bag(minus(reqs, mine))],
    // statuses tshark may not pair (uWSGI's answer before the chunked body it never read: in some runs)
    ['final statuses (tshark)', true, (() => {
      const ours = hs.filter((c) => c.fields['http.status'] >= 200).map((c) => String(c.fields['http.status']));
      const extra = minus(ours, codes.map(String));
      return minus(codes.map(String), ours).length === 0 && extra.length <= (only.statuses ?? 0);
    })()],
  ];
}
// curl / inets / LWP / Mojo logs: method, path and status; 0 = no response
function httpLab(name, pcap, logName, serverPorts, tsharkPorts, opts = {}) {
  if (!existsSync(join(out, pcap))) return console.log(`skip ${name}: no ${pcap}`);
  const calls = decode(pcap);
  const want = [];
  for (const l of log(logName)) {
    const u = new URL(l.url);
    if (l.connect) want.push(`CONNECT ${u.host} ${l.connect}`);
    if (l.connect && l.connect !== 200) continue;
    // curl -z: a 200 that is not newer than the date is logged 304 (the server ignored If-Modified-Since)
    const ims = (c) => c.request?.headers?.some(([k]) => k.toLowerCase() === 'if-modified-since');
    const st = l.timecond && l.status === 304 ? (calls.find((c) => c.fields['http.request.uri'] === u.pathname && ims(c))?.fields['http.status'] ?? 304) : l.status;
    want.push(`${l.method} ${u.pathname}${u.search} ${st || '-'}`);
  }
  // a request curl sent again on a new connection after the server reset the reused one (RFC 9112 §9.3.1)
  const retried = (c) => c.state === 'aborted' && c.warnings.some((w) => /reset/.test(w));
  const mine = httpish(calls).filter((c) => serverPorts.includes(c.server.port) && !retried(c));
  const got = mine.map((c) => (c.fields['http.request.method'] === 'CONNECT' ? `CONNECT ${c.fields['http.request.uri']} ${c.fields['http.status'] ?? '-'}` : `${c.fields['http.request.method']} ${pathOf(c.fields['http.request.uri'])} ${c.fields['http.status'] ?? '-'}`));
  const timecond = log(logName).filter((l) => l.timecond).length;
  const again = httpish(calls).filter(retried).map((c) => `${c.fields['http.request.method']} ${pathOf(c.fields['http.request.uri'])}`);
  // (whether curl meets the reset is a race: the lab names what may be retried, not that it is)
  const retriedOk = again.every((x) => (opts.retried ?? []).includes(x));
  report(name, [['calls', bag(want), bag(got)], ['retried after a reset', true, retriedOk], ...vsTshark(pcap, tsharkPorts, calls, opts.only), ...(opts.extra?.(calls) ?? [])]);
  return { calls, timecond };
}
const warnings = (calls) => calls.flatMap((c) => c.warnings ?? []);

// ── xmlrpc-c
{
  const calls = decode('xmlrpcc.pcap');
  const want = log('xmlrpcc.log').map((l) => `${l.method} ${l.fault ?? 'ok'}`);
  // callscope marks a multicall with failed sub-calls ✗ (HTTP 200): the client got its array
  const got = top(calls).map((c) => `${c.method} ${c.status?.ok || c.method === 'system.multicall' ? 'ok' : c.status?.code}`);
  // tshark 4.0 has no XML-RPC dissector: its XML requests
  const ts = tshark('xmlrpcc.pcap', [28501], 'http.request and xml', ['frame.number']);
  const subs = calls.filter((c) => c.parentId !== undefined).map((c) => `${c.method} ${c.status?.ok ? 'ok' : c.status?.code}`);
  report('xmlrpc-c', [
    ['calls', want, got],
    ['XML requests (tshark)', ts.length, top(calls).length],
    ['multicall sub-calls', ['add ok', 'fail 99', 'echo ok', 'missing -506'], subs],
    ['warnings', [], warnings(calls)],
  ]);
}
// ── small servers (busybox sends a body after HEAD: that warning is expected)
for (const [n, port] of [['busybox', 28510], ['mini', 28511], ['webfs', 28512]]) httpLab(`small ${n}`, `small-${n}.pcap`, `small-${n}.log`, [port], [port]);
// ── proxies: the client leg (absolute-form, CONNECT) against curl; tshark over both legs
for (const [n, ports] of [['squid', [28530, 28533]], ['tinyproxy', [28531, 28534]], ['privoxy', [28532]]]) {
  httpLab(`proxy ${n}`, `proxy-${n}.pcap`, `proxy-${n}.log`, ports, [...ports, 28520, 28521], {
    extra: (calls) => [['absolute-form on the client leg', true, httpish(calls).filter((c) => ports.includes(c.server.port) && c.fields['http.request.method'] === 'GET' && !c.fields['http.proxy_tunnel']).every((c) => c.fields['http.request.uri'].startsWith('http://'))]],
  });
}
// ── WSGI servers and Varnish (gunicorn and uwsgi send the app's body after HEAD: expected warnings)
httpLab('gunicorn', 'wsgi-gunicorn.pcap', 'wsgi-gunicorn.log', [28541], [28541]);
// uwsgi does not keep connections alive: curl's request on the reused one meets a RST and is sent again.
// uwsgi answers the chunked upload before reading its body; tshark then loses that request.
httpLab('uwsgi', 'wsgi-uwsgi.pcap', 'wsgi-uwsgi.log', [28542], [28542], { retried: ['GET /nocontent'], only: { callscope: ['POST /upload'], statuses: 1 } });
httpLab('varnish', 'varnish.pcap', 'varnish.log', [28540], [28540, 28541], {
  // tshark 4.0 takes only the methods it knows as HTTP: not Varnish's PURGE nor BREW
  only: { callscope: ['PURGE /slow', 'PURGE /slow', 'BREW /json', 'BREW /json'] },
  // misses: json (its second GET and the If-Modified-Since one from the cache), stream, etag ×2
  // (must-revalidate), big, echo (pass), missing, nocontent, slow ×2 (the second a background fetch in
  // grace, the stale object served at once with Age 2), PURGE and BREW (piped)
  extra: (calls) => [['backend fetches', 12, httpish(calls).filter((c) => c.server.port === 28541).length]],
});
// ── Erlang inets (pipelining), Perl
httpLab('inets', 'inets.pcap', 'inets.log', [28550], [28550], {
  extra: (calls) => {
    const flows = new Map();
    for (const c of httpish(calls)) flows.set(c.flowId, (flows.get(c.flowId) ?? 0) + 1);
    return [['calls on the pipelined connection', 7, Math.max(...flows.values())]];
  },
});
httpLab('mojolicious', 'perl-mojo.pcap', 'perl-mojo.log', [28560], [28560]);
httpLab('HTTP::Daemon + LWP', 'perl-lwp.pcap', 'perl-lwp.log', [28561], [28561], {
  extra: (calls) => [
    ['100 Continue', 1, httpish(calls).filter((c) => c.http?.interim?.some((i) => i.status === 100)).length],
    ['trailer', [['X-Sum', '11']], httpish(calls).find((c) => c.fields['http.request.uri'] === '/trailers')?.response?.trailers],
  ],
});
// ── JSON-RPC
function rpcLab(name, pcap, logName, opts = {}) {
  if (!existsSync(join(out, pcap))) return console.log(`skip ${name}: no ${pcap}`);
  const calls = decode(pcap).filter((c) => c.protocol === 'jsonrpc');
  const entries = log(logName).filter((l) => l.method && !l.batch && l.method !== 'batch' && !l.method.startsWith('batch'));
  const want = entries.map((l) => `${l.method} ${l.notification ? 'notification' : l.error === undefined ? 'ok' : typeof l.error === 'number' ? l.error : 'error'}`);
  const res = (c) => (c.kind === 'oneway' || (!c.response?.value && c.fields['jsonrpc.id'] === undefined && c.status?.code !== undefined && !c.fields['jsonrpc.error.code'] && c.response?.body === undefined) ? 'notification' : c.status?.ok ? 'ok' : (c.fields['jsonrpc.error.code'] ?? 'error'));
  const got = (opts.pick ?? top)(calls).filter((c) => c.method !== 'batch' && !/^batch\(/.test(c.method)).map((c) => `${c.method} ${res(c)}`);
  report(name, [['calls', bag(want), bag(got)], ...(opts.extra?.(calls) ?? [])]);
}
rpcLab('go net/rpc/jsonrpc tcp', 'go-jsonrpc-tcp.pcap', 'go-jsonrpc-tcp.log');
rpcLab('go net/rpc/jsonrpc in CONNECT', 'go-jsonrpc-connect.pcap', 'go-jsonrpc-connect.log', { extra: (calls) => [['tagged with the tunnel', calls.length, calls.filter((c) => c.fields['http.proxy_tunnel'] === '/_jsonrpc_').length]] });
rpcLab('libjson-rpc-cpp', 'jsonrpccpp.pcap', 'jsonrpccpp.log', {
  pick: (calls) => top(calls).slice(0, 8),
  extra: (calls) => [
    ['batch sub-calls', ['add ok', 'fail 7', 'logLine -'], calls.filter((c) => c.parentId !== undefined).slice(0, 3).map((c) => `${c.method} ${c.status?.ok ? 'ok' : (c.status?.code ?? '-')}`)],
    ['curl requests', 8, top(calls).length - 8],
  ],
});
rpcLab('jayson http', 'jayson-http.pcap', 'jayson-http.log', { pick: (calls) => calls.filter((c) => !/^batch/.test(c.method) && !calls.some((p) => p.id === c.parentId)) });
rpcLab('jayson tcp', 'jayson-tcp.pcap', 'jayson-tcp.log', { pick: (calls) => calls.filter((c) => !['in batch'].includes(c.request?.value?.[0]) && !(c.method === 'add' && c.request?.value?.[0] === 40) && !(c.method === 'fail' && c.fields['jsonrpc.id'] === 'b2') && !(c.method === 'nope' && c.fields['jsonrpc.id'] === 'b3')) });
process.exit(failed ? 1 : 0);
