/**
 * JSON-RPC 2.0 (the specification at jsonrpc.org), and JSON-RPC 1.0 requests when unambiguous.
 *
 * Reached as a body router of HTTP (`http-common/routers.ts`): a request body that parsed as a
 * JSON object (or a batch array of them) with `"jsonrpc": "2.0"` and a string `method`. The HTTP
 * call becomes a `jsonrpc` call: method, request.value = params, response.value = result or
 * the error object; errors set status {code, text: message, ok: false}. Notifications (no id)
 * are `oneway`. A batch becomes a `batch` call with one child per request, responses paired by
 * id in any order (§6).
 */
import type { Body, Call, CallStatus } from '../core/model';
import type { Limits } from '../core/env';
import type { DecoderSession } from '../core/decoder';
import { innerCalls } from '../calls/inner';
import type { BodyRouter } from '../http-common/routers';
import { bodyCut, cutWords } from '../http-common/body';
import { type JsonPrefix, parseJsonPrefix } from './partial';
import { isObj } from '../core/json';

type Obj = Record<string, unknown>;


/** A JSON-RPC request object (2.0, or 1.0 with method + params + id). */
export function isJsonRpcRequest(v: unknown): v is Obj {
  if (!isObj(v) || typeof v.method !== 'string') return false;
  if (v.jsonrpc === '2.0') return true;
  // JSON-RPC 1.0: no version member, params an array, id present (null for notifications)
  return v.jsonrpc === undefined && Array.isArray(v.params) && 'id' in v;
}

function isV1(v: Obj): boolean {
  return v.jsonrpc === undefined;
}

/** Is this request a notification? (2.0: no id member; 1.0: id null) */
export function isNotification(v: Obj): boolean {
  return isV1(v) ? v.id === null : !('id' in v);
}

export function idKey(id: unknown): string {
  return JSON.stringify(id ?? null);
}

function idField(id: unknown): string | number | undefined {
  return typeof id === 'string' || typeof id === 'number' ? id : id === null ? 'null' : undefined;
}

export interface Outcome {
  value?: unknown;
  status?: CallStatus;
  warnings: string[];
}

/** Read a response object: result, or error {code, message, data}. */
export function outcomeOf(resp: Obj, httpStatus: CallStatus | undefined): Outcome {
  const warnings: string[] = [];
  const hasResult = 'result' in resp;
  const err = resp.error;
  if (err !== undefined && err !== null) {
    if (hasResult && resp.jsonrpc === '2.0') warnings.push('response has both result and error');
    if (isObj(err)) {
      const code = typeof err.code === 'number' || typeof err.code === 'string' ? err.code : 'error';
      // (a message cut by the capture, or missing: no text rather than "")
      const text = typeof err.message === 'string' ? err.message : err.message === undefined ? undefined : JSON.stringify(err.message);
      return { value: err, status: { code, text, ok: false }, warnings };
    }
    // Stratum (the JSON-RPC 1.0 dialect of mining pools) sends `[code, message, traceback]`.
    if (Array.isArray(err) && typeof err[0] === 'number' && typeof err[1] === 'string') return { value: err, status: { code: err[0], text: err[1], ok: false }, warnings };
    return { value: err, status: { code: 'error', text: typeof err === 'string' ? err : JSON.stringify(err), ok: false }, warnings };
  }
  if (!hasResult) warnings.push('response has neither result nor error');
  return { value: resp.result, status: httpStatus ? { ...httpStatus } : { code: 0, text: 'OK', ok: true }, warnings };
}

export function fillFields(call: Call, req: Obj): void {
  call.fields['jsonrpc.method'] = req.method as string;
  const id = idField(req.id);
  if ('id' in req && id !== undefined) call.fields['jsonrpc.id'] = id;
  call.fields['jsonrpc.version'] = isV1(req) ? '1.0' : '2.0';
}

export function applyOutcome(call: Call, o: Outcome): void {
  (call.response ??= {}).value = o.value;
  if (o.status) call.status = o.status;
  if (o.status && !o.status.ok) {
    call.fields['jsonrpc.error.code'] = o.status.code;
    if (o.status.text) call.fields['jsonrpc.error.message'] = o.status.text;
  }
  call.warnings.push(...o.warnings);
}

