/**
 * Hessian 2.0 serialization (the Hessian 2.0 Serialization Protocol spec, sections 3–4): a reader
 * for the values Dubbo writes — null, boolean, int, long, double, date, string (chunked), binary
 * (chunked), list, map, class definitions + objects, and value/type/class references. Pure, no
 * Buffer. One `HessianReader` per body: class definitions and references persist across the
 * values read from it. Past the end it throws `HessianEnd`; malformed input throws `HessianError`.
 */
import { toHex } from '../core/bytes';

export class HessianEnd extends Error {}
export class HessianError extends Error {}

/** A typed object: `{ $class: 'com.example.Person', name: 'Ada', … }`. */
export type HValue = null | boolean | number | string | HValue[] | { [k: string]: HValue };

interface ClassDef {
  name: string;
  fields: string[];
}

const MAX_ITEMS = 1_000_000;

/**
 * The bytes `b[start, end)` of a body read front to back, shared by the Hessian (2.0, and 1.0 in
 * decoders/hessian/v1.ts) and JSONB readers:
 * every read past `end` throws HessianEnd (a body cut short).
 */
export class BodyCursor {
  pos: number;

  constructor(
    protected readonly b: Uint8Array,
    start = 0,
    protected readonly end = b.length,
    protected readonly maxDepth = 64,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  protected u8(): number {
    if (this.pos >= this.end) throw new HessianEnd('end of body');
    return this.b[this.pos++];
  }

  protected peek(): number {
    if (this.pos >= this.end) throw new HessianEnd('end of body');
    return this.b[this.pos];
  }

  protected take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new HessianEnd('end of body');
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `n` bytes big-endian, unsigned (n ≤ 6). */
  protected be(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.u8();
    return v;
  }

  /** A signed 32-bit big-endian integer. */
  protected i32(): number {
    return this.be(4) | 0;
  }

  /** A signed 64-bit big-endian integer: a number when it is a safe integer, else its decimal text. */
  protected i64(): number | string {
    const hi = this.be(4);
    const lo = this.be(4);
    const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }

  /** `len` UTF-16 code units of Hessian's UTF-8 (supplementary chars may come as surrogate triples). */
  protected utf8Chars(len: number): string {
    if (len > MAX_ITEMS * 4) throw new HessianError(`string length ${len} out of bounds`);
    const units: number[] = [];
    let s = '';
    for (let i = 0; i < len; ) {
      const c = this.u8();
      let cp: number;
      if (c < 0x80) cp = c;
      else if ((c & 0xe0) === 0xc0) cp = ((c & 0x1f) << 6) | (this.u8() & 0x3f);
      else if ((c & 0xf0) === 0xe0) cp = ((c & 0x0f) << 12) | ((this.u8() & 0x3f) << 6) | (this.u8() & 0x3f);
      else if ((c & 0xf8) === 0xf0) cp = ((c & 0x07) << 18) | ((this.u8() & 0x3f) << 12) | ((this.u8() & 0x3f) << 6) | (this.u8() & 0x3f);
      else throw new HessianError(`bad UTF-8 lead byte 0x${c.toString(16)}`);
      if (cp > 0xffff) {
        units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
        i += 2;
      } else {
        units.push(cp);
        i++;
      }
      if (units.length >= 4096) {
        s += String.fromCharCode(...units);
        units.length = 0;
      }
    }
    return s + String.fromCharCode(...units);
  }
}

export class HessianReader extends BodyCursor {
  private classes: ClassDef[] = [];
  private types: string[] = [];
  private refs: HValue[] = [];

