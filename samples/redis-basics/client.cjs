// node-redis (npm "redis") client: a pipelined batch, pub/sub over two connections, a RESP3
// connection with client-side caching (invalidation push).
const { createClient } = require('redis');
const net = require('node:net');

async function main() {
  const url = 'redis://127.0.0.1:6379';
  const c = createClient({ url });
  await c.connect();
  // Commands issued in the same tick are written in one batch (auto-pipelining).
  await Promise.all([c.set('user:1', '{"name":"Ada","langs":["en","fr"]}'), c.set('user:2', 'Grace'), c.get('user:1'), c.incr('visits'), c.lRange('nolist', 0, -1), c.mGet(['user:1', 'user:2', 'missing'])]);
  await c.multi().incr('visits').expire('visits', 60).get('visits').exec();
  try {
    await c.hGet('user:2', 'field'); // WRONGTYPE
  } catch {}

  const sub = c.duplicate();
  await sub.connect();
  let got = 0;
  const done = new Promise((r) => {
    const on = () => ++got === 4 && r();
    sub.subscribe(['news', 'alerts', 'sports'], on).then(() => sub.pSubscribe('news.*', on));
  });
  await new Promise((r) => setTimeout(r, 200));
  await c.publish('news', 'hello subscribers');
  await c.publish('alerts', JSON.stringify({ level: 'high', text: 'disk full' }));
  await c.publish('news.eu', 'pattern delivery');
  await c.publish('nobody-listens', 'lost');
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  await sub.unsubscribe();
  await sub.pUnsubscribe();
  await sub.quit();
  await c.quit();

  // RESP3 + client-side caching, by hand (node:net): the invalidation push arrives on this connection.
  await new Promise((resolve) => {
    const s = net.connect(6379, '127.0.0.1', () => {
      s.write('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*3\r\n$6\r\nCLIENT\r\n$8\r\nTRACKING\r\n$2\r\non\r\n*2\r\n$3\r\nGET\r\n$6\r\nuser:2\r\n');
      setTimeout(() => {
        const w = net.connect(6379, '127.0.0.1', () => w.end('*3\r\n$3\r\nSET\r\n$6\r\nuser:2\r\n$6\r\nHopper\r\n*1\r\n$4\r\nQUIT\r\n'));
      }, 200);
      setTimeout(() => s.end('*1\r\n$4\r\nQUIT\r\n'), 600);
    });
    s.on('data', () => {});
    s.on('close', resolve);
  });
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
