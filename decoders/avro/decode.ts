/**
 * Avro binary decoding with the writer's schema (Apache Avro 1.11 specification, "Binary
 * Encoding"): null as nothing, boolean as one byte, int and long as zig-zag varints, float and
 * double little-endian, bytes and string as a long length then the bytes, records as their fields
 * in order, enums and unions by a long index, arrays and maps as blocks (a long count, negative
 * when a long byte size follows; a zero count ends them), fixed as its size in bytes.
 *
 * Values come out as plain JSON-able values: long beyond ±2^53 as an exact decimal string, bytes
 * and fixed as base64, a union as its branch's value, an enum as its symbol; logical types (spec
 * "Logical Types") as people read them: date and time-of-day as ISO text, timestamps (UTC) and
 * local timestamps as ISO date-times, decimal as a decimal string, duration as its three counts.
 *
 * Never throws: a value that does not match its schema (runs past the end, an index out of
 * range, a negative length, bytes left over) gives `ok: false` and a warning saying where.
 * Bounded: nesting by `maxDepth`, array/map items and record fields read by a shared budget.
 */
import { toBase64, utf8Strict } from '../core/bytes';
import { type AvroSchema, type Logical, resolveRef } from './schema';

export interface AvroDecodeResult {
  value: unknown;
  ok: boolean;
  warnings: string[];
}

const MAX_ITEMS = 200_000;

class DataError extends Error {}

class Reader {
  o = 0;
  budget = MAX_ITEMS;
  constructor(
    readonly b: Uint8Array,
    readonly maxDepth: number,
  ) {}
  fail(what: string): never {
    throw new DataError(`${what} at byte ${this.o}`);
  }
  byte(): number {
    if (this.o >= this.b.length) this.fail('value runs past the end');
    return this.b[this.o++];
  }
  /** A zig-zag varint of at most 10 bytes: a number when within ±2^53, else a bigint. */
  long(): number | bigint {
    let n = 0;
    let big: bigint | undefined;
    for (let i = 0; i < 10; i++) {
      const c = this.byte();
      if (big === undefined && i < 7) n += (c & 0x7f) * 2 ** (7 * i);
      else {
        big ??= BigInt(n);
        big |= BigInt(c & 0x7f) << BigInt(7 * i);
      }
      if (!(c & 0x80)) {
        if (big === undefined) return n % 2 ? -(n + 1) / 2 : n / 2;
        big = BigInt.asUintN(64, big);
        const v = (big >> 1n) ^ -(big & 1n);
        const num = Number(v);
        return Number.isSafeInteger(num) ? num : v;
      }
    }
    return this.fail('varint longer than 10 bytes');
  }
  int(): number {
    const v = this.long();
    if (typeof v !== 'number' || v < -0x80000000 || v > 0x7fffffff) this.fail('int out of 32-bit range');
    return v as number;
  }
  /** A count or length: a long that must be a safe number. */
  count(what: string): number {
    const v = this.long();
    if (typeof v !== 'number') this.fail(`${what} ${v} out of range`);
    return v as number;
  }
  take(n: number, what: string): Uint8Array {
    if (n < 0) this.fail(`negative ${what} length ${n}`);
    if (n > this.b.length - this.o) this.fail(`${what} of ${n} bytes runs past the end`);
    const out = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return out;
  }
  spend(n: number): void {
    this.budget -= n;
    if (this.budget < 0) this.fail(`more than ${MAX_ITEMS} values`);
  }
}

/** Decode one datum of `schema` filling all of `bytes`. */
export function decodeAvro(bytes: Uint8Array, schema: AvroSchema, maxDepth = 64): AvroDecodeResult {
  const r = new Reader(bytes, maxDepth);
  try {
    const value = read(r, schema, 0);
    if (r.o !== bytes.length) return { value, ok: false, warnings: [`avro: ${bytes.length - r.o} bytes after the value (does not match the schema)`] };
    return { value, ok: true, warnings: [] };
  } catch (e) {
    if (e instanceof DataError) return { value: undefined, ok: false, warnings: [`avro: ${e.message} (does not match the schema)`] };
    if (e instanceof RangeError) return { value: undefined, ok: false, warnings: [`avro: ${e.message}`] };
    throw e;
  }
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function read(r: Reader, s: AvroSchema, depth: number): unknown {
  if (depth > r.maxDepth) r.fail(`nested deeper than ${r.maxDepth}`);
  switch (s.type) {
    case 'null':
      return null;
    case 'boolean': {
      const c = r.byte();
      if (c > 1) r.fail(`boolean byte ${c}`);
      return c === 1;
    }
    case 'int':
      return logical(r.int(), s.logical);
    case 'long':
      return logical(r.long(), s.logical);
    case 'float': {
      const b = r.take(4, 'float');
      return finite(new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true));
    }
    case 'double': {
      const b = r.take(8, 'double');
      return finite(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true));
    }
    case 'bytes': {
      const b = r.take(r.count('bytes length'), 'bytes');
      return s.logical?.name === 'decimal' ? decimal(b, s.logical) : toBase64(b);
    }
    case 'string': {
      const b = r.take(r.count('string length'), 'string');
      const t = utf8Strict(b);
      if (t === undefined) r.fail('string that is not UTF-8');
      return t;
    }
    case 'fixed': {
      const b = r.take(s.size, `fixed ${s.name}`);
      return fixedValue(b, s.logical);
    }
    case 'enum': {
      const i = r.int();
      if (i < 0 || i >= s.symbols.length) r.fail(`enum ${s.name} index ${i} of ${s.symbols.length} symbols`);
      return s.symbols[i];
    }
    case 'union': {
      const at = r.o;
      const i = r.count('union index');
      if (i < 0 || i >= s.branches.length) {
        r.o = at;
        r.fail(`union index ${i} of ${s.branches.length} branches`);
      }
      return read(r, s.branches[i], depth + 1);
    }
    case 'record': {
      const o: Record<string, unknown> = {};
      r.spend(s.fields.length);
      for (const f of s.fields) setKey(o, f.name, read(r, f.type, depth + 1));
      return o;
    }
    case 'array': {
      const out: unknown[] = [];
      blocks(r, 'array', () => out.push(read(r, s.items, depth + 1)));
      return out;
    }
    case 'map': {
      const o: Record<string, unknown> = {};
      blocks(r, 'map', () => {
        const kb = r.take(r.count('map key length'), 'map key');
        const k = utf8Strict(kb);
        if (k === undefined) r.fail('map key that is not UTF-8');
        setKey(o, k as string, read(r, s.values, depth + 1));
      });
      return o;
    }
    case 'ref': {
      const t = resolveRef(s);
      if (!t) return r.fail(`named type ${s.name} not defined`);
      return read(r, t, depth + 1);
    }
  }
}

