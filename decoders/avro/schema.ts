/**
 * Avro schemas (Apache Avro 1.11 specification, "Schema Declaration"): the JSON form a writer
 * declares — a primitive name, a JSON object (record/error, enum, array, map, fixed, or a
 * primitive with a logicalType) or a JSON array (a union) — parsed into a tree whose named types
 * (record, enum, fixed) are also kept by full name ("Names": a dotted name is full, otherwise the
 * enclosing namespace applies), so that later references by name resolve, also across schemas
 * (a registry's `references`).
 *
 * Bounded: at most MAX_NODES schema nodes per parse and MAX_DEPTH levels of nesting; anything the
 * specification does not allow is an error (the caller shows the value undecoded).
 */

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export type AvroSchema =
  | { type: AvroPrimitive; logical?: Logical }
  | AvroRecord
  | { type: 'enum'; name: string; symbols: string[]; default?: string }
  | { type: 'array'; items: AvroSchema }
  | { type: 'map'; values: AvroSchema }
  | { type: 'fixed'; name: string; size: number; logical?: Logical }
  | { type: 'union'; branches: AvroSchema[] }
  | { type: 'ref'; name: string; alt?: string; names: Names };

export interface AvroRecord {
  type: 'record';
  name: string;
  fields: Array<{ name: string; type: AvroSchema }>;
}

/** A logical type annotation (spec "Logical Types"): decimal carries precision and scale. */
export interface Logical {
  name: string;
  precision?: number;
  scale?: number;
}

/** Named types by full name (shared by the schemas that reference each other). */
export type Names = Map<string, AvroSchema>;

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const MAX_NODES = 20000;
const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class AvroSchemaError extends Error {}

/**
 * Parse one schema's JSON text. Named types it defines are added to `names` (pass the map of the
 * schemas it references, already parsed, to resolve their names).
 */
export function parseAvroSchema(text: string, names: Names = new Map()): AvroSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AvroSchemaError(`schema is not JSON (${(e as Error).message})`);
  }
  return parseAvroJson(json, names);
}

export function parseAvroJson(json: unknown, names: Names = new Map()): AvroSchema {
  const ctx = { nodes: 0, names };
  return parse(json, '', 0, ctx);
}

function fullName(name: unknown, ns: unknown, enclosing: string): { full: string; ns: string } {
  if (typeof name !== 'string' || !name) throw new AvroSchemaError('a named type without a name');
  if (name.includes('.')) {
    checkName(name);
    return { full: name, ns: name.slice(0, name.lastIndexOf('.')) };
  }
  const space = typeof ns === 'string' ? ns : enclosing;
  if (space) checkName(space);
  if (!NAME.test(name)) throw new AvroSchemaError(`invalid name "${name.slice(0, 64)}"`);
  return { full: space ? `${space}.${name}` : name, ns: space };
}

function checkName(dotted: string): void {
  for (const part of dotted.split('.')) if (!NAME.test(part)) throw new AvroSchemaError(`invalid name "${dotted.slice(0, 64)}"`);
}

function define(ctx: { names: Names }, full: string, s: AvroSchema): void {
  if (ctx.names.has(full)) {
    const old = ctx.names.get(full)!;
    // The same name defined again (a referenced schema repeated inline) must be the same type.
    if (old.type !== s.type) throw new AvroSchemaError(`"${full}" defined twice`);
  }
  ctx.names.set(full, s);
}

function parseLogical(o: Record<string, unknown>): Logical | undefined {
  if (typeof o.logicalType !== 'string') return undefined;
  const l: Logical = { name: o.logicalType };
  if (typeof o.precision === 'number') l.precision = o.precision;
  if (typeof o.scale === 'number') l.scale = o.scale;
  return l;
}

