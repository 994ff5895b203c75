// STOMP over SockJS, the way Spring's WebSocket guides do it: @stomp/stompjs over sockjs-client
// (its WebSocket transport) against a sockjs server (npm sockjs) with a small STOMP broker behind it.
// Usage: node lab.cjs PORT  (server and client in one process; exits by itself)
const http = require('http');
const sockjs = require('sockjs');
const SockJS = require('sockjs-client');
const { Client } = require('@stomp/stompjs');
const port = Number(process.argv[2] || 21590);

// ── the broker: CONNECT → CONNECTED, SUBSCRIBE, SEND → MESSAGE to subscribers, receipts, an ERROR ──
const subs = new Map(); // destination → [{conn, id}]
let msgId = 0;
const frame = (cmd, headers, body = '') => `${cmd}\n${Object.entries(headers).map(([k, v]) => `${k}:${v}`).join('\n')}\n\n${body}\0`;
const echo = sockjs.createServer({ log: () => {}, heartbeat_delay: 25000 });
echo.on('connection', (conn) => {
  conn.on('data', (text) => {
    for (const raw of text.split('\0')) {
      const t = raw.replace(/^\n+/, '');
      if (!t) continue;
      const [head, ...rest] = t.split('\n\n');
      const [cmd, ...lines] = head.split('\n');
      const h = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
      const body = rest.join('\n\n');
      if (cmd === 'CONNECT' || cmd === 'STOMP') conn.write(frame('CONNECTED', { version: '1.2', 'heart-beat': '0,0', server: 'lab/1' }));
      else if (cmd === 'SUBSCRIBE') {
        const list = subs.get(h.destination) ?? [];
        list.push({ conn, id: h.id });
        subs.set(h.destination, list);
      } else if (cmd === 'SEND') {
        if (h.destination === '/app/fail') conn.write(frame('ERROR', { message: 'no handler for /app/fail', 'content-type': 'text/plain' }, 'rejected'));
        else for (const s of subs.get(h.destination) ?? []) s.conn.write(frame('MESSAGE', { destination: h.destination, subscription: s.id, 'message-id': String(++msgId), 'content-type': h['content-type'] ?? 'text/plain' }, body));
      } else if (cmd === 'DISCONNECT') {
        // answered by its receipt below
      }
      if (h.receipt && cmd !== 'SEND' || (h.receipt && h.destination !== '/app/fail')) conn.write(frame('RECEIPT', { 'receipt-id': h.receipt }));
    }
  });
});
const server = http.createServer();
echo.installHandlers(server, { prefix: '/ws' });
server.listen(port, '127.0.0.1', () => {
  const client = new Client({
    webSocketFactory: () => new SockJS(`http://127.0.0.1:${port}/ws`, null, { transports: ['websocket'] }),
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  client.onConnect = () => {
    client.subscribe('/topic/greetings', (m) => console.log('got', m.headers.destination, m.body));
    client.publish({ destination: '/topic/greetings', body: JSON.stringify({ name: 'Ada' }), headers: { 'content-type': 'application/json', receipt: 'r-1' } });
    client.publish({ destination: '/topic/greetings', body: 'plain hello' });
    setTimeout(() => client.publish({ destination: '/app/fail', body: 'x' }), 200);
    setTimeout(() => client.deactivate().then(() => { server.close(); setTimeout(() => process.exit(0), 300); }), 600);
  };
  client.onStompError = (f) => console.log('stomp error', f.headers.message);
  client.activate();
});
