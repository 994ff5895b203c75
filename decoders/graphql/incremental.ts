/**
 * GraphQL incremental delivery (@defer, @stream) over HTTP: the answer is `multipart/mixed`, one
 * JSON payload per part (graphql-over-http incremental delivery RFC; Apollo's `deferSpec=20220824`):
 * the initial `{data, errors?, hasNext: true}`, then `{incremental: [{data, path, label?} |
 * {items, path, label?}], hasNext}` — or, in the older layout, each subsequent payload itself a
 * `{data | items, path, label?, hasNext}`. The call becomes a server stream whose messages are the
 * payloads; its response value is the data with every increment put in place (deferred fields
 * merged into the object at `path`, streamed items into the list at `path`'s parent), its errors
 * all the payloads' errors.
 */
import type { Body, Call, StreamMessage } from '../core/model';
import { parseJsonBounded } from '../http-common/body';
import { isObj } from '../core/json';

const MAX_PAYLOADS = 1000;
const MAX_PATH = 64;

/** The JSON payloads of a multipart/mixed answer, or undefined when it is not one. */
export function incrementalPayloads(body: Body | undefined, maxDepth: number): Array<Record<string, unknown>> | undefined {
  if (!body || !/^multipart\/mixed\b/i.test(body.contentType ?? '') || !Array.isArray(body.value)) return undefined;
  const out: Array<Record<string, unknown>> = [];
  for (const part of body.value.slice(0, MAX_PAYLOADS) as Array<{ text?: string }>) {
    if (typeof part?.text !== 'string' || !part.text.trim()) continue;
    const r = parseJsonBounded(part.text, maxDepth);
    if (r.ok && isObj(r.value)) out.push(r.value);
  }
  return out.length && ('data' in out[0] || 'errors' in out[0]) ? out : undefined;
}

/** The increments a subsequent payload carries (either layout). */
function incrementsOf(p: Record<string, unknown>): Array<Record<string, unknown>> {
  if (Array.isArray(p.incremental)) return p.incremental.filter(isObj);
  return 'path' in p && ('data' in p || 'items' in p) ? [p] : [];
}

/** Put one increment in place in `root` (a copy being built); false when its path leads nowhere. */
function place(root: unknown, inc: Record<string, unknown>): boolean {
  const path = Array.isArray(inc.path) ? inc.path.slice(0, MAX_PATH) : undefined;
  if (!path) return false;
  const items = Array.isArray(inc.items) ? inc.items : undefined;
  const to = items ? path.slice(0, -1) : path;
  let node = root;
  for (const k of to) {
    if (Array.isArray(node) && typeof k === 'number') node = node[k];
    else if (isObj(node) && typeof k === 'string' && Object.hasOwn(node, k)) node = node[k];
    else return false;
  }
  if (items) {
    if (!Array.isArray(node)) return false;
    const at = path[path.length - 1];
    if (typeof at === 'number' && at >= 0 && at <= node.length) node.splice(at, items.length, ...items);
    else node.push(...items);
    return true;
  }
  if (!isObj(node) || !isObj(inc.data)) return false;
  for (const [k, v] of Object.entries(inc.data)) Object.defineProperty(node, k, { value: v, enumerable: true, writable: true, configurable: true });
  return true;
}

/**
 * Make `call` the server stream of these payloads: messages, merged data, every error. Returns
 * the merged result `{data, errors?}` for the status.
 */
export function applyIncremental(call: Call, payloads: Array<Record<string, unknown>>): Record<string, unknown> {
  const first = payloads[0];
  // (a copy: the payloads stay as they came, in the messages)
  const data = first.data === undefined ? null : JSON.parse(JSON.stringify(first.data));
  const errors: unknown[] = Array.isArray(first.errors) ? [...first.errors] : [];
  const messages: StreamMessage[] = [];
  const t = call.timing.endUs ?? call.timing.responseStartUs ?? call.timing.startUs;
  let lost = 0;
  payloads.forEach((p, i) => {
    const incs = i === 0 ? [] : incrementsOf(p);
    const labels = incs.map((x) => x.label).filter((x) => typeof x === 'string');
    messages.push({ dir: 's2c', index: i, tsUs: t, size: JSON.stringify(p).length, label: i === 0 ? 'initial' : `incremental${labels.length ? ` ${labels.join(', ')}` : ''}`, value: p });
    if (i === 0) return;
    if (Array.isArray(p.errors)) errors.push(...p.errors);
    for (const inc of incs) {
      if (Array.isArray(inc.errors)) errors.push(...inc.errors);
      if (!place(data, inc)) lost++;
    }
  });
  call.kind = 'server-stream';
  call.messages = messages;
  call.fields['graphql.incremental'] = payloads.length - 1;
  const last = payloads[payloads.length - 1];
  if (last.hasNext === true) call.warnings.push('the answer ended before its last payload (hasNext was still true)');
  if (lost) call.warnings.push(`${lost} increment${lost === 1 ? '' : 's'} whose path is not in the data: shown in the messages, not merged`);
  return { data, ...(errors.length ? { errors } : {}) };
}
