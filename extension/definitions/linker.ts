/**
 * Links a call to its definition (a .proto rpc when the decoder did not, an OpenAPI operation,
 * an AsyncAPI channel) and checks its bodies against the schemas. Built from the definition
 * files' text, so it runs where the calls are: in the decoding worker (for worker analyses) —
 * the host's DefinitionsService only ships a LinkConfig. No vscode.
 */
import type { Body, Call, DefinitionRef, HeaderList } from '../../decoders/core/model';
import { parseOpenApi, matchOperation, pickSchema, responseSchemasFor, takesContentType, urlAuthority, type CallAuthority, type OpenApiDoc, type ParameterRef, type SchemaRef } from '../../decoders/definitions/openapi';
import { formProblems, formValue, isFormBody } from '../../decoders/definitions/forms';
import { parseCookies, parseQuery, readParameter, type RequestParameters } from '../../decoders/definitions/params';
import { resolveRef } from '../../decoders/definitions/source';
import { requestHeaders, requestHost } from '../../decoders/export/common';
import { parseAsyncApi, matchChannel, channelCandidates, type AsyncApiDoc } from '../../decoders/definitions/asyncapi';
import { SchemaChecker, type BodyDirection } from '../../decoders/definitions/validate';
import type { RefOptions } from '../../decoders/definitions/refs';
import { buildProtoDefinitions, lookupMethod, matchHttpRule, rpcRef, type ProtoDefinitions, type ProtoFile } from '../../decoders/protobuf/definitions';
import { targetPath } from '../../decoders/http-common/exchange';
import { sameHeaderName } from '../../decoders/http-common/body';

/** Warnings the linker adds to calls. */
export const SCHEMA_PREFIX = 'schema: ';

/** What the host sends the worker: the definition files it found, with their (possibly unsaved) text. */
export interface LinkConfig {
  openapi: Array<{ path: string; text: string }>;
  asyncapi: Array<{ path: string; text: string }>;
  proto: ProtoFile[];
  /**
   * The files the OpenAPI/AsyncAPI documents' external `$ref`s name (the host read them for its
   * own index), by the path the refs resolve to: a document is parsed here as it was there.
   */
  refs?: Array<{ path: string; text: string }>;
}

export interface LinkResult {
  ref: DefinitionRef;
  /** Schema problems (without SCHEMA_PREFIX). */
  warnings: string[];
}

export class Linker {
  private readonly openapi: OpenApiDoc[] = [];
  private readonly asyncapi: AsyncApiDoc[] = [];
  private proto?: ProtoDefinitions;
  private readonly checkers = new Map<string, SchemaChecker>();

  constructor(cfg: LinkConfig | undefined, fallbackProto?: ProtoDefinitions) {
    const refTexts = new Map((cfg?.refs ?? []).map((f) => [f.path, f.text]));
    const refs: RefOptions = { readText: (path) => refTexts.get(path) };
    for (const f of cfg?.openapi ?? []) {
      try {
        const d = parseOpenApi(f.path, f.text, refs);
        if (d) this.openapi.push(d);
      } catch {
        /* not a definition after all */
      }
    }
    for (const f of cfg?.asyncapi ?? []) {
      try {
        const d = parseAsyncApi(f.path, f.text, refs);
        if (d) this.asyncapi.push(d);
      } catch {
        /* not a definition after all */
      }
    }
    try {
      this.proto = cfg?.proto.length ? buildProtoDefinitions(cfg.proto) : fallbackProto;
    } catch {
      this.proto = fallbackProto;
    }
  }

  get empty(): boolean {
    return !this.openapi.length && !this.asyncapi.length && !this.proto;
  }

  private checker(doc: { file: string; data: Record<string, unknown> }): SchemaChecker | undefined {
    let c = this.checkers.get(doc.file);
    if (!c) {
      try {
        c = new SchemaChecker(doc.data, `callscope-def:${this.checkers.size}`);
      } catch {
        return undefined;
      }
      this.checkers.set(doc.file, c);
    }
    return c;
  }

