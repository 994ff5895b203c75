/**
 * The values of an operation's path, query, header and cookie parameters in a request, as their
 * schemas type them. A parameter is read as its `style` and `explode` say (OAS 3.0.3 §4.7.12.4
 * Style Values and Style Examples): path `simple`, `label` (`.5`, `.3.4.5`) and `matrix` (`;id=5`,
 * `;id=3,4,5`, exploded `;id=3;id=4`); query `form` (exploded: a name per value, or per property of
 * an object; not: `color=R,100,G,200`), `spaceDelimited`, `pipeDelimited` and `deepObject`
 * (`filter[name]=x&filter[age]=3`); header `simple`; cookie `form`; one described by `content`
 * (§4.7.12: a JSON query parameter) as its media type says. 2.0 parameters by their
 * `collectionFormat`. A query string is read as a form (`+` a space, percent-decoding); numbers and
 * booleans are read from their text where the schema wants one (a text that is not one stays text,
 * so that the schema check says what is wrong). Bounded: at most MAX_ITEMS values per parameter,
 * deepObject names MAX_DEPTH brackets deep. Pure.
 */
import { formPairs } from '../http-common/body';
import { followRefs } from './refs';
import type { ParameterRef } from './openapi';

/** At most this many values (array items, object properties) are read of one parameter or form field. */
export const MAX_ITEMS = 1000;
/** deepObject names nest at most this deep (`a[b][c]`…); deeper brackets stay in the last name. */
export const MAX_DEPTH = 8;

/** `?a=1&b=x+y&a=2` → { a: ['1', '2'], b: ['x y'] } (a name without `=` has the empty value): the query read as a form body is (http-common/body `formPairs`). */
export function parseQuery(uri: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const q = uri.indexOf('?');
  if (q < 0) return out;
  formPairs(uri.slice(q + 1).split('#')[0], 10 * MAX_ITEMS, (name, value) => {
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  });
  return out;
}

/** A Cookie header (RFC 6265 §4.2: `a=1; b=2`) → { a: ['1'], b: ['2'] }. */
export function parseCookies(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** The schema node (through `$ref`s), or undefined. */
function node(data: unknown, schema: unknown): Record<string, unknown> | undefined {
  const s = followRefs<Record<string, unknown>>(data, schema, [])?.node;
  return s && typeof s === 'object' && !Array.isArray(s) ? s : undefined;
}

/** The JSON types a schema (through `$ref`, `anyOf`/`oneOf`/`allOf` a few levels down) accepts; empty when it does not say. */
export function typesOf(data: unknown, schema: unknown, depth = 0): Set<string> {
  const out = new Set<string>();
  const s = node(data, schema);
  if (!s || depth > 4) return out;
  if (typeof s.type === 'string') out.add(s.type);
  else if (Array.isArray(s.type)) for (const t of s.type) if (typeof t === 'string') out.add(t);
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[k])) for (const b of s[k] as unknown[]) for (const t of typesOf(data, b, depth + 1)) out.add(t);
  if (!out.size && Array.isArray(s.enum)) for (const v of s.enum) out.add(v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v);
  if (!out.size && (s.properties || s.additionalProperties)) out.add('object');
  if (!out.size && s.items) out.add('array');
  return out;
}

/** What a value of this schema is: an object, an array, or one value (what the schema does not say is one value). */
export function shapeOf(data: unknown, schema: unknown): 'object' | 'array' | 'primitive' {
  const t = typesOf(data, schema);
  if (t.has('object') && !t.has('string')) return 'object';
  if (t.has('array') && !t.has('string')) return 'array';
  return 'primitive';
}

/** Looks through `$ref`s and `allOf`/`anyOf`/`oneOf` branches (bounded) for the first schema `pick` finds. */
export function findIn(data: unknown, schema: unknown, pick: (s: Record<string, unknown>) => unknown, depth = 0): unknown {
  const s = node(data, schema);
  if (!s || depth > 4) return undefined;
  const own = pick(s);
  if (own !== undefined) return own;
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[k]))
      for (const b of s[k] as unknown[]) {
        const x = findIn(data, b, pick, depth + 1);
        if (x !== undefined) return x;
      }
  return undefined;
}

/** The schema of an object's property: `properties`, else `additionalProperties` when it is a schema; undefined when the object says nothing of it. */
export function propertySchema(data: unknown, schema: unknown, name: string): unknown {
  const declared = findIn(data, schema, (s) => {
    const props = s.properties as Record<string, unknown> | undefined;
    return props && typeof props === 'object' && Object.hasOwn(props, name) ? props[name] : undefined;
  });
  if (declared !== undefined) return declared;
  return findIn(data, schema, (s) => (s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined));
}

