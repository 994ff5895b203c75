import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, probeKafka } from '../../../decoders/kafka/index';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant, fuzz, type Script } from '../calls/harness';
import { testSession } from '../../helpers/session';
import type { StreamDecoder } from '../../../decoders/core/decoder';

// ApiVersions v3 (flexible request header v2; response header v0 + flexible body)
const AV_REQ = '0000001e00120003000000010003636c69000b6c696272646b61666b6104322e3000';
const AV_RESP = '0000001a000000010000030000000000090000010000000d000000000000';
// ApiVersions v3 answered with UNSUPPORTED_VERSION in a v0 body
const AV_UNSUP = '0000001000000001002300000001001200000002';
// The same answered by librdkafka 2.0's mock broker (samples/kafka-basics, frame 6): a v3 count (01) before
// a v0 entry (ApiVersions 0..2) and a throttle time, no tagged fields: neither layout reads it to its end
const AV_UNSUP_MOCK = '00000011000000010023010012000000020000000000';
// Produce v9 (flexible), topic 'trips' partition 0, one uncompressed batch of two records (keys, a header)
const PROD9_REQ =
  '000000a900000009000000020003636c690000ffff0000753002067472697073020000000084010000000000000000000000770000000002000000000000000000010000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000002500000000c747269702d31207b22747269704964223a22742d31227d020c736f757263650874726970380000020c747269702d32207b22747269704964223a22742d32227d00000000';
// Produce v9 response: base offset 40
const PROD9_RESP = '00000035000000020002067472697073020000000000000000000000000028ffffffffffffffff000000000000000001000000000000000000';
// Produce v3, gzip batch, partition 1, answered with NOT_LEADER_OR_FOLLOWER (6)
const PROD3_GZ_REQ =
  '000000ae00000003000000030003636c69ffff0001000003e800000001000574726970730000000100000001000000820000000000000002000000760000000002000000000001000000010000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff000000021f8b08000000000002030b606060e02929ca2cd03554a85602313c5394ac944a740d956a99788af34b8b92533940c2160c0c4c108546a80a8d946a1900d30352e546000000';
const PROD3_RESP = '0000002d00000003000000010005747269707300000001000000010006ffffffffffffffffffffffffffffffff00000000';
// Fetch v4 of 'trips' partition 0 from offset 40: one batch at base offset 40
const FETCH4_REQ = '0000003d00010004000000040003636c69ffffffff000001f400000001001000000000000001000574726970730000000100000000000000000000002800100000';
const FETCH4_RESP =
  '000000b80000000400000000000000010005747269707300000001000000000000000000000000002a000000000000002affffffff000000830000000000000028000000770000000002000000000000000000010000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff00000002500000000c747269702d31207b22747269704964223a22742d31227d020c736f757263650874726970380000020c747269702d32207b22747269704964223a22742d32227d00';

describe('Kafka protocol guide: request header and probe', () => {
  it('accepts plausible request headers and rejects other bytes', () => {
    assert.equal(probeKafka(fromHex(AV_REQ)), 'accept');
    assert.equal(probeKafka(fromHex('0000001e0012')), 'need-more');
    assert.equal(probeKafka(fromHex('474554202f20485454502f312e310d0a')), 'reject');
    assert.equal(probeKafka(fromHex('0000001e00ff0003000000010003636c69')), 'reject');
  });
  it('probes only what the client sends (a Kafka server never speaks first)', () => {
    // An HTTP/2 server's first SETTINGS frame (RFC 9113 §6.5: length 18, type 4, flags 0, stream 0,
    // then SETTINGS_MAX_CONCURRENT_STREAMS 100 …) reads as a Produce v0 request header with a 0-byte
    // client id; its body then fails Produce v0's schema (a topic count of 6.5 million), and the
    // server's side is not probed at all.
    const h2Settings = '000012040000000000000300000064000400010000000500004000';
    assert.equal(probeKafka(fromHex(h2Settings.slice(0, 28))), 'accept');
    assert.equal(probeKafka(fromHex(h2Settings)), 'reject');
    assert.equal(spec.probe!(fromHex(h2Settings), 's2c'), 'reject');
    assert.equal(spec.probe!(fromHex(AV_REQ), 'c2s'), 'accept');
  });
});

