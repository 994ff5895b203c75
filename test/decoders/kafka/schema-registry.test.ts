/**
 * Kafka keys and values framed by a schema registry (Confluent wire format: magic byte 0, a 4-byte
 * big-endian schema id, the payload), decoded with the schemas the capture's registry calls taught.
 * The values are bytes the real serializers wrote in the held-out run (test/heldout/schema-registry):
 * @kafkajs/confluent-schema-registry 3.9 (Avro via avsc, JSON Schema, Protobuf) and Debian's
 * python3-confluent-kafka 1.7 (JSON Schema, Protobuf); the registry exchanges follow the REST
 * calls those clients made.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistrySchemas, decodeFramed, learnRegistryExchange, messageIndexes } from '../../../decoders/kafka/schema-registry';
import { fromHex } from '../../../decoders/core/bytes';
import { buildAvroDefinitions } from '../../../decoders/avro/definitions';
import type { CaptureScope } from '../../../decoders/core/decoder';
import type { Body, Call } from '../../../decoders/core/model';
import { Pipeline } from '../../../decoders/pipeline';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation, type Frame } from '../../helpers/pcap-builder';

const env = nodeEnv();
const json = (value: unknown): Body => ({ size: 1, kind: 'json', value });
function scope(): CaptureScope & { said: string[] } {
  const said: string[] = [];
  return { state: new Map(), learned: (w) => said.push(w), said };
}
/** A finished HTTP exchange as the HTTP decoders hand it to emitHttpCall. */
function exchange(method: string, uri: string, req: unknown, resp: unknown, status = 200): Call {
  return { fields: {}, warnings: [], http: { method, uri, status, ...(req ? { requestBody: json(req) } : {}), responseBody: json(resp) } } as unknown as Call;
}

const KEY_SCHEMA = JSON.stringify({ type: 'record', name: 'OrderKey', namespace: 'shop', fields: [{ name: 'id', type: 'long' }, { name: 'region', type: 'string' }] });
const SHIP_PROTO = 'syntax = "proto3";\npackage shop.v1;\nmessage Shipment {\n  string order = 1;\n  int64 weight_grams = 2;\n  repeated string parcels = 3;\n  Carrier carrier = 4;\n  Dims dims = 5;\n  bool express = 6;\n  enum Carrier { POST = 0; DHL = 1; UPS = 2; }\n  message Dims { double w = 1; double h = 2; double d = 3; }\n}\n';
// confluent-kafka-python 1.7 registers Protobuf schemas as a base64 FileDescriptorProto (shop/billing.proto:
// Invoice {number, total_cents, issued: Timestamp, lines: repeated Invoice.Line {sku, qty}}, Refund {invoice, cents: sint64}).
const BILLING_B64 = 'ChJzaG9wL2JpbGxpbmcucHJvdG8SDHNob3AuYmlsbGluZxofZ29vZ2xlL3Byb3RvYnVmL3RpbWVzdGFtcC5wcm90byKnAQoHSW52b2ljZRIOCgZudW1iZXIYASABKAkSEwoLdG90YWxfY2VudHMYAiABKAMSKgoGaXNzdWVkGAMgASgLMhouZ29vZ2xlLnByb3RvYnVmLlRpbWVzdGFtcBIpCgVsaW5lcxgEIAMoCzIaLnNob3AuYmlsbGluZy5JbnZvaWNlLkxpbmUaIAoETGluZRILCgNza3UYASABKAkSCwoDcXR5GAIgASgFIigKBlJlZnVuZBIPCgdpbnZvaWNlGAEgASgJEg0KBWNlbnRzGAIgASgSYgZwcm90bzM=';
const TIMESTAMP_REF = { name: 'google/protobuf/timestamp.proto', subject: 'google/protobuf/timestamp.proto', version: 1 };

