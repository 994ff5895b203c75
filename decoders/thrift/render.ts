/**
 * Thrift values as plain JSON-able data for the call model: without IDL, structs are keyed by
 * field id; with IDL, by field name (undeclared fields keep their id), enums show their name,
 * `string` fields are text and `binary` fields hex.
 */
import { fromBase64, toHex, utf8Strict } from '../core/bytes';
import type { TNode, TType } from './wire';
import { lookupNamed, type ThriftDefinitions, type ThriftFieldDef, type ThriftStructDef, type ThriftTypeRef } from './idl';

const MAX_PREVIEW = 4096;

function numberOf(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

function binaryOf(b: Uint8Array, asText: boolean | undefined): unknown {
  if (asText !== false) {
    const s = utf8Strict(b);
    // eslint-disable-next-line no-control-regex
    if (s !== undefined && (asText || !/[\u0000-\u0008\u000e-\u001f]/.test(s))) return s;
  }
  const out: { hex: string; size: number; truncated?: boolean } = { hex: toHex(b, MAX_PREVIEW), size: b.length };
  if (b.length > MAX_PREVIEW) out.truncated = true;
  return out;
}

function doubleOf(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__' || Object.hasOwn(Object.prototype, k)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Render without IDL. */
export function renderRaw(n: TNode): unknown {
  switch (n.t) {
    case 'bool':
    case 'i8':
    case 'i16':
    case 'i32':
    case 'uuid':
      return n.v;
    case 'double':
      return doubleOf(n.v);
    case 'i64':
      return numberOf(n.v);
    case 'binary':
      return binaryOf(n.v, undefined);
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of n.fields) setKey(o, String(f.id), renderRaw(f.node));
      return o;
    }
    case 'list':
    case 'set':
      return n.items.map(renderRaw);
    case 'map':
      return mapOf(n.entries.map(([k, v]) => [renderRaw(k), renderRaw(v)]));
  }
}

function mapOf(entries: Array<[unknown, unknown]>): unknown {
  if (entries.every(([k]) => typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean')) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries) setKey(o, String(k), v);
    return o;
  }
  return entries.map(([key, value]) => ({ key, value }));
}

/** The IDL wire type a declared type is sent as. */
export function wireTypeOf(defs: ThriftDefinitions, t: ThriftTypeRef, depth = 0): TType | undefined {
  if (depth > 32) return undefined;
  switch (t.kind) {
    case 'base':
      return t.name === 'string' ? 'binary' : t.name === 'void' ? 'void' : (t.name as TType);
    case 'list':
    case 'set':
    case 'map':
      return t.kind;
    case 'named': {
      const td = lookupNamed(defs.typedefs, t.name, t.program);
      if (td) return wireTypeOf(defs, td.type, depth + 1);
      if (lookupNamed(defs.enums, t.name, t.program)) return 'i32';
      if (lookupNamed(defs.structs, t.name, t.program)) return 'struct';
      return undefined;
    }
  }
}

export class Renderer {
  constructor(private readonly defs: ThriftDefinitions) {}

  /** Render a struct node with a field list (method args, result fields or a struct's fields). */
  fields(n: TNode, fields: ThriftFieldDef[], depth = 0): unknown {
    if (n.t !== 'struct') return renderRaw(n);
    const o: Record<string, unknown> = {};
    for (const f of n.fields) {
      const def = fields.find((d) => d.id === f.id);
      if (def && wireTypeOf(this.defs, def.type) === f.node.t) setKey(o, def.name, this.value(f.node, def.type, depth + 1));
      else setKey(o, String(f.id), renderRaw(f.node));
    }
    return o;
  }

  struct(n: TNode, def: ThriftStructDef | undefined, depth = 0): unknown {
    return def ? this.fields(n, def.fields, depth) : renderRaw(n);
  }

  value(n: TNode, t: ThriftTypeRef, depth = 0): unknown {
    if (depth > 128) return renderRaw(n);
    switch (t.kind) {
      case 'base':
        if (n.t === 'binary') {
          // The JSON protocol sends a `binary` field's bytes as base64 text.
          if (n.json && t.name === 'binary') {
            const bytes = fromBase64(utf8Strict(n.v) ?? '');
            if (bytes) return binaryOf(bytes, false);
          }
          return binaryOf(n.v, t.name === 'string' ? true : t.name === 'binary' ? false : undefined);
        }
        return renderRaw(n);
      case 'list':
      case 'set':
        if (n.t !== 'list' && n.t !== 'set') return renderRaw(n);
        return n.items.map((i) => this.value(i, t.elem, depth + 1));
      case 'map':
        if (n.t !== 'map') return renderRaw(n);
        return mapOf(n.entries.map(([k, v]) => [this.value(k, t.key, depth + 1), this.value(v, t.val, depth + 1)]));
      case 'named': {
        const td = lookupNamed(this.defs.typedefs, t.name, t.program);
        if (td) return this.value(n, td.type, depth + 1);
        const en = lookupNamed(this.defs.enums, t.name, t.program);
        if (en && n.t === 'i32') {
          const name = en.values.get(n.v);
          return name !== undefined ? `${name} (${n.v})` : n.v;
        }
        const st = lookupNamed(this.defs.structs, t.name, t.program);
        if (st && n.t === 'struct') return this.fields(n, st.fields, depth + 1);
        return renderRaw(n);
      }
    }
  }

  /** The declared name of a struct type, for exception names. */
  typeName(t: ThriftTypeRef): string | undefined {
    if (t.kind !== 'named') return undefined;
    const st = lookupNamed(this.defs.structs, t.name, t.program);
    return st ? st.name.slice(st.name.indexOf('.') + 1) : t.name;
  }
}
