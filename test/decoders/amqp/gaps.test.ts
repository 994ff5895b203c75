/**
 * AMQP 0-9-1 over a capture with gaps (snaplen, kernel drops). Fixtures: the frames of
 * frames.ts, shared with amqp.test.ts (RabbitMQ and its clients), cut the way `tcpdump -s 80` cuts them on loopback:
 * 14 payload bytes kept per segment, the rest missing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/amqp/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';
import { HEADER, QDECL, QDECL_OK, PUBLISH, HDR, BODY, DELIVER, ACK7, HEARTBEAT } from './frames';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (hex: string) => fromHex(hex).length;
const head = (hex: string, n: number) => hex.slice(0, 2 * n);

describe('AMQP 0-9-1 §4.2.3 general frame format: a gap inside a frame', () => {
  it('a method frame cut after its class and method ids is named and paired with its reply', () => {
    const steps: Step[] = [data('c2s', HEADER), data('c2s', head(QDECL, 14)), hole('c2s', len(QDECL) - 14), data('s2c', QDECL_OK)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['queue.declare tasks complete']);
    assert.deepEqual(s.calls[0].warnings, ['queue.declare frame cut by a capture gap: 14 of 25 bytes captured, 11 missing']);
    assert.deepEqual(s.warnings, []);
  });

  it('a body frame cut by a gap: the message is complete, its body short, and it joins no delivery (§4.2.6 content)', () => {
    const steps: Step[] = [data('c2s', HEADER + PUBLISH + HDR), data('c2s', head(BODY, 12)), hole('c2s', len(BODY) - 12), data('c2s', HEARTBEAT)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['basic.publish rides/trip.requested complete', 'heartbeat complete']);
    const p = s.calls[0];
    assert.equal(p.request?.body?.size, 11);
    assert.equal(p.request?.body?.truncated, true);
    assert.equal(p.fields['msg.key'], undefined);
    assert.equal(p.fields['msg.correlation_id'], 'c-1', 'the content header was whole');
    assert.deepEqual(p.warnings, ['body frame cut by a capture gap: 12 of 19 bytes captured, 7 missing']);
    assert.deepEqual(s.warnings, []);
  });

  it('a content header cut before the body size: the message ends at the next method of its channel', () => {
    const steps: Step[] = [data('c2s', HEADER + PUBLISH), data('c2s', head(HDR, 14)), hole('c2s', len(HDR) - 14), data('c2s', BODY + QDECL), data('s2c', QDECL_OK)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['basic.publish rides/trip.requested complete', 'queue.declare tasks complete']);
    assert.match(s.calls[0].warnings.join(), /content header frame cut by a capture gap: 14 of 51 bytes captured, 37 missing \(body size not captured\)/);
    assert.equal(s.calls[0].request?.body?.size, 11);
    assertGapSplitInvariant(create, steps);
  });
});

describe('AMQP 0-9-1 §4.2.3 frame-end octet: a gap over a frame boundary', () => {
  it('resynchronises on the next plausible frame; a request whose reply may be in the gap is incomplete, not paired with a later reply', () => {
    const steps: Step[] = [
      data('c2s', HEADER + QDECL),
      data('s2c', head(DELIVER, 14)),
      hole('s2c', len(DELIVER) - 14 + len(HDR) + len(BODY) + len(QDECL_OK)), // the delivery's content and the -ok
      data('c2s', QDECL),
      data('s2c', HEARTBEAT + QDECL_OK),
    ];
    const s = feed(create, steps);
    // The cut delivery ends at the next method of its channel: the -ok.
    assert.deepEqual(brief(s), ['queue.declare tasks incomplete', 'heartbeat complete', 'basic.deliver complete', 'queue.declare tasks complete']);
    assert.match(s.calls[0].warnings.join(), /no reply to queue.declare in the capture/);
    assert.match(s.calls[2].warnings.join(), /basic.deliver frame cut by a capture gap/);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /past the end of the frame they cut; resynchronising on the next plausible frame/);
    assertGapSplitInvariant(create, steps);
  });

  it('finds a whole frame (0xCE at its end) inside a segment that starts in the middle of one', () => {
    // 9 bytes lost: too few to hide a method frame (12 at least), so the waiting request keeps its turn.
    const steps: Step[] = [data('c2s', HEADER + QDECL), hole('s2c', 9), data('s2c', QDECL_OK.slice(18) + QDECL_OK)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['queue.declare tasks complete']);
    assertGapSplitInvariant(create, steps);
  });
});

describe('AMQP 0-9-1 under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  const packets = [
    pkt('c2s', HEADER),
    pkt('c2s', QDECL),
    pkt('s2c', QDECL_OK),
    pkt('c2s', PUBLISH + HDR + BODY),
    pkt('s2c', DELIVER + HDR + BODY),
    pkt('c2s', ACK7),
    pkt('s2c', HEARTBEAT),
  ];
  it('every method is named; the messages are listed, cut', () => {
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    // The delivery ends when its consumer acknowledges it; that ack's delivery tag was not captured.
    assert.deepEqual(brief(s), ['queue.declare complete', 'basic.publish complete', 'basic.deliver complete', 'basic.ack complete', 'heartbeat complete']);
    assert.equal(s.calls[3].kind, 'event');
    assertGapSplitInvariant(create, steps);
  });
  it('with 40 bytes per segment the delivery tag is there: the delivery is paired with its ack', () => {
    const s = feed(create, snaplen(packets, 40));
    assert.deepEqual(brief(s), ['queue.declare tasks complete', 'basic.publish rides/trip.requested complete', 'basic.deliver rides/… complete', 'heartbeat complete']);
    assert.equal(s.calls[2].fields['amqp.ack'], 'ack');
  });
});
