// kafkajs 2 + @kafkajs/confluent-schema-registry 3 against a broker (argv[3]) and a registry at
// http://127.0.0.1:argv[2]: Avro (key and value: logical types, enum, union, array, map, fixed,
// nested record), JSON Schema and Protobuf values, registered, produced, then consumed and decoded
// by a second registry client (which asks the registry for each id: GET /schemas/ids/{id}).
// Logs JSON lines: {sent} with the encoded bytes in hex, then {got} per message read back.
// argv[4] `consume`: only the consumer (a new group, from the beginning): run in a capture of its
// own, the registry lookups come after the Fetch that brought each id.
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const log = (o) => console.log(JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
const host = `http://127.0.0.1:${process.argv[2]}`;

const orderSchema = {
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'double' } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'ship', type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: { type: 'fixed', name: 'Zip', size: 5 } }] }], default: null },
    { name: 'flag', type: 'boolean' },
    { name: 'ratio', type: 'float' },
    { name: 'big', type: 'long' },
    { name: 'uid', type: { type: 'string', logicalType: 'uuid' } },
  ],
};
const keySchema = { type: 'record', name: 'OrderKey', namespace: 'shop', fields: [{ name: 'id', type: 'long' }, { name: 'region', type: 'string' }] };
const paymentSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#', title: 'Payment', type: 'object',
  properties: { order: { type: 'integer' }, amount: { type: 'number' }, method: { type: 'string', enum: ['card', 'cash'] }, meta: { type: 'object' } },
  required: ['order', 'amount'],
};
const shipProto = `syntax = "proto3";
package shop.v1;
message Shipment {
  string order = 1;
  int64 weight_grams = 2;
  repeated string parcels = 3;
  Carrier carrier = 4;
  Dims dims = 5;
  bool express = 6;
  enum Carrier { POST = 0; DHL = 1; UPS = 2; }
  message Dims { double w = 1; double h = 2; double d = 3; }
}
`;

const consume = async (kafka, group, total) => {
  // A consumer with its own registry client: it looks each id up when a message brings it.
  const reader = new SchemaRegistry({ host });
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders', 'payments', 'shipments'], fromBeginning: true });
  let n = 0;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 20000);
    consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = await reader.decode(message.value);
        const key = topic === 'orders' ? await reader.decode(message.key) : message.key?.toString();
        log({ got: topic, offset: message.offset, key, value });
        if (++n >= total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  log({ did: 'consumed', group, n });
};

(async () => {
  if (process.argv[4] === 'consume') {
    const kafka = new Kafka({ clientId: 'heldout-sr-kafkajs-reader', brokers: [process.argv[3]], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    await consume(kafka, 'heldout-sr-2', 6);
    return;
  }
  const registry = new SchemaRegistry({ host });
  const { id: keyId } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(keySchema) }, { subject: 'orders-key' });
  const { id: orderId } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderSchema) }, { subject: 'orders-value' });
  const { id: payId } = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(paymentSchema) }, { subject: 'payments-value' });
  const { id: shipId } = await registry.register({ type: SchemaType.PROTOBUF, schema: shipProto }, { subject: 'shipments-value' });
  log({ did: 'register', keyId, orderId, payId, shipId });

  const kafka = new Kafka({ clientId: 'heldout-sr-kafkajs', brokers: [process.argv[3]], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: ['orders', 'payments', 'shipments'].map((topic) => ({ topic })), waitForLeaders: true }).catch((e) => log({ err: e.message }));
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();

  const orders = [
    { id: 1, customer: 'ada', qty: 2, price: Buffer.from([0x30, 0x39]), placed: 1700000000123, day: 19675, status: 'PAID', tags: ['gift', 'rush'], attrs: { weight: 1.5, volume: 0.25 }, note: null, ship: { city: 'Zürich', zip: Buffer.from('80011') }, flag: true, ratio: 0.5, big: 1099511627776, uid: '0b6b6b1c-6f5e-4b4e-9a43-5f1d0c2e8a11' },
    { id: 2, customer: 'bob', qty: -7, price: Buffer.from([0xff, 0x85]), placed: 0, day: -1, status: 'NEW', tags: [], attrs: {}, note: 'call first', ship: null, flag: false, ratio: -2.25, big: -4398046511104, uid: 'f0e1d2c3-b4a5-4968-8776-655443322110' },
  ];
  for (const o of orders) {
    const key = await registry.encode(keyId, { id: o.id, region: 'eu' });
    const value = await registry.encode(orderId, o);
    await producer.send({ topic: 'orders', messages: [{ key, value }] });
    log({ sent: 'orders', schemaId: orderId, keyHex: key.toString('hex'), valueHex: value.toString('hex'), value: { ...o, price: o.price.toString('hex'), ship: o.ship && { ...o.ship, zip: o.ship.zip.toString() } } });
  }
  const payments = [{ order: 1, amount: 24.69, method: 'card', meta: { approved: true, code: 'A1' } }, { order: 2, amount: 0.1 }];
  for (const p of payments) {
    const value = await registry.encode(payId, p);
    await producer.send({ topic: 'payments', messages: [{ key: `order-${p.order}`, value }] });
    log({ sent: 'payments', schemaId: payId, valueHex: value.toString('hex'), value: p });
  }
  const shipments = [{ order: '1', weightGrams: 1250, parcels: ['P1', 'P2'], carrier: 1, dims: { w: 0.3, h: 0.2, d: 0.1 }, express: true }, { order: '2', weightGrams: 0, parcels: [], carrier: 0 }];
  for (const s of shipments) {
    const value = await registry.encode(shipId, s);
    await producer.send({ topic: 'shipments', messages: [{ key: `order-${s.order}`, value }] });
    log({ sent: 'shipments', schemaId: shipId, valueHex: value.toString('hex'), value: s });
  }
  await producer.disconnect();

  await consume(kafka, 'heldout-sr', orders.length + payments.length + shipments.length);
})().catch((e) => {
  log({ err: e.stack || e.message });
  process.exit(1);
});
