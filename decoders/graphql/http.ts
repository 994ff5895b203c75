/**
 * GraphQL over HTTP (graphql.github.io/graphql-over-http; what Apollo, graphql-http, Yoga, Hasura
 * and the GitHub API speak): a POST whose JSON body is `{query, operationName?, variables?,
 * extensions?}` (or an array of them: a batch), a POST of `application/graphql` text, or a GET
 * with `?query=…`; persisted queries send only `extensions.persistedQuery` and the name. The
 * response is `{data, errors}`: errors make the call fail even under HTTP 200. The HTTP exchange
 * becomes a graphql call named after its operation, its HTTP layer kept.
 */
import { applyIncremental, incrementalPayloads } from './incremental';
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { headerValue, queryParam } from '../http-common/body';
import { operationInfo, operationLabel, type OperationInfo } from './operation';
import { graphqlDefinitionsOf, type GraphqlDefinitions } from './schema';
import { isObj } from '../core/json';

export interface GraphqlRequest {
  query?: string;
  operationName?: string;
  variables?: unknown;
  extensions?: unknown;
}


/** A GraphQL request object, or undefined. */
export function asGraphqlRequest(v: unknown): GraphqlRequest | undefined {
  if (!isObj(v)) return undefined;
  const q = v.query;
  const persisted = isObj(v.extensions) && isObj(v.extensions.persistedQuery);
  if (typeof q === 'string' ? !operationInfo(q) : !(persisted && (q === undefined || q === null))) return undefined;
  const out: GraphqlRequest = {};
  if (typeof q === 'string') out.query = q;
  if (typeof v.operationName === 'string') out.operationName = v.operationName;
  if (v.variables !== undefined && v.variables !== null) out.variables = v.variables;
  if (v.extensions !== undefined) out.extensions = v.extensions;
  return out;
}

/** The GraphQL request(s) an HTTP exchange carries: one, a batch, or none. */
function requestsOf(call: Call): GraphqlRequest[] | undefined {
  const http = call.http;
  if (!http) return undefined;
  const body = http.requestBody;
  if (body && body.kind === 'json') {
    const v = body.value;
    if (Array.isArray(v) && v.length > 0 && v.length <= 100) {
      const all = v.map(asGraphqlRequest);
      return all.every((x) => x !== undefined) ? (all as GraphqlRequest[]) : undefined;
    }
    const one = asGraphqlRequest(v);
    return one ? [one] : undefined;
  }
  const ct = body?.kind === 'text' ? (headerValue(http.requestHeaders, 'content-type')?.toLowerCase() ?? '') : '';
  if (body && ct.startsWith('application/graphql') && !ct.includes('json') && body.text !== undefined) {
    return operationInfo(body.text) ? [{ query: body.text }] : undefined;
  }
  if ((http.method === 'GET' || !body) && http.uri) {
    const q = queryParam(http.uri, 'query');
    if (q === undefined || !operationInfo(q)) return undefined;
    const r: GraphqlRequest = { query: q };
    const name = queryParam(http.uri, 'operationName');
    if (name) r.operationName = name;
    const vars = queryParam(http.uri, 'variables');
    if (vars) {
      try {
        r.variables = JSON.parse(vars);
      } catch {
        r.variables = vars;
      }
    }
    return [r];
  }
  return undefined;
}

/** A call's facts for one request: method, fields, value; its first root field's definition in the workspace's schema. */
export function describeOperation(call: Call, r: GraphqlRequest, defs?: GraphqlDefinitions): OperationInfo | undefined {
  const op = r.query !== undefined ? operationInfo(r.query, r.operationName) : undefined;
  call.method = op ? operationLabel(op) : (r.operationName ?? 'persisted query');
  if (op) {
    call.fields['graphql.operation_type'] = op.type;
    if (op.rootFields.length) call.fields['graphql.root_fields'] = op.rootFields.join(', ');
    if (op.operations > 1) call.fields['graphql.operations_in_document'] = op.operations;
    if (op.type === 'subscription') call.kind = 'server-stream';
    const field = op.rootFields.find((f) => !f.startsWith('...'))?.replace(/^.*: /, '');
    const def = defs && field ? (defs.fields.get(`${defs.roots[op.type]}.${field}`) ?? defs.fields.get(`${op.type[0].toUpperCase()}${op.type.slice(1)}.${field}`)) : undefined;
    if (def) call.definition = { kind: 'graphql-field', name: def.name, file: def.file, line: def.line, column: def.column };
  }
  const name = r.operationName ?? op?.name;
  if (name) call.fields['graphql.operation_name'] = name;
  if (r.query === undefined) call.fields['graphql.persisted_query'] = true;
  return op;
}

