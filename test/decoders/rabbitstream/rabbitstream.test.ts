/**
 * The RabbitMQ stream protocol (rabbitmq-server deps/rabbitmq_stream/docs/PROTOCOL.adoc), section by
 * section. Fixtures marked "real" are frames RabbitMQ 3.10.8 (Debian, rabbitmq_stream plugin) and the
 * npm rabbitmq-stream-js-client 1.0.0 exchanged (samples/rabbitmq-stream); the others are built here
 * from the spec's layouts, for what that pair never sends (PublishError, Publish and Deliver v2,
 * ConsumerUpdate, CreditResponse, StreamStats, Route, Partitions, Heartbeat…).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { probeRabbitStream, spec } from '../../../decoders/rabbitstream/index';
import { toHex } from '../../../decoders/core/bytes';
import { messageKey } from '../../../decoders/calls/key';

import { assertSplitInvariant, fuzz, run } from '../calls/harness';

// --- builders for the spec's types (big-endian; string = int16 length; bytes = int32 length; arrays = int32 count)
const u8 = (n: number) => n.toString(16).padStart(2, '0');
const u16 = (n: number) => n.toString(16).padStart(4, '0');
const u32 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const u64 = (n: number | bigint) => BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0');
const str = (s: string) => u16(new TextEncoder().encode(s).length) + toHex(new TextEncoder().encode(s));
const bytes = (hex: string) => u32(hex.length / 2) + hex;
const frame = (hex: string) => u32(hex.length / 2) + hex;
/** The chunk's data CRC (CRC-32, as osiris computes it with erlang:crc32). */
const crc = (hex: string) => u32(crc32(Buffer.from(hex, 'hex')));

// --- real frames (samples/rabbitmq-stream: RabbitMQ 3.10.8 and rabbitmq-stream-js-client 1.0.0)
const PEER_REQ =
  '00000100001100010000006500000006000770726f64756374000f5261626269744d512053747265616d000776657273696f6e0005302e332e300008706c6174666f726d000a6a6176617363726970740009636f707972696768740024436f707972696768742028632920323032302d3230323420436f6465727335312073726c000b696e666f726d6174696f6e00514c6963656e73656420756e646572207468652041706163686520322e3020616e64204d504c20322e30206c6963656e7365732e205365652068747470733a2f2f7777772e7261626269746d712e636f6d2f000f636f6e6e656374696f6e5f6e616d65001063616c6c73636f70652d73616d706c65';
const PEER_RESP =
  '000000f78011000100000065000100000006000c636c75737465725f6e616d65000c63732d72616262697440766d0009636f707972696768740037436f707972696768742028632920323030372d3230323220564d776172652c20496e632e206f722069747320616666696c69617465732e000b696e666f726d6174696f6e00394c6963656e73656420756e64657220746865204d504c20322e302e20576562736974653a2068747470733a2f2f7261626269746d712e636f6d0008706c6174666f726d001145726c616e672f4f54502032352e322e33000770726f6475637400085261626269744d51000776657273696f6e0006332e31302e38';
const SASL_HS_REQ = '000000080012000100000066';
const SASL_HS_RESP = '0000001f80120001000000660001000000020005504c41494e0008414d51504c41494e';
const SASL_AUTH_REQ = '0000001f00130001000000670005504c41494e0000000c006775657374006775657374';
const SASL_AUTH_RESP = '0000000a80130001000000670001';
const TUNE = '0000000c00140001001000000000003c';
const OPEN_REQ = '0000000b001500010000006800012f';
const OPEN_RESP = '000000418015000100000068000100000002000f616476657274697365645f706f7274000435353532000f616476657274697365645f686f737400093132372e302e302e31';
const CREATE_REQ = '0000002f000d000100000069000572696465730000000100106d61782d6c656e6774682d627974657300083130303030303030';
const CREATE_RESP = '0000000a800d0001000000690001';
const META_REQ = '00000013000f00010000006a0000000100057269646573';
const META_RESP = '00000030800f00010000006a00000001000000093132372e302e302e31000015b000000001000572696465730001000000000000';
const META_MISSING_REQ = '0000001c000f00010000006f00000001000e6e6f2d737563682d73747265616d';
const META_MISSING_RESP = '00000028800f00010000006f0000000000000001000e6e6f2d737563682d73747265616d0002ffff00000000';
const SUB_MISSING_REQ = '00000021000700010000007007000e6e6f2d737563682d73747265616d0001000100000000';
const SUB_MISSING_RESP = '0000000a80070001000000700002';
const QO_NONE_REQ = '00000017000b00010000007100066e6f626f647900057269646573';
const QO_NONE_RESP = '00000012800b00010000007100130000000000000000';
const QPS_REQ = '0000001f000500010000006b000e726964652d7075626c697368657200057269646573';
const QPS_RESP = '00000012800500010000006b00010000000000000000';
const DELETE_REQ = '0000000f000e00010000007200057269646573';
const DELETE_RESP = '0000000a800e0001000000720001';
const METADATA_UPDATE = '0000000d00100001000600057269646573';
const CLOSE_REQ = '0000000c001600010000007300000000';
const CLOSE_RESP = '0000000a80160001000000730001';
const DECL_PUB_REQ = '00000020000100010000006900000e726964652d7075626c697368657200057269646573';
const DECL_PUB_RESP = '0000000a80010001000000690001';
const PUBLISH_TEXT = '00000028000200010000000001000000000000000100000013005375a00e7269646520726571756573746564';
const PUBLISH_PROPS =
  '0000008a000200010000000001000000000000000200000075005373d0000000340000000da107726964652d34324040a10861737369676e656440a106636f72722d37a30a746578742f706c61696e404040404040005374d10000001d00000004a106647269766572a103616461a10573656174737100000003005375a00f6472697665722061737369676e6564';
