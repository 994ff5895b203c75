/**
 * The values of an operation's path and query parameters in a request, as their schemas type them:
 * a query string read as a form (`+` a space, percent-decoding), arrays split as the parameter's style
 * or collectionFormat says (OAS 3.0 §Style Values, 2.0 `collectionFormat`), numbers and booleans read
 * from their text when the schema wants one (a text that is not one stays text, so that the schema
 * check says what is wrong). Pure.
 */
import { pctDecode } from '../http-common/body';
import { followRefs } from './refs';
import type { ParameterRef } from './openapi';

/** `?a=1&b=x+y&a=2` → { a: ['1', '2'], b: ['x y'] } (a name without `=` has the empty value). */
export function parseQuery(uri: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const q = uri.indexOf('?');
  if (q < 0) return out;
  const query = uri.slice(q + 1).split('#')[0];
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = pctDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : pctDecode(part.slice(eq + 1));
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** A Cookie header (RFC 6265 §4.2: `a=1; b=2`) → { a: ['1'], b: ['2'] }. */
export function parseCookies(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** The JSON types a schema (through `$ref`, `anyOf`/`oneOf`/`allOf` one level down) accepts; empty when it does not say. */
export function typesOf(data: unknown, schema: unknown, depth = 0): Set<string> {
  const out = new Set<string>();
  const s = followRefs<Record<string, unknown>>(data, schema, [])?.node;
  if (!s || typeof s !== 'object' || depth > 4) return out;
  if (typeof s.type === 'string') out.add(s.type);
  else if (Array.isArray(s.type)) for (const t of s.type) if (typeof t === 'string') out.add(t);
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[k])) for (const b of s[k] as unknown[]) for (const t of typesOf(data, b, depth + 1)) out.add(t);
  if (!out.size && Array.isArray(s.enum)) for (const v of s.enum) out.add(v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v);
  return out;
}

/** One text as the schema's type wants it. */
function scalar(text: string, types: Set<string>): unknown {
  if ((types.has('integer') || types.has('number')) && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

const SEPARATORS: Record<ParameterRef['arrayFormat'], RegExp | undefined> = { multi: undefined, csv: /,/, ssv: / /, tsv: /\t/, pipes: /\|/ };

/**
 * A parameter's value for its schema check, from its texts in the request (several for a repeated
 * query name); undefined when the request does not have it. `schema` is the parameter's schema
 * (2.0: its own keywords) in `data`.
 */
export function parameterValue(data: unknown, p: ParameterRef, schema: unknown, texts: readonly string[] | undefined): unknown {
  if (!texts?.length) return undefined;
  const types = typesOf(data, schema);
  if (types.has('array')) {
    const s = followRefs<Record<string, unknown>>(data, schema, [])?.node;
    const itemTypes = typesOf(data, s?.items);
    const sep = SEPARATORS[p.arrayFormat];
    // (a header's list elements have optional white space around the commas: RFC 9110 §5.6.1)
    const parts = sep ? texts.flatMap((t) => (t === '' ? [] : t.split(sep).map((x) => (p.in === 'header' ? x.trim() : x)))) : [...texts];
    return parts.map((t) => scalar(t, itemTypes));
  }
  return scalar(texts[0], types);
}