/** The registry exchanges of the held-out run, in the clients' order. */
function taught(): { s: CaptureScope & { said: string[] }; store: RegistrySchemas } {
  const s = scope();
  learnRegistryExchange(exchange('POST', '/subjects/orders-key/versions', { schema: KEY_SCHEMA }, { id: 4 }), s);
  learnRegistryExchange(exchange('POST', '/subjects/payments-value/versions', { schemaType: 'JSON', schema: '{"type":"object"}' }, { id: 6 }), s);
  learnRegistryExchange(exchange('GET', '/schemas/ids/7', undefined, { schemaType: 'PROTOBUF', schema: SHIP_PROTO }), s);
  learnRegistryExchange(exchange('POST', '/subjects/invoices-value/versions', { schemaType: 'PROTOBUF', schema: BILLING_B64, references: [TIMESTAMP_REF] }, { id: 3 }), s);
  return { s, store: RegistrySchemas.of(s, false)! };
}

describe('Confluent wire format: magic byte and schema id', () => {
  it('magic 0 and a 4-byte big-endian id; anything else is not framed', () => {
    const { store } = taught();
    assert.equal(decodeFramed(fromHex('0100000004020465 75'.replace(/ /g, '')), store, env), undefined, 'magic 1');
    assert.equal(decodeFramed(fromHex('0000000000020465'), store, env), undefined, 'id 0');
    assert.equal(decodeFramed(fromHex('00800000040204'), store, env), undefined, 'id beyond 2^31');
    assert.equal(decodeFramed(fromHex('00000004'), store, env), undefined, 'shorter than the header');
  });
  it('an Avro key (kafkajs, avsc): id 4 → {id, region}', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('000000000402046575'), store, env)!;
    assert.deepEqual(f.schema, { id: 4, format: 'avro', subject: 'orders-key' });
    assert.deepEqual(f.body, { size: 9, kind: 'avro', value: { id: 1, region: 'eu' } });
    assert.deepEqual(f.warnings, []);
  });
  it('a JSON Schema value (kafkajs): JSON after the id', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('00000000067b226f72646572223a322c22616d6f756e74223a302e317d'), store, env)!;
    assert.equal(f.body.kind, 'json');
    assert.deepEqual(f.body.value, { order: 2, amount: 0.1 });
    assert.equal(f.schema.format, 'json');
  });
  it('a value that does not match its schema: a warning and the payload in hex, no throw', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('0000000004020465'), store, env)!;
    assert.equal(f.body.kind, 'binary');
    assert.equal(f.body.hex, '020465');
    assert.match(f.warnings[0], /^schema id 4: avro: string of 2 bytes runs past the end/);
    const j = decodeFramed(fromHex('0000000006ff00'), store, env)!;
    assert.match(j.warnings[0], /schema id 6 \(JSON\): the payload is not JSON/);
  });
  it('an id this capture did not teach: JSON is still JSON (said); any other bytes stay unclaimed', () => {
    const f = decodeFramed(fromHex('00000000097b2261223a317d'), undefined, env)!;
    assert.deepEqual(f.body.value, { a: 1 });
    assert.deepEqual(f.schema, { id: 9, format: 'json', note: 'schema id 9 not seen in this capture' });
    assert.deepEqual(f.warnings, []);
    // kafkajs' Avro order (id 5), its schema not seen: it parses as raw protobuf too, and is left alone.
    assert.equal(decodeFramed(fromHex('00000000050406626f620d04ff850001000000021463616c6c2066697273740000000010c0ffffffffffff01'), undefined, env), undefined);
    // Ordinary binary that starts with a 0: a big-endian int64 key, a value of zeros.
    assert.equal(decodeFramed(fromHex('0000000100000000'), undefined, env), undefined);
    assert.equal(decodeFramed(fromHex('00000000000000000000'), undefined, env), undefined);
  });
  it('a value longer than the bytes kept for decoding: its schema named, not decoded', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('000000000402046575'), store, env, 100_000)!;
    assert.equal(f.body.truncated, true);
    assert.equal(f.body.size, 100_000);
    assert.match(f.warnings[0], /100000 bytes, more than the 9 kept/);
  });
});