/** Is the response a JSON-RPC 2.0 error object, or a batch of them (§5, §5.1, §6)? */
function isErrorAnswer(call: Call): boolean {
  const r = call.http?.responseBody;
  if (r?.kind !== 'json') return false;
  const isError = (v: unknown) => isObj(v) && v.jsonrpc === '2.0' && isObj(v.error) && typeof v.error.code === 'number';
  return Array.isArray(r.value) ? r.value.length > 0 && r.value.every(isError) : isError(r.value);
}

/** A request the server could not take (§5.1: parse error, invalid request; §6: empty batch): one call with the server's error. */
function applyRejected(call: Call, reqValue: unknown, respValue: unknown, httpStatus: CallStatus | undefined): void {
  call.kind = Array.isArray(reqValue) ? 'batch' : 'unary';
  if (Array.isArray(reqValue)) {
    call.method = `batch(${reqValue.length})`;
    call.fields['jsonrpc.batch.size'] = reqValue.length;
    call.warnings.push('empty batch: an invalid request (JSON-RPC 2.0 §6)');
  } else if (isObj(reqValue)) {
    call.method = typeof reqValue.method === 'string' ? reqValue.method : '?';
    call.fields['jsonrpc.version'] = '2.0';
    const id = idField(reqValue.id);
    if (id !== undefined) call.fields['jsonrpc.id'] = id;
    call.warnings.push(`invalid request: ${'method' in reqValue ? `method is ${typeof reqValue.method === 'string' ? 'a string' : `a ${reqValue.method === null ? 'null' : Array.isArray(reqValue.method) ? 'array' : typeof reqValue.method}, not a string`}` : 'no method member'} (JSON-RPC 2.0 §4)`);
  } else {
    call.method = '?';
    call.warnings.push('request body is not valid JSON (JSON-RPC 2.0 §5.1 parse error)');
  }
  if (reqValue !== undefined) (call.request ??= {}).value = isObj(reqValue) ? reqValue.params : reqValue;
  if (isObj(respValue)) applyOutcome(call, outcomeOf(respValue, httpStatus));
  else if (call.state === 'complete' && (httpStatus?.ok ?? false)) call.warnings.push('no JSON-RPC response object');
}

/** A body kept only in part (cut by the capture, or longer than the preview): `text` is its start. */
function cutText(b: { kind: string; text?: string; truncated?: boolean } | undefined): string | undefined {
  return b?.truncated && b.kind === 'text' && typeof b.text === 'string' ? b.text : undefined;
}

/** The prefix read of each cut body (`match` and `apply` ask for the same one). */
const prefixes = new WeakMap<object, JsonPrefix | null>();

function prefixOf(body: object, text: string): JsonPrefix | undefined {
  let p = prefixes.get(body);
  if (p === undefined) {
    p = parseJsonPrefix(text) ?? null;
    prefixes.set(body, p);
  }
  return p ?? undefined;
}

