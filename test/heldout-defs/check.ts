/**
 * check.ts OUT [SCENARIO…]: for each scenario folder under OUT (a "workspace": a capture, the
 * documents the framework generated, the client's log), decode the capture with callscope's pipeline
 * (cli/platform/analyze.ts, definitions found beside the capture as the CLI and the worker do) and
 * link every call as the extension's worker does (extension/definitions/linker.ts, with the OpenAPI /
 * AsyncAPI documents of the folder and the files their `$ref`s name). Compares with the client's log
 * (one JSON line per call, in order: method, path, status, the operationId it called — null for a
 * path the document does not have — and `invalid`: what the request body (or, when it starts with
 * `query`/`path`, a parameter) broke on purpose, `expect`:
 * schema problems the document really makes, with why). Prints per capture: calls, linked (to which
 * operation), not linked (why), schema problems (real / false / missing). Exit 1 on a difference.
 *
 *   node --import tsx test/heldout-defs/check.ts /tmp/heldout-defs [fastapi flasgger …]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { analyzeFile } from '../../cli/platform/analyze';
import { loadDefinitions } from '../../cli/platform/definitions';
import type { Call } from '../../decoders/core/model';
import type { ProtoDefinitions } from '../../decoders/protobuf/definitions';
import { looksLikeAsyncApi } from '../../decoders/definitions/asyncapi';
import { looksLikeOpenApi } from '../../decoders/definitions/openapi';
import { isFormBody } from '../../decoders/definitions/forms';
import { Linker, type LinkConfig } from '../../extension/definitions/linker';

interface LogLine {
  method: string;
  path: string;
  status: number;
  operationId: string | null;
  /** The request body breaks the schema on purpose (a JSON body: must be flagged). */
  invalid?: string | null;
  /** Schema problems the document really makes of this call: substrings of the warnings, with why. */
  expect?: Array<{ has: string; why: string }>;
}

const out = process.argv[2] ?? '/tmp/heldout-defs';
const only = process.argv.slice(3);
let failed = 0;

async function decode(pcap: string): Promise<{ calls: Call[]; proto?: ProtoDefinitions }> {
  const defs = await loadDefinitions({ captureFile: pcap });
  const calls: Call[] = [];
  await analyzeFile(pcap, { definitions: defs.definitions }, { call: (c) => calls.push(c) });
  calls.sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  return { calls, proto: (defs.definitions as Record<string, unknown>).proto as ProtoDefinitions | undefined };
}

/** The folder's documents as the host's DefinitionsService would send them to the worker. */
function linkConfig(dir: string): LinkConfig {
  const cfg: LinkConfig = { openapi: [], asyncapi: [], proto: [], refs: [] };
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(e.name)) {
        const text = readFileSync(p, 'utf8');
        if (looksLikeOpenApi(text)) cfg.openapi.push({ path: p, text });
        else if (looksLikeAsyncApi(text)) cfg.asyncapi.push({ path: p, text });
        else cfg.refs!.push({ path: p, text });
      }
    }
  };
  walk(dir);
  return cfg;
}

const SCHEMA = 'schema: ';
/** An `invalid` that names a path, query, header or cookie parameter (the rest name the request body). */
const PARAMS = /^(query|path|header|cookie)\b/;

/**
 * pydantic 1.10 (FastAPI < 0.100) writes `Optional[X]` as X alone (no `nullable: true`), and FastAPI
 * sends (and accepts) null for it: the document says a string/object, the body has null.
 */
const FASTAPI_NULLS = [
  {
    re: /^(request|response) body( \(\d+\))? (\/\d+)?\/(notes|driver|dropoff\/label|when|note|fare) must be (string|object)$/,
    why: 'pydantic 1 writes Optional[X] without nullable',
  },
];

/**
 * Problems the generated document really makes of the traffic (the document, not the server's
 * behaviour, is what a call is checked against), by scenario: a warning matching one is counted real.
 */
