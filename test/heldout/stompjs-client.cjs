// @stomp/stompjs against RabbitMQ: over Web-STOMP (ws://127.0.0.1:21674/ws) or over plain TCP
// (a tiny WebSocket-like wrapper around net.Socket on 21613). argv[2] = ws | tcp.
// SUBSCRIBE with client-individual acks, SEND with receipts and custom headers, ACK/NACK,
// a binary body with content-length, a temp-queue reply-to RPC, an ERROR, heart-beats.
const { Client } = require('@stomp/stompjs');
const net = require('net');
const WebSocket = require('ws');
const mode = process.argv[2];
const log = (o) => console.log(JSON.stringify(o));
class TcpWs {
  constructor() {
    this.readyState = 0; this.binaryType = 'arraybuffer';
    this.s = net.connect(21613, '127.0.0.1', () => { this.readyState = 1; this.onopen && this.onopen({}); });
    this.s.on('data', (d) => this.onmessage && this.onmessage({ data: d.buffer.slice(d.byteOffset, d.byteOffset + d.length) }));
    this.s.on('close', () => { this.readyState = 3; this.onclose && this.onclose({ code: 1000, reason: '' }); });
    this.s.on('error', (e) => this.onerror && this.onerror(e));
  }
  send(x) { this.s.write(typeof x === 'string' ? x : Buffer.from(x)); }
  close() { this.readyState = 2; this.s.end(); }
  terminate() { this.s.destroy(); }
}
const client = new Client({
  webSocketFactory: () => (mode === 'tcp' ? new TcpWs() : new WebSocket('ws://127.0.0.1:21674/ws', ['v12.stomp', 'v11.stomp', 'v10.stomp'])),
  connectHeaders: { login: 'guest', passcode: 'guest', host: '/' },
  heartbeatIncoming: 1000, heartbeatOutgoing: 1000, reconnectDelay: 0,
  debug: () => {},
});
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
client.onConnect = async (frame) => {
  log({ mode, connected: frame.headers });
  let n = 0;
  const sub = client.subscribe('/queue/ho-orders', (m) => {
    n++;
    log({ got: m.headers.destination, body: m.isBinaryBody ? `<${m.binaryBody.length} bytes>` : m.body, id: m.headers['message-id'], custom: m.headers['x-custom'] });
    if (n === 2) m.nack({ requeue: 'false' }); else m.ack();
  }, { ack: 'client-individual', 'prefetch-count': '10' });
  client.watchForReceipt('r-1', (f) => log({ receipt: f.headers['receipt-id'] }));
  client.publish({ destination: '/queue/ho-orders', body: 'order one', headers: { receipt: 'r-1', 'x-custom': 'yes', 'content-type': 'text/plain' } });
  client.publish({ destination: '/queue/ho-orders', body: JSON.stringify({ n: 2 }), headers: { 'content-type': 'application/json' } });
  client.publish({ destination: '/queue/ho-orders', binaryBody: new Uint8Array([0, 1, 2, 0, 255, 10, 0]), headers: { 'content-type': 'application/octet-stream' } });
  client.publish({ destination: '/topic/ho.news', body: 'x'.repeat(100000) });
  // RPC with a temp queue: the reply comes back on /temp-queue/…
  client.subscribe('/queue/ho-rpc', (m) => client.publish({ destination: m.headers['reply-to'], body: 'pong for ' + m.body, headers: { 'correlation-id': m.headers['correlation-id'] } }));
  await wait(200);
  client.onUnhandledMessage = (m) => log({ reply: m.body, dest: m.headers.destination, corr: m.headers['correlation-id'] });
  client.publish({ destination: '/queue/ho-rpc', body: 'ping', headers: { 'reply-to': '/temp-queue/ho-replies', 'correlation-id': 'c-42' } });
  await wait(2500); // heart-beats
  sub.unsubscribe();
  client.onStompError = (f) => log({ error: f.headers.message });
  client.publish({ destination: '/bogus/nowhere', body: 'bad', headers: { receipt: 'r-bad' } });
  await wait(500);
  await client.deactivate();
  log({ done: true });
};
client.onStompError = (f) => log({ stompError: f.headers.message });
client.activate();
setTimeout(() => process.exit(0), 8000);
