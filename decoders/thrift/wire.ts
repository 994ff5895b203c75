/**
 * Apache Thrift wire formats: the binary protocol (strict and old-style message headers) and the
 * compact protocol, read from a contiguous buffer into a typed tree (`TNode`) that keeps the
 * field ids and wire types. Transport framing (framed / unframed) is handled by the caller.
 *
 * References: thrift/doc/specs/thrift-binary-protocol.md, thrift-compact-protocol.md, HeaderFormat.md.
 * Reading past the buffer throws `NeedMore` (the caller waits for bytes); malformed input throws
 * `ThriftError`. Nesting, collection sizes and string lengths are bounded.
 */
import { be32, toHex, utf8Text } from '../core/bytes';

export type ThriftProtocol = 'binary' | 'compact';

/** Message types (both protocols use the same numbers). */
export const MESSAGE_TYPES: Record<number, string> = { 1: 'CALL', 2: 'REPLY', 3: 'EXCEPTION', 4: 'ONEWAY' };

/** Field/element types, named as in IDL. */
export type TType = 'stop' | 'void' | 'bool' | 'i8' | 'double' | 'i16' | 'i32' | 'i64' | 'binary' | 'struct' | 'map' | 'set' | 'list' | 'uuid';

export type TNode =
  | { t: 'bool'; v: boolean }
  | { t: 'i8' | 'i16' | 'i32' | 'double'; v: number }
  | { t: 'i64'; v: bigint }
  /** `json`: read from the JSON protocol, where a `binary` field's bytes are base64 text. */
  | { t: 'binary'; v: Uint8Array; json?: boolean }
  | { t: 'uuid'; v: string }
  | { t: 'struct'; fields: TField[] }
  | { t: 'list' | 'set'; elem: TType; items: TNode[] }
  | { t: 'map'; key: TType; val: TType; entries: Array<[TNode, TNode]> };

export interface TField {
  id: number;
  node: TNode;
}

export interface ThriftMessage {
  /** 'tuple': Java's TTupleProtocol (tuple.ts), read with the IDL. */
  protocol: ThriftProtocol | 'json' | 'tuple';
  /** Binary protocol without the version word (old clients). */
  strict: boolean;
  type: number;
  name: string;
  seqid: number;
  body: TNode & { t: 'struct' };
}

/** The buffer ended before the value did; `need` is the total byte count known to be required. */
export class NeedMore extends Error {
  constructor(public readonly need: number) {
    super('need more bytes');
  }
}

export class ThriftError extends Error {}

export interface ReadLimits {
  maxDepth: number;
  /** Largest string/binary or collection element count accepted. */
  maxLength: number;
}

const BINARY_TYPES: Record<number, TType> = {
  0: 'stop',
  1: 'void',
  2: 'bool',
  3: 'i8',
  4: 'double',
  6: 'i16',
  8: 'i32',
  10: 'i64',
  11: 'binary',
  12: 'struct',
  13: 'map',
  14: 'set',
  15: 'list',
  16: 'uuid',
};

const COMPACT_TYPES: Record<number, TType> = {
  0: 'stop',
  1: 'bool', // BOOLEAN_TRUE
  2: 'bool', // BOOLEAN_FALSE
  3: 'i8',
  4: 'i16',
  5: 'i32',
  6: 'i64',
  7: 'double',
  8: 'binary',
  9: 'list',
  10: 'set',
  11: 'map',
  12: 'struct',
  13: 'uuid',
};

function uuidText(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A cursor over one buffer, shared by both protocols. */
abstract class Reader {
  pos: number;
  /** Read a message cut short (a capture gap): the top-level struct ends at the last whole field. */
  partial = false;
  constructor(
    protected readonly b: Uint8Array,
    start: number,
    protected readonly end: number,
    protected readonly limits: ReadLimits,
  ) {
    this.pos = start;
  }

  protected need(n: number): void {
    if (this.pos + n > this.end) throw new NeedMore(this.pos + n);
  }

  u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || n > this.limits.maxLength) throw new ThriftError(`length ${n} out of bounds`);
    this.need(n);
    const v = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  protected count(n: number, what: string): number {
    if (n < 0 || n > this.limits.maxLength) throw new ThriftError(`${what} size ${n} out of bounds`);
    return n;
  }

  abstract value(t: TType, depth: number): TNode;

  abstract struct(depth: number): TNode & { t: 'struct' };

  protected checkDepth(depth: number): void {
    if (depth > this.limits.maxDepth) throw new ThriftError(`values nested deeper than ${this.limits.maxDepth} levels`);
  }
}

