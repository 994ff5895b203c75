// Socket.IO 4 chat on 127.0.0.1:8700 (npm socket.io + socket.io-client): one client starts with HTTP
// long-polling and upgrades to WebSocket (the default), one uses WebSocket only; emits with acks both ways,
// a broadcast, a binary event, and a namespace whose middleware refuses the client.
const http = require('node:http');
const { Server } = require('socket.io');
const { io: connect } = require('socket.io-client');

const httpServer = http.createServer();
const io = new Server(httpServer);
io.on('connection', (socket) => {
  socket.emit('welcome', { room: 'lobby', users: io.engine.clientsCount });
  socket.on('chat message', (msg, ack) => {
    io.emit('chat message', { from: socket.handshake.query.name, text: msg.text });
    if (ack) ack({ ok: true, seq: msg.seq });
  });
  socket.on('upload', (name, data, ack) => ack({ name, bytes: data.length }));
  socket.on('ask name', async () => {
    const reply = await socket.timeout(2000).emitWithAck('whoami', { question: 'name?' });
    socket.emit('hello', `nice to meet you, ${reply}`);
  });
});
io.of('/admin').use((_socket, next) => next(new Error('not authorized')));

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
httpServer.listen(8700, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:8700';
  const ada = connect(url, { query: { name: 'ada' } }); // polling first, then the WebSocket upgrade
  ada.on('whoami', (_q, ack) => ack('Ada'));
  ada.on('hello', (t) => console.log('ada got', t));
  await new Promise((r) => ada.on('connect', r));
  await wait(300); // the upgrade to WebSocket
  const bob = connect(url, { query: { name: 'bob' }, transports: ['websocket'] });
  bob.on('chat message', (m) => console.log('bob got', m));
  await new Promise((r) => bob.on('connect', r));
  console.log('ack', await ada.emitWithAck('chat message', { seq: 1, text: 'hello everyone' }));
  bob.emit('chat message', { seq: 1, text: 'hi ada' }); // no ack asked
  console.log('upload ack', await ada.emitWithAck('upload', 'avatar.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])));
  ada.emit('ask name');
  await wait(200);
  const admin = connect(`${url}/admin`, { transports: ['websocket'] });
  await new Promise((r) => admin.on('connect_error', (e) => r(console.log('admin', e.message))));
  admin.close();
  await wait(100);
  ada.close();
  bob.close();
  await wait(100);
  io.close();
  httpServer.close();
});
setTimeout(() => process.exit(3), 15000).unref();
