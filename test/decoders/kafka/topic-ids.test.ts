/**
 * Topic ids (KIP-516): Fetch v13+ names topics by id only; Metadata v10+ gives each topic's id with
 * its name. Kafka's Java clients since 3.1 fetch this way; their deliveries must still be named
 * after the topic and meet the Produce that published them. The messages are written here from the
 * Kafka protocol guide's layouts (flexible versions: compact strings/arrays, tagged fields; request
 * header v2, response header v1); record batches v2 ("Record Batch", CRC not checked by the decoder).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/kafka/index';
import { run } from '../calls/harness';

// ── a small writer for the protocol's primitive types ─────────────────────────────────────────
const i8 = (n: number) => Buffer.from([n & 0xff]);
const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
const uvarint = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
const varint = (n: number) => uvarint((n << 1) ^ (n >> 31));
const cstr = (s: string | null) => (s === null ? uvarint(0) : Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]));
const carr = (items: Buffer[]) => Buffer.concat([uvarint(items.length + 1), ...items]);
const cbytes = (b: Buffer) => Buffer.concat([uvarint(b.length + 1), b]);
const TAGS = uvarint(0);
const uuid = (hex: string) => Buffer.from(hex.replace(/-/g, ''), 'hex');
const sized = (b: Buffer) => Buffer.concat([i32(b.length), b]);
const request = (key: number, version: number, corr: number, body: Buffer) => sized(Buffer.concat([i16(key), i16(version), i32(corr), i16(1), Buffer.from('t'), TAGS, body]));
const response = (corr: number, body: Buffer) => sized(Buffer.concat([i32(corr), TAGS, body]));

/** A record batch v2 with one record (key, JSON value) at `baseOffset`. */
function batch(baseOffset: number, key: string, value: string): Buffer {
  const rec = Buffer.concat([i8(0), varint(0), varint(0), varint(key.length), Buffer.from(key), varint(value.length), Buffer.from(value), varint(0)]);
  const records = Buffer.concat([varint(rec.length), rec]);
  const afterLength = Buffer.concat([i32(0), i8(2), i32(0), i16(0), i32(0), i64(1_700_000_000_000), i64(1_700_000_000_000), i64(-1), i16(-1), i32(-1), i32(1), records]);
  return Buffer.concat([i64(baseOffset), i32(afterLength.length), afterLength]);
}

const ORDERS = '5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';

// Metadata v12: the topic "orders" and its id
const META_REQ = request(3, 12, 1, Buffer.concat([carr([Buffer.concat([uuid('00000000-0000-0000-0000-000000000000'), cstr('orders'), TAGS])]), i8(1), i8(0), TAGS]));
const META_RESP = response(1, Buffer.concat([
  i32(0),
  carr([Buffer.concat([i32(1), cstr('broker-1'), i32(9092), cstr(null), TAGS])]),
  cstr('cluster-a'),
  i32(1),
  carr([Buffer.concat([i16(0), cstr('orders'), uuid(ORDERS), i8(0), carr([Buffer.concat([i16(0), i32(0), i32(1), i32(0), carr([i32(1)]), carr([i32(1)]), carr([]), TAGS])]), i32(-2147483648), TAGS])]),
  TAGS,
]));
// Produce v9 names the topic; the broker puts the record at offset 42
const PRODUCE_REQ = request(0, 9, 2, Buffer.concat([cstr(null), i16(-1), i32(30000), carr([Buffer.concat([cstr('orders'), carr([Buffer.concat([i32(0), cbytes(batch(0, 'o-1', '{"order":1}')), TAGS])]), TAGS])]), TAGS]));
const PRODUCE_RESP = response(2, Buffer.concat([carr([Buffer.concat([cstr('orders'), carr([Buffer.concat([i32(0), i16(0), i64(42), i64(-1), i64(0), carr([]), cstr(null), TAGS])]), TAGS])]), i32(0), TAGS]));
// Fetch v13 names it by id only
const FETCH_REQ = request(1, 13, 3, Buffer.concat([i32(-1), i32(500), i32(1), i32(52428800), i8(0), i32(0), i32(-1), carr([Buffer.concat([uuid(ORDERS), carr([Buffer.concat([i32(0), i32(0), i64(42), i32(-1), i64(-1), i32(1048576), TAGS])]), TAGS])]), carr([]), cstr(''), TAGS]));
const FETCH_RESP = response(3, Buffer.concat([i32(0), i16(0), i32(0), carr([Buffer.concat([uuid(ORDERS), carr([Buffer.concat([i32(0), i16(0), i64(43), i64(43), i64(0), uvarint(0), i32(-1), cbytes(batch(42, 'o-1', '{"order":1}')), TAGS])]), TAGS])]), TAGS]));

describe('Kafka topic ids (KIP-516): Fetch v13 by id, named from Metadata v12', () => {
  it('the Fetch and its delivery are named after the topic, and the delivery meets its publish (msg.key)', () => {
    const { calls } = run(spec, [
      ['c2s', META_REQ], ['s2c', META_RESP],
      ['c2s', PRODUCE_REQ], ['s2c', PRODUCE_RESP],
      ['c2s', FETCH_REQ], ['s2c', FETCH_RESP],
    ], undefined, 9092);
    const brief = calls.map((c) => [c.kind, c.method, c.target, c.fields['msg.key'] ?? '']);
    assert.deepEqual(brief, [
      ['unary', 'Metadata', 'orders', ''],
      ['publish', 'Produce', 'orders', 'kafka|orders|0|42'],
      ['unary', 'Fetch', 'orders', ''],
      ['deliver', 'Fetch', 'orders', 'kafka|orders|0|42'],
    ]);
    assert.deepEqual(calls.map((c) => c.warnings).flat(), []);
  });
  it('without the Metadata in the capture the id stays the name, as it was sent', () => {
    const { calls } = run(spec, [['c2s', FETCH_REQ], ['s2c', FETCH_RESP]], undefined, 9092);
    assert.deepEqual(calls.map((c) => [c.kind, c.target]), [['unary', ORDERS], ['deliver', ORDERS]]);
    assert.equal(calls.at(-1)?.fields['msg.key'], `kafka|${ORDERS}|0|42`);
  });
});