/** What the captured start of a cut request body says: a JSON-RPC request or batch of them? */
function cutRequest(call: Call): JsonPrefix | undefined {
  const text = cutText(call.http?.requestBody);
  if (text === undefined || !/^\s*[[{]/.test(text)) return undefined;
  const p = prefixOf(call.http!.requestBody!, text);
  if (!p || p.complete) return undefined;
  const first = Array.isArray(p.value) ? p.value[0] : p.value;
  if (!isObj(first)) return undefined;
  if (first.jsonrpc === '2.0' || typeof first.method === 'string') return p;
  // the request was cut before its members said so: the server's JSON-RPC answer does
  const r = call.http?.responseBody;
  const rv = r?.kind === 'json' ? (Array.isArray(r.value) ? r.value[0] : r.value) : undefined;
  return isObj(rv) && rv.jsonrpc === '2.0' && ('result' in rv || 'error' in rv) ? p : undefined;
}

export const jsonrpcRouter: BodyRouter = {
  id: 'jsonrpc',
  match(call: Call): boolean {
    const body = call.http?.requestBody;
    if (!body) return false;
    if (cutRequest(call)) return true;
    if (body.kind === 'json') {
      const v = body.value;
      if (Array.isArray(v)) return (v.length > 0 && v.some((x) => isJsonRpcRequest(x))) || isErrorAnswer(call);
      // a 2.0 request object that is not valid (§4: method must be a string) is still JSON-RPC
      return isJsonRpcRequest(v) || (isObj(v) && v.jsonrpc === '2.0');
    }
    // a body that is not JSON at all, answered with a JSON-RPC error (§5.1 -32700 Parse error)
    return body.kind === 'text' && isErrorAnswer(call);
  },
  apply(call: Call, session: DecoderSession): void {
    const reqValue = call.http!.requestBody!.value;
    const respBody = call.http?.responseBody;
    let respValue = respBody?.kind === 'json' ? respBody.value : undefined;
    const httpStatus = call.status;
    call.protocol = 'jsonrpc';
    // a response body the capture cut: what its captured start holds
    const respCut = cutText(respBody);
    const respPrefix = respCut !== undefined ? parseJsonPrefix(respCut) : undefined;
    const streamed = eventStreamAnswers(call);
    if (streamed) respValue = streamed.length === 1 && !Array.isArray(reqValue) ? streamed[0] : streamed;
    else if (respPrefix && !respPrefix.complete) {
      respValue = usableAnswers(respPrefix);
      cutNote(call, 'response', respBody!, session.env.limits, respValue === undefined ? 'no result or error read' : answerReadInPart(respPrefix, respValue));
    } else if (respBody && respBody.size > 0 && respBody.kind !== 'json') call.warnings.push(`JSON-RPC response body is not JSON (${respBody.kind})`);

    const cut = cutRequest(call);
    if (cut) {
      applyCut(call, session, cut, respValue, httpStatus, !!respPrefix && !respPrefix.complete);
      return;
    }

    if (call.http!.requestBody!.kind !== 'json' || (Array.isArray(reqValue) ? reqValue.length === 0 : !isJsonRpcRequest(reqValue))) {
      applyRejected(call, call.http!.requestBody!.kind === 'json' ? reqValue : undefined, respValue, httpStatus);
      return;
    }
    if (!Array.isArray(reqValue)) {
      const req = reqValue as Obj;
      call.method = req.method as string;
      call.kind = isNotification(req) ? 'oneway' : 'unary';
      fillFields(call, req);
      (call.request ??= {}).value = req.params;
      if (call.kind === 'oneway') {
        if (isObj(respValue) && ('result' in respValue || 'error' in respValue)) {
          call.warnings.push('the server answered a notification');
          applyOutcome(call, outcomeOf(respValue, httpStatus));
        }
        return;
      }
      if (isObj(respValue)) {
        if (idKey(respValue.id) !== idKey(req.id) && respValue.id !== null) call.warnings.push(`response id ${idKey(respValue.id)} does not match request id ${idKey(req.id)}`);
        applyOutcome(call, outcomeOf(respValue, httpStatus));
        mcpToolError(call, req, respValue);
        if (req.method === 'system.multicall') applyMulticall(call, session, req.params, 'error' in respValue && respValue.error !== null ? undefined : respValue.result, httpStatus);
      } else if (Array.isArray(respValue)) {
        if (!streamed) call.warnings.push('a single request answered with a batch');
        const r = respValue.find((x) => isObj(x) && idKey(x.id) === idKey(req.id));
        if (isObj(r)) {
          applyOutcome(call, outcomeOf(r, httpStatus));
          mcpToolError(call, req, r);
        }
      } else if (call.state === 'complete' && (httpStatus?.ok ?? false) && !(respPrefix && !respPrefix.complete)) {
        call.warnings.push('no JSON-RPC response object');
      }
      return;
    }
    applyBatch(call, session, reqValue, respValue, httpStatus, { resp: !!respPrefix && !respPrefix.complete });
  },
};

/**
 * `system.multicall` over JSON-RPC (aria2, after XML-RPC's convention): params `[[{methodName, params}, …]]`, result
 * one entry per call, `[value]` or an error object (`{code, message}`, or XML-RPC's `{faultCode, faultString}`). Each
 * inner call becomes a child, as a batch's are. A request of another shape is left as it is.
 */
function applyMulticall(call: Call, session: DecoderSession, params: unknown, result: unknown, httpStatus: CallStatus | undefined): void {
  const inner = Array.isArray(params) && params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : undefined;
  if (!inner || !inner.every((e) => isObj(e) && typeof e.methodName === 'string')) return;
  call.kind = 'batch';
  const results = Array.isArray(result) ? result : undefined;
  if (results && results.length !== inner.length) call.warnings.push(`system.multicall: ${inner.length} calls but ${results.length} results`);
  let errors = 0;
  innerCalls(call, session, 'jsonrpc', inner, 'system.multicall', (child, entry, i) => {
    const e = entry as Obj;
    child.state = call.state;
    child.method = e.methodName as string;
    child.fields['jsonrpc.method'] = child.method;
    child.request = { value: e.params };
    const r = results?.[i];
    if (Array.isArray(r)) {
      child.response = { value: r.length === 1 ? r[0] : r };
      child.status = httpStatus ? { ...httpStatus } : { code: 0, text: 'OK', ok: true };
    } else if (isObj(r)) {
      const code = r.code ?? r.faultCode;
      const text = r.message ?? r.faultString;
      applyOutcome(child, { value: r, status: { code: typeof code === 'number' || typeof code === 'string' ? code : 'error', text: typeof text === 'string' ? text : undefined, ok: false }, warnings: [] });
      errors++;
    } else if (call.status && !call.status.ok) {
      child.status = { ...call.status }; // the whole multicall failed
    } else if (call.state === 'complete') {
      child.state = 'incomplete';
      child.warnings.push('no result for this multicall entry');
    }
  });
  if (errors) {
    call.fields['jsonrpc.batch.errors'] = errors;
    if (call.status) call.status = { ...call.status, ok: false, text: `${errors} of ${inner.length} failed` };
  }
}

/**
 * JSON-RPC answered over server-sent events (MCP's Streamable HTTP transport, and other streaming
 * JSON-RPC servers): the HTTP layer made each event a message; the response objects among them
 * (`result` or `error` with an id) are the answers. Requests and notifications the server sent in
 * the same stream (progress, sampling) stay messages of the call. Undefined when the answer is no
 * event stream.
 */
function eventStreamAnswers(call: Call): Obj[] | undefined {
  const ct = call.http?.responseBody?.contentType ?? '';
  if (!/^text\/event-stream\b/i.test(ct) || !call.messages?.length) return undefined;
  const out = call.messages.filter((m) => m.dir === 's2c' && isObj(m.value) && 'id' in m.value && ('result' in m.value || 'error' in m.value)).map((m) => m.value as Obj);
  return out.length ? out : undefined;
}

/**
 * MCP (Model Context Protocol, JSON-RPC 2.0): a `tools/call` whose result says `isError: true` is
 * a tool that failed — a result, not a JSON-RPC error, but the call did not do what was asked.
 */
function mcpToolError(call: Call, req: Obj, resp: Obj): void {
  if (req.method !== 'tools/call') return;
  const params = req.params;
  if (isObj(params) && typeof params.name === 'string') call.fields['mcp.tool'] = params.name;
  const result = resp.result;
  if (!isObj(result) || result.isError !== true) return;
  const first = Array.isArray(result.content) ? result.content.find((c) => isObj(c) && typeof c.text === 'string') : undefined;
  call.status = { code: 'isError', text: isObj(first) ? String(first.text).slice(0, 200) : 'the tool reported an error', ok: false };
  call.fields['mcp.tool_error'] = true;
}

/**
 * The JSON-RPC layer's one word on a cut body: what it could not read. A body the capture cut has
 * its gap told by the decoder that lost the bytes (with how many), so nothing is said when all the
 * JSON-RPC members were read; one cut at the preview limit is told here (the body layer says only
 * that the JSON was kept as text).
 */
function cutNote(call: Call, side: 'request' | 'response', body: Body, limits: Limits, what: string): void {
  if (what || bodyCut(body) === 'preview') call.warnings.push(`JSON-RPC ${side}: body ${cutWords(body, limits)}${what ? `: ${what}` : ''}`);
}

/** A single response object cut inside its result or error: say so (a batch's children say theirs). */
function answerReadInPart(p: JsonPrefix, v: unknown): string {
  if (!isObj(v)) return '';
  if (isObj(v.error) || Array.isArray(v.error)) return p.cut.has(v.error) ? 'error read in part' : '';
  return (isObj(v.result) || Array.isArray(v.result)) && p.cut.has(v.result) ? 'result read in part' : '';
}

/**
 * A request body the capture cut: the requests whose method was captured, with their id and
 * params when those were too. A batch lists only those; the responses to the requests that were
 * not captured are counted, not listed.
 */
function applyCut(call: Call, session: DecoderSession, p: JsonPrefix, respValue: unknown, httpStatus: CallStatus | undefined, respCut: boolean): void {
  const body = call.http!.requestBody!;
  const note = (what: string) => cutNote(call, 'request', body, session.env.limits, what);
  if (Array.isArray(p.value)) {
    // the last element may be cut before its method: not a request that can be shown
    const items = p.value.filter((x) => isObj(x) && (typeof x.method === 'string' || !p.cut.has(x)));
    // the responses that match no request read answer requests past the cut: counted, not listed
    const stray = applyBatch(call, session, items, respValue, httpStatus, { req: p.cut, resp: respCut });
    call.method = items.length ? `batch(${items.length}+)` : 'batch(?)';
    const read = items.length ? `only its first ${items.length} request${items.length === 1 ? '' : 's'} read` : 'no request read whole';
    note(`${read}${stray ? `; ${stray} response${stray === 1 ? ' answers a request' : 's answer requests'} not captured` : ''}`);
    return;
  }
  const req = p.value as Obj;
  const method = typeof req.method === 'string' ? req.method : undefined;
  call.method = method ?? '?';
  if (method !== undefined) call.fields['jsonrpc.method'] = method;
  const id = idField(req.id);
  if ('id' in req && id !== undefined) call.fields['jsonrpc.id'] = id;
  call.fields['jsonrpc.version'] = req.jsonrpc === '2.0' ? '2.0' : '1.0';
  const answered = isObj(respValue) && ('result' in respValue || 'error' in respValue);
  // no id seen: it may have come after the cut; an answer, or a body in the response, says a call
  call.kind = 'id' in req || answered || (call.http?.responseBody?.size ?? 0) > 0 ? 'unary' : 'oneway';
  if ('params' in req) (call.request ??= {}).value = req.params;
  const params = !('params' in req) ? 'params not read' : isObj(req.params) || Array.isArray(req.params) ? (p.cut.has(req.params) ? 'params read in part' : '') : '';
  note(method === undefined ? 'method not read' : params);
  if (isObj(respValue)) {
    if ('id' in req && 'id' in respValue && idKey(respValue.id) !== idKey(req.id) && respValue.id !== null) call.warnings.push(`response id ${idKey(respValue.id)} does not match request id ${idKey(req.id)}`);
    if (answered) applyOutcome(call, outcomeOf(respValue, httpStatus));
  }
}

/**
 * The response objects of a cut response body that say something: a cut object counts once its
 * result or error was reached (an error cut inside still has its code); undefined when none.
 */
function usableAnswers(p: JsonPrefix): unknown {
  const usable = (v: unknown) => isObj(v) && (!p.cut.has(v) || 'result' in v || (isObj(v.error) && 'code' in v.error));
  if (Array.isArray(p.value)) {
    const list = p.value.filter(usable);
    return list.length ? list : undefined;
  }
  return usable(p.value) ? p.value : undefined;
}

/** The server's error for an element that is not a request object (§5.1 -32600 Invalid Request). */
const isInvalidRequestError = (r: Obj) => isObj(r.error) && r.error.code === -32600;

/**
 * Take the response without a usable id that answers a batch element: an element that is not a
 * request takes the first -32600 error (else the first left); a request with id null the first
 * that is not a -32600 error (a result, or the error of a call that was made). Undefined when none fits.
 */
function takeUnmatched(unmatched: Obj[], invalidElement: boolean): Obj | undefined {
  let i = unmatched.findIndex((r) => isInvalidRequestError(r) === invalidElement);
  if (i < 0 && invalidElement) i = 0;
  return i >= 0 && i < unmatched.length ? unmatched.splice(i, 1)[0] : undefined;
}

/**
 * §6 Batch: children paired with responses by id; notifications get none. Returns how many
 * responses (with an id) match no request: each is a warning, unless the request body was cut
 * (`cut.req`), where they answer requests that were not captured and the caller counts them.
 */
function applyBatch(call: Call, session: DecoderSession, reqs: unknown[], respValue: unknown, httpStatus: CallStatus | undefined, cut?: { req?: WeakSet<object>; resp: boolean }): number {
  call.kind = 'batch';
  call.method = `batch(${reqs.length})`;
  call.fields['jsonrpc.batch.size'] = reqs.length;
  (call.request ??= {}).value = reqs;
  const responses = new Map<string, Obj>();
  const unmatched: Obj[] = [];
  if (Array.isArray(respValue)) {
    for (const r of respValue) {
      if (!isObj(r)) continue;
      const k = idKey(r.id);
      if (r.id === null || r.id === undefined || responses.has(k)) unmatched.push(r);
      else responses.set(k, r);
    }
    (call.response ??= {}).value = respValue;
  } else if (isObj(respValue)) {
    // A single error for the whole batch (e.g. -32600 invalid request / parse error).
    applyOutcome(call, outcomeOf(respValue, httpStatus));
  }
  let errors = 0;
  innerCalls(call, session, 'jsonrpc', reqs, 'batch', (child, item) => {
    child.state = call.state;
    if (!isJsonRpcRequest(item)) {
      child.method = '?';
      child.request = { value: item };
      child.warnings.push('invalid request in batch');
      const r = takeUnmatched(unmatched, true);
      if (r) applyOutcome(child, outcomeOf(r, httpStatus));
    } else {
      child.method = item.method as string;
      fillFields(child, item);
      child.request = { value: item.params };
      if (cut?.req?.has(item)) {
        const params = item.params;
        const missing = [
          !('params' in item) ? 'params not read' : params && typeof params === 'object' && cut.req.has(params) ? 'params read in part' : '',
          'id' in item ? '' : 'no id read: a call or a notification',
        ].filter(Boolean);
        if (missing.length) child.warnings.push(`request cut by the capture: ${missing.join('; ')}`);
      }
      if (isNotification(item)) {
        child.kind = 'oneway';
      } else {
        child.kind = 'unary';
        // §4: a request id may be null (discouraged); its response then has id null too, like the
        // errors for elements that were not requests: it is among the responses without a usable id
        const r = responses.get(idKey(item.id)) ?? (item.id === null ? takeUnmatched(unmatched, false) : undefined);
        if (r) {
          responses.delete(idKey(item.id));
          applyOutcome(child, outcomeOf(r, httpStatus));
        } else if (Array.isArray(respValue)) {
          child.state = 'incomplete';
          child.warnings.push(`no response with id ${idKey(item.id)} in the batch response${cut?.resp ? ' as far as it was captured' : ''}`);
        } else child.state = call.state === 'complete' && !isObj(respValue) ? 'incomplete' : child.state;
      }
    }
    if (child.status && !child.status.ok) errors++;
  });
  if (!cut?.req) for (const r of responses.values()) call.warnings.push(`batch response id ${idKey(r.id)} matches no request`);
  if (unmatched.length) call.warnings.push(`${unmatched.length} batch responses without a usable id`);
  if (errors) {
    call.fields['jsonrpc.batch.errors'] = errors;
    if (call.status) call.status = { ...call.status, ok: false, text: `${errors} of ${reqs.length} failed` };
  }
  return responses.size;
}