  /** The definition of a call the decoder did not link, with schema problems; undefined when none. */
  link(c: Call): LinkResult | undefined {
    if (c.definition) return undefined;
    if (c.protocol === 'grpc' || c.protocol === 'grpc-web') {
      const m = lookupMethod(this.proto, c.target ?? c.http?.uri);
      if (m) return { ref: rpcRef(m), warnings: [] };
      return undefined;
    }
    if (c.protocol === 'twirp') {
      // (the method is the rpc's `pkg.Service/Method`; the target has the route's prefix before it)
      const m = lookupMethod(this.proto, `/${c.method}`);
      return m ? { ref: rpcRef(m), warnings: [] } : undefined;
    }
    if (c.http || c.protocol === 'http') {
      const method = c.http?.method ?? c.method;
      const uri = c.http?.uri ?? c.target;
      if (!uri) return undefined;
      const m = this.openapi.length ? matchOperation(this.openapi, method, uri, callAuthority(c)) : undefined;
      if (!m) {
        // An rpc served as HTTP/JSON by its google.api.http binding (grpc-gateway, Envoy transcoding)
        const t = matchHttpRule(this.proto, method, targetPath(uri, method));
        return t ? { ref: rpcRef(t.target), warnings: [] } : undefined;
      }
      const warnings: string[] = [];
      const checker = m.op.requestSchemas.length || m.op.requestTypes || m.op.responseSchemas.length || m.op.parameters.length ? this.checker(m.doc) : undefined;
      if (checker) warnings.push(...checkParameters(checker, m.doc.data, m.op.parameters, m.params, uri, requestHeaders(c)));
      if (checker) {
        const reqBody = c.http?.requestBody ?? c.request?.body;
        const req = jsonValue(reqBody);
        // (a body of a type the operation does not take: FastAPI answers 422 to a form sent urlencoded where it reads multipart)
        if (reqBody && reqBody.size > 0 && !takesContentType(m.op, reqBody.contentType)) warnings.push(`request body is ${reqBody.contentType?.split(';')[0].trim()}, the operation takes ${m.op.requestTypes!.join(', ')}`);
        const reqSchema = pickSchema(m.op.requestSchemas, reqBody?.contentType);
        if (req.ok && reqSchema && !reqSchema.schema) warnings.push(...checked(checker, reqSchema.pointer, req.value, 'request'));
        else if (reqSchema && reqBody && isFormBody(reqBody)) warnings.push(...checkedForm(checker, m.doc.data, reqSchema, reqBody));
        const status = c.http?.status ?? (typeof c.status?.code === 'number' ? c.status.code : undefined);
        const resBody = c.http?.responseBody ?? c.response?.body;
        const res = jsonValue(resBody);
        if (status !== undefined && res.ok) {
          const resSchema = pickSchema(responseSchemasFor(m.op, status), resBody?.contentType);
          if (resSchema) warnings.push(...checked(checker, resSchema.pointer, res.value, 'response', status));
        }
      }
      const name = m.op.operationId ? `${m.op.name} (${m.op.operationId})` : m.op.name;
      return { ref: { kind: 'openapi-operation', name, file: m.op.file, line: m.op.line, column: m.op.column }, warnings };
    }
    if (!this.asyncapi.length) return undefined;
    const m = matchChannel(this.asyncapi, c.protocol, channelCandidates(c.target, c.fields));
    if (!m) return undefined;
    // A channel that is all parameters (`{replyTo}`) matches any name: only a message (published,
    // delivered, sent one-way) is taken for one, not a connection's call whose target is a client id
    // or a vhost (MQTT CONNECT, AMQP connection.open).
    if (m.channel.literal === 0 && c.kind !== 'publish' && c.kind !== 'deliver' && c.kind !== 'oneway') return undefined;
    const warnings: string[] = [];
    const payload = jsonValue(c.request?.body ?? c.response?.body);
    if (payload.ok && m.channel.payloads.length) {
      const checker = this.checker(m.doc);
      if (checker) {
        const results = m.channel.payloads.map((p) => checker.check(p, payload.value));
        if (results.every((r) => r.length)) warnings.push(...results[0].map((p) => `payload ${p}`));
      }
    }
    return { ref: { kind: 'asyncapi-channel', name: m.channel.address, file: m.channel.file, line: m.channel.line, column: m.channel.column }, warnings };
  }

  /** The call as the user sees it: linked, with schema warnings (a shallow copy; the call is not changed). */
  decorate(c: Call, link = this.link(c)): Call {
    if (!link) return c;
    return { ...c, definition: link.ref, warnings: [...c.warnings, ...link.warnings.map((w) => SCHEMA_PREFIX + w)] };
  }
}

/**
 * Problems of the path, query, header and cookie parameters (OAS 3.0 §Parameter Object: a required one
 * missing, a value its schema refuses): `query parameter limit must be >= 1`, `path parameter ride_id
 * must be integer`, `header parameter x-trace must be integer`.
 */
