/**
 * Protobuf wire decoding (https://protobuf.dev/programming-guides/encoding/) to JSON-friendly
 * values, with or without a schema. Written as a walker over protobufjs reflection rather than
 * `Type.decode` so that unknown fields are kept (and flagged), lengths and depth are bounded,
 * and nothing throws.
 *
 * With a schema: field names as in the .proto, enum names, 64-bit integers as decimal strings,
 * bytes as base64, maps as objects, google.protobuf.Any unpacked (`@type` + fields) when its
 * type is known, well-known types in their JSON mapping (Timestamp → RFC 3339 text, Duration →
 * "1.5s", wrappers → the value, Struct/Value/ListValue → JSON, FieldMask → "a,b.cD", its paths in lowerCamelCase).
 *
 * Without a schema (like `protoc --decode_raw`): keys are field numbers ("1", "2"…); varints are
 * numbers (decimal strings past 2^53); a length-delimited field is a string when it is printable
 * UTF-8, else a nested message when its bytes parse completely as one, else base64 bytes;
 * fixed32/fixed64 are shown as float/double when that reads as a plausible number, else as the
 * unsigned integer. Repeated field numbers become arrays.
 */
import * as protobuf from 'protobufjs';
import { concatBytes, latin1Text, toBase64, utf8Strict } from '../core/bytes';
import type { Limits } from '../core/env';
import { wellKnownTypes, type ProtoDefinitions } from './definitions';

export interface DecodeResult {
  value: unknown;
  warnings: string[];
  /** True when decoded without a schema. */
  raw: boolean;
}

/** Find a message type by fully-qualified name (with or without leading dot). */
export type TypeResolver = (name: string) => protobuf.Type | undefined;

export function resolverFor(...roots: Array<protobuf.Root | undefined>): TypeResolver {
  const cache = new Map<string, protobuf.Type | undefined>();
  return (name: string) => {
    const n = name.replace(/^\./, '');
    if (cache.has(n)) return cache.get(n);
    let found: protobuf.Type | undefined;
    for (const r of [...roots, wellKnownTypes()]) {
      if (!r) continue;
      try {
        const t = r.lookup(n);
        if (t instanceof protobuf.Type) {
          found = t;
          break;
        }
      } catch {
        /* not here */
      }
    }
    cache.set(n, found);
    return found;
  };
}

export const WT_VARINT = 0;
export const WT_I64 = 1;
export const WT_LEN = 2;
const WT_SGROUP = 3;
const WT_EGROUP = 4;
export const WT_I32 = 5;

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}
  /** Returns the varint as a BigInt, or undefined when it runs past the end or is > 10 bytes. */
  varint(): bigint | undefined {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) return undefined;
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    return undefined;
  }
  /**
   * A varint as a number when it has at most 7 bytes (< 2^49, exact), else as a BigInt: the
   * usual small values without BigInt arithmetic.
   */
  varintAny(): number | bigint | undefined {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) return undefined;
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) return result;
      mul *= 128;
    }
    this.pos = start;
    return this.varint();
  }
  /** Small varint as a number (tags, lengths). */
  varint32(): number | undefined {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) return undefined;
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) return result;
      mul *= 128;
    }
    return undefined;
  }
  /** Step over `n` bytes: where they start, or -1 (nothing read) when they run past the end. */
  skip(n: number): number {
    if (n > this.end - this.pos) return -1;
    const at = this.pos;
    this.pos += n;
    return at;
  }
  bytes(n: number): Uint8Array | undefined {
    if (n > this.end - this.pos) return undefined;
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u8_64 = new Uint8Array(f64.buffer);
const u8_32 = new Uint8Array(f32.buffer);

function readFloat(b: Uint8Array, o = 0): number {
  for (let i = 0; i < 4; i++) u8_32[i] = b[o + i];
  return f32[0];
}
/**
 * A float's value as the shortest decimal that reads back as the same float32 (what protoc and the
 * proto3 JSON mapping print): 0.1f is 0.1, not 0.10000000149011612, and FLT_MAX is 3.4028235e+38
 * (seven digits, 3.402823e+38, is another float). Up to 9 significant digits are needed (IEEE 754).
 */
function shortFloat(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  // From 6 digits, any shorter decimal that is the same float is this one without its trailing
  // zeros (the float's spacing is far finer than the sixth digit), except for denormals, which have
  // fewer significant bits: those search from 1 digit.
  for (let p = Math.abs(x) < 1.1754944e-38 ? 1 : 6; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}
function readDouble(b: Uint8Array, o = 0): number {
  for (let i = 0; i < 8; i++) u8_64[i] = b[o + i];
  return f64[0];
}
function le64(b: Uint8Array, o = 0): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i]);
  return v;
}
function le32u(b: Uint8Array, o = 0): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
void u32;

function bigToJson(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return false;
    if (c === 0x7f || c === 0xfffd) return false;
  }
  return true;
}

function niceFloat(x: number): boolean {
  if (!Number.isFinite(x)) return false;
  if (x === 0) return false; // 0 is more likely an integer
  const a = Math.abs(x);
  return a >= 1e-6 && a < 1e15;
}

// ---- raw ---------------------------------------------------------------------------------------

interface Ctx {
  limits: Limits;
  warnings: string[];
  /** Count of decoded fields, bounding work on hostile input. */
  budget: number;
}

