/**
 * Kafka protocol primitive types (protocol guide "Protocol Primitive Types") and a small
 * versioned schema reader after the message definitions in Apache Kafka's
 * clients/src/main/resources/common/message/*.json: each field has a version range; flexible
 * versions (KIP-482) use compact strings/arrays/bytes (unsigned varint length + 1) and end
 * every struct with tagged fields.
 */
import { be16, be32, toHex, utf8Text } from '../core/bytes';

export type Prim = 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid' | 'float64';
/** [name, type or array of struct/primitive, min version, max version] */
export type Field = [string, Prim | { arr: Field[] | Prim }, number?, number?];

export class KReader {
  error: string | undefined;
  constructor(
    readonly b: Uint8Array,
    public o = 0,
    readonly end = b.length,
  ) {}
  get left(): number {
    return this.end - this.o;
  }
  need(n: number, what: string): boolean {
    if (this.error) return false;
    if (n < 0 || this.o + n > this.end) {
      this.error = `${what} runs past the end (${n} bytes at ${this.o} of ${this.end})`;
      this.o = this.end;
      return false;
    }
    return true;
  }
  int8(): number {
    if (!this.need(1, 'int8')) return 0;
    const v = this.b[this.o++];
    return v > 127 ? v - 256 : v;
  }
  int16(): number {
    if (!this.need(2, 'int16')) return 0;
    const v = be16(this.b, this.o);
    this.o += 2;
    return v > 32767 ? v - 65536 : v;
  }
  uint16(): number {
    if (!this.need(2, 'uint16')) return 0;
    const v = be16(this.b, this.o);
    this.o += 2;
    return v;
  }
  int32(): number {
    if (!this.need(4, 'int32')) return 0;
    const v = be32(this.b, this.o) | 0;
    this.o += 4;
    return v;
  }
  uint32(): number {
    if (!this.need(4, 'uint32')) return 0;
    const v = be32(this.b, this.o);
    this.o += 4;
    return v;
  }
  int64(): bigint {
    if (!this.need(8, 'int64')) return 0n;
    const v = BigInt.asIntN(64, (BigInt(be32(this.b, this.o)) << 32n) | BigInt(be32(this.b, this.o + 4)));
    this.o += 8;
    return v;
  }
  /** Unsigned varint (at most 5 bytes for 32 bits). */
  uvarint(): number {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      if (!this.need(1, 'varint')) return 0;
      const c = this.b[this.o++];
      v += (c & 0x7f) * 2 ** (7 * i);
      if (!(c & 0x80)) return v;
    }
    this.error = 'varint longer than 5 bytes';
    return 0;
  }
  /** Zig-zag varint (32-bit). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 ? -(u + 1) / 2 : u / 2;
  }
  /** Zig-zag varlong (64-bit), as bigint. */
  varlong(): bigint {
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (!this.need(1, 'varlong')) return 0n;
      const c = this.b[this.o++];
      v |= BigInt(c & 0x7f) << BigInt(7 * i);
      if (!(c & 0x80)) return (v >> 1n) ^ -(v & 1n);
    }
    this.error = 'varlong longer than 10 bytes';
    return 0n;
  }
  /** Length of a string/bytes/array: -1 = null. */
  len(compact: boolean, wide = false): number {
    if (compact) return this.uvarint() - 1;
    return wide ? this.int32() : this.int16();
  }
  string(compact: boolean): string | null {
    const n = this.len(compact);
    if (n < 0) return null;
    if (!this.need(n, 'string')) return '';
    const s = utf8Text(this.b.subarray(this.o, this.o + n));
    this.o += n;
    return s;
  }
  bytes(compact: boolean): Uint8Array | null {
    const n = this.len(compact, true);
    if (n < 0) return null;
    if (!this.need(n, 'bytes')) return new Uint8Array(0);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  uuid(): string {
    if (!this.need(16, 'uuid')) return '';
    const h = toHex(this.b.subarray(this.o, this.o + 16));
    this.o += 16;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  /** Skip a tagged-field section; returns the tags seen. */
  tagged(): number[] {
    const n = this.uvarint();
    const tags: number[] = [];
    for (let i = 0; i < n && !this.error; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      if (!this.need(size, 'tagged field')) break;
      this.o += size;
      if (tags.length < 64) tags.push(tag);
    }
    return tags;
  }
}

export function num64(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

const MAX_ITEMS = 100_000;

/** Read a struct of `fields` at `version`; `records` fields are left as raw bytes under their name. */
export function readStruct(r: KReader, fields: Field[], version: number, flexible: boolean, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type, min = 0, max = Infinity] of fields) {
    if (version < min || version > max) continue;
    if (r.error) break;
    out[name] = readValue(r, type, version, flexible, depth);
  }
  if (flexible && !r.error) {
    const tags = r.tagged();
    if (tags.length) out['_tags'] = tags;
  }
  return out;
}

function readValue(r: KReader, type: Field[1], version: number, flexible: boolean, depth: number): unknown {
  if (typeof type === 'object') {
    const n = r.len(flexible, true);
    if (n < 0) return null;
    if (n > MAX_ITEMS || n > r.left) {
      r.error = `array of ${n} items runs past the end`;
      return [];
    }
    const arr: unknown[] = [];
    for (let i = 0; i < n && !r.error; i++) {
      arr.push(typeof type.arr === 'string' ? readValue(r, type.arr, version, flexible, depth + 1) : readStruct(r, type.arr, version, flexible, depth + 1));
    }
    return arr;
  }
  switch (type) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return num64(r.int64());
    case 'bool':
      return r.int8() !== 0;
    case 'float64': {
      if (!r.need(8, 'float64')) return 0;
      const v = new DataView(r.b.buffer, r.b.byteOffset + r.o, 8).getFloat64(0);
      r.o += 8;
      return v;
    }
    case 'string':
      return r.string(flexible);
    case 'uuid':
      return r.uuid();
    case 'bytes': {
      const b = r.bytes(flexible);
      return b === null ? null : { size: b.length, hex: toHex(b, 64) };
    }
    case 'records':
      return r.bytes(flexible);
  }
}