const PUBLISH_JSON =
  '0000006c000200010000000001000000000000000300000057005373d0000000220000000d404040404040a3106170706c69636174696f6e2f6a736f6e404040404040005375a0287b2272696465223a34322c2266617265223a31322e352c2263757272656e6379223a22455552227d';
const CONFIRM = (id: number, pub = 0) => frame(`00030001${u8(pub)}00000001${u64(id)}`);
const DECL_PUB2_REQ = '00000012000100010000006a01000000057269646573';
const DECL_PUB2_RESP = '0000000a800100010000006a0001';
const PUBLISH_GZIP_BATCH =
  '0000004b00020001010000000100000000000000009000020000002a0000002f1f8b08000000000000036360601064082e5dc0539c9a58a260a85092989d9ac780226804110400b141f0022a000000';
const SUB_REQ = '00000018000700010000006900000572696465730001000100000000';
const SUB_RESP = '0000000a80070001000000690001';
const CREDIT = '0000000700090001000001';
const DELIVER_TEXT = '0000004c00080001005000000100000001000001a205ce752900000000000000010000000000000000cc7a593000000017000000180000000000000013005375a00e7269646520726571756573746564';
const DELIVER_PROPS =
  '000000ae00080001005000000100000001000001a205ce75f500000000000000010000000000000001a18541c900000079000000180000000000000075005373d0000000340000000da107726964652d34324040a10861737369676e656440a106636f72722d37a30a746578742f706c61696e404040404040005374d10000001d00000004a106647269766572a103616461a10573656174737100000003005375a00f6472697665722061737369676e6564';
const DELIVER_GZIP_BATCH =
  '0000006f00080001005000000100000002000001a205ce778a0000000000000001000000000000000378070c990000003a00000000000000009000020000002a0000002f1f8b08000000000000036360601064082e5dc0539c9a58a260a85092989d9ac780226804110400b141f0022a000000';
const STORE_OFFSET = '00000020000a0001000b726964652d726561646572000572696465730000000000000002';
const QO_REQ = '0000001c000b00010000006a000b726964652d72656164657200057269646573';
const QO_RESP = '00000012800b00010000006a00010000000000000002';
const UNSUB_REQ = '00000009000c00010000006b00';
const UNSUB_RESP = '0000000a800c00010000006b0001';

const HANDSHAKE: Array<['c2s' | 's2c', string]> = [
  ['c2s', PEER_REQ],
  ['s2c', PEER_RESP],
  ['c2s', SASL_HS_REQ],
  ['s2c', SASL_HS_RESP],
  ['c2s', SASL_AUTH_REQ],
  ['s2c', SASL_AUTH_RESP],
  ['s2c', TUNE],
  ['c2s', TUNE],
  ['c2s', OPEN_REQ],
  ['s2c', OPEN_RESP],
];
const PUBLISHER: Array<['c2s' | 's2c', string]> = [
  ['c2s', DECL_PUB_REQ],
  ['s2c', DECL_PUB_RESP],
  ['c2s', PUBLISH_TEXT],
  ['s2c', CONFIRM(1)],
  ['c2s', PUBLISH_PROPS],
  ['s2c', CONFIRM(2)],
  ['c2s', PUBLISH_JSON],
  ['s2c', CONFIRM(3)],
  ['c2s', DECL_PUB2_REQ],
  ['s2c', DECL_PUB2_RESP],
  ['c2s', PUBLISH_GZIP_BATCH],
  ['s2c', CONFIRM(0, 1)],
];
const CONSUMER: Array<['c2s' | 's2c', string]> = [
  ['c2s', SUB_REQ],
  ['s2c', SUB_RESP],
  ['s2c', DELIVER_TEXT],
  ['c2s', CREDIT],
  ['s2c', DELIVER_PROPS],
  ['c2s', CREDIT],
  ['s2c', DELIVER_GZIP_BATCH],
  ['c2s', STORE_OFFSET],
  ['c2s', QO_REQ],
  ['s2c', QO_RESP],
  ['c2s', UNSUB_REQ],
  ['s2c', UNSUB_RESP],
];

const calls = (script: Array<['c2s' | 's2c', string]>) => run(spec, script).calls;

