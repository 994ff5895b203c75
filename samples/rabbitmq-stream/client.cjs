// The RabbitMQ stream protocol with the official JS client (rabbitmq-stream-js-client): create a stream,
// publish with confirms (a plain text message, one with AMQP 1.0 properties and application properties,
// a JSON one), consume from the first offset, store and query the consumer's offset, subscribe to a
// stream that does not exist, delete the stream, close. Deterministic: fixed names, fixed bodies, one
// step after the other.
const rabbit = require('rabbitmq-stream-js-client');
const { Connection } = require('rabbitmq-stream-js-client/dist/connection');
const { CompressionType } = require('rabbitmq-stream-js-client/dist/compression');

// The client asks every server for ExchangeCommandVersions (0x001b), which RabbitMQ 3.11 introduced:
// Debian's 3.10.8 answers it with a Close "unknown frame" the client cannot handle. Skip the exchange
// on servers older than 3.11 (the client then keeps every command at version 1, all 3.10 knows).
const exchange = Connection.prototype.exchangeCommandVersions;
Connection.prototype.exchangeCommandVersions = async function () {
  const [major, minor] = String(this.peerProperties?.version ?? '0.0').split('.').map(Number);
  if (major > 3 || (major === 3 && minor >= 11)) return exchange.call(this);
  return true;
};

const STREAM = 'rides';
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const client = await rabbit.connect({
    hostname: '127.0.0.1',
    port: 5552,
    username: 'guest',
    password: 'guest',
    vhost: '/',
    heartbeat: 0,
    connectionName: 'callscope-sample',
  });
  await client.createStream({ stream: STREAM, arguments: { 'max-length-bytes': 10_000_000 } });

  const publisher = await client.declarePublisher({ stream: STREAM, publisherRef: 'ride-publisher' });
  await publisher.send(Buffer.from('ride requested'));
  await publisher.flush();
  await wait(200);
  await publisher.send(Buffer.from('driver assigned'), {
    messageProperties: { contentType: 'text/plain', messageId: 'ride-42', correlationId: 'corr-7', subject: 'assigned' },
    applicationProperties: { driver: 'ada', seats: 3 },
  });
  await publisher.flush();
  await wait(200);
  await publisher.send(Buffer.from(JSON.stringify({ ride: 42, fare: 12.5, currency: 'EUR' })), {
    messageProperties: { contentType: 'application/json' },
  });
  await publisher.flush();
  await wait(200);
  // Two messages in one gzip-compressed sub-batch entry (one publishing id for both), from a second
  // publisher without a reference (the client gives a sub-batch the last publishing id it used: with
  // a reference the broker would drop it as a duplicate).
  const batcher = await client.declarePublisher({ stream: STREAM });
  await batcher.sendSubEntries(
    [{ content: Buffer.from('seat 1 taken') }, { content: Buffer.from('seat 2 taken') }],
    CompressionType.Gzip,
  );
  await wait(300);

  const received = [];
  const consumer = await client.declareConsumer({ stream: STREAM, offset: rabbit.Offset.first(), consumerRef: 'ride-reader' }, (m) => {
    received.push(m.content.toString());
  });
  for (let i = 0; i < 50 && received.length < 5; i++) await wait(100);
  await wait(200);
  await consumer.storeOffset(2n);
  await wait(200);
  const stored = await consumer.queryOffset();
  console.log(`received ${received.length}, stored offset ${stored}`);
  await client.closeConsumer(consumer.extendedId).catch(() => {});
  await publisher.close();
  await batcher.close();
  await wait(100);

  // The client's consumer asks Metadata first (the stream is unknown: no Subscribe is sent)…
  try {
    await client.declareConsumer({ stream: 'no-such-stream', offset: rabbit.Offset.first() }, () => {});
  } catch (e) {
    console.log(`consumer of a missing stream: ${e.message}`);
  }
  // …so subscribe on the client's own connection: answered STREAM_DOES_NOT_EXIST.
  try {
    await client.subscribe({ subscriptionId: 7, stream: 'no-such-stream', credit: 1, offset: rabbit.Offset.first() });
  } catch (e) {
    console.log(`subscribe to a missing stream: ${e.message}`);
  }
  try {
    console.log(`offset of a reference that stored none: ${await client.queryOffset({ reference: 'nobody', stream: STREAM })}`);
  } catch (e) {
    console.log(`query offset of a reference that stored none: ${e.message}`);
  }
  // A publisher whose stream is deleted under it: the broker tells its connection (MetadataUpdate
  // STREAM_NOT_AVAILABLE) and the client closes the publisher.
  await client.createStream({ stream: 'doomed' });
  await client.declarePublisher({ stream: 'doomed' });
  await client.deleteStream({ stream: 'doomed' });
  await wait(300);
  await client.deleteStream({ stream: STREAM });
  await client.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