describe('Workspace .avsc files: an id the capture did not teach, read by the one schema that fits', () => {
  const wsEnv = (files: Array<[string, unknown]>) => ({ ...env, definitions: { avro: buildAvroDefinitions(files.map(([path, s]) => ({ path, text: JSON.stringify(s) }))) } });
  const KEY = JSON.parse(KEY_SCHEMA);
  const FLAG = { type: 'record', name: 'Flag', fields: [{ name: 'on', type: 'boolean' }] };
  it('the only record schema that reads the whole payload is used, named in value_schema', () => {
    const e = wsEnv([['/w/flag.avsc', FLAG], ['/w/keys/order-key.avsc', KEY]]);
    const f = decodeFramed(fromHex('000000000402046575'), undefined, e)!;
    assert.deepEqual(f.body.value, { id: 1, region: 'eu' });
    assert.equal(f.schema.file, 'order-key.avsc');
    assert.equal(f.schema.message_type, 'shop.OrderKey');
    assert.match(f.schema.note ?? '', /schema id 4 not seen in this capture: shop.OrderKey from order-key.avsc/);
  });
  it('two schemas that both read the bytes: not a safe guess, left alone; no schema fits: left alone', () => {
    const twin = { ...KEY, name: 'Twin' };
    assert.equal(decodeFramed(fromHex('000000000402046575'), undefined, wsEnv([['/w/a.avsc', KEY], ['/w/b.avsc', twin]])), undefined);
    assert.equal(decodeFramed(fromHex('0000000004ff'), undefined, wsEnv([['/w/a.avsc', KEY]])), undefined);
  });
  it('the id keeps its schema for the rest of the capture (said as learned), not into another capture', () => {
    // region as string or as bytes: 0xff is not UTF-8, so only BytesKey reads the first value; both read the second.
    const e = wsEnv([['/w/key.avsc', KEY], ['/w/bytes-key.avsc', { ...KEY, name: 'BytesKey', fields: [KEY.fields[0], { name: 'region', type: 'bytes' }] }]]);
    const first = fromHex('00000000040202ff');
    const second = fromHex('000000000402046575');
    assert.equal(decodeFramed(second, undefined, e), undefined, 'both read it: not a safe guess');
    const one = scope();
    const store = RegistrySchemas.of(one, true)!;
    assert.deepEqual(decodeFramed(first, store, e)?.body.value, { id: 1, region: '/w==' });
    assert.deepEqual(decodeFramed(second, store, e)?.body.value, { id: 1, region: 'ZXU=' });
    assert.equal(decodeFramed(second, store, e)?.schema.message_type, 'shop.BytesKey');
    assert.deepEqual(one.said, ['workspace Avro schemas for schema ids']);
    // Another capture with the same workspace: the first capture's choice is not carried over.
    assert.equal(decodeFramed(second, RegistrySchemas.of(scope(), true), e), undefined);
  });
  it('a file that is not a schema is a warning of the definitions; a top-level array lists several', () => {
    const d = buildAvroDefinitions([{ path: '/w/bad.avsc', text: '{"type":"record"' }, { path: '/w/two.avsc', text: JSON.stringify([FLAG, KEY]) }]);
    assert.match(d.warnings[0], /^\/w\/bad.avsc: not JSON/);
    assert.deepEqual(d.records.map((r) => r.schema.name), ['Flag', 'shop.OrderKey']);
  });
});