describe('PROTOCOL.adoc "Frame Structure": size, key (high bit: response), version, correlation id', () => {
  it('the connection handshake (PeerProperties, SaslHandshake, SaslAuthenticate, Tune, Open) pairs by correlation id', () => {
    const cs = calls(HANDSHAKE);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.state} ${c.status?.code} ${c.status?.text}`),
      ['PeerProperties unary complete 1 OK', 'SaslHandshake unary complete 1 OK', 'SaslAuthenticate unary complete 1 OK', 'Tune unary complete tuned frame max 1048576, heartbeat 60 s', 'Open unary complete 1 OK'],
    );
    const [peer, hs, auth, tune, open] = cs;
    assert.equal(peer.fields['rabbitstream.correlation_id'], 101);
    assert.equal(peer.fields['client.name'], 'callscope-sample');
    assert.equal((peer.response?.value as { properties: Record<string, string> }).properties.version, '3.10.8');
    assert.deepEqual((hs.response?.value as { mechanisms: string[] }).mechanisms, ['PLAIN', 'AMQPLAIN']);
    assert.deepEqual(auth.request?.value, { mechanism: 'PLAIN', sasl_opaque_data: 'user "guest", password (redacted)' });
    assert.ok(!JSON.stringify(auth).includes('"guest\\u0000guest'), 'the password is not shown');
    assert.equal(tune.fields['rabbitstream.dir'], 's2c', 'the server proposes, the client answers');
    assert.deepEqual(tune.request?.value, { frame_max: 1048576, heartbeat: 60 });
    assert.equal(open.target, '/');
    assert.deepEqual((open.response?.value as { properties: unknown }).properties, { advertised_port: '5552', advertised_host: '127.0.0.1' });
    for (const c of cs) assert.deepEqual(c.warnings, []);
  });

  it('split at every byte boundary gives the same calls', () => {
    assertSplitInvariant(spec, HANDSHAKE);
    assertSplitInvariant(spec, PUBLISHER);
    assertSplitInvariant(spec, CONSUMER);
  });

  it('the probe: a client PeerProperties with a sane size (or the server answer), nothing else', () => {
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(PEER_REQ, 'hex')).subarray(0, 16), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(PEER_RESP, 'hex')).subarray(0, 16), 's2c'), 'accept');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(PEER_REQ, 'hex')).subarray(0, 6), 'c2s'), 'need-more');
    // tcpdump -s 80 on loopback keeps 14 payload bytes: enough (else Kafka's probe would take it as a SaslHandshake v1)
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(PEER_REQ, 'hex')).subarray(0, 14), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(PEER_REQ, 'hex')).subarray(0, 12), 'c2s'), 'accept');
    // a Kafka SaslHandshake v1 (api key 17, version 1): a client id, or an empty one and the mechanism, follow
    const kafkaSasl = (clientId: string) => Uint8Array.from(Buffer.from(frame(`00110001${u32(1)}${str(clientId)}${str('PLAIN')}`), 'hex'));
    assert.equal(probeRabbitStream(kafkaSasl('rdkafka'), 'c2s'), 'reject');
    assert.equal(probeRabbitStream(kafkaSasl(''), 'c2s'), 'reject');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from(frame(`00150001${u32(1)}${str('/')}00`), 'hex')), 'c2s'), 'reject', 'an Open with a byte too many');
    assert.equal(probeRabbitStream(new TextEncoder().encode('GET / HTTP/1.1\r\n'), 'c2s'), 'reject');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from('7fffffff00110001000000650000000100', 'hex')), 'c2s'), 'reject', 'a 2 GiB frame');
    assert.equal(probeRabbitStream(Uint8Array.from(Buffer.from('0000001000110001000000657fffffff', 'hex')), 'c2s'), 'reject', 'an implausible property count');
  });
});

describe('a capture that starts inside a connection: the probe on the frames such traffic is made of', () => {
  const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
  it('a Deliver, a Publish, a PublishConfirm, a Credit, a Heartbeat, a request that reads exactly, a bare response', () => {
    assert.equal(probeRabbitStream(hex(DELIVER_TEXT), 's2c'), 'accept');
    assert.equal(probeRabbitStream(hex(PUBLISH_PROPS), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(hex(CONFIRM(2)), 's2c'), 'accept');
    assert.equal(probeRabbitStream(hex(CREDIT), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(hex(frame('00170001')), 's2c'), 'accept');
    assert.equal(probeRabbitStream(hex(META_REQ), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(hex(QO_REQ), 'c2s'), 'accept');
    assert.equal(probeRabbitStream(hex(DELETE_RESP), 's2c'), 'accept');
    assert.equal(probeRabbitStream(hex(META_REQ).subarray(0, 20), 'c2s'), 'need-more');
  });

  it('Kafka requests with the same keys do not read as stream requests', () => {
    // DescribeGroups v1 (api key 15), Metadata-like keys: a client id and arrays that do not end where a stream request would
    const describeGroups = frame(`000f0001${u32(7)}${str('rdkafka')}${u32(1)}${str('group-1')}`);
    const listOffsets = frame(`00020001${u32(3)}${str('cli')}ffffffff${u32(1)}${str('t')}${u32(1)}${u32(0)}${u64(-1)}`);
    assert.equal(probeRabbitStream(hex(describeGroups), 'c2s'), 'reject');
    assert.equal(probeRabbitStream(hex(listOffsets), 'c2s'), 'reject');
    assert.equal(probeRabbitStream(hex('0000001a000000010000030000000000090000010000000d000000000000'), 's2c'), 'reject', 'a Kafka response');
  });

  it('mid-connection frames decode: deliveries from a subscription made before the capture say their stream is unknown', () => {
    const [d] = calls([['s2c', DELIVER_TEXT]]);
    assert.equal(d.kind, 'deliver');
    assert.deepEqual(d.warnings, ['subscription 0 was not made in this capture: its stream is unknown']);
  });
});

describe('PROTOCOL.adoc "Response Codes": by name', () => {
  it('OK, STREAM_DOES_NOT_EXIST (Metadata per stream, Subscribe), NO_OFFSET (QueryOffset)', () => {
    const cs = calls([
      ['c2s', META_MISSING_REQ],
      ['s2c', META_MISSING_RESP],
      ['c2s', SUB_MISSING_REQ],
      ['s2c', SUB_MISSING_RESP],
      ['c2s', QO_NONE_REQ],
      ['s2c', QO_NONE_RESP],
    ]);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.target} ${c.status?.code} ${c.status?.text} ${c.status?.ok}`),
      ['Metadata no-such-stream 2 STREAM_DOES_NOT_EXIST false', 'Subscribe no-such-stream 2 STREAM_DOES_NOT_EXIST false', 'QueryOffset rides 19 NO_OFFSET false'],
    );
    assert.equal(cs[1].fields['rabbitstream.subscription_id'], 7);
    assert.equal(cs[1].fields['rabbitstream.response_code'], 2);
  });

  it('every code of the table has its name; an unknown one says its number', () => {
    const names = ['OK', 'STREAM_DOES_NOT_EXIST', 'SUBSCRIPTION_ID_ALREADY_EXISTS', 'SUBSCRIPTION_ID_DOES_NOT_EXIST', 'STREAM_ALREADY_EXISTS', 'STREAM_NOT_AVAILABLE', 'SASL_MECHANISM_NOT_SUPPORTED', 'AUTHENTICATION_FAILURE', 'SASL_ERROR', 'SASL_CHALLENGE', 'SASL_AUTHENTICATION_FAILURE_LOOPBACK', 'VIRTUAL_HOST_ACCESS_FAILURE', 'UNKNOWN_FRAME', 'FRAME_TOO_LARGE', 'INTERNAL_ERROR', 'ACCESS_REFUSED', 'PRECONDITION_FAILED', 'PUBLISHER_DOES_NOT_EXIST', 'NO_OFFSET'];
    const script: Array<['c2s' | 's2c', string]> = [];
    for (let code = 1; code <= 20; code++) {
      script.push(['c2s', frame(`000e0001${u32(code)}${str('s')}`)]);
      script.push(['s2c', frame(`800e0001${u32(code)}${u16(code)}`)]);
    }
    const cs = calls(script);
    assert.deepEqual(cs.map((c) => c.status?.text), [...names, 'code 20']);
    assert.deepEqual(cs.filter((c) => c.status?.ok).map((c) => c.status?.code), [1, 10], 'OK, and a SASL challenge');
  });
});

