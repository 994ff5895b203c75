// What the sample does not do, against the real broker: heartbeats both ways, a Publish carrying many
// messages and chunks of many entries, an uncompressed sub-batch, a 200 KB message, offsets
// next/last/offset/timestamp, errors (STREAM_ALREADY_EXISTS, a publisher on a missing stream; run.sh adds a
// wrong password, which the client throws out of its socket handler). Checked by reading `callscope CAPTURE` (and --format jsonl) by hand.
const rabbit = require('rabbitmq-stream-js-client');
const { Connection } = require('rabbitmq-stream-js-client/dist/connection');
const { CompressionType } = require('rabbitmq-stream-js-client/dist/compression');

// 3.10 does not know ExchangeCommandVersions (see samples/rabbitmq-stream/client.cjs).
const exchange = Connection.prototype.exchangeCommandVersions;
Connection.prototype.exchangeCommandVersions = async function () {
  const [major, minor] = String(this.peerProperties?.version ?? '0.0').split('.').map(Number);
  if (major > 3 || (major === 3 && minor >= 11)) return exchange.call(this);
  return true;
};

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const params = { hostname: '127.0.0.1', port: 21552, username: 'guest', password: 'guest', vhost: '/' };

async function main() {
  const client = await rabbit.connect({ ...params, heartbeat: 1, connectionName: 'heldout-lab' });
  await client.createStream({ stream: 'lab' });
  try {
    await client.createStream({ stream: 'lab' });
  } catch (e) {
    console.log(`create again: ${e.message}`);
  }
  try {
    await client.declarePublisher({ stream: 'missing' });
  } catch (e) {
    console.log(`publisher on a missing stream: ${e.message}`);
  }
  const before = Date.now();
  const pub = await client.declarePublisher({ stream: 'lab', publisherRef: 'lab-pub' });
  // From 1: the client writes an application property 0 as AMQP null (0x40) and its own consumer then
  // throws on it (`invalid nextByteType`), which callscope shows as `"i": null`.
  for (let i = 1; i <= 40; i++) pub.send(Buffer.from(JSON.stringify({ i })), { applicationProperties: { i } });
  await pub.flush();
  await pub.sendSubEntries([{ content: Buffer.from('a') }, { content: Buffer.from('b') }, { content: Buffer.from('c') }], CompressionType.None);
  await pub.send(Buffer.alloc(200_000, 0x61));
  await pub.flush();
  await wait(2500); // heartbeats both ways
  const seen = { first: 0, next: 0, last: 0, offset: 0, timestamp: 0 };
  const consumers = [];
  for (const [name, offset] of [
    ['first', rabbit.Offset.first()],
    ['last', rabbit.Offset.last()],
    ['offset', rabbit.Offset.offset(30n)],
    ['timestamp', rabbit.Offset.timestamp(new Date(before - 1000))],
    ['next', rabbit.Offset.next()],
  ]) {
    consumers.push(await client.declareConsumer({ stream: 'lab', offset, consumerRef: `lab-${name}` }, () => seen[name]++));
  }
  await pub.send(Buffer.from('after the consumers'));
  await pub.flush();
  await wait(1500);
  console.log('received', JSON.stringify(seen));
  for (const c of consumers) await client.closeConsumer(c.extendedId);

  // A stream queue written over AMQP 0-9-1 (amqplib, port 21672) and read over the stream protocol: the
  // broker stores the message as AMQP 1.0 (properties, headers as application properties, the exchange
  // and routing key as message annotations).
  const amqp = require('amqplib');
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:21672');
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('mixed', { durable: true, arguments: { 'x-queue-type': 'stream' } });
  ch.sendToQueue('mixed', Buffer.from(JSON.stringify({ via: 'amqp 0-9-1' })), { contentType: 'application/json', messageId: 'm-1', headers: { tenant: 'acme', n: 7 } });
  await ch.waitForConfirms();
  await conn.close();
  let mixed = 0;
  const reader = await client.declareConsumer({ stream: 'mixed', offset: rabbit.Offset.first() }, () => mixed++);
  for (let i = 0; i < 30 && !mixed; i++) await wait(100);
  console.log('read over the stream protocol from a queue written with AMQP 0-9-1:', mixed);
  await client.closeConsumer(reader.extendedId);
  await client.deleteStream({ stream: 'mixed' });
  await pub.close();
  await client.deleteStream({ stream: 'lab' });
  await client.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
