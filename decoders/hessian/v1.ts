/**
 * Hessian 1.0 values (the Hessian 1.0 spec, section 3), as HessianProxyFactory's default call envelope
 * carries them: N T F, I (int32), L (int64), D (double), d (date, ms), S/s and X/x (string chunks, len16),
 * B/b (binary chunks, len16: `{$binary, size}`), V (list, `{$type, items}` when typed: optional `t` type and `l` length, values, z), M (map: optional `t`
 * type, key/value pairs, z), R (reference). Bounded; past the end it throws, malformed input throws.
 */
import { toHex } from '../core/bytes';
import type { HValue } from '../dubbo/hessian';

const MAX_ITEMS = 100_000;

export class Hessian1Reader {
  private refs: HValue[] = [];
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    private readonly end: number,
    private readonly maxDepth: number,
  ) {}

  u8(): number {
    if (this.pos >= this.end) throw new Error('body ends inside a value');
    return this.b[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) throw new Error('body ends inside a value');
    return this.b[this.pos];
  }

  be(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.u8();
    return v;
  }

  private take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new Error('body ends inside a value');
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `n` UTF-16 code units' worth of UTF-8 (Hessian lengths count characters, not bytes). */
  utf8(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = this.u8();
      if (c < 0x80) s += String.fromCharCode(c);
      else if ((c & 0xe0) === 0xc0) s += String.fromCharCode(((c & 0x1f) << 6) | (this.u8() & 0x3f));
      else s += String.fromCharCode(((c & 0x0f) << 12) | ((this.u8() & 0x3f) << 6) | (this.u8() & 0x3f));
    }
    return s;
  }

  private i64(): number | string {
    const hi = this.be(4);
    const lo = this.be(4);
    const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }

  private type(): string | undefined {
    if (this.peek() !== 0x74) return undefined;
    this.u8();
    return this.utf8(this.be(2));
  }

  value(depth: number): HValue {
    if (depth > this.maxDepth) throw new Error(`values nested deeper than ${this.maxDepth} levels`);
    const c = this.u8();
    switch (c) {
      case 0x4e: // N
        return null;
      case 0x54: // T
        return true;
      case 0x46: // F
        return false;
      case 0x49: // I
        return this.be(4) | 0;
      case 0x4c: // L
        return this.i64();
      case 0x44: // D
        return new DataView(this.take(8).slice().buffer).getFloat64(0, false);
      case 0x64: {
        // d: date, ms since the epoch
        const ms = Number(this.i64());
        const d = new Date(ms);
        return { $date: Number.isNaN(d.getTime()) ? String(ms) : d.toISOString() };
      }
      case 0x53: // S, X: final string chunk
      case 0x58:
        return this.utf8(this.be(2));
      case 0x73: // s, x: non-final chunk
      case 0x78: {
        let s = this.utf8(this.be(2));
        for (let i = 0; i < MAX_ITEMS; i++) {
          const t = this.u8();
          s += this.utf8(this.be(2));
          if (t === 0x53 || t === 0x58) return s;
        }
        throw new Error('string chunks without an end');
      }
      case 0x42: // B
      case 0x62: {
        // b: non-final binary chunks, then B
        let size = 0;
        let first: Uint8Array | undefined;
        for (let t: number = c, i = 0; i < MAX_ITEMS; i++) {
          const chunk = this.take(this.be(2));
          first ??= chunk;
          size += chunk.length;
          if (t === 0x42) return { $binary: toHex(first, 64), size };
          t = this.u8();
        }
        throw new Error('binary chunks without an end');
      }
      case 0x56: {
        // V: list
        const type = this.type();
        if (this.peek() === 0x6c) {
          this.u8();
          this.be(4);
        }
        const items: HValue[] = [];
        this.refs.push(items);
        while (this.peek() !== 0x7a) {
          if (items.length >= MAX_ITEMS) throw new Error('list too long');
          items.push(this.value(depth + 1));
        }
        this.u8();
        // (as the Hessian 2 reader shows a typed list)
        return type ? { $type: type, items } : items;
      }
      case 0x4d: {
        // M: map
        const type = this.type();
        const o: Record<string, HValue> = {};
        if (type) o.$type = type;
        this.refs.push(o);
        for (let i = 0; this.peek() !== 0x7a; i++) {
          if (i >= MAX_ITEMS) throw new Error('map too long');
          const k = this.value(depth + 1);
          const v = this.value(depth + 1);
          const key = typeof k === 'string' ? k : JSON.stringify(k);
          if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
          else o[key] = v;
        }
        this.u8();
        return o;
      }
      case 0x52: {
        // R: reference to an earlier list or map
        const i = this.be(4);
        const v = this.refs[i];
        if (v === undefined) throw new Error(`reference ${i} undefined`);
        return v;
      }
      default:
        throw new Error(`unknown Hessian 1.0 tag 0x${c.toString(16)}`);
    }
  }
}