const DOCUMENT_SAYS: Record<string, Array<{ re: RegExp; why: string }>> = {
  // zod-to-openapi 9 (@hono/zod-openapi) writes a nullable reference in 3.1 as
  // `allOf: [{$ref: Guest}, {type: [object, null]}]`: Guest is an object, so null fails the allOf
  hono: [{ re: /^(request|response) body( \(\d+\))? (\/\d+)?\/sponsor must be object$/, why: "zod-to-openapi's 3.1 nullable reference refuses null" }],
  ...Object.fromEntries(['fastapi', 'fastapi-root-path', 'fastapi-h2'].map((k) => [k, FASTAPI_NULLS])),
  ...Object.fromEntries(
    ['2.0', '3.0.3', '3.1.0'].map((v) => [
      `apispec-${v}`,
      [
        // apispec 5.2 writes marshmallow's `Decimal(as_string=True)` as `type: number`; the server sends "19.90"
        { re: /^(request|response) body( \(\d+\))? (\/\d+)?\/declared_value must be number,null$/, why: 'apispec writes Decimal(as_string=True) as a number' },
        // apispec 5.2's 3.1 form of a nullable Nested: `allOf: [$ref Address]` beside `type: [null]`, which nothing satisfies
        ...(v === '3.1.0' ? [{ re: /^(request|response) body( \(\d+\))? (\/\d+)?\/insured_by must be object$/, why: "apispec's 3.1 nullable reference accepts no value" }] : []),
        // apispec 5.2's 3.1 form of a nullable OneOf: `type: [string, null]` beside an enum without null
        ...(v === '3.1.0' ? [{ re: /^(request|response) body( \(\d+\))? (\/\d+)?\/size must be one of \["S","M","L"\]$/, why: "apispec's 3.1 nullable enum lists no null" }] : []),
        // Swagger 2.0 has no writeOnly: apispec drops it there and keeps the load_only `pin` required, responses too
        ...(v === '2.0' ? [{ re: /^response body \(20\d\) \(root\) must have required property 'pin'$/, why: '2.0 has no writeOnly: the document requires pin of responses' }] : []),
      ],
    ]),
  ),
};

interface RpcLine {
  rpc: string;
  dir?: 'request' | 'response';
  json?: unknown;
  status?: string;
  /** The google.rpc.Status of a grpc-status-details-bin trailer, in the JSON mapping. */
  details?: unknown;
}

/** The values of one side of a gRPC call: each message's, or the one request/response value. */
function sideValues(c: Call, dir: 'c2s' | 's2c'): unknown[] {
  const ms = (c.messages ?? []).filter((m) => m.dir === dir && m.value !== undefined);
  if (ms.length) return ms.map((m) => m.value);
  const v = dir === 'c2s' ? c.request?.value : c.response?.value;
  return v === undefined ? [] : [v];
}

/**
 * A gRPC scenario: every call linked to its rpc (`PKG.Service.Method`, in the .proto under the folder
 * or the --proto root), every message decoded as protobuf's JSON mapping shows it (the client's log:
 * json_format.MessageToDict with proto field names), no warnings. `protoRoot` decodes with it as
 * `--proto` (the capture's folder then holds no .proto).
 */