/** The names an object schema declares (bounded), and whether it takes others (`additionalProperties` not false). */
export function declaredProperties(data: unknown, schema: unknown): { names: string[]; others: boolean } {
  const names = new Set<string>();
  let others = false;
  const walk = (sch: unknown, depth: number) => {
    const s = node(data, sch);
    if (!s || depth > 4) return;
    if (s.properties && typeof s.properties === 'object') for (const k of Object.keys(s.properties).slice(0, MAX_ITEMS)) names.add(k);
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) others = true;
    if (s.patternProperties) others = true;
    for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) for (const b of s[k] as unknown[]) walk(b, depth + 1);
  };
  walk(schema, 0);
  return { names: [...names], others };
}

/** The schema of an array's items. */
export function itemsSchema(data: unknown, schema: unknown): unknown {
  return findIn(data, schema, (s) => (s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? s.items : undefined));
}

/** One text as the schema's type wants it. */
function scalar(text: string, types: Set<string>): unknown {
  if ((types.has('integer') || types.has('number')) && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** One text typed by its schema. */
export function typedScalar(data: unknown, schema: unknown, text: string): unknown {
  return scalar(text, typesOf(data, schema));
}

/** Texts as an array of the schema's items. */
export function typedList(data: unknown, schema: unknown, texts: readonly string[]): unknown[] {
  const items = itemsSchema(data, schema);
  const types = typesOf(data, items);
  return texts.slice(0, MAX_ITEMS).map((t) => scalar(t, types));
}

/** Name/value pairs as an object, each value typed by its property's schema (a property that is an array collects every value of its name). */
export function typedObject(data: unknown, schema: unknown, pairs: ReadonlyArray<readonly [string, string]>): Record<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of pairs.slice(0, MAX_ITEMS)) {
    const ps = propertySchema(data, schema, k);
    if (shapeOf(data, ps) === 'array') {
      const prev = out.get(k);
      const list = Array.isArray(prev) ? prev : [];
      list.push(...typedList(data, ps, [v]));
      out.set(k, list);
    } else if (!out.has(k)) out.set(k, typedScalar(data, ps, v));
  }
  return Object.fromEntries(out);
}

/** `R,100,G,200` split → [[R, 100], [G, 200]]; undefined when the count is odd. */
export function alternating(items: readonly string[]): Array<[string, string]> | undefined {
  if (items.length % 2) return undefined;
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < items.length && out.length < MAX_ITEMS; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

/** `R=100` → [R, 100] (a name without `=` has the empty value). */
function pair(s: string): [string, string] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
}

/** A list's text split at its separator (the empty text: no items), at most MAX_ITEMS. */
export function splitItems(s: string, sep: string): string[] {
  return s === '' ? [] : s.split(sep, MAX_ITEMS);
}

/** `filter[a][b]` → ['a', 'b'] under `filter`; undefined when the name is not `base[…]`. */
export function bracketPath(name: string, base: string): string[] | undefined {
  if (!name.startsWith(base + '[')) return undefined;
  const out: string[] = [];
  let i = base.length;
  while (i < name.length && name[i] === '[') {
    const close = name.indexOf(']', i);
    if (close < 0) return undefined;
    if (out.length >= MAX_DEPTH) {
      out[out.length - 1] += name.slice(i);
      return out;
    }
    out.push(name.slice(i + 1, close));
    i = close + 1;
  }
  return i === name.length && out.length ? out : undefined;
}

/**
 * Bracketed names (`filter[name]=x`, `filter[size][min]=3`, `filter[tags][]=a`) under `base` as one
 * object, each value typed by the schema along its path (a property that is an array collects its
 * values); undefined when no name is under `base`. Used by deepObject query parameters and object
 * fields of form bodies (the same bracket notation).
 */
export function bracketObject(data: unknown, schema: unknown, base: string, entries: Iterable<readonly [string, readonly string[]]>): Record<string, unknown> | undefined {
  let root: Record<string, unknown> | undefined;
  let n = 0;
  for (const [name, values] of entries) {
    const path = bracketPath(name, base);
    if (!path) continue;
    root ??= {};
    let obj: Record<string, unknown> = root;
    let sch: unknown = schema;
    for (let i = 0; i < path.length && n < MAX_ITEMS; i++) {
      const key = path[i];
      const last = i === path.length - 1 || (i === path.length - 2 && path[i + 1] === '');
      // (an empty or `__proto__` name cannot be a property here)
      if (key === '' || key === '__proto__') break;
      const ps = propertySchema(data, sch, key);
      if (last) {
        if (shapeOf(data, ps) === 'array' || path[i + 1] === '') {
          const prev = obj[key];
          const list = Array.isArray(prev) ? prev : [];
          list.push(...typedList(data, ps, values));
          obj[key] = list;
        } else obj[key] = typedScalar(data, ps, values[0] ?? '');
        n += values.length;
        break;
      }
      const next = obj[key];
      if (!next || typeof next !== 'object' || Array.isArray(next)) obj[key] = {};
      obj = obj[key] as Record<string, unknown>;
      sch = ps;
    }
  }
  return root;
}

