// Socket.IO 4 server for the held-out clients (allowEIO3: Socket.IO 2 clients too). Usage: node server.cjs PORT
const http = require('node:http');
const { Server } = require('socket.io');
const port = Number(process.argv[2] || 21700);
const httpServer = http.createServer();
const io = new Server(httpServer, { allowEIO3: true, pingInterval: 1000, pingTimeout: 2000 });
io.on('connection', (socket) => {
  socket.emit('welcome', { id: socket.id });
  socket.on('sum', (a, b, ack) => ack && ack(a + b));
  socket.on('echo', (x, ack) => (ack ? ack(x) : socket.emit('echoed', x)));
  socket.on('blob', (b, ack) => ack && ack(b.length));
});
io.of('/private').use((_s, next) => next(new Error('no token')));
httpServer.listen(port, '127.0.0.1', () => console.log('listening', port));
setTimeout(() => process.exit(0), 30000).unref();
