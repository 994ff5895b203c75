/**
 * OpenAPI 3.x and Swagger 2.0 operation index: each operation's path template joined with its
 * server base paths (3.x `servers[].url`, with `{variables}` taken from their defaults; 2.0
 * `basePath`), and where the operation is written (file, line, column). A request
 * (method + URI) is matched to the most specific template: more literal characters win, then
 * fewer parameters — after the server: with several documents, an operation whose servers name the
 * host and port the call went to comes first. A document whose servers name others still matches
 * (the same API often runs elsewhere than its document says: another port, a local copy). Last
 * comes a request without the servers' base path (FastAPI's `root_path`, any API behind a proxy
 * that strips its prefix: captured between the proxy and the app), matched by the path alone. A
 * document split across files (external `$ref`s) is bundled first (refs.ts): an operation is
 * where it is written, in whichever file. Pure (files are read through `RefOptions.readText`).
 */
import { declaresKey, parseSource, ptr } from './source';
import { bundleRefs, followRefs, pointerOf, warningLines, type DefinitionProblem, type RefOptions } from './refs';
import { inMediaRange, type FieldEncoding } from './forms';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface SchemaRef {
  contentType: string;
  /** JSON pointer into the document (for ajv), e.g. `#/paths/~1persons/post/requestBody/content/application~1json/schema`. */
  pointer: string;
  /** 2.0 `formData` parameters: one object schema made of them (no pointer then). */
  schema?: Record<string, unknown>;
  /** A form body's fields: 3.x the media type's `encoding`, 2.0 each formData parameter's collectionFormat. */
  encoding?: Record<string, FieldEncoding>;
}

/** A path, query, header or cookie parameter of an operation and where its schema is. */
export interface ParameterRef {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** 3.x: JSON pointer to the parameter's `schema`. */
  pointer?: string;
  /** 2.0: the parameter's own schema keywords (type, format, items, enum, bounds…). */
  schema?: Record<string, unknown>;
  /**
   * Its schema's node in the document's data (3.x: what `pointer` names, maybe a `$ref`; 2.0: `schema`),
   * found once when the document is read: what a request's value is read by (params.ts readParameter).
   */
  schemaNode: unknown;
  /** How an array is written: 3.x `style` form + `explode` (default true), 2.0 `collectionFormat`. */
  arrayFormat: 'multi' | 'csv' | 'ssv' | 'tsv' | 'pipes';
  /** 3.x: the parameter's `style` (its location's default when it has none); undefined in 2.0. */
  style?: 'form' | 'simple' | 'matrix' | 'label' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';
  /** 3.x: `explode` (true by default for form, false for the others). */
  explode?: boolean;
  /** 3.x: a parameter described by `content` (its one media type, e.g. application/json) rather than a style. */
  contentType?: string;
}

export interface OpenApiOperation {
  /** The file the operation is written in (the root, or a file a `$ref` names). */
  file: string;
  /** Upper-case HTTP method. */
  method: string;
  /** The template as written under `paths`. */
  path: string;
  /** `GET /persons/{id}` */
  name: string;
  operationId?: string;
  summary?: string;
  line: number;
  column: number;
  /** Full templates (base path + path), one per server. */
  templates: string[];
  requestSchemas: SchemaRef[];
  /** 3.x: the media types its requestBody's `content` names (with a schema or not); undefined when it has none. */
  requestTypes?: string[];
  /** By status ('200', '2XX', 'default'). */
  responseSchemas: Array<SchemaRef & { status: string }>;
  /** Path, query, header and cookie parameters (the operation's over the path item's, by name and location). */
  parameters: ParameterRef[];
  /** Compiled matchers, one per template. */
  matchers: Array<{ re: RegExp; literal: number; params: string[] }>;
  /**
   * The path template alone, when the servers add a base path: a request without the base
   * (traffic between a proxy that strips it and the app) links here when nothing else matches.
   */
  bare?: { re: RegExp; literal: number; params: string[] };
  /** Host and port of each absolute server URL (3.x `servers`, 2.0 `host`); empty when none says. */
  authorities: Authority[];
}

/** A server's host (lower case, no brackets) and port (the scheme's default when the URL has none). */
export interface Authority {
  host: string;
  port?: number;
}

