// MQTT.js against mosquitto at argv[2] (mqtt://… or ws://…): v3.1.1 and v5, QoS 0/1/2 both ways,
// retained messages (and clearing one), a will fired by an abrupt close, a 200 KB payload,
// v5 properties (user properties, content type, message expiry, response topic + correlation
// data, topic alias), unsubscribe, a refused subscription. Logs JSON lines.
const mqtt = require('mqtt');
const url = process.argv[2];
const log = (o) => console.log(JSON.stringify(o));
const connect = (opts) => new Promise((res, rej) => { const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...opts }); c.once('connect', (ack) => res([c, ack])); c.once('error', rej); });
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (const protocolVersion of [4, 5]) {
    const v = protocolVersion === 5 ? 'v5' : 'v311';
    const [sub, ack] = await connect({ clientId: `ho-sub-${v}`, protocolVersion, clean: true, keepalive: 30, ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0, receiveMaximum: 20, topicAliasMaximum: 5 } } : {}) });
    log({ v, connack: ack.returnCode ?? ack.reasonCode, sessionPresent: ack.sessionPresent });
    sub.on('message', (t, m, p) => log({ v, got: t, qos: p.qos, retain: p.retain, size: m.length, text: m.length < 80 ? m.toString() : undefined, props: p.properties }));
    log({ v, suback: (await sub.subscribeAsync({ [`ho/${v}/#`]: { qos: 2 }, [`ho/${v}/q0`]: { qos: 0 } })).map((g) => [g.topic, g.qos]) });
    const [pubw] = await connect({ clientId: `ho-will-${v}`, protocolVersion, will: { topic: `ho/${v}/will`, payload: Buffer.from('gone'), qos: 1, retain: false, ...(protocolVersion === 5 ? { properties: { willDelayInterval: 0 } } : {}) } });
    const [pub] = await connect({ clientId: `ho-pub-${v}`, protocolVersion, username: process.env.MQTT_USER || 'u', password: Buffer.from(process.env.MQTT_PASS || 'pw') });
    for (const qos of [0, 1, 2]) await pub.publishAsync(`ho/${v}/qos${qos}`, `payload at qos ${qos}`, { qos });
    await pub.publishAsync(`ho/${v}/retained`, 'kept', { qos: 1, retain: true });
    await pub.publishAsync(`ho/${v}/big`, Buffer.alloc(200 * 1024, 0x41), { qos: 1 });
    if (protocolVersion === 5) {
      await pub.publishAsync(`ho/${v}/props`, JSON.stringify({ x: 1 }), { qos: 1, properties: { contentType: 'application/json', messageExpiryInterval: 60, userProperties: { a: '1', b: ['2', '3'] }, responseTopic: `ho/${v}/reply`, correlationData: Buffer.from('corr-1'), payloadFormatIndicator: true } });
      await pub.publishAsync(`ho/${v}/alias`, 'first with alias', { qos: 0, properties: { topicAlias: 1 } });
      await pub.publishAsync('', 'second by alias only', { qos: 0, properties: { topicAlias: 1 } });
    }
    await wait(200);
    pubw.stream.destroy(); // abrupt: the broker sends the will
    await wait(300);
    const [late] = await connect({ clientId: `ho-late-${v}`, protocolVersion });
    late.on('message', (t, m, p) => log({ v, late: t, retain: p.retain, text: m.toString() }));
    await late.subscribeAsync(`ho/${v}/retained`, { qos: 1 });
    await wait(200);
    await pub.publishAsync(`ho/${v}/retained`, '', { qos: 0, retain: true }); // clear it
    const r = await sub.subscribeAsync('$SYS/#/bad', { qos: 1 }).catch((e) => ({ err: e.message }));
    log({ v, badSub: r });
    await sub.unsubscribeAsync(`ho/${v}/q0`);
    await wait(200);
    for (const c of [late, pub, sub]) await c.endAsync();
  }
  log({ done: true });
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
