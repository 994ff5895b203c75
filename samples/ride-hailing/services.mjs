// The ride-hailing example (publish/subscribe between microservices) on RabbitMQ, one AMQP
// connection per service: trip management publishes `trip.requested` to the `trips` topic
// exchange; the dispatcher consumes it and publishes on `dispatch` to the passenger service
// (drivers nearby), the driver service (trip offered) and back to trip management (trip
// dispatched); passenger and driver services publish user notifications on `notifications`,
// which the notification service consumes.
import amqp from 'amqplib';

const url = 'amqp://guest:guest@127.0.0.1:5672';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = (o) => Buffer.from(JSON.stringify(o));
const opts = { contentType: 'application/json', deliveryMode: 1 };

async function service(name) {
  const conn = await amqp.connect(url, { clientProperties: { connection_name: name } });
  const ch = await conn.createChannel();
  await ch.assertExchange('trips', 'topic', { durable: false });
  await ch.assertExchange('dispatch', 'topic', { durable: false });
  await ch.assertExchange('notifications', 'topic', { durable: false });
  return { conn, ch };
}
async function consume(ch, queue, exchange, pattern, fn) {
  await ch.assertQueue(queue, { durable: false, autoDelete: true });
  await ch.bindQueue(queue, exchange, pattern);
  await ch.consume(queue, async (m) => {
    await fn(JSON.parse(m.content.toString()), m);
    ch.ack(m);
  });
}

const notification = await service('notification-service');
await consume(notification.ch, 'notification.outbox', 'notifications', 'notify.#', async () => {});

const passenger = await service('passenger-service');
await consume(passenger.ch, 'passenger.events', 'dispatch', 'passenger.*', async (m) =>
  passenger.ch.publish('notifications', 'notify.passenger', json({ to: m.passengerId, text: `${m.drivers.length} drivers nearby` }), opts));

const driver = await service('driver-service');
await consume(driver.ch, 'driver.events', 'dispatch', 'driver.*', async (m) =>
  driver.ch.publish('notifications', 'notify.driver', json({ to: m.driverId, text: `pick up at ${m.pickup}` }), opts));

const dispatcher = await service('dispatcher');
await consume(dispatcher.ch, 'dispatcher.trips', 'trips', 'trip.requested', async (t) => {
  const drivers = ['d-7', 'd-9'];
  dispatcher.ch.publish('dispatch', 'passenger.drivers-nearby', json({ tripId: t.tripId, passengerId: t.passengerId, drivers }), opts);
  dispatcher.ch.publish('dispatch', 'driver.trip-offered', json({ tripId: t.tripId, driverId: drivers[0], pickup: t.pickup }), opts);
  dispatcher.ch.publish('dispatch', 'trip.dispatched', json({ tripId: t.tripId, driverId: drivers[0] }), opts);
});

const trip = await service('trip-service');
await consume(trip.ch, 'trip.updates', 'dispatch', 'trip.dispatched', async () => {});
await sleep(200);
for (const [i, pickup] of ['Main St 1', 'Station Sq'].entries()) {
  trip.ch.publish('trips', 'trip.requested', json({ tripId: `t-${i + 1}`, passengerId: `p-${i + 1}`, pickup }), { ...opts, messageId: `trip-${i + 1}`, appId: 'trip-service' });
  await sleep(300);
}
await sleep(300);
for (const s of [trip, dispatcher, driver, passenger, notification]) await s.conn.close();
