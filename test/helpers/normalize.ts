/**
 * A reviewable, stable form of calls for golden files and comparisons: what a user sees
 * (method, target, status, timing, decoded values, links, warnings) with long strings cut,
 * and headers reduced to names so a diff stays readable.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Call, Body, CallPart } from '../../decoders/core/model';

const MAX_STRING = 160;
const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');

function repoRelative(file: string): string {
  return file.startsWith(REPO + '/') ? relative(REPO, file) : file;
}
const MAX_ARRAY = 20;

function cut(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.length > MAX_STRING ? v.slice(0, MAX_STRING) + `…(${v.length})` : v;
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (depth > 12) return '…';
  if (Array.isArray(v)) {
    const a = v.slice(0, MAX_ARRAY).map((x) => cut(x, depth + 1));
    if (v.length > MAX_ARRAY) a.push(`…(${v.length} items)`);
    return a;
  }
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) o[k] = cut(x, depth + 1);
  return o;
}

function body(b: Body | undefined) {
  if (!b) return undefined;
  return cut({ kind: b.kind, size: b.size, decodedSize: b.decodedSize, contentType: b.contentType, encoding: b.encoding, truncated: b.truncated, value: b.value, text: b.value === undefined ? b.text : undefined, hex: b.hex });
}

function part(p: CallPart | undefined) {
  if (!p) return undefined;
  return cut({
    headers: p.headers?.map(([k]) => k),
    trailers: p.trailers,
    body: body(p.body),
    value: p.value,
    wireBytes: p.wireBytes,
  });
}

export function normalizeCall(c: Call, ids?: Map<number, number>): Record<string, unknown> {
  const id = (n: number | undefined) => (n === undefined ? undefined : (ids?.get(n) ?? n));
  return cut({
    id: id(c.id),
    protocol: c.protocol,
    kind: c.kind,
    state: c.state,
    flowId: ids ? undefined : c.flowId,
    client: `${c.client.ip}:${c.client.port}`,
    server: `${c.server.ip}:${c.server.port}`,
    method: c.method,
    target: c.target,
    status: c.status,
    timing: c.timing,
    frames: c.frames,
    fields: c.fields,
    request: part(c.request),
    response: part(c.response),
    messages: c.messages?.map((m) => cut(m)),
    http: c.http && {
      version: c.http.version,
      method: c.http.method,
      uri: c.http.uri,
      status: c.http.status,
      interim: c.http.interim,
      requestBody: body(c.http.requestBody),
      responseBody: body(c.http.responseBody),
    },
    parentId: id(c.parentId),
    childIds: c.childIds?.map(id),
    links: c.links && {
      publishId: id(c.links.publishId),
      deliveryIds: c.links.deliveryIds?.map(id),
      replyId: id(c.links.replyId),
      requestId: id(c.links.requestId),
    },
    // Definition files as paths relative to the repository, so goldens hold in any checkout.
    definition: c.definition && { ...c.definition, file: repoRelative(c.definition.file) },
    warnings: c.warnings,
  }) as Record<string, unknown>;
}

/** Calls renumbered 1.. in emission order (ids differ between runs that create calls in another order). */
export function normalizeCalls(calls: Call[]): Record<string, unknown>[] {
  const ids = new Map<number, number>();
  calls.forEach((c, i) => ids.set(c.id, i + 1));
  return calls.map((c) => normalizeCall(c, ids));
}
