#!/usr/bin/env node
// compare.cjs DIR: for browser and node (DIR/NAME.calls.jsonl from the CLI, NAME.server.jsonl,
// NAME.jsonl from the client), checks
//  1. every server line (HTTP request: srv, cport, h2 stream id, method, path, status) is one call
//     on that client port (and stream) with that method, target and, when the answer was sent
//     whole, that HTTP status; calls no server line accounts for are listed;
//  2. every CORS preflight (OPTIONS) is a plain HTTP call (protocol http/http2), never an RPC;
//  3. per client/transport, the RPCs the client logged ({rpc, code, in}) against the calls, in
//     order: method, status code name, response message count. An aborted call (Canceled) must be
//     a call without a status; DeadlineExceeded may be either (the client gives up at its
//     deadline, the server may or may not have answered first).
// Prints a table and every disagreement; exit 1 when there is one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2] || '/tmp/heldout-grpcweb';
const CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];
const PORTS = { page: 29000, h1: 29001, h2: 29002, h2c: 29003 };
const jl = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const hdr = (hs, n) => (hs || []).find(([k]) => k.toLowerCase() === n)?.[1];
let bad = 0;
const problem = (s) => {
  bad++;
  console.log(`  DISAGREE ${s}`);
};

function transportOf(c) {
  const ct = (c.fields['grpc.content_type'] || hdr(c.request?.headers, 'content-type') || '').toLowerCase();
  const ua = hdr(c.request?.headers, 'x-user-agent') || '';
  const v = Object.keys(PORTS).find((k) => PORTS[k] === c.server.port);
  const who = c.client.ip && ua.startsWith('grpc-web-javascript') ? 'official' : null;
  let t;
  if (c.protocol === 'connect') t = /json/.test(ct) || (c.fields['connect.get'] && /encoding=json/.test(c.fields['http.request.uri'])) ? 'connect-json' : 'connect-proto';
  else if (ct.startsWith('application/grpc-web-text')) t = 'official-text';
  else if (who) t = 'official-binary';
  else t = ct.includes('json') ? 'grpcweb-json' : 'grpcweb-proto';
  return `${t}/${v}`;
}
function outcome(c) {
  const code = c.protocol === 'grpc' ? c.fields['grpc.status'] : c.status?.code;
  const name = typeof code === 'number' ? CODES[code] : code === undefined ? 'none' : `http ${code}`;
  const n = c.protocol === 'grpc' ? c.fields['grpc.response_messages'] : c.fields['connect.response_messages'];
  return { rpc: c.method.split('/').pop(), code: c.protocol === 'grpc' && code === undefined && c.http?.status && c.http.status !== 200 ? `http ${c.http.status}` : name, in: n ?? 0 };
}

for (const name of ['browser', 'node']) {
  const calls = jl(path.join(dir, `${name}.calls.jsonl`));
  if (!calls.length) continue;
  const server = jl(path.join(dir, `${name}.server.jsonl`));
  const client = jl(path.join(dir, `${name}.jsonl`)).filter((e) => e.ev === 'call' || (e.t && e.rpc));
  const https = calls.filter((c) => c.protocol !== 'tls' && c.fields['http.request.method'] !== undefined);
  console.log(`\n== ${name}: ${calls.length} calls (${https.length} HTTP exchanges; ${calls.length - https.length} others), ${server.length} server lines, ${client.length} client-logged RPCs`);
  // 1. server lines
  const used = new Set();
  let matched = 0;
  for (const s of server) {
    const c = https.find((c) => !used.has(c) && c.client.port === s.cport && c.server.port === PORTS[s.srv] && (s.sid == null || c.fields['http2.streamid'] === s.sid) && c.fields['http.request.method'] === s.method && c.fields['http.request.uri'] === s.path);
    if (!c) {
      problem(`server line without a call: ${JSON.stringify(s)}`);
      continue;
    }
    used.add(c);
    if (s.status !== undefined && s.done && c.http?.status !== s.status) problem(`call ${c.id} ${s.method} ${s.path}: HTTP status ${c.http?.status}, server ${s.status}`);
    else matched++;
  }
  for (const c of https) if (!used.has(c)) problem(`call ${c.id} (${c.protocol} ${c.method} ${c.fields['http.request.uri']}) no server line accounts for`);
  console.log(`  server lines matched: ${matched}/${server.length}`);
  // 2. preflights
  const pre = https.filter((c) => c.fields['http.request.method'] === 'OPTIONS');
  for (const c of pre) if (!['http', 'http2'].includes(c.protocol)) problem(`preflight ${c.id} decoded as ${c.protocol}`);
  const preServer = server.filter((s) => s.method === 'OPTIONS');
  console.log(`  preflights: ${pre.length} calls (${pre.map((c) => c.protocol).filter((v, i, a) => a.indexOf(v) === i).join(', ') || '-'}), server ${preServer.length}; with warnings: ${pre.filter((c) => c.warnings.length).length}`);
  // 3. RPCs per transport
  const rpcs = calls.filter((c) => c.protocol === 'grpc' || c.protocol === 'connect').sort((a, b) => a.timing.startUs - b.timing.startUs);
  const byT = new Map();
  for (const c of rpcs) {
    const t = transportOf(c).replace(/^/, name === 'node' ? 'node-' : '');
    if (!byT.has(t)) byT.set(t, []);
    byT.get(t).push(c);
  }
  const ts = [...new Set(client.map((e) => e.t))];
  const rows = [];
  for (const t of ts) {
    const logged = client.filter((e) => e.t === t);
    const got = byT.get(t) || [];
    let dis = 0;
    let noStatus = 0;
    for (let i = 0; i < Math.max(logged.length, got.length); i++) {
      const l = logged[i];
      const c = got[i];
      if (!l || !c) {
        dis++;
        problem(`${t} #${i}: ${l ? `logged ${l.rpc} ${l.code}` : 'nothing logged'} / ${c ? `call ${c.id} ${c.method}` : 'no call'}`);
        continue;
      }
      const o = outcome(c);
      const code = l.code === 'ok' ? 'OK' : l.code;
      const lenient = (code === 'Canceled' || code === 'DeadlineExceeded') && o.code === 'none';
      if (lenient) noStatus++;
      const codeOk = o.code === code || lenient;
      if (o.rpc !== l.rpc || !codeOk || o.in !== l.in) {
        dis++;
        problem(`${t} #${i}: logged ${l.rpc} ${code} in=${l.in}; call ${c.id} ${o.rpc} ${o.code} in=${o.in} [${c.warnings.join(' | ').slice(0, 200)}]`);
      }
    }
    rows.push([t, logged.length, got.length, dis, noStatus]);
    byT.delete(t);
  }
  for (const [t, got] of byT) {
    rows.push([t, 0, got.length, got.length, 0]);
    problem(`${t}: ${got.length} calls no client logged`);
  }
  console.log('  | client/transport | logged | decoded | disagreements | client gave up, no status on the wire |');
  for (const r of rows) console.log(`  | ${r.join(' | ')} |`);
  const warned = calls.filter((c) => c.warnings.length);
  console.log(`  calls with warnings: ${warned.length}`);
  const seen = new Map();
  for (const c of warned) for (const w of c.warnings) {
    const k = `${c.protocol}: ${w.replace(/\d+/g, 'N')}`;
    seen.set(k, (seen.get(k) || 0) + 1);
  }
  for (const [k, n] of seen) console.log(`    ${n} × ${k.slice(0, 220)}`);
}
console.log(bad ? `\n${bad} disagreement(s)` : '\nall agree');
process.exit(bad ? 1 : 0);
