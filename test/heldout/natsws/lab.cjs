// nats.ws (the NATS client for WebSocket) against nats-server's websocket listener.
globalThis.WebSocket = require('ws');
const { connect, StringCodec, headers } = require('nats.ws');
const port = Number(process.argv[2] || 21480);
(async () => {
  const nc = await connect({ servers: `ws://127.0.0.1:${port}`, name: 'natsws-lab' });
  const sc = StringCodec();
  const sub = nc.subscribe('time');
  (async () => { for await (const m of sub) if (m.reply) m.respond(sc.encode(`now ${m.data.length}`)); })();
  const news = nc.subscribe('news.*');
  (async () => { for await (const m of news) console.log('news', m.subject, sc.decode(m.data)); })();
  const r = await nc.request('time', sc.encode('?'), { timeout: 1000 });
  console.log('reply', sc.decode(r.data));
  const h = headers(); h.set('trace', 't1');
  nc.publish('news.tech', sc.encode('hello'), { headers: h });
  try { await nc.request('nobody', sc.encode('x'), { timeout: 500 }); } catch (e) { console.log('no responders:', e.code); }
  await nc.flush();
  await nc.drain();
})();
