// socket.io-client 4 (WebSocket only) against the Python server. Usage: NODE_PATH=... node client-v4.cjs PORT
const { io } = require('socket.io-client');
const s = io(`http://127.0.0.1:${process.argv[2]}`, { transports: ['websocket'] });
s.on('welcome', (w) => console.log('welcome', w));
s.on('whoami', (q, ack) => ack('node-v4'));
s.on('hello', (h) => console.log(h));
s.on('connect', async () => {
  console.log('sum', await s.emitWithAck('sum', 20, 22));
  s.emit('ask', 'who?');
  setTimeout(() => s.close(), 2500);
});
setTimeout(() => process.exit(0), 6000);
