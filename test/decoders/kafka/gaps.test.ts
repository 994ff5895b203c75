/**
 * Kafka over a capture with gaps (snaplen, kernel drops). Fixtures: the requests and responses of
 * kafka.test.ts (librdkafka/kcat against a broker), cut the way `tcpdump -s 80` cuts them on
 * loopback: 14 payload bytes kept per segment, the rest missing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/kafka/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (hex: string) => fromHex(hex).length;
const head = (hex: string, n: number) => hex.slice(0, 2 * n);
const tail = (hex: string, n: number) => hex.slice(2 * n);

// ApiVersions v3 (correlation id 1), its response.
const AV_REQ = '0000001e00120003000000010003636c69000b6c696272646b61666b6104322e3000';
const AV_RESP = '0000001a000000010000030000000000090000010000000d000000000000';
// Produce v9 (correlation id 2) of topic 'trips', its response (base offset 40).
const PROD9_REQ =
  '000000a900000009000000020003636c690000ffff0000753002067472697073020000000084010000000000000000000000770000000002000000000000000000010000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000002500000000c747269702d31207b22747269704964223a22742d31227d020c736f757263650874726970380000020c747269702d32207b22747269704964223a22742d32227d00000000';
const PROD9_RESP = '00000035000000020002067472697073020000000000000000000000000028ffffffffffffffff000000000000000001000000000000000000';
// Fetch v4 (correlation id 4) of 'trips' partition 0, its response (one batch at offset 40).
const FETCH4_REQ = '0000003d00010004000000040003636c69ffffffff000001f400000001001000000000000001000574726970730000000100000000000000000000002800100000';
const FETCH4_RESP =
  '000000b80000000400000000000000010005747269707300000001000000000000000000000000002a000000000000002affffffff000000830000000000000028000000770000000002000000000000000000010000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000002500000000c747269702d31207b22747269704964223a22742d31227d020c736f757263650874726970380000020c747269702d32207b22747269704964223a22742d32227d00';

describe('Kafka protocol guide, "Requests and Responses" (size-prefixed messages): a gap inside a message', () => {
  it('a request cut after its header keeps api key, version and correlation id and still pairs its response', () => {
    const steps: Step[] = [data('c2s', head(FETCH4_REQ, 14)), hole('c2s', len(FETCH4_REQ) - 14), data('s2c', FETCH4_RESP)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Fetch complete', 'Fetch trips complete'], 'the topic is in the missing part of the request, and in the response');
    const [fetch, deliver] = s.calls;
    assert.equal(fetch.kind, 'unary');
    assert.equal(fetch.fields['kafka.api_key'], 1);
    assert.equal(fetch.fields['kafka.api_version'], 4);
    assert.equal(fetch.fields['kafka.correlation_id'], 4);
    assert.deepEqual(fetch.warnings, ['request cut by a capture gap: 14 of 65 bytes captured, 51 missing']);
    assert.equal(deliver.kind, 'deliver');
    assert.equal(deliver.fields['msg.key'], 'kafka|trips|0|40');
    assert.deepEqual(s.warnings, []);
  });

  it('a response cut after its correlation id completes its request, with what is missing named; the next message is read whole', () => {
    const steps: Step[] = [
      data('c2s', PROD9_REQ),
      data('s2c', head(PROD9_RESP, 14)),
      hole('s2c', len(PROD9_RESP) - 14),
      data('c2s', AV_REQ.replace('00000001', '00000005')), // ApiVersions, correlation id 5
      data('s2c', AV_RESP.replace('00000001', '00000005')),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Produce trips complete', 'ApiVersions complete']);
    const p = s.calls[0];
    assert.equal(p.kind, 'publish');
    assert.ok(p.warnings.includes('response cut by a capture gap: 14 of 57 bytes captured, 43 missing'));
    assert.equal(p.fields['msg.key'], undefined, 'the base offset was not captured');
    assert.equal(s.calls[1].status?.ok, true);
    assert.deepEqual(s.calls[1].warnings, []);
  });

  it('a gap longer than a message tail keeps counting against it (several gaps in one message)', () => {
    const n = len(FETCH4_REQ);
    const steps: Step[] = [data('c2s', head(FETCH4_REQ, 14)), hole('c2s', 20), data('c2s', FETCH4_REQ.slice(68, 88)), hole('c2s', n - 44), data('s2c', FETCH4_RESP)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['Fetch complete', 'Fetch trips complete']);
    assert.deepEqual(s.warnings, []);
  });
});

describe('Kafka protocol guide, request header (api key, version, correlation id): a gap over a boundary', () => {
  it('resynchronises on the next plausible request; the response of the lost request is not paired with anything', () => {
    const steps: Step[] = [
      data('c2s', head(AV_REQ, 14)),
      hole('c2s', len(AV_REQ) - 14 + len(PROD9_REQ)), // the rest of ApiVersions and the whole Produce
      data('c2s', FETCH4_REQ),
      data('s2c', AV_RESP),
      data('s2c', PROD9_RESP),
      data('s2c', FETCH4_RESP),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['ApiVersions complete', 'response complete', 'Fetch trips complete', 'Fetch trips complete']);
    assert.match(s.calls[1].warnings[0], /response to correlation id 2, whose request was not captured/);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /past the end of the message they cut; decoding resumes at the next plausible request header/);
    assertGapSplitInvariant(create, steps);
  });

  it('finds the next request inside a segment that starts in the middle of a message', () => {
    const steps: Step[] = [
      data('c2s', AV_REQ),
      hole('c2s', 30), // the head of the Produce
      data('c2s', tail(PROD9_REQ, 30) + FETCH4_REQ),
      data('s2c', AV_RESP),
      data('s2c', FETCH4_RESP),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['ApiVersions complete', 'Fetch trips complete', 'Fetch trips complete']);
    assertGapSplitInvariant(create, steps);
  });

  it('a request whose response fell into a gap is incomplete, not aborted, even when the connection closed', () => {
    const s = feed(create, [data('c2s', FETCH4_REQ), hole('s2c', 500)]);
    assert.deepEqual(brief(s), ['Fetch trips incomplete']);
    assert.match(s.calls[0].warnings.join(), /no response in the capture/);
  });

  it('a request cut before its correlation id is listed, incomplete, and pairs with nothing', () => {
    const s = feed(create, [data('c2s', head(FETCH4_REQ, 8)), hole('c2s', len(FETCH4_REQ) - 8), data('c2s', AV_REQ), data('s2c', AV_RESP)]);
    assert.deepEqual(brief(s), ['Fetch incomplete', 'ApiVersions complete']);
    assert.match(s.calls[0].warnings.join(), /correlation id not captured/);
  });
});

describe('Kafka under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  const packets = [pkt('c2s', AV_REQ), pkt('s2c', AV_RESP), pkt('c2s', PROD9_REQ), pkt('s2c', PROD9_RESP), pkt('c2s', FETCH4_REQ), pkt('s2c', FETCH4_RESP)];
  it('every request is named and paired with its response by correlation id', () => {
    const s = feed(create, snaplen(packets, 14));
    assert.deepEqual(brief(s), ['ApiVersions complete', 'Produce complete', 'Fetch complete']);
    assert.deepEqual(
      s.calls.map((c) => c.fields['kafka.correlation_id']),
      [1, 2, 4],
    );
    for (const c of s.calls) assert.equal(c.warnings.length, 2, `${c.method}: request and response cut`);
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, snaplen(packets, 14));
  });
  it('a larger snaplen keeps more of each message (Produce topic, ApiVersions status)', () => {
    const s = feed(create, snaplen(packets, 40));
    assert.deepEqual(brief(s), ['ApiVersions complete', 'Produce trips complete', 'Fetch complete']);
    assert.equal(s.calls[0].status?.ok, true);
  });
});
