// Differential comparison: callscope's schema decoding vs the reference proto3 JSON (gen.py's cases.jsonl).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const REPO = process.env.REPO ?? new URL('../..', import.meta.url).pathname;
const { buildProtoDefinitions } = await import(join(REPO, 'decoders/protobuf/definitions.ts'));
const { decodeProtobuf, decodeRaw, resolverFor } = await import(join(REPO, 'decoders/protobuf/decode.ts'));
const { DEFAULT_LIMITS } = await import(join(REPO, 'decoders/core/env.ts'));

const dir = process.argv[2] ?? '/tmp/pbdiff';
const files = ['p3.proto', 'p2.proto'].map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8'), root: dir }));
const defs = buildProtoDefinitions(files);
if (defs.warnings.length) console.log('load warnings', defs.warnings);
const resolve = resolverFor(defs.root);
const hexBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

type Diff = { kind: string; path: string; ref?: unknown; got?: unknown };
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const norm = (p: string[]) => p.map((s) => (/^(\[.*\]|@type|[A-Za-z_][A-Za-z0-9_]*)$/.test(s) && !/^\d/.test(s) ? s : '*')).join('.');

function expand(ref: unknown): unknown {
  if (Array.isArray(ref)) return ref.map(expand);
  if (!isObj(ref)) return ref;
  if (ref['@type'] === 'type.googleapis.com/google.protobuf.StringValue' && typeof ref.value === 'string' && ref.value.startsWith('UNKNOWN-ANY:')) {
    const [, url, hex] = ref.value.split(':');
    const raw = decodeRaw(hexBytes(hex), DEFAULT_LIMITS).value as Record<string, unknown>;
    return { '@type': url, ...raw };
  }
  return Object.fromEntries(Object.entries(ref).map(([k, v]) => [k, expand(v)]));
}

// (JSON.stringify would turn -0 into 0: a clone that only drops undefined values)
function clean(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(clean);
  if (!isObj(x)) return x;
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, clean(v)]));
}

// python3-protobuf 4.21's json_format names a *repeated* extension without brackets and package
// (`ext_r`, not `[p2.ext_r]`): a bug of the reference writer, undone here.
const EXT_ALIASES: Record<string, string> = { ext_r: '[p2.ext_r]', ext_rp: '[p2.ext_rp]' };

function diff(ref: unknown, got: unknown, path: string[], out: Diff[]): void {
  if (ref === undefined && got !== undefined) {
    out.push({ kind: /^\d+$/.test(path[path.length - 1]) ? 'unknown field kept' : 'extra key', path: norm(path), got });
    return;
  }
  if (got === undefined && ref !== undefined) return void out.push({ kind: 'missing', path: norm(path), ref });
  if (Array.isArray(ref) || Array.isArray(got)) {
    if (!Array.isArray(ref) || !Array.isArray(got)) return void out.push({ kind: 'shape', path: norm(path), ref, got });
    if (ref.length !== got.length) out.push({ kind: 'array length', path: norm(path), ref: ref.length, got: got.length });
    for (let i = 0; i < Math.min(ref.length, got.length); i++) diff(ref[i], got[i], [...path, String(i)], out);
    return;
  }
  if (isObj(ref) || isObj(got)) {
    if (!isObj(ref) || !isObj(got)) return void out.push({ kind: 'shape', path: norm(path), ref, got });
    for (const [a, b] of Object.entries(EXT_ALIASES)) if (a in ref && !(a in got) && b in got) (ref[b] = ref[a]), delete ref[a];
    for (const k of new Set([...Object.keys(ref), ...Object.keys(got)])) diff(ref[k], got[k], [...path, k], out);
    return;
  }
  if (typeof ref === 'number' && typeof got === 'number') {
    if (Object.is(ref, got)) return;
    if (Object.is(Math.fround(ref), Math.fround(got)) && /(^|\.)(fl|w_f)(\.\*)?$|v_float\.[^.]+$/.test(norm(path))) return void out.push({ kind: 'float32 digits', path: norm(path), ref, got });
    return void out.push({ kind: 'value', path: norm(path), ref, got });
  }
  if (ref !== got) out.push({ kind: typeof ref === typeof got ? 'value' : `type ${typeof ref}→${typeof got}`, path: norm(path), ref, got });
}

const lines = readFileSync(join(dir, process.env.CASES ?? 'cases.jsonl'), 'utf8').split('\n').filter(Boolean);
const byKind = new Map<string, { n: number; ex: Diff & { case: number; caseKind: string } }>();
const warnCounts = new Map<string, number>();
const refErrors = new Map<string, number>();
let compared = 0, agreeing = 0, exceptions = 0, viaProtoc = 0;
lines.forEach((line, i) => {
  const c = JSON.parse(line);
  let res: { value: unknown; warnings: string[]; raw: boolean };
  try {
    res = decodeProtobuf(hexBytes(c.hex), c.type, resolve, DEFAULT_LIMITS);
  } catch (e) {
    exceptions++;
    console.log('EXCEPTION', i, (e as Error).stack);
    return;
  }
  compared++;
  if (c.protoc) viaProtoc++;
  for (const w of res.warnings) {
    const k = `${c.kind}: ${w.replace(/\d+/g, 'N').replace(/(type\.googleapis\.com\/)\S+/, '$1…')}`;
    warnCounts.set(k, (warnCounts.get(k) ?? 0) + 1);
  }
  if (c.ref === null) {
    refErrors.set(c.refError.slice(0, 90), (refErrors.get(c.refError.slice(0, 90)) ?? 0) + 1);
    return;
  }
  if (res.raw) console.log('RAW FALLBACK', i, res.warnings);
  const out: Diff[] = [];
  diff(expand(c.ref), clean(res.value), [], out);
  if (!out.length) agreeing++;
  const seen = new Set<string>();
  for (const d of out) {
    const k = `${c.kind} | ${d.kind} | ${d.kind === 'float32 digits' ? 'float fields' : d.path.replace(/^(?:[^.]+\.){2,}([^.]+(\.\*)?)$/, '….$1')}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const e = byKind.get(k);
    if (e) e.n++;
    else byKind.set(k, { n: 1, ex: { ...d, case: i, caseKind: c.kind } });
  }
});
console.log(`messages compared ${compared} (encoded by protoc ${viaProtoc}), agreeing exactly ${agreeing}, exceptions ${exceptions}`);
console.log('\n-- disagreements (messages affected | case kind | diff kind | path; first example)');
for (const [k, v] of [...byKind].sort((a, b) => b[1].n - a[1].n))
  console.log(String(v.n).padStart(5), k, v.ex.path, ' e.g. case', v.ex.case, 'ref', JSON.stringify(v.ex.ref)?.slice(0, 120), 'got', JSON.stringify(v.ex.got)?.slice(0, 120));
console.log('\n-- no reference JSON (messages)', [...refErrors]);
console.log('\n-- warnings (messages)');
for (const [k, v] of [...warnCounts].sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(5), k.slice(0, 200));
