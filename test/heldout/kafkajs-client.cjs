// kafkajs against a Kafka broker at argv[2]: admin, producer (keys, headers, gzip, acks 1/-1/0,
// a 300 KB value), consumer group reading everything back. Logs what it did as JSON lines.
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');
const log = (o) => console.log(JSON.stringify(o));
(async () => {
  const kafka = new Kafka({ clientId: 'heldout-kafkajs', brokers: [process.argv[2]], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try { await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }, { topic: 'big' }], waitForLeaders: true }); log({ did: 'createTopics' }); } catch (e) { log({ err: 'createTopics ' + e.message }); }
  log({ did: 'listTopics', topics: await admin.listTopics() });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const r1 = await producer.send({ topic: 'orders', acks: -1, messages: [
    { key: 'k1', value: 'order-1 {"qty":1}', partition: 0, headers: { trace: 'abc', n: '1' } },
    { key: 'k2', value: 'order-2', partition: 1 },
    { key: null, value: 'order-3 no key', partition: 0 },
  ] });
  log({ did: 'send', r: r1 });
  const r2 = await producer.send({ topic: 'orders', compression: CompressionTypes.GZIP, acks: 1, messages: Array.from({ length: 5 }, (_, i) => ({ key: 'g' + i, value: 'gzipped ' + i, partition: 0 })) });
  log({ did: 'send gzip', r: r2 });
  const big = 'B'.repeat(300 * 1024);
  const r3 = await producer.send({ topic: 'big', messages: [{ value: big }] });
  log({ did: 'send big', r: r3 });
  const r4 = await producer.sendBatch({ topicMessages: [{ topic: 'orders', messages: [{ value: 'batch-a', partition: 1 }] }, { topic: 'big', messages: [{ value: 'small' }] }] });
  log({ did: 'sendBatch', r: r4 });
  await producer.send({ topic: 'orders', acks: 0, messages: [{ value: 'fire-and-forget', partition: 1 }] }).catch((e) => log({ err: e.message }));
  log({ did: 'send acks0' });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'heldout-group', sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders', 'big'], fromBeginning: true });
  let n = 0;
  await new Promise((resolve) => {
    const t = setTimeout(resolve, 12000);
    consumer.run({ eachMessage: async ({ topic, partition, message }) => {
      n++;
      log({ got: topic, partition, offset: message.offset, key: message.key && message.key.toString(), size: message.value.length, value: message.value.length < 100 ? message.value.toString() : undefined, headers: Object.fromEntries(Object.entries(message.headers || {}).map(([k, v]) => [k, v.toString()])) });
      if (n >= 12) { clearTimeout(t); resolve(); }
    } });
  });
  await consumer.disconnect();
  try { await admin.deleteTopics({ topics: ['big'], timeout: 2000 }); log({ did: 'deleteTopics' }); } catch (e) { log({ err: 'deleteTopics ' + e.message }); }
  await admin.disconnect();
  log({ done: n });
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