function checkParameters(checker: SchemaChecker, data: Record<string, unknown>, params: readonly ParameterRef[], pathValues: Record<string, string>, uri: string, headers: HeaderList): string[] {
  if (!params.length) return [];
  const headerValue = (name: string) => {
    const n = name.toLowerCase();
    const vs = headers.filter(([k]) => k.length === n.length && sameHeaderName(k, n)).map(([, v]) => v);
    // (several fields of one name are one list, RFC 9110 §5.3; HTTP/2 may split cookies into fields
    // of their own, joined again with "; ", RFC 9113 §8.2.3)
    return vs.length ? vs.join(n === 'cookie' ? '; ' : ', ') : undefined;
  };
  const req: RequestParameters = { path: pathValues, query: parseQuery(uri), header: headerValue, cookies: parseCookies(headerValue('cookie')) };
  // (the parameter's own name among them changes nothing: an exploded form object takes its own name only where its schema declares it)
  const names = (where: ParameterRef['in']) => new Set(params.filter((p) => p.in === where).map((p) => p.name));
  const others = { query: names('query'), cookie: names('cookie') };
  const out: string[] = [];
  for (const p of params) {
    const what = `${p.in} parameter ${p.name}`;
    const read = readParameter(data, p, p.schemaNode, req, p.in === 'query' || p.in === 'cookie' ? others[p.in] : undefined);
    if (!read) {
      if (p.required) out.push(`${what} is required and missing`);
      continue;
    }
    if ('problem' in read) {
      out.push(`${what} ${read.problem}`);
      continue;
    }
    const problems = p.schema ? checker.checkInline(p.schema, read.value, 3) : p.pointer ? checker.check(p.pointer, read.value, 3, 'request') : [];
    for (const x of problems) out.push(x.startsWith('(root) ') ? `${what} ${x.slice(7)}` : `${what}${x}`);
  }
  return out;
}

/** A body's problems against its schema, or why the schema cannot check it (rather than nothing, as if it were valid). */
function checked(checker: SchemaChecker, pointer: string, value: unknown, direction: BodyDirection, status?: number): string[] {
  const what = direction === 'request' ? 'request body' : `response body (${status})`;
  const why = checker.failure(pointer, direction);
  if (why !== undefined) return [`${what} not checked: its schema does not compile (${why})`];
  return checker.check(pointer, value, 5, direction).map((p) => `${what} ${p}`);
}

/**
 * A form body's problems (urlencoded or multipart/form-data, forms.ts): its fields as their schema
 * types them, against the media type's schema (2.0: the formData parameters').
 */
function checkedForm(checker: SchemaChecker, data: Record<string, unknown>, ref: SchemaRef, body: Body): string[] {
  const schema = ref.schema ?? resolveRef(data, ref.pointer);
  const form = formValue(data, schema, body, ref.encoding);
  if (!form) return [];
  if (!ref.schema) {
    const why = checker.failure(ref.pointer, 'request');
    if (why !== undefined) return [`request body not checked: its schema does not compile (${why})`];
  }
  const found = ref.schema ? checker.checkInline(ref.schema, form.value, 20) : checker.check(ref.pointer, form.value, 20, 'request');
  return [...form.problems, ...formProblems(form, found)].slice(0, 5).map((p) => `request body ${p}`);
}

/** A body's JSON value, when it has one. */
function jsonValue(b: Body | undefined): { ok: boolean; value?: unknown } {
  if (!b || b.size === 0) return { ok: false };
  if (b.kind === 'json' && b.value !== undefined) return { ok: true, value: b.value };
  if (b.text !== undefined && /json/i.test(b.contentType ?? '') && !b.truncated) {
    try {
      return { ok: true, value: JSON.parse(b.text) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: false };
}

/** Warnings worth a Problems entry at the definition: schema problems, unknown protobuf fields. */
export function isProblem(w: string): boolean {
  return w.startsWith(SCHEMA_PREFIX) || /unknown field/i.test(w);
}

/** Where an HTTP call went, for matching an OpenAPI document's servers: its Host (or :authority) and address. */
function callAuthority(c: Call): CallAuthority | undefined {
  // (through a forward proxy the address is the proxy's: an absolute URI names the origin, a tunnel does not say)
  if (c.fields['http.proxy_tunnel'] !== undefined) return undefined;
  const origin = /^[a-z][a-z0-9+.-]*:\/\//i.test(c.http?.uri ?? '') ? urlAuthority(c.http!.uri!) : undefined;
  if (origin?.port !== undefined) return { host: origin.host, ip: origin.host, port: origin.port };
  const host = requestHost(c);
  return { host: host === undefined ? undefined : urlAuthority(`//${host}`)?.host, ip: c.server.ip, port: c.server.port };
}
