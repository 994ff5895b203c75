/**
 * MQTT over a capture with gaps (snaplen, kernel drops). Fixtures: the MQTT 3.1.1 packets of
 * packets.ts (shared with mqtt.test.ts), cut the way `tcpdump -s 80` cuts them on loopback (14
 * payload bytes per segment).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/mqtt/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';
import { C311, CONNACK, PUB1_QOS1, PUBACK, PUB2_QOS2, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP } from './packets';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (hex: string) => fromHex(hex).length;
const head = (hex: string, n: number) => hex.slice(0, 2 * n);
const tail = (hex: string, n: number) => hex.slice(2 * n);

describe('MQTT 3.1.1 §2.2.3 remaining length: a gap inside a packet', () => {
  it('a PUBLISH cut inside its topic keeps the topic captured, and is paired with its PUBACK by order (§4.6)', () => {
    const steps: Step[] = [data('c2s', head(PUB1_QOS1, 14)), hole('c2s', len(PUB1_QOS1) - 14), data('s2c', PUBACK), data('c2s', PUB2_QOS2)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PUBLISH rides/requ… complete', 'PUBLISH rides/status incomplete']);
    const p = s.calls[0];
    assert.equal(p.fields['mqtt.msgid'], 10);
    assert.equal(p.fields['mqtt.topic'], undefined, 'the topic is not whole');
    assert.equal(p.fields['msg.key'], undefined, 'a cut payload joins nothing');
    assert.deepEqual(p.warnings, ['PUBLISH cut by a capture gap: 14 of 31 bytes captured, 17 missing', 'packet identifier not captured; paired with the PUBACK for 10 by order (§4.6)']);
    assert.equal(s.calls[1].fields['mqtt.msgid'], 11, 'the next packet is read whole');
    assert.deepEqual(s.warnings, []);
  });

  it('a PUBLISH cut in its payload keeps topic and packet identifier, and the payload size', () => {
    const s = feed(create, [data('c2s', head(PUB1_QOS1, 22)), hole('c2s', len(PUB1_QOS1) - 22), data('s2c', PUBACK)]);
    assert.deepEqual(brief(s), ['PUBLISH rides/requested complete']);
    const p = s.calls[0];
    assert.equal(p.fields['mqtt.topic'], 'rides/requested');
    assert.equal(p.request?.body?.size, 10);
    assert.equal(p.request?.body?.truncated, true);
    assert.deepEqual(p.warnings, ['PUBLISH cut by a capture gap: 22 of 31 bytes captured, 9 missing']);
  });

  it('a CONNECT cut after its keep-alive names protocol and level, not a client id it does not have', () => {
    const s = feed(create, [data('c2s', head(C311, 14)), hole('c2s', len(C311) - 14), data('s2c', CONNACK)]);
    assert.deepEqual(brief(s), ['CONNECT complete']);
    const c = s.calls[0];
    assert.deepEqual(c.request?.value, { 'protocol-name': 'MQTT', 'protocol-level': 4, 'clean-session': true, 'keep-alive': 60 });
    assert.equal(c.fields['mqtt.clientid'], undefined);
    assert.equal(c.status?.ok, true);
  });

  it('gaps inside the same packet count against it (several segments of a long PUBLISH)', () => {
    const steps: Step[] = [data('c2s', head(PUB1_QOS1, 8)), hole('c2s', 6), data('c2s', PUB1_QOS1.slice(28, 36)), hole('c2s', len(PUB1_QOS1) - 18), data('c2s', PINGREQ), data('s2c', PINGRESP)];
    const s = feed(create, steps);
    // 'ride' captured of its topic, its packet identifier not: listed when the flow ends, unpaired.
    assert.deepEqual(brief(s), ['PINGREQ complete', 'PUBLISH ride… incomplete']);
    assert.deepEqual(s.warnings, []);
  });
});

describe('MQTT 3.1.1 §2.2 fixed header: a gap over a packet boundary', () => {
  it('resynchronises on the next plausible fixed header after the gap, warning once', () => {
    const steps: Step[] = [
      data('c2s', head(PUB1_QOS1, 14)),
      hole('c2s', len(PUB1_QOS1) - 14 + len(SUBSCRIBE)), // the rest of the PUBLISH and a whole SUBSCRIBE
      data('c2s', PUB2_QOS2),
      data('s2c', PUBACK + SUBACK + PUBREC),
      data('c2s', PUBREL),
      data('s2c', PUBCOMP),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PUBLISH rides/requ… complete', 'SUBSCRIBE complete', 'PUBLISH rides/status complete']);
    assert.equal(s.calls[0].fields['mqtt.msgid'], 10, 'its PUBACK came before any PUBLISH that may have been lost');
    assert.match(s.calls[1].warnings.join(), /SUBACK without its SUBSCRIBE/);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /22 bytes missing \(c2s\) past the end of the packet they cut; decoding resumes at the next plausible fixed header/);
    assertGapSplitInvariant(create, steps);
  });

  it('finds a PUBLISH with a readable topic inside a segment that starts in the middle of a packet', () => {
    const steps: Step[] = [data('c2s', PINGREQ), hole('c2s', 12), data('c2s', tail(SUBSCRIBE, 12) + PUB1_QOS1), data('s2c', PINGRESP + PUBACK)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PINGREQ complete', 'PUBLISH rides/requested complete']);
    assertGapSplitInvariant(create, steps);
  });

  it('a PUBLISH cut before its packet identifier is not paired by order across a gap that may have swallowed another one', () => {
    const steps: Step[] = [data('c2s', head(PUB1_QOS1, 14)), hole('c2s', len(PUB1_QOS1) - 14), hole('c2s', 40), data('c2s', PINGREQ), data('s2c', PUBACK + PINGRESP)];
    const s = feed(create, steps);
    // The PUBACK comes first in order, and no PUBLISH before it could have been lost: it is this one's.
    assert.deepEqual(brief(s), ['PUBLISH rides/requ… complete', 'PINGREQ complete']);
    const later: Step[] = [hole('c2s', 40), data('c2s', head(PUB1_QOS1, 14)), hole('c2s', len(PUB1_QOS1) - 14), data('s2c', PUBACK)];
    const t = feed(create, later);
    // The gap before it may have held a QoS 1 PUBLISH whose PUBACK this is.
    assert.deepEqual(brief(t), ['PUBACK complete', 'PUBLISH rides/requ… incomplete']);
    assert.match(t.calls[1].warnings.join(), /cannot be paired/);
  });

  it('a PINGRESP the gap may have swallowed leaves its PINGREQ incomplete instead of pairing the next one with it', () => {
    const steps: Step[] = [data('c2s', PINGREQ), hole('s2c', 30), data('c2s', PINGREQ), data('s2c', PINGRESP)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PINGREQ incomplete', 'PINGREQ complete']);
    assert.match(s.calls[0].warnings.join(), /no PINGRESP in the capture/);
  });
});

describe('MQTT under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  const packets = [
    pkt('c2s', C311),
    pkt('s2c', CONNACK),
    pkt('c2s', SUBSCRIBE),
    pkt('s2c', SUBACK),
    pkt('c2s', PUB1_QOS1),
    pkt('s2c', PUBACK),
    pkt('c2s', PUB2_QOS2),
    pkt('s2c', PUBREC),
    pkt('c2s', PUBREL),
    pkt('s2c', PUBCOMP),
    pkt('c2s', PINGREQ),
    pkt('s2c', PINGRESP),
  ];
  it('every packet is named, and every exchange paired', () => {
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['CONNECT complete', 'SUBSCRIBE rides/# complete', 'PUBLISH rides/requ… complete', 'PUBLISH rides/stat… complete', 'PINGREQ complete']);
    assert.equal(s.calls[1].status?.code, 128);
    assert.equal(s.calls[1].status?.ok, false);
    assert.equal(s.calls[3].response?.value && (s.calls[3].response.value as Record<string, unknown>).handshake, 'PUBREC → PUBREL → PUBCOMP');
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, steps);
  });
});