describe('Confluent wire format: Protobuf message indexes', () => {
  it('zig-zag varints: a count then the indexes; a single 0 is [0]', () => {
    assert.deepEqual(messageIndexes(fromHex('00')), { indexes: [0], end: 1 });
    assert.deepEqual(messageIndexes(fromHex('0202')), { indexes: [1], end: 2 });
    assert.deepEqual(messageIndexes(fromHex('040200')), { indexes: [1, 0], end: 3 });
    assert.equal(messageIndexes(fromHex('01')), undefined, 'a negative count');
    assert.equal(messageIndexes(fromHex('ff')), undefined, 'cut short');
  });
  it('unsigned varints (confluent-kafka-python before 1.8); a varint longer than 5 bytes, or an index cut short, is no list', () => {
    assert.deepEqual(messageIndexes(fromHex('0101'), false), { indexes: [1], end: 2 });
    assert.deepEqual(messageIndexes(fromHex('02000003'), false), { indexes: [0, 0], end: 3 });
    assert.equal(messageIndexes(fromHex('808080808000')), undefined, '6-byte count');
    assert.equal(messageIndexes(fromHex('0480'), false), undefined, 'an index cut short');
  });
  it('[0] from confluent-kafka-python 1.7 (base64 descriptor schema with a Timestamp import): Invoice', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('0000000003000a05494e562d371094b4e4f4cb031a090880e2cfaa0610882722070a03412d31100222070a03422d321001'), store, env)!;
    assert.deepEqual(f.schema, { id: 3, format: 'protobuf', subject: 'invoices-value', message_indexes: [0], message_type: 'shop.billing.Invoice' });
    assert.equal(f.body.kind, 'protobuf');
    assert.deepEqual(f.body.value, { number: 'INV-7', total_cents: '123456789012', issued: '2023-11-14T22:13:20.000005Z', lines: [{ sku: 'A-1', qty: 2 }, { sku: 'B-2', qty: 1 }] });
    assert.deepEqual(f.warnings, []);
  });
  it('confluent-kafka-python before 1.8 wrote the indexes as unsigned varints: [1] = 01 01 (Refund), [0, 0] = 02 00 00 (Invoice.Line)', () => {
    const { store } = taught();
    const refund = decodeFramed(fromHex('000000000301010a05494e562d3710e707'), store, env)!;
    assert.equal(refund.schema.message_type, 'shop.billing.Refund');
    assert.deepEqual(refund.schema.message_indexes, [1]);
    assert.match(refund.schema.note ?? '', /unsigned varints/);
    assert.deepEqual(refund.body.value, { invoice: 'INV-7', cents: '-500' });
    const line = decodeFramed(fromHex('00000000030200000a03432d331028'), store, env)!;
    assert.equal(line.schema.message_type, 'shop.billing.Invoice.Line');
    assert.deepEqual(line.body.value, { sku: 'C-3', qty: 40 });
  });
  it('@kafkajs/confluent-schema-registry writes no indexes: the message follows the id (Shipment, .proto text)', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('00000000070a013110e2091a0250311a02503220012a1b09333333333333d33f119a9999999999c93f199a9999999999b93f3001'), store, env)!;
    assert.equal(f.schema.message_type, 'shop.v1.Shipment');
    assert.equal(f.schema.message_indexes, undefined);
    assert.match(f.schema.note ?? '', /no message indexes/);
    assert.deepEqual(f.body.value, { order: '1', weight_grams: '1250', parcels: ['P1', 'P2'], carrier: 'DHL', dims: { w: 0.3, h: 0.2, d: 0.1 }, express: true });
    assert.deepEqual(f.warnings, []);
  });
  it('an index beyond the schema\'s messages: decoded without a schema, said', () => {
    const { store } = taught();
    const f = decodeFramed(fromHex('0000000007020a0a0131'), store, env)!;
    assert.equal(f.body.kind, 'protobuf-raw');
    assert.match(f.warnings[0], /schema id 7 \(Protobuf\): message index 5 of 1 messages; decoded without a schema/);
  });
});

describe('Confluent wire format: mutated real values never throw', () => {
  it('1000 mutations of the captured keys and values, decoded with the learned schemas', () => {
    const { store } = taught();
    const values = ['000000000402046575', '00000000067b226f72646572223a322c22616d6f756e74223a302e317d', '0000000003000a05494e562d371094b4e4f4cb031a090880e2cfaa0610882722070a03412d31100222070a03422d321001', '000000000301010a05494e562d3710e707', '00000000070a013110e2091a0250311a02503220012a1b09333333333333d33f119a9999999999c93f199a9999999999b93f3001'].map(fromHex);
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 1000; i++) {
      const v = values[i % values.length];
      const b = v.slice(0, Math.max(1, Math.floor(rand() * (v.length + 3))));
      // keep the header most of the time, so the schemas are used
      for (let k = 0; k < 2; k++) b[5 + Math.floor(rand() * Math.max(1, b.length - 5))] = Math.floor(rand() * 256);
      const f = decodeFramed(b, store, env);
      if (f) assert.ok(f.body.size >= 0);
      if (!f) continue;
      // Whatever the bytes, a decoded value names the id of its header and is one of the framed kinds.
      assert.equal(f.schema.id, Buffer.from(b).readUInt32BE(1));
      assert.ok(['avro', 'json', 'protobuf', 'protobuf-raw', 'binary'].includes(f.body.kind), f.body.kind);
      if (f.body.kind === 'binary') assert.ok(f.warnings.length > 0, 'a value shown in hex says why');
    }
  });
});

