/**
 * Schema checks of decoded bodies against OpenAPI/AsyncAPI schemas with ajv. Each document is
 * added to its own ajv instance once under a synthetic id, so operation schemas are looked up by
 * JSON pointer and their local `$ref`s resolve inside the document. OpenAPI keywords that are
 * not JSON Schema (`example`, `xml`…) are ignored (non-strict), a `discriminator` picks the
 * `oneOf` branch its value names; a few common formats are checked with simple patterns. Pure
 * (ajv generates code, so not for a webview).
 *
 * The schema dialect follows the document's version (`dialectOf`): OpenAPI 3.1 schemas are JSON
 * Schema 2020-12 (ajv's 2020 class: `prefixItems`, `dependentRequired`, `unevaluatedProperties`…;
 * `nullable` is no keyword there); OpenAPI 3.0 and Swagger 2.0 schemas are an extended subset of
 * draft-04/05, read with draft-07 after `forAjv` rewrites what differs — `nullable: true`
 * (3.0) and the `x-nullable: true` every Swagger 2.0 generator writes let a null through,
 * draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-06's numbers, a 2.0
 * `type: file` (a download) takes any body. AsyncAPI payloads are draft-07 (its default format).
 */
import Ajv, { type ValidateFunction, type ErrorObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';

/** How a document's schemas are read. */
export type SchemaDialect = 'oas2' | 'oas30' | 'oas31' | 'draft-07';

/** The dialect of a document's schemas, from its version key. */
export function dialectOf(data: Record<string, unknown>): SchemaDialect {
  if (data.swagger !== undefined) return 'oas2';
  if (typeof data.openapi === 'string') return /^3\.0(\.|$)/.test(data.openapi.trim()) ? 'oas30' : /^3\./.test(data.openapi.trim()) ? 'oas31' : 'oas30';
  return 'draft-07';
}

const FORMATS: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
  ipv4: /^(\d{1,3}\.){3}\d{1,3}$/,
  hostname: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i,
};
const NUMERIC_FORMATS = ['int32', 'int64', 'float', 'double'];

/** Which way a body goes: a request (readOnly properties not required) or a response (writeOnly ones not). */
export type BodyDirection = 'request' | 'response';

interface View {
  ajv: Ajv;
  compiled: Map<string, ValidateFunction | null>;
  failures: Map<string, string>;
  /** Why ajv did not take the document at all (every pointer then fails with it). */
  error?: string;
}

/**
 * What a compiled schema says of a value. A schema that is its own subschema with nothing in
 * between (`A: {allOf: [{$ref: A}]}`) compiles, but ajv's code for it calls itself without end: the
 * value is then left unchecked rather than the stack overflow ending the caller (a capture's linking).
 */
function problems(fn: ValidateFunction, value: unknown, max: number): string[] {
  try {
    return fn(value) ? [] : described(fn.errors, max);
  } catch {
    return [];
  }
}

export class SchemaChecker {
  /** One ajv per way the document is read: as written, for requests, for responses (made when first asked). */
  private readonly views = new Map<BodyDirection | 'plain', View>();
  private readonly inline = new WeakMap<object, ValidateFunction | null>();
  private readonly id: string;

  constructor(
    private readonly data: Record<string, unknown>,
    id: string,
    private readonly dialect: SchemaDialect = dialectOf(data),
  ) {
    this.id = id;
  }

  private view(direction: BodyDirection | undefined): View {
    const key = direction ?? 'plain';
    let v = this.views.get(key);
    if (!v) {
      const options = { strict: false, allErrors: true, validateSchema: false, logger: false, discriminator: false } as const;
      const ajv = this.dialect === 'oas31' ? new Ajv2020(options) : new Ajv(options);
      for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
      for (const name of NUMERIC_FORMATS) ajv.addFormat(name, { type: 'number', validate: () => true });
      for (const name of ['byte', 'binary', 'password']) ajv.addFormat(name, () => true);
      v = { ajv, compiled: new Map(), failures: new Map() };
      try {
        ajv.addSchema(forAjv(this.data, this.dialect, 0, direction) as object, this.id);
      } catch (e) {
        v.error = this.message(e);
      }
      this.views.set(key, v);
    }
    return v;
  }

  /**
   * Problems of `value` against the schema at `pointer` ('#/…'); [] when valid or the schema cannot
   * compile (see `failure`). With a direction, OpenAPI's readOnly/writeOnly rule applies (`forAjv`).
   */
  check(pointer: string, value: unknown, max = 5, direction?: BodyDirection): string[] {
    const fn = this.validator(pointer, direction);
    return fn ? problems(fn, value, max) : [];
  }

