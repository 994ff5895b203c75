#!/usr/bin/env node
// compare-tshark.cjs CLI.js CAPTURE...: pair every HTTP/1.x exchange the way tshark does (`-Y http`,
// http.request_in of each response) and check that callscope made one call of it: the same method,
// URI and status, and both the frame tshark finished the request in and the one it finished the
// response in among the call's frames. Prints per capture the counts and each disagreement
// (tshark's own mistakes included: read them, do not trust either side blindly).
'use strict';
const { execFileSync } = require('node:child_process');

const [cli, ...files] = process.argv.slice(2);
for (const file of files) {
  const fields = ['frame.number', 'tcp.stream', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.request_in', 'http.request.version'];
  const out = execFileSync('tshark', ['-r', file, '-Y', 'http', '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
  });
  const reqs = new Map();
  const pairs = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [frame, stream, method, uri, code, reqIn] = line.split('\t');
    // a frame may finish several pipelined messages: tshark joins their fields with commas
    if (method) method.split(',').forEach((m, i) => reqs.set(`${frame}.${i}`, { frame: +frame, stream: +stream, method: m, uri: uri.split(',')[i] }));
    if (code) code.split(',').forEach((c, i) => pairs.push({ frame: +frame, stream: +stream, code: +c, reqIn: reqIn ? +reqIn.split(',')[i] : undefined }));
  }
  const calls = execFileSync('node', [cli, file, '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter(Boolean)
    .map(JSON.parse)
    .filter((c) => c.protocol === 'http' || c.http);
  const seen = new Set();
  let agree = 0;
  const bad = [];
  for (const p of pairs) {
    if (p.code >= 100 && p.code < 200 && p.code !== 101) continue; // interim: part of the final's call
    const r = p.reqIn !== undefined ? [...reqs.values()].find((q) => q.frame === p.reqIn) : undefined;
    const status = (c) => c.http?.status ?? (typeof c.status?.code === 'number' && c.protocol === 'http' ? c.status.code : undefined);
    // tshark finishes a close-delimited body at the FIN, a frame without payload (not a call frame)
    const call =
      calls.find((c) => !seen.has(c) && c.frames.includes(p.frame) && (r === undefined || c.frames.includes(r.frame)) && status(c) === p.code) ??
      (r ? calls.find((c) => !seen.has(c) && c.frames[0] === r.frame && status(c) === p.code && c.frames[c.frames.length - 1] < p.frame) : undefined);
    if (!call) {
      const near = calls.filter((c) => c.frames.includes(p.frame)).map((c) => `${c.http?.method ?? c.method} ${c.http?.uri ?? c.target} ${status(c)} frames=${c.frames.slice(0, 8)}`);
      bad.push(`tshark: ${r ? `${r.method} ${r.uri} (frame ${r.frame})` : '(no request)'} -> ${p.code} (frame ${p.frame}); callscope: ${near.join(' | ') || 'no call with that frame'}`);
      continue;
    }
    seen.add(call);
    const m = call.http?.method ?? call.method;
    const u = call.http?.uri ?? call.target;
    if (r && (m !== r.method || u !== r.uri)) bad.push(`tshark: ${r.method} ${r.uri} -> ${p.code}; callscope: ${m} ${u}`);
    else agree++;
  }
  const extra = calls.filter((c) => !seen.has(c) && c.state === 'complete' && c.parentId === undefined);
  console.log(`${file}: tshark responses=${pairs.length} agree=${agree} disagree=${bad.length} callscope-only complete calls=${extra.length}`);
  for (const b of bad) console.log(`  ${b}`);
  for (const c of extra) console.log(`  callscope only: ${c.http?.method ?? c.method} ${c.http?.uri ?? c.target} ${c.http?.status ?? c.status?.code} frames=${c.frames.slice(0, 8)}`);
}
