#!/usr/bin/env node
// Held-out check: runs callscope over the gRPC, gRPC-Web, HTTP/2, HTTP/1 and TLS test captures that ship
// with Wireshark's source and checks what its test suite asserts about them (see README.md).
// Usage: node test/heldout-wireshark/check.mjs WIRESHARK_TEST_DIR   (the folder holding captures/, keys/,
// protobuf_lang_files/); needs a built dist/cli.js. Not part of the CI tests: the captures are not in
// the repository.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'captures'))) {
  console.error('usage: check.mjs WIRESHARK_TEST_DIR (with captures/, keys/, protobuf_lang_files/)');
  process.exit(2);
}
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
const cap = (f) => join(dir, 'captures', f);
const protos = ['--proto', join(dir, 'protobuf_lang_files', 'well_know_types'), '--proto', join(dir, 'protobuf_lang_files', 'user_defined_types')];
const keys = (f) => ['--tls-keylog', join(dir, 'keys', f)];

let failed = 0;
let passed = 0;
function run(file, args = []) {
  const out = execFileSync(process.execPath, [cli, cap(file), '--no-discover', '--format', 'jsonl', ...args], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
}
const text = (v) => JSON.stringify(v ?? null);
const values = (c) => [c.request?.value, c.response?.value, ...(c.messages ?? []).map((m) => m.value)];
const sizes = (c, dir) => (c.messages ?? []).filter((m) => m.dir === dir).map((m) => m.size);
const grpc = (calls) => calls.filter((c) => c.protocol === 'grpc');

// gRPC with JSON messages under a bare application/grpc (grpc-java's JSON marshaller)
{
  const calls = run('grpc_person_search_json_with_image.pcapng.gz');
  const c = grpc(calls)[0];
  check('json: one gRPC call, server-stream, status 0', calls.length === 1 && c?.kind === 'server-stream' && c.status?.code === 0);
  check('json: messages read as JSON (grpc.codec = json), no warnings', c?.fields['grpc.codec'] === 'json' && c.response?.body?.kind === 'json' && c.warnings.length === 0, text(c?.warnings));
  check('json: a 208-byte message holding "87561234"', (c?.messages ?? []).some((m) => m.size === 208 && text(m.value).includes('"87561234"')));
}
// gRPC with protobuf, the .proto files under two roots
{
  const c = grpc(run('grpc_person_search_protobuf_with_image.pcapng.gz', protos))[0];
  check('protobuf: /tutorial.PersonSearchService/Search linked to its rpc', c?.target === '/tutorial.PersonSearchService/Search' && c.definition?.name === 'tutorial.PersonSearchService.Search');
  const m = (c?.messages ?? []).find((x) => x.size === 66);
  check('protobuf: the 66-byte tutorial.Person has name "Jason" and last_updated 1602601886 s', m?.value?.name === 'Jason' && m.value.last_updated === new Date(1602601886000).toISOString().replace('.000Z', 'Z'), text(m?.value));
  check('protobuf: no warnings', c?.warnings.length === 0, text(c?.warnings));
}
// HTTP/2 stream whose HEADERS are not in the capture: headers from a hint
{
  const f = 'grpc_person_search_protobuf_with_image-missing_headers.pcapng.gz';
  const bare = run(f, protos)[0];
  check('missing headers: without a hint the warning says which hint decodes it', bare?.warnings.some((w) => w.includes('--hint 50051,')), text(bare?.warnings));
  const c = grpc(run(f, [...protos, '--hint', '50051,:path=/tutorial.PersonSearchService/Search,content-type=application/grpc']))[0];
  const names = (c?.messages ?? []).map((m) => m.value?.name);
  check('missing headers: with --hint, 2 messages "Jason" and "Lily"', names.join() === 'Jason,Lily', text(names));
}
// gRPC over HTTP/2 split across DATA frames and TCP segments
{
  const calls = grpc(run('grpc_stream_reassembly_sample.pcapng.gz'));
  const stream = calls.find((c) => c.target === '/streamtest.StreamTest/StreamCall');
  const seqs = (stream?.messages ?? []).map((m) => m.value?.seq);
  check('reassembly: StreamCall messages are JSON seq 1..9', seqs.join() === '1,2,3,4,5,6,7,8,9', text(seqs));
  check('reassembly: StreamCall read as JSON, only the capture end warned about', stream?.fields['grpc.codec'] === 'json' && stream.warnings.every((w) => /still open|incomplete gRPC message/.test(w)), text(stream?.warnings));
  const unary = calls.find((c) => c.target === '/TestService/Unary');
  check('reassembly: the unary request is one 200004-byte message', unary?.request?.body?.size === 200004 && unary.fields['grpc.request_messages'] === 1 && unary.status?.code === 0);
}
// gRPC-Web and gRPC-Web-Text over HTTP/1.1 and HTTP/2
{
  const calls = grpc(run('grpc_web.pcapng.gz', protos));
  for (const [ct, ver] of [
    ['application/grpc-web', 'HTTP/1.1'],
    ['application/grpc-web', 'HTTP/2'],
    ['application/grpc-web-text', 'HTTP/1.1'],
    ['application/grpc-web-text', 'HTTP/2'],
  ]) {
    const sel = calls.filter((c) => c.request?.body?.contentType === ct && c.http?.version === ver);
    const all = sel.map((c) => text(values(c))).join(' ');
    check(`${ct} over ${ver}: HelloRequest 88888888 and 99999999, HelloReply "Hello 99999999"`, all.includes('"88888888"') && all.includes('"99999999"') && all.includes('"Hello 99999999"'));
    // (the capture has no large binary gRPC-Web call over HTTP/1.1; Wireshark's tests have none either)
    if (ct === 'application/grpc-web' && ver === 'HTTP/1.1') continue;
    const big = sel.filter((c) => sizes(c, 'c2s').includes(80004));
    check(`${ct} over ${ver}: 80004-byte requests, 80010/80012-byte replies`, big.length > 0 && big.every((c) => sizes(c, 's2c').every((n) => [23, 80010, 80012].includes(n))), text(big.map((c) => sizes(c, 's2c'))));
  }
  const stream = calls.filter((c) => c.target === '/greet.Greeter/SayHellos');
  check('gRPC-Web server streams: 2×23 + 3×80012 bytes, then the client cancels (RST_STREAM)', stream.length === 2 && stream.every((c) => sizes(c, 's2c').join() === '23,23,80012,80012,80012' && c.status?.code === 1));
  check('gRPC-Web: every call linked to greet.Greeter', calls.length === 13 && calls.every((c) => c.definition?.name?.startsWith('greet.Greeter.')));
}
// HTTP/2 over TLS with a key log; brotli over HTTP/2 and HTTP/1.1
{
  const c = run('http2-data-reassembly.pcap', keys('http2-data-reassembly.keys')).find((x) => x.protocol === 'http2');
  check('http2 over TLS: GET /wireshark.png, a 76091-byte PNG', c?.target === '/wireshark.png' && c.status?.code === 200 && c.response?.body?.size === 76091 && c.response.body.hex?.startsWith('89504e47'));
  for (const f of ['http2-brotli.pcapng', 'http-brotli.pcapng']) {
    const b = run(f).find((x) => x.protocol !== 'tls');
    check(`${f}: the br body decodes to the test text`, b?.response?.body?.encoding === 'br' && b.response.body.text?.includes('This is a test file for testing brotli decompression in Wireshark'));
  }
}
// TLS 1.3 with 0-RTT early data (the second connection resumes and sends GET /early before the handshake ends)
{
  const calls = run('tls13-rfc8446.pcap', keys('tls13-rfc8446.keys'));
  const http = calls.filter((c) => c.protocol === 'http').map((c) => `${c.method} ${c.target} ${c.status?.code}`);
  check('tls13-rfc8446: GET /first, /early (0-RTT), /second, each 200', http.join() === 'GET /first 200,GET /early 200,GET /second 200', http.join());
  check('tls13-rfc8446: no warnings', calls.every((c) => c.warnings.length === 0), text(calls.map((c) => c.warnings)));
  const noEarly = run('tls13-rfc8446.pcap', keys('tls13-rfc8446-noearly.keys')).filter((c) => c.protocol === 'http');
  check('tls13-rfc8446 without the early secret: /first and /second still decrypted', noEarly.some((c) => c.target === '/second'));
}
// HTTP/1.1 requests in out-of-order TCP segments
{
  const calls = run('http-ooo.pcap');
  check('http-ooo: PUT /1, GET /2, PUT /3, PUT /4, PUT /5', calls.map((c) => `${c.method} ${c.target}`).join() === 'PUT /1,GET /2,PUT /3,PUT /4,PUT /5');
  const c = run('http-ooo2.pcap');
  check('http-ooo2: PUT /0 reassembled (its body in 3 out-of-order segments)', c.length === 1 && c[0].method === 'PUT' && c[0].target === '/0' && c[0].request?.body?.size === 6);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
