import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, probeMqtt } from '../../../decoders/mqtt/index';
import { fromHex } from '../../../decoders/core/bytes';
import { messageKey } from '../../../decoders/calls/key';
import { run, assertSplitInvariant, fuzz, type Script } from '../calls/harness';
import { C311, CONNACK, PUB1_QOS1, PUBACK, PUB2_QOS2, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP } from './packets';

// MQTT 5.0
const C5 = '101a00044d5154540502001e08110000003c22000a00056170702d35';
const CONNACK5 = '2006000003220005';
// PUBLISH QoS1 'fare/quote' id 1, topic alias 1, response topic, correlation data, content type, expiry, user property
const PUB5 =
  '3259000a666172652f71756f746500014223000108000d7265706c6965732f6170702d350900057265712d310300106170706c69636174696f6e2f6a736f6e020000001e26000674656e616e74000461636d657b226b6d223a377d';
// PUBLISH QoS0 with an empty topic and topic alias 1
const PUB5_ALIAS = '300e0000032300017b226b6d223a387d';
const PUBACK5 = '4015000110111f000e6e6f207375627363726962657273';
const DISCONNECT5 = 'e0020400';

describe('MQTT 3.1.1 §3.1 CONNECT / §3.2 CONNACK', () => {
  it('probes CONNECT packets only', () => {
    assert.equal(probeMqtt(fromHex(C311)), 'accept');
    assert.equal(probeMqtt(fromHex(C5)), 'accept');
    assert.equal(probeMqtt(fromHex('1031')), 'need-more');
    assert.equal(probeMqtt(fromHex('474554')), 'reject');
  });
  it('pairs CONNECT and CONNACK, with the will and user name', () => {
    const { calls } = run(spec, [['c2s', C311], ['s2c', CONNACK]]);
    assert.equal(calls.length, 1);
    const c = calls[0];
    assert.equal(c.method, 'CONNECT');
    assert.equal(c.target, 'dev-1');
    assert.equal(c.status?.ok, true);
    assert.equal(c.fields['mqtt.willtopic'], 'clients/dev-1/will');
    assert.equal(c.fields['mqtt.username'], 'alice');
    const will = (c.request!.value as Record<string, Record<string, unknown>>).will;
    assert.equal(will.qos, 1);
  });
});

describe('MQTT 3.1.1 §2.2.3 remaining length', () => {
  it('rejects a remaining length longer than 4 bytes', () => {
    const { session } = run(spec, [['c2s', C311], ['s2c', '30ffffffff7f']]);
    assert.ok(session.warnings.some((w) => w.includes('longer than 4 bytes')));
  });
});

describe('MQTT 3.1.1 §4.3 QoS 1 and QoS 2 delivery', () => {
  it('QoS 1: PUBLISH + PUBACK is one publish call', () => {
    const { calls } = run(spec, [['c2s', C311], ['s2c', CONNACK], ['c2s', PUB1_QOS1], ['s2c', PUBACK]]);
    const p = calls.find((c) => c.method === 'PUBLISH')!;
    assert.equal(p.kind, 'publish');
    assert.equal(p.fields['mqtt.qos'], 1);
    assert.equal(p.fields['mqtt.msgid'], 10);
    assert.equal(p.fields['msg.key'], messageKey('mqtt', 'rides/requested', new TextEncoder().encode('{"trip":1}')));
    assert.deepEqual(p.frames, [3, 4]);
    assert.equal(p.state, 'complete');
  });
  it('QoS 2 from the broker: PUBLISH → PUBREC → PUBREL → PUBCOMP is one delivery', () => {
    const { calls } = run(spec, [['c2s', C311], ['s2c', CONNACK], ['s2c', PUB2_QOS2], ['c2s', PUBREC], ['s2c', PUBREL], ['c2s', PUBCOMP]]);
    const d = calls.find((c) => c.method === 'PUBLISH')!;
    assert.equal(d.kind, 'deliver');
    assert.equal(d.fields['mqtt.retain'], true);
    assert.equal((d.response!.value as Record<string, unknown>).handshake, 'PUBREC → PUBREL → PUBCOMP');
    assert.equal(d.timing.endUs, 1_005_000);
  });
  it('an unanswered QoS 1 publish is incomplete at close', () => {
    const { calls } = run(spec, [['c2s', C311], ['c2s', PUB1_QOS1]]);
    assert.equal(calls.find((c) => c.method === 'PUBLISH')!.state, 'incomplete');
  });
});

