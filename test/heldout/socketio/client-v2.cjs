// Socket.IO 2 client (Engine.IO 3: length-prefixed polling payloads, client pings) against server.cjs.
// Usage: NODE_PATH=<dir with socket.io-client@2> node client-v2.cjs PORT
const io = require('socket.io-client');
const s = io(`http://127.0.0.1:${process.argv[2] || 21700}`, { query: { who: 'v2' } });
s.on('welcome', (w) => console.log('welcome', w));
s.on('connect', () => {
  s.emit('sum', 2, 3, (r) => console.log('sum', r));
  s.emit('echo', { hello: 'v2' });
  s.emit('blob', Buffer.from([1, 2, 3, 4]), (n) => console.log('blob', n));
  setTimeout(() => {
    const p = io(`http://127.0.0.1:${process.argv[2] || 21700}/private`);
    p.on('error', (e) => console.log('private', e));
    setTimeout(() => { p.close(); s.close(); }, 500);
  }, 1500);
});
s.on('echoed', (x) => console.log('echoed', x));
setTimeout(() => process.exit(0), 6000);
