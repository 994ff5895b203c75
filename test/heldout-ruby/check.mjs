// check.mjs OUT: compare what the Ruby clients logged they sent and got with what callscope decoded
// (`node dist/cli.js CAPTURE --format jsonl`). Prints one line per capture; exit 1 when anything differs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? '/tmp/heldout-ruby';
const cli = join(import.meta.dirname, '../../dist/cli.js');
let failed = 0;

const decode = (pcap) =>
  execFileSync('node', [cli, join(out, pcap), '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28 })
    .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const log = (name) => readFileSync(join(out, name), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const text = (c) => c.request?.body?.text ?? c.response?.body?.text;
function report(name, checks) {
  const bad = checks.filter(([, want, got]) => JSON.stringify(want) !== JSON.stringify(got));
  failed += bad.length;
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${checks.map(([what, want, got]) => `${what} ${JSON.stringify(got)}${JSON.stringify(want) === JSON.stringify(got) ? '' : ` (want ${JSON.stringify(want)})`}`).join(', ')}`);
}
const count = (xs, f) => xs.filter(f).length;
const statusOf = (calls, method, body) => calls.find((c) => c.method === method && text(c) === body)?.status?.code;

if (existsSync(join(out, 'bunny.pcap'))) {
  const calls = decode('bunny.pcap');
  const l = log('bunny.log');
  const pubs = calls.filter((c) => c.method === 'basic.publish');
  const dels = calls.filter((c) => c.kind === 'deliver');
  const sentBodies = l.filter((x) => x.kind === 'sent' && x.what === 'publish' && x.body).map((x) => x.body).sort();
  report('bunny (AMQP 0-9-1)', [
    ['publishes', count(l, (x) => x.kind === 'sent' && x.what === 'publish'), pubs.length],
    ['deliveries', count(l, (x) => x.kind === 'got' && (x.what === 'get' || x.what === 'deliver')), dels.length],
    ['bodies', sentBodies, pubs.map(text).filter((t) => t && t.length < 100).sort()],
    ['unjoined deliveries', 0, count(dels, (c) => !calls.some((p) => p.links?.deliveryIds?.includes(c.id)))],
    ['nacks', count(l, (x) => x.what === 'nack'), count(dels, (c) => c.fields['amqp.ack'] === 'nack')],
    ['rejects', count(l, (x) => x.what === 'reject'), count(dels, (c) => c.fields['amqp.ack'] === 'reject')],
    ['returned', 312, statusOf(calls, 'basic.publish', 'nobody-home')],
    ['returned, confirmed', 312, statusOf(calls, 'basic.publish', 'unroutable-confirmed')],
    ['returns linked', count(l, (x) => x.what === 'return'), count(calls, (c) => c.method === 'basic.return' && c.links?.requestId)],
    ['no exchange', 404, statusOf(calls, 'basic.publish', 'lost')],
    ['rolled back', 'rolled back', statusOf(calls, 'basic.publish', 'tx-rollback')],
    ['broker nack', 'nack', statusOf(calls, 'basic.publish', 'overflows')],
    ['recovered', ['recovered', 'delivered'], dels.filter((c) => text(c) === 'again').sort((a, b) => a.id - b.id).map((c) => c.status?.code)],
    ['rpc', 5, count(calls, (c) => c.fields['msg.rpc'] === true)],
    ['dead-lettered', ['expired', 'rejected', 'rejected', 'rejected', 'rejected'], dels.map((c) => c.fields['amqp.dead_letter_reason']).filter(Boolean).sort()],
    ['refused methods', ['basic.consume 403', 'queue.declare 404', 'queue.declare 406'], calls.filter((c) => c.kind === 'unary' && !c.method.endsWith('.close') && c.status?.ok === false).map((c) => `${c.method} ${c.status.code}`).sort()],
    ['heartbeats', true, count(calls, (c) => c.method === 'heartbeat') >= 4],
  ]);
}

for (const v of ['1.2', '1.1', '1.0']) {
  if (!existsSync(join(out, `stomp-${v}.pcap`))) continue;
  const calls = decode(`stomp-${v}.pcap`);
  const l = log(`stomp-${v}.log`);
  const dels = calls.filter((c) => c.method === 'MESSAGE');
  report(`ruby-stomp STOMP ${v}`, [
    ['SENDs', count(l, (x) => x.kind === 'sent' && x.what === 'SEND'), count(calls, (c) => c.method === 'SEND')],
    ['MESSAGEs', count(l, (x) => x.kind === 'got' && x.what === 'MESSAGE'), dels.length],
    ['ACKs', count(l, (x) => x.what === 'ACK'), count(dels, (c) => c.fields['stomp.ack'] === 'ack')],
    ['NACKs', count(l, (x) => x.what === 'NACK'), count(dels, (c) => c.fields['stomp.ack'] === 'nack')],
    ['receipts', count(l, (x) => x.what === 'RECEIPT'), count(calls, (c) => c.status?.code === 'RECEIPT')],
    ['aborted', 'aborted', statusOf(calls, 'SEND', 'tx2-0')],
    ['refused', 'ERROR', statusOf(calls, 'SEND', 'nowhere')],
    ['ERRORs', count(l, (x) => x.what === 'ERROR'), count(calls, (c) => c.method === 'ERROR')],
    ['ERRORs linked', count(l, (x) => x.what === 'ERROR'), count(calls, (c) => c.method === 'ERROR' && c.links?.requestId)],
  ]);
}

if (existsSync(join(out, 'stomp-client.pcap'))) {
  const calls = decode('stomp-client.pcap');
  const l = log('stomp-client.log');
  const dels = calls.filter((c) => c.method === 'MESSAGE');
  report('ruby-stomp Stomp::Client (heart-beats, escaping, binary, 1 MB, temp-queue RPC)', [
    ['SENDs', count(l, (x) => x.kind === 'sent' && x.what === 'SEND'), count(calls, (c) => c.method === 'SEND')],
    ['MESSAGEs', count(l, (x) => x.kind === 'got' && x.what === 'MESSAGE'), dels.length],
    ['joined', dels.length, count(dels, (c) => calls.some((p) => p.links?.deliveryIds?.includes(c.id)))],
    ['ACKs', count(l, (x) => x.what === 'ACK'), count(dels, (c) => c.fields['stomp.ack'] === 'ack')],
    ['escaped header', 'a:b\nc\\d', Object.fromEntries(dels[0]?.request?.headers ?? [])['x-note']],
    ['body sizes', [5, 5, 5, 5, 7, 1024, 1000000], dels.map((c) => c.request?.body?.size).sort((a, b) => a - b)],
    ['rpc', 2, count(calls, (c) => c.fields['msg.rpc'] === true)],
    ['warnings', 0, count(calls, (c) => c.warnings.length)],
  ]);
}

if (existsSync(join(out, 'ws.pcap'))) {
  const calls = decode('ws.pcap').filter((c) => c.protocol === 'websocket');
  const l = ['ws-faye-em.log', 'ws-faye-driver.log', 'ws-driver-em.log', 'ws-driver-driver.log'].flatMap(log);
  const data = (x) => x.what === 'text' || x.what === 'binary';
  report('faye-websocket / websocket-driver ↔ em-websocket / websocket-driver', [
    ['client → server', count(l, (x) => x.kind === 'sent' && data(x)), count(calls, (c) => (c.method === 'text' || c.method === 'binary') && c.fields['websocket.dir'] === 'c2s')],
    ['server → client', count(l, (x) => x.kind === 'got' && data(x)), count(calls, (c) => (c.method === 'text' || c.method === 'binary') && c.fields['websocket.dir'] === 's2c')],
    ['fragmented', count(l, (x) => x.fragments), count(calls, (c) => c.fields['websocket.fragments'] > 1)],
    // the clients' pings and the servers' (logged by the servers)
    ['pings', count([...l, ...log('ws-em-server.log'), ...log('ws-driver-server.log')], (x) => x.kind === 'sent' && x.what === 'ping'), count(calls, (c) => c.method === 'ping')],
    ['pongs', count(calls, (c) => c.method === 'ping'), count(calls, (c) => c.method === 'ping' && c.response)],
    ['closes', [4000, 4000, 4001, 4001], calls.filter((c) => c.method === 'close').map((c) => c.fields['websocket.close_code']).sort()],
    ['warnings', 0, count(calls, (c) => c.warnings.length)],
  ]);
}

if (existsSync(join(out, 'webstomp.pcap'))) {
  const calls = decode('webstomp.pcap');
  const l = log('webstomp.log');
  report('faye-websocket STOMP over Web-STOMP', [
    ['SENDs', count(l, (x) => x.kind === 'sent' && x.what === 'SEND'), count(calls, (c) => c.method === 'SEND' && c.protocol === 'stomp')],
    ['MESSAGEs', count(l, (x) => x.kind === 'got' && x.what === 'MESSAGE'), count(calls, (c) => c.method === 'MESSAGE')],
    ['receipts', count(l, (x) => x.what === 'RECEIPT'), count(calls, (c) => c.status?.code === 'RECEIPT')],
    ['subprotocol', 'v12.stomp', calls.find((c) => c.method === 'SEND')?.fields['websocket.subprotocol']],
  ]);
}

console.log(failed ? `${failed} checks differ` : 'all checks agree');
process.exit(failed ? 1 : 0);