/** Array and map blocks: count, (byte size when the count is negative), items; a zero count ends. */
function blocks(r: Reader, what: string, item: () => void): void {
  for (;;) {
    let n = r.count(`${what} block count`);
    if (n === 0) return;
    if (n < 0) {
      n = -n;
      const size = r.count(`${what} block size`);
      if (size < 0 || size > r.b.length - r.o) r.fail(`${what} block of ${size} bytes runs past the end`);
    }
    r.spend(n);
    for (let i = 0; i < n; i++) item();
  }
}

function finite(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** An int or long with its logical type applied (spec "Logical Types"); the number itself when out of range. */
function logical(v: number | bigint, l: Logical | undefined): unknown {
  const plain = typeof v === 'bigint' ? v.toString() : v;
  if (!l) return plain;
  const big = BigInt(v);
  switch (l.name) {
    case 'date': {
      const d = new Date(Number(v) * 86_400_000);
      return Number.isNaN(d.getTime()) ? plain : d.toISOString().slice(0, 10);
    }
    case 'time-millis':
      return timeOfDay(big * 1_000_000n, 3) ?? plain;
    case 'time-micros':
      return timeOfDay(big * 1000n, 6) ?? plain;
    case 'timestamp-millis':
      return isoTime(big * 1_000_000n, 3, 'Z') ?? plain;
    case 'timestamp-micros':
      return isoTime(big * 1000n, 6, 'Z') ?? plain;
    case 'timestamp-nanos':
      return isoTime(big, 9, 'Z') ?? plain;
    case 'local-timestamp-millis':
      return isoTime(big * 1_000_000n, 3, '') ?? plain;
    case 'local-timestamp-micros':
      return isoTime(big * 1000n, 6, '') ?? plain;
    case 'local-timestamp-nanos':
      return isoTime(big, 9, '') ?? plain;
    default:
      return plain;
  }
}

function timeOfDay(nanos: bigint, digits: number): string | undefined {
  if (nanos < 0n || nanos >= 86_400_000_000_000n) return undefined;
  const secs = Number(nanos / 1_000_000_000n);
  const frac = String(nanos % 1_000_000_000n).padStart(9, '0').slice(0, digits);
  return `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}.${frac}`;
}

/** Nanoseconds since the epoch as an ISO date-time with `digits` of fraction. */
function isoTime(nanos: bigint, digits: number, zone: string): string | undefined {
  let ms = nanos / 1_000_000n;
  let rest = nanos % 1_000_000_000n;
  if (rest < 0n) {
    rest += 1_000_000_000n;
    if (nanos % 1_000_000n !== 0n) ms -= 1n;
  }
  if (ms > 8_640_000_000_000_000n || ms < -8_640_000_000_000_000n) return undefined;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  return `${iso.slice(0, 19)}.${String(rest).padStart(9, '0').slice(0, digits)}${zone}`;
}

/** Two's-complement big-endian unscaled value with the schema's scale, as decimal text. */
function decimal(b: Uint8Array, l: Logical): string {
  if (!b.length) return '0';
  let v = 0n;
  for (const c of b) v = (v << 8n) | BigInt(c);
  if (b[0] & 0x80) v -= 1n << BigInt(8 * b.length);
  const scale = Math.max(0, Math.min(l.scale ?? 0, 1000));
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

function fixedValue(b: Uint8Array, l: Logical | undefined): unknown {
  if (l?.name === 'decimal') return decimal(b, l);
  if (l?.name === 'uuid' && b.length === 16) {
    const h = Array.from(b, (c) => c.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (l?.name === 'duration' && b.length === 12) {
    const dv = new DataView(b.buffer, b.byteOffset, 12);
    return { months: dv.getUint32(0, true), days: dv.getUint32(4, true), milliseconds: dv.getUint32(8, true) };
  }
  return toBase64(b);
}
