/**
 * fastjson2's binary JSONB (fastjson2 docs/JSONB/jsonb_format_en.md; the type bytes of JSONB.java
 * `Constants`, read as JSONBDump.java and JSONWriterJSONB.java write them) and the way Dubbo frames
 * it in a body (dubbo-serialization-fastjson2 FastJson2ObjectOutput/FastJson2ObjectInput): every
 * value the codec writes — the dubbo version string, the service path, each argument, the
 * attachments map, the response type byte — is its own `JSONB.toBytes` output behind a 4-byte
 * big-endian length. So symbols and `$ref` paths never reach across values.
 *
 * Dubbo writes with WriteClassName, FieldBased, ReferenceDetection, WriteNulls,
 * NotWriteDefaultValue, NotWriteHashMapArrayListClassName and WriteNameAsSymbol: beans come as
 * BC_TYPED_ANY (class name, symbol number) + BC_OBJECT … BC_OBJECT_END, field names as BC_SYMBOL
 * (the name and a number the first time, the number alone after), shared or cyclic values as
 * BC_REFERENCE + a path (`$`, `..`, `$.a.b`; `#-1` repeats the previous path).
 *
 * Values are shown as the Hessian reader (./hessian.ts) shows them: a bean `{ $class, …fields }`,
 * a typed collection `{ $type, items }`, a typed map `{ $type, …entries }`, binary
 * `{ $binary: hex, size }`, a date `{ $date: ISO }`, a reference `{ $ref: path }`; integers past
 * ±2^53 and BigDecimals a number cannot hold exactly as strings of their digits.
 *
 * Pure (no Buffer). Everything read is bounded by the bytes that are there: a length or count
 * past them is an error before anything is allocated; nesting stops at `maxDepth`. Past the end
 * of the input it throws `HessianEnd` (the Dubbo decoder's "body cut short"), malformed input
 * `JsonbError`.
 */
import { be32, toHex } from '../core/bytes';
import { BodyCursor, HessianEnd, dateText, num, setKey, type HValue } from './hessian';

export class JsonbError extends Error {}

// Type bytes (JSONB.java Constants). The unnamed ranges are the compact number forms.
const BC_CHAR = 0x90;
const BC_BINARY = 0x91;
const BC_TYPED_ANY = 0x92;
const BC_REFERENCE = 0x93;
const BC_ARRAY_FIX_0 = 0x94; // … 0xa3: arrays of 0–15 items
const BC_ARRAY = 0xa4; // + length
const BC_OBJECT_END = 0xa5;
const BC_OBJECT = 0xa6;
const BC_LOCAL_TIME = 0xa7;
const BC_LOCAL_DATETIME = 0xa8;
const BC_LOCAL_DATE = 0xa9;
const BC_TIMESTAMP_WITH_TIMEZONE = 0xaa;
const BC_TIMESTAMP_MILLIS = 0xab;
const BC_TIMESTAMP_SECONDS = 0xac;
const BC_TIMESTAMP_MINUTES = 0xad;
const BC_TIMESTAMP = 0xae;
const BC_NULL = 0xaf;
const BC_FALSE = 0xb0;
const BC_TRUE = 0xb1;
const BC_DOUBLE_NUM_0 = 0xb2;
const BC_DOUBLE_NUM_1 = 0xb3;
const BC_DOUBLE_LONG = 0xb4;
const BC_DOUBLE = 0xb5;
const BC_FLOAT_INT = 0xb6;
const BC_FLOAT = 0xb7;
const BC_DECIMAL_LONG = 0xb8;
const BC_DECIMAL = 0xb9;
const BC_BIGINT_LONG = 0xba;
const BC_BIGINT = 0xbb;
const BC_INT16 = 0xbc;
const BC_INT8 = 0xbd;
const BC_INT64 = 0xbe;
const BC_INT64_INT = 0xbf;
const BC_INT32 = 0x48;
const BC_STR_ASCII_FIX_0 = 0x49; // … 0x78: Latin-1 strings of 0–47 bytes
const BC_STR_ASCII = 0x79; // + length; Latin-1 despite the name (Java's LATIN1 string coder)
const BC_STR_UTF8 = 0x7a;
const BC_STR_UTF16 = 0x7b; // with or without a byte-order mark (Java's UTF_16 charset: big-endian without)
const BC_STR_UTF16LE = 0x7c;
const BC_STR_UTF16BE = 0x7d;
const BC_STR_GB18030 = 0x7e;
const BC_SYMBOL = 0x7f;

