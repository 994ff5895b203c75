/**
 * HTTP/JSON transcoding rules: an rpc's `option (google.api.http)` (googleapis' google/api/http.proto), which
 * grpc-gateway, Envoy's gRPC-JSON transcoder, Cloud Endpoints and ESPv2 serve. etcd's `POST /v3/kv/range` is
 * `etcdserverpb.KV.Range`; with the workspace's .proto files such an HTTP call links to its rpc as a gRPC call does.
 *
 * Template grammar (http.proto, "Path template syntax"):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * `*` is one segment, `**` zero or more (last only), a variable without `=` is `*`. Matched against the request
 * path without its query; literals compare as sent. Every template is bounded (length, segments); rules are
 * indexed by verb and first literal segment, so an HTTP call costs a few regex tests whatever the number of rpcs.
 */
import type * as protobuf from 'protobufjs';
import { requestPath } from '../http-common/target';

/** One binding as written: `get: "/v1/{name=shelves/*}"`, `custom { kind: "HEAD" path: "/x" }`. */
export interface HttpBinding {
  /** GET, PUT, POST, DELETE, PATCH, or a custom kind as written. */
  verb: string;
  template: string;
  /** The request field the body maps to (`*`: the whole message). */
  body?: string;
}

const MAX_TEMPLATE = 1024;
const MAX_SEGMENTS = 64;
const MAX_BINDINGS = 16;
/** Longer request paths are not matched (no API path is this long; regex work stays bounded). */
const MAX_PATH = 8192;
const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The bindings of one rpc, from protobufjs's parsed options (the rule and its additional_bindings). */
export function httpBindingsOf(m: protobuf.Method): HttpBinding[] {
  const out: HttpBinding[] = [];
  const add = (rule: unknown, nested: boolean): void => {
    if (!rule || typeof rule !== 'object' || out.length >= MAX_BINDINGS) return;
    const r = rule as Record<string, unknown>;
    const body = typeof r.body === 'string' && r.body ? r.body : undefined;
    for (const v of VERBS) if (typeof r[v] === 'string') out.push({ verb: v.toUpperCase(), template: r[v] as string, body });
    const custom = r.custom as Record<string, unknown> | undefined;
    if (custom && typeof custom.kind === 'string' && typeof custom.path === 'string') out.push({ verb: custom.kind.toUpperCase(), template: custom.path, body });
    // (http.proto: additional bindings do not nest)
    if (!nested) {
      const more = r.additional_bindings ?? r.additionalBindings;
      for (const b of Array.isArray(more) ? more : more ? [more] : []) add(b, true);
    }
  };
  for (const o of m.parsedOptions ?? []) {
    if (o && typeof o === 'object' && '(google.api.http)' in o) add((o as Record<string, unknown>)['(google.api.http)'], false);
  }
  return out;
}

export interface CompiledTemplate {
  re: RegExp;
  /** Field paths of the variables, in capture-group order. */
  vars: string[];
  /** Characters of literal text: the more, the more specific (`/v1/shelves/{s}` beats `/v1/{name=**}`). */
  literal: number;
  /** The first segment when it is a literal (the index key), else undefined. */
  first?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compile a path template; undefined when it does not follow the grammar (or is too long). */
export function compileTemplate(t: string): CompiledTemplate | undefined {
  if (t.length > MAX_TEMPLATE || t.charCodeAt(0) !== 47 /* / */) return undefined;
  // `**` only once, as the last segment (then at most the variable's `}` and the verb): two of them would make a
  // backtracking regex
  const deep = t.indexOf('**');
  if (deep >= 0 && !/^\}?(:[^/]*)?$/.test(t.slice(deep + 2))) return undefined;
  // The verb: a ':' after the last '/' and outside braces.
  let verb = '';
  let depth = 0;
  let lastSlash = 0;
  let colon = -1;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (depth === 0 && ch === '/') {
      lastSlash = i;
      colon = -1;
    } else if (depth === 0 && ch === ':' && colon < 0 && i > lastSlash) colon = i;
  }
  if (depth !== 0) return undefined;
  let path = t;
  if (colon > 0) {
    verb = t.slice(colon + 1);
    path = t.slice(0, colon);
    if (!verb) return undefined;
  }
  const vars: string[] = [];
  let literal = verb.length;
  let first: string | undefined;
  let segments = 0;
  // Segments → regex source; `inVar`: inside a variable (no nested variables).
  const segs = (text: string, inVar: boolean): string | undefined => {
    const parts: string[] = [];
    let i = 0;
    while (i <= text.length) {
      if (++segments > MAX_SEGMENTS) return undefined;
      let seg: string;
      if (text[i] === '{') {
        if (inVar) return undefined;
        const close = text.indexOf('}', i);
        if (close < 0) return undefined;
        const inner = text.slice(i + 1, close);
        const eq = inner.indexOf('=');
        const field = eq < 0 ? inner : inner.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(field)) return undefined;
        const sub = eq < 0 ? '[^/]+' : segs(inner.slice(eq + 1), true);
        if (sub === undefined) return undefined;
        vars.push(field);
        parts.push(`(${sub})`);
        i = close + 1;
      } else {
        const end = text.indexOf('/', i);
        seg = end < 0 ? text.slice(i) : text.slice(i, end);
        if (seg === '*') parts.push('[^/]+');
        else if (seg === '**') parts.push('.*');
        else if (!seg || /[{}]/.test(seg)) return undefined;
        else {
          parts.push(escapeRe(seg));
          literal += seg.length;
          if (segments === 1) first = seg; // (the template's first segment: the index key)
        }
        i += seg.length;
      }
      if (i >= text.length) break;
      if (text[i] !== '/') return undefined;
      i++;
    }
    return parts.join('/');
  };
  const body = segs(path.slice(1), false);
  if (body === undefined) return undefined;
  try {
    return { re: new RegExp(`^/${body}${verb ? ':' + escapeRe(verb) : ''}$`), vars, literal, first };
  } catch {
    return undefined;
  }
}

export interface HttpRule<T> extends HttpBinding {
  compiled: CompiledTemplate;
  target: T;
}

/** Rules indexed by verb and first literal segment. */
export class HttpRuleIndex<T> {
  private readonly byKey = new Map<string, HttpRule<T>[]>();
  size = 0;

  /** Index a binding; false when its template does not follow the grammar (the loader says so). */
  add(b: HttpBinding, target: T): boolean {
    const compiled = compileTemplate(b.template);
    if (!compiled) return false;
    const key = `${b.verb} ${compiled.first ?? ''}`;
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    list.push({ ...b, compiled, target });
    this.size++;
    return true;
  }

  /** The most specific rule whose verb and template match (ties: the first added). */
  match(method: string | undefined, uri: string | undefined): HttpRule<T> | undefined {
    if (!this.size || !method || !uri || uri.charCodeAt(0) !== 47) return undefined;
    const path = requestPath(uri);
    if (path.length > MAX_PATH) return undefined;
    const slash = path.indexOf('/', 1);
    const firstSeg = slash < 0 ? path.slice(1) : path.slice(1, slash);
    const verb = method.toUpperCase();
    let best: HttpRule<T> | undefined;
    for (const key of [`${verb} ${firstSeg}`, `${verb} `]) {
      for (const rule of this.byKey.get(key) ?? []) {
        if (best && rule.compiled.literal <= best.compiled.literal) continue;
        if (rule.compiled.re.test(path)) best = rule;
      }
    }
    return best;
  }
}
