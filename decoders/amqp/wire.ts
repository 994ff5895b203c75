/**
 * AMQP 0-9-1 §4.2.5 data types: integers, short/long strings, bit packing, field tables and
 * arrays (with the RabbitMQ/errata type letters), read from one frame payload. Reads never go
 * past the end: a short read sets `error` and returns a neutral value.
 */
import { be16, be32, utf8Text, toHex } from '../core/bytes';
import type { ArgType } from './methods';

export class Reader {
  o: number;
  error: string | undefined;
  private bitByte = 0;
  private bitPos = 8;

  constructor(
    readonly b: Uint8Array,
    start = 0,
    readonly end = b.length,
    readonly maxDepth = 64,
    readonly maxString = 1 << 16,
  ) {
    this.o = start;
  }

  private need(n: number, what: string): boolean {
    if (this.error) return false;
    if (this.o + n > this.end) {
      this.error = `${what} runs past the end of the frame`;
      this.o = this.end;
      return false;
    }
    return true;
  }

  private resetBits(): void {
    this.bitPos = 8;
  }

  octet(): number {
    this.resetBits();
    if (!this.need(1, 'octet')) return 0;
    return this.b[this.o++];
  }
  short(): number {
    this.resetBits();
    if (!this.need(2, 'short')) return 0;
    const v = be16(this.b, this.o);
    this.o += 2;
    return v;
  }
  long(): number {
    this.resetBits();
    if (!this.need(4, 'long')) return 0;
    const v = be32(this.b, this.o);
    this.o += 4;
    return v;
  }
  /** Unsigned 64-bit as a bigint. */
  longlongBig(): bigint {
    this.resetBits();
    if (!this.need(8, 'longlong')) return 0n;
    const v = (BigInt(be32(this.b, this.o)) << 32n) | BigInt(be32(this.b, this.o + 4));
    this.o += 8;
    return v;
  }
  bit(): boolean {
    if (this.bitPos >= 8) {
      if (!this.need(1, 'bit')) return false;
      this.bitByte = this.b[this.o++];
      this.bitPos = 0;
    }
    return ((this.bitByte >> this.bitPos++) & 1) === 1;
  }
  shortstr(): string {
    const n = this.octet();
    if (!this.need(n, 'short string')) return '';
    const s = utf8Text(this.b.subarray(this.o, this.o + n));
    this.o += n;
    return s;
  }
  longstrBytes(): Uint8Array {
    const n = this.long();
    if (!this.need(n, 'long string')) return new Uint8Array(0);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  longstr(): string {
    return bytesText(this.longstrBytes(), this.maxString);
  }

  /** §4.2.5.5 field table: long size, then (shortstr name, typed value)*. */
  table(depth = 0): Record<string, unknown> {
    const size = this.long();
    const out: Record<string, unknown> = {};
    if (!this.need(size, 'field table')) return out;
    const end = this.o + size;
    if (depth >= this.maxDepth) {
      this.o = end;
      out['…'] = 'nesting too deep';
      return out;
    }
    const sub = new Reader(this.b, this.o, end, this.maxDepth, this.maxString);
    let count = 0;
    while (sub.o < end && !sub.error) {
      const name = sub.shortstr();
      const v = sub.value(depth + 1);
      if (sub.error) break;
      if (count++ < 1024) out[name] = v;
    }
    if (sub.error) this.error = sub.error;
    this.o = end;
    return out;
  }

  private array(depth: number): unknown[] {
    const size = this.long();
    const out: unknown[] = [];
    if (!this.need(size, 'field array')) return out;
    const end = this.o + size;
    if (depth >= this.maxDepth) {
      this.o = end;
      return ['nesting too deep'];
    }
    const sub = new Reader(this.b, this.o, end, this.maxDepth, this.maxString);
    while (sub.o < end && !sub.error) {
      const v = sub.value(depth + 1);
      if (sub.error) break;
      if (out.length < 1024) out.push(v);
    }
    if (sub.error) this.error = sub.error;
    this.o = end;
    return out;
  }

  /** One typed field value (RabbitMQ's letters, which the 0-9-1 errata adopted). */
  value(depth: number): unknown {
    const t = this.octet();
    if (this.error) return undefined;
    const b = this.b;
    const signed = (n: number, bits: number) => (n >= 2 ** (bits - 1) ? n - 2 ** bits : n);
    switch (String.fromCharCode(t)) {
      case 't':
        return this.octet() !== 0;
      case 'b':
        return signed(this.octet(), 8);
      case 'B':
        return this.octet();
      case 's':
      case 'U':
        return signed(this.short(), 16);
      case 'u':
        return this.short();
      case 'I':
        return signed(this.long(), 32);
      case 'i':
        return this.long();
      case 'l':
      case 'L': {
        const v = BigInt.asIntN(64, this.longlongBig());
        return bigToJson(t === 0x4c ? BigInt.asUintN(64, v) : v);
      }
      case 'f': {
        if (!this.need(4, 'float')) return 0;
        const v = new DataView(b.buffer, b.byteOffset + this.o, 4).getFloat32(0);
        this.o += 4;
        return v;
      }
      case 'd': {
        if (!this.need(8, 'double')) return 0;
        const v = new DataView(b.buffer, b.byteOffset + this.o, 8).getFloat64(0);
        this.o += 8;
        return v;
      }
      case 'D': {
        const scale = this.octet();
        const v = signed(this.long(), 32);
        return scale ? v / 10 ** Math.min(scale, 20) : v;
      }
      case 'S':
        return this.longstr();
      case 'x':
        return { bytes: toHex(this.longstrBytes(), 256) };
      case 'A':
        return this.array(depth);
      case 'T':
        return bigToJson(this.longlongBig());
      case 'F':
        return this.table(depth);
      case 'V':
        return null;
      default:
        this.error = `unknown field value type 0x${t.toString(16).padStart(2, '0')}`;
        return undefined;
    }
  }

  arg(type: ArgType): unknown {
    switch (type) {
      case 'octet':
        return this.octet();
      case 'short':
        return this.short();
      case 'long':
        return this.long();
      case 'longlong':
        return bigToJson(this.longlongBig());
      case 'shortstr':
        return this.shortstr();
      case 'longstr':
        return this.longstr();
      case 'bit':
        return this.bit();
      case 'table':
        return this.table(0);
    }
  }
}

/** A 64-bit integer as a JSON number when it is exact, else as a decimal string. */
export function bigToJson(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function bytesText(b: Uint8Array, max: number): string {
  const cut = b.subarray(0, max);
  for (let i = 0; i < cut.length; i++) {
    const c = cut[i];
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return `0x${toHex(cut, 256)}${b.length > 256 ? '…' : ''}`;
  }
  const s = utf8Text(cut);
  return b.length > max ? `${s}…` : s;
}
