/**
 * Does a message's wire form fit a message type? Used to name an rpc whose :path the capture
 * cannot read (an HPACK entry added before it began): the rpcs of the loaded .proto files whose
 * request and response types every captured message fits are the candidates.
 *
 * A message fits when every field it carries is a field of the type (by number) with a wire type
 * its declared type can have (protobuf.dev/programming-guides/encoding: VARINT for the integer
 * kinds, bool and enums; I64 for fixed64, sfixed64 and double; LEN for string, bytes, messages,
 * maps and packed repeated scalars; I32 for fixed32, sfixed32 and float), a string field holds
 * UTF-8, and a nested message fits its own type (to a depth). Unknown fields make it not fit: a
 * guess wants every field accounted for. Nothing here throws; work is bounded by a step budget.
 */
import * as protobuf from 'protobufjs';
import { utf8Strict } from '../core/bytes';

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const I64_TYPES = new Set(['fixed64', 'sfixed64', 'double']);
const I32_TYPES = new Set(['fixed32', 'sfixed32', 'float']);

/** Depth to which nested messages are checked; deeper ones are taken on trust. */
const MAX_DEPTH = 6;

export function fitsType(bytes: Uint8Array, type: protobuf.Type, budget = { steps: 20000 }): boolean {
  return fits(bytes, 0, bytes.length, type, 0, budget);
}

function fits(b: Uint8Array, start: number, end: number, type: protobuf.Type, depth: number, budget: { steps: number }): boolean {
  let p = start;
  while (p < end) {
    if (--budget.steps < 0) return false;
    const tag = varint(b, p, end);
    if (!tag) return false;
    p = tag.next;
    const id = Math.floor(tag.value / 8);
    const wt = tag.value % 8;
    if (id < 1) return false;
    let field: protobuf.Field | undefined;
    try {
      field = type.fieldsById[id];
    } catch {
      return false;
    }
    if (!field) return false;
    const resolved = field.resolvedType;
    const scalar = resolved instanceof protobuf.Enum ? 'int32' : field.type;
    switch (wt) {
      case WT_VARINT: {
        const v = varint(b, p, end);
        if (!v || !VARINT_TYPES.has(scalar) || resolved instanceof protobuf.Type || field.map) return false;
        p = v.next;
        break;
      }
      case WT_I64:
        if (end - p < 8 || !I64_TYPES.has(scalar) || field.map) return false;
        p += 8;
        break;
      case WT_I32:
        if (end - p < 4 || !I32_TYPES.has(scalar) || field.map) return false;
        p += 4;
        break;
      case WT_LEN: {
        const n = varint(b, p, end);
        if (!n || n.value > end - n.next) return false;
        const from = n.next;
        const to = from + n.value;
        p = to;
        if (field.map) break;
        if (resolved instanceof protobuf.Type) {
          if (depth < MAX_DEPTH && !fits(b, from, to, resolved, depth + 1, budget)) return false;
        } else if (scalar === 'string') {
          if (utf8Strict(b.subarray(from, to)) === undefined) return false;
        } else if (scalar !== 'bytes') {
          // A packed repeated scalar (proto3's default for repeated numbers).
          if (!field.repeated || !packedFits(b, from, to, scalar)) return false;
        }
        break;
      }
      default:
        return false;
    }
  }
  return p === end;
}

function packedFits(b: Uint8Array, from: number, to: number, scalar: string): boolean {
  if (I64_TYPES.has(scalar)) return (to - from) % 8 === 0;
  if (I32_TYPES.has(scalar)) return (to - from) % 4 === 0;
  if (!VARINT_TYPES.has(scalar)) return false;
  let p = from;
  while (p < to) {
    const v = varint(b, p, to);
    if (!v) return false;
    p = v.next;
  }
  return true;
}

/** A base-128 varint at `p` (at most 10 bytes); its value exact up to 2^53 (enough for tags and lengths). */
function varint(b: Uint8Array, p: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10 && p < end; i++) {
    const c = b[p++];
    value += (c & 0x7f) * mul;
    if (c < 0x80) return { value, next: p };
    mul *= 128;
  }
  return undefined;
}