async function grpcScenario(name: string, dir: string, pcap: string, log: RpcLine[], protoRoot?: string): Promise<void> {
  const defs = await loadDefinitions({ captureFile: protoRoot ? undefined : pcap, protoDirs: protoRoot ? [protoRoot] : [] });
  const calls: Call[] = [];
  await analyzeFile(pcap, { definitions: defs.definitions }, { call: (c) => calls.push(c) });
  calls.sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  const proto = (defs.definitions as Record<string, unknown>).proto as ProtoDefinitions | undefined;
  const linker = new Linker(linkConfig(dir), proto);
  const want: Array<{ rpc: string; req: unknown[]; res: unknown[]; status: string; details?: unknown }> = [];
  let cur: (typeof want)[number] | undefined;
  for (const l of log) {
    cur ??= { rpc: l.rpc, req: [], res: [], status: '' };
    if (l.dir === 'request') cur.req.push(l.json);
    else if (l.dir === 'response') cur.res.push(l.json);
    else {
      cur.status = l.status ?? '';
      cur.details = l.details;
      want.push(cur);
      cur = undefined;
    }
  }
  const problems: string[] = [...defs.warnings.map((w) => `definitions: ${w}`)];
  const grpc = calls.filter((c) => c.protocol === 'grpc');
  if (grpc.length !== want.length) problems.push(`${grpc.length} gRPC calls decoded, the client made ${want.length}`);
  let linked = 0;
  let messages = 0;
  let same = 0;
  for (let i = 0; i < Math.min(grpc.length, want.length); i++) {
    const c = grpc[i];
    const w = want[i];
    const what = `#${i + 1} ${w.rpc}`;
    const ref = c.definition ?? linker.link(c)?.ref;
    const rpcLine = ref ? (readFileSync(ref.file, 'utf8').split('\n')[ref.line - 1] ?? '') : '';
    if (ref && !rpcLine.slice(ref.column - 1).startsWith(`rpc ${w.rpc}(`)) problems.push(`${what}: the definition is at ${ref.file}:${ref.line}:${ref.column}, "${rpcLine.trim()}"`);
    if (ref?.name === `acme.rides.v1.RideService.${w.rpc}` && ref.file.endsWith('acme/rides/v1/rides.proto')) linked++;
    else problems.push(`${what}: linked to ${ref ? `${ref.name} (${ref.file}:${ref.line})` : 'nothing'}`);
    if (c.status?.text !== w.status) problems.push(`${what}: status ${c.status?.text}, the client saw ${w.status}`);
    const details = c.fields['grpc.status_details'];
    if (w.details !== undefined || details !== undefined) {
      messages++;
      const got = typeof details === 'string' ? JSON.parse(details) : details;
      if (isDeepStrictEqual(got, w.details)) same++;
      else problems.push(`${what}: status details decoded ${String(details)}\n       protobuf's JSON mapping: ${JSON.stringify(w.details)}`);
    }
    for (const [side, vals, got] of [['request', w.req, sideValues(c, 'c2s')], ['response', w.res, sideValues(c, 's2c')]] as const) {
      messages += vals.length;
      if (vals.length !== got.length) problems.push(`${what}: ${got.length} ${side} messages decoded, ${vals.length} sent`);
      for (let k = 0; k < Math.min(vals.length, got.length); k++) {
        if (isDeepStrictEqual(normalize(got[k]), normalize(vals[k]))) same++;
        else problems.push(`${what}: ${side} ${k + 1} decoded ${JSON.stringify(got[k])}\n       protobuf's JSON mapping: ${JSON.stringify(vals[k])}`);
      }
    }
    for (const x of c.warnings) problems.push(`${what}: warning ${x}`);
  }
  failed += problems.length;
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}: ${grpc.length} gRPC calls, ${linked} linked to their rpc, ${same} of ${messages} messages (and status details) as protobuf's JSON mapping shows them`);
  for (const p of problems) console.log(`     ${p}`);
}

/**
 * Where callscope's rendering and protobuf's JSON mapping may differ without either being wrong:
 * JSON numbers (a float32 printed as its double), nothing else.
 */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