const MAX_WARNINGS = 20;
function warn(ctx: Ctx, msg: string): void {
  if (ctx.warnings.length < MAX_WARNINGS) ctx.warnings.push(msg);
  else if (ctx.warnings.length === MAX_WARNINGS) ctx.warnings.push('more warnings omitted');
}

/** Parse bytes as a message without a schema; undefined when they are not a well-formed message. */
function tryRaw(buf: Uint8Array, depth: number, ctx: Ctx, strict: boolean): Record<string, unknown> | undefined {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  const add = (k: string, v: unknown) => {
    if (k in out) {
      const cur = out[k];
      if (Array.isArray(cur) && (cur as { __rep?: boolean }).__rep) cur.push(v);
      else {
        const arr = [cur, v] as unknown[] & { __rep?: boolean };
        Object.defineProperty(arr, '__rep', { value: true, enumerable: false });
        out[k] = arr;
      }
    } else out[k] = v;
  };
  while (r.pos < r.end) {
    if (--ctx.budget < 0) {
      if (strict) return undefined;
      warn(ctx, 'protobuf: too many fields; rest not decoded');
      break;
    }
    const tag = r.varint32();
    if (tag === undefined) {
      if (strict) return undefined;
      warn(ctx, 'protobuf: truncated tag');
      break;
    }
    const field = Math.floor(tag / 8);
    const wt = tag & 7;
    if (field === 0 || field > 536870911) {
      if (strict) return undefined;
      warn(ctx, `protobuf: invalid field number ${field}`);
      break;
    }
    const v = readRawValue(r, wt, depth, ctx, strict, field);
    if (v === FAIL) {
      if (strict) return undefined;
      break;
    }
    if (v !== SKIP) add(String(field), v);
  }
  return out;
}

const FAIL = Symbol('fail');
const SKIP = Symbol('skip');

function readRawValue(r: Reader, wt: number, depth: number, ctx: Ctx, strict: boolean, field: number): unknown {
  switch (wt) {
    case WT_VARINT: {
      const v = r.varintAny();
      if (v === undefined) {
        if (!strict) warn(ctx, `protobuf: field ${field}: truncated varint`);
        return FAIL;
      }
      return typeof v === 'number' ? v : bigToJson(v);
    }
    case WT_I64: {
      const b = r.bytes(8);
      if (!b) {
        if (!strict) warn(ctx, `protobuf: field ${field}: fixed64 past the end`);
        return FAIL;
      }
      const d = readDouble(b);
      return niceFloat(d) ? d : le64(b).toString();
    }
    case WT_I32: {
      const b = r.bytes(4);
      if (!b) {
        if (!strict) warn(ctx, `protobuf: field ${field}: fixed32 past the end`);
        return FAIL;
      }
      const f = readFloat(b);
      return niceFloat(f) && Math.abs(f) >= 1e-4 ? shortFloat(f) : le32u(b);
    }
    case WT_LEN: {
      const len = r.varint32();
      const b = len === undefined ? undefined : r.bytes(len);
      if (!b) {
        if (!strict) warn(ctx, `protobuf: field ${field}: length ${len ?? '?'} past the end of the message`);
        return FAIL;
      }
      return rawLen(b, depth, ctx);
    }
    case WT_SGROUP: {
      // Groups (deprecated): the fields up to the END_GROUP tag of the same field number (encoding
      // guide, "Groups"). The end tag is as long as its varint (2 bytes from field 16 on), and an end
      // tag of another field number ends nothing: the message is malformed (protoc rejects it).
      const body = depth >= ctx.limits.maxDepth ? undefined : groupBytes(r, field);
      const inner = body && tryRaw(body, depth + 1, ctx, true);
      if (!inner) {
        if (!strict) warn(ctx, `protobuf: field ${field}: group without its end tag (or nested too deep)`);
        return FAIL;
      }
      return inner;
    }
    default:
      if (!strict) warn(ctx, wt === WT_EGROUP ? `protobuf: field ${field}: END_GROUP tag without its START_GROUP` : `protobuf: field ${field}: invalid wire type ${wt}`);
      return FAIL;
  }
}

/**
 * Could these bytes be printable UTF-8 text? A byte scan for what rules it out at once — a
 * control byte, a byte that cannot start a UTF-8 sequence, a lead without its continuation
 * bytes — so that nested messages and binary fields (most LEN fields of a raw decode) never
 * reach the fatal TextDecoder, whose exception on invalid input is the costly part. 0: not
 * text; 1: printable ASCII (text as it is); 2: maybe (still checked by utf8Strict and printable:
 * overlong forms, surrogates, U+FFFD).
 */
function maybePrintableUtf8(b: Uint8Array): 0 | 1 | 2 {
  const n = b.length;
  let ascii = true;
  for (let i = 0; i < n; ) {
    const c = b[i];
    if (c < 0x80) {
      if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return 0;
      i++;
      continue;
    }
    ascii = false;
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more < 0 || i + more >= n) return 0;
    for (let k = 1; k <= more; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
    i += more + 1;
  }
  return ascii ? 1 : 2;
}