/** Entries of one object (a bound besides the bytes: each entry takes at least two). */
const MAX_ENTRIES = 1_000_000;
/** Binary values show this many bytes as hex (as Hessian binary does). */
const BINARY_PREVIEW = 1024;

const UTF8 = new TextDecoder('utf-8');

/** One JSONB value from `b[start, end)`: symbols and reference paths are its own. */
export class JsonbReader extends BodyCursor {
  private readonly symbols = new Map<number, string>();
  private lastRef: string | undefined;

  /** An int32 in any of its forms (1-, 2-, 3-byte compact or BC_INT32), given its type byte. */
  private int32Of(t: number): number | undefined {
    if (t >= 0xf0) return t - 0x100; // -16 … -1
    if (t <= 0x2f) return t; // 0 … 47
    if (t <= 0x3f) return ((t - 0x38) << 8) + this.u8(); // -2048 … 2047
    if (t <= 0x47) return ((t - 0x44) << 16) + this.be(2); // -262144 … 262143
    if (t === BC_INT32) return this.i32();
    return undefined;
  }

  /** An int64 in any of its forms (the int32 ones, the compact longs, INT8/16, INT64_INT, INT64), given its type byte. */
  private int64Of(t: number): number | string | undefined {
    const i = this.int32Of(t);
    if (i !== undefined) return i;
    if (t >= 0xd8 && t <= 0xef) return t - 0xe0; // -8 … 15
    if (t >= 0xc8 && t <= 0xd7) return ((t - 0xd0) << 8) + this.u8(); // -2048 … 2047
    if (t >= 0xc0 && t <= 0xc7) return ((t - 0xc4) << 16) + this.be(2); // -262144 … 262143
    switch (t) {
      case BC_INT64_INT:
        return this.i32();
      case BC_INT64:
        return this.i64();
      case BC_INT8:
        return (this.u8() << 24) >> 24;
      case BC_INT16:
        return (this.be(2) << 16) >> 16;
    }
    return undefined;
  }

  /** An int32 where the format puts one (lengths, symbol numbers, nanoseconds, scales). */
  private int32(what: string): number {
    const t = this.u8();
    const v = this.int32Of(t);
    if (v === undefined) throw new JsonbError(`${what}: an int expected, found type 0x${t.toString(16)}`);
    return v;
  }

  private int64(what: string): number | string {
    const t = this.u8();
    const v = this.int64Of(t);
    if (v === undefined) throw new JsonbError(`${what}: an integer expected, found type 0x${t.toString(16)}`);
    return v;
  }

  /** A length: not negative, and no more than the bytes left (so nothing past the input is allocated). */
  private length(what: string, unit = 1): number {
    const n = this.int32(what);
    if (n < 0 || n * unit > this.end - this.pos) {
      if (n >= 0) throw new HessianEnd(`${what} ${n} runs past the end (${this.end - this.pos} bytes left)`);
      throw new JsonbError(`${what} ${n} out of bounds`);
    }
    return n;
  }

  /** A value where a symbol number may come: JSONBDump's isInt (types 0xba–0xff and 0x00–0x48). */
  private intNext(): boolean {
    const t = this.peek();
    return t <= BC_INT32 || t >= BC_BIGINT_LONG;
  }

  private isStringType(t: number): boolean {
    return t >= BC_STR_ASCII_FIX_0 && t <= BC_STR_GB18030;
  }