export class BinaryReader extends Reader {
  i16(): number {
    this.need(2);
    const v = (this.b[this.pos] << 8) | this.b[this.pos + 1];
    this.pos += 2;
    return (v << 16) >> 16;
  }

  i32(): number {
    this.need(4);
    const v = be32(this.b, this.pos) | 0;
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const hi = BigInt(be32(this.b, this.pos));
    const lo = BigInt(be32(this.b, this.pos + 4));
    this.pos += 8;
    return BigInt.asIntN(64, (hi << 32n) | lo);
  }

  double(): number {
    this.need(8);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  type(): TType {
    const c = this.u8();
    const t = BINARY_TYPES[c];
    if (!t) throw new ThriftError(`unknown binary-protocol type ${c}`);
    return t;
  }

  value(t: TType, depth: number): TNode {
    switch (t) {
      case 'bool':
        return { t, v: this.u8() !== 0 };
      case 'i8': {
        const v = this.u8();
        return { t, v: (v << 24) >> 24 };
      }
      case 'i16':
        return { t, v: this.i16() };
      case 'i32':
        return { t, v: this.i32() };
      case 'i64':
        return { t, v: this.i64() };
      case 'double':
        return { t, v: this.double() };
      case 'binary':
        return { t, v: this.bytes(this.i32()) };
      case 'uuid': {
        this.need(16);
        return { t, v: uuidText(this.bytes(16)) };
      }
      case 'struct':
        return this.struct(depth + 1);
      case 'list':
      case 'set': {
        this.checkDepth(depth + 1);
        const elem = this.type();
        const n = this.count(this.i32(), t);
        const items: TNode[] = [];
        for (let i = 0; i < n; i++) items.push(this.value(elem, depth + 1));
        return { t, elem, items };
      }
      case 'map': {
        this.checkDepth(depth + 1);
        const key = this.type();
        const val = this.type();
        const n = this.count(this.i32(), 'map');
        const entries: Array<[TNode, TNode]> = [];
        for (let i = 0; i < n; i++) entries.push([this.value(key, depth + 1), this.value(val, depth + 1)]);
        return { t, key, val, entries };
      }
      default:
        throw new ThriftError(`cannot read a value of type ${t}`);
    }
  }

  struct(depth: number): TNode & { t: 'struct' } {
    this.checkDepth(depth);
    const fields: TField[] = [];
    for (;;) {
      try {
        const t = this.type();
        if (t === 'stop') break;
        const id = this.i16();
        fields.push({ id, node: this.value(t, depth) });
      } catch (e) {
        if (!(this.partial && depth === 1 && e instanceof NeedMore)) throw e;
        break;
      }
    }
    return { t: 'struct', fields };
  }

  /** A message header and its struct. */
  message(): ThriftMessage {
    const first = this.i32();
    let strict: boolean;
    let type: number;
    let name: string;
    if (first < 0) {
      if ((first & 0xffff0000) !== (0x80010000 | 0)) throw new ThriftError(`bad binary-protocol version 0x${(first >>> 0).toString(16)}`);
      strict = true;
      type = first & 0xff;
      name = utf8Text(this.bytes(this.count(this.i32(), 'name')));
    } else {
      strict = false;
      if (first > 1024) throw new ThriftError(`implausible method name length ${first}`);
      name = utf8Text(this.bytes(first));
      type = this.u8();
    }
    if (!MESSAGE_TYPES[type]) throw new ThriftError(`unknown message type ${type}`);
    const seqid = this.i32();
    return { protocol: 'binary', strict, type, name, seqid, body: this.struct(1) };
  }
}

export class CompactReader extends Reader {
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const c = this.u8();
      result |= BigInt(c & 0x7f) << shift;
      if (!(c & 0x80)) return result;
      shift += 7n;
    }
    throw new ThriftError('varint longer than 10 bytes');
  }

  varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const c = this.u8();
      result += (c & 0x7f) * 2 ** shift;
      if (!(c & 0x80)) return result;
      shift += 7;
    }
    throw new ThriftError('32-bit varint longer than 5 bytes');
  }

  zigzag32(): number {
    const n = this.varint32();
    const v = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    return v | 0;
  }

  zigzag64(): bigint {
    const n = BigInt.asUintN(64, this.varint());
    return BigInt.asIntN(64, (n >> 1n) ^ -(n & 1n));
  }

  double(): number {
    this.need(8);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  elemType(nibble: number): TType {
    const t = COMPACT_TYPES[nibble];
    if (!t || t === 'stop') throw new ThriftError(`unknown compact-protocol type ${nibble}`);
    return t;
  }

  private boolField: boolean | undefined;

  value(t: TType, depth: number): TNode {
    switch (t) {
      case 'bool': {
        if (this.boolField !== undefined) {
          const v = this.boolField;
          this.boolField = undefined;
          return { t, v };
        }
        const c = this.u8();
        return { t, v: c === 1 };
      }
      case 'i8': {
        const v = this.u8();
        return { t, v: (v << 24) >> 24 };
      }
      case 'i16':
      case 'i32':
        return { t, v: this.zigzag32() };
      case 'i64':
        return { t, v: this.zigzag64() };
      case 'double':
        return { t, v: this.double() };
      case 'binary':
        return { t, v: this.bytes(this.varint32()) };
      case 'uuid':
        return { t, v: uuidText(this.bytes(16)) };
      case 'struct':
        return this.struct(depth + 1);
      case 'list':
      case 'set': {
        this.checkDepth(depth + 1);
        const h = this.u8();
        let n = h >> 4;
        const elem = this.elemType(h & 0x0f);
        if (n === 15) n = this.varint32();
        this.count(n, t);
        const items: TNode[] = [];
        for (let i = 0; i < n; i++) items.push(this.value(elem, depth + 1));
        return { t, elem, items };
      }
      case 'map': {
        this.checkDepth(depth + 1);
        const n = this.count(this.varint32(), 'map');
        if (n === 0) return { t, key: 'void', val: 'void', entries: [] };
        const kv = this.u8();
        const key = this.elemType(kv >> 4);
        const val = this.elemType(kv & 0x0f);
        const entries: Array<[TNode, TNode]> = [];
        for (let i = 0; i < n; i++) entries.push([this.value(key, depth + 1), this.value(val, depth + 1)]);
        return { t, key, val, entries };
      }
      default:
        throw new ThriftError(`cannot read a value of type ${t}`);
    }
  }

  struct(depth: number): TNode & { t: 'struct' } {
    this.checkDepth(depth);
    const fields: TField[] = [];
    let last = 0;
    for (;;) {
      try {
        const h = this.u8();
        if (h === 0) break;
        const nib = h & 0x0f;
        const t = COMPACT_TYPES[nib];
        if (!t || t === 'stop') throw new ThriftError(`unknown compact-protocol field type ${nib}`);
        const delta = h >> 4;
        const id = delta ? last + delta : this.zigzag32();
        if (id < -32768 || id > 32767) throw new ThriftError(`field id ${id} out of range`);
        last = id;
        if (t === 'bool') this.boolField = nib === 1;
        fields.push({ id, node: this.value(t, depth) });
      } catch (e) {
        if (!(this.partial && depth === 1 && e instanceof NeedMore)) throw e;
        break;
      }
    }
    return { t: 'struct', fields };
  }

  /** The message header alone (protocol id, version and type, sequence id, name). */
  header(): { type: number; seqid: number; name: string } {
    const id = this.u8();
    if (id !== 0x82) throw new ThriftError(`bad compact-protocol id 0x${id.toString(16)}`);
    const vt = this.u8();
    if ((vt & 0x1f) !== 1) throw new ThriftError(`unsupported compact-protocol version ${vt & 0x1f}`);
    const type = vt >> 5;
    if (!MESSAGE_TYPES[type]) throw new ThriftError(`unknown message type ${type}`);
    const seqid = this.varint32() | 0;
    const name = utf8Text(this.bytes(this.count(this.varint32(), 'name')));
    return { type, seqid, name };
  }

  message(): ThriftMessage {
    const { type, name, seqid } = this.header();
    return { protocol: 'compact', strict: true, type, name, seqid, body: this.struct(1) };
  }
}