function rawLen(b: Uint8Array, depth: number, ctx: Ctx): unknown {
  if (b.length === 0) return '';
  const text = maybePrintableUtf8(b);
  if (text && b[0] === 0x0a && b.length >= 2 && depth + 1 < ctx.limits.maxDepth) {
    // 0x0a is field 1 length-delimited, the usual start of a nested message, and also a newline:
    // {1: "<a 32–126 byte string>"} is printable from end to end. Text rarely starts with a newline
    // whose next byte is the exact length of what follows; when the bytes parse completely as a
    // message, a message it is (as `protoc --decode_raw` says).
    const m = rawMessage(b, depth, ctx);
    if (m) return m;
  }
  // Printable ASCII is its own text: no strict decode, no second scan.
  if (text === 1) return latin1Text(b);
  const s = text === 2 ? utf8Strict(b) : undefined;
  if (s !== undefined && printable(s)) return s;
  const m = rawMessage(b, depth, ctx);
  if (m) return m;
  return toBase64(b.subarray(0, ctx.limits.maxBodyBytes));
}

/** `b` parsed completely as a nested message with at least one field, else undefined. */
function rawMessage(b: Uint8Array, depth: number, ctx: Ctx): Record<string, unknown> | undefined {
  if (depth + 1 < ctx.limits.maxDepth) {
    const saved = ctx.budget;
    const m = tryRaw(b, depth + 1, { ...ctx, warnings: [] }, true);
    if (m && Object.keys(m).length) {
      ctx.budget = saved - Object.keys(m).length;
      return m;
    }
    ctx.budget = saved;
  }
  return undefined;
}

/** Decode without a schema, like `protoc --decode_raw`. */
export function decodeRaw(bytes: Uint8Array, limits: Limits): DecodeResult {
  const ctx: Ctx = { limits, warnings: [], budget: 100000 };
  const value = tryRaw(bytes, 0, ctx, false) ?? {};
  return { value, warnings: ctx.warnings, raw: true };
}

// ---- with a schema -----------------------------------------------------------------------------

/** The wire type a field of this declared type is written with (unpacked). */
export function wireTypeOf(type: string, resolved: protobuf.ReflectionObject | null): number {
  if (resolved instanceof protobuf.Enum) return WT_VARINT;
  if (resolved instanceof protobuf.Type) return WT_LEN;
  switch (type) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WT_I64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WT_I32;
    case 'string':
    case 'bytes':
      return WT_LEN;
    default:
      return WT_VARINT;
  }
}

function scalarFrom(type: string, wt: number, r: Reader): unknown | typeof FAIL {
  if (wt === WT_VARINT) {
    const v = r.varintAny();
    if (v === undefined) return FAIL;
    if (typeof v === 'number') {
      // 0 ≤ v < 2^49: the same results as the BigInt path below, in number arithmetic.
      switch (type) {
        case 'int32':
          return v | 0;
        case 'uint32':
          return v >>> 0;
        case 'sint32':
        case 'sint64': {
          const z = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
          return type === 'sint32' ? z | 0 : String(z);
        }
        case 'int64':
        case 'uint64':
          return String(v);
        case 'bool':
          return v !== 0;
        default:
          return v;
      }
    }
    switch (type) {
      case 'int32':
        return Number(BigInt.asIntN(32, v));
      case 'uint32':
        return Number(BigInt.asUintN(32, v));
      case 'sint32':
      case 'sint64': {
        const z = (v >> 1n) ^ -(v & 1n);
        return type === 'sint32' ? Number(BigInt.asIntN(32, z)) : BigInt.asIntN(64, z).toString();
      }
      case 'int64':
        return BigInt.asIntN(64, v).toString();
      case 'uint64':
        return v.toString();
      case 'bool':
        return v !== 0n;
      default:
        return bigToJson(v);
    }
  }
  // (fixed-size values read where they are: no view made for 4 or 8 bytes)
  if (wt === WT_I64) {
    const o = r.skip(8);
    if (o < 0) return FAIL;
    const b = r.buf;
    if (type === 'double') return readDouble(b, o);
    const u = le64(b, o);
    return type === 'sfixed64' ? BigInt.asIntN(64, u).toString() : u.toString();
  }
  if (wt === WT_I32) {
    const o = r.skip(4);
    if (o < 0) return FAIL;
    const b = r.buf;
    if (type === 'float') return shortFloat(readFloat(b, o));
    const u = le32u(b, o);
    return type === 'sfixed32' ? u | 0 : u;
  }
  return FAIL;
}

/**
 * The text of a string field (utf8Strict: undefined when not UTF-8). Short ASCII ones are built
 * here: most string values are a few characters, and for those a TextDecoder call cost several
 * times the decoding. (Up to 12 characters: V8 keeps such concatenations flat.)
 */
function stringText(b: Uint8Array): string | undefined {
  const n = b.length;
  if (n > 12) return utf8Strict(b);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c >= 0x80) return utf8Strict(b);
    s += String.fromCharCode(c);
  }
  return s;
}