describe('Schema registry REST calls teach schema ids (any path prefix; 200 answers only)', () => {
  it('POST /subjects/{s}/versions, POST /subjects/{s}, GET /schemas/ids/{id}, GET /subjects/{s}/versions/{v}', () => {
    const s = scope();
    const calls = [
      exchange('POST', '/subjects/a-value/versions', { schema: '"string"' }, { id: 11 }),
      exchange('POST', '/apis/ccompat/v7/subjects/b-value', { schema: '"long"', schemaType: 'AVRO' }, { subject: 'b-value', id: 12, version: 1, schema: '"long"' }),
      exchange('GET', '/schemas/ids/13?fetchMaxId=false', undefined, { schema: '{"type":"object"}', schemaType: 'JSON' }),
      exchange('GET', '/subjects/d-value/versions/latest', undefined, { subject: 'd-value', version: 2, id: 14, schema: '"int"' }),
      exchange('GET', '/schemas/ids/15', undefined, { error_code: 40403, message: 'Schema not found' }, 404),
      exchange('GET', '/schemas/ids/16', undefined, { schema: 'x', schemaType: 'XML' }),
    ];
    for (const c of calls) learnRegistryExchange(c, s);
    const store = RegistrySchemas.of(s, false)!;
    assert.deepEqual([...store.byId.keys()], [11, 12, 13, 14]);
    assert.deepEqual(calls.map((c) => c.fields['schema_registry.schema_id'] ?? null), [11, 12, 13, 14, null, null]);
    assert.equal(calls[1].fields['schema_registry.subject'], 'b-value');
    assert.equal(s.said.length, 4);
    assert.deepEqual(decodeFramed(fromHex('000000000b06666f6f'), store, env)?.body.value, 'foo');
    assert.deepEqual(decodeFramed(fromHex('000000000e7f'), store, env)?.body.value, -64);
  });
  it('a proxy\'s absolute-form target is a registry call too; a path that only mentions subjects in its query is not', () => {
    const s = scope();
    const viaProxy = exchange('POST', 'http://registry:8081/subjects/p-value/versions', { schema: '"string"' }, { id: 40 });
    const query = exchange('POST', '/search?q=subjects/p-value/versions', { schema: '"string"' }, { id: 41 });
    learnRegistryExchange(viaProxy, s);
    learnRegistryExchange(query, s);
    assert.deepEqual([...RegistrySchemas.of(s, false)!.byId.keys()], [40]);
    assert.equal(viaProxy.fields['schema_registry.subject'], 'p-value');
    assert.equal(query.fields['schema_registry.schema_id'], undefined);
  });
  it('Avro references: a named type another subject\'s version defines', () => {
    const s = scope();
    learnRegistryExchange(exchange('GET', '/subjects/color/versions/1', undefined, { subject: 'color', version: 1, id: 20, schema: '{"type":"enum","name":"Color","namespace":"paint","symbols":["RED","BLUE"]}' }), s);
    learnRegistryExchange(exchange('POST', '/subjects/car-value/versions', { schema: '{"type":"record","name":"Car","namespace":"paint","fields":[{"name":"color","type":"Color"}]}', references: [{ name: 'paint.Color', subject: 'color', version: 1 }] }, { id: 21 }), s);
    const f = decodeFramed(fromHex('000000001502'), RegistrySchemas.of(s, false), env)!;
    assert.deepEqual(f.body.value, { color: 'BLUE' });
  });
  it('a reference to a subject version whose id was learned under another subject first resolves to that schema', () => {
    const s = scope();
    const color = '{"type":"enum","name":"Color","namespace":"paint","symbols":["RED","BLUE"]}';
    learnRegistryExchange(exchange('GET', '/subjects/color/versions/1', undefined, { subject: 'color', version: 1, id: 20, schema: color }), s);
    learnRegistryExchange(exchange('GET', '/subjects/colour/versions/3', undefined, { subject: 'colour', version: 3, id: 20, schema: color }), s);
    learnRegistryExchange(exchange('POST', '/subjects/car-value/versions', { schema: '{"type":"record","name":"Car","namespace":"paint","fields":[{"name":"color","type":"Color"}]}', references: [{ name: 'paint.Color', subject: 'colour', version: 3 }] }, { id: 21 }), s);
    const store = RegistrySchemas.of(s, false)!;
    assert.equal(store.reference({ name: 'paint.Color', subject: 'colour', version: 3 }), store.byId.get(20));
    assert.deepEqual(decodeFramed(fromHex('000000001502'), store, env)?.body.value, { color: 'BLUE' });
  });
  it('the same id under two subjects (ids are global): no subject shown', () => {
    const s = scope();
    learnRegistryExchange(exchange('POST', '/subjects/x-value/versions', { schema: '"string"' }, { id: 30 }), s);
    learnRegistryExchange(exchange('POST', '/subjects/y-value/versions', { schema: '"string"' }, { id: 30 }), s);
    assert.equal(decodeFramed(fromHex('000000001e0278'), RegistrySchemas.of(s, false), env)?.schema.subject, undefined);
  });
});