  /** A string value of one of the string types, its type byte read. */
  private stringOf(t: number): string {
    if (t < BC_STR_ASCII) return latin1(this.take(t - BC_STR_ASCII_FIX_0));
    if (t === BC_STR_ASCII) {
      const n = this.int32('string length');
      if (n < 0) throw new JsonbError(`string ${-n} of a symbol table the capture does not carry`);
      if (n > this.end - this.pos) throw new HessianEnd(`string length ${n} runs past the end (${this.end - this.pos} bytes left)`);
      return latin1(this.take(n));
    }
    const bytes = this.take(this.length('string length'));
    switch (t) {
      case BC_STR_UTF8:
        return UTF8.decode(bytes);
      case BC_STR_UTF16LE:
        return utf16(bytes, true);
      case BC_STR_UTF16BE:
        return utf16(bytes, false);
      case BC_STR_UTF16:
        if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), true);
        if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), false);
        return utf16(bytes, false);
      default:
        return gb18030(bytes);
    }
  }

  /** A name after BC_SYMBOL or BC_TYPED_ANY: a symbol number, or a string and the number it gets. */
  private symbol(what: string): string {
    if (this.intNext()) {
      const n = this.int32(what);
      if (n < 0) return `#${n}`; // an ordinal of a symbol table agreed out of band (Dubbo uses none)
      const s = this.symbols.get(n);
      if (s === undefined) throw new JsonbError(`${what} ${n} undefined`);
      return s;
    }
    const t = this.u8();
    if (!this.isStringType(t)) throw new JsonbError(`${what}: a string expected, found type 0x${t.toString(16)}`);
    const name = this.stringOf(t);
    const n = this.int32(what);
    if (this.symbols.size < MAX_ENTRIES) this.symbols.set(n, name);
    return name;
  }

  private reference(): HValue {
    const t = this.u8();
    if (!this.isStringType(t)) throw new JsonbError(`reference: a path expected, found type 0x${t.toString(16)}`);
    let path = this.stringOf(t);
    // "#-1": the same path as the reference before it (JSONWriterJSONB.writeReference)
    if (path === '#-1' && this.lastRef !== undefined) path = this.lastRef;
    else this.lastRef = path;
    return { $ref: path };
  }

  /** The next value. */
  value(depth = 0): HValue {
    if (depth > this.maxDepth) throw new JsonbError(`values nested deeper than ${this.maxDepth} levels`);
    const t = this.u8();
    const i = this.int64Of(t);
    if (i !== undefined) return i;
    if (this.isStringType(t)) return this.stringOf(t);
    if (t >= BC_ARRAY_FIX_0 && t <= BC_ARRAY) return this.array(t === BC_ARRAY ? this.length('array length') : t - BC_ARRAY_FIX_0, depth);
    switch (t) {
      case BC_NULL:
        return null;
      case BC_TRUE:
        return true;
      case BC_FALSE:
        return false;
      case BC_OBJECT:
        return this.object({}, depth);
      case BC_TYPED_ANY:
        return this.typed(depth);
      case BC_REFERENCE:
        return this.reference();
      case BC_SYMBOL:
        return this.symbol('symbol');
      case BC_CHAR:
        return String.fromCharCode(this.int32('char') & 0xffff);
      case BC_DOUBLE_NUM_0:
        return 0;
      case BC_DOUBLE_NUM_1:
        return 1;
      case BC_DOUBLE_LONG:
        return this.int64('double');
      case BC_DOUBLE: {
        const bytes = this.take(8);
        return num(new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, false));
      }
      case BC_FLOAT_INT:
        return this.int32('float');
      case BC_FLOAT: {
        const bytes = this.take(4);
        return floatText(new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, false));
      }
      case BC_DECIMAL_LONG:
        return this.int64('decimal');
      case BC_DECIMAL: {
        const scale = this.int32('decimal scale');
        return decimal(this.bigInteger(), scale);
      }
      case BC_BIGINT_LONG:
        return this.int64('big integer');
      case BC_BIGINT:
        return int(twosComplement(this.take(this.length('big integer length'))));
      case BC_BINARY: {
        const bytes = this.take(this.length('binary length'));
        const hex = toHex(bytes, BINARY_PREVIEW);
        return bytes.length > BINARY_PREVIEW ? { $binary: hex, size: bytes.length, truncated: true } : { $binary: hex, size: bytes.length };
      }
      case BC_TIMESTAMP_MILLIS:
        return { $date: dateText(Number(this.i64())) };
      case BC_TIMESTAMP_SECONDS:
        return { $date: dateText(this.i32() * 1000) };
      case BC_TIMESTAMP_MINUTES:
        return { $date: dateText(this.i32() * 60000) };
      case BC_TIMESTAMP: {
        const seconds = this.int64('timestamp seconds');
        const nanos = this.int32('timestamp nanoseconds');
        return { $date: instantText(Number(seconds), nanos) };
      }
      case BC_LOCAL_DATE:
        return { $date: this.ymd() };
      case BC_LOCAL_DATETIME: {
        const date = this.ymd();
        return { $date: `${date}T${this.hms()}` };
      }
      case BC_LOCAL_TIME:
        return { $time: this.hms() };
      case BC_TIMESTAMP_WITH_TIMEZONE: {
        const date = this.ymd();
        const time = this.hms();
        const zt = this.u8();
        if (!this.isStringType(zt)) throw new JsonbError(`zoned date-time: a zone id expected, found type 0x${zt.toString(16)}`);
        return { $date: `${date}T${time}`, zone: this.stringOf(zt) };
      }
      case BC_OBJECT_END:
        throw new JsonbError('object end outside an object');
      default:
        throw new JsonbError(`unknown JSONB type 0x${t.toString(16)}`);
    }
  }

  /** Year (2 bytes, signed), month, day: a LocalDate, or the date part of a LocalDateTime / ZonedDateTime. */
  private ymd(): string {
    const year = (this.be(2) << 16) >> 16;
    const month = this.u8();
    const day = this.u8();
    const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
    return `${y}-${two(month)}-${two(day)}`;
  }

  /** Hour, minute, second, then nanoseconds as an int32: the time part, as java.time prints it. */
  private hms(): string {
    const h = this.u8();
    const m = this.u8();
    const s = this.u8();
    const nanos = this.int32('nanoseconds');
    return `${two(h)}:${two(m)}:${two(s)}${fraction(nanos)}`;
  }

  /** The unscaled value of a BC_DECIMAL: an int32, int64, or BC_BIGINT / BC_BIGINT_LONG. */
  private bigInteger(): bigint {
    const t = this.u8();
    const i = this.int64Of(t);
    if (i !== undefined) return BigInt(i);
    if (t === BC_BIGINT || t === BC_BINARY) return twosComplement(this.take(this.length('big integer length')));
    if (t === BC_BIGINT_LONG) return BigInt(this.int64('big integer'));
    throw new JsonbError(`decimal: an unscaled integer expected, found type 0x${t.toString(16)}`);
  }

  private array(n: number, depth: number): HValue[] {
    const out: HValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  /** BC_TYPED_ANY: the class name (or its symbol), then the value it types. */
  private typed(depth: number): HValue {
    const name = this.symbol('type symbol');
    const t = this.peek();
    if (t === BC_OBJECT) {
      this.pos++;
      // JSONB does not tell a map from a bean: a class named …Map (TreeMap, java.util.LinkedHashMap,
      // fastjson2's short names) is shown as Hessian shows a typed map, any other as an object
      return this.object(/Map$/.test(name) ? { $type: name } : { $class: name }, depth);
    }
    const v = this.value(depth + 1);
    if (Array.isArray(v)) return { $type: name, items: v };
    return { $class: name, value: v };
  }

  /** Entries up to BC_OBJECT_END. Names are symbols, strings, or (map keys) any value. */
  private object(o: Record<string, HValue>, depth: number): HValue {
    const entries: Array<{ key: HValue; value: HValue }> = [];
    let simple = true;
    for (;;) {
      const t = this.peek();
      if (t === BC_OBJECT_END) {
        this.pos++;
        break;
      }
      if (entries.length >= MAX_ENTRIES) throw new JsonbError('object too long');
      let key: HValue;
      if (t === BC_SYMBOL) {
        this.pos++;
        key = this.symbol('name symbol');
      } else if (t === BC_NULL) {
        this.pos++;
        key = 'null';
      } else key = this.value(depth + 1);
      const v = this.value(depth + 1);
      entries.push({ key, value: v });
      if (key === null || typeof key !== 'object') setKey(o, String(key), v);
      else simple = false;
    }
    if (!simple) {
      const out: Record<string, HValue> = {};
      if (typeof o.$class === 'string') out.$class = o.$class;
      if (typeof o.$type === 'string') out.$type = o.$type;
      out.entries = entries as unknown as HValue;
      return out;
    }
    return o;
  }
}

