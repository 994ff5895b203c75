// AMQP 1.0 against RabbitMQ's amqp1_0 plugin on 127.0.0.1:5672 (npm rhea 3): a sender and a receiver on one
// queue; a JSON message with properties and application properties, a binary (data section) message and a
// string one, all sent unsettled; the receiver accepts the first two and rejects the third.
const rhea = require('rhea');
const c = rhea.create_container({ id: 'orders-app' });
let got = 0;
c.on('connection_open', (ctx) => {
  ctx.connection.open_receiver({ source: '/queue/orders', autoaccept: false });
  ctx.connection.open_sender('/queue/orders');
});
c.on('sendable', (ctx) => {
  if (ctx.sender.sent) return;
  ctx.sender.sent = true;
  ctx.sender.send({ body: JSON.stringify({ order: 1, item: 'tea', qty: 2 }), content_type: 'application/json', message_id: 'order-1', subject: 'created', application_properties: { region: 'eu', priority: 5 } });
  ctx.sender.send({ body: rhea.message.data_section(Buffer.from([0xca, 0xfe, 0xba, 0xbe])), message_id: 'blob-1' });
  ctx.sender.send({ body: 'not an order', message_id: 'junk-1' });
});
c.on('message', (ctx) => {
  got++;
  console.log('got', ctx.message.message_id);
  if (ctx.message.message_id === 'junk-1') ctx.delivery.reject({ condition: 'amqp:precondition-failed', description: 'not an order' });
  else ctx.delivery.accept();
  if (got === 3) setTimeout(() => ctx.connection.close(), 300);
});
c.on('accepted', (ctx) => console.log('accepted', ctx.delivery.id));
c.on('connection_close', () => process.exit(0));
c.on('error', (e) => console.log('error', String(e)));
c.connect({ host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', reconnect: false });
setTimeout(() => process.exit(3), 10000).unref();
