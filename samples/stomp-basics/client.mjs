// STOMP sample: a tiny hand-written client (node:net) against RabbitMQ's STOMP plugin on
// 127.0.0.1:61613, so every frame is exactly as the spec shows it: STOMP 1.2 CONNECT with
// heart-beats, SUBSCRIBE (client-individual acks) with a receipt, SEND with and without
// content-length, escaped header values, MESSAGE → ACK / NACK, a SEND to an invalid destination
// (ERROR), and a STOMP 1.0 connection.
import net from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function frame(cmd, headers, body = '') {
  return cmd + '\n' + Object.entries(headers).map(([k, v]) => `${k}:${v}`).join('\n') + '\n\n' + body + '\0';
}
function client() {
  const s = net.connect(61613, '127.0.0.1');
  let buf = '';
  const seen = [];
  s.on('data', (d) => {
    buf += d.toString('utf8');
    let i;
    while ((i = buf.indexOf('\0')) >= 0) {
      const f = buf.slice(0, i).replace(/^[\r\n]+/, '');
      buf = buf.slice(i + 1);
      seen.push(f);
    }
  });
  s.on('error', () => {});
  return { s, seen, send: (f) => s.write(f) };
}

const a = client();
await new Promise((r) => a.s.once('connect', r));
a.send(frame('CONNECT', { 'accept-version': '1.1,1.2', host: '/', login: 'guest', passcode: 'guest', 'heart-beat': '1000,1000' }));
await sleep(200);
a.send(frame('SUBSCRIBE', { id: 'sub-0', destination: '/queue/rides', ack: 'client-individual', receipt: 'r-sub' }));
await sleep(100);
const body1 = JSON.stringify({ tripId: 't-200', from: 'Station', to: 'Airport' });
a.send(frame('SEND', { destination: '/queue/rides', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body1), receipt: 'r-send-1', 'x-note': 'a\\cb\\nc' }, body1));
a.send(frame('SEND', { destination: '/queue/rides', 'content-type': 'text/plain' }, 'second ride, no content-length'));
a.send(frame('SEND', { destination: '/topic/trip.updates', 'content-type': 'text/plain', 'reply-to': '/temp-queue/updates', 'correlation-id': 'c-42' }, 'status please'));
await sleep(1500); // heart-beats flow meanwhile
for (const f of a.seen.filter((x) => x.startsWith('MESSAGE'))) {
  const ack = /\nack:([^\n]*)/.exec(f)?.[1];
  if (!ack) continue;
  a.send(frame(f.includes('second ride') ? 'NACK' : 'ACK', { id: ack, ...(f.includes('second ride') ? { requeue: 'false' } : {}) }));
}
await sleep(100);
a.send(frame('UNSUBSCRIBE', { id: 'sub-0', receipt: 'r-unsub' }));
await sleep(100);
a.send(frame('DISCONNECT', { receipt: 'r-bye' }));
await sleep(200);
a.s.end();

// STOMP 1.0, then an ERROR: SEND to a destination RabbitMQ does not accept.
const b = client();
await new Promise((r) => b.s.once('connect', r));
b.send(frame('CONNECT', { login: 'guest', passcode: 'guest' }));
await sleep(200);
b.send(frame('SEND', { destination: '/queue/rides' }, 'hello from STOMP 1.0'));
b.send(frame('SEND', { destination: '/no-such-kind/x', receipt: 'r-bad' }, 'rejected'));
await sleep(300);
b.s.end();
await sleep(100);
console.log('frames seen', a.seen.length, b.seen.length);
