/**
 * Schema checks of decoded bodies against OpenAPI/AsyncAPI schemas with ajv. Each document is
 * added to its own ajv instance once under a synthetic id, so operation schemas are looked up by
 * JSON pointer and their local `$ref`s resolve inside the document. OpenAPI keywords that are
 * not JSON Schema (`example`, `xml`, `discriminator`…) are ignored (non-strict); a few common
 * formats are checked with simple patterns. Pure (ajv generates code, so not for a webview).
 */
import Ajv, { type ValidateFunction, type ErrorObject } from 'ajv';

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

export class SchemaChecker {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly id: string;

  constructor(data: Record<string, unknown>, id: string) {
    this.id = id;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false, discriminator: false });
    for (const [name, re] of Object.entries(FORMATS)) this.ajv.addFormat(name, re);
    for (const name of NUMERIC_FORMATS) this.ajv.addFormat(name, { type: 'number', validate: () => true });
    for (const name of ['byte', 'binary', 'password']) this.ajv.addFormat(name, () => true);
    this.ajv.addSchema(stripIds(data) as object, id);
  }

  /** Problems of `value` against the schema at `pointer` ('#/…'); [] when valid or the schema cannot compile. */
  check(pointer: string, value: unknown, max = 5): string[] {
    let fn = this.compiled.get(pointer);
    if (fn === undefined) {
      try {
        fn = this.ajv.getSchema(`${this.id}${pointer}`) ?? null;
      } catch {
        fn = null;
      }
      this.compiled.set(pointer, fn);
    }
    if (!fn) return [];
    if (fn(value)) return [];
    return (fn.errors ?? []).slice(0, max).map(describe);
  }
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '(root)';
  if (e.keyword === 'additionalProperties') return `${at} has unexpected property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

/** `$id`s inside an OpenAPI document would re-base its `$ref`s: drop them. */
function stripIds(v: unknown, depth = 0): unknown {
  if (depth > 64 || !v || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => stripIds(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== '$id' || typeof x !== 'string') out[k] = stripIds(x, depth + 1);
  return out;
}
