/**
 * Does a message's wire form fit a message type? Used to name an rpc whose :path the capture
 * cannot read (an HPACK entry added before it began): the rpcs of the loaded .proto files whose
 * request and response types every captured message fits are the candidates.
 *
 * A message fits when every field it carries is a field of the type (by number) written with the
 * wire type its declared type has (decode.ts wireTypeOf; a map field LEN; a repeated number may be
 * packed in one LEN field: protobuf.dev/programming-guides/encoding), a string field holds UTF-8,
 * and a nested message fits its own type (to a depth). Unknown fields make it not fit: a guess
 * wants every field accounted for. Nothing here throws; work is bounded by a step budget.
 */
import * as protobuf from 'protobufjs';
import { utf8Strict } from '../core/bytes';
import { Reader, WT_I32, WT_I64, WT_LEN, WT_VARINT, wireTypeOf } from './decode';

/** Depth to which nested messages are checked; deeper ones are taken on trust. */
const MAX_DEPTH = 6;

export function fitsType(bytes: Uint8Array, type: protobuf.Type, budget = { steps: 20000 }): boolean {
  return fits(new Reader(bytes), type, 0, budget);
}

function fits(r: Reader, type: protobuf.Type, depth: number, budget: { steps: number }): boolean {
  while (r.pos < r.end) {
    if (--budget.steps < 0) return false;
    const tag = r.varint32();
    if (tag === undefined || tag < 8) return false;
    const wt = tag % 8;
    let field: protobuf.Field | undefined;
    try {
      field = type.fieldsById[Math.floor(tag / 8)];
    } catch {
      return false;
    }
    if (!field) return false;
    const resolved = field.resolvedType;
    const expected = field.map ? WT_LEN : wireTypeOf(field.type, resolved);
    const packed = wt === WT_LEN && expected !== WT_LEN && field.repeated;
    if (wt !== expected && !packed) return false;
    if (wt === WT_VARINT) {
      if (r.varint32() === undefined) return false;
      continue;
    }
    if (wt !== WT_LEN) {
      if (r.skip(wt === WT_I64 ? 8 : 4) < 0) return false;
      continue;
    }
    const n = r.varint32();
    const from = n === undefined ? -1 : r.skip(n);
    if (from < 0) return false;
    const body = new Reader(r.buf, r.pos);
    body.pos = from;
    if (packed) {
      if (!packedFits(body, expected)) return false;
    } else if (resolved instanceof protobuf.Type && !field.map) {
      if (depth < MAX_DEPTH && !fits(body, resolved, depth + 1, budget)) return false;
    } else if (field.type === 'string' && utf8Strict(r.buf.subarray(from, r.pos)) === undefined) return false;
  }
  return true;
}

/** A packed repeated number: whole varints, or a multiple of the fixed width. */
function packedFits(r: Reader, wt: number): boolean {
  if (wt !== WT_VARINT) return (r.end - r.pos) % (wt === WT_I32 ? 4 : 8) === 0;
  while (r.pos < r.end) if (r.varint32() === undefined) return false;
  return true;
}
