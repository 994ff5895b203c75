// check.mjs [OUT]: for each capture of round 16 that has a log beside it (NAME.pcap + NAME.log, one JSON
// line per call), compare the calls logged with the calls callscope decodes, as multisets of
// "method status sent/recv" (gRPC) or "METHOD path status size" (HTTP), and the request streams with
// tshark's count of client HEADERS that open a stream. Exit 1 when a figure differs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-h2r16';
const cli = join(import.meta.dirname, '../../dist/cli.js');
// capture → [server port, tshark decode-as needed]
const ports = { cpp: 28010, grpcjs: 28020, 'grpcjs-late': 28020, 'grpcjs-snap': 28020, hypercorn: 28030, 'hypercorn-upgrade': 28031, varnish: 28040 };
let failed = 0;
// differences the capture cannot settle (README.md, "Left as they are"): a client's own limit, which puts only
// HEADERS and RST_STREAM CANCEL on the wire; curl's failed h2c Upgrade to Varnish (HEADERS before SETTINGS)
const explained = [/^grpcjs: logged only ×1: \/lab\.v1\.Lab\/Unary 8 0\/0$/, /^grpcjs: decoded only ×1: \/lab\.v1\.Lab\/Unary 1 0\/0$/, /^varnish: logged only ×1: GET \/json\?upgrade=1 101 0$/, /^varnish: decoded only ×1: GET \/json\?upgrade=1 200 0$/];