describe('Kafka ApiVersions (KIP-511, flexible v3; response header v0)', () => {
  it('decodes the flexible request and its response', () => {
    const { calls } = run(spec, [['c2s', AV_REQ], ['s2c', AV_RESP]]);
    const c = calls[0];
    assert.equal(c.method, 'ApiVersions');
    assert.equal((c.request!.value as Record<string, unknown>).client_software_name, 'librdkafka');
    const keys = (c.response!.value as Record<string, unknown[]>).api_keys;
    assert.deepEqual(keys[1], { api_key: 1, min_version: 0, max_version: 13 });
    assert.equal(c.status?.ok, true);
    assert.deepEqual(c.warnings, []);
  });
  it('shows UNSUPPORTED_VERSION answered in v0', () => {
    const { calls } = run(spec, [['c2s', AV_REQ], ['s2c', AV_UNSUP]]);
    assert.equal(calls[0].status?.code, 35);
    assert.equal(calls[0].status?.text, 'UNSUPPORTED_VERSION');
    assert.deepEqual(calls[0].warnings, []);
    assert.deepEqual(calls[0].response?.value, { error_code: 35, api_keys: [{ api_key: 18, min_version: 0, max_version: 2 }] });
  });
  it('a body that neither v0 nor the requested version reads to its end shows the error alone (no made-up throttle time)', () => {
    const { calls } = run(spec, [['c2s', AV_REQ], ['s2c', AV_UNSUP_MOCK]]);
    assert.equal(calls[0].status?.code, 35);
    assert.deepEqual(calls[0].response?.value, { error_code: 35 });
    assert.deepEqual(calls[0].warnings, []);
  });
});

describe('Kafka Produce and record batches (magic 2)', () => {
  it('Produce v9 (flexible) is a publish per partition, keyed by the base offset of the response', () => {
    const { calls } = run(spec, [['c2s', PROD9_REQ], ['s2c', PROD9_RESP]]);
    assert.equal(calls.length, 1);
    const p = calls[0];
    assert.equal(p.kind, 'publish');
    assert.equal(p.target, 'trips');
    assert.equal(p.fields['kafka.partition'], 0);
    assert.equal(p.fields['kafka.offset'], 40);
    assert.equal(p.fields['msg.key'], 'kafka|trips|0|40');
    const batch = (p.request!.value as { batches: Array<{ records: Array<Record<string, unknown>> }> }).batches[0];
    assert.equal(batch.records.length, 2);
    assert.equal(batch.records[0].key, 'trip-1');
    assert.deepEqual(batch.records[0].headers, [['source', 'trip']]);
    assert.deepEqual((batch.records[1].value as Record<string, unknown>).value, { tripId: 't-2' });
  });
  it('gzip batches are decompressed; partition errors are named', () => {
    const { calls } = run(spec, [['c2s', PROD3_GZ_REQ], ['s2c', PROD3_RESP]]);
    const p = calls[0];
    assert.equal(p.fields['kafka.compression'], 'gzip');
    assert.equal(p.fields['kafka.record_count'], 2);
    assert.equal(p.status?.text, 'NOT_LEADER_OR_FOLLOWER');
    assert.equal(p.fields['msg.key'], undefined);
  });
});

describe('Kafka Fetch', () => {
  it('yields a unary Fetch and one delivery per record batch', () => {
    const { calls } = run(spec, [['c2s', FETCH4_REQ], ['s2c', FETCH4_RESP]]);
    assert.deepEqual(calls.map((c) => c.kind), ['unary', 'deliver']);
    assert.equal(calls[1].fields['msg.key'], 'kafka|trips|0|40');
    assert.equal(calls[1].parentId, calls[0].id);
  });
});

// kafkajs 2.2.4 Produce v7 with acks=0 (topic 'orders' partition 1, one record 'fire-and-forget'),
// and the response librdkafka's mock broker sends to it anyway (a real broker sends none).
const PROD7_ACKS0_REQ =
  '0000008c0000000700000007000f68656c646f75742d6b61666b616a73ffff0000000075300000000100066f72646572730000000100000001000000530000000000000000000000470000000002be68d8d1000000000000000001a20048d458000001a20048d458ffffffffffffffff000000000000000000012a000000011e666972652d616e642d666f7267657400';
