/**
 * The AMQP 1.0 type system (OASIS AMQP 1.0, Part 1 §1.6 encodings): a reader of one encoded value
 * into plain data. Described types (§1.2: 0x00, descriptor, value) become `{descriptor, value}`,
 * with the descriptor as its code (`0x10`) or symbol; lists, maps and arrays are read element by
 * element; 64-bit integers beyond 2^53 are strings; binary is kept as bytes; timestamps are
 * milliseconds. Every length and count is checked against the bytes left, nesting is bounded.
 */
import { be16, be32, toHex, utf8Text } from '../core/bytes';

export class Amqp1Error extends Error {}

export interface Described {
  descriptor: number | string;
  value: unknown;
}

/** A map (§1.6.23): its entries in wire order (keys may be any type). */
export class Amqp1Map {
  constructor(readonly entries: Array<[unknown, unknown]>) {}
  get(key: string): unknown {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
}

export function isDescribed(v: unknown): v is Described {
  return !!v && typeof v === 'object' && 'descriptor' in (v as object) && 'value' in (v as object) && Object.keys(v as object).length === 2;
}

const MAX_DEPTH = 32;
const MAX_COUNT = 100_000;

export class Amqp1Reader {
  o: number;
  constructor(
    readonly b: Uint8Array,
    start = 0,
    readonly end = b.length,
  ) {
    this.o = start;
  }

  get left(): number {
    return this.end - this.o;
  }

  private need(n: number): void {
    if (n < 0 || this.o + n > this.end) throw new Amqp1Error(`value runs past the frame (${n} bytes needed, ${this.end - this.o} left)`);
  }

  private u8(): number {
    this.need(1);
    return this.b[this.o++];
  }

  private u16(): number {
    this.need(2);
    const v = be16(this.b, this.o);
    this.o += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = be32(this.b, this.o);
    this.o += 4;
    return v;
  }

  private i64(signed: boolean): number | string {
    this.need(8);
    const dv = new DataView(this.b.buffer, this.b.byteOffset + this.o, 8);
    const v = signed ? dv.getBigInt64(0) : dv.getBigUint64(0);
    this.o += 8;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }

  /** One value (constructor and data). */
  value(depth = 0): unknown {
    if (depth > MAX_DEPTH) throw new Amqp1Error(`values nested deeper than ${MAX_DEPTH} levels`);
    const code = this.u8();
    if (code === 0x00) {
      const d = this.value(depth + 1);
      const descriptor = typeof d === 'number' || typeof d === 'string' ? d : String(d);
      return { descriptor, value: this.value(depth + 1) } satisfies Described;
    }
    return this.data(code, depth);
  }

  /** The data of a value whose constructor is `code`. */
  data(code: number, depth: number): unknown {
    const dv = () => new DataView(this.b.buffer, this.b.byteOffset + this.o);
    switch (code) {
      case 0x40:
        return null;
      case 0x41:
        return true;
      case 0x42:
        return false;
      case 0x43:
      case 0x44:
        return 0;
      case 0x45:
        return [];
      case 0x50:
        return this.u8();
      case 0x51:
        return (this.u8() << 24) >> 24;
      case 0x52:
      case 0x53:
        return this.u8();
      case 0x54:
      case 0x55:
        return (this.u8() << 24) >> 24;
      case 0x56:
        return this.u8() !== 0;
      case 0x60:
        return this.u16();
      case 0x61:
        return (this.u16() << 16) >> 16;
      case 0x70:
        return this.u32();
      case 0x71:
        return this.u32() | 0;
      case 0x72: {
        this.need(4);
        const v = dv().getFloat32(0);
        this.o += 4;
        return Number.isFinite(v) ? v : String(v);
      }
      case 0x73:
        return String.fromCodePoint(Math.min(this.u32(), 0x10ffff));
      case 0x74:
        return { decimal32: toHex(this.bytes(4)) };
      case 0x80:
        return this.i64(false);
      case 0x81:
        return this.i64(true);
      case 0x82: {
        this.need(8);
        const v = dv().getFloat64(0);
        this.o += 8;
        return Number.isFinite(v) ? v : String(v);
      }
      case 0x83: {
        const ms = this.i64(true);
        return { timestamp: ms };
      }
      case 0x84:
        return { decimal64: toHex(this.bytes(8)) };
      case 0x94:
        return { decimal128: toHex(this.bytes(16)) };
      case 0x98: {
        const h = toHex(this.bytes(16));
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      case 0xa0:
        return this.bytes(this.u8());
      case 0xb0:
        return this.bytes(this.u32());
      case 0xa1:
      case 0xa3:
        return utf8Text(this.bytes(this.u8()));
      case 0xb1:
      case 0xb3:
        return utf8Text(this.bytes(this.u32()));
      case 0xc0:
      case 0xd0:
        return this.list(code === 0xc0, depth);
      case 0xc1:
      case 0xd1:
        return this.map(code === 0xc1, depth);
      case 0xe0:
      case 0xf0:
        return this.array(code === 0xe0, depth);
      default:
        throw new Amqp1Error(`unknown type constructor 0x${code.toString(16).padStart(2, '0')}`);
    }
  }

  private compound(small: boolean): { count: number; end: number } {
    const size = small ? this.u8() : this.u32();
    this.need(size);
    const end = this.o + size;
    const count = small ? this.u8() : this.u32();
    if (count > MAX_COUNT || count > size) throw new Amqp1Error(`${count} elements in ${size} bytes`);
    return { count, end };
  }

  private list(small: boolean, depth: number): unknown[] {
    const { count, end } = this.compound(small);
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(depth + 1));
    if (this.o !== end) throw new Amqp1Error('list size and contents disagree');
    return out;
  }

  private map(small: boolean, depth: number): Amqp1Map {
    const { count, end } = this.compound(small);
    if (count % 2) throw new Amqp1Error('map with an odd element count');
    const out: Array<[unknown, unknown]> = [];
    for (let i = 0; i < count; i += 2) out.push([this.value(depth + 1), this.value(depth + 1)]);
    if (this.o !== end) throw new Amqp1Error('map size and contents disagree');
    return new Amqp1Map(out);
  }

  private array(small: boolean, depth: number): unknown[] {
    const { count, end } = this.compound(small);
    let code = this.u8();
    let descriptor: unknown;
    if (code === 0x00) {
      descriptor = this.value(depth + 1);
      code = this.u8();
    }
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const v = this.data(code, depth + 1);
      out.push(descriptor !== undefined ? { descriptor, value: v } : v);
    }
    if (this.o !== end) throw new Amqp1Error('array size and contents disagree');
    return out;
  }
}

/** A map as a plain object (keys as text), for display. */
export function mapObject(m: Amqp1Map, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, x] of m.entries) Object.defineProperty(o, typeof k === 'string' ? k : JSON.stringify(plain(k, depth + 1)), { value: plain(x, depth + 1), enumerable: true, writable: true, configurable: true });
  return o;
}

/** Values for display: bytes as {hex, size} (the first 64), maps as objects, described as `{descriptor: value}`. */
export function plain(v: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '…';
  if (v instanceof Uint8Array) return { binary: v.length, hex: toHex(v.subarray(0, 64)) };
  if (isDescribed(v)) return { [typeof v.descriptor === 'number' ? `0x${v.descriptor.toString(16)}` : v.descriptor]: plain(v.value, depth + 1) };
  if (v instanceof Amqp1Map) return mapObject(v, depth);
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  return v;
}