function jsonFloat(x: unknown): unknown {
  if (typeof x !== 'number') return x;
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

interface SchemaCtx extends Ctx {
  resolve: TypeResolver;
}

/**
 * What decodeWithType needs of a field, worked out once per message type (the field resolved, its
 * JSON name, the wire type the schema expects, its enum or message type): it was worked out again
 * for every field of every message.
 */
interface FieldPlan {
  field: protobuf.Field;
  /** The JSON name: an extension (proto2 `extend`, named `.pkg.name` by protobufjs) is written `[pkg.name]`. */
  name: string;
  expected: number;
  msgType?: protobuf.Type;
  enumType?: protobuf.Enum;
  /** The scalar type to read a value as (`int32` for enums). */
  scalar: string;
  /** The same for packed values (`int32` also for a field whose type is literally `enum`). */
  packedScalar: string;
}

/**
 * What decoding needs of a message type, worked out once: its full name (protobufjs's `fullName`
 * is a getter that joins the parent chain anew at every read, and it was read for every message
 * decoded) and the plans of the fields met so far.
 */
interface TypePlan {
  /** `.pkg.Name`, as protobufjs's `fullName`. */
  fullName: string;
  /** A google.protobuf type: its value may take the JSON mapping of a well-known type. */
  wellKnown: boolean;
  /** Plans by field number: the usual small numbers in an array, others in a map. */
  fields: Array<FieldPlan | undefined>;
  largeFields: Map<number, FieldPlan>;
}

const typePlans = new WeakMap<protobuf.Type, TypePlan>();

function typePlan(type: protobuf.Type): TypePlan {
  let plan = typePlans.get(type);
  if (!plan) {
    const fullName = type.fullName;
    typePlans.set(type, (plan = { fullName, wellKnown: isWellKnown(fullName), fields: [], largeFields: new Map() }));
  }
  return plan;
}

/** Field numbers below this have their plans in TypePlan.fields. */
const SMALL_FIELD_IDS = 256;

function fieldPlan(type: protobuf.Type, tp: TypePlan, id: number): FieldPlan | undefined {
  const known = id < SMALL_FIELD_IDS ? tp.fields[id] : tp.largeFields.get(id);
  if (known) return known;
  const field = type.fieldsById[id];
  if (!field) return undefined;
  field.resolve();
  const resolved = field.resolvedType;
  const enumType = resolved instanceof protobuf.Enum ? resolved : undefined;
  const msgType = resolved instanceof protobuf.Type ? resolved : undefined;
  const plan: FieldPlan = {
    field,
    name: field.name.charCodeAt(0) === 46 /* . */ ? `[${field.name.slice(1)}]` : (msgType as { group?: boolean } | undefined)?.group ? groupFieldName(field, msgType!) : field.name,
    expected: wireTypeOf(field.type, resolved),
    msgType,
    enumType,
    scalar: enumType ? 'int32' : field.type,
    packedScalar: field.type === 'enum' || enumType ? 'int32' : field.type,
  };
  if (id < SMALL_FIELD_IDS) {
    // (filled up to id first, so the array stays a packed one)
    while (tp.fields.length < id) tp.fields.push(undefined);
    tp.fields[id] = plan;
  } else tp.largeFields.set(id, plan);
  return plan;
}

/**
 * The field name of a proto2 group: protoc names the field after the group's type, lowercased
 * (`group MyGroup = 1` is field `mygroup`; the JSON mapping uses that name), where protobufjs only
 * lowercases the first letter (`myGroup`). A message-typed field that merely refers to a group
 * type under another name keeps its name.
 */
function groupFieldName(field: protobuf.Field, type: protobuf.Type): string {
  const n = type.name;
  return field.name === n.charAt(0).toLowerCase() + n.slice(1) ? n.toLowerCase() : field.name;
}

function decodeWithType(type: protobuf.Type, tp: TypePlan, buf: Uint8Array, depth: number, ctx: SchemaCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth >= ctx.limits.maxDepth) {
    warn(ctx, `protobuf: nesting deeper than ${ctx.limits.maxDepth}; ${tp.fullName.slice(1)} not decoded`);
    return { '@bytes': toBase64(buf.subarray(0, 256)) };
  }
  const r = new Reader(buf);
  /**
   * The occurrences of each non-repeated message field (made only when a message has one), decoded
   * once after the loop (decoding the bytes so far at every occurrence was quadratic, charged the
   * field budget again each time and repeated the inner warnings). `raw` when a value that is not
   * part of the merge (a wrong wire type, a group) came last: that value stays.
   */
  let merged: Merged | undefined;
  while (r.pos < r.end) {
    if (--ctx.budget < 0) {
      warn(ctx, 'protobuf: too many fields; rest not decoded');
      break;
    }
    const tag = r.varint32();
    if (tag === undefined) {
      warn(ctx, `protobuf: ${tp.fullName.slice(1)}: truncated tag`);
      break;
    }
    const id = Math.floor(tag / 8);
    const wt = tag & 7;
    const plan = fieldPlan(type, tp, id);
    if (!plan) {
      const v = readRawValue(r, wt, depth, ctx, false, id);
      if (v === FAIL) break;
      warn(ctx, `protobuf: ${tp.fullName.slice(1)}: unknown field ${id} (not in the schema)`);
      const k = String(id);
      if (k in out) out[k] = ([] as unknown[]).concat(out[k], v as never);
      else out[k] = v;
      continue;
    }
    const { field, name, expected, msgType, enumType } = plan;
    if (field.map) {
      if (wt !== WT_LEN) {
        if (readRawValue(r, wt, depth, ctx, false, id) === FAIL) break;
        warn(ctx, `protobuf: ${name}: wrong wire type ${wt} for a map`);
        continue;
      }
      const len = r.varint32();
      const b = len === undefined ? undefined : r.bytes(len);
      if (!b) {
        warn(ctx, `protobuf: ${name}: length past the end of the message`);
        break;
      }
      const entry = decodeMapEntry(field as unknown as protobuf.MapField, b, depth + 1, ctx);
      const obj = (out[name] ??= {}) as Record<string, unknown>;
      obj[String(entry[0])] = entry[1];
      continue;
    }
    // One value (in `value`), or packed ones (in `values`): no array made for a single value.
    let values: unknown[] | undefined;
    let value: unknown;
    if (field.repeated && wt === WT_LEN && expected !== WT_LEN) {
      // packed
      const len = r.varint32();
      const b = len === undefined ? undefined : r.bytes(len);
      if (!b) {
        warn(ctx, `protobuf: ${name}: packed length past the end of the message`);
        break;
      }
      values = [];
      const pr = new Reader(b);
      while (pr.pos < pr.end) {
        const v = scalarFrom(plan.packedScalar, expected, pr);
        if (v === FAIL) {
          warn(ctx, `protobuf: ${name}: malformed packed values`);
          break;
        }
        // Infinity and NaN as their JSON-mapping names, as for an unpacked value (JSON has no number for them).
        values.push(enumType ? enumValue(plan, enumType, v as number, ctx) : jsonFloat(v));
        if (values.length > 1_000_000) break;
      }
    } else if (wt === WT_SGROUP && msgType) {
      // A proto2 group (or an editions DELIMITED message): the fields up to the matching END_GROUP tag.
      const b = groupBytes(r, id);
      if (!b) {
        warn(ctx, `protobuf: ${tp.fullName.slice(1)}.${name}: group without its end tag`);
        break;
      }
      if (!field.repeated) {
        // A non-repeated group met again merges like a message field ("Last One Wins", below).
        mergeOccurrence(out, id, name, msgType, b, (merged ??= new Map()));
        clearOneof(type, field, name, out, merged);
        continue;
      }
      value = decodeMessageValue(msgType, b, depth + 1, ctx);
    } else if (wt !== expected) {
      // Encoding guide: a parser keeps a field whose wire type is not the one its declared type is
      // written with as an unknown field (protoc, the JSON mapping): under its number here, not
      // as the field's value.
      const v = readRawValue(r, wt, depth, ctx, false, id);
      if (v === FAIL) break;
      warn(ctx, `protobuf: ${tp.fullName.slice(1)}.${name}: wire type ${wt} does not match the schema's ${field.type}; kept as unknown field ${id}`);
      const k = String(id);
      if (k in out) out[k] = ([] as unknown[]).concat(out[k], v as never);
      else out[k] = v;
      continue;
    } else if (expected === WT_LEN) {
      const len = r.varint32();
      const b = len === undefined ? undefined : r.bytes(len);
      if (!b) {
        warn(ctx, `protobuf: ${tp.fullName.slice(1)}.${name}: length ${len ?? '?'} past the end of the message`);
        break;
      }
      if (msgType) {
        if (!field.repeated) {
          // Encoding guide, "Last One Wins": a non-repeated message field that occurs again is merged
          // into the earlier one — the same as parsing the encodings concatenated. Gathered here and
          // decoded after the loop; the key is placed now (first occurrence) to keep the key order.
          mergeOccurrence(out, id, name, msgType, b, (merged ??= new Map()));
          clearOneof(type, field, name, out, merged);
          continue;
        }
        value = decodeMessageValue(msgType, b, depth + 1, ctx);
      } else if (field.type === 'string') {
        const s = stringText(b);
        if (s === undefined) warn(ctx, `protobuf: ${name}: invalid UTF-8 in a string field`);
        value = s ?? toBase64(b);
      } else value = toBase64(b.length > ctx.limits.maxBodyBytes ? b.subarray(0, ctx.limits.maxBodyBytes) : b);
    } else {
      const v = scalarFrom(plan.scalar, wt, r);
      if (v === FAIL) {
        warn(ctx, `protobuf: ${tp.fullName.slice(1)}.${name}: value past the end of the message`);
        break;
      }
      value = enumType ? enumValue(plan, enumType, v as number, ctx) : jsonFloat(v);
    }
    if (field.repeated) {
      // Appended in place (a concat per element made long repeated fields quadratic).
      const list = out[name];
      if (!values) {
        if (Array.isArray(list)) list.push(value);
        else out[name] = [value];
      } else if (Array.isArray(list)) for (const v of values) list.push(v);
      else out[name] = values;
    }
    else if (!values || values.length) {
      const v = values ? values[values.length - 1] : value;
      // (a message field's occurrences are merged after the loop; a scalar's last value wins)
      out[name] = v;
      const pending = merged?.get(id);
      if (pending) pending.raw = true;
      clearOneof(type, field, name, out, merged);
    }
  }
  if (merged) {
    for (const m of merged.values()) {
      if (m.raw) continue;
      const bytes = m.parts.length === 1 ? m.parts[0]! : concatBytes(m.parts);
      out[m.name] = decodeMessageValue(m.type, bytes, depth + 1, ctx);
    }
  }
  return out;
}