describe('PROTOCOL.adoc "Create", "Delete", "Metadata", "MetadataUpdate", "QueryPublisherSequence", "Close"', () => {
  it('real frames: arguments, brokers and stream metadata, the sequence, the stream deleted', () => {
    const cs = calls([
      ['c2s', CREATE_REQ],
      ['s2c', CREATE_RESP],
      ['c2s', META_REQ],
      ['s2c', META_RESP],
      ['c2s', QPS_REQ],
      ['s2c', QPS_RESP],
      ['c2s', DELETE_REQ],
      ['s2c', DELETE_RESP],
      ['s2c', METADATA_UPDATE],
      ['c2s', CLOSE_REQ],
      ['s2c', CLOSE_RESP],
    ]);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.target} ${c.status?.text}`),
      ['Create unary rides OK', 'Metadata unary rides OK', 'QueryPublisherSequence unary rides OK', 'Delete unary rides OK', 'MetadataUpdate event rides STREAM_NOT_AVAILABLE', 'Close unary undefined OK'],
    );
    assert.deepEqual(cs[0].request?.value, { stream: 'rides', arguments: { 'max-length-bytes': '10000000' } });
    assert.deepEqual(cs[1].response?.value, {
      brokers: [{ reference: 0, host: '127.0.0.1', port: 5552 }],
      streams: [{ stream: 'rides', response_code: 1, code: 'OK', leader: 0, replicas: [] }],
    });
    assert.deepEqual(cs[2].response?.value, { response_code: 1, sequence: 0 });
    assert.equal(cs[2].fields['rabbitstream.publisher_reference'], 'ride-publisher');
    assert.equal(cs[4].status?.ok, true, 'news about a stream, not a failure');
    assert.equal(cs[4].fields['rabbitstream.dir'], 's2c');
    assert.deepEqual(cs[5].request?.value, { closing_code: 0, closing_reason: '' });
  });

  it('a Close from the server (it may start one) is answered by the client', () => {
    const cs = calls([
      ['s2c', frame(`00160001${u32(1)}${u16(13)}${str('unknown frame')}`)],
      ['c2s', frame(`80160001${u32(1)}${u16(1)}`)],
    ]);
    assert.equal(cs.length, 1);
    assert.equal(cs[0].method, 'Close');
    assert.equal(cs[0].fields['rabbitstream.dir'], 's2c');
    assert.equal(cs[0].state, 'complete');
    assert.deepEqual(cs[0].request?.value, { closing_code: 13, closing_reason: 'unknown frame' });
  });
});

describe('PROTOCOL.adoc "DeclarePublisher", "Publish", "PublishConfirm", "PublishError"', () => {
  it('real frames: one publish per publishing id, to the declared stream, confirmed; AMQP 1.0 sections read', () => {
    const cs = calls(PUBLISHER);
    const pubs = cs.filter((c) => c.kind === 'publish');
    assert.equal(pubs.length, 4);
    for (const p of pubs) {
      assert.equal(p.target, 'rides');
      assert.equal(p.state, 'complete');
      assert.deepEqual(p.status, { code: 'confirmed', text: 'PublishConfirm', ok: true });
      assert.deepEqual(p.warnings, []);
      assert.match(String(p.fields['msg.key']), /^rabbitstream\|rides\|\d+\|[0-9a-f]{8}$/);
    }
    assert.deepEqual(pubs.map((p) => p.fields['rabbitstream.publishing_id']), [1, 2, 3, 0]);
    assert.deepEqual(pubs.map((p) => p.fields['rabbitstream.publisher_id']), [0, 0, 0, 1]);
    assert.equal(pubs[0].request?.body?.text, 'ride requested');
    // message with properties and application properties
    const v = pubs[1].request?.value as { publishing_id: number; message: Record<string, unknown> };
    assert.deepEqual(v.message.properties, { 'message-id': 'ride-42', subject: 'assigned', 'correlation-id': 'corr-7', 'content-type': 'text/plain' });
    assert.deepEqual(v.message['application-properties'], { driver: 'ada', seats: 3 });
    assert.deepEqual(pubs[1].request?.headers, [['driver', 'ada'], ['seats', '3']]);
    assert.equal(pubs[1].fields['rabbitstream.message_id'], 'ride-42');
    assert.equal(pubs[1].fields['msg.correlation_id'], 'corr-7');
    // JSON by content type
    assert.equal(pubs[2].request?.body?.kind, 'json');
    assert.deepEqual((pubs[2].request?.value as { message: { body: unknown } }).message.body, { ride: 42, fare: 12.5, currency: 'EUR' });
  });

  it('a gzip sub-batch entry (osiris "SubBatchEntry"): one publish, its messages read', () => {
    const p = calls(PUBLISHER).find((c) => c.fields['rabbitstream.publisher_id'] === 1 && c.kind === 'publish')!;
    assert.deepEqual(p.request?.value, {
      publishing_id: 0,
      sub_batch: { compression: 'gzip', records: 2, uncompressed_size: 42, size: 47 },
      messages: [{ body: 'seat 1 taken' }, { body: 'seat 2 taken' }],
    });
    assert.equal(p.fields['rabbitstream.compression'], 'gzip');
  });

  it('PublishError fails its publish with the code by name; several messages in one Publish', () => {
    const pub = frame(`00020001${u8(3)}${u32(2)}${u64(10)}${bytes('005375a0026869')}${u64(11)}${bytes('005375a0026f6b')}`);
    const cs = calls([
      ['c2s', frame(`00010001${u32(5)}${u8(3)}${u16(0xffff)}${str('s1')}`)],
      ['s2c', frame(`80010001${u32(5)}${u16(1)}`)],
      ['c2s', pub],
      ['s2c', frame(`00040001${u8(3)}${u32(1)}${u64(10)}${u16(0x12)}`)],
      ['s2c', frame(`00030001${u8(3)}${u32(1)}${u64(11)}`)],
    ]);
    const pubs = cs.filter((c) => c.kind === 'publish');
    assert.deepEqual(pubs.map((p) => `${p.target} ${p.fields['rabbitstream.publishing_id']} ${p.status?.code} ${p.status?.text} ${p.status?.ok}`), ['s1 10 18 PUBLISHER_DOES_NOT_EXIST false', 's1 11 confirmed PublishConfirm true']);
    assert.equal(pubs[0].request?.body?.text, 'hi');
    assert.equal(pubs[1].request?.body?.text, 'ok');
    assert.equal(cs[0].fields['rabbitstream.publisher_reference'], undefined, 'a null reference');
  });

  it('deduplication: with a publisher reference, a publishing id not above the last one is named a duplicate', () => {
    // rabbitmq-stream-js-client 1.0.0's sendSubEntries reuses the last publishing id: RabbitMQ confirms it, stores nothing.
    const cs = calls([
      ['c2s', DECL_PUB_REQ],
      ['c2s', PUBLISH_TEXT],
      ['c2s', frame(`00020001${u8(0)}${u32(1)}${u64(1)}${bytes('005375a0026869')}`)],
    ]);
    const [first, dup] = cs.filter((c) => c.kind === 'publish');
    assert.deepEqual(first.warnings, ['no PublishConfirm before the end of the capture']);
    assert.equal(dup.warnings[0], 'publishing id 1 is not above 1 (publisher reference "ride-publisher"): the broker confirms it as a duplicate and does not store it');
  });

  it('messages of one Publish keep their own facts (the second does not inherit the first one\'s message id)', () => {
    const propsMsg = PUBLISH_PROPS.slice(2 * (4 + 2 + 2 + 1 + 4 + 8 + 4));
    const cs = calls([
      ['c2s', DECL_PUB_REQ],
      ['c2s', frame(`00020001${u8(0)}${u32(2)}${u64(5)}${bytes(propsMsg)}${u64(6)}${bytes('005375a0026869')}`)],
    ]);
    const [a, b] = cs.filter((c) => c.kind === 'publish');
    assert.equal(a.fields['rabbitstream.message_id'], 'ride-42');
    assert.equal(b.fields['rabbitstream.message_id'], undefined);
    assert.equal(b.fields['msg.correlation_id'], undefined);
    assert.notEqual(a.fields['msg.key'], b.fields['msg.key']);
  });

  it('Publish v2: a filter value per message', () => {
    const cs = calls([
      ['c2s', frame(`00010001${u32(5)}${u8(0)}${str('')}${str('s')}`)],
      ['c2s', frame(`00020002${u8(0)}${u32(1)}${u64(1)}${str('eu')}${bytes('005375a0026869')}`)],
    ]);
    const p = cs.find((c) => c.kind === 'publish')!;
    assert.equal(p.fields['rabbitstream.filter_value'], 'eu');
    assert.deepEqual(p.request?.value, { publishing_id: 1, filter_value: 'eu', message: {} });
    assert.equal(p.state, 'incomplete', 'no confirm in the capture');
  });

  it('a raw payload (not AMQP 1.0) is a plain body; a publisher declared before the capture is said so', () => {
    const cs = calls([['c2s', frame(`00020001${u8(9)}${u32(1)}${u64(1)}${bytes(toHex(new TextEncoder().encode('{"a":1}')))}`)]]);
    assert.equal(cs[0].request?.body?.kind, 'json');
    assert.deepEqual(cs[0].warnings.slice(0, 1), ['publisher 9 was not declared in this capture: its stream is unknown']);
  });
});

describe('PROTOCOL.adoc "Subscribe", "Deliver" (the Osiris chunk), "Credit", "StoreOffset", "QueryOffset", "Unsubscribe"', () => {
  it('real frames: one delivery per chunk entry, with its offset, from the subscribed stream', () => {
    const cs = calls(CONSUMER);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.target} ${c.status?.code}`),
      ['Subscribe unary rides 1', 'Deliver deliver rides delivered', 'Deliver deliver rides delivered', 'Deliver deliver rides delivered', 'StoreOffset oneway rides sent', 'QueryOffset unary rides 1', 'Unsubscribe unary rides 1'],
      'Credit makes no call',
    );
    assert.deepEqual(cs[0].request?.value, { subscription_id: 0, stream: 'rides', offset_specification: { type: 'first' }, credit: 1, properties: {} });
    const [d0, d1, d2] = cs.slice(1, 4);
    assert.deepEqual(
      [d0, d1, d2].map((d) => d.fields['rabbitstream.offset']),
      [0, 1, 3],
    );
    assert.deepEqual((d0.response?.value as { chunk: unknown }).chunk, { first_offset: 0, type: 'user', timestamp: 1795393746217, epoch: 1, entries: 1, records: 1 });
    assert.equal(d0.response?.body?.text, 'ride requested');
    assert.deepEqual(((d1.response?.value as { message: Record<string, unknown> }).message)['application-properties'], { driver: 'ada', seats: 3 });
    assert.deepEqual((d2.response?.value as { messages: unknown[] }).messages, [{ body: 'seat 1 taken' }, { body: 'seat 2 taken' }]);
    assert.deepEqual(cs[4].request?.value, { reference: 'ride-reader', stream: 'rides', offset: 2 });
    assert.deepEqual(cs[5].response?.value, { response_code: 1, offset: 2 });
    for (const c of cs) assert.deepEqual(c.warnings, []);
  });

  it('a publish and its delivery share msg.key (the entry bytes are stored unchanged)', () => {
    const pubs = calls(PUBLISHER).filter((c) => c.kind === 'publish');
    const dels = calls(CONSUMER).filter((c) => c.kind === 'deliver');
    assert.deepEqual(
      dels.map((d) => d.fields['msg.key']),
      [pubs[0], pubs[1], pubs[3]].map((p) => p.fields['msg.key']),
    );
  });

  it('a message published over AMQP 0-9-1 into a stream queue (real: amqplib, RabbitMQ 3.10.8) is keyed as its AMQP publish', () => {
    // The broker stored it as AMQP 1.0: message annotations x-routing-key/x-exchange, properties, headers as application properties.
    const deliver =
      '000000bd00080001005000000100000001000001a205dde472000000000000000100000000000000000172328f000000880000002b0000000000000084005372c12504a30d782d726f7574696e672d6b6579a1056d69786564a30a782d65786368616e6765a100005373c0230da1036d2d314040404040a3106170706c69636174696f6e2f6a736f6e404040404040005374c11404a10674656e616e74a10461636d65a1016e5107005375a0147b22766961223a22616d717020302d392d31227d';
    const cs = calls([
      ['c2s', frame(`00070001${u32(9)}${u8(0)}${str('mixed')}${u16(1)}${u16(1)}${u32(0)}`)],
      ['s2c', deliver],
    ]);
    const d = cs.find((c) => c.kind === 'deliver')!;
    assert.deepEqual(d.warnings, []);
    const m = (d.response?.value as { message: Record<string, unknown> }).message;
    assert.deepEqual(m['message-annotations'], { 'x-routing-key': 'mixed', 'x-exchange': '' });
    assert.deepEqual(m['application-properties'], { tenant: 'acme', n: 7 });
    assert.deepEqual(m.body, { via: 'amqp 0-9-1' });
    assert.equal(d.fields['msg.key'], messageKey('amqp', 'mixed', new TextEncoder().encode('{"via":"amqp 0-9-1"}')), 'the amqp decoder keys basic.publish by exchange/routing key and body');
    assert.equal(d.fields['rabbitstream.published_via'], 'amqp');
  });

  it('Deliver v2 (committed chunk id), several simple entries: offsets count records from the chunk id', () => {
    const entries = `${u32(2)}6869${u32(3)}796f75`;
    const chunk = `50${u8(0)}${u16(2)}${u32(2)}${u64(1700000000000)}${u64(3)}${u64(40)}${crc(entries)}${u32(entries.length / 2)}${u32(0)}00000000${entries}`;
    const cs = calls([
      ['c2s', frame(`00070001${u32(9)}${u8(4)}${str('s')}${u16(4)}${u64(40)}${u16(10)}${u32(1)}${str('single-active-consumer')}${str('true')}`)],
      ['s2c', frame(`00080002${u8(4)}${u64(38)}${chunk}`)],
    ]);
    const sub = cs.find((c) => c.method === 'Subscribe')!;
    assert.equal(sub.state, 'incomplete', 'no response in the capture');
    assert.deepEqual(sub.request?.value, { subscription_id: 4, stream: 's', offset_specification: { type: 'offset', offset: 40 }, credit: 10, properties: { 'single-active-consumer': 'true' } });
    const dels = cs.filter((c) => c.kind === 'deliver');
    assert.deepEqual(dels.map((d) => [d.fields['rabbitstream.offset'], d.response?.body?.text]), [[40, 'hi'], [41, 'you']]);
    assert.equal((dels[0].response?.value as { chunk: { committed_chunk_id: number } }).chunk.committed_chunk_id, 38);
  });

  it('a subscription from an offset inside a chunk: the entries before it are marked (the broker sends whole chunks)', () => {
    const entries = `${u32(2)}6869${u32(3)}796f75`;
    const chunk = `50${u8(0)}${u16(2)}${u32(2)}${u64(0)}${u64(1)}${u64(40)}${crc(entries)}${u32(entries.length / 2)}${u32(0)}00000000${entries}`;
    const cs = calls([
      ['c2s', frame(`00070001${u32(9)}${u8(2)}${str('s')}${u16(4)}${u64(41)}${u16(1)}${u32(0)}`)],
      ['s2c', frame(`00080001${u8(2)}${chunk}`)],
    ]);
    const dels = cs.filter((c) => c.kind === 'deliver');
    assert.deepEqual(dels.map((d) => [d.fields['rabbitstream.offset'], d.fields['rabbitstream.before_start']]), [[40, true], [41, undefined]]);
  });

  it('a timestamp offset specification, and the other compressions named, not decoded', () => {
    const sb = `c0${u16(3)}${u32(100)}${u32(4)}deadbeef`; // 1 | zstd (4) << 4
    const chunk = `50${u8(0)}${u16(1)}${u32(3)}${u64(0)}${u64(1)}${u64(7)}${crc(sb)}${u32(sb.length / 2)}${u32(0)}00000000${sb}`;
    const cs = calls([
      ['c2s', frame(`00070001${u32(9)}${u8(1)}${str('s')}${u16(5)}${u64(1700000000000)}${u16(1)}${u32(0)}`)],
      ['s2c', frame(`00080001${u8(1)}${chunk}`)],
    ]);
    assert.deepEqual((cs.find((c) => c.method === 'Subscribe')!.request?.value as { offset_specification: unknown }).offset_specification, { type: 'timestamp', timestamp: 1700000000000 });
    const d = cs.find((c) => c.kind === 'deliver')!;
    assert.equal(d.fields['rabbitstream.compression'], 'zstd');
    assert.deepEqual(d.warnings, ['zstd sub-batch: its messages are not decoded']);
  });

  it('a tracking chunk is one event; a CreditResponse (sent only on failure) is an event with its code', () => {
    const chunk = `50${u8(2)}${u16(0)}${u32(0)}${u64(0)}${u64(1)}${u64(7)}${u32(0)}${u32(0)}${u32(0)}00000000`;
    const cs = calls([
      ['s2c', frame(`00080001${u8(1)}${chunk}`)],
      ['s2c', frame(`80090001${u16(4)}${u8(1)}`)],
    ]);
    assert.deepEqual(cs.map((c) => `${c.method} ${c.kind} ${c.status?.text}`), ['Deliver event tracking snapshot chunk', 'Credit event SUBSCRIPTION_ID_DOES_NOT_EXIST']);
  });
});

