/**
 * Structural diff: two decoded values (JSON bodies, XML-RPC/JSON-RPC results, protobuf messages)
 * or two calls (status, headers, body) → a flat list of changes, each with a path.
 *
 * Paths read like a JSONPath without the `$`: `status`, `headers.content-type`,
 * `response.body.items[2].price`. Arrays compare by index; objects by key. Numbers compare by
 * value (1 and 1.0 are the same), and a number and its decimal string are the same when
 * `looseNumbers` is set (protobuf int64 decodes as a string, JSON as a number).
 */
import type { Call, HeaderList } from '../core/model';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'type';

export interface Change {
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface DiffOptions {
  /** Paths (exact, or with `*` for one segment, or ending in `.**` for a subtree) left out. */
  ignore?: string[];
  /** Compare 5 and "5" as equal. Default true. */
  looseNumbers?: boolean;
  /** Stop after this many changes (default 500). */
  maxChanges?: number;
  /** Depth limit (default 64): deeper values compare as a whole. */
  maxDepth?: number;
}

export function diffValues(before: unknown, after: unknown, opts: DiffOptions = {}, base = ''): Change[] {
  const out: Change[] = [];
  const ignore = (opts.ignore ?? []).map(compileIgnore);
  walk(before, after, base, 0, out, { ...opts, ignoreFns: ignore });
  return out;
}

interface WalkOpts extends DiffOptions {
  ignoreFns: Array<(p: string) => boolean>;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v;
}

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (!plain) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

function walk(a: unknown, b: unknown, path: string, depth: number, out: Change[], o: WalkOpts): void {
  const max = o.maxChanges ?? 500;
  if (out.length >= max) return;
  if (o.ignoreFns.some((f) => f(path))) return;
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    out.push({ path, kind: 'added', after: b });
    return;
  }
  if (b === undefined) {
    out.push({ path, kind: 'removed', before: a });
    return;
  }
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) {
    if ((o.looseNumbers ?? true) && looseEqual(a, b)) return;
    out.push({ path, kind: 'type', before: a, after: b });
    return;
  }
  if (depth >= (o.maxDepth ?? 64)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kind: 'changed', before: a, after: b });
    return;
  }
  if (ta === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n && out.length < max; i++) walk(i < x.length ? x[i] : undefined, i < y.length ? y[i] : undefined, join(path, i), depth + 1, out, o);
    return;
  }
  if (ta === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) {
      if (out.length >= max) return;
      walk(Object.hasOwn(x, k) ? x[k] : undefined, Object.hasOwn(y, k) ? y[k] : undefined, join(path, k), depth + 1, out, o);
    }
    return;
  }
  if (ta === 'bytes') {
    const x = a as Uint8Array;
    const y = b as Uint8Array;
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) out.push({ path, kind: 'changed', before: a, after: b });
    return;
  }
  if (ta === 'number' && Number.isNaN(a) && Number.isNaN(b)) return;
  if (a !== b) out.push({ path, kind: 'changed', before: a, after: b });
}

function looseEqual(a: unknown, b: unknown): boolean {
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
  const x = num(a);
  const y = num(b);
  return x !== undefined && y !== undefined && x === y;
}

function compileIgnore(pattern: string): (p: string) => boolean {
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  if (pattern.endsWith('.**')) {
    const head = pattern.slice(0, -3);
    const re = new RegExp('^' + esc(head).replace(/\*/g, '[^.\\[]+') + '([.\\[].*)?$');
    return (p) => re.test(p);
  }
  const re = new RegExp('^' + esc(pattern).replace(/\*/g, '[^.\\[]+') + '$');
  return (p) => re.test(p);
}

/** Headers that change on every response and say nothing about behaviour. */
export const VOLATILE_HEADERS = ['date', 'expires', 'last-modified', 'age', 'etag', 'x-request-id', 'x-correlation-id', 'set-cookie', 'keep-alive', 'connection', 'server-timing', 'content-length', 'transfer-encoding', 'x-envoy-upstream-service-time'];

export interface CallDiffOptions extends DiffOptions {
  /** Compare these response headers (lower-case) too; by default every header but the volatile ones. */
  headers?: 'all' | 'none' | 'stable';
  /** Extra header names (lower-case) to leave out. */
  ignoreHeaders?: string[];
}

/** The part of a call a replay compares: status, response headers, response body value. */
export interface CallOutcome {
  /** HTTP status, gRPC status, JSON-RPC error code, XML-RPC fault code… */
  status?: { code: number | string; text?: string; ok: boolean };
  headers?: HeaderList;
  trailers?: HeaderList;
  /** The decoded response: JSON value, RPC result, protobuf message; or text; or hex. */
  body?: unknown;
}

export function outcomeOf(call: Call): CallOutcome {
  const resp = call.response;
  const body = resp?.value ?? resp?.body?.value ?? resp?.body?.text ?? (resp?.body?.hex !== undefined ? { hex: resp.body.hex } : undefined);
  return {
    status: call.status ? { code: call.status.code, text: call.status.text, ok: call.status.ok } : undefined,
    headers: call.http?.responseHeaders ?? resp?.headers,
    trailers: resp?.trailers,
    body,
  };
}

function headerMap(h: HeaderList | undefined, drop: Set<string>): Record<string, string> | undefined {
  if (!h) return undefined;
  const m: Record<string, string> = {};
  for (const [k, v] of h) {
    const n = k.toLowerCase();
    if (drop.has(n) || n.startsWith(':') && n !== ':status') continue;
    m[n] = n in m ? `${m[n]}, ${v}` : v;
  }
  return m;
}

/** Changes between two outcomes (old → new): `status.code`, `headers.x`, `body.path`. */
export function diffOutcomes(before: CallOutcome, after: CallOutcome, opts: CallDiffOptions = {}): Change[] {
  const mode = opts.headers ?? 'stable';
  const drop = new Set([...(mode === 'stable' ? VOLATILE_HEADERS : []), ...(opts.ignoreHeaders ?? []).map((h) => h.toLowerCase()), ':status']);
  const view = (o: CallOutcome) => ({
    status: o.status ? { code: o.status.code, ok: o.status.ok, ...(o.status.text !== undefined ? { text: o.status.text } : {}) } : undefined,
    headers: mode === 'none' ? undefined : headerMap(o.headers, drop),
    trailers: mode === 'none' ? undefined : headerMap(o.trailers, drop),
    body: o.body,
  });
  return diffValues(view(before), view(after), opts);
}

/** Changes between the responses of two calls. */
export function diffCalls(before: Call, after: Call, opts: CallDiffOptions = {}): Change[] {
  return diffOutcomes(outcomeOf(before), outcomeOf(after), opts);
}

/** One line per change: `status.code: 200 → 404`, `body.name: added "x"`. */
export function formatChange(c: Change, maxValue = 80): string {
  const v = (x: unknown) => {
    let s: string;
    try {
      s = typeof x === 'string' ? JSON.stringify(x) : x instanceof Uint8Array ? `<${x.length} bytes>` : JSON.stringify(x) ?? String(x);
    } catch {
      s = String(x);
    }
    return s.length > maxValue ? s.slice(0, maxValue - 1) + '…' : s;
  };
  switch (c.kind) {
    case 'added':
      return `${c.path}: added ${v(c.after)}`;
    case 'removed':
      return `${c.path}: removed (was ${v(c.before)})`;
    default:
      return `${c.path}: ${v(c.before)} → ${v(c.after)}`;
  }
}