/** The occurrences of the non-repeated message fields of a message, by field number. */
type Merged = Map<number, { name: string; type: protobuf.Type; parts: Uint8Array[]; raw: boolean }>;

/** One more occurrence of a non-repeated message (or group) field, decoded with the others after the loop. */
function mergeOccurrence(out: Record<string, unknown>, id: number, name: string, type: protobuf.Type, b: Uint8Array, merged: Merged): void {
  const prev = merged.get(id);
  if (prev) {
    prev.parts.push(b);
    prev.raw = false;
  } else merged.set(id, { name, type, parts: [b], raw: false });
  if (!(name in out)) out[name] = undefined;
}

/**
 * Setting one member of a oneof clears the others, and a message member set again after that
 * starts anew (its gathered occurrences are dropped).
 */
function clearOneof(
  type: protobuf.Type,
  field: protobuf.Field,
  name: string,
  out: Record<string, unknown>,
  merged: Map<number, unknown> | undefined,
): void {
  const oneof = field.partOf;
  if (!oneof) return;
  for (const other of oneof.oneof) {
    if (other === name) continue;
    delete out[other];
    const f = type.fields[other];
    if (f && merged) merged.delete(f.id);
  }
}

/**
 * The body of a group whose START_GROUP tag was just read (encoding guide, "Groups"): the bytes up
 * to its END_GROUP tag for the same field number, nested groups skipped; undefined when the end is
 * missing or a value inside runs past the message. The reader is left after the END_GROUP tag.
 */