function parse(j: unknown, ns: string, depth: number, ctx: { nodes: number; names: Names }): AvroSchema {
  if (++ctx.nodes > MAX_NODES) throw new AvroSchemaError(`schema has more than ${MAX_NODES} nodes`);
  if (depth > MAX_DEPTH) throw new AvroSchemaError(`schema nested deeper than ${MAX_DEPTH}`);
  if (typeof j === 'string') {
    if (PRIMITIVES.has(j)) return { type: j as AvroPrimitive };
    // A reference to a named type: resolved when decoding (it may be defined later, or be this record itself).
    checkName(j);
    const full = j.includes('.') || !ns ? j : `${ns}.${j}`;
    return full !== j ? { type: 'ref', name: full, alt: j, names: ctx.names } : { type: 'ref', name: full, names: ctx.names };
  }
  if (Array.isArray(j)) {
    if (!j.length) throw new AvroSchemaError('an empty union');
    const branches = j.map((b) => parse(b, ns, depth + 1, ctx));
    if (branches.some((b) => b.type === 'union')) throw new AvroSchemaError('a union directly inside a union');
    return { type: 'union', branches };
  }
  if (!j || typeof j !== 'object') throw new AvroSchemaError(`not a schema: ${JSON.stringify(j)?.slice(0, 64)}`);
  const o = j as Record<string, unknown>;
  const t = o.type;
  if (typeof t === 'string' && PRIMITIVES.has(t)) {
    const logical = parseLogical(o);
    return logical ? { type: t as AvroPrimitive, logical } : { type: t as AvroPrimitive };
  }
  switch (t) {
    case 'record':
    case 'error': {
      const { full, ns: inner } = fullName(o.name, o.namespace, ns);
      const rec: AvroRecord = { type: 'record', name: full, fields: [] };
      // Defined before its fields are read: a field may refer to the record itself (a linked list).
      define(ctx, full, rec);
      if (!Array.isArray(o.fields)) throw new AvroSchemaError(`record ${full} without fields`);
      for (const f of o.fields as unknown[]) {
        const fo = f as Record<string, unknown>;
        if (!fo || typeof fo !== 'object' || typeof fo.name !== 'string') throw new AvroSchemaError(`record ${full}: a field without a name`);
        rec.fields.push({ name: fo.name, type: parse(fo.type, inner, depth + 1, ctx) });
      }
      return rec;
    }
    case 'enum': {
      const { full } = fullName(o.name, o.namespace, ns);
      if (!Array.isArray(o.symbols) || o.symbols.some((s) => typeof s !== 'string')) throw new AvroSchemaError(`enum ${full} without symbols`);
      const e: AvroSchema = { type: 'enum', name: full, symbols: o.symbols as string[], ...(typeof o.default === 'string' ? { default: o.default } : {}) };
      define(ctx, full, e);
      return e;
    }
    case 'fixed': {
      const { full } = fullName(o.name, o.namespace, ns);
      if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0) throw new AvroSchemaError(`fixed ${full} without a size`);
      const logical = parseLogical(o);
      const f: AvroSchema = { type: 'fixed', name: full, size: o.size, ...(logical ? { logical } : {}) };
      define(ctx, full, f);
      return f;
    }
    case 'array':
      return { type: 'array', items: parse(o.items, ns, depth + 1, ctx) };
    case 'map':
      return { type: 'map', values: parse(o.values, ns, depth + 1, ctx) };
    default:
      // {"type": "com.x.Name"} or {"type": {...}}: the type it names.
      if (typeof t === 'string' || (t && typeof t === 'object')) return parse(t, ns, depth + 1, ctx);
      throw new AvroSchemaError(`unknown type ${JSON.stringify(t)?.slice(0, 64)}`);
  }
}

/** A reference's named type: its full name, else the bare name (a type declared without namespace). */
export function resolveRef(s: AvroSchema & { type: 'ref' }): AvroSchema | undefined {
  return s.names.get(s.name) ?? (s.alt !== undefined ? s.names.get(s.alt) : undefined);
}