const PROD7_ACKS0_RESP = '00000036000000070000000100066f726465727300000001000000010000000000000000000200000000000004d2000000000000000000000000';
// kafkajs 2.2.4 Fetch v11: topics listed once per partition group ('orders', 'big', 'orders', 'big', 'orders', 'big').
const FETCH11_REQ =
  '0000015b0001000b00000000000f68656c646f75742d6b61666b616a73ffffffff000013880000000100a000000100000000ffffffff0000000600066f72646572730000000200000001ffffffff0000000000000000ffffffffffffffff0010000000000003ffffffff0000000000000000ffffffffffffffff0010000000036269670000000200000002ffffffff0000000000000000ffffffffffffffff0010000000000001ffffffff0000000000000000ffffffffffffffff0010000000066f72646572730000000100000002ffffffff0000000000000000ffffffffffffffff0010000000036269670000000100000003ffffffff0000000000000000ffffffffffffffff0010000000066f72646572730000000100000000ffffffff0000000000000000ffffffffffffffff0010000000036269670000000100000000ffffffff0000000000000000ffffffffffffffff00100000000000000000';

describe('Kafka protocol guide: Produce with acks=0 ("the server will not send any response")', () => {
  it('the publish is complete when sent; a response a broker sends anyway is named as such', () => {
    const { calls } = run(spec, [['c2s', PROD7_ACKS0_REQ], ['s2c', PROD7_ACKS0_RESP]]);
    assert.equal(calls[0].kind, 'publish');
    assert.equal(calls[0].status?.code, 'sent');
    assert.equal(calls[1].method, 'Produce response');
    assert.match(calls[1].warnings[0], /acks=0 Produce \(correlation id 7\)/);
  });
});

describe('Kafka Fetch v11 (kafkajs)', () => {
  it('names each topic once in the target, however often the request lists it', () => {
    const { calls } = run(spec, [['c2s', FETCH11_REQ]]);
    assert.equal(calls[0].target, 'orders, big');
  });
});

describe('Kafka connection end (TCP FIN/RST)', () => {
  it('a request left unanswered because the connection ended is aborted, not incomplete', () => {
    const fin = run(spec, [['c2s', FETCH4_REQ]], undefined, undefined, 'fin').calls[0];
    assert.equal(fin.state, 'aborted');
    assert.match(fin.warnings[0], /closed \(TCP FIN both ways\)/);
    const end = run(spec, [['c2s', FETCH4_REQ]]).calls[0];
    assert.equal(end.state, 'incomplete');
  });
});

describe('Kafka split invariance and robustness', () => {
  const scripts: Script[] = [
    [['c2s', AV_REQ], ['s2c', AV_RESP], ['c2s', PROD9_REQ], ['s2c', PROD9_RESP]],
    [['c2s', PROD3_GZ_REQ + FETCH4_REQ], ['s2c', PROD3_RESP + FETCH4_RESP]],
    [['c2s', PROD7_ACKS0_REQ], ['s2c', PROD7_ACKS0_RESP]],
  ];
  it('gives identical calls whatever the split', () => {
    for (const s of scripts) assertSplitInvariant(spec, s);
  });
  it('never throws on mutated input', () => {
    fuzz(spec, scripts, 300);
  });
  it('a direction lost to a gap says so once, not at every later gap (editcap -s 80 of kafkajs traffic)', () => {
    const session = testSession({ flow: { server: { ip: '127.0.0.1', port: 9092 } } });
    const dec = spec.create(session) as StreamDecoder;
    const at = (frame: number) => ({ frame, tsUs: frame * 1000, streamOffset: 0 });
    dec.data('c2s', fromHex(FETCH4_REQ).subarray(0, 14), at(1));
    for (let f = 2; f < 6; f++) dec.gap('c2s', 50, at(f));
    assert.equal(session.warnings.filter((w) => w.includes('missing')).length, 1);
  });
  it('a frame-size lie is bounded', () => {
    const { session } = run(spec, [['c2s', '7fffffff0000']]);
    assert.ok(session.warnings.some((w) => w.includes('implausible')));
  });
});
