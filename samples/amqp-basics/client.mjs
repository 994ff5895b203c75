// AMQP 0-9-1 sample client (amqplib): publish/consume with acks, publisher confirms with a
// mandatory unroutable publish (basic.return), basic.get / get-empty, RPC with reply-to +
// correlation-id (own reply queue and RabbitMQ direct reply-to), and a failing passive declare.
import amqp from 'amqplib';

const url = 'amqp://guest:guest@127.0.0.1:5672';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const conn = await amqp.connect(url, { heartbeat: 0 });
const ch = await conn.createChannel();
await ch.assertQueue('greetings', { durable: false });
await ch.prefetch(10);
let got = 0;
await ch.consume('greetings', (m) => {
  got++;
  ch.ack(m);
});
for (let i = 1; i <= 3; i++) ch.sendToQueue('greetings', Buffer.from(JSON.stringify({ hello: 'world', n: i })), { contentType: 'application/json', messageId: `greet-${i}`, headers: { 'x-sample': 'amqp-basics', n: i } });
await sleep(300);

// Publisher confirms + mandatory unroutable publish.
const cc = await conn.createConfirmChannel();
await cc.assertExchange('audit', 'direct', { durable: false });
cc.publish('', 'greetings', Buffer.from('confirmed text message'), { contentType: 'text/plain', deliveryMode: 2, priority: 3, timestamp: 1700000000, type: 'note', appId: 'amqp-basics' });
cc.publish('audit', 'nobody-listens', Buffer.from('{"unroutable":true}'), { mandatory: true, contentType: 'application/json' });
await cc.waitForConfirms();

// basic.get: one message, then empty.
await ch.assertQueue('inbox', { durable: false });
ch.sendToQueue('inbox', Buffer.from('pick me up'));
await sleep(100);
const m = await ch.get('inbox', { noAck: false });
if (m) ch.ack(m);
await ch.get('inbox', { noAck: true });

// RPC server: quotes a fare.
const srv = await conn.createChannel();
await srv.assertQueue('rpc.fare', { durable: false });
await srv.consume('rpc.fare', (req) => {
  const q = JSON.parse(req.content.toString());
  srv.sendToQueue(req.properties.replyTo, Buffer.from(JSON.stringify({ tripId: q.tripId, fare: 12.5, currency: 'EUR' })), { correlationId: req.properties.correlationId, contentType: 'application/json' });
  srv.ack(req);
});

// RPC client 1: own exclusive reply queue.
const cli = await conn.createChannel();
const { queue: replyQ } = await cli.assertQueue('', { exclusive: true });
await cli.consume(replyQ, () => {}, { noAck: true });
cli.sendToQueue('rpc.fare', Buffer.from(JSON.stringify({ tripId: 't-1', km: 7 })), { replyTo: replyQ, correlationId: 'corr-1', contentType: 'application/json' });
await sleep(300);
// RPC client 2: direct reply-to.
await cli.consume('amq.rabbitmq.reply-to', () => {}, { noAck: true });
cli.sendToQueue('rpc.fare', Buffer.from(JSON.stringify({ tripId: 't-2', km: 3 })), { replyTo: 'amq.rabbitmq.reply-to', correlationId: 'corr-2', contentType: 'application/json' });
await sleep(300);

// A failing passive declare: channel.close 404 NOT_FOUND.
const bad = await conn.createChannel();
bad.on('error', () => {});
try {
  await bad.checkQueue('no-such-queue');
} catch {}
await sleep(100);
await conn.close();
console.log(`consumed ${got}`);
