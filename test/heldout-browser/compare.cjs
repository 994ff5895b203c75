#!/usr/bin/env node
// compare.cjs CLI.js CAPTURE TRUTH.jsonl [BROWSER.jsonl]: check callscope's calls and tshark's
// HTTP pairs against the servers' own log (TRUTH: one line per response written, {srv, method,
// path, status, cport, done}; status 0: the client left before any answer was written).
// A server line is matched by a call on the same client port with the same method, target and
// status; for tshark by a request/response pair on that port (http.request_in). Prints the counts,
// every server line neither shows, and callscope's calls no server line accounts for.
// With BROWSER (browser.cjs's log) also how many requests Chromium reports and how they ended.
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const [cli, capture, truthFile, browserFile] = process.argv.slice(2);
const readJsonl = (f) =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const truth = readJsonl(truthFile);

const calls = execFileSync('node', [cli, capture, '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] })
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
// the HTTP exchanges: plain http calls, calls carried by HTTP (c.http), the websocket handshake
const httpOf = (c) => {
  if (c.http) return { method: c.http.method, uri: c.http.uri, status: c.http.status };
  if (c.protocol === 'http') return { method: c.method, uri: c.target, status: typeof c.status?.code === 'number' ? c.status.code : undefined };
  return undefined;
};
const exchanges = calls.filter((c) => httpOf(c) && c.parentId === undefined);

function matchCallscope() {
  const used = new Set();
  const missing = [];
  let ok = 0;
  for (const t of truth) {
    const same = (c) => c.client?.port === t.cport && httpOf(c).method === t.method && httpOf(c).uri === t.path;
    const hit =
      exchanges.find((c) => !used.has(c) && same(c) && (httpOf(c).status ?? 0) === t.status) ??
      // the server wrote a status the client never read (left first): a call without one is right
      (!t.done ? exchanges.find((c) => !used.has(c) && same(c) && httpOf(c).status === undefined) : undefined);
    if (hit) {
      used.add(hit);
      ok++;
    } else {
      const near = exchanges.filter((c) => !used.has(c) && c.client?.port === t.cport).map((c) => `#${c.id} ${httpOf(c).method} ${httpOf(c).uri} ${httpOf(c).status} ${c.state}`);
      missing.push(`${t.srv} ${t.method} ${t.path} ${t.status}${t.done ? '' : ' (client left)'} port ${t.cport}; calls on that port: ${near.join(' | ') || 'none'}`);
    }
  }
  const extra = exchanges.filter((c) => !used.has(c));
  return { ok, missing, extra };
}

function matchTshark() {
  const fields = ['frame.number', 'tcp.srcport', 'tcp.dstport', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.request_in'];
  const out = execFileSync('tshark', ['-r', capture, '-Y', 'http', '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
  });
  const reqs = new Map();
  const pairs = [];
  let nreq = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [frame, sport, dport, method, uri, code, reqIn] = line.split('\t');
    if (method)
      method.split(',').forEach((m, i) => {
        nreq++;
        reqs.set(+frame, { cport: +sport, method: m, uri: uri.split(',')[i], answered: false });
      });
    if (code)
      code.split(',').forEach((c, i) => {
        const r = reqIn ? reqs.get(+reqIn.split(',')[i]) : undefined;
        if (+c >= 100 && +c < 200 && +c !== 101) return;
        if (r) r.answered = true;
        pairs.push({ cport: +dport, method: r?.method, uri: r?.uri, status: +c });
      });
  }
  const unanswered = [...reqs.values()].filter((r) => !r.answered);
  const used = new Set();
  const missing = [];
  for (const t of truth) {
    const i = pairs.findIndex((p, k) => !used.has(k) && p.cport === t.cport && p.method === t.method && p.uri === t.path && p.status === t.status);
    const j = i < 0 ? [...unanswered].findIndex((r) => !used.has(r) && r.cport === t.cport && r.method === t.method && r.uri === t.path) : -1;
    if (i >= 0) used.add(i);
    else if (j >= 0 && !t.done) used.add(unanswered[j]);
    else missing.push(`${t.srv} ${t.method} ${t.path} ${t.status}${t.done ? '' : ' (client left)'} port ${t.cport}`);
  }
  return { nreq, pairs: pairs.length, missing };
}

const cs = matchCallscope();
console.log(`${capture}: server log ${truth.length} responses (${truth.filter((t) => !t.done).length} the client left before the end)`);
console.log(`  callscope: ${calls.length} calls, ${exchanges.length} HTTP exchanges; matched ${cs.ok}/${truth.length}; missing or wrong ${cs.missing.length}; calls no server line accounts for ${cs.extra.length}`);
for (const m of cs.missing) console.log(`    missing: ${m}`);
for (const c of cs.extra) console.log(`    extra: #${c.id} ${httpOf(c).method} ${httpOf(c).uri} ${httpOf(c).status} ${c.state} port ${c.client?.port}`);
const byProto = {};
for (const c of calls) byProto[`${c.protocol}/${c.state}`] = (byProto[`${c.protocol}/${c.state}`] ?? 0) + 1;
console.log(`  callscope calls by protocol/state: ${JSON.stringify(byProto)}`);
const warned = calls.filter((c) => c.warnings?.length);
for (const c of warned) console.log(`    warning #${c.id} ${c.method} ${c.target ?? ''}: ${c.warnings.join(' / ').slice(0, 300)}`);
const ts = matchTshark();
console.log(`  tshark -Y http: ${ts.nreq} requests, ${ts.pairs} final responses; server lines not shown as such: ${ts.missing.length}`);
for (const m of ts.missing) console.log(`    tshark missing: ${m}`);
if (browserFile && fs.existsSync(browserFile)) {
  const ev = readJsonl(browserFile);
  const http = ev.filter((e) => e.ev === 'request' && /^https?:/.test(e.url));
  const failed = ev.filter((e) => e.ev === 'failed');
  console.log(`  Chromium: ${http.length} HTTP requests, ${ev.filter((e) => e.ev === 'finished').length} finished, ${failed.length} failed (${failed.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.failure}`).join('; ')})`);
  for (const r of ev.filter((e) => e.ev === 'result')) console.log(`    step ${r.name}: ${JSON.stringify(r.value ?? r.error).slice(0, 200)}`);
}