// ── a capture: a consumer's Fetch brings an Avro value, its registry lookup comes after ──────────
const i8 = (n: number) => Buffer.from([n & 0xff]);
const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
const uvarint = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
const varint = (n: number) => uvarint((n << 1) ^ (n >> 31));
const cstr = (s: string) => Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]);
const carr = (items: Buffer[]) => Buffer.concat([uvarint(items.length + 1), ...items]);
const cbytes = (b: Buffer) => Buffer.concat([uvarint(b.length + 1), b]);
const TAGS = uvarint(0);
const sized = (b: Buffer) => Buffer.concat([i32(b.length), b]);
const request = (key: number, version: number, corr: number, body: Buffer) => sized(Buffer.concat([i16(key), i16(version), i32(corr), i16(1), Buffer.from('t'), TAGS, body]));
const response = (corr: number, body: Buffer) => sized(Buffer.concat([i32(corr), TAGS, body]));
function batch(baseOffset: number, key: Buffer, value: Buffer): Buffer {
  const rec = Buffer.concat([i8(0), varint(0), varint(0), varint(key.length), key, varint(value.length), value, varint(0)]);
  const afterLength = Buffer.concat([i32(0), i8(2), i32(0), i16(0), i32(0), i64(1_700_000_000_000), i64(1_700_000_000_000), i64(-1), i16(-1), i32(-1), i32(1), varint(rec.length), rec]);
  return Buffer.concat([i64(baseOffset), i32(afterLength.length), afterLength]);
}
const AVRO_KEY = Buffer.from('000000000402046575', 'hex');
const FETCH_REQ = request(1, 12, 3, Buffer.concat([i32(-1), i32(500), i32(1), i32(52428800), i8(0), i32(0), i32(-1), carr([Buffer.concat([cstr('orders'), carr([Buffer.concat([i32(0), i32(0), i64(42), i32(-1), i64(-1), i32(1048576), TAGS])]), TAGS])]), carr([]), cstr(''), TAGS]));
const FETCH_RESP = response(3, Buffer.concat([i32(0), i16(0), i32(0), carr([Buffer.concat([cstr('orders'), carr([Buffer.concat([i32(0), i16(0), i64(43), i64(43), i64(0), uvarint(0), i32(-1), cbytes(batch(42, Buffer.from('k'), AVRO_KEY)), TAGS])]), TAGS])]), TAGS]));
const META_REQ = request(3, 12, 4, Buffer.concat([carr([]), i8(1), i8(0), TAGS]));