function groupBytes(r: Reader, field: number): Uint8Array | undefined {
  const start = r.pos;
  const open: number[] = [field];
  while (r.pos < r.end) {
    const tagAt = r.pos;
    const tag = r.varint32();
    if (tag === undefined) return undefined;
    const wt = tag & 7;
    const id = Math.floor(tag / 8);
    if (wt === WT_SGROUP) {
      if (open.length >= 64) return undefined;
      open.push(id);
    } else if (wt === WT_EGROUP) {
      if (open.pop() !== id) return undefined;
      if (!open.length) return r.buf.subarray(start, tagAt);
    } else if (wt === WT_VARINT) {
      if (r.varint32() === undefined) return undefined;
    } else if (wt === WT_I64 || wt === WT_I32) {
      if (!r.bytes(wt === WT_I64 ? 8 : 4)) return undefined;
    } else if (wt === WT_LEN) {
      const len = r.varint32();
      if (len === undefined || !r.bytes(len)) return undefined;
    } else return undefined;
  }
  return undefined;
}

/**
 * A field's enum value by name. A number that a closed enum (proto2, editions `CLOSED`) does not
 * define stays in the field, as for an open enum, with a warning: protoc and the JSON mapping keep
 * it as an unknown field instead.
 */
function enumValue(plan: FieldPlan, e: protobuf.Enum, n: number, ctx: Ctx): string | number {
  const name = e.valuesById[n];
  if (name !== undefined) return name;
  if (closedEnum(e))
    warn(ctx, `protobuf: ${plan.name}: ${n} is not a value of the closed enum ${e.fullName.slice(1)} (protoc keeps it as an unknown field)`);
  return n;
}

type WithEdition = { _features?: { enum_type?: string }; _edition?: string | null; parent: protobuf.ReflectionObject | null };

/**
 * Is this enum closed? Its resolved editions feature when protobufjs has resolved it (it does so
 * for messages, not always for enums), else its file's syntax: proto2 enums are closed.
 */
function closedEnum(e: protobuf.Enum): boolean {
  const f = (e as unknown as WithEdition)._features?.enum_type;
  if (f) return f === 'CLOSED';
  for (let o: protobuf.ReflectionObject | null = e; o; o = o.parent) {
    const ed = (o as unknown as WithEdition)._edition;
    if (ed) return ed === 'proto2';
  }
  return false;
}

function enumName(e: protobuf.Enum, n: number): string | number {
  return e.valuesById[n] ?? n;
}

function decodeMapEntry(field: protobuf.MapField, b: Uint8Array, depth: number, ctx: SchemaCtx): [unknown, unknown] {
  const r = new Reader(b);
  let key: unknown = field.keyType === 'string' ? '' : field.keyType === 'bool' ? false : 0;
  let value: unknown = undefined;
  while (r.pos < r.end) {
    const tag = r.varint32();
    if (tag === undefined) break;
    const id = tag >> 3;
    const wt = tag & 7;
    if (id === 1) {
      if (wt === WT_LEN) {
        const len = r.varint32();
        const kb = len === undefined ? undefined : r.bytes(len);
        if (!kb) break;
        key = stringText(kb) ?? toBase64(kb);
      } else {
        const v = scalarFrom(field.keyType, wt, r);
        if (v === FAIL) break;
        key = v;
      }
    } else if (id === 2) {
      if (field.resolvedType instanceof protobuf.Type && wt === WT_LEN) {
        const len = r.varint32();
        const vb = len === undefined ? undefined : r.bytes(len);
        if (!vb) break;
        value = decodeMessageValue(field.resolvedType, vb, depth + 1, ctx);
      } else if (wt === WT_LEN) {
        const len = r.varint32();
        const vb = len === undefined ? undefined : r.bytes(len);
        if (!vb) break;
        value = field.type === 'string' ? (stringText(vb) ?? toBase64(vb)) : toBase64(vb);
      } else {
        const v = scalarFrom(field.resolvedType instanceof protobuf.Enum ? 'int32' : field.type, wt, r);
        if (v === FAIL) break;
        value = field.resolvedType instanceof protobuf.Enum ? enumName(field.resolvedType, v as number) : jsonFloat(v);
      }
    } else if (readRawValue(r, wt, depth, ctx, false, id) === FAIL) break;
  }
  if (value === undefined) {
    if (field.resolvedType instanceof protobuf.Type) value = {};
    else if (field.resolvedType instanceof protobuf.Enum) value = enumName(field.resolvedType, 0);
    else value = field.type === 'string' || field.type === 'bytes' ? '' : field.type === 'bool' ? false : 0;
  }
  return [key, value];
}

