/**
 * Apache Thrift's JSON protocol (TJSONProtocol; thrift/doc/specs/thrift-json-protocol.md and the
 * reference implementations), the protocol of Thrift's JavaScript library and common over HTTP:
 *
 *   message  [1, "name", type, seqid, struct]
 *   struct   {"<field id>": {"<type>": value}, …}
 *   types    "tf" (bool as 1/0) "i8" "i16" "i32" "i64" "dbl" (a number, or "NaN"/"Infinity"/
 *            "-Infinity") "str" (text; a `binary` field's bytes as base64) "rec" (struct)
 *            "map" ["keyType","valueType",count,{key: value…}] (keys always quoted)
 *            "lst" / "set" ["elemType",count,v1,v2…]  "uid" (uuid text)
 *
 * Read into the same tree (`TNode`) as the binary and compact protocols. The text is parsed by a
 * small reader of its own: i64 values beyond 2^53 stay exact (JSON.parse would round them), and
 * nesting, counts and lengths are bounded like the other protocols'.
 */
import { ThriftError, MESSAGE_TYPES, type ReadLimits, type TField, type TNode, type TType, type ThriftMessage } from './wire';

const TYPES: Record<string, TType> = Object.assign(Object.create(null), { tf: 'bool', i8: 'i8', i16: 'i16', i32: 'i32', i64: 'i64', dbl: 'double', str: 'binary', rec: 'struct', map: 'map', lst: 'list', set: 'set', uid: 'uuid' });

/** A JSON value with numbers kept as their text. */
type J = { n: string } | string | boolean | null | J[] | { o: Array<[string, J]> };

const encoder = new TextEncoder();

const SPECIAL_DOUBLES = new Map<string, number>([
  ['NaN', Number.NaN],
  ['nan', Number.NaN],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);

/** Does this text look like a TJSON message (`[1,"name",type,seqid,{…`)? */
export function looksLikeTJson(text: string): boolean {
  // (every HTTP body with a JSON or text type is asked: most start with `{`)
  const c = text.charCodeAt(0);
  if (c !== 0x5b && !(c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) return false;
  return /^\s*\[\s*1\s*,\s*"(?:[^"\\]|\\.){1,256}"\s*,\s*[1-4]\s*,\s*-?\d+\s*,\s*\{/.test(text.slice(0, 400));
}

/** One TJSON message. Throws ThriftError on malformed or out-of-bounds input. */
export function readJsonMessage(text: string, limits: ReadLimits): ThriftMessage {
  const p = new Parser(text, limits);
  const top = p.value(0);
  p.end();
  if (!Array.isArray(top) || top.length < 5) throw new ThriftError('a TJSON message is an array [version, name, type, seqid, struct]');
  const [version, name, type, seqid, body] = top;
  if (num(version) !== 1) throw new ThriftError(`TJSON version ${JSON.stringify(version)} (1 expected)`);
  if (typeof name !== 'string') throw new ThriftError('TJSON message name is not a string');
  const t = num(type);
  if (t === undefined || !MESSAGE_TYPES[t]) throw new ThriftError(`unknown message type ${JSON.stringify(type)}`);
  const seq = num(seqid);
  if (seq === undefined) throw new ThriftError('TJSON sequence id is not a number');
  const conv = new Converter(limits);
  return { protocol: 'json', strict: true, type: t, name, seqid: seq, body: conv.struct(body, 1) };
}

/**
 * The header of a TJSON message cut short (snaplen, loss): `[1,"name",type,seqid,` read from the
 * captured start, with an empty struct (no field is known whole). Undefined when even the header
 * was not captured or is not TJSON.
 */
export function readPartialJsonHeader(text: string): ThriftMessage | undefined {
  const m = /^\s*\[\s*1\s*,\s*"((?:[^"\\]|\\.){1,256})"\s*,\s*([1-4])\s*,\s*(-?\d{1,10})\s*,/.exec(text.slice(0, 600));
  if (!m) return undefined;
  let name: unknown;
  try {
    name = JSON.parse(`"${m[1]}"`);
  } catch {
    return undefined;
  }
  const seqid = Number(m[3]);
  if (typeof name !== 'string' || seqid < -2147483648 || seqid > 2147483647) return undefined;
  return { protocol: 'json', strict: true, type: Number(m[2]), name, seqid, body: { t: 'struct', fields: [] } };
}

