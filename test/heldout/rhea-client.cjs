// rhea (AMQP 1.0) against RabbitMQ's amqp1_0 plugin on 127.0.0.1:21672: a sender and a receiver on
// callscope decodes AMQP 1.0 (decoders/amqp1): sasl, open, begin, attaches, transfers with their outcomes, close.
const rhea = require('rhea');
const c = rhea.create_container({ id: 'heldout-rhea' });
let got = 0;
c.on('connection_open', (ctx) => { ctx.connection.open_receiver('/queue/ho-rhea'); ctx.connection.open_sender('/queue/ho-rhea'); });
c.on('sendable', (ctx) => { if (!ctx.sender.sent) { ctx.sender.sent = true; for (let i = 0; i < 3; i++) ctx.sender.send({ body: 'amqp10 message ' + i, message_id: i }); } });
c.on('message', (ctx) => { console.log(JSON.stringify({ got: ctx.message.body })); if (++got === 3) ctx.connection.close(); });
c.on('error', (e) => console.log(JSON.stringify({ error: String(e) })));
c.connect({ host: '127.0.0.1', port: 21672, username: 'guest', password: 'guest', reconnect: false });
setTimeout(() => process.exit(0), 5000);
