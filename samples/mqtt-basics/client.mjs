// MQTT sample clients (npm mqtt) against mosquitto on 127.0.0.1:1883:
// v3.1.1 subscriber + publisher with QoS 0/1/2 and a retained message, a client with a will
// that vanishes without DISCONNECT, and MQTT 5.0 request/response (response topic, correlation
// data, user properties, content type, message expiry) with a topic alias.
import mqtt from 'mqtt';

const url = 'mqtt://127.0.0.1:1883';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const connect = (opts) =>
  new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, keepalive: 30, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

// Retained message first, then a subscriber that receives it.
const pub = await connect({ clientId: 'trip-service', protocolVersion: 4 });
await pub.publishAsync('rides/status', JSON.stringify({ service: 'trip', up: true }), { qos: 1, retain: true });
const sub = await connect({ clientId: 'dispatcher', protocolVersion: 4 });
await sub.subscribeAsync({ 'rides/#': { qos: 2 }, 'clients/+/will': { qos: 1 } });
await sleep(100);
await pub.publishAsync('rides/requested', JSON.stringify({ tripId: 't-100', qos: 0 }), { qos: 0 });
await pub.publishAsync('rides/requested', JSON.stringify({ tripId: 't-101', qos: 1 }), { qos: 1 });
await pub.publishAsync('rides/requested', JSON.stringify({ tripId: 't-102', qos: 2 }), { qos: 2 });
await sleep(200);

// A client with a will that disappears: the broker publishes its will.
const lost = await connect({ clientId: 'driver-42', protocolVersion: 4, will: { topic: 'clients/driver-42/will', payload: 'driver-42 went offline', qos: 1, retain: false } });
lost.stream.destroy();
await sleep(300);

// MQTT 5.0 request/response with a topic alias.
const responder = await connect({ clientId: 'fare-service', protocolVersion: 5, keepalive: 1 });
await responder.subscribeAsync('fare/quote', { qos: 1 });
responder.on('message', (topic, payload, packet) => {
  const p = packet.properties ?? {};
  if (!p.responseTopic) return;
  responder.publish(p.responseTopic, JSON.stringify({ fare: 9.8, currency: 'EUR' }), { qos: 1, properties: { correlationData: p.correlationData, contentType: 'application/json', userProperties: { service: 'fare' } } });
});
const requester = await connect({ clientId: 'passenger-app', protocolVersion: 5, properties: { topicAliasMaximum: 10, sessionExpiryInterval: 60 } });
await requester.subscribeAsync('passenger/p-7/replies', { qos: 1 });
for (let i = 1; i <= 2; i++) {
  await requester.publishAsync(i === 1 ? 'fare/quote' : '', JSON.stringify({ from: 'A', to: 'B', i }), {
    qos: 1,
    properties: {
      responseTopic: 'passenger/p-7/replies',
      correlationData: Buffer.from(`req-${i}`),
      contentType: 'application/json',
      messageExpiryInterval: 30,
      userProperties: { tenant: 'acme', attempt: String(i) },
      topicAlias: 1,
    },
  });
  await sleep(150);
}
await sleep(1200);
await requester.unsubscribeAsync('passenger/p-7/replies');
for (const c of [requester, responder, sub, pub]) await c.endAsync();