function num(j: J | undefined): number | undefined {
  if (j && typeof j === 'object' && 'n' in j) {
    const v = Number(j.n);
    return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}

class Converter {
  constructor(private readonly limits: ReadLimits) {}

  struct(j: J, depth: number): TNode & { t: 'struct' } {
    if (depth > this.limits.maxDepth) throw new ThriftError(`values nested deeper than ${this.limits.maxDepth} levels`);
    if (!j || typeof j !== 'object' || !('o' in j)) throw new ThriftError('a TJSON struct is an object');
    const fields: TField[] = [];
    for (const [k, v] of j.o) {
      const id = Number(k);
      if (!Number.isInteger(id) || id < -32768 || id > 32767) throw new ThriftError(`field id "${k}" is not an i16`);
      if (!v || typeof v !== 'object' || !('o' in v) || v.o.length !== 1) throw new ThriftError(`field ${id}: {"type": value} expected`);
      const [tn, val] = v.o[0];
      fields.push({ id, node: this.value(typeOf(tn), val, depth + 1) });
    }
    return { t: 'struct', fields };
  }

  value(t: TType, j: J, depth: number): TNode {
    if (depth > this.limits.maxDepth) throw new ThriftError(`values nested deeper than ${this.limits.maxDepth} levels`);
    switch (t) {
      case 'bool':
        return { t: 'bool', v: j === true || num(j) === 1 };
      case 'i8':
      case 'i16':
      case 'i32': {
        const v = num(j);
        if (v === undefined || !Number.isInteger(v)) throw new ThriftError(`${t} value ${short(j)} is not an integer`);
        return { t, v };
      }
      case 'i64': {
        const text = j && typeof j === 'object' && 'n' in j ? j.n : typeof j === 'string' ? j : '';
        if (!/^-?\d{1,20}$/.test(text)) throw new ThriftError(`i64 value ${short(j)} is not an integer`);
        return { t: 'i64', v: BigInt.asIntN(64, BigInt(text)) };
      }
      case 'double': {
        // "NaN", "Infinity", "-Infinity" quoted (Java, C++) or bare (Python writes nan, inf)
        const text = j && typeof j === 'object' && 'n' in j ? j.n : typeof j === 'string' ? j : '';
        const v = SPECIAL_DOUBLES.get(text) ?? (/^-?\d/.test(text) ? Number(text) : Number.NaN);
        if (Number.isNaN(v) && !SPECIAL_DOUBLES.has(text)) throw new ThriftError(`dbl value ${short(j)} is not a number`);
        return { t: 'double', v };
      }
      case 'binary':
        if (typeof j !== 'string') throw new ThriftError(`str value ${short(j)} is not a string`);
        return { t: 'binary', v: encoder.encode(j), json: true };
      case 'uuid':
        if (typeof j !== 'string') throw new ThriftError('uid value is not a string');
        return { t: 'uuid', v: j };
      case 'struct':
        return this.struct(j, depth);
      case 'list':
      case 'set': {
        if (!Array.isArray(j) || j.length < 2 || typeof j[0] !== 'string') throw new ThriftError(`a TJSON ${t} is ["type", count, …]`);
        const elem = typeOf(j[0]);
        const count = this.count(num(j[1]), t);
        if (count !== j.length - 2) throw new ThriftError(`${t} says ${count} elements, holds ${j.length - 2}`);
        return { t, elem, items: j.slice(2).map((x) => this.value(elem, x, depth + 1)) };
      }
      case 'map': {
        if (!Array.isArray(j) || j.length !== 4 || typeof j[0] !== 'string' || typeof j[1] !== 'string') throw new ThriftError('a TJSON map is ["keyType", "valueType", count, {…}]');
        const key = typeOf(j[0]);
        const val = typeOf(j[1]);
        const count = this.count(num(j[2]), 'map');
        const o = j[3];
        if (!o || typeof o !== 'object' || !('o' in o)) throw new ThriftError('a TJSON map holds an object');
        if (o.o.length !== count) throw new ThriftError(`map says ${count} entries, holds ${o.o.length}`);
        // Keys are always strings on the wire: a number's, a bool's ("1"/"0") text, or (rare) a JSON text.
        const entries: Array<[TNode, TNode]> = o.o.map(([k, v]) => [this.key(key, k, depth + 1), this.value(val, v, depth + 1)]);
        return { t: 'map', key, val, entries };
      }
      default:
        throw new ThriftError(`type ${t} has no TJSON form`);
    }
  }

  private key(t: TType, k: string, depth: number): TNode {
    if (t === 'binary' || t === 'uuid') return this.value(t, k, depth);
    if (t === 'double' && /^-?(NaN|Infinity)$/.test(k)) return this.value(t, k, depth);
    if (t === 'bool' || t === 'i8' || t === 'i16' || t === 'i32' || t === 'i64' || t === 'double') return this.value(t, { n: k }, depth);
    const p = new Parser(k, this.limits);
    const j = p.value(depth);
    p.end();
    return this.value(t, j, depth);
  }

  private count(n: number | undefined, what: string): number {
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > this.limits.maxLength) throw new ThriftError(`${what} size ${n} out of bounds`);
    return n;
  }
}

