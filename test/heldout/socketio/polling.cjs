// Socket.IO acknowledgements over HTTP long-polling only: a socket.io 4 server (allowEIO3) and a client
// forced to `transports: ['polling']` in one process. MODE v4: socket.io-client 4 (Engine.IO 4, packets
// separated by 0x1E); v2: socket.io-client 2 (Engine.IO 3, length-prefixed), required from $V2.
// Acks both ways, a binary event and a binary ack, a namespace, an emit whose ack never comes (client
// timeout), a server emit with a timeout the client never answers, a disconnect. MODE upgrade: socket.io-client 4
// polling then upgrading to WebSocket, with acks that outlive the upgrade (a slow server ack, a slow client answer).
// Usage: NODE_PATH=<socket.io 4> node polling.cjs v4|v2|upgrade PORT   (exits by itself)
const http = require('node:http');
const { Server } = require('socket.io');
const mode = process.argv[2] || 'v4';
const port = Number(process.argv[3] || 21702);
const t0 = Date.now();
const log = (...a) => console.log(`${((Date.now() - t0) / 1000).toFixed(3)}`, ...a);

const httpServer = http.createServer();
const io = new Server(httpServer, { allowEIO3: true, transports: mode === 'upgrade' ? ['polling', 'websocket'] : ['polling'], pingInterval: 3000, pingTimeout: 2000 });
io.on('connection', async (socket) => {
  log('server: connection', socket.id);
  socket.on('sum', (a, b, ack) => { log('server: sum', a, b); ack(a + b); });
  socket.on('blob', (buf, ack) => { log('server: blob', buf.length); ack({ size: buf.length, back: Buffer.from([9, 8, 7]) }); });
  socket.on('never', (x) => log('server: never (not acked)', x));
  socket.on('slow', (x, ack) => setTimeout(() => { log('server: slow ack over', socket.conn.transport.name); ack(x * 2); }, 300));
  if (mode === 'upgrade') socket.emitWithAck('later', 1).then((r) => log('server: later answered', r, 'over', socket.conn.transport.name));
  socket.on('disconnect', (r) => log('server: disconnect', r));
  setTimeout(async () => {
    try {
      const name = await socket.timeout(1000).emitWithAck('whoami', { q: 'name?' });
      log('server: whoami answered', name);
    } catch (e) { log('server: whoami', e.message); }
    socket.timeout(500).emit('ignored', 1, (err) => log('server: ignored ->', err ? err.message : 'answered'));
  }, 300);
});
io.of('/chat').on('connection', (socket) => {
  log('server: /chat connection', socket.id);
  socket.on('join', (room, ack) => { log('server: /chat join', room); ack({ joined: room }); });
});

httpServer.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${port}`;
  const io4 = mode === 'v2' ? require(`${process.env.V2}/node_modules/socket.io-client`) : require('socket.io-client');
  const opts = { transports: mode === 'upgrade' ? ['polling', 'websocket'] : ['polling'], query: { who: mode } };
  const s = io4(url, opts);
  s.on('whoami', (q, ack) => { log('client: whoami', q); ack('Ada'); });
  s.on('ignored', (n) => log('client: ignored (no ack)', n));
  s.on('later', (n, ack) => setTimeout(() => { log('client: later answered over', s.io.engine.transport.name); ack(n + 1); }, 300));
  s.on('connect', () => {
    log('client: connect', s.id);
    s.emit('sum', 2, 3, (r) => log('client: sum ->', r));
    if (mode === 'upgrade') {
      const over = s.io.engine.transport.name;
      s.emit('slow', 21, (r) => log('client: slow ->', r, 'sent over', over));
    }
    s.emit('blob', Buffer.from([1, 2, 3, 4]), (r) => log('client: blob ->', r.size, Buffer.from(r.back).toString('hex')));
    if (mode === 'v2') s.emit('never', 'x', () => log('client: never answered?!'));
    else s.timeout(400).emit('never', 'x', (err) => log('client: never ->', err ? err.message : 'answered'));
    const chat = mode === 'v2' ? io4(`${url}/chat`, opts) : s.io.socket('/chat');
    chat.on('connect', () => chat.emit('join', 'lobby', (r) => log('client: /chat join ->', r)));
    setTimeout(() => { log('client: disconnect'); chat.close(); s.close(); }, 2500);
    setTimeout(() => { httpServer.close(); process.exit(0); }, 3500);
  });
});
setTimeout(() => process.exit(1), 15000).unref();
