/**
 * tRPC over HTTP (trpc.io, v10 and v11 HTTP RPC specification): a query is `GET /<procedure>?input=<JSON>`,
 * a mutation `POST /<procedure>` with the input as the JSON body; a batch names several procedures
 * (`/a.b,c.d?batch=1`) with inputs keyed "0", "1"…; the answer is `{"result":{"data":…}}` or
 * `{"error":{"message","code","data":{"code":"NOT_FOUND","httpStatus":404,"path":…}}}`, an array of them
 * for a batch; with the superjson transformer values are wrapped as `{"json":…}`. Recognised by
 * that answer shape and a procedure-like last path segment (tRPC has no content type of its own;
 * it is mounted at `/trpc` or anywhere). The HTTP exchange becomes a trpc call, its HTTP layer kept.
 */
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { queryParam } from '../http-common/body';
import { isObj } from '../core/json';

const PROCEDURES = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:,[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)*$/;

/** `{"json": x}` (superjson) → x. */
function unwrap(v: unknown): unknown {
  return isObj(v) && 'json' in v && Object.keys(v).every((k) => k === 'json' || k === 'meta') ? v.json : v;
}

function isEnvelope(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (isObj(v.result) && Object.keys(v).length === 1) return true;
  const e = isObj(v.error) ? (unwrap(v.error) as Record<string, unknown>) : undefined;
  return !!e && isObj(e) && isObj(e.data) && typeof e.data.code === 'string' && typeof e.message === 'string';
}

function procedures(call: Call): string[] | undefined {
  const uri = call.http?.uri;
  if (!uri) return undefined;
  const path = uri.split('?')[0];
  let last = path.slice(path.lastIndexOf('/') + 1);
  try {
    last = decodeURIComponent(last);
  } catch {
    return undefined;
  }
  return last && last.length <= 2048 && PROCEDURES.test(last) ? last.split(',') : undefined;
}

export const trpcRouter: BodyRouter = {
  id: 'trpc',
  match(call: Call): boolean {
    const res = call.http?.responseBody;
    if (!res || res.kind !== 'json') return false;
    const v = res.value;
    const shaped = Array.isArray(v) ? v.length > 0 && v.length <= 1000 && v.every(isEnvelope) : isEnvelope(v);
    return shaped && procedures(call) !== undefined;
  },
  apply(call: Call, _session: DecoderSession): void {
    const http = call.http!;
    const names = procedures(call)!;
    const batch = queryParam(http.uri ?? '', 'batch') === '1';
    call.protocol = 'trpc';
    call.method = names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3}` : names.join(', ');
    // the endpoint the procedures hang off (`/trpc`, `/api/trpc`, `/`)
    const path = (http.uri ?? '').split('?')[0];
    call.target = path.slice(0, path.lastIndexOf('/')) || '/';
    call.fields['trpc.procedure'] = names.join(',');
    call.fields['trpc.type'] = http.method === 'POST' ? 'mutation' : 'query';
    if (batch) {
      call.fields['trpc.batch'] = names.length;
      if (names.length > 1) call.kind = 'batch';
    }
    // the input: the query string's `input` (GET) or the body (POST)
    let input: unknown;
    const q = queryParam(http.uri ?? '', 'input');
    if (q !== undefined) {
      try {
        input = JSON.parse(q);
      } catch {
        input = q;
      }
    } else if (http.requestBody?.kind === 'json') input = http.requestBody.value;
    const inputs = batch && isObj(input) ? names.map((_, i) => unwrap(input[String(i)])) : [unwrap(input)];
    if (input !== undefined) (call.request ??= {}).value = batch ? inputs : inputs[0];
    const res = http.responseBody!.value;
    const items = Array.isArray(res) ? res : [res];
    const outs = items.map((x) => {
      const o = x as Record<string, unknown>;
      if (isObj(o.result)) return { data: unwrap(o.result.data) };
      return { error: unwrap(o.error) as Record<string, unknown> };
    });
    (call.response ??= {}).value = batch ? outs.map((o) => ('data' in o ? o.data : { error: o.error })) : 'data' in outs[0] ? outs[0].data : { error: outs[0].error };
    const failed = outs.find((o) => 'error' in o) as { error: Record<string, unknown> } | undefined;
    if (failed) {
      const d = isObj(failed.error.data) ? failed.error.data : {};
      call.status = { code: typeof d.code === 'string' ? d.code : 'error', text: typeof failed.error.message === 'string' ? failed.error.message : undefined, ok: false };
      call.fields['trpc.error_code'] = String(call.status.code);
    }
  },
};
