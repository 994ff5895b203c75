/**
 * Request bodies that are forms, as values for their requestBody schema (OAS 3.0.3 §4.7.14
 * Media Type Object, §4.7.15 Encoding Object, "Special Considerations for multipart Content"; 2.0
 * `formData` parameters): `application/x-www-form-urlencoded` (the decoder's name → values) and
 * `multipart/form-data` (the decoder's parts, http-common/body `parseMultipart`).
 *
 * - A urlencoded field is read as its property's `encoding` style and explode say (as a query
 *   parameter: form and exploded by default — an array a name per item; not exploded, comma-separated;
 *   spaceDelimited, pipeDelimited; an object in brackets `address[city]=x`, deepObject, or as
 *   `name,value` pairs); 2.0's by its parameter's `collectionFormat` (csv by default).
 * - A multipart part is one value (several parts of a name are an array's items; 2.0: split by its
 *   collectionFormat); its text is typed
 *   by the property's schema, an object or an array of objects (whose default content type is
 *   application/json) parsed as JSON. A file (a part with a filename, or a property `format: binary`,
 *   2.0 `type: file`, 3.1 `contentMediaType`) only has to be there: its value is a placeholder naming
 *   its size. A part whose text the decoder did not keep (long, not UTF-8, a file where the schema
 *   wants text) is present but unchecked. Where `encoding` names the part's contentType, a part
 *   of another Content-Type is a problem.
 * - A cut body (the preview's limit, a part without its close delimiter) is checked for what it has:
 *   a missing required field is not reported.
 *
 * Numbers and booleans are read from their text where the schema wants one. Bounded by the decoder's
 * part and pair counts and MAX_ITEMS. Pure.
 */
import type { Body } from '../core/model';
import type { MultipartPart } from '../http-common/body';
import { parseMediaType } from '../http-common/body';
import { alternating, bracketObject, declaredProperties, findIn, itemsSchema, MAX_ITEMS, propertySchema, SEPARATOR, shapeOf, splitItems, typedList, typedObject, typedScalar } from './params';

/** How one property of a form body is written (OAS 3.x Encoding Object; 2.0: its parameter's collectionFormat). */
export interface FieldEncoding {
  contentType?: string;
  style?: string;
  explode?: boolean;
  /** 2.0 formData: `csv`, `ssv`, `tsv`, `pipes` or `multi`. */
  collectionFormat?: string;
}

/** A form body as a value for its schema. */
export interface FormValue {
  value: Record<string, unknown>;
  /** Properties present whose value is not known (a part's text not kept): their problems are not reported. */
  unchecked: string[];
  /** The body was cut: what is missing may only be past the cut. */
  partial: boolean;
  /** Problems found reading it (a part's Content-Type the encoding does not allow). */
  problems: string[];
}

/** Is this body a form the checker reads (urlencoded or multipart/form-data, decoded)? */
export function isFormBody(b: Body | undefined): boolean {
  if (!b || b.kind !== 'form' || b.value === undefined) return false;
  const essence = parseMediaType(b.contentType)?.essence;
  return essence === 'application/x-www-form-urlencoded' || essence === 'multipart/form-data';
}

/** A file property: `format: binary` (3.0), `type: file` (2.0), `contentMediaType` / `contentEncoding` (3.1), in it or a branch of it (bounded: a schema may be its own branch). */
function isBinary(data: unknown, schema: unknown): boolean {
  return findIn(data, schema, (s) => (s.format === 'binary' || s.type === 'file' || s.contentMediaType !== undefined || s.contentEncoding !== undefined ? true : undefined)) === true;
}

/** The value a file stands for: its name and size. */
function placeholder(part: MultipartPart): string {
  return `(${part.filename !== undefined ? `file ${JSON.stringify(part.filename)}, ` : ''}${part.size} bytes)`;
}

/** Does a Content-Type fit an encoding's contentType (a comma-separated list of types, `image/*`, `*\/*`)? */
export function contentTypeAllowed(actual: string, allowed: string): boolean {
  const a = parseMediaType(actual)?.essence;
  return !a || allowed.split(',').some((range) => inMediaRange(a, range));
}