async function scenario(name: string): Promise<void> {
  const dir = join(out, name);
  const pcap = join(dir, `${name}.pcap`);
  if (!existsSync(pcap)) {
    console.log(`skip ${name}: no ${pcap}`);
    return;
  }
  if (name.startsWith('grpc')) {
    const lines: RpcLine[] = readFileSync(join(dir, `${name}.log`), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const root = name === 'grpc-proto-flag' ? join(import.meta.dirname, 'protos') : undefined;
    return grpcScenario(name, dir, pcap, lines, root);
  }
  const log: LogLine[] = readFileSync(join(dir, `${name}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const { calls, proto } = await decode(pcap);
  const linker = new Linker(linkConfig(dir), proto);
  const http = calls.filter((c) => c.http);
  const problems: string[] = [];
  let linked = 0;
  let real = 0;
  let falseP = 0;
  let missing = 0;
  const ops = new Map<string, number>();
  if (http.length !== log.length) problems.push(`${http.length} HTTP calls decoded, the client made ${log.length}`);
  for (let i = 0; i < Math.min(http.length, log.length); i++) {
    const c = http[i];
    const want = log[i];
    const what = `#${i + 1} ${want.method} ${c.http?.uri}`;
    if (c.http?.method !== want.method || c.http?.status !== want.status) problems.push(`${what}: decoded ${c.http?.method} → ${c.http?.status}, the client saw ${want.method} → ${want.status}`);
    const link = linker.link(c);
    const opId = link?.ref.name.match(/\(([^)]+)\)$/)?.[1];
    if (link) {
      linked++;
      ops.set(link.ref.name, (ops.get(link.ref.name) ?? 0) + 1);
      // Go to Definition lands on the operation's method key (`get:`, `"get":`), in whichever file
      const line = readFileSync(link.ref.file, 'utf8').split('\n')[link.ref.line - 1] ?? '';
      const at = line.slice(link.ref.column - 1);
      if (!new RegExp(`^["']?${want.method.toLowerCase()}["']?\\s*:`).test(at)) problems.push(`${what}: the definition is at ${link.ref.file}:${link.ref.line}:${link.ref.column}, where "${at.slice(0, 30)}" is not the ${want.method.toLowerCase()} key`);
    }
    if (want.operationId === null) {
      if (link) problems.push(`${what}: linked to ${link.ref.name}, but the document has no such operation`);
    } else if (!link) problems.push(`${what}: not linked (want ${want.operationId})`);
    else if (opId !== want.operationId) problems.push(`${what}: linked to ${link.ref.name}, want ${want.operationId}`);
    const warnings = [...(link?.warnings ?? []), ...c.warnings.filter((w) => w.startsWith(SCHEMA)).map((w) => w.slice(SCHEMA.length))];
    const reqBody = c.http?.requestBody ?? c.request?.body;
    // (a body the checker reads: JSON, or a form — urlencoded, multipart/form-data)
    const jsonReq = (reqBody && /json/i.test(reqBody.contentType ?? '') && reqBody.kind === 'json') || isFormBody(reqBody);
    const expected = want.expect ?? [];
    for (const w of warnings) {
      const e = expected.find((x) => w.includes(x.has));
      if (e) real++;
      else if (DOCUMENT_SAYS[name]?.some((d) => d.re.test(w))) real++;
      else if (want.invalid && jsonReq && w.startsWith('request body')) real++;
      else if (want.invalid && PARAMS.test(want.invalid) && /^(query|path|header|cookie) parameter /.test(w)) real++;
      else {
        falseP++;
        problems.push(`${what}: false schema problem: ${w}`);
      }
    }
    for (const e of expected)
      if (!warnings.some((w) => w.includes(e.has))) {
        missing++;
        problems.push(`${what}: missing schema problem "${e.has}" (${e.why})`);
      }
    if (want.invalid && PARAMS.test(want.invalid) && !warnings.some((w) => /^(query|path|header|cookie) parameter /.test(w))) {
      missing++;
      problems.push(`${what}: a parameter breaks its schema (${want.invalid}); nothing reported`);
    }
    if (want.invalid && jsonReq && !warnings.some((w) => w.startsWith('request body'))) {
      missing++;
      problems.push(`${what}: the request body breaks the schema (${want.invalid}); nothing reported`);
    }
    if (process.env.VERBOSE) console.log(`  ${what} → ${c.http?.status} ${link?.ref.name ?? '(no link)'}${warnings.length ? `\n      ${warnings.join('\n      ')}` : ''}`);
  }
  failed += problems.length;
  console.log(
    `${problems.length ? 'FAIL' : 'ok  '} ${name}: ${http.length} calls, ${linked} linked to ${ops.size} operations, ${http.length - linked} not linked (${log.filter((l) => l.operationId === null).length} to paths the document lacks), schema problems ${real} real / ${falseP} false / ${missing} missing`,
  );
  for (const p of problems) console.log(`     ${p}`);
}

const all = readdirSync(out, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(out, e.name, `${e.name}.log`)))
  .map((e) => e.name)
  .sort();
void (async () => {
  for (const s of only.length ? only : all) await scenario(s);
  process.exit(failed ? 1 : 0);
})();