/**
 * A Dubbo body in fastjson2 (serialization 23): values one after another, each a 4-byte
 * big-endian length and that many bytes of JSONB (FastJson2ObjectOutput.writeObject/writeLength).
 * Reads as the Dubbo decoder's other body readers do.
 */
export class Fastjson2BodyReader extends BodyCursor {
  value(): HValue {
    const left = this.end - this.pos;
    if (left < 4) throw new HessianEnd(left ? `${left} bytes where a 4-byte value length belongs` : 'end of body');
    const p = this.pos;
    const n = be32(this.b, p);
    if (n > left - 4) throw new HessianEnd(`value length ${n} runs past the end of the body (${left - 4} bytes left)`);
    if (n === 0) throw new JsonbError('empty value (length 0)');
    const r = new JsonbReader(this.b, p + 4, p + 4 + n, this.maxDepth);
    const v = r.value();
    if (!r.done) throw new JsonbError(`${p + 4 + n - r.pos} bytes after the value inside its ${n}-byte frame`);
    this.pos = p + 4 + n;
    return v;
  }

  string(): string {
    return utfValue(this.value());
  }
}

/** A value where Dubbo wrote a string (writeUTF): a string, or null (read as ''); anything else throws. */
export function utfValue(v: HValue): string {
  if (v === null) return '';
  if (typeof v !== 'string') throw new JsonbError(`a string expected, found ${JSON.stringify(v).slice(0, 40)}`);
  return v;
}