/** Is a media type's essence (lower case) in a range as a document writes it (`image/png`, `image/*`, `*\/*`; its parameters ignored)? */
export function inMediaRange(essence: string, range: string): boolean {
  const e = range.split(';')[0].trim().toLowerCase();
  return e === essence || e === '*/*' || (e.endsWith('/*') && essence.startsWith(e.slice(0, -1)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A form body as its schema's value; undefined when the body is not a decoded form. `schema` is the
 * requestBody media type's schema (or 2.0's formData parameters as one object schema) in `data`.
 */
export function formValue(data: unknown, schema: unknown, body: Body, encoding: Readonly<Record<string, FieldEncoding>> = {}): FormValue | undefined {
  if (!isFormBody(body)) return undefined;
  const essence = parseMediaType(body.contentType)?.essence;
  if (essence === 'multipart/form-data') return Array.isArray(body.value) ? multipartValue(data, schema, body.value as MultipartPart[], encoding, body.truncated === true) : undefined;
  const fields = body.value as Record<string, string | string[]>;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
  const entries = new Map<string, string[]>();
  for (const [k, v] of Object.entries(fields).slice(0, MAX_ITEMS)) entries.set(k, Array.isArray(v) ? v.slice(0, MAX_ITEMS) : [v]);
  return { value: urlencodedValue(data, schema, entries, encoding), unchecked: [], partial: body.truncated === true, problems: [] };
}

function urlencodedValue(data: unknown, schema: unknown, entries: Map<string, string[]>, encoding: Readonly<Record<string, FieldEncoding>>): Record<string, unknown> {
  const out = new Map<string, unknown>();
  const { names } = declaredProperties(data, schema);
  // object properties first: their bracketed names (`address[city]`) are theirs
  const taken = new Set<string>();
  for (const name of names) {
    const ps = propertySchema(data, schema, name);
    if (shapeOf(data, ps) !== 'object') continue;
    const e = encoding[name] ?? {};
    const own = entries.get(name);
    if (own && e.contentType && /json/i.test(e.contentType)) out.set(name, parseJson(own[0]));
    else if (own) {
      const pairs = alternating(splitItems(own[0], SEPARATOR[e.style ?? ''] ?? ','));
      out.set(name, pairs ? typedObject(data, ps, pairs) : own[0]);
    } else {
      const obj = bracketObject(data, ps, name, entries);
      if (obj) out.set(name, obj);
    }
    if (out.has(name)) for (const k of entries.keys()) if (k === name || k.startsWith(name + '[')) taken.add(k);
  }
  for (const [k, vs] of entries) {
    if (taken.has(k)) continue;
    const ps = propertySchema(data, schema, k);
    const e = encoding[k] ?? {};
    if (shapeOf(data, ps) === 'array') {
      const style = e.style ?? (e.collectionFormat === undefined ? 'form' : undefined);
      const exploded = e.collectionFormat !== undefined ? e.collectionFormat === 'multi' : (e.explode ?? style === 'form');
      const sep = SEPARATOR[style ?? e.collectionFormat ?? 'csv'] ?? ',';
      out.set(k, typedList(data, ps, exploded ? vs : vs.flatMap((v) => splitItems(v, sep))));
    } else if (e.contentType && /json/i.test(e.contentType)) out.set(k, parseJson(vs[0]));
    else out.set(k, typedScalar(data, ps, vs[0]));
  }
  return Object.fromEntries(out);
}

function multipartValue(data: unknown, schema: unknown, parts: readonly MultipartPart[], encoding: Readonly<Record<string, FieldEncoding>>, truncated: boolean): FormValue {
  const byName = new Map<string, MultipartPart[]>();
  for (const p of parts.slice(0, MAX_ITEMS)) {
    if (p.name === undefined) continue;
    const list = byName.get(p.name);
    if (list) list.push(p);
    else byName.set(p.name, [p]);
  }
  const value = new Map<string, unknown>();
  const unchecked: string[] = [];
  const problems: string[] = [];
  for (const [name, list] of byName) {
    const ps = propertySchema(data, schema, name);
    const shape = shapeOf(data, ps);
    const one = shape === 'array' ? itemsSchema(data, ps) : ps;
    const binary = isBinary(data, one);
    const allowed = encoding[name]?.contentType;
    if (allowed)
      for (const p of list)
        if (p.contentType && !contentTypeAllowed(p.contentType, allowed)) problems.push(`part "${name}" is ${p.contentType}, the encoding says ${allowed}`);
    let unknown = false;
    const values = list.map((p): unknown => {
      if (binary) return placeholder(p);
      if (p.text === undefined) {
        unknown = true;
        return placeholder(p);
      }
      const json = (p.contentType && /json/i.test(p.contentType)) || (!p.contentType && shapeOf(data, one) === 'object');
      return json ? parseJson(p.text) : typedScalar(data, one, p.text);
    });
    if (unknown) unchecked.push(name);
    // (2.0: a formData array's collectionFormat holds in a part too — `1,2` in one part, csv by default)
    const cf = encoding[name]?.collectionFormat;
    if (shape === 'array' && cf && cf !== 'multi' && !binary && !unknown) {
      const texts = list.flatMap((p) => (p.text === undefined ? [] : splitItems(p.text, SEPARATOR[cf] ?? ',')));
      value.set(name, typedList(data, ps, texts));
    } else value.set(name, shape === 'array' ? values : values[0]);
  }
  const open = parts.length > 0 && parts[parts.length - 1].open === true;
  return { value: Object.fromEntries(value), unchecked, partial: truncated || open, problems };
}

/**
 * A form value's problems from the checker (ajv's words, `/field …`), without those of the
 * unchecked fields, and without missing required fields when the body was cut.
 */
export function formProblems(form: FormValue, problems: readonly string[]): string[] {
  const skip = form.unchecked.map((n) => '/' + n.replace(/~/g, '~0').replace(/\//g, '~1'));
  return problems.filter((p) => {
    if (skip.some((s) => p.startsWith(s + ' ') || p.startsWith(s + '/'))) return false;
    if (form.partial && /must have required property/.test(p)) return false;
    return true;
  });
}