  /**
   * Problems of `value` against a schema that is not in the document (a Swagger 2.0 parameter's own
   * keywords), read in the document's dialect; [] when valid or it cannot compile.
   */
  checkInline(schema: Record<string, unknown>, value: unknown, max = 5): string[] {
    let fn = this.inline.get(schema);
    if (fn === undefined) {
      try {
        fn = this.view('request').ajv.compile(forAjv(schema, this.dialect) as object);
      } catch {
        fn = null;
      }
      this.inline.set(schema, fn);
    }
    return fn ? problems(fn, value, max) : [];
  }

  /**
   * Why the schema at `pointer` cannot check anything (ajv refuses to compile it: a `$ref` to
   * nothing, a keyword with a value of the wrong type); undefined when it can.
   */
  failure(pointer: string, direction?: BodyDirection): string | undefined {
    this.validator(pointer, direction);
    return this.view(direction).failures.get(pointer);
  }

  private validator(pointer: string, direction: BodyDirection | undefined): ValidateFunction | null {
    const v = this.view(direction);
    let fn = v.compiled.get(pointer);
    if (fn === undefined) {
      try {
        if (v.error !== undefined) throw new Error(v.error);
        fn = v.ajv.getSchema(`${this.id}${pointer}`) ?? null;
        if (!fn) v.failures.set(pointer, `no schema at ${pointer}`);
      } catch (e) {
        fn = null;
        v.failures.set(pointer, this.message(e));
      }
      v.compiled.set(pointer, fn);
    }
    return fn;
  }

  /** ajv's words, with refs named after the document's own pointers rather than its synthetic id. */
  private message(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).split(this.id).join('').replace(/ from id\s*$/, '').replace(/\s+/g, ' ').slice(0, 200);
  }
}