/** Where a call went: the Host header's host (if any) and the server's address. */
export interface CallAuthority {
  host?: string;
  ip: string;
  port: number;
}

export interface OpenApiDoc {
  file: string;
  version: string;
  title?: string;
  /** The document as plain data (the ajv root for the schema pointers), referenced files bundled in. */
  data: Record<string, unknown>;
  operations: OpenApiOperation[];
  errors: string[];
  /** Files its `$ref`s name that were read (a change to one re-parses the document). */
  files: string[];
  /** Problems with positions: refs to missing or unparsable files, http refs not fetched… */
  problems: DefinitionProblem[];
}

/** Is this text an OpenAPI/Swagger document (cheap check before parsing)? */
export function looksLikeOpenApi(text: string): boolean {
  return declaresKey(text, ['openapi', 'swagger']) !== undefined;
}

type ServerVariables = Record<string, { default?: unknown }> | undefined;

/** A server URL with its `{variables}` replaced by their defaults (one without a default stays as written). */
function withDefaults(url: string, variables: ServerVariables): string {
  return url.replace(/\{([^}]+)\}/g, (m, name: string) => {
    const d = variables?.[name]?.default;
    return d !== undefined ? String(d) : m;
  });
}

/** The path part of a server URL, with variables replaced by their defaults. */
function serverBasePath(url: string, variables: ServerVariables): string {
  let u = withDefaults(url, variables);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(u);
  if (scheme) u = u.slice(scheme[0].length);
  else if (u.startsWith('//')) u = u.replace(/^\/\/[^/]*/, '');
  else if (!u.startsWith('/')) {
    // `{host}/v1` with an unresolved host variable, or a bare host: drop up to the first slash.
    const i = u.indexOf('/');
    u = i >= 0 ? u.slice(i) : '';
  }
  return u.replace(/\/+$/, '');
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

/** The host and port of an absolute server URL (variables replaced by their defaults); undefined for a relative one. */
function serverAuthority(url: string, variables: ServerVariables): Authority | undefined {
  return urlAuthority(withDefaults(url, variables));
}

/**
 * The host and port of an absolute URL (`http://h:8080/…`, `//h/…`: a request in absolute form,
 * a Host header behind `//`); undefined for a relative one or a host still holding a `{variable}`.
 */
export function urlAuthority(u: string): Authority | undefined {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/i.exec(u);
  if (!m || !m[2] || m[2].includes('{')) return undefined;
  const host = m[2].replace(/^\[|\]$/g, '').toLowerCase();
  const port = m[3] !== undefined ? Number(m[3]) : m[1] ? DEFAULT_PORTS[m[1].toLowerCase()] : undefined;
  return { host, port };
}

/** localhost, 127/8, ::1, or the any-address a local server listens on. */
function isLocalHost(h: string): boolean {
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '0.0.0.0' || h === '::';
}

/**
 * How well an operation's servers fit where a call went: 2 when one names its host (the Host
 * header, the address, or localhost for a call to this machine) and port; 1 when they say nothing
 * (none, relative ones) or the call's destination is unknown; 0 when they name other servers.
 */
function serverFit(op: OpenApiOperation, to: CallAuthority | undefined): number {
  if (!to || !op.authorities.length) return 1;
  const ip = to.ip.toLowerCase();
  const host = to.host?.toLowerCase().replace(/^\[|\]$/g, '');
  const local = isLocalHost(ip);
  for (const a of op.authorities) {
    if (a.port !== undefined && a.port !== to.port) continue;
    if (a.host === host || a.host === ip || (local && isLocalHost(a.host))) return 2;
  }
  return 0;
}

function joinPath(base: string, path: string): string {
  const p = path.startsWith('/') ? path : '/' + path;
  return (base + p).replace(/\/{2,}/g, '/');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/persons/{id}` → a regex over the decoded request path. */
export function compileTemplate(template: string): { re: RegExp; literal: number; params: string[] } {
  const params: string[] = [];
  let literal = 0;
  let src = '';
  let last = 0;
  const re = /\{([^}]+)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(template))) {
    const lit = template.slice(last, m.index);
    literal += lit.length;
    src += escapeRe(lit) + '([^/]+)';
    params.push(m[1]);
    last = m.index + m[0].length;
  }
  const tail = template.slice(last).replace(/\/+$/, '');
  literal += tail.length;
  src += escapeRe(tail);
  return { re: new RegExp(`^${src}/?$`), literal, params };
}

function schemasOfContent(content: unknown, base: string): SchemaRef[] {
  if (!content || typeof content !== 'object') return [];
  return Object.entries(content as Record<string, { schema?: unknown; encoding?: unknown }>)
    .filter(([, v]) => v && typeof v === 'object' && v.schema !== undefined)
    .map(([ct, v]) => {
      const ref: SchemaRef = { contentType: ct, pointer: `${base}/content/${ptr(ct)}/schema` };
      const encoding = encodingOf(v.encoding);
      if (encoding) ref.encoding = encoding;
      return ref;
    });
}

/** A media type's `encoding` (OAS 3.0.3 §4.7.15): each property's contentType, style and explode. */
function encodingOf(e: unknown): Record<string, FieldEncoding> | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const out: Record<string, FieldEncoding> = {};
  for (const [name, x] of Object.entries(e as Record<string, Record<string, unknown>>).slice(0, 1000)) {
    if (!x || typeof x !== 'object') continue;
    const f: FieldEncoding = {};
    if (typeof x.contentType === 'string') f.contentType = x.contentType;
    if (typeof x.style === 'string') f.style = x.style;
    if (typeof x.explode === 'boolean') f.explode = x.explode;
    out[name] = f;
  }
  return out;
}

/** The media types a 2.0 operation takes formData in: its `consumes` (else the document's) that are forms, else both. */
const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];

/**
 * 2.0: the operation's body and formData parameters, its own over the path item's (by name and
 * location; a body parameter is one whatever its name), as request schemas: the body's `schema` for
 * each media type it consumes; the formData parameters as one object schema (their keywords each a
 * property, `required` from theirs) for the form types it consumes.
 */
function swaggerRequestSchemas(data: Record<string, unknown>, consumes: string[], list: Array<{ p: unknown; path: string[] }>): SchemaRef[] {
  const byKey = new Map<string, { node: Record<string, unknown>; path: string[] }>();
  for (const { p, path } of list) {
    const at = followRefs<Record<string, unknown>>(data, p, path);
    if (!at || (at.node.in !== 'body' && at.node.in !== 'formData')) continue;
    byKey.set(at.node.in === 'body' ? 'body' : `formData ${String(at.node.name)}`, at);
  }
  const body = byKey.get('body');
  if (body) return consumes.map((ct) => ({ contentType: ct, pointer: `${pointerOf(body.path)}/schema` }));
  const fields = [...byKey.values()].filter((x) => x.node.in === 'formData' && typeof x.node.name === 'string');
  if (!fields.length) return [];
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const encoding: Record<string, FieldEncoding> = {};
  for (const { node: x } of fields) {
    const name = x.name as string;
    const schema: Record<string, unknown> = {};
    for (const k of PARAM_SCHEMA_KEYS) if (x[k] !== undefined) schema[k] = x[k];
    if (schema.type === 'file') {
      delete schema.type;
      schema.format = 'binary';
    }
    properties[name] = schema;
    if (x.required === true) required.push(name);
    if (schema.type === 'array') encoding[name] = { collectionFormat: typeof x.collectionFormat === 'string' ? x.collectionFormat : 'csv' };
  }
  const forms = consumes.filter((ct) => FORM_TYPES.includes(ct.split(';')[0].trim().toLowerCase()));
  const schema = { type: 'object', properties, ...(required.length ? { required } : {}) };
  return (forms.length ? forms : FORM_TYPES).map((ct) => ({ contentType: ct, pointer: '', schema, encoding }));
}

/**
 * Parse one file; undefined when it is not OpenAPI/Swagger. External `$ref`s are read with
 * `refs.readText` (without it they are problems, the rest indexed).
 */
export function parseOpenApi(file: string, text: string, refs?: RefOptions): OpenApiDoc | undefined {
  if (!looksLikeOpenApi(text)) return undefined;
  const src = parseSource(text);
  if (!src) return undefined;
  const data = src.data;
  const swagger = typeof data.swagger === 'string' || typeof data.swagger === 'number' ? String(data.swagger) : undefined;
  const openapi = typeof data.openapi === 'string' ? data.openapi : undefined;
  if (!swagger && !openapi) return undefined;
  const bundle = bundleRefs(file, src, refs);
  const doc: OpenApiDoc = {
    file,
    version: openapi ?? swagger!,
    title: (data.info as { title?: string } | undefined)?.title,
    data,
    operations: [],
    errors: [...src.errors, ...warningLines(bundle.problems)],
    files: bundle.files,
    problems: bundle.problems,
  };
  const basesOf = (servers: unknown): string[] | undefined => {
    if (!Array.isArray(servers) || !servers.length) return undefined;
    return servers.filter((s) => s && typeof s.url === 'string').map((s) => serverBasePath(s.url, s.variables));
  };
  const rootBases = swagger ? [String(data.basePath ?? '').replace(/\/+$/, '')] : (basesOf(data.servers) ?? ['']);
  const authoritiesOf = (servers: unknown): Authority[] | undefined => {
    if (!Array.isArray(servers) || !servers.length) return undefined;
    return servers.filter((x) => x && typeof x.url === 'string').flatMap((x) => serverAuthority(x.url, x.variables) ?? []);
  };
  const schemes = Array.isArray(data.schemes) && data.schemes.length ? (data.schemes as unknown[]).filter((x): x is string => typeof x === 'string') : ['http'];
  const rootAuthorities = swagger
    ? typeof data.host === 'string' && data.host
      ? schemes.flatMap((sch) => serverAuthority(`${sch}://${data.host}`, undefined) ?? [])
      : []
    : (authoritiesOf(data.servers) ?? []);
  // (`paths` itself a `$ref` to a file of path items: not in the specification, written all the same)
  const pathsAt = followRefs(data, data.paths ?? {}, ['paths']);
  for (const [path, rawItem] of Object.entries(pathsAt?.node ?? {})) {
    // (a path item, an operation, a request body or response may be a `$ref`, to another file too:
    // pointers and positions are those of where it is written)
    const itemAt = followRefs(data, rawItem, [...pathsAt!.path, path]);
    if (!itemAt) continue;
    const item = itemAt.node;
    const itemBases = swagger ? undefined : basesOf(item.servers);
    for (const m of HTTP_METHODS) {
      const opAt = item[m] && typeof item[m] === 'object' ? followRefs(data, item[m], [...itemAt.path, m]) : undefined;
      if (!opAt) continue;
      const op = opAt.node;
      const bases = (swagger ? undefined : basesOf(op.servers)) ?? itemBases ?? rootBases;
      const authorities = (swagger ? undefined : (authoritiesOf(op.servers) ?? authoritiesOf(item.servers))) ?? rootAuthorities;
      const templates = [...new Set(bases.map((b) => joinPath(b, path)))];
      const at = bundle.locate(opAt.path) ?? bundle.locate(itemAt.path) ?? bundle.locate([...pathsAt!.path, path]) ?? { file, line: 1, column: 1 };
      const paramList = [
        ...(Array.isArray(item.parameters) ? item.parameters.slice(0, 1000).map((p: unknown, i: number) => ({ p, path: [...itemAt.path, 'parameters', String(i)] })) : []),
        ...(Array.isArray(op.parameters) ? op.parameters.slice(0, 1000).map((p: unknown, i: number) => ({ p, path: [...opAt.path, 'parameters', String(i)] })) : []),
      ];
      const parameters = parametersOf(data, swagger !== undefined, paramList);
      let requestSchemas: SchemaRef[] = [];
      let requestTypes: string[] | undefined;
      const responseSchemas: OpenApiOperation['responseSchemas'] = [];
      if (swagger) {
        const consumes = (op.consumes ?? data.consumes ?? ['application/json']) as string[];
        // (Swagger 2.0 §Path Item Object: its parameters apply to every operation under it, an
        // operation's own replacing one of the same name and location — a body or formData one too)
        requestSchemas = swaggerRequestSchemas(data, consumes, paramList);
        const produces = (op.produces ?? data.produces ?? ['application/json']) as string[];
        for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, unknown>)) {
          const resp = followRefs<{ schema?: unknown }>(data, r, [...opAt.path, 'responses', status]);
          if (resp?.node.schema !== undefined) for (const ct of produces) responseSchemas.push({ status, contentType: ct, pointer: `${pointerOf(resp.path)}/schema` });
        }
      } else {
        const rb = op.requestBody ? followRefs<{ content?: unknown }>(data, op.requestBody, [...opAt.path, 'requestBody']) : undefined;
        if (rb) requestSchemas = schemasOfContent(rb.node.content, pointerOf(rb.path));
        if (rb?.node.content && typeof rb.node.content === 'object') requestTypes = Object.keys(rb.node.content).slice(0, 100);
        for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, unknown>)) {
          const resp = followRefs<{ content?: unknown }>(data, r, [...opAt.path, 'responses', status]);
          if (resp) for (const s of schemasOfContent(resp.node.content, pointerOf(resp.path))) responseSchemas.push({ ...s, status });
        }
      }
      doc.operations.push({
        file: at.file,
        method: m.toUpperCase(),
        path,
        name: `${m.toUpperCase()} ${path}`,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        summary: typeof op.summary === 'string' ? op.summary : undefined,
        line: at.line,
        column: at.column,
        templates,
        requestSchemas,
        ...(requestTypes?.length ? { requestTypes } : {}),
        responseSchemas,
        parameters,
        matchers: templates.map(compileTemplate),
        bare: templates.includes(joinPath('', path)) ? undefined : compileTemplate(joinPath('', path)),
        authorities,
      });
    }
  }
  return doc;
}