describe('PROTOCOL.adoc "Heartbeat", "ConsumerUpdate", "ExchangeCommandVersions", "StreamStats", "Route", "Partitions", super streams', () => {
  it('each becomes its call', () => {
    const cs = calls([
      ['c2s', frame('00170001')],
      ['s2c', frame(`001a0001${u32(1)}${u8(2)}01`)],
      ['c2s', frame(`801a0001${u32(1)}${u16(1)}${u16(4)}${u64(12)}`)],
      ['c2s', frame(`001b0001${u32(2)}${u32(1)}${u16(2)}${u16(1)}${u16(2)}`)],
      ['s2c', frame(`801b0001${u32(2)}${u16(1)}${u32(1)}${u16(8)}${u16(1)}${u16(2)}`)],
      ['c2s', frame(`001c0001${u32(3)}${str('s')}`)],
      ['s2c', frame(`801c0001${u32(3)}${u16(1)}${u32(1)}${str('committed_chunk_id')}${u64(-1)}`)],
      ['c2s', frame(`00180001${u32(4)}${str('eu')}${str('orders')}`)],
      ['s2c', frame(`80180001${u32(4)}${u16(1)}${u32(1)}${str('orders-0')}`)],
      ['c2s', frame(`00190001${u32(5)}${str('orders')}`)],
      ['s2c', frame(`80190001${u32(5)}${u16(1)}${u32(2)}${str('orders-0')}${str('orders-1')}`)],
      ['c2s', frame(`001d0001${u32(6)}${str('orders')}${u32(1)}${str('orders-0')}${u32(1)}${str('0')}${u32(0)}`)],
      ['s2c', frame(`801d0001${u32(6)}${u16(5)}`)],
      ['c2s', frame(`001e0001${u32(7)}${str('orders')}`)],
      ['s2c', frame(`801e0001${u32(7)}${u16(1)}`)],
    ]);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.target ?? ''} ${c.status?.text ?? ''}`),
      [
        'Heartbeat event  ',
        'ConsumerUpdate unary  OK',
        'ExchangeCommandVersions unary  OK',
        'StreamStats unary s OK',
        'Route unary orders OK',
        'Partitions unary orders OK',
        'CreateSuperStream unary orders STREAM_ALREADY_EXISTS',
        'DeleteSuperStream unary orders OK',
      ],
    );
    assert.equal(cs[1].fields['rabbitstream.dir'], 's2c', 'ConsumerUpdate: the server asks');
    assert.deepEqual(cs[1].request?.value, { subscription_id: 2, active: true });
    assert.deepEqual(cs[1].response?.value, { response_code: 1, offset_specification: { type: 'offset', offset: 12 } });
    assert.deepEqual(cs[2].response?.value, { response_code: 1, commands: [{ key: 'Deliver', min_version: 1, max_version: 2 }] });
    assert.deepEqual(cs[3].response?.value, { response_code: 1, stats: { committed_chunk_id: -1 } });
    assert.deepEqual(cs[4].request?.value, { routing_key: 'eu', super_stream: 'orders' });
    assert.deepEqual(cs[5].response?.value, { response_code: 1, streams: ['orders-0', 'orders-1'] });
    assert.deepEqual(cs[6].request?.value, { name: 'orders', partitions: ['orders-0'], binding_keys: ['0'], arguments: {} });
    for (const c of cs) assert.deepEqual(c.warnings, []);
  });
});

describe('truncated and hostile input: warnings, never a throw', () => {
  it('a response to no request, a response of the wrong command', () => {
    const cs = calls([
      ['s2c', CREATE_RESP],
      ['c2s', DELETE_REQ],
      ['s2c', frame(`800d0001${u32(0x72)}${u16(1)}`)],
    ]);
    assert.deepEqual(cs.map((c) => c.warnings[0]), [
      'response to unknown correlation id 105',
      'correlation id 114 belongs to a Delete request',
      'no response before the end of the capture',
    ]);
  });

  it('counts and lengths past the frame are named, not followed', () => {
    const cs = calls([
      ['c2s', frame(`00020001${u8(0)}${u32(0x7fffffff)}`)],
      ['c2s', frame(`000d0001${u32(1)}${str('s')}${u32(3)}`)],
      ['s2c', frame(`800d0001${u32(1)}${u16(1)}`)],
      ['s2c', frame(`00080001${u8(0)}50000005000000050000`)],
    ]);
    assert.match(cs[0].warnings.join(), /implausible count 2147483647/);
    assert.match(cs[1].warnings.join(), /arguments: implausible count 3/);
    assert.match(cs[2].warnings.join(), /chunk header runs past the end of the frame/);
  });

  it('a chunk whose entries overrun its data, and one with more records than its entries hold', () => {
    const entries = `${u32(50)}6869`;
    const chunk = `50${u8(0)}${u16(2)}${u32(2)}${u64(0)}${u64(1)}${u64(0)}${crc(entries)}${u32(entries.length / 2)}${u32(0)}00000000${entries}`;
    const cs = calls([['s2c', frame(`00080001${u8(0)}${chunk}`)]]);
    assert.equal(cs[0].kind, 'event');
    assert.match(cs[0].warnings.join(), /entry 0 of 50 bytes runs past the end of the chunk data/);
  });

  it('a chunk whose data does not match its CRC says so (the real chunks match theirs)', () => {
    const entries = `${u32(2)}6869`;
    const chunk = `50${u8(0)}${u16(1)}${u32(1)}${u64(0)}${u64(1)}${u64(0)}${u32(0xdeadbeef)}${u32(entries.length / 2)}${u32(0)}00000000${entries}`;
    const [d] = calls([['s2c', frame(`00080001${u8(0)}${chunk}`)]]);
    assert.equal(d.response?.body?.text, 'hi');
    assert.deepEqual(d.warnings.slice(0, 1), [`chunk CRC 0xdeadbeef does not match its data (0x${crc(entries)})`]);
  });

  it('an implausible frame size (too large, or too small for a key and version) stops the direction with a flow warning', () => {
    const r = run(spec, [['c2s', 'ffffffff00110001'], ['s2c', frame('0017')], ['s2c', PEER_RESP]]);
    assert.match(r.session.warnings.join(), /frame size 4294967295 is implausible \(c2s\)/);
    assert.match(r.session.warnings.join(), /frame size 2 is implausible \(s2c\)/);
    assert.deepEqual(r.calls, []);
  });

  it('AMQP 1.0 message sections that lie about their sizes: a warning on the publish', () => {
    const cs = calls([['c2s', frame(`00020001${u8(0)}${u32(1)}${u64(1)}${bytes('005375b0ffffff00')}`)]]);
    assert.match(cs[0].warnings.join(), /^message: value runs past the frame/);
  });

  it('mutated and random input never throws', () => {
    fuzz(spec, [HANDSHAKE, PUBLISHER, CONSUMER], 400, 7);
  });
});
