/**
 * Kafka record batches (protocol guide "Record Batch", KIP-98): magic 2 batches with varint
 * records and headers, compressed with gzip/snappy/lz4/zstd (attributes bits 0-2) through the
 * injected codecs; legacy message sets (magic 0/1), a compressed wrapper read through to its messages.
 * A fetch response may end with a partial batch (the broker cuts at max_bytes): it is ignored.
 */
import type { DecoderEnv } from '../core/env';
import { DecompressLimitError } from '../core/env';
import type { Body } from '../core/model';
import { be32, concatBytes, utf8Text } from '../core/bytes';
import { payloadBody } from '../calls/payload';
import { KReader, num64 } from './schema';
import { lz4FrameDecompress, snappyDecompress } from '../core/codecs';
import { decodeFramed, framedId, type Framed, type RegistrySchemas } from './schema-registry';

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface KafkaRecord {
  offset: number | string;
  timestamp: number | string;
  key: string | null;
  value: Body | null;
  headers?: Array<[string, string]>;
  /** A key framed by a schema registry's serializer (schema-registry.ts): `key` is its decoded value as text. */
  key_schema?: Framed['schema'];
  /** A value framed by a schema registry's serializer: `value` is decoded with the schema. */
  value_schema?: Framed['schema'];
}

/**
 * What reading records needs besides the bytes: the schemas the capture's registry exchanges
 * taught so far, and where to note the ids of keys and values that look framed but whose
 * schema is not known yet (the caller may hold the call until the lookup that follows).
 */
export interface RecordContext {
  schemas?: RegistrySchemas;
  waiting?: Set<number>;
}

export interface RecordBatch {
  baseOffset: bigint;
  magic: number;
  compression: string;
  transactional: boolean;
  control: boolean;
  producerId?: number | string;
  baseSequence?: number;
  recordCount: number;
  sizeBytes: number;
  records: KafkaRecord[];
  warnings: string[];
  /** FNV-1a over the batch's record values (for matching). */
}

const MAX_RECORDS_SHOWN = 1000;

export function readBatches(bytes: Uint8Array, env: DecoderEnv, depth = 0, ctx: RecordContext = {}): { batches: RecordBatch[]; partialBytes: number } {
  const batches: RecordBatch[] = [];
  let o = 0;
  while (o + 12 <= bytes.length && batches.length < 10000) {
    const len = be32(bytes, o + 8);
    if (o + 12 + len > bytes.length || len < 5) break;
    const magic = bytes[o + 16];
    const batch = magic === 2 ? readV2(bytes.subarray(o, o + 12 + len), env, ctx) : readLegacy(bytes.subarray(o, o + 12 + len), magic, env, depth, ctx);
    batches.push(batch);
    o += 12 + len;
  }
  return { batches, partialBytes: bytes.length - o };
}

/**
 * A message of a legacy message set (protocol guide "Message sets", magic 0 and 1). A compressed
 * one is a wrapper whose value is a whole message set, compressed: its messages are read from
 * it. Magic 1 inner messages carry offsets relative to the wrapper's, which is the last inner
 * message's offset (KIP-31); with LogAppendTime (attribute bit 3) the wrapper's timestamp is
 * every inner message's.
 */
