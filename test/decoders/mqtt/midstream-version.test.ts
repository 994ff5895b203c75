/**
 * A capture that starts after CONNECT: the protocol version comes from the first packet only one
 * version's layout fits. Packets are from a real capture: mosquitto 2.0 broker, `mosquitto_sub -V
 * mqttv5 -q 2 -D subscribe user-property sk sv`, the capture started between its CONNECT and its
 * SUBSCRIBE (decoded with --decode-as).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/mqtt/index';
import { sniffVersion } from '../../../decoders/mqtt/wire';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant, type Script } from '../calls/harness';

// SUBSCRIBE id 1, properties (9 bytes: user property sk=sv), filter "v2/#" options 0x02 (QoS 2).
const SUBSCRIBE5 = '8213000109260002736b00027376000476322f2302';
// SUBACK id 1, no properties, reason 2 (granted QoS 2).
const SUBACK5 = '900400010002';
// PUBLISH QoS 2 "v2/a" id 1, properties: user property k=v, content type, response topic, correlation data, expiry 60; payload {"x":1}.
const PUBLISH5 = '3440000476322f610001302600016b0001760300106170706c69636174696f6e2f6a736f6e08000876322f7265706c79090003616263020000003c7b2278223a317d';
const PUBREC = '50020001';

const SCRIPT: Script = [
  ['c2s', SUBSCRIBE5],
  ['s2c', SUBACK5],
  ['s2c', PUBLISH5],
  ['c2s', PUBREC],
];

describe('MQTT 5.0 §2.2.2 properties tell 5.0 from 3.1.1 when CONNECT is not in the capture', () => {
  it('sniffVersion: SUBSCRIBE fits only the 5.0 layout; SUBACK with empty properties fits both', () => {
    const body = (h: string) => fromHex(h).subarray(2);
    assert.equal(sniffVersion(8, 2, body(SUBSCRIBE5)), 5);
    assert.equal(sniffVersion(9, 0, body(SUBACK5)), undefined);
    assert.equal(sniffVersion(3, 4, body(PUBLISH5)), 5);
    // 3.1.1 shapes (MQTT 3.1.1 §3.8, §3.2, §3.4): SUBSCRIBE "a/#" QoS 1, CONNACK, PUBACK.
    assert.equal(sniffVersion(8, 2, body('82080001000361 2f2301'.replace(/ /g, ''))), 4);
    assert.equal(sniffVersion(2, 0, body('20020000')), 4);
    assert.equal(sniffVersion(4, 0, body('40020001')), undefined);
    assert.equal(sniffVersion(4, 0, body('4003000110')), 5);
  });

  it('the subscription and the delivery decode as 5.0: topic, options, properties, payload', () => {
    const { calls } = run(spec, SCRIPT);
    const sub = calls.find((c) => c.method === 'SUBSCRIBE')!;
    assert.equal(sub.target, 'v2/#');
    assert.deepEqual(sub.warnings, []);
    assert.equal(sub.status?.text, 'granted QoS 2');
    assert.equal(sub.fields['mqtt.ver'], 5);
    const d = calls.find((c) => c.method === 'PUBLISH')!;
    assert.equal(d.kind, 'deliver');
    assert.equal(d.target, 'v2/a');
    const v = d.request?.value as { properties: Record<string, unknown> } | undefined;
    assert.deepEqual(v?.properties, {
      'user-property': [['k', 'v']],
      'content-type': 'application/json',
      'response-topic': 'v2/reply',
      'correlation-data': 'abc',
      'message-expiry-interval': 60,
    });
    assert.deepEqual(d.request?.body?.value, { x: 1 });
  });

  it('any split gives the same calls', () => assertSplitInvariant(spec, SCRIPT));
});