/** `{data, errors}`: the status it gives (errors fail the call, the first one's message says why). */
export function resultStatus(v: unknown): Call['status'] | undefined {
  if (!isObj(v)) return undefined;
  const errors = v.errors;
  if (Array.isArray(errors) && errors.length) {
    const e = isObj(errors[0]) ? errors[0] : {};
    const code = isObj(e.extensions) && typeof e.extensions.code === 'string' ? e.extensions.code : 'errors';
    const n = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    return { code, text: `${typeof e.message === 'string' ? e.message : 'error'}${n}`, ok: false };
  }
  if ('data' in v) return { code: 'data', ok: true };
  return undefined;
}

/**
 * GraphQL over server-sent events (the graphql-sse protocol's distinct connections mode, GraphQL
 * Yoga's default for subscriptions): the HTTP layer made the answer a server stream of its events;
 * each `next` event's payload is a result `{data, errors}` — its data becomes the message's value
 * (as over WebSocket), the last data the response value, and errors in any of them fail the call.
 */
function applyEventResults(call: Call): void {
  let failed: Call['status'] | undefined;
  let results = 0;
  for (const m of call.messages ?? []) {
    const event = m.label ?? m.meta?.event;
    if (m.dir !== 's2c' || !(event === 'next' || event === 'message' || event === undefined) || !isObj(m.value) || !('data' in m.value || 'errors' in m.value)) continue;
    results++;
    const v = m.value;
    const st = resultStatus(v);
    if (st && !st.ok && !failed) failed = st;
    if ('data' in v) {
      m.value = v.data;
      (call.response ??= {}).value = v.data;
    }
  }
  if (!results) return;
  call.fields['graphql.results'] = results;
  const httpOk = call.http?.status !== undefined && call.http.status < 300;
  if (failed) call.status = failed;
  else if (httpOk) call.status = { code: 'data', ok: true };
}

export const graphqlRouter: BodyRouter = {
  id: 'graphql',
  match(call: Call): boolean {
    return requestsOf(call) !== undefined;
  },
  apply(call: Call, session: DecoderSession): void {
    const reqs = requestsOf(call)!;
    const defs = graphqlDefinitionsOf(session.env.definitions);
    call.protocol = 'graphql';
    // (a GET's query is decoded: the target is the path)
    if (call.http?.uri) call.target = call.http.uri.split('?')[0];
    let res = call.http?.responseBody?.kind === 'json' ? call.http.responseBody.value : undefined;
    const incremental = reqs.length === 1 ? incrementalPayloads(call.http?.responseBody, session.env.limits.maxDepth) : undefined;
    if (incremental) res = applyIncremental(call, incremental);
    if (reqs.length === 1) {
      const r = reqs[0];
      describeOperation(call, r, defs);
      (call.request ??= {}).value = { ...(r.query !== undefined ? { query: r.query } : {}), ...(r.variables !== undefined ? { variables: r.variables } : {}) };
      if (res !== undefined) {
        (call.response ??= {}).value = isObj(res) && 'data' in res ? res.data : res;
        const st = resultStatus(res);
        const httpOk = call.http?.status !== undefined && call.http.status < 300;
        if (st && (httpOk || !st.ok)) call.status = st;
        if (isObj(res) && Array.isArray(res.errors) && res.errors.length) call.fields['graphql.errors'] = res.errors.length;
      } else if (call.kind === 'server-stream' && call.messages?.length) applyEventResults(call);
      return;
    }
    // A batch (Apollo's batching link): one call, its operations and their results side by side.
    const ops = reqs.map((r) => {
      const op = r.query !== undefined ? operationInfo(r.query, r.operationName) : undefined;
      return op ? operationLabel(op) : (r.operationName ?? 'persisted query');
    });
    call.kind = 'batch';
    call.method = ops.length > 3 ? `${ops.slice(0, 3).join(', ')} +${ops.length - 3}` : ops.join(', ');
    call.fields['graphql.batch'] = reqs.length;
    (call.request ??= {}).value = reqs.map((r) => ({ query: r.query, variables: r.variables }));
    if (Array.isArray(res)) {
      (call.response ??= {}).value = res.map((x) => (isObj(x) && 'data' in x ? x.data : x));
      const failed = res.map(resultStatus).find((s) => s && !s.ok);
      if (failed && call.http?.status !== undefined && call.http.status < 300) call.status = failed;
    }
  },
};