function readLegacy(b: Uint8Array, magic: number, env: DecoderEnv, depth: number, ctx: RecordContext): RecordBatch {
  const r = new KReader(b);
  const offset = r.int64();
  r.int32(); // size
  r.uint32(); // crc
  r.int8(); // magic
  const attr = r.int8();
  const ts = magic === 1 ? num64(r.int64()) : -1;
  const key = r.bytes(false);
  const value = r.bytes(false);
  const codec = CODECS[attr & 7] ?? `codec-${attr & 7}`;
  const batch: RecordBatch = { baseOffset: offset, magic, compression: codec, transactional: false, control: false, recordCount: 1, sizeBytes: b.length, records: [], warnings: [] };
  if (r.error) batch.warnings.push(r.error);
  if ((attr & 7) === 0) {
    const rec: KafkaRecord = { offset: num64(offset), timestamp: ts, key: null, value: null };
    fillKeyValue(rec, key, value, env, ctx, 'record', batch.warnings);
    batch.records.push(rec);
    return batch;
  }
  batch.recordCount = 0;
  if (!value) batch.warnings.push(`legacy (magic ${magic}) ${codec} message without a value`);
  else if (depth > 0) batch.warnings.push(`legacy (magic ${magic}) ${codec} message inside a compressed message set: not decoded (the protocol does not nest them)`);
  else {
    const out = decompress(attr & 7, value, env);
    if (typeof out === 'string') {
      batch.warnings.push(out === 'codec not available' ? `legacy message set compressed with ${codec}: not decoded (codec not available)` : `legacy message set compressed with ${codec}: ${out}`);
      return batch;
    }
    const inner = readBatches(out, env, depth + 1, ctx);
    if (inner.partialBytes) batch.warnings.push(`legacy ${codec} message set: ${inner.partialBytes} bytes after its last whole message`);
    const last = inner.batches.length ? inner.batches[inner.batches.length - 1].baseOffset : 0n;
    // Relative offsets (magic 1) become absolute; a producer's wrapper (offset 0 or unset) keeps them as sent.
    const shift = magic === 1 && offset >= last ? offset - last : 0n;
    const logAppendTime = magic === 1 && (attr & 0x08) !== 0;
    for (const ib of inner.batches) {
      batch.recordCount += ib.recordCount;
      batch.warnings.push(...ib.warnings);
      for (const rec of ib.records) {
        if (batch.records.length >= MAX_RECORDS_SHOWN) break;
        batch.records.push({ ...rec, offset: num64(ib.baseOffset + shift), ...(logAppendTime ? { timestamp: ts } : {}) });
      }
    }
  }
  return batch;
}

function decompress(codec: number, data: Uint8Array, env: DecoderEnv): Uint8Array | string {
  const c = env.compression;
  const max = env.limits.maxDecompressedBytes;
  try {
    switch (codec) {
      case 1:
        return c.gunzip(data, max);
      case 2:
        return unsnappy(data, env);
      case 3:
        return (c.lz4 ?? lz4FrameDecompress)(data, max);
      case 4:
        return c.zstd ? c.zstd(data, max) : 'codec not available';
      default:
        return `unknown compression ${codec}`;
    }
  } catch (e) {
    if (e instanceof DecompressLimitError) return `decompressed size exceeds ${max} bytes`;
    return `corrupt (${(e as Error).message})`;
  }
}

/** Kafka's Java client frames snappy the xerial way (magic, then [int32 length, block]*). */
function unsnappy(data: Uint8Array, env: DecoderEnv): Uint8Array {
  const max = env.limits.maxDecompressedBytes;
  const snappy = env.compression.snappy ?? snappyDecompress;
  const xerial = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
  if (data.length < 16 || !xerial.every((v, i) => data[i] === v)) return snappy(data, max);
  const parts: Uint8Array[] = [];
  let total = 0;
  let o = 16;
  while (o + 4 <= data.length) {
    const n = be32(data, o);
    o += 4;
    if (o + n > data.length) throw new Error('xerial block runs past the end');
    const out = snappy(data.subarray(o, o + n), max - total);
    total += out.length;
    if (total > max) throw new DecompressLimitError(max);
    parts.push(out);
    o += n;
  }
  return concatBytes(parts);
}