/** 2.0 parameter keywords that are its value's schema. */
const PARAM_SCHEMA_KEYS = ['type', 'format', 'items', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'multipleOf'];

/**
 * The path, query, header and cookie parameters of an operation, its own replacing the path item's of
 * the same name and location (OAS 3.0 §Operation Object `parameters`; 2.0 likewise). Body and formData
 * parameters are left out (swaggerRequestSchemas).
 */
function parametersOf(data: Record<string, unknown>, swagger: boolean, list: Array<{ p: unknown; path: string[] }>): ParameterRef[] {
  const byKey = new Map<string, ParameterRef>();
  for (const { p, path } of list) {
    const at = followRefs<Record<string, unknown>>(data, p, path);
    const x = at?.node;
    if (!x || typeof x.name !== 'string' || (x.in !== 'path' && x.in !== 'query' && x.in !== 'header' && x.in !== 'cookie')) continue;
    // (OAS 3.0 §Parameter Object: a header parameter named Accept, Content-Type or Authorization "SHALL be ignored")
    if (x.in === 'header' && /^(accept|content-type|authorization)$/i.test(x.name)) continue;
    const ref: ParameterRef = { name: x.name, in: x.in, required: x.required === true || x.in === 'path', arrayFormat: 'multi', schemaNode: undefined };
    if (swagger) {
      const schema: Record<string, unknown> = {};
      for (const k of PARAM_SCHEMA_KEYS) if (x[k] !== undefined) schema[k] = x[k];
      if (schema.type === undefined) continue;
      ref.schema = schema;
      ref.schemaNode = schema;
      const cf = x.collectionFormat;
      ref.arrayFormat = cf === 'multi' || cf === 'ssv' || cf === 'tsv' || cf === 'pipes' ? cf : 'csv';
    } else {
      if (!x.schema || typeof x.schema !== 'object') {
        // (OAS 3.0.3 §4.7.12: `content` instead of `schema` — one media type, the value written in it)
        const ct = x.content && typeof x.content === 'object' ? Object.keys(x.content).find((k) => (x.content as Record<string, { schema?: unknown }>)[k]?.schema !== undefined) : undefined;
        if (ct === undefined) continue;
        ref.pointer = `${pointerOf(at!.path)}/content/${ptr(ct)}/schema`;
        ref.contentType = ct;
        ref.schemaNode = (x.content as Record<string, { schema?: unknown }>)[ct].schema;
        byKey.set(`${ref.in} ${ref.in === 'header' ? ref.name.toLowerCase() : ref.name}`, ref);
        continue;
      }
      ref.pointer = `${pointerOf(at!.path)}/schema`;
      ref.schemaNode = x.schema;
      const dflt = x.in === 'query' || x.in === 'cookie' ? 'form' : 'simple';
      // (OAS 3.0.3 §4.7.12.4: the styles each location allows; another is read as the location's default)
      const allowed = x.in === 'path' ? ['simple', 'matrix', 'label'] : x.in === 'query' ? ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'] : [dflt];
      const style = (typeof x.style === 'string' && allowed.includes(x.style) ? x.style : dflt) as NonNullable<ParameterRef['style']>;
      const explode = typeof x.explode === 'boolean' ? x.explode : style === 'form' || style === 'deepObject';
      ref.style = style;
      ref.explode = explode;
      ref.arrayFormat = style === 'spaceDelimited' ? 'ssv' : style === 'pipeDelimited' ? 'pipes' : explode && style === 'form' ? 'multi' : 'csv';
    }
    byKey.set(`${ref.in} ${ref.in === 'header' ? ref.name.toLowerCase() : ref.name}`, ref);
  }
  return [...byKey.values()];
}