  /** A string value (with chunks), or throws if the next value is not a string. */
  string(): string {
    let s = '';
    for (;;) {
      const c = this.u8();
      if (c <= 0x1f) return s + this.utf8Chars(c);
      if (c >= 0x30 && c <= 0x33) return s + this.utf8Chars(((c - 0x30) << 8) | this.u8());
      if (c === 0x53) return s + this.utf8Chars(this.be(2)); // 'S' final chunk
      if (c === 0x52) {
        s += this.utf8Chars(this.be(2)); // 'R' non-final chunk
        continue;
      }
      if (c === 0x4e && s === '') return ''; // null where a string is expected
      throw new HessianError(`expected a string, found 0x${c.toString(16)}`);
    }
  }

  private int(): number {
    const v = this.value(0);
    if (typeof v !== 'number') throw new HessianError('expected an int');
    return v;
  }

  private type(): string {
    const c = this.peek();
    if (c <= 0x1f || (c >= 0x30 && c <= 0x33) || c === 0x52 || c === 0x53) {
      const t = this.string();
      this.types.push(t);
      return t;
    }
    const ref = this.int();
    const t = this.types[ref];
    if (t === undefined) throw new HessianError(`type reference ${ref} undefined`);
    return t;
  }

  private binary(first: number): HValue {
    const parts: Uint8Array[] = [];
    let c = first;
    for (;;) {
      if (c >= 0x20 && c <= 0x2f) {
        parts.push(this.take(c - 0x20));
        break;
      }
      if (c >= 0x34 && c <= 0x37) {
        parts.push(this.take(((c - 0x34) << 8) | this.u8()));
        break;
      }
      const len = this.be(2);
      parts.push(this.take(len));
      if (c === 0x42) break; // 'B' final
      c = this.u8(); // after 'A' (non-final) comes another chunk
      if (!(c === 0x41 || c === 0x42 || (c >= 0x20 && c <= 0x2f) || (c >= 0x34 && c <= 0x37))) throw new HessianError('bad binary chunk');
    }
    let size = 0;
    for (const p of parts) size += p.length;
    let hex = '';
    for (const p of parts) hex += toHex(p, 1024 - hex.length / 2);
    return size * 2 > hex.length ? { $binary: hex, size, truncated: true } : { $binary: hex, size };
  }

  private list(n: number | undefined, type: string | undefined, depth: number): HValue {
    const out: HValue[] = [];
    this.refs.push(out);
    if (n !== undefined) {
      if (n < 0 || n > MAX_ITEMS) throw new HessianError(`list length ${n} out of bounds`);
      for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    } else {
      while (this.peek() !== 0x5a) {
        if (out.length >= MAX_ITEMS) throw new HessianError('list too long');
        out.push(this.value(depth + 1));
      }
      this.u8();
    }
    if (type) return { $type: type, items: out } as { [k: string]: HValue };
    return out;
  }

  private map(type: string | undefined, depth: number): HValue {
    const o: Record<string, HValue> = {};
    const entries: Array<{ key: HValue; value: HValue }> = [];
    let simple = true;
    this.refs.push(o);
    if (type) o.$type = type;
    while (this.peek() !== 0x5a) {
      if (entries.length >= MAX_ITEMS) throw new HessianError('map too long');
      const k = this.value(depth + 1);
      const v = this.value(depth + 1);
      entries.push({ key: k, value: v });
      if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') setKey(o, String(k), v);
      else simple = false;
    }
    this.u8();
    if (!simple) return { ...(type ? { $type: type } : {}), entries: entries as unknown as HValue };
    return o;
  }

  private object(def: ClassDef, depth: number): HValue {
    const o: Record<string, HValue> = { $class: def.name };
    this.refs.push(o);
    for (const f of def.fields) setKey(o, f, this.value(depth + 1));
    return o;
  }