function decode(pcap) {
  const text = execFileSync('node', [cli, join(out, pcap), '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
function key(c) {
  if (c.protocol === 'grpc' || c.protocol === 'grpc-web') {
    const ms = c.messages ?? [];
    return `/${c.method} ${c.status?.code ?? '?'} ${ms.filter((m) => m.dir === 'c2s').length}/${ms.filter((m) => m.dir === 's2c').length}`;
  }
  const path = c.target ?? '';
  const method = c.fields?.['http.method'] ?? c.method?.split(' ')[0];
  // a request the client gave up on (logged as {gaveup: path}): any status the server sent later
  if (c.state === 'aborted' && gaveUp.has(path)) return `${method} ${path} aborted`;
  return `${method} ${path} ${c.status?.code ?? '?'} ${c.response?.body?.size ?? 0}`;
}
const gaveUp = new Set();
const logKey = (l) =>
  l.gaveup ? `GET ${l.gaveup} aborted` : (l.sent !== undefined ? `${l.method} ${l.status} ${l.sent}/${l.recv}` : `${l.method} ${l.path} ${l.status} ${l.size}`);
function tsharkRequests(pcap, port) {
  const rows = execFileSync('tshark', ['-r', join(out, pcap), '-d', `tcp.port==${port},http2`, '-Y', 'http2.type == 1', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.stream', '-e', 'http2.type', '-e', 'http2.streamid'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .trim()
    .split('\n')
    .filter(Boolean);
  const seen = new Set();
  for (const row of rows) {
    const [sp, conn, types, ids] = row.split('\t');
    if (Number(sp) === port) continue;
    const t = types.split(',');
    const id = ids.split(',');
    t.forEach((x, i) => x === '1' && seen.add(`${conn}/${id[i]}`));
  }
  return seen.size;
}
// nghttp --stat writes sizes of 1024 bytes and more as "97K" (rounded down): a decoded size matches that
// when no logged line has it exactly
function kAlt(k) {
  const m = /^(.*) (\d+)$/.exec(k);
  return m && Number(m[2]) >= 1024 ? `${m[1]} ${Math.floor(Number(m[2]) / 1024)}K` : undefined;
}
function multisetDiff(a, b) {
  const m = new Map();
  for (const x of a) m.set(x, (m.get(x) ?? 0) + 1);
  const rest = [];
  for (const x of b) {
    if ((m.get(x) ?? 0) > 0) m.set(x, m.get(x) - 1);
    else rest.push(x);
  }
  for (const x of rest) {
    const alt = kAlt(x);
    if (alt && (m.get(alt) ?? 0) > 0) m.set(alt, m.get(alt) - 1);
    else m.set(x, (m.get(x) ?? 0) - 1);
  }
  return [...m].filter(([, n]) => n !== 0).map(([k, n]) => `${n > 0 ? 'logged only' : 'decoded only'} ×${Math.abs(n)}: ${k}`);
}

for (const f of readdirSync(out).filter((n) => n.endsWith('.pcap')).sort()) {
  const name = f.slice(0, -5);
  const logFile = join(out, `${name}.log`);
  if (!existsSync(logFile)) continue;
  const logged = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  gaveUp.clear();
  for (const l of logged) if (l.gaveup) gaveUp.add(l.gaveup);
  const port = ports[name];
  const all = decode(f).filter((c) => c.protocol !== 'tcp');
  // only the calls to the server the clients talked to (Varnish's calls to its backend are counted apart)
  const calls = port ? all.filter((c) => c.server?.port === port) : all;
  const behind = all.length - calls.length;
  // an h2c Upgrade shows as its HTTP/1.1 exchange (101) and then stream 1 of the HTTP/2 connection
  const upgrades = calls.filter((c) => c.status?.code === 101).length;
  const wanted = logged.map(logKey);
  const got = calls.filter((c) => (logged[0]?.sent !== undefined ? c.protocol.startsWith('grpc') : c.protocol.startsWith('http') && c.status?.code !== 101)).map(key);
  const diff = multisetDiff(wanted, got).filter((d) => !explained.some((re) => re.test(`${name}: ${d}`)));
  const warned = calls.filter((c) => c.warnings?.length).length;
  const ts = port ? tsharkRequests(f, port) : '-';
  const streams = calls.filter((c) => c.fields?.['http2.streamid'] !== undefined).length;
  const bad = diff.length > 0 || (typeof ts === 'number' && !/late|snap|upgrade|varnish/.test(name) && ts !== streams);
  failed += bad ? 1 : 0;
  console.log(`${bad ? 'FAIL' : 'ok  '} ${name}: logged ${logged.length}, decoded ${got.length}, h2 streams ${streams}, tshark request HEADERS ${ts}, calls with warnings ${warned}${upgrades ? `, ${upgrades} h2c upgrades (101)` : ''}${behind ? `, ${behind} calls to a backend` : ''}`);
  for (const d of diff.slice(0, 12)) console.log(`     ${d}`);
}
// Cut copies (editcap -r: from a later packet; editcap -s 200: snaplen): what they decode must not
// contradict the whole capture's calls (same stream: a known method or status must be the same);
// what they cannot know (a method or status that is an HPACK entry from before the cut) is counted.
for (const [cut, whole] of [
  ['grpcjs-late', 'grpcjs'],
  ['grpcjs-snap', 'grpcjs'],
  ['cpp-late', 'cpp'],
  ['cpp-snap', 'cpp'],
]) {
  if (!existsSync(join(out, `${cut}.pcap`)) || !existsSync(join(out, `${whole}.pcap`))) continue;
  const byId = new Map(decode(`${whole}.pcap`).map((c) => [c.fields?.['http2.streamid'], c]));
  const calls = decode(`${cut}.pcap`).filter((c) => c.protocol !== 'tcp');
  const grpc = calls.filter((c) => c.protocol === 'grpc');
  const contra = [];
  for (const c of calls) {
    const w = byId.get(c.fields?.['http2.streamid']);
    if (!w) contra.push(`stream ${c.fields?.['http2.streamid']} not in the whole capture`);
    else if (c.protocol === 'grpc' && c.method !== '?' && c.method !== w.method) contra.push(`stream ${c.fields['http2.streamid']}: ${c.method} (whole: ${w.method})`);
    else if (c.protocol === 'grpc' && c.status && c.status.code !== w.status?.code) contra.push(`stream ${c.fields['http2.streamid']}: status ${c.status.code} (whole: ${w.status?.code})`);
  }
  failed += contra.length ? 1 : 0;
  console.log(
    `${contra.length ? 'FAIL' : 'ok  '} ${cut}: ${calls.length} calls, ${grpc.length} gRPC, method known ${grpc.filter((c) => c.method !== '?').length}, status known ${grpc.filter((c) => c.status).length}, contradictions ${contra.length}`,
  );
  for (const d of contra.slice(0, 8)) console.log(`     ${d}`);
}
process.exit(failed ? 1 : 0);