/** A BigInteger: a number when it is a safe integer, else its decimal text (as BodyCursor.i64 gives a long). */
function int(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/** A float as the shortest decimal that reads back as the same float (1.1f → 1.1, not 1.100000023841858). */
function floatText(f: number): number | string {
  if (!Number.isFinite(f)) return String(f);
  for (let p = 1; p <= 9; p++) {
    const v = Number(f.toPrecision(p));
    if (Math.fround(v) === f) return v;
  }
  return f;
}

/** unscaled × 10^-scale: a number when it holds the value exactly, else the digits as a string. */
function decimal(unscaled: bigint, scale: number): number | string {
  if (scale < -1000 || scale > 1000) throw new JsonbError(`decimal scale ${scale} out of bounds`);
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  let text: string;
  if (scale <= 0) text = digits + '0'.repeat(-scale);
  else {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  if (neg) text = `-${text}`;
  const n = Number(text);
  const plain = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return Number.isFinite(n) && String(n) === plain && (neg ? -unscaled : unscaled) <= BigInt(Number.MAX_SAFE_INTEGER) ? n : text;
}

/** A BigInteger's big-endian two's-complement bytes (BigInteger.toByteArray). */
function twosComplement(bytes: Uint8Array): bigint {
  if (!bytes.length) return 0n;
  let v = 0n;
  for (const x of bytes) v = (v << 8n) | BigInt(x);
  return bytes[0] & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

function utf16(bytes: Uint8Array, little: boolean): string {
  let s = '';
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    units.push(little ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
    if (units.length >= 4096) {
      s += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return s + String.fromCharCode(...units);
}

function gb18030(bytes: Uint8Array): string {
  try {
    return new TextDecoder('gb18030').decode(bytes);
  } catch {
    // a runtime without the GB18030 tables: the bytes, so nothing is lost
    return `gb18030:${toHex(bytes, BINARY_PREVIEW)}`;
  }
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Nanoseconds as java.time prints them: none, or 3, 6 or 9 digits. */
function fraction(nanos: number): string {
  if (nanos <= 0 || nanos > 999_999_999) return '';
  const d = String(nanos).padStart(9, '0');
  return `.${d.endsWith('000000') ? d.slice(0, 3) : d.endsWith('000') ? d.slice(0, 6) : d}`;
}

/** An Instant: seconds since the epoch and nanoseconds, to the nanosecond. */
function instantText(seconds: number, nanos: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return `${seconds}s+${nanos}ns`;
  return `${d.toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}