/** ajv's errors in words, at most `max`; an `if` that failed only repeats the errors of its `then`. */
function described(errors: ErrorObject[] | null | undefined, max: number): string[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .slice(0, max)
    .map(describe);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  if (e.keyword === 'additionalProperties') return `${at} has unexpected property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

/**
 * OAS 3.x §Discriminator Object: a `oneOf`/`anyOf` of `$ref`s with a `discriminator` is checked
 * against the one schema its property's value names — through `mapping` (a ref or a schema name),
 * else the schema's name — not against every branch: the branches may overlap (one matching more
 * than one fails `oneOf`) and the others' problems are noise. A value naming none is a problem
 * (`/pet/pet_type must be one of […]`). Left as written when a branch is not a `$ref` or a
 * mapping names no branch.
 */
function byDiscriminator(out: Record<string, unknown>): void {
  const disc = out.discriminator as { propertyName?: unknown; mapping?: unknown } | undefined;
  if (!disc || typeof disc !== 'object' || typeof disc.propertyName !== 'string') return;
  const key = Array.isArray(out.oneOf) ? 'oneOf' : Array.isArray(out.anyOf) ? 'anyOf' : undefined;
  if (!key) return;
  const branches = out[key] as unknown[];
  const refs = branches.map((b) => (b && typeof b === 'object' && typeof (b as { $ref?: unknown }).$ref === 'string' ? (b as { $ref: string }).$ref : undefined));
  if (!refs.length || refs.some((r) => r === undefined)) return;
  const entries = new Map<string, number>();
  if (disc.mapping && typeof disc.mapping === 'object') {
    for (const [value, target] of Object.entries(disc.mapping as Record<string, unknown>)) {
      if (typeof target !== 'string') return;
      const i = refs.findIndex((r) => r === target || r!.split('/').pop() === target);
      if (i < 0) return;
      entries.set(value, i);
    }
  }
  refs.forEach((r, i) => {
    const name = r!.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
    if (![...entries.values()].includes(i) && !entries.has(name)) entries.set(name, i);
  });
  const p = disc.propertyName;
  delete out[key];
  out.allOf = [
    ...(Array.isArray(out.allOf) ? out.allOf : []),
    { type: 'object', required: [p], properties: { [p]: { enum: [...entries.keys()] } } },
    ...[...entries].map(([value, i]) => ({ if: { type: 'object', required: [p], properties: { [p]: { const: value } } }, then: branches[i] })),
  ];
}

/** Keys whose values map names to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'schemas', 'dependentSchemas']);

/** Keys whose values are data, not schemas: never rewritten. */
const DATA_KEYS = new Set(['example', 'examples', 'enum', 'const', 'default', 'x-example', 'x-examples']);

/**
 * The document as ajv reads it in `dialect`: `$id`s dropped (they would re-base its `$ref`s), and
 * for OpenAPI 3.0 / Swagger 2.0 their draft-04-derived keywords in draft-07 terms:
 * - `nullable: true` (3.0; `x-nullable: true` in 2.0): null is valid too — OAS 3.0.0–3.0.2 "allows
 *   sending a null value for the defined schema"; generators write it beside `allOf: [$ref]` for a
 *   nullable reference (apispec, NestJS), so it holds without a `type` as well: `type` and `enum`
 *   get null, `anyOf`/`oneOf` a null branch, `allOf`/`$ref`/`not` move under `anyOf: [{type: null},
 *   …]`. In 3.1 `nullable` is no keyword: dropped (ajv would refuse it without a `type`).
 * - `exclusiveMinimum: true` beside `minimum: n` (draft-04, OAS 2.0/3.0 §Schema Object) →
 *   `exclusiveMinimum: n`; `false` → removed (likewise for the maximum).
 * - `type: file` (Swagger 2.0, a response that is a file) → no type.
 * - With a direction (OpenAPI 3.0 §Schema Object readOnly/writeOnly: "the required will take effect
 *   on the response only" / "on the request only"; 2.0's readOnly means the same; 3.1.1 leaves it to
 *   the tool, §Validating readOnly and writeOnly): a required property marked `readOnly: true` is not
 *   required of a request, one marked `writeOnly: true` not of a response — the same schema serves
 *   both ways (apispec lists a marshmallow `dump_only`/`load_only` field in `required`).
 */
export function forAjv(v: unknown, dialect: SchemaDialect, depth = 0, direction?: BodyDirection, names = false): unknown {
  if (depth > 200 || !v || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => forAjv(x, dialect, depth + 1, direction));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$id' && typeof x === 'string' && !names) continue;
    // (in a map of names — `properties`, `schemas`… — a name is no keyword: a property called
    // `default` or `nullable` is a schema like the others, and the map itself is no schema)
    out[k] = DATA_KEYS.has(k) && !names ? x : forAjv(x, dialect, depth + 1, direction, !names && NAME_MAPS.has(k));
  }
  if (names) return out;
  if (direction && dialect !== 'draft-07' && Array.isArray(out.required) && out.properties && typeof out.properties === 'object') {
    const props = out.properties as Record<string, unknown>;
    const skip = direction === 'request' ? 'readOnly' : 'writeOnly';
    out.required = (out.required as unknown[]).filter((name) => !(typeof name === 'string' && (props[name] as Record<string, unknown> | undefined)?.[skip] === true));
  }
  // (a boolean form is draft-04's whatever the dialect: in 3.1 it would only stop ajv compiling)
  for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[ex] !== 'boolean') continue;
    if (out[ex] && typeof out[bound] === 'number') {
      out[ex] = out[bound];
      delete out[bound];
    } else delete out[ex];
  }
  if (dialect === 'draft-07') return out;
  if (dialect !== 'oas2') byDiscriminator(out);
  if (out.type === 'file' && dialect === 'oas2') delete out.type;
  const nullKey = dialect === 'oas2' ? 'x-nullable' : 'nullable';
  const nullable = out[nullKey] === true;
  // (ajv knows `nullable` itself, and refuses it without a `type`: it is handled here, in every dialect)
  if (typeof out.nullable === 'boolean') delete out.nullable;
  if (!nullable || dialect === 'oas31') return out;
  delete out[nullKey];
  // (every keyword that could refuse a null lets it through; the others apply to other types only,
  // and stay where they are, so that JSON pointers into the schema still lead where they did)
  if (typeof out.type === 'string' || Array.isArray(out.type)) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (!types.includes('null')) out.type = [...types, 'null'];
  }
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if ('const' in out && out.const !== null) {
    out.enum = [out.const, null];
    delete out.const;
  }
  for (const k of ['anyOf', 'oneOf']) if (Array.isArray(out[k])) out[k] = [...(out[k] as unknown[]), { type: 'null' }];
  const refusing = ['allOf', '$ref', 'not'].filter((k) => out[k] !== undefined);
  if (refusing.length) {
    const inner: Record<string, unknown> = {};
    for (const k of refusing) {
      inner[k] = out[k];
      delete out[k];
    }
    // (`anyOf` already lets null through: the moved keywords join each of its branches' company)
    if (Array.isArray(out.anyOf)) out.allOf = [{ anyOf: [{ type: 'null' }, inner] }];
    else out.anyOf = [{ type: 'null' }, inner];
  }
  return out;
}