function typeOf(name: string): TType {
  const t = TYPES[name];
  if (!t) throw new ThriftError(`unknown TJSON type "${name.slice(0, 16)}"`);
  return t;
}

function short(j: J): string {
  const s = j && typeof j === 'object' && 'n' in j ? j.n : JSON.stringify(j) ?? String(j);
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

/** A bounded JSON reader that keeps numbers as text and objects as ordered pairs. */
class Parser {
  private i = 0;
  private items = 0;
  constructor(
    private readonly s: string,
    private readonly limits: ReadLimits,
  ) {}

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  end(): void {
    this.ws();
    if (this.i < this.s.length) throw new ThriftError(`unexpected text after the message at character ${this.i}`);
  }

  private fail(what: string): never {
    throw new ThriftError(this.i >= this.s.length ? `TJSON text ends inside ${what}` : `bad TJSON at character ${this.i}: ${what}`);
  }

  value(depth: number): J {
    if (depth > this.limits.maxDepth * 2 + 4) throw new ThriftError(`values nested deeper than ${this.limits.maxDepth} levels`);
    if (++this.items > this.limits.maxLength) throw new ThriftError('too many values');
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '[') {
      this.i++;
      const out: J[] = [];
      this.ws();
      if (s[this.i] === ']') {
        this.i++;
        return out;
      }
      for (;;) {
        out.push(this.value(depth + 1));
        this.ws();
        if (s[this.i] === ',') this.i++;
        else if (s[this.i] === ']') {
          this.i++;
          return out;
        } else this.fail('an array');
      }
    }
    if (c === '{') {
      this.i++;
      const o: Array<[string, J]> = [];
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        return { o };
      }
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail('an object key');
        const k = this.string();
        this.ws();
        if (s[this.i] !== ':') this.fail('an object');
        this.i++;
        o.push([k, this.value(depth + 1)]);
        this.ws();
        if (s[this.i] === ',') this.i++;
        else if (s[this.i] === '}') {
          this.i++;
          return { o };
        } else this.fail('an object');
      }
    }
    if (c === '"') return this.string();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|-?Infinity|NaN|-?inf|nan)/.exec(s.slice(this.i, this.i + 400));
    if (m) {
      this.i += m[0].length;
      return { n: m[0] };
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail('a value');
  }

  private string(): string {
    const s = this.s;
    const start = ++this.i;
    let out = '';
    let from = start;
    for (;;) {
      const q = s.indexOf('"', this.i);
      const b = s.indexOf('\\', this.i);
      if (q < 0) return this.fail('a string');
      if (b < 0 || q < b) {
        out += s.slice(from, q);
        this.i = q + 1;
        if (out.length > this.limits.maxLength) throw new ThriftError(`string of ${out.length} characters out of bounds`);
        return out;
      }
      out += s.slice(from, b);
      const e = s[b + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e === 'u') {
        const hex = s.slice(b + 2, b + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.i = b;
          return this.fail('a \\u escape');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.i = from = b + 6;
      } else if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.i = from = b + 2;
      } else {
        this.i = b;
        return this.fail('a string escape');
      }
    }
  }
}
