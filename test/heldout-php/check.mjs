// check.mjs OUT: compare what the PHP clients and the WebSocket peer logged with what callscope decoded
// (`node dist/cli.js CAPTURE --format jsonl`) and, for WebSocket frames, with tshark's count. One line per
// capture; exit 1 when anything differs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-php';
const cli = join(import.meta.dirname, '../../dist/cli.js');
let failed = 0;
const decode = (pcap) =>
  execFileSync('node', [cli, join(out, pcap), '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const log = (name) => readFileSync(join(out, name), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const text = (c) => c.request?.body?.text ?? c.response?.body?.text;
const count = (xs, f) => xs.filter(f).length;
function report(name, checks) {
  const bad = checks.filter(([, want, got]) => JSON.stringify(want) !== JSON.stringify(got));
  failed += bad.length;
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${checks.map(([what, want, got]) => `${what} ${JSON.stringify(got)}${JSON.stringify(want) === JSON.stringify(got) ? '' : ` (want ${JSON.stringify(want)})`}`).join(', ')}`);
}
const warnings = (calls) => calls.flatMap((c) => c.warnings ?? []);

if (existsSync(join(out, 'amqp.pcap'))) {
  const calls = decode('amqp.pcap');
  const l = log('amqp.log');
  const pubs = calls.filter((c) => c.method === 'basic.publish');
  const dels = calls.filter((c) => c.kind === 'deliver');
  const statusOf = (body) => pubs.find((c) => text(c) === body)?.status?.code;
  const typed = pubs.find((c) => text(c) === 'typed')?.request?.value?.properties?.headers ?? {};
  const read = l.find((x) => x.what === 'get' && x.body === 'typed')?.headers ?? {};
  const plain = (h) => Object.fromEntries(Object.entries(h).filter(([k]) => !['dec', 'ts', 'bytes'].includes(k)));
  report('php-amqplib (AMQP 0-9-1)', [
    ['publishes', count(l, (x) => x.kind === 'sent' && x.what === 'publish'), pubs.length],
    ['bodies', l.filter((x) => x.kind === 'sent' && x.what === 'publish').map((x) => x.body ?? x.size).sort(), pubs.map((c) => (c.request?.body?.size > 100 ? c.request.body.size : text(c))).sort()],
    ['deliveries', count(l, (x) => x.kind === 'got' && (x.what === 'get' || x.what === 'deliver')), dels.length],
    ['unjoined deliveries', 0, count(dels, (c) => !calls.some((p) => p.links?.deliveryIds?.includes(c.id)))],
    ['confirmed', 6, count(pubs, (c) => c.fields['amqp.confirm'] === 'ack' || c.status?.code === 'ack')],
    ['nacks', count(l, (x) => x.what === 'nack'), count(dels, (c) => c.fields['amqp.ack'] === 'nack')],
    ['rejects', count(l, (x) => x.what === 'reject'), count(dels, (c) => c.fields['amqp.ack'] === 'reject')],
    ['returned', 312, statusOf('nobody-home')],
    ['rolled back', 'rolled back', statusOf('tx-rollback')],
    ['no exchange', 404, statusOf('lost')],
    ['rpc', 3, count(calls, (c) => c.fields['msg.rpc'] === true)],
    ['headers', plain(read), plain(typed)],
    ['decimal, timestamp, bytes', [123.45, 1700000000, '0001ff'], [typed.dec, typed.ts, typed.bytes?.bytes]],
    ['closes refused', ['channel.close 404', 'channel.close 404'], calls.filter((c) => c.method.endsWith('.close') && c.status?.ok === false).map((c) => `${c.method} ${c.status.code}`)],
    ['heartbeats', true, count(calls, (c) => c.method === 'heartbeat') >= 4],
    ['confirm warnings', 0, count(warnings(calls), (w) => w.includes('confirm'))],
  ]);
}

if (existsSync(join(out, 'amqp-more.pcap'))) {
  const calls = decode('amqp-more.pcap');
  const l = log('amqp-more.log');
  const pubs = calls.filter((c) => c.method === 'basic.publish');
  const dels = calls.filter((c) => c.kind === 'deliver');
  const statusOf = (body) => pubs.find((c) => text(c) === body)?.status?.code;
  report('php-amqplib over AMQPSocketConnection', [
    ['publishes', l.filter((x) => x.kind === 'sent' && x.what === 'publish').map((x) => x.body).sort(), pubs.map(text).sort()],
    ['deliveries', count(l, (x) => x.kind === 'got' && (x.what === 'get' || x.what === 'deliver')), dels.length],
    ['unjoined deliveries', 0, count(dels, (c) => !calls.some((p) => p.links?.deliveryIds?.includes(c.id)))],
    ['confirm ack, broker nack', ['ack', 'nack'], [statusOf('fits'), statusOf('overflows')]],
    ['direct reply-to rpc', count(l, (x) => x.what === 'deliver' && /^re:/.test(x.body)), count(calls, (c) => c.fields['msg.rpc'] === true)],
    ['recovered', ['recovered', 'delivered'], dels.filter((c) => text(c) === 'again').sort((a, b) => a.id - b.id).map((c) => c.status?.code)],
    ['broker cancel', count(l, (x) => x.what === 'cancel'), count(calls, (c) => c.method === 'basic.cancel' && c.status?.code === 'cancelled')],
    ['routed through exchange.bind', 1, count(dels, (c) => text(c) === 'routed')],
    ['warnings', 0, warnings(calls).length],
  ]);
}

if (existsSync(join(out, 'redis.pcap'))) {
  const calls = decode('redis.pcap');
  const l = log('redis.log');
  const cmd = (m) => calls.filter((c) => c.method === m);
  const val = (c) => c?.response?.value;
  report('phpredis (RESP2)', [
    ['pipeline', l.find((x) => x.what === 'pipeline')?.n, count(calls, (c) => /^p:/.test(c.target ?? '') && (c.method === 'SET' || c.method === 'GET'))],
    ['EXEC', [true, false], cmd('EXEC').map((c) => c.status?.ok)],
    ['igbinary value binary', 18, val(cmd('GET').find((c) => c.target === 'ser:ig'))?.size],
    ['php serialize value', 'a:2:{s:1:"a";i:1;s:1:"b";a:2:{i:0;i:1;i:1;i:2;}}', val(cmd('GET').find((c) => c.target === 'ser:php'))],
    ['stream entries', l.find((x) => x.what === 'xreadgroup')?.n, count(calls, (c) => c.method === 'XREADGROUP' && c.kind === 'deliver')],
    ['XACK', 2, cmd('XACK').length],
    ['EVAL', l.find((x) => x.what === 'eval')?.v, val(cmd('EVAL')[0])],
    ['SCAN rounds', l.find((x) => x.what === 'scan')?.rounds, cmd('SCAN').length],
    ['WRONGTYPE', 'WRONGTYPE', String(cmd('LPUSH').find((c) => c.status?.ok === false)?.status?.code)],
    ['pmessages', 3, count(calls, (c) => c.method === 'pmessage')],
    ['publishes joined', 3, count(cmd('PUBLISH'), (c) => c.links?.deliveryIds?.length === 1)],
    ['warnings', 0, warnings(calls).length],
  ]);
}

if (existsSync(join(out, 'redis-more.pcap'))) {
  const calls = decode('redis-more.pcap');
  const l = log('redis-more.log');
  const by = (m) => calls.find((c) => c.method === m);
  const lzf = calls.find((c) => c.method === 'GET' && c.target === 'lzf');
  report('phpredis, more (1 MB, nils, pipelined MULTI, lzf, HELLO 3)', [
    ['1 MB value on the wire ($1000000)', l.find((x) => x.what === 'big')?.n + 12, by('GET')?.response?.wireBytes],
    ['MGET nils', [null, null, null], by('MGET')?.response?.value],
    ['BLPOP timed out', null, by('BLPOP')?.response?.value],
    ['pipelined EXEC', l.find((x) => x.what === 'pipe-multi')?.v?.[0], by('EXEC')?.response?.value],
    ['prefixed key', 'app:pref', calls.find((c) => c.target?.startsWith('app:'))?.target],
    ['lzf value binary', true, typeof lzf?.response?.value?.hex === 'string'],
    ['HELLO 3 map', 3, by('HELLO')?.response?.value?.proto],
    ['warnings', 0, warnings(calls).length],
  ]);
}

const tsharkFrames = (pcap, port) => {
  const rows = execFileSync('tshark', ['-r', join(out, pcap), '-d', `tcp.port==${port},http`, '-Y', 'websocket', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'websocket.opcode'], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n');
  const n = {};
  for (const r of rows) {
    const [sp, ops] = r.split('\t');
    for (const op of ops.split(',')) { const k = `${Number(sp) === port ? 's2c' : 'c2s'} ${op}`; n[k] = (n[k] ?? 0) + 1; }
  }
  return n;
};
for (const [pcap, port] of [['lws.pcap', 22720], ['lws-deflate.pcap', 22722], ['lws-deflate-nct.pcap', 22723]]) {
  if (!existsSync(join(out, pcap))) continue;
  const calls = decode(pcap);
  const ts = tsharkFrames(pcap, port);
  const ws = calls.filter((c) => c.protocol === 'websocket');
  const msgs = ws.flatMap((c) => (c.messages ?? []).map((m) => ({ ...m, c })));
  const texts = (dir) => msgs.filter((m) => m.dir === dir && m.label === 'text').length;
  const checks = [
    ['client texts (tshark)', ts['c2s 1'] ?? 0, texts('c2s')],
    ['server texts (tshark)', ts['s2c 1'] ?? 0, texts('s2c')],
    ['pings', ts['s2c 9'] ?? 0, count(ws, (c) => c.method === 'ping')],
    ['pings answered', ts['c2s 10'] ?? 0, count(ws, (c) => c.method === 'ping' && c.timing.endUs > c.timing.startUs)],
    ['warnings', 0, warnings(calls).length],
  ];
  if (pcap !== 'lws.pcap') {
    const peer = log(pcap === 'lws-deflate.pcap' ? 'ws-peer-1.log' : 'ws-peer-0.log');
    checks.push(['compressed', msgs.filter((m) => m.label === 'text').length, count(msgs, (m) => m.label === 'text' && m.compressed)]);
    checks.push(['texts the peer sent', count(peer, (x) => x.sent === 'text'), texts('s2c')]);
    const port2 = Math.max(...ws.map((c) => c.client.port));
    const on = (dir) => ws.filter((c) => c.method === 'text' && c.client.port === port2 && c.fields['websocket.dir'] === dir);
    const sent = on('c2s').map((c) => c.request?.body?.text);
    const echoed = on('s2c').map((c) => c.response?.body?.text);
    checks.push(['echoes equal what was sent', echoed.length, count(echoed, (t, i) => t === sent[i])]);
    checks.push(['close', '1000 enough', ws.filter((c) => c.method === 'close').map((c) => `${c.fields['websocket.close_code']} ${c.fields['websocket.close_reason']}`).join()]);
  }
  report(`libwebsockets-test-client ${pcap}`, checks);
}

if (existsSync(join(out, 'lws-http.pcap'))) {
  const calls = decode('lws-http.pcap');
  const want = readFileSync(join(out, 'lws-http.log'), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]));
  report('libwebsockets-test-server HTTP', [['statuses', want, calls.filter((c) => c.protocol === 'http').map((c) => c.status?.code)], ['warnings', 0, warnings(calls).length]]);
}
process.exit(failed ? 1 : 0);