function readV2(b: Uint8Array, env: DecoderEnv, ctx: RecordContext): RecordBatch {
  const r = new KReader(b);
  const baseOffset = r.int64();
  r.int32(); // batch length
  r.int32(); // partition leader epoch
  r.int8(); // magic
  r.uint32(); // crc32c
  const attr = r.int16();
  r.int32(); // last offset delta
  const baseTs = r.int64();
  r.int64(); // max timestamp
  const producerId = r.int64();
  r.int16(); // producer epoch
  const baseSeq = r.int32();
  const count = r.int32();
  const codec = attr & 7;
  const batch: RecordBatch = {
    baseOffset,
    magic: 2,
    compression: CODECS[codec] ?? `codec-${codec}`,
    transactional: (attr & 0x10) !== 0,
    control: (attr & 0x20) !== 0,
    recordCount: count,
    sizeBytes: b.length,
    records: [],
    warnings: [],
  };
  if (producerId >= 0n) {
    batch.producerId = num64(producerId);
    batch.baseSequence = baseSeq;
  }
  if (r.error) {
    batch.warnings.push(`record batch header: ${r.error}`);
    return batch;
  }
  let body = b.subarray(r.o);
  if (codec !== 0) {
    const out = decompress(codec, body, env);
    if (typeof out === 'string') {
      batch.warnings.push(out === 'codec not available' ? `records compressed with ${batch.compression}: not decoded (codec not available)` : `records compressed with ${batch.compression}: ${out}`);
      return batch;
    }
    body = out;
  }
  const rr = new KReader(body);
  /** Records whose JSON value kept integers beyond ±2^53 as exact strings: one warning for the batch. */
  const exact: number[] = [];
  for (let i = 0; i < count && rr.left > 0 && !rr.error; i++) {
    const len = rr.varint();
    if (len < 0 || len > rr.left) {
      batch.warnings.push(`record ${i}: length ${len} runs past the batch`);
      break;
    }
    const end = rr.o + len;
    const rec = new KReader(body, rr.o, end);
    rec.int8(); // attributes
    const tsDelta = rec.varlong();
    const offDelta = rec.varint();
    const kl = rec.varint();
    const key = kl >= 0 && rec.need(kl, 'key') ? body.subarray(rec.o, (rec.o += kl)) : null;
    const vl = rec.varint();
    const value = vl >= 0 && rec.need(vl, 'value') ? body.subarray(rec.o, (rec.o += vl)) : null;
    const hc = rec.varint();
    const headers: Array<[string, string]> = [];
    for (let h = 0; h < hc && !rec.error && h < 1024; h++) {
      const hk = rec.varint();
      const k = hk >= 0 && rec.need(hk, 'header key') ? utf8Text(body.subarray(rec.o, (rec.o += hk))) : '';
      const hv = rec.varint();
      const v = hv >= 0 && rec.need(hv, 'header value') ? utf8Text(body.subarray(rec.o, (rec.o += hv))) : '';
      headers.push([k, v]);
    }
    if (rec.error) batch.warnings.push(`record ${i}: ${rec.error}`);
    if (batch.records.length < MAX_RECORDS_SHOWN) {
      const item: KafkaRecord = {
        offset: num64(baseOffset + BigInt(offDelta)),
        timestamp: num64(baseTs + tsDelta),
        key: null,
        value: null,
      };
      if (fillKeyValue(item, key, value, env, ctx, `record ${i}`, batch.warnings)) exact.push(i);
      if (headers.length) item.headers = headers;
      batch.records.push(item);
    }
    rr.o = end;
  }
  if (rr.error) batch.warnings.push(`records: ${rr.error}`);
  if (exact.length) batch.warnings.push(`record${exact.length === 1 ? '' : 's'} ${exact.slice(0, 8).join(', ')}${exact.length > 8 ? '…' : ''}: JSON value with integers beyond ±2^53, kept as exact strings (a JSON number that large loses digits as a double)`);
  return batch;
}

/**
 * A record's key (as text, at most 1 KiB) and value (a payload preview), each decoded with its
 * schema when a registry serializer framed it. Returns whether a plain JSON value kept integers
 * beyond ±2^53 as exact strings (the caller says so once per batch).
 */
function fillKeyValue(rec: KafkaRecord, key: Uint8Array | null, value: Uint8Array | null, env: DecoderEnv, ctx: RecordContext, what: string, warnings: string[]): boolean {
  if (key) {
    const f = framed(key, env, ctx);
    if (f) {
      const v = f.body.value;
      rec.key = typeof v === 'string' ? v.slice(0, 1024) : v !== undefined ? JSON.stringify(v).slice(0, 1024) : (f.body.hex ?? '');
      rec.key_schema = f.schema;
      for (const w of f.warnings) warnings.push(`${what} key: ${w}`);
    } else rec.key = utf8Text(key.subarray(0, 1024));
  }
  if (!value) return false;
  const f = framed(value, env, ctx);
  if (f) {
    rec.value = f.body;
    rec.value_schema = f.schema;
    for (const w of f.warnings) warnings.push(`${what} value: ${w}`);
    return false;
  }
  const notes: string[] = [];
  rec.value = payloadBody(value, value.length, env.limits, undefined, undefined, notes);
  return notes.length > 0;
}

function framed(b: Uint8Array, env: DecoderEnv, ctx: RecordContext): Framed | undefined {
  const id = framedId(b);
  if (id !== undefined && ctx.waiting && !ctx.schemas?.byId.has(id)) ctx.waiting.add(id);
  return decodeFramed(b.subarray(0, Math.min(b.length, env.limits.maxBodyBytes)), ctx.schemas, env, b.length);
}
