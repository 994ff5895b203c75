/**
 * MessagePack (msgpack.org spec) values for display: HTTP bodies of type application/msgpack, the
 * SignalR MessagePack hub protocol. Decoded with @msgpack/msgpack (the reference implementation
 * for JavaScript; its decoder keeps an explicit stack, so nesting cannot overflow ours), every
 * length it reads bounded by the preview size, then turned into JSON-safe values:
 *
 *   bin → {$binary: hex of the first bytes, size}; int64 beyond ±2^53 → the exact digits as a string;
 *   timestamp (ext -1) → {$date: ISO}; other ext → {$ext: type, hex, size}; a map with keys that are
 *   not strings or numbers → its entries as [key, value] pairs under $map.
 *
 * Values nested deeper than `maxDepth` are cut there with a marker.
 */
import { Decoder, ExtData } from '@msgpack/msgpack';
import { toHex } from './bytes';

const BINARY_PREVIEW = 64;

export interface MsgpackResult {
  ok: boolean;
  /** The first value (or all of them, as an array, when `multi`). */
  value?: unknown;
  /** Why it failed, or what was cut. */
  warning?: string;
}

function decoder(maxBytes: number): Decoder {
  const n = Math.max(16, maxBytes);
  return new Decoder({
    useBigInt64: true,
    maxStrLength: n,
    maxBinLength: n,
    maxArrayLength: n,
    maxMapLength: n,
    maxExtLength: n,
    // keys of any type: kept, shown as text (a map with such keys is rare and still readable)
    mapKeyConverter: (k: unknown) => (typeof k === 'string' || typeof k === 'number' ? k : JSON.stringify(jsonSafe(k, 4, 0))),
  });
}

/** One MessagePack value filling `bytes` (or the first of several, with a warning). */
export function decodeMsgpack(bytes: Uint8Array, maxDepth: number): MsgpackResult {
  try {
    const values: unknown[] = [];
    for (const v of decoder(bytes.length).decodeMulti(bytes)) {
      values.push(v);
      if (values.length > 1) break;
    }
    if (!values.length) return { ok: false, warning: 'MessagePack: no value' };
    const cut = { deep: false };
    const value = jsonSafe(values[0], maxDepth, 0, cut);
    const notes = [values.length > 1 ? 'more than one MessagePack value: the first shown' : '', cut.deep ? `MessagePack nested deeper than ${maxDepth} levels: cut there` : ''].filter(Boolean);
    return { ok: true, value, ...(notes.length ? { warning: notes.join('; ') } : {}) };
  } catch (e) {
    return { ok: false, warning: `MessagePack not decoded: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** A decoded MessagePack value as plain JSON data (see the module comment). */
export function jsonSafe(v: unknown, maxDepth: number, depth = 0, cut?: { deep: boolean }): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v !== 'object') return v;
  if (depth >= maxDepth) {
    if (cut) cut.deep = true;
    return '…';
  }
  if (v instanceof Uint8Array) return { $binary: toHex(v.subarray(0, BINARY_PREVIEW)), size: v.length };
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { $date: 'invalid' } : { $date: v.toISOString() };
  if (v instanceof ExtData) {
    const data = v.data instanceof Uint8Array ? v.data : new Uint8Array(0);
    return { $ext: v.type, hex: toHex(data.subarray(0, BINARY_PREVIEW)), size: data.length };
  }
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, maxDepth, depth + 1, cut));
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [jsonSafe(k, maxDepth, depth + 1, cut), jsonSafe(x, maxDepth, depth + 1, cut)]) };
  const out: Record<string, unknown> = {};
  // (defined, not assigned: a key named __proto__ is a key like any other)
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) Object.defineProperty(out, k, { value: jsonSafe(x, maxDepth, depth + 1, cut), enumerable: true, writable: true, configurable: true });
  return out;
}