/** A message value, with the well-known types in their JSON mapping. */
function decodeMessageValue(type: protobuf.Type, b: Uint8Array, depth: number, ctx: SchemaCtx): unknown {
  const tp = typePlan(type);
  const m = decodeWithType(type, tp, b, depth, ctx);
  // (most types are not well-known: one flag, not a string compare per case below)
  if (!tp.wellKnown) return m;
  const name = tp.fullName;
  switch (name) {
    case '.google.protobuf.Any': {
      const url = typeof m.type_url === 'string' ? m.type_url : '';
      const typeName = url.slice(url.lastIndexOf('/') + 1);
      const inner = typeName ? ctx.resolve(typeName) : undefined;
      const valueB64 = typeof m.value === 'string' ? m.value : '';
      const bytes = valueBytesFromAny(b);
      if (!inner) {
        if (url) warn(ctx, `protobuf: Any of unknown type ${url}: decoded without a schema`);
        const raw = bytes ? (tryRaw(bytes, depth + 1, ctx, false) ?? valueB64) : valueB64;
        return { '@type': url, ...(raw && typeof raw === 'object' ? raw : { value: raw }) };
      }
      const v = decodeMessageValue(inner, bytes ?? new Uint8Array(0), depth + 1, ctx);
      // JSON mapping of Any: a type with a special JSON form (Struct, Timestamp, a wrapper, Any…) is
      // under "value"; the fields of other messages (Empty too) sit beside "@type".
      if (SPECIAL_JSON.has(typePlan(inner).fullName)) return { '@type': url, value: v };
      return { '@type': url, ...(v as Record<string, unknown>) };
    }
    case '.google.protobuf.Timestamp':
    case '.google.protobuf.Duration': {
      // The JSON mapping has no text for a value outside the type's range (protoc's JSON printer
      // refuses it): its fields as they are, with a warning.
      const timestamp = name === '.google.protobuf.Timestamp';
      const bad = timestamp ? badTimestamp(m.seconds, m.nanos) : badDuration(m.seconds, m.nanos);
      if (bad) {
        warn(ctx, `protobuf: ${name.slice(1)} ${bad} (seconds ${m.seconds ?? 0}, nanos ${m.nanos ?? 0}): not in the JSON mapping's range`);
        return m;
      }
      return timestamp ? timestampText(m.seconds, m.nanos) : durationText(m.seconds, m.nanos);
    }
    case '.google.protobuf.DoubleValue':
    case '.google.protobuf.FloatValue':
    case '.google.protobuf.Int64Value':
    case '.google.protobuf.UInt64Value':
    case '.google.protobuf.Int32Value':
    case '.google.protobuf.UInt32Value':
    case '.google.protobuf.BoolValue':
    case '.google.protobuf.StringValue':
    case '.google.protobuf.BytesValue':
      return 'value' in m ? m.value : defaultWrapper(name);
    case '.google.protobuf.Struct':
      return structValue(m);
    case '.google.protobuf.Value':
      return valueValue(m);
    case '.google.protobuf.ListValue':
      return Array.isArray(m.values) ? m.values : [];
    case '.google.protobuf.FieldMask':
      // (the JSON mapping writes each path in lowerCamelCase: `stop_index` → `stopIndex`)
      return Array.isArray(m.paths) ? m.paths.map((p: unknown) => String(p).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).join(',') : '';
    case '.google.protobuf.Empty':
      return {};
    default:
      return m;
  }
}