/** A list's separator by 3.x style (form and simple: a comma) or 2.0 collectionFormat (multi: a name per item, none). */
export const SEPARATOR: Readonly<Record<string, string>> = { spaceDelimited: ' ', pipeDelimited: '|', csv: ',', ssv: ' ', tsv: '\t', pipes: '|' };

/**
 * A 2.0 parameter's value (or a 3.x one of one value or an array, from its texts), for its schema
 * check, from its texts in the request (several for a repeated query name); undefined when the
 * request does not have it. `schema` is the parameter's schema (2.0: its own keywords) in `data`.
 */
export function parameterValue(data: unknown, p: ParameterRef, schema: unknown, texts: readonly string[] | undefined): unknown {
  if (!texts?.length) return undefined;
  const types = typesOf(data, schema);
  if (types.has('array')) {
    const sep = p.arrayFormat === 'multi' ? undefined : SEPARATOR[p.arrayFormat];
    // (a header's list elements have optional white space around the commas: RFC 9110 §5.6.1)
    const parts = sep ? texts.flatMap((t) => splitItems(t, sep).map((x) => (p.in === 'header' ? x.trim() : x))) : [...texts];
    return typedList(data, schema, parts);
  }
  return scalar(texts[0], types);
}

/** What a request has of its parameters. */
export interface RequestParameters {
  /** The path parameters' segments as matchOperation gives them (reserved characters still percent-encoded). */
  path: Record<string, string>;
  query: Map<string, string[]>;
  /** A header's value (several fields of the name joined); undefined when absent. */
  header: (name: string) => string | undefined;
  cookies: Map<string, string[]>;
}

/** A parameter as read from a request: its typed value, or why it could not be read; undefined when the request does not have it. */
export type ParameterReading = { value: unknown } | { problem: string } | undefined;

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A parameter's value in a request, read as its style and explode say. `others`: the names of the
 * operation's parameters in the same place, its own among them or not (an exploded form object takes
 * the names it declares, and with additionalProperties the rest, but never the other parameters').
 */
export function readParameter(data: unknown, p: ParameterRef, schema: unknown, req: RequestParameters, others: ReadonlySet<string> = new Set()): ParameterReading {
  if (p.contentType !== undefined) {
    // (described by `content`: the text as its media type says — JSON parsed, another typed as one value)
    const raw = p.in === 'path' ? (req.path[p.name] !== undefined ? decodeSegment(req.path[p.name]) : undefined) : p.in === 'header' ? req.header(p.name) : p.in === 'cookie' ? req.cookies.get(p.name)?.[0] : req.query.get(p.name)?.[0];
    if (raw === undefined) return undefined;
    if (!/json/i.test(p.contentType)) return { value: typedScalar(data, schema, raw) };
    try {
      return { value: JSON.parse(raw) };
    } catch {
      return { problem: `is not ${p.contentType} (its content)` };
    }
  }
  const shape = shapeOf(data, schema);
  if (p.style === undefined) {
    // (2.0: collectionFormat; objects do not exist there)
    const texts = p.in === 'path' ? (req.path[p.name] !== undefined ? [decodeSegment(req.path[p.name])] : undefined) : p.in === 'header' ? opt(req.header(p.name)) : p.in === 'cookie' ? req.cookies.get(p.name) : req.query.get(p.name);
    return texts ? { value: parameterValue(data, p, schema, texts) } : undefined;
  }
  const explode = p.explode ?? p.style === 'form';
  if (p.in === 'path') {
    const raw = req.path[p.name];
    if (raw === undefined) return undefined;
    return readPath(data, p, schema, shape, raw, explode);
  }
  if (p.in === 'header') {
    const text = req.header(p.name);
    if (text === undefined) return undefined;
    // (simple, with RFC 9110 §5.6.1's optional white space around the commas)
    return fromSimple(data, schema, shape, text, explode, (s) => s.trim());
  }
  if (p.in === 'cookie') {
    if (shape === 'object' && explode) return formObject(data, schema, req.cookies, others, p.name);
    const texts = req.cookies.get(p.name);
    if (!texts) return undefined;
    if (shape === 'array') return { value: typedList(data, schema, explode ? texts : splitItems(texts[0], ',')) };
    if (shape === 'object') return pairsOf(data, schema, splitItems(texts[0], ','), 'name,value pairs after a comma (style form)');
    return { value: typedScalar(data, schema, texts[0]) };
  }
  // query
  if (p.style === 'deepObject') {
    const value = bracketObject(data, schema, p.name, req.query);
    if (value !== undefined) return { value };
    return req.query.has(p.name) ? { problem: `is not written ${p.name}[name]=value (style deepObject)` } : undefined;
  }
  if (shape === 'object' && explode && p.style === 'form') return formObject(data, schema, req.query, others, p.name);
  const texts = req.query.get(p.name);
  if (!texts) return undefined;
  const sep = SEPARATOR[p.style] ?? ',';
  if (shape === 'array') return { value: typedList(data, schema, explode ? texts : texts.flatMap((t) => splitItems(t, sep))) };
  if (shape === 'object') return pairsOf(data, schema, splitItems(texts[0], sep), `name${sep}value pairs (style ${p.style})`);
  return { value: typedScalar(data, schema, texts[0]) };
}