/**
 * A message cut by a capture gap: its header and the top-level fields that were wholly captured.
 * Undefined when not even the header is there or the bytes are not a message.
 */
export function readPartialMessage(protocol: ThriftProtocol, b: Uint8Array, start: number, end: number, limits: ReadLimits): ThriftMessage | undefined {
  const r = protocol === 'binary' ? new BinaryReader(b, start, end, limits) : new CompactReader(b, start, end, limits);
  r.partial = true;
  try {
    return r instanceof BinaryReader ? r.message() : (r as CompactReader).message();
  } catch {
    return undefined;
  }
}

/** Read one message of `protocol` from b[start, end). Returns it and the offset after it. */
export function readMessage(protocol: ThriftProtocol, b: Uint8Array, start: number, end: number, limits: ReadLimits): { msg: ThriftMessage; end: number } {
  const r = protocol === 'binary' ? new BinaryReader(b, start, end, limits) : new CompactReader(b, start, end, limits);
  const msg = r instanceof BinaryReader ? r.message() : (r as CompactReader).message();
  return { msg, end: r.pos };
}

export interface Framing {
  /** 'json': TJSONProtocol text (json-protocol.ts), a message ends with its top-level array. */
  protocol: ThriftProtocol | 'json';
  framed: boolean;
  /** THeader transport (doc/specs/HeaderFormat.md): framed, magic 0x0FFF, then a header. */
  header?: boolean;
}

