// amqplib against RabbitMQ on 127.0.0.1:21672 with heartbeat 1 s and frameMax 4096: confirms,
// a mandatory publish returned (NO_ROUTE), a 50 KB message split over body frames, properties
// and headers, get/get-empty, nack/reject, prefetch, a consumer cancelled by a queue delete.
const amqp = require('amqplib');
const log = (o) => console.log(JSON.stringify(o));
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:21672/?heartbeat=1&frameMax=4096', { clientProperties: { connection_name: 'heldout-amqplib' } });
  const ch = await conn.createConfirmChannel();
  ch.on('return', (m) => log({ returned: m.fields.routingKey, replyCode: m.fields.replyCode, replyText: m.fields.replyText, size: m.content.length }));
  await ch.assertExchange('ho.x', 'direct', { durable: false, autoDelete: false });
  const q = await ch.assertQueue('ho.q', { durable: false, exclusive: false, arguments: { 'x-max-length': 100 } });
  log({ queue: q });
  await ch.bindQueue('ho.q', 'ho.x', 'rk');
  await ch.prefetch(5);
  let n = 0;
  const { consumerTag } = await ch.consume('ho.q', (m) => {
    n++;
    log({ got: m.fields.routingKey, size: m.content.length, dtag: m.fields.deliveryTag, props: { ct: m.properties.contentType, h: m.properties.headers, mid: m.properties.messageId } });
    if (n === 2) ch.nack(m, false, false); else if (n === 3) ch.reject(m, false); else ch.ack(m);
  });
  const pub = (rk, body, opts) => new Promise((res) => ch.publish('ho.x', rk, Buffer.from(body), opts, (err) => { log({ confirm: rk, err: !!err }); res(); }));
  await pub('rk', 'hello', { contentType: 'text/plain', headers: { 'x-n': 1, nested: { a: [1, 'two', true] } }, messageId: 'm-1', timestamp: 1700000000, persistent: true });
  await pub('rk', JSON.stringify({ n: 2 }), { contentType: 'application/json' });
  await pub('rk', 'three', {});
  await pub('rk', 'L'.repeat(50000), { contentType: 'text/plain' });
  await pub('nowhere', 'unroutable', { mandatory: true });
  await wait(2500); // heartbeats
  await ch.cancel(consumerTag);
  await ch.sendToQueue('ho.q', Buffer.from('for get'), {});
  await ch.waitForConfirms();
  log({ get: (await ch.get('ho.q', { noAck: true })).content.toString() });
  log({ getEmpty: await ch.get('ho.q', { noAck: true }) });
  const ch2 = await conn.createChannel();
  await ch2.assertQueue('ho.tmp', { durable: false });
  await ch2.consume('ho.tmp', () => {});
  await ch.deleteQueue('ho.tmp'); // broker cancels ch2's consumer (basic.cancel from the server)
  await wait(200);
  try { await ch2.checkExchange('ho.missing'); } catch (e) { log({ closed: e.message.slice(0, 80) }); }
  await ch.deleteQueue('ho.q'); await ch.deleteExchange('ho.x');
  await ch.close(); await conn.close();
  log({ done: n });
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
