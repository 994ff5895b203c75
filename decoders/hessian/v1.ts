/**
 * Hessian 1.0 values (the Hessian 1.0 spec, section 3), as HessianProxyFactory's default call envelope
 * carries them: N T F, I (int32), L (int64), D (double), d (date, ms), S/s and X/x (string chunks, len16),
 * B/b (binary chunks, len16: `{$binary, size}`), V (list, `{$type, items}` when typed: optional `t` type and `l` length, values, z), M (map: optional `t`
 * type, key/value pairs, z), R (reference). Bounded; past the end it throws HessianEnd, malformed input
 * another Error. The byte reading (and Hessian's UTF-8 by characters) is Dubbo's Hessian 2 reader's BodyCursor.
 */
import { toHex } from '../core/bytes';
import { BodyCursor, dateText, type HValue } from '../dubbo/hessian';

const MAX_ITEMS = 100_000;

export class Hessian1Reader extends BodyCursor {
  private refs: HValue[] = [];

  /** Whether the next byte is `tag` (and then past it). Past the end: HessianEnd. */
  at(tag: number): boolean {
    if (this.peek() !== tag) return false;
    this.pos++;
    return true;
  }

  /** A string of a 16-bit length (in characters): a header or method name. */
  string16(): string {
    return this.utf8Chars(this.be(2));
  }

  private type(): string | undefined {
    return this.at(0x74) ? this.string16() : undefined;
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
        return this.i32();
      case 0x4c: // L
        return this.i64();
      case 0x44: // D
        {
        const d = this.take(8);
        return new DataView(d.buffer, d.byteOffset, 8).getFloat64(0, false);
      }
      case 0x64: {
        // d: date, ms since the epoch
        return { $date: dateText(Number(this.i64())) };
      }
      case 0x53: // S, X: final string chunk
      case 0x58:
        return this.string16();
      case 0x73: // s, x: non-final chunk
      case 0x78: {
        let s = this.string16();
        for (let i = 0; i < MAX_ITEMS; i++) {
          const t = this.u8();
          s += this.string16();
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
        if (this.at(0x6c)) this.be(4);
        const items: HValue[] = [];
        this.refs.push(items);
        while (!this.at(0x7a)) {
          if (items.length >= MAX_ITEMS) throw new Error('list too long');
          items.push(this.value(depth + 1));
        }
        // (as the Hessian 2 reader shows a typed list)
        return type ? { $type: type, items } : items;
      }
      case 0x4d: {
        // M: map
        const type = this.type();
        const o: Record<string, HValue> = {};
        if (type) o.$type = type;
        this.refs.push(o);
        for (let i = 0; !this.at(0x7a); i++) {
          if (i >= MAX_ITEMS) throw new Error('map too long');
          const k = this.value(depth + 1);
          const v = this.value(depth + 1);
          const key = typeof k === 'string' ? k : JSON.stringify(k);
          if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
          else o[key] = v;
        }
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
