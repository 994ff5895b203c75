/**
 * The RabbitMQ stream protocol over a capture with gaps (snaplen, kernel drops). Fixtures: frames of
 * samples/rabbitmq-stream (RabbitMQ 3.10.8, rabbitmq-stream-js-client 1.0.0), cut the way
 * `tcpdump -s 80` cuts them on loopback (14 payload bytes kept per segment) or with a hole.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/rabbitstream/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (hex: string) => fromHex(hex).length;
const head = (hex: string, n: number) => hex.slice(0, 2 * n);

const CREATE_REQ = '0000002f000d000100000069000572696465730000000100106d61782d6c656e6774682d627974657300083130303030303030';
const CREATE_RESP = '0000000a800d0001000000690001';
const QO_REQ = '0000001c000b00010000006a000b726964652d72656164657200057269646573';
const QO_RESP = '00000012800b00010000006a00010000000000000002';
const DELIVER_TEXT = '0000004c00080001005000000100000001000001a205ce752900000000000000010000000000000000cc7a593000000017000000180000000000000013005375a00e7269646520726571756573746564';
const DELETE_REQ = '0000000f000e00010000007200057269646573';
const DELETE_RESP = '0000000a800e0001000000720001';

describe('PROTOCOL.adoc "Frame Structure" (size-prefixed frames): a gap inside a frame', () => {
  it('a request cut after its correlation id keeps its command and still pairs its response', () => {
    const steps: Step[] = [data('c2s', head(CREATE_REQ, 14)), hole('c2s', len(CREATE_REQ) - 14), data('s2c', CREATE_RESP)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Create complete']);
    assert.equal(s.calls[0].status?.text, 'OK');
    assert.equal(s.calls[0].fields['rabbitstream.correlation_id'], 105);
    assert.deepEqual(s.calls[0].warnings, ['frame cut by a capture gap: 14 of 51 bytes captured, 37 missing']);
    assert.deepEqual(s.warnings, []);
  });

  it('a cut Deliver is an event that says what is missing; the next frame is read whole', () => {
    const steps: Step[] = [
      data('c2s', '00000018000700010000006900000572696465730001000100000000'),
      data('s2c', '0000000a80070001000000690001'),
      data('s2c', head(DELIVER_TEXT, 30)),
      hole('s2c', len(DELIVER_TEXT) - 30),
      data('c2s', QO_REQ),
      data('s2c', QO_RESP),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Subscribe rides complete', 'Deliver rides incomplete', 'QueryOffset rides complete']);
    assert.match(s.calls[1].warnings.join(), /frame cut by a capture gap: 30 of 80 bytes captured/);
    assertGapSplitInvariant(create, steps);
  });

  it('snaplen 14: every request still pairs with its response by correlation id', () => {
    const steps = snaplen([pkt('c2s', CREATE_REQ), pkt('s2c', CREATE_RESP), pkt('c2s', QO_REQ), pkt('s2c', QO_RESP), pkt('c2s', DELETE_REQ), pkt('s2c', DELETE_RESP)], 14);
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Create complete', 'QueryOffset complete', 'Delete complete']);
    assert.deepEqual(s.calls.map((c) => c.status?.code), [1, 1, 1]);
    assertGapSplitInvariant(create, steps);
  });
});

describe('a gap over a frame boundary: resynchronisation on the next plausible header', () => {
  it('the frames after the gap are decoded; one flow warning names the gap', () => {
    const steps: Step[] = [data('c2s', CREATE_REQ), hole('c2s', 3), data('c2s', QO_REQ.slice(6)), data('c2s', DELETE_REQ), data('s2c', CREATE_RESP), data('s2c', DELETE_RESP)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Create rides complete', 'Delete rides complete']);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /^rabbitstream: 3 bytes missing \(c2s\) at a frame boundary; decoding resumes at the next plausible frame header/);
    assertGapSplitInvariant(create, steps);
  });

  it('a response whose request was not captured is named so', () => {
    const steps: Step[] = [hole('c2s', 40), data('s2c', CREATE_RESP)];
    const s = feed(create, steps);
    assert.equal(s.calls[0].kind, 'event');
    assert.deepEqual(s.calls[0].warnings, ['response to correlation id 105, whose request was not captured']);
  });
});