/** The well-known types whose JSON form is not an object of their fields. */
const SPECIAL_JSON = new Set(
  ['Any', 'Timestamp', 'Duration', 'Struct', 'Value', 'ListValue', 'FieldMask', 'DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);

function isWellKnown(fullName: string): boolean {
  return fullName.startsWith('.google.protobuf.');
}

function defaultWrapper(name: string): unknown {
  if (name.includes('Bool')) return false;
  if (name.includes('String') || name.includes('Bytes')) return '';
  if (name.includes('64')) return '0';
  return 0;
}

/** The raw bytes of Any.value (field 2) from an encoded Any. */
function valueBytesFromAny(b: Uint8Array): Uint8Array | undefined {
  const r = new Reader(b);
  let out: Uint8Array | undefined;
  while (r.pos < r.end) {
    const tag = r.varint32();
    if (tag === undefined) return out;
    const wt = tag & 7;
    if (wt !== WT_LEN) {
      if (readRawValue(r, wt, 0, { limits: { maxDepth: 1 } as Limits, warnings: [], budget: 1000 }, true, tag >> 3) === FAIL) return out;
      continue;
    }
    const len = r.varint32();
    const v = len === undefined ? undefined : r.bytes(len);
    if (!v) return out;
    if (tag >> 3 === 2) out = v;
  }
  return out;
}

function structValue(m: Record<string, unknown>): unknown {
  const f = m.fields;
  return f && typeof f === 'object' ? f : {};
}

function valueValue(m: Record<string, unknown>): unknown {
  // protobufjs's bundled struct.proto uses camelCase names; a user-supplied copy snake_case.
  const pick = (snake: string, camel: string) => (snake in m ? m[snake] : camel in m ? m[camel] : undefined);
  if ('null_value' in m || 'nullValue' in m) return null;
  for (const [a, b] of [['number_value', 'numberValue'], ['string_value', 'stringValue'], ['bool_value', 'boolValue'], ['struct_value', 'structValue'], ['list_value', 'listValue']]) {
    const v = pick(a, b);
    if (v !== undefined) return v;
  }
  return null;
}

/** Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, nanos 0 to 999 999 999 (timestamp.proto). */
function badTimestamp(seconds: unknown, nanos: unknown): string | undefined {
  const s = Number(seconds ?? 0);
  const n = Number(nanos ?? 0);
  if (!(n >= 0 && n <= 999_999_999)) return 'nanos out of range';
  if (!(s >= -62_135_596_800 && s <= 253_402_300_799)) return 'seconds out of range';
  return undefined;
}

/** Duration: ±315 576 000 000 s (10 000 years), nanos within ±999 999 999 and of the seconds' sign (duration.proto). */
function badDuration(seconds: unknown, nanos: unknown): string | undefined {
  const s = Number(seconds ?? 0);
  const n = Number(nanos ?? 0);
  if (!(n >= -999_999_999 && n <= 999_999_999)) return 'nanos out of range';
  if (!(s >= -315_576_000_000 && s <= 315_576_000_000)) return 'seconds out of range';
  if ((s > 0 && n < 0) || (s < 0 && n > 0)) return 'seconds and nanos of different signs';
  return undefined;
}

function timestampText(seconds: unknown, nanos: unknown): string {
  const s = Number(seconds ?? 0);
  const n = Number(nanos ?? 0);
  const ms = s * 1000 + Math.floor(n / 1e6);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${seconds}s`;
  const base = isoSeconds(ms);
  if (base === undefined) {
    const iso = new Date(ms).toISOString(); // …sss Z
    if (n % 1e6 === 0) return iso.replace('.000Z', 'Z');
    return iso.slice(0, 19) + '.' + nanosDigits(n) + 'Z';
  }
  if (n % 1e6 !== 0) return base + '.' + nanosDigits(n) + 'Z';
  // What toISOString's milliseconds would be, then dropped when they are .000 (as above).
  const milli = ms - Math.floor(ms / 1000) * 1000;
  return milli === 0 ? base + 'Z' : base + '.' + PAD3[milli] + 'Z';
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;

/**
 * `new Date(ms).toISOString().slice(0, 19)` (YYYY-MM-DDTHH:MM:SS, UTC) for years 0–9999, without a
 * Date: toISOString was most of the cost of a Timestamp. Undefined for other years (toISOString
 * writes them with a sign and six digits). The civil date from the day number is the usual
 * era-of-400-years arithmetic of the proleptic Gregorian calendar (days since 0000-03-01).
 */
function isoSeconds(ms: number): string | undefined {
  if (!Number.isInteger(ms)) return undefined; // (Date truncates a fraction: left to it)
  const days = Math.floor(ms / DAY_MS);
  const inDay = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365], from March 1st
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11], March = 0
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  const secs = Math.floor(inDay / 1000);
  const h = Math.floor(secs / 3600);
  const mi = Math.floor(secs / 60) % 60;
  return `${PAD2[Math.floor(year / 100)]}${PAD2[year % 100]}-${PAD2[month]}-${PAD2[day]}T${PAD2[h]}:${PAD2[mi]}:${PAD2[secs % 60]}`;
}

/** Fractional seconds as the JSON mapping prints them: 3, 6 or 9 digits (protobuf.dev/programming-guides/json). */
function nanosDigits(n: number): string {
  const nine = String(n).padStart(9, '0');
  return n % 1e6 === 0 ? nine.slice(0, 3) : n % 1e3 === 0 ? nine.slice(0, 6) : nine;
}

function durationText(seconds: unknown, nanos: unknown): string {
  const s = BigInt(String(seconds ?? 0));
  const n = Number(nanos ?? 0);
  if (!n) return `${s}s`;
  const neg = s < 0n || n < 0;
  const abs = (s < 0n ? -s : s).toString();
  return `${neg ? '-' : ''}${abs}.${nanosDigits(Math.abs(n))}s`;
}

const resolvers = new WeakMap<object, TypeResolver>();
let plainResolver: TypeResolver | undefined;

/** The type resolver of a set of definitions (the well-known types only without), made once per set. */
export function resolverOf(defs: ProtoDefinitions | undefined): TypeResolver {
  if (!defs) return (plainResolver ??= resolverFor());
  let r = resolvers.get(defs);
  if (!r) resolvers.set(defs, (r = resolverFor(defs.root)));
  return r;
}

/**
 * Decode a message of type `typeName` (fully qualified). Without a resolvable type it falls
 * back to raw decoding (`raw: true`) with a warning naming the missing type.
 */
export function decodeProtobuf(bytes: Uint8Array, typeName: string | undefined, resolve: TypeResolver, limits: Limits): DecodeResult {
  const type = typeName ? resolve(typeName) : undefined;
  if (!type) {
    const r = decodeRaw(bytes, limits);
    if (typeName) r.warnings.unshift(`protobuf type ${typeName} not found: decoded without a schema`);
    return r;
  }
  const ctx: SchemaCtx = { limits, warnings: [], budget: 200000, resolve };
  try {
    const value = decodeMessageValue(type, bytes, 0, ctx);
    return { value, warnings: ctx.warnings, raw: false };
  } catch (e) {
    const r = decodeRaw(bytes, limits);
    r.warnings.unshift(`protobuf: ${(e as Error).message}`);
    return r;
  }
}
