// STOMP over SockJS, the way Spring's WebSocket guides do it: @stomp/stompjs over sockjs-client
// (its WebSocket transport) against a sockjs server (npm sockjs) with a small STOMP broker behind it.
// TRANSPORT (default websocket): the one sockjs-client may use — websocket, xhr-streaming, xhr-polling,
// eventsource (Node has no DOM for htmlfile and jsonp-polling: browser.cjs loads this server's page in
// Chromium for those). After STOMP, a plain SockJS echo session (/echo: messages that are not STOMP).
// Usage: node lab.cjs PORT [TRANSPORT] [--serve]  (server and client in one process; exits by itself;
// --serve: the server only, with /page.html for the browser, for 20 s)
const http = require('http');
const sockjs = require('sockjs');
const SockJS = require('sockjs-client');
const { Client } = require('@stomp/stompjs');
const port = Number(process.argv[2] || 21590);
const transport = process.argv[3] && !process.argv[3].startsWith('--') ? process.argv[3] : 'websocket';
const serveOnly = process.argv.includes('--serve');
setTimeout(() => process.exit(1), 15000).unref();
const t0 = Date.now();
const log = (...a) => console.log(((Date.now() - t0) / 1000).toFixed(3), ...a);

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
      log('server:', cmd, h.destination ?? '', h.receipt ? `receipt ${h.receipt}` : '');
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
const plain = sockjs.createServer({ log: () => {}, heartbeat_delay: 60 });
plain.on('connection', (conn) => conn.on('data', (t) => { log('server: echo', t); conn.write(t); if (t === 'bye') conn.close(3001, 'bye now'); }));
const server = http.createServer((req, res) => {
  const files = { '/page.html': ['text/html', `${__dirname}/page.html`], '/sockjs.js': ['application/javascript', require.resolve('sockjs-client/dist/sockjs.min.js')], '/stomp.js': ['application/javascript', `${require('path').dirname(require.resolve('@stomp/stompjs'))}/stomp.umd.min.js`] };
  const f = files[req.url.split('?')[0]];
  if (!f) return;
  res.writeHead(200, { 'Content-Type': f[0] });
  res.end(require('fs').readFileSync(f[1]));
});
echo.installHandlers(server, { prefix: '/ws' });
plain.installHandlers(server, { prefix: '/echo' });
if (serveOnly) {
  server.listen(port, '127.0.0.1', () => log('serving', port));
  setTimeout(() => process.exit(0), 20000);
} else server.listen(port, '127.0.0.1', () => {
  log('client: transport', transport);
  const client = new Client({
    webSocketFactory: () => new SockJS(`http://127.0.0.1:${port}/ws`, null, { transports: [transport] }),
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  client.onConnect = () => {
    log('client: CONNECTED');
    client.subscribe('/topic/greetings', (m) => log('client: MESSAGE', m.headers.destination, m.body), { receipt: 's-1' });
    client.publish({ destination: '/topic/greetings', body: JSON.stringify({ name: 'Ada' }), headers: { 'content-type': 'application/json', receipt: 'r-1' } });
    client.publish({ destination: '/topic/greetings', body: 'plain hello' });
    setTimeout(() => client.publish({ destination: '/app/fail', body: 'x' }), 200);
    setTimeout(() => client.deactivate().then(() => { log('client: deactivated'); setTimeout(echoSession, 200); }), 600);
  };
  client.onStompError = (f) => log('client: ERROR', f.headers.message);
  client.onUnhandledReceipt = (f) => log('client: RECEIPT', f.headers['receipt-id']);
  // Not STOMP: a SockJS session carrying text and JSON, closed by the server (c[3001,"bye now"]).
  const echoSession = () => {
    const s = new SockJS(`http://127.0.0.1:${port}/echo`, null, { transports: [transport] });
    s.onopen = () => { log('client: echo open'); s.send('hello'); s.send(JSON.stringify({ n: 1, list: ['a', 'b'] })); setTimeout(() => s.send('bye'), 150); };
    s.onmessage = (e) => log('client: echo got', e.data);
    s.onclose = (e) => { log('client: echo close', e.code, e.reason); server.close(); setTimeout(() => process.exit(0), 300); };
  };
  client.activate();
});