describe('MQTT 3.1.1 §3.8 SUBSCRIBE / §3.9 SUBACK, §3.12 PINGREQ', () => {
  it('per-filter return codes; a failure makes the call an error', () => {
    const { calls } = run(spec, [['c2s', C311], ['s2c', CONNACK], ['c2s', SUBSCRIBE], ['s2c', SUBACK], ['c2s', PINGREQ], ['s2c', PINGRESP]]);
    const s = calls.find((c) => c.method === 'SUBSCRIBE')!;
    assert.equal(s.target, 'rides/#, bad/#');
    assert.equal(s.status?.ok, false);
    const p = calls.find((c) => c.method === 'PINGREQ')!;
    assert.equal(p.kind, 'event');
    assert.equal(p.state, 'complete');
  });
});

describe('MQTT 5.0 §2.2.2 properties, §3.3.2.3.4 topic alias', () => {
  it('decodes request/response properties and resolves the topic alias', () => {
    const { calls } = run(spec, [['c2s', C5], ['s2c', CONNACK5], ['c2s', PUB5], ['s2c', PUBACK5], ['c2s', PUB5_ALIAS], ['c2s', DISCONNECT5]]);
    const [conn, p1, p2, disc] = calls;
    assert.equal(conn.fields['mqtt.ver'], 5);
    assert.equal(p1.fields['msg.reply_to'], 'replies/app-5');
    assert.equal(p1.fields['msg.correlation_id'], 'req-1');
    assert.equal(p1.fields['mqtt.content_type'], 'application/json');
    const props = (p1.request!.value as Record<string, Record<string, unknown>>).properties;
    assert.equal(props['message-expiry-interval'], 30);
    assert.deepEqual(p1.request!.headers, [['tenant', 'acme']]);
    assert.equal(p1.status?.code, 0x10);
    assert.equal(p1.status?.ok, true);
    assert.equal(p2.target, 'fare/quote');
    assert.equal(p2.fields['mqtt.topic_alias'], 1);
    assert.deepEqual(p2.request!.body!.value, { km: 8 });
    assert.equal(disc.status?.code, 4);
  });
});

describe('MQTT 5.0 §3.14.2.1 DISCONNECT reason code', () => {
  it('an explicit 0x00 (as MQTT.js sends it, with an empty property list) reads "Normal disconnection", like an omitted one', () => {
    for (const disc of ['e0020000', 'e000']) {
      const { calls } = run(spec, [['c2s', C5], ['s2c', CONNACK5], ['c2s', disc]]);
      assert.deepEqual(calls[1].status, { code: 0, text: 'Normal disconnection', ok: true });
    }
  });
});

describe('MQTT split invariance and robustness', () => {
  const scripts: Script[] = [
    [['c2s', C311], ['s2c', CONNACK], ['c2s', PUB1_QOS1 + SUBSCRIBE], ['s2c', PUBACK + SUBACK + PUB2_QOS2], ['c2s', PUBREC], ['s2c', PUBREL], ['c2s', PUBCOMP + PINGREQ], ['s2c', PINGRESP]],
    [['c2s', C5], ['s2c', CONNACK5], ['c2s', PUB5], ['s2c', PUBACK5], ['c2s', PUB5_ALIAS + DISCONNECT5]],
  ];
  it('gives identical calls whatever the split', () => {
    for (const s of scripts) assertSplitInvariant(spec, s);
  });
  it('never throws on mutated input', () => {
    fuzz(spec, scripts, 300);
  });
});

describe('MQTT 3.1.1 §4.8 / connection end: what was waiting when the connection closed', () => {
  it('a CONNECT the broker hung up on (TCP FIN) is aborted; at the end of the capture it is incomplete', () => {
    const fin = run(spec, [['c2s', C311]], undefined, undefined, 'fin').calls[0];
    assert.equal(fin.state, 'aborted');
    assert.match(fin.warnings.join(), /connection was closed \(TCP FIN both ways\) first/);
    assert.equal(run(spec, [['c2s', C311]]).calls[0].state, 'incomplete');
  });
  it('a QoS 1 delivery whose PUBACK never came because the client reset the connection is aborted', () => {
    const { calls } = run(spec, [['c2s', C311], ['s2c', CONNACK], ['s2c', PUB1_QOS1]], undefined, undefined, 'rst');
    const d = calls.find((c) => c.method === 'PUBLISH')!;
    assert.equal(d.state, 'aborted');
  });
});