export interface OperationMatch {
  op: OpenApiOperation;
  doc: OpenApiDoc;
  /** The path parameters' segments, still percent-encoded where decodeURI leaves them (`%2F`, `%25`…). */
  params: Record<string, string>;
}

/**
 * Match a request (method, URI with optional query) against every document; `to` (where the call
 * went) ranks the operations of its server first (serverFit).
 */
export function matchOperation(docs: Iterable<OpenApiDoc>, method: string, uri: string, to?: CallAuthority): OperationMatch | undefined {
  let path = uri;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (abs) path = path.slice(abs[0].length) || '/';
  path = path.split(/[?#]/)[0] || '/';
  let decoded = path;
  try {
    // (an encoded `%` kept encoded, as decodeURI keeps `/`: the parameters it matches are decoded once, by the linker)
    decoded = decodeURI(path.replace(/%25/gi, '%2525'));
  } catch {
    /* keep the raw path */
  }
  const M = method.toUpperCase();
  let best: (OperationMatch & { fit: number; literal: number; nparams: number }) | undefined;
  for (const doc of docs) {
    for (const op of doc.operations) {
      if (op.method !== M) continue;
      let fit: number | undefined;
      for (const mt of op.bare ? [...op.matchers, op.bare] : op.matchers) {
        const m = mt.re.exec(decoded) ?? (decoded !== path ? mt.re.exec(path) : null);
        if (!m) continue;
        // (without the servers' base path: below every match with it)
        const f = mt === op.bare ? -1 : (fit ??= serverFit(op, to));
        if (best && (f < best.fit || (f === best.fit && (mt.literal < best.literal || (mt.literal === best.literal && mt.params.length >= best.nparams))))) continue;
        const params: Record<string, string> = {};
        mt.params.forEach((p, i) => (params[p] = m[i + 1]));
        best = { op, doc, params, fit: f, literal: mt.literal, nparams: mt.params.length };
      }
    }
  }
  return best && { op: best.op, doc: best.doc, params: best.params };
}

/**
 * Does the operation take a body of this Content-Type (OAS 3.x §Request Body Object `content`: its
 * media types, `text/*` and `*\/*` ranges; a type's parameters ignored)? True when it does not say.
 */
export function takesContentType(op: OpenApiOperation, contentType: string | undefined): boolean {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!op.requestTypes || !ct) return true;
  return op.requestTypes.some((t) => inMediaRange(ct, t));
}

/** The schema for a body of this content type, from a list: exact type, then a json-ish one, then a wildcard. */
export function pickSchema<T extends SchemaRef>(list: readonly T[], contentType: string | undefined): T | undefined {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (
    list.find((s) => s.contentType.toLowerCase() === ct) ??
    (ct.includes('json') || !ct ? list.find((s) => s.contentType.toLowerCase().includes('json')) : undefined) ??
    list.find((s) => s.contentType === '*/*' || s.contentType.endsWith('/*'))
  );
}

/** The response schemas for a status: exact code, then `2XX`, then `default`. */
export function responseSchemasFor(op: OpenApiOperation, status: number): Array<SchemaRef & { status: string }> {
  const exact = op.responseSchemas.filter((r) => r.status === String(status));
  if (exact.length) return exact;
  const range = op.responseSchemas.filter((r) => r.status.toUpperCase() === `${Math.floor(status / 100)}XX`);
  if (range.length) return range;
  return op.responseSchemas.filter((r) => r.status === 'default');
}
