// Socket.IO 2 in a browser: Chromium (playwright-core, /usr/bin/chromium) loads a page with socket.io-client 2's
// browser bundle held to long-polling against a socket.io 4 server (allowEIO3). With binary data an XHR2 client
// sends Engine.IO 3 binary payloads (application/octet-stream), each attachment in a payload of its own.
// Usage: NODE_PATH=<socket.io 4>:<repo node_modules> V2=<dir with socket.io-client@2> node browser-v2.cjs PORT
const http = require('node:http');
const fs = require('node:fs');
const { Server } = require('socket.io');
const { chromium } = require('playwright-core');
const port = Number(process.argv[2] || 21705);
const t0 = Date.now();
const log = (...a) => console.log(((Date.now() - t0) / 1000).toFixed(3), ...a);
const page = `<!doctype html><script src="/sio.js"></script><script>
const s = io('/', { transports: ['polling'] });
s.on('whoami', (q, ack) => ack('Ada'));
s.on('connect', () => s.emit('blob', new Uint8Array([1, 2, 3, 4]).buffer, (r) => {
  console.log('client: blob ->', r.size, Array.from(new Uint8Array(r.back)).join(','));
  setTimeout(() => { s.close(); console.log('DONE'); }, 800);
}));
</script>`;
const httpServer = http.createServer((req, res) => {
  if (req.url === '/page.html') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
  if (req.url === '/sio.js') return res.writeHead(200, { 'Content-Type': 'application/javascript' }).end(fs.readFileSync(`${process.env.V2}/node_modules/socket.io-client/dist/socket.io.js`));
});
const io = new Server(httpServer, { allowEIO3: true, transports: ['polling'] });
io.on('connection', (socket) => {
  socket.on('blob', (b, ack) => { log('server: blob', b.length); ack({ size: b.length, back: Buffer.from([9, 8, 7]) }); });
  setTimeout(async () => log('server: whoami ->', await socket.emitWithAck('whoami', 1)), 200);
});
httpServer.listen(port, '127.0.0.1', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const p = await browser.newPage();
  const done = new Promise((r) => p.on('console', (m) => { log(m.text()); if (m.text() === 'DONE') r(); }));
  await p.goto(`http://127.0.0.1:${port}/page.html`);
  await Promise.race([done, new Promise((r) => setTimeout(r, 8000))]);
  await browser.close();
  process.exit(0);
});
setTimeout(() => process.exit(1), 20000).unref();