const T0 = 1_700_000_000_000_000;
function lookup(startUs: number): Frame[] {
  const body = JSON.stringify({ schema: KEY_SCHEMA });
  return tcpConversation({
    client: { ip: '127.0.0.1', port: 40100 },
    server: { ip: '127.0.0.1', port: 8081 },
    startUs,
    exchanges: [
      { dir: 'c2s', data: 'GET /schemas/ids/4 HTTP/1.1\r\nHost: registry\r\nAccept: application/vnd.schemaregistry.v1+json\r\n\r\n' },
      { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` },
    ],
  });
}
function analyse(frames: Frame[]): Call[] {
  const calls: Call[] = [];
  const p = new Pipeline({ env }, { call: (c) => calls.push(c) });
  p.push(pcapFile(frames.sort((a, b) => a.tsUs - b.tsUs)));
  p.end();
  return calls;
}
const kafka = (exchanges: Array<{ dir: 'c2s' | 's2c'; data: Buffer }>, stepUs = 1000) =>
  tcpConversation({ client: { ip: '127.0.0.1', port: 40200 }, server: { ip: '127.0.0.1', port: 9092 }, startUs: T0, stepUs, teardown: false, exchanges });

describe('Schema registry lookups after the Fetch (a consumer): the delivery waits for them', () => {
  it('the lookup answered 5 ms after the Fetch response: the delivery is decoded with the schema it taught', () => {
    const calls = analyse([...kafka([{ dir: 'c2s', data: FETCH_REQ }, { dir: 's2c', data: FETCH_RESP }]), ...lookup(T0 + 10_000)]);
    const d = calls.find((c) => c.kind === 'deliver')!;
    const rec = (d.request?.value as { records: Array<{ value: Body; value_schema: unknown }> }).records[0];
    assert.deepEqual(rec.value_schema, { id: 4, format: 'avro' });
    assert.deepEqual(rec.value.value, { id: 1, region: 'eu' });
    assert.deepEqual(d.warnings, []);
    const http = calls.find((c) => c.protocol === 'http')!;
    assert.equal(http.fields['schema_registry.schema_id'], 4);
    const fetch = calls.find((c) => c.kind === 'unary' && c.method === 'Fetch')!;
    assert.equal(d.parentId, fetch.id);
    assert.deepEqual(fetch.childIds, [d.id]);
  });
  it('two batches of one partition: each delivery gets its own records decoded', () => {
    const two = response(3, Buffer.concat([i32(0), i16(0), i32(0), carr([Buffer.concat([cstr('orders'), carr([Buffer.concat([i32(0), i16(0), i64(44), i64(44), i64(0), uvarint(0), i32(-1), cbytes(Buffer.concat([batch(42, Buffer.from('k1'), AVRO_KEY), batch(43, Buffer.from('k2'), Buffer.from('000000000404046575', 'hex'))])), TAGS])]), TAGS])]), TAGS]));
    const calls = analyse([...kafka([{ dir: 'c2s', data: FETCH_REQ }, { dir: 's2c', data: two }]), ...lookup(T0 + 10_000)]);
    const values = calls.filter((c) => c.kind === 'deliver').map((d) => (d.request?.value as { records: Array<{ key: string; value: Body }> }).records.map((r) => [r.key, r.value.value]));
    assert.deepEqual(values, [[['k1', { id: 1, region: 'eu' }]], [['k2', { id: 2, region: 'eu' }]]]);
  });
  it('no lookup in the capture: the delivery is reported at the end, its value as it was', () => {
    const calls = analyse(kafka([{ dir: 'c2s', data: FETCH_REQ }, { dir: 's2c', data: FETCH_RESP }]));
    const d = calls.find((c) => c.kind === 'deliver')!;
    const rec = (d.request?.value as { records: Array<{ value: Body; value_schema?: unknown }> }).records[0];
    assert.equal(rec.value_schema, undefined);
    assert.equal(rec.value.kind, 'binary');
  });
  it('the wait is bounded: a lookup more than 2 s (capture time) later, after more bytes on the connection, is too late', () => {
    const calls = analyse([...kafka([{ dir: 'c2s', data: FETCH_REQ }, { dir: 's2c', data: FETCH_RESP }, { dir: 'c2s', data: META_REQ }], 2_500_000), ...lookup(T0 + 20_000_000)]);
    const d = calls.find((c) => c.kind === 'deliver')!;
    const rec = (d.request?.value as { records: Array<{ value: Body; value_schema?: unknown }> }).records[0];
    assert.equal(rec.value_schema, undefined);
    assert.ok(calls.indexOf(d) < calls.findIndex((c) => c.protocol === 'http'), 'released before the lookup');
  });
});