  /** The next value. */
  value(depth = 0): HValue {
    if (depth > this.maxDepth) throw new HessianError(`values nested deeper than ${this.maxDepth} levels`);
    const c = this.u8();
    if (c >= 0x80 && c <= 0xbf) return c - 0x90; // 1-byte int
    if (c >= 0xc0 && c <= 0xcf) return ((c - 0xc8) << 8) + this.u8(); // 2-byte int
    if (c >= 0xd0 && c <= 0xd7) return ((c - 0xd4) << 16) + this.be(2); // 3-byte int
    if (c >= 0xd8 && c <= 0xef) return c - 0xe0; // 1-byte long
    if (c >= 0xf0) return ((c - 0xf8) << 8) + this.u8(); // 2-byte long
    if (c >= 0x38 && c <= 0x3f) return ((c - 0x3c) << 16) + this.be(2); // 3-byte long
    if (c <= 0x1f || (c >= 0x30 && c <= 0x33) || c === 0x52 || c === 0x53) {
      this.pos--;
      return this.string();
    }
    if ((c >= 0x20 && c <= 0x2f) || (c >= 0x34 && c <= 0x37) || c === 0x41 || c === 0x42) return this.binary(c);
    if (c >= 0x60 && c <= 0x6f) {
      const def = this.classes[c - 0x60];
      if (!def) throw new HessianError(`class definition ${c - 0x60} undefined`);
      return this.object(def, depth);
    }
    if (c >= 0x70 && c <= 0x77) return this.list(c - 0x70, this.type(), depth);
    if (c >= 0x78 && c <= 0x7f) return this.list(c - 0x78, undefined, depth);
    switch (c) {
      case 0x4e: // N
        return null;
      case 0x54: // T
        return true;
      case 0x46: // F
        return false;
      case 0x49: // I
        return this.i32();
      case 0x59: // Y: long as 32-bit
        return this.i32();
      case 0x4c: // L
        return this.i64();
      case 0x44: {
        // D
        const bytes = this.take(8);
        return num(new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, false));
      }
      case 0x5b:
        return 0.0;
      case 0x5c:
        return 1.0;
      case 0x5d:
        return (this.u8() << 24) >> 24;
      case 0x5e:
        return (this.be(2) << 16) >> 16;
      case 0x5f:
        return this.i32() / 1000; // double as int millis
      case 0x4a: {
        // J: date, ms since epoch
        const ms = this.i64();
        return { $date: dateText(Number(ms)) };
      }
      case 0x4b: // K: date, minutes since epoch
        return { $date: dateText(this.i32() * 60000) };
      case 0x55: // U: variable-length typed list
        return this.list(undefined, this.type(), depth);
      case 0x56: {
        // V: fixed-length typed list
        const t = this.type();
        return this.list(this.int(), t, depth);
      }
      case 0x57: // W: variable-length untyped list
        return this.list(undefined, undefined, depth);
      case 0x58: // X: fixed-length untyped list
        return this.list(this.int(), undefined, depth);
      case 0x48: // H: untyped map
        return this.map(undefined, depth);
      case 0x4d: // M: typed map
        return this.map(this.type(), depth);
      case 0x43: {
        // C: class definition, then the value that follows
        const name = this.string();
        const n = this.int();
        if (n < 0 || n > 65536) throw new HessianError(`class field count ${n} out of bounds`);
        const fields: string[] = [];
        for (let i = 0; i < n; i++) fields.push(this.string());
        this.classes.push({ name, fields });
        return this.value(depth);
      }
      case 0x4f: {
        // O: object instance by class index
        const idx = this.int();
        const def = this.classes[idx];
        if (!def) throw new HessianError(`class definition ${idx} undefined`);
        return this.object(def, depth);
      }
      case 0x51: {
        // Q: reference to an earlier list/map/object
        const idx = this.int();
        if (idx < 0 || idx >= this.refs.length) throw new HessianError(`value reference ${idx} undefined`);
        return { $ref: idx };
      }
      default:
        throw new HessianError(`unknown Hessian code 0x${c.toString(16)}`);
    }
  }
}

export function setKey(o: Record<string, HValue>, k: string, v: HValue): void {
  if (k === '__proto__' || Object.hasOwn(Object.prototype, k)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function num(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function dateText(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