/** A THeader frame (thrift/doc/specs/HeaderFormat.md), its payload still transformed. */
export interface HeaderFrame {
  protocol: ThriftProtocol;
  flags: number;
  seq: number;
  /** Transform ids in the order applied (1 = zlib, 3 = snappy…). */
  transforms: number[];
  /** KEY_VALUE info headers. */
  headers: Array<[string, string]>;
  payload: Uint8Array;
}

const HEADER_PROTOCOLS: Record<number, ThriftProtocol> = { 0: 'binary', 2: 'compact' };

/**
 * Read a THeader frame from b[0, end) (the 4-byte length included):
 *   LENGTH(4) 0x0FFF FLAGS(2) SEQUENCE(4) HEADER_SIZE/4(2) | protocol id (varint), transform
 *   count and ids (varints), info sections (id 1 KEY_VALUE: count, then varint-length key and
 *   value strings; id 0 or the end: padding) | payload.
 */
export function readHeaderFrame(b: Uint8Array, end: number, limits: ReadLimits): HeaderFrame {
  if (end < 14 || b[4] !== 0x0f || b[5] !== 0xff) throw new ThriftError('not a THeader frame');
  const flags = (b[6] << 8) | b[7];
  const seq = be32(b, 8);
  const hEnd = 14 + ((b[12] << 8) | b[13]) * 4;
  if (hEnd > end) throw new ThriftError(`header of ${hEnd - 14} bytes runs past its ${end - 4}-byte frame`);
  let o = 14;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (o >= hEnd) throw new ThriftError('header ends inside a varint');
      const c = b[o++];
      v += (c & 0x7f) * 2 ** shift;
      if (!(c & 0x80)) return v;
    }
    throw new ThriftError('header varint longer than 5 bytes');
  };
  const str = (): string => {
    const n = varint();
    if (n > hEnd - o) throw new ThriftError(`header string of ${n} bytes runs past the header`);
    const t = utf8Text(b.subarray(o, o + n));
    o += n;
    return t;
  };
  const pid = varint();
  const protocol = HEADER_PROTOCOLS[pid];
  if (!protocol) throw new ThriftError(`header protocol id ${pid} (0 binary and 2 compact are known)`);
  const nt = varint();
  if (nt > 16) throw new ThriftError(`${nt} transforms`);
  const transforms: number[] = [];
  for (let i = 0; i < nt; i++) transforms.push(varint());
  const headers: Array<[string, string]> = [];
  while (o < hEnd) {
    const id = varint();
    if (id !== 1) break; // 0: padding; other info types are not defined
    const n = varint();
    if (n > limits.maxLength || n > hEnd - o) throw new ThriftError(`${n} header pairs`);
    for (let i = 0; i < n; i++) {
      const k = str();
      headers.push([k, str()]);
    }
  }
  return { protocol, flags, seq, transforms, headers, payload: b.subarray(hEnd, end) };
}

function printable(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
}

/** Does `h` (at offset o) start a strict binary or compact message header? */
function headerAt(h: Uint8Array, o: number): ThriftProtocol | 'need-more' | undefined {
  if (h.length < o + 2) return 'need-more';
  if (h[o] === 0x80 && h[o + 1] === 0x01) {
    if (h.length < o + 8) return 'need-more';
    if (h[o + 2] !== 0 || !MESSAGE_TYPES[h[o + 3]]) return undefined;
    const n = be32(h, o + 4);
    if (n === 0 || n > 256) return undefined;
    const show = Math.min(n, 32);
    if (h.length < o + 8 + show) return 'need-more';
    return printable(h, o + 8, o + 8 + show) ? 'binary' : undefined;
  }
  if (h[o] === 0x82) {
    const vt = h[o + 1];
    if ((vt & 0x1f) !== 1 || !MESSAGE_TYPES[vt >> 5]) return undefined;
    // seqid varint, then name length varint and the name
    let p = o + 2;
    for (let i = 0; i < 5; i++, p++) {
      if (h.length <= p) return 'need-more';
      if (!(h[p] & 0x80)) break;
      if (i === 4) return undefined;
    }
    p++;
    if (h.length <= p) return 'need-more';
    const n = h[p];
    if (n === 0 || n & 0x80) return undefined;
    const show = Math.min(n, 32);
    if (h.length < p + 1 + show) return 'need-more';
    return printable(h, p + 1, p + 1 + show) ? 'compact' : undefined;
  }
  return undefined;
}