function opt(s: string | undefined): string[] | undefined {
  return s === undefined ? undefined : [s];
}

/** An exploded form object (query or cookie): each property a name of its own. */
function formObject(data: unknown, schema: unknown, values: Map<string, string[]>, others: ReadonlySet<string>, own: string): ParameterReading {
  const { names, others: more } = declaredProperties(data, schema);
  const pairs: Array<[string, string]> = [];
  const declared = new Set(names);
  for (const [k, vs] of values) {
    if (pairs.length >= MAX_ITEMS) break;
    if ((declared.has(k) || (more && k !== own)) && !(others.has(k) && !declared.has(k))) for (const v of vs) pairs.push([k, v]);
  }
  return pairs.length ? { value: typedObject(data, schema, pairs) } : undefined;
}

/** `R,100,G,200` as an object, or a problem when the count is odd. */
function pairsOf(data: unknown, schema: unknown, items: string[], how: string): ParameterReading {
  const pairs = alternating(items);
  return pairs ? { value: typedObject(data, schema, pairs) } : { problem: `is not ${how}` };
}

/** A simple-style text (a path segment, a header) as one value, an array or an object. */
function fromSimple(data: unknown, schema: unknown, shape: string, text: string, explode: boolean, clean: (s: string) => string, sep = ','): ParameterReading {
  if (shape === 'array') return { value: typedList(data, schema, splitItems(text, sep).map(clean)) };
  if (shape === 'object') {
    if (explode) return { value: typedObject(data, schema, splitItems(text, sep).map((s) => pair(s).map(clean) as [string, string])) };
    return pairsOf(data, schema, splitItems(text, sep).map(clean), `name${sep}value pairs (style simple)`);
  }
  return { value: typedScalar(data, schema, clean(text)) };
}

/** A path segment in simple, label or matrix style (its reserved characters still encoded: split first, then decoded). */
function readPath(data: unknown, p: ParameterRef, schema: unknown, shape: string, raw: string, explode: boolean): ParameterReading {
  if (p.style === 'label') {
    if (!raw.startsWith('.')) return { problem: `is not written .value (style label)` };
    const body = raw.slice(1);
    // (OAS 3.0.3's table writes an array and an object `.a.b.c` whether exploded or not; RFC 6570 §3.2.5
    // writes the unexploded ones with commas: both are read)
    const sep = !explode && body.includes(',') ? ',' : '.';
    return fromSimple(data, schema, shape, body, explode, decodeSegment, sep);
  }
  if (p.style === 'matrix') {
    if (!raw.startsWith(';')) return { problem: `is not written ;${p.name}=value (style matrix)` };
    const pieces = splitItems(raw.slice(1), ';').map(pair);
    if (shape === 'object' && explode) return { value: typedObject(data, schema, pieces.map(([k, v]) => [decodeSegment(k), decodeSegment(v)] as [string, string])) };
    const wrong = pieces.find(([k]) => decodeSegment(k) !== p.name);
    if (wrong || !pieces.length) return { problem: `is not written ;${p.name}=value (style matrix)` };
    if (shape === 'array') return { value: typedList(data, schema, explode ? pieces.map(([, v]) => decodeSegment(v)) : splitItems(pieces[0][1], ',').map(decodeSegment)) };
    if (shape === 'object') return pairsOf(data, schema, splitItems(pieces[0][1], ',').map(decodeSegment), `name,value pairs (style matrix)`);
    return { value: typedScalar(data, schema, decodeSegment(pieces[0][1])) };
  }
  if (shape === 'primitive') return { value: typedScalar(data, schema, decodeSegment(raw)) };
  return fromSimple(data, schema, shape, raw, explode, decodeSegment);
}
