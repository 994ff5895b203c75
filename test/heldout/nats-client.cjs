// nats.js against nats-server -js on 127.0.0.1:21422: request/reply (with headers, a no-responders
// 503, a timeout), queue groups, a 600 KB payload, JetStream (stream, publish acks, pull consumer
// fetch with acks, a KV bucket). Logs JSON lines.
const { connect, StringCodec, headers, AckPolicy } = require('nats');
const sc = StringCodec();
const log = (o) => console.log(JSON.stringify(o));
(async () => {
  const nc = await connect({ servers: '127.0.0.1:21422', name: 'heldout-nats' });
  const svc = await connect({ servers: '127.0.0.1:21422', name: 'heldout-svc' });
  svc.subscribe('ho.svc.echo', { queue: 'workers', callback: (_e, m) => { const h = headers(); h.set('X-Served-By', 'svc'); m.respond(sc.encode('echo: ' + sc.decode(m.data)), { headers: h }); } });
  svc.subscribe('ho.svc.slow', { callback: () => {} });
  await svc.flush();
  const h = headers(); h.append('X-Trace', 't-1'); h.append('X-Trace', 't-2');
  const r = await nc.request('ho.svc.echo', sc.encode('hi'), { timeout: 1000, headers: h });
  log({ reply: sc.decode(r.data), servedBy: r.headers && r.headers.get('X-Served-By') });
  try { await nc.request('ho.nobody', sc.encode('x'), { timeout: 500 }); } catch (e) { log({ noResponders: e.code }); }
  try { await nc.request('ho.svc.slow', sc.encode('x'), { timeout: 300 }); } catch (e) { log({ timeout: e.code }); }
  const big = new Uint8Array(600 * 1024).fill(66);
  const got = new Promise((res) => svc.subscribe('ho.big', { max: 1, callback: (_e, m) => res(m.data.length) }));
  await svc.flush();
  nc.publish('ho.big', big);
  log({ bigDelivered: await got });
  // JetStream
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'HO', subjects: ['ho.js.>'] });
  const js = nc.jetstream();
  for (let i = 0; i < 3; i++) { const pa = await js.publish('ho.js.orders', sc.encode('order ' + i), { msgID: 'id-' + i }); log({ jsAck: pa.seq, dup: pa.duplicate }); }
  const dup = await js.publish('ho.js.orders', sc.encode('order 0 again'), { msgID: 'id-0' });
  log({ jsDup: dup.duplicate });
  await jsm.consumers.add('HO', { durable_name: 'ho-pull', ack_policy: AckPolicy.Explicit });
  const c = await js.consumers.get('HO', 'ho-pull');
  const msgs = await c.fetch({ max_messages: 3, expires: 1000 });
  for await (const m of msgs) { log({ jsGot: sc.decode(m.data), seq: m.seq }); m.ack(); }
  const kv = await js.views.kv('ho-kv');
  await kv.put('color', sc.encode('blue'));
  log({ kv: sc.decode((await kv.get('color')).value) });
  await nc.drain(); await svc.drain();
  log({ done: true });
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
