// check.mjs OUT: compare what rustlab (hyper, h2, reqwest) logged, one JSON line per call, with what
// callscope decoded (`node dist/cli.js CAPTURE --format jsonl --jobs 1`), and HTTP/2 streams and DATA
// bytes with tshark's. One line per capture; exit 1 on a difference.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-rust';
const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
let failed = 0;
const has = (pcap) => existsSync(join(out, pcap));
function decode(pcap, proto) {
  const args = [cli, join(out, pcap), '--format', 'jsonl', '--jobs', '1'];
  if (proto) args.push('--proto', proto);
  const r = execFileSync('node', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return r.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
// the CLI's warnings not tied to a call (stderr)
const stderrOf = (pcap) => {
  const r = execFileSync('sh', ['-c', `node '${cli}' '${join(out, pcap)}' --format jsonl --jobs 1 2>&1 >/dev/null`], { encoding: 'utf8' });
  return r.split('\n').filter((l) => l.includes('warning:'));
};
const log = (name) =>
  readFileSync(join(out, name), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
const sorted = (xs) => [...xs].sort();
function report(name, checks) {
  const bad = checks.filter(([, want, got]) => JSON.stringify(want) !== JSON.stringify(got));
  failed += bad.length;
  const show = (v) => {
    const s = JSON.stringify(v);
    return s.length > 300 ? `${s.slice(0, 300)}…` : s;
  };
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${checks.map(([what, want, got]) => `${what} ${show(got)}${JSON.stringify(want) === JSON.stringify(got) ? '' : ` (want ${show(want)})`}`).join(', ')}`);
}
const warnings = (calls) => calls.flatMap((c) => c.warnings ?? []);
const bodySize = (c) => c.response?.body?.size ?? 0;
const reqSize = (c) => c.request?.body?.size ?? 0;
const header = (hs, name) => (hs ?? []).find(([k]) => k.toLowerCase() === name)?.[1];

function tshark(args) {
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n')
    .filter(Boolean);
}
// Per tshark, for an h2c capture on `port`: the request streams (c2s HEADERS opening one), and the
// DATA payload bytes the server sent on each (`conn/stream` → bytes); also frames per type and side.
function tsharkH2(pcap, ports, as = 'http2') {
  const dec = ports.flatMap((p) => ['-d', `tcp.port==${p},${as}`]);
  const rows = tshark(['-r', join(out, pcap), ...dec, '-Y', 'http2', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.stream', '-e', 'http2.type', '-e', 'http2.streamid', '-e', 'http2.length', '-e', 'http2.flags']);
  const requests = new Set();
  const data = {};
  const types = {};
  for (const row of rows) {
    const [, dp, conn, t, ids, lens, flags] = row.split('\t');
    const toServer = ports.includes(Number(dp));
    const tt = t.split(','), id = ids.split(','), len = lens.split(','), fl = flags.split(',');
    tt.forEach((x, i) => {
      const k = `${toServer ? 'c2s' : 's2c'} ${x}`;
      types[k] = (types[k] ?? 0) + 1;
      if (x === '1' && toServer) requests.add(`${conn}/${id[i]}`);
      if (x === '0' && !toServer) {
        const key = `${conn}/${id[i]}`;
        // a padded DATA frame's length counts its padding; these programs send none (flag 0x8)
        data[key] = (data[key] ?? 0) + Number(len[i]) * (Number(fl[i]) & 8 ? Number.NaN : 1);
      }
    });
  }
  return { requests: requests.size, data, types };
}
const tcpStreams = (pcap, port) => new Set(tshark(['-r', join(out, pcap), '-Y', `tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==${port}`, '-T', 'fields', '-e', 'tcp.stream'])).size;

// ───────────── hyper over HTTP/1.1 ─────────────
if (has('rust-h1.pcap')) {
  const calls = decode('rust-h1.pcap');
  const l = log('rust-h1.log');
  const cl = l.filter((x) => x.side === 'client' && x.status);
  const sv = l.filter((x) => x.side === 'server');
  const http = calls.filter((c) => c.protocol === 'http');
  const post = http.find((c) => c.method === 'POST' && reqSize(c) === 300000);
  const put = http.find((c) => c.method === 'PUT');
  // hyper's client with http1_title_case_headers writes `X-Mixed-Case`, its server lower case
  const wire = tshark(['-r', join(out, 'rust-h1.pcap'), '-d', 'tcp.port==28201,http', '-Y', 'http.request && frame.number < 20', '-T', 'fields', '-e', 'http.request.line']);
  const wireNames = (wire[0] ?? '').split(',').map((h) => h.split(':')[0]);
  report('hyper HTTP/1.1 keep-alive', [
    ['calls', cl.map((x) => `${x.method} ${x.path} ${x.status}`), http.map((c) => `${c.method} ${c.target.split('?')[0]} ${c.status?.code}`)],
    ['body sizes', cl.map((x) => x.size), http.map(bodySize)],
    ['request body sizes', sv.map((x) => x.req_size), http.map(reqSize)],
    ['100 Continue before the 300 KB POST', [100], (post?.http?.interim ?? []).map((i) => i.status)],
    ['chunked request', ['chunked', 112], [header(put?.request?.headers, 'transfer-encoding'), reqSize(put)]],
    ['304 then 204 without body', [0, 0], [bodySize(http.find((c) => c.status?.code === 304)), bodySize(http.find((c) => c.status?.code === 204))]],
    ['header names as on the wire', wireNames, (http[0]?.request?.headers ?? []).map(([k]) => k)],
    // (hyper's pool gives the connection back after the response; the next request may open another first)
    ['connections = tshark', tcpStreams('rust-h1.pcap', 28201), new Set(calls.map((c) => c.flowId)).size],
    ['upgrade', ['101', true], [String(http.at(-1)?.status?.code), stderrOf('rust-h1.pcap').some((w) => w.includes('switched to "lab-echo" (101)'))]],
    ['call warnings', 0, warnings(http).length],
  ]);
}

// ───────────── hyper over h2c ─────────────
if (has('rust-h2.pcap')) {
  const calls = decode('rust-h2.pcap');
  const l = log('rust-h2.log');
  const cl = l.filter((x) => x.side === 'client' && x.status);
  const sv = l.filter((x) => x.side === 'server');
  const h2 = calls.filter((c) => c.protocol === 'http2');
  const key = (m, p, s) => `${m} ${p} ${s}`;
  const slow = h2.find((c) => c.target === '/slow');
  const heads = h2.filter((c) => c.method === 'HEAD');
  const ts = tsharkH2('rust-h2.pcap', [28202]);
  // callscope's response bytes per stream against tshark's DATA bytes (one connection: by stream id).
  // HEAD: the bytes its warning names, those before the client's reset (tshark counts the later ones too)
  // (connections in the same order: callscope's flow ids and tshark's tcp.stream both count from the first packet)
  const flows = [...new Set(h2.map((c) => c.flowId))].sort((a, b) => a - b);
  const conns = [...new Set(Object.keys(ts.data).map((k) => Number(k.split('/')[0])))].sort((a, b) => a - b);
  const tsData = (c) => ts.data[`${conns[flows.indexOf(c.flowId)]}/${c.fields['http2.streamid']}`] ?? 0;
  const bigHeader = h2.find((c) => c.target === '/bigheader');
  const headData = (c) => Number(/^(\d+) bytes of DATA/.exec(c.warnings[0] ?? '')?.[1] ?? -1);
  report('hyper h2c (prior knowledge)', [
    ['streams', sorted(cl.map((x) => key(x.method, x.path, x.status))), sorted(h2.map((c) => key(c.method, c.target.split('?')[0], c.status?.code)))],
    ['body sizes', sorted(cl.filter((x) => !x.reset).map((x) => `${x.path} ${x.size}`)), sorted(h2.filter((c) => c.state === 'complete').map((c) => `${c.target.split('?')[0]} ${bodySize(c)}`))],
    ['request body sizes', sorted(sv.map((x) => x.req_size)), sorted(h2.map(reqSize))],
    ['response DATA bytes = tshark', h2.filter((c) => c.method !== 'HEAD').map(tsData), h2.filter((c) => c.method !== 'HEAD').map(bodySize)],
    ['HEAD DATA before the reset ≤ tshark', heads.map(() => true), heads.map((c) => headData(c) > 0 && headData(c) <= tsData(c))],
    ['tshark request HEADERS', ts.requests, h2.length],
    ['trailers', [['x-checksum', 'c0ffee'], ['x-rows', '1']], h2.find((c) => c.target === '/trailers')?.response?.trailers],
    ['client cancel', ['aborted', true, true], [slow?.state, (slow?.warnings ?? []).some((w) => w.includes('CANCEL')), bodySize(slow) >= cl.find((x) => x.path === '/slow').size]],
    [
      'HEAD: DATA not its body (fix 1)',
      heads.map((c) => `${c.target} complete 0 true`),
      heads.map((c) => `${c.target} ${c.state} ${bodySize(c)} ${/DATA in the response to HEAD \/.*RST_STREAM PROTOCOL_ERROR/.test(c.warnings[0] ?? '')}`),
    ],
    ['connections = tshark', tcpStreams('rust-h2.pcap', 28202), new Set(calls.map((c) => c.flowId)).size],
    ['header blocks over a frame (CONTINUATION both ways)', [ts.types['c2s 9'] > 0, ts.types['s2c 9'] > 0, 30000, 40000], [true, true, header(bigHeader?.request?.headers, 'cookie')?.length, header(bigHeader?.response?.headers, 'x-big')?.length]],
    ['never-indexed authorization', 'Bearer s3cr3t-token', header(h2.find((c) => c.target === '/json?auth=1')?.request?.headers, 'authorization')],
    ['PINGs between streams (adaptive window, keep-alive)', [true, true], [ts.types['c2s 6'] > 0, ts.types['s2c 6'] > 0]],
    ['other warnings', ['GET /slow'], h2.filter((c) => c.warnings.length && c.method !== 'HEAD').map((c) => `${c.method} ${c.target}`)],
    ['WINDOW_UPDATE c2s/s2c', [ts.types['c2s 8'] > 10, ts.types['s2c 8'] > 10], [true, true]],
  ]);
}

// ───────────── h2 directly: gRPC hand-framed with prost, resets, request trailers ─────────────
if (has('rust-h2raw.pcap')) {
  const calls = decode('rust-h2raw.pcap', join(import.meta.dirname, 'proto'));
  const l = log('rust-h2raw.log').filter((x) => x.side === 'client');
  const grpcLog = l.filter((x) => x.grpc);
  const grpc = calls.filter((c) => c.protocol === 'grpc');
  const h2 = calls.filter((c) => c.protocol === 'http2');
  const msgs = (c) => (c.kind === 'unary' ? (c.response?.value ? [c.response.value] : []) : (c.messages ?? []).filter((m) => m.dir === 's2c').map((m) => m.value));
  const KINDS = ['KIND_UNSPECIFIED', 'KIND_TOOL', 'KIND_BOOK'];
  // what the client decoded with prost, in callscope's JSON (int64 as strings, enums by name, proto3 defaults left out)
  const fromLog = (m) => {
    const o = { id: String(m.id), name: m.name };
    if (m.tags) o.tags = m.tags;
    if (m.price) o.price = m.price;
    if (m.kind) o.kind = KINDS[m.kind];
    if (m.stock) o.stock = Object.fromEntries(Object.entries(m.stock).map(([k, v]) => [k, String(v)]));
    return o;
  };
  const pick = (v, like) => Object.fromEntries(Object.keys(like).map((k) => [k, v?.[k]]));
  const upload = h2.find((c) => c.target === '/upload');
  const ts = tsharkH2('rust-h2raw.pcap', [28203]);
  report('h2 + prost gRPC (hand-framed)', [
    ['rpcs', grpcLog.map((x) => `${x.grpc} ${x.grpc_status}`), grpc.map((c) => `${c.target} ${c.status?.code}`)],
    ['grpc-message', grpcLog.map((x) => x.grpc_message ?? null), grpc.map((c) => c.fields['grpc.message'] ?? null)],
    ['messages', grpcLog.map((x) => x.messages.length), grpc.map((c) => msgs(c).length)],
    ['decoded fields', grpcLog.flatMap((x) => x.messages.map(fromLog)), grpc.flatMap((c, i) => msgs(c).map((v, j) => pick(v, fromLog(grpcLog[i]?.messages[j] ?? {}))))],
    ['blob sizes', grpcLog.flatMap((x) => x.messages.map((m) => m.blob ?? 0)), grpc.flatMap((c) => msgs(c).map((v) => (v.blob ? Buffer.from(v.blob, 'base64').length : 0)))],
    ['Trailers-Only', [true], grpc.filter((c) => c.fields['grpc.trailers_only']).map((c) => c.status?.code === 5)],
    ['refused', ['aborted', true], ((c) => [c?.state, (c?.warnings ?? []).some((w) => w.includes('REFUSED_STREAM'))])(h2.find((c) => c.target === '/refuse'))],
    ['reset after DATA', ['aborted', 1000, true], ((c) => [c?.state, bodySize(c), (c?.warnings ?? []).some((w) => w.includes('INTERNAL_ERROR'))])(h2.find((c) => c.target === '/partial'))],
    ['upload + request trailer', [201, 100000, 'sha256-abc'], [upload?.status?.code, reqSize(upload), header(upload?.request?.trailers, 'x-upload-digest')]],
    ['404', 404, h2.find((c) => c.target === '/nowhere')?.status?.code],
    ['tshark request HEADERS', ts.requests, calls.length],
    ['gRPC call warnings', 0, warnings(grpc).length],
  ]);
}

// ───────────── reqwest → Caddy (→ hyper over HTTP/1.1), python3 http.server ─────────────
if (has('caddy-http.pcap')) {
  const calls = decode('caddy-http.pcap');
  const l = log('reqwest.log').filter((x) => x.side === 'client');
  const up = log('upstream-http.log').filter((x) => x.side === 'server');
  const front = calls.filter((c) => c.server.port === 28250);
  const back = calls.filter((c) => c.server.port === 28251);
  const py = calls.filter((c) => c.server.port === 28241);
  const k = (m, p, s) => `${m} ${p} ${s}`;
  const fwd = back.map((c) => ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'].map((h) => header(c.request?.headers, h)).join(' '));
  report('reqwest → Caddy → hyper; reqwest → python3', [
    ['client → Caddy', l.filter((x) => x.port === 28250).map((x) => k(x.method, x.path, x.status)), front.map((c) => k(c.method, c.target.split('?')[0], c.status?.code))],
    ['body sizes', l.filter((x) => x.port === 28250).map((x) => x.size), front.map(bodySize)],
    ['Caddy → hyper', up.map((x) => `${x.method} ${x.path} ${x.req_size}`), back.map((c) => `${c.method} ${c.target.split('?')[0]} ${reqSize(c)}`)],
    ['Caddy → hyper protocols', up.map((x) => (x.version === 'HTTP/2.0' ? 'http2' : 'http')), back.map((c) => c.protocol)],
    ['both legs same status and size', front.filter((c) => /^\/(h2c\/)?api\//.test(c.target)).map((c) => `${c.status?.code} ${bodySize(c)}`), back.map((c) => `${c.status?.code} ${bodySize(c)}`)],
    ['X-Forwarded-*', back.map(() => '127.0.0.1 http 127.0.0.1:28250'), fwd],
    ['client → python3', l.filter((x) => x.port === 28241).map((x) => `${k(x.method, x.path, x.status)} ${x.size}`), py.map((c) => `${k(c.method, c.target, c.status?.code)} ${bodySize(c)}`)],
    ['front protocols', l.filter((x) => x.port === 28250).map((x) => (x.version === 'HTTP/2.0' ? 'http2' : 'http')), front.map((c) => c.protocol)],
    ['connections (front, back, python) = tshark', [28250, 28251, 28241].map((p) => tcpStreams('caddy-http.pcap', p)), [front, back, py].map((cs) => new Set(cs.map((c) => c.flowId)).size)],
    ['call warnings', 0, warnings(calls).length],
  ]);
}

// ───────────── curl --http2 (Upgrade: h2c) → Caddy → hyper ─────────────
if (has('caddy-upgrade.pcap')) {
  const calls = decode('caddy-upgrade.pcap');
  const l = log('curl.log');
  const up = log('upstream-upgrade.log').filter((x) => x.side === 'server').slice(log('upstream-http.log').length);
  const front = calls.filter((c) => c.server.port === 28250);
  const h2 = front.filter((c) => c.protocol === 'http2');
  const upgrades = front.filter((c) => c.protocol === 'http' && c.status?.code === 101);
  const back = calls.filter((c) => c.server.port === 28251);
  // (as HTTP, so that tshark follows the upgrade)
  const ts = tsharkH2('caddy-upgrade.pcap', [28250], 'http');
  report('curl Upgrade: h2c → Caddy → hyper', [
    ['h2 streams', l.map((x) => `${x.method} ${new URL(x.url).pathname} ${x.status} ${x.size} ${x.upload}`), h2.map((c) => `${c.method} ${c.target} ${c.status?.code} ${bodySize(c)} ${reqSize(c)}`)],
    ['101 h2c (the request is stream 1)', ['h2c', 'h2c'], upgrades.map((c) => c.fields['http.upgrade'])],
    ['upgraded streams joined to their 101', upgrades.map((c) => c.id), h2.filter((c) => c.fields['http.upgrade_call']).map((c) => c.fields['http.upgrade_call'])],
    ['tshark request HEADERS + upgrades', ts.requests + upgrades.length, h2.length],
    // Caddy 2.6 passes the client's Connection: Upgrade / Upgrade: h2c on to the upstream; hyper answers 200
    ['Caddy → hyper (Upgrade, status)', up.map((x) => `${x.method} ${x.path} ${x.req_size} h2c 200`), back.map((c) => `${c.method} ${c.target} ${reqSize(c)} ${header(c.request?.headers, 'upgrade')} ${c.status?.code}`)],
    // (curl closes the connection once it has the content-length bytes; Caddy's file server sends
    // END_STREAM in a later empty DATA frame, which sometimes comes after: the existing note)
    ['call warnings', 0, warnings(calls).filter((w) => !/had all its content-length bytes; the connection was closed/.test(w)).length],
  ]);
}

// ───────────── nghttp with a smaller header table → Caddy ─────────────
if (has('caddy-nghttp.pcap')) {
  const calls = decode('caddy-nghttp.pcap');
  // nghttp -s: "id  responseEnd requestStart  process code size request path"
  const l = readFileSync(join(out, 'nghttp.log'), 'utf8')
    .split('\n')
    .map((x) => /^\s*\d+\s+\+\S+\s+\+\S+\s+\S+\s+(\d{3})\s+(\d+)\s+(\S+)$/.exec(x))
    .filter(Boolean)
    .map((m) => `${m[3]} ${m[1]} ${m[2]}`);
  const front = calls.filter((c) => c.server.port === 28250);
  // The size update at the start of Caddy's first header block on each connection (RFC 7541 §6.3: 001 and a
  // 5-bit-prefix integer). tshark 4.0 shows the 0 but decodes no header of the connection told 512.
  const hpackInt = (b, i, prefix) => {
    const max = (1 << prefix) - 1;
    let v = b[i] & max;
    if (v < max) return v;
    for (let m = 0, j = i + 1; j < b.length && m <= 21; j++, m += 7) {
      v += (b[j] & 127) << m;
      if (!(b[j] & 128)) return v;
    }
    return -1;
  };
  const firstBlocks = new Map();
  for (const row of tshark(['-r', join(out, 'caddy-nghttp.pcap'), '-d', 'tcp.port==28250,http2', '-Y', 'http2.type==1 && tcp.srcport==28250', '-T', 'fields', '-e', 'tcp.stream', '-e', 'http2.headers'])) {
    const [conn, blocks] = row.split('\t');
    if (!firstBlocks.has(conn)) firstBlocks.set(conn, Buffer.from(blocks.split(',')[0], 'hex'));
  }
  const updates = [...firstBlocks.values()].map((b) => ((b[0] & 0xe0) === 0x20 ? String(hpackInt(b, 0, 5)) : 'none'));
  report('nghttp -c 0 / -c 512 → Caddy (HPACK size updates)', [
    ['streams', sorted(l), sorted(front.map((c) => `${c.target} ${c.status?.code} ${bodySize(c)}`))],
    ["Caddy's table size updates", ['0', '512'], updates],
    ['every response head decoded', front.length, front.filter((c) => header(c.response?.headers, 'server') === 'Caddy').length],
    ['Caddy → hyper', 2, calls.filter((c) => c.server.port === 28251 && c.status?.code === 200).length],
    ['call warnings', 0, warnings(calls).length],
  ]);
}

// ───────────── h2 gRPC client → Caddy (h2c) → @grpc/grpc-js (h2c) ─────────────
if (has('caddy-grpc.pcap')) {
  const calls = decode('caddy-grpc.pcap', join(root, 'samples/grpc-person-api'));
  const l = log('person.log').filter((x) => x.side === 'client');
  const legs = { front: calls.filter((c) => c.server.port === 28250), back: calls.filter((c) => c.server.port === 28252) };
  const msgs = (c) => (c.kind === 'unary' ? (c.response?.value ? [c.response.value] : []) : (c.messages ?? []).filter((m) => m.dir === 's2c').map((m) => m.value));
  const ROLES = ['ROLE_UNSPECIFIED', 'ROLE_ADMIN', 'ROLE_USER'];
  const people = l.filter((x) => /GetPerson|ListPersons/.test(x.grpc));
  const want = people.flatMap((x) => x.messages.map((m) => `${m.id} ${m.name} ${m.email} ${ROLES[m.role]} ${m.tags.join('+')} ${m.avatar}`));
  const got = (cs) =>
    cs
      .filter((c) => /GetPerson|ListPersons/.test(c.target) && c.state === 'complete')
      .flatMap((c) => msgs(c).map((v) => `${v.id} ${v.name} ${v.email} ${v.role} ${(v.tags ?? []).join('+')} ${v.avatar ? Buffer.from(v.avatar, 'base64').length : 0}`));
  const ts = tsharkH2('caddy-grpc.pcap', [28250, 28252]);
  const checks = [];
  for (const [leg, cs] of Object.entries(legs)) {
    const create = cs.find((c) => c.target.endsWith('/CreatePersons'));
    const chat = cs.find((c) => c.target.endsWith('/Chat'));
    const late = cs.find((c) => c.status?.code === 4);
    const cancel = cs.find((c) => c.state === 'aborted');
    // (the cancelled stream: no grpc-status; callscope says CANCELLED from the RST_STREAM)
    checks.push([`${leg} rpcs`, l.map((x) => `${x.grpc} ${x.grpc_status ?? 1}`), cs.map((c) => `${c.target} ${c.status?.code}`)]);
    checks.push([`${leg} messages`, want, got(cs)]);
    checks.push([
      `${leg} client-stream`,
      ['client-stream', 3, 3, ['500', '501', '502']],
      [create?.kind, create?.messages?.filter((m) => m.dir === 'c2s').length, create?.response?.value?.created, create?.response?.value?.ids],
    ]);
    checks.push([`${leg} bidi`, ['bidi', 3, l.find((x) => x.grpc.endsWith('/Chat'))?.messages.map((m) => m.text)], [chat?.kind, chat?.messages?.filter((m) => m.dir === 'c2s').length, msgs(chat ?? {}).map((v) => v?.text)]]);
    checks.push([`${leg} deadline`, ['DEADLINE_EXCEEDED', 300000], [late?.status?.text, late?.fields['grpc.timeout']]]);
    // (how much of the 60 KB messages went before the reset varies from run to run)
    checks.push([`${leg} cancel`, ['CANCELLED', true], [cancel?.status?.text, (cancel?.warnings ?? []).some((w) => w.includes('RST_STREAM CANCEL'))]]);
  }
  checks.push(['grpc-message (percent-decoded)', 'person 7 not found — désolé', legs.back.find((c) => c.status?.code === 5)?.fields['grpc.message']]);
  checks.push(['same on both legs', legs.front.map((c) => c.fields['grpc.message'] ?? null), legs.back.map((c) => c.fields['grpc.message'] ?? null)]);
  checks.push(['tshark request HEADERS', ts.requests, calls.length]);
  // (the cancelled stream may also end inside a message Caddy or grpc-js had begun: that message is cut)
  const cancelled = calls.filter((c) => c.state === 'aborted');
  checks.push([
    'warnings (the two resets, a cut message on them)',
    [2, 0],
    [warnings(cancelled).filter((w) => /reset by the client: RST_STREAM CANCEL$/.test(w)).length, warnings(calls).filter((w) => !/RST_STREAM CANCEL$|^s2c: \d+ bytes of an incomplete gRPC message$/.test(w)).length + warnings(calls.filter((c) => c.state !== 'aborted')).length],
  ]);
  report('h2 gRPC → Caddy (h2c) → grpc-js (h2c)', checks);
}

console.log(failed ? `${failed} check(s) differ` : 'all equal');
process.exit(failed ? 1 : 0);