/** Does h (at o) start a TJSON message: `[1,"` and a printable method name? */
function jsonAt(h: Uint8Array, o: number): boolean | 'need-more' {
  const head = [0x5b, 0x31, 0x2c, 0x22]; // [1,"
  for (let i = 0; i < head.length; i++) {
    if (h.length <= o + i) return 'need-more';
    if (h[o + i] !== head[i]) return false;
  }
  for (let i = o + 4; i < Math.min(h.length, o + 4 + 48); i++) {
    if (h[i] === 0x22) return i > o + 4; // the name's closing quote
    if (h[i] < 0x20 || h[i] === 0x5c) return false;
  }
  return h.length < o + 52 ? 'need-more' : true;
}

/**
 * Where the TJSON message at b[start, end) ends (after its top-level `]`), or -1 when it has not
 * ended yet. Strings (and their escapes) are skipped; `[`/`{` nest.
 */
export function jsonMessageEnd(b: Uint8Array, start: number, end: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === 0x22) {
      for (i++; i < end && b[i] !== 0x22; i++) if (b[i] === 0x5c) i++;
      if (i >= end) return -1;
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if ((c === 0x5d || c === 0x7d) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Recognise the start of a Thrift stream: protocol and transport, or reject/need more bytes. */
export function detectFraming(h: Uint8Array): Framing | 'need-more' | 'reject' {
  if (h.length < 2) return 'need-more';
  const js = jsonAt(h, 0);
  if (js === true) return { protocol: 'json', framed: false };
  if (js === 'need-more') return 'need-more';
  const direct = headerAt(h, 0);
  if (direct === 'binary' || direct === 'compact') return { protocol: direct, framed: false };
  if (direct === 'need-more') return 'need-more';
  if (h.length < 6) return h[0] === 0 ? 'need-more' : 'reject';
  const len = be32(h, 0);
  if (len < 4 || len > 0x7fffffff) return 'reject';
  if (h[4] === 0x0f && h[5] === 0xff) {
    // THeader: the protocol id is the header's first varint (0 binary, 2 compact)
    if (h.length < 15) return 'need-more';
    const p = HEADER_PROTOCOLS[h[14]];
    return p && len >= 10 ? { protocol: p, framed: true, header: true } : 'reject';
  }
  const fjs = jsonAt(h, 4);
  if (fjs === true) return { protocol: 'json', framed: true };
  if (fjs === 'need-more') return 'need-more';
  const framed = headerAt(h, 4);
  if (framed === 'binary' || framed === 'compact') return { protocol: framed, framed: true };
  if (framed === 'need-more') return h.length >= 64 ? 'reject' : 'need-more';
  return 'reject';
}

/**
 * A client's first message in the old (non-strict) binary header — i32 name length, the name, the
 * type byte, i32 seqid, then a field header or STOP — as TBinaryProtocol writes it with strict
 * writing off (Ruby's `BinaryProtocol.new(t, false, false)`, C++'s and Python's option). No magic
 * number, so the probe asks more than `looksLikeOldBinary`: 1–128 identifier characters (a
 * multiplexed `Service:method` too), a CALL or ONEWAY, a known field type or STOP.
 */
export function oldBinaryCallAt(h: Uint8Array): boolean | 'need-more' {
  if (h.length < 4) return h.every((b) => b === 0) ? 'need-more' : false;
  const n = be32(h, 0);
  if (n === 0 || n > 128) return false;
  const end = 4 + n;
  for (let i = 4; i < end && i < h.length; i++) {
    const c = h[i];
    const ident = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (i > 4 && ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x3a));
    if (!ident) return false;
  }
  if (h.length < end + 6) return 'need-more';
  const type = h[end];
  if (type !== 1 && type !== 4) return false;
  const ft = h[end + 5];
  return ft === 0 || OLD_FIELD_TYPES.has(ft);
}

/** TType codes a field header can carry (bool … list, uuid). */
const OLD_FIELD_TYPES = new Set([2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16]);

/** Old-style (non-strict) binary header: i32 name length, name, type byte. */
export function looksLikeOldBinary(h: Uint8Array): boolean {
  if (h.length < 9) return false;
  const n = be32(h, 0);
  if (n === 0 || n > 128 || h.length < 4 + n + 5) return false;
  return printable(h, 4, 4 + n) && !!MESSAGE_TYPES[h[4 + n]];
}
