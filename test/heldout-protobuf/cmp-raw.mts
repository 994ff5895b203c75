// Differential comparison: callscope's raw decoding (decodeRaw) vs `protoc --decode_raw`.
// Inputs: the schema campaign's messages (cases.jsonl), random wire-format messages, gRPC payloads
// taken from captures (payloads.txt: "<source> <hex>" per line). Usage: node --import tsx cmp-raw.mts [dir]
import { readFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
const REPO = process.env.REPO ?? new URL('../..', import.meta.url).pathname;
const { decodeRaw } = await import(join(REPO, 'decoders/protobuf/decode.ts'));
const { DEFAULT_LIMITS } = await import(join(REPO, 'decoders/core/env.ts'));
const { decodeProtobuf, resolverFor } = await import(join(REPO, 'decoders/protobuf/decode.ts'));
const { buildProtoDefinitions } = await import(join(REPO, 'decoders/protobuf/definitions.ts'));
const hostileReport: string[] = [];
const dir = process.argv[2] ?? '/tmp/pbdiff';
const resolve = resolverFor(
  buildProtoDefinitions(['p3.proto', 'p2.proto'].filter((f) => existsSync(join(dir, f))).map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8'), root: dir }))).root,
);
const MAX = Number(process.env.MAX ?? 1500);

// ---- inputs
let seed = Number(process.env.SEED ?? 7);
const rnd = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const ri = (n: number) => Math.floor(rnd() * n);
function varint(v: bigint, pad = 0): number[] {
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v || pad) b |= 0x80;
    out.push(b);
  } while (v);
  for (let i = 0; i < pad && out.length < 10; i++) out.push(i === pad - 1 || out.length === 9 ? 0 : 0x80);
  return out;
}
const tag = (f: number, wt: number) => varint(BigInt(f) * 8n + BigInt(wt));
function fieldNo(): number {
  const k = ri(10);
  return k < 7 ? 1 + ri(15) : k < 9 ? 16 + ri(2032) : 1 + ri(536870911);
}
const ASCII = ' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\t\n';
function text(): number[] {
  const k = ri(4);
  const s = Array.from({ length: ri(40) }, () => (k === 0 ? ASCII[ri(ASCII.length)] : ['é', '中', '😀', 'a', ' ', '\u2028', '\ufeff'][ri(7)])).join('');
  return [...Buffer.from(k === 2 ? '\n' + s : s)];
}
function message(depth: number): number[] {
  const out: number[] = [];
  for (let n = ri(7); n > 0; n--) {
    const f = fieldNo();
    const k = ri(depth < 4 ? 10 : 7);
    if (k === 0 || k === 1) {
      const bits = [7, 14, 21, 32, 35, 49, 53, 56, 63, 64][ri(10)];
      const v = BigInt.asUintN(64, BigInt(Math.floor(rnd() * 2 ** 31)) * BigInt(Math.floor(rnd() * 2 ** 31)) * BigInt(1 + ri(8))) & ((1n << BigInt(bits)) - 1n);
      out.push(...tag(f, 0), ...varint(v, ri(8) === 0 ? 1 + ri(3) : 0));
    } else if (k === 2) {
      const b = Buffer.alloc(4);
      if (ri(2)) b.writeFloatLE([0.5, -3.25, 1e-3, 123456, 1e30, 0, -0, NaN, Infinity, 1e-40][ri(10)]);
      else b.writeUInt32LE(Math.floor(rnd() * 2 ** 32));
      out.push(...tag(f, 5), ...b);
    } else if (k === 3) {
      const b = Buffer.alloc(8);
      if (ri(2)) b.writeDoubleLE([0.5, -3.25, 1e-3, 123456789, 1e300, 0, -0, NaN, -Infinity, 5e-324, 1e15, 1e-6][ri(12)]);
      else b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(Math.floor(rnd() * 2 ** 32)) << BigInt(ri(33))));
      out.push(...tag(f, 1), ...b);
    } else if (k === 4 || k === 5) {
      const body = ri(3) === 0 ? Array.from({ length: ri(20) }, () => ri(256)) : text();
      out.push(...tag(f, 2), ...varint(BigInt(body.length)), ...body);
    } else if (k === 6) {
      out.push(...tag(f, 2), 0);
    } else if (k <= 8) {
      const body = message(depth + 1);
      out.push(...tag(f, 2), ...varint(BigInt(body.length)), ...body);
    } else out.push(...tag(f, 3), ...message(depth + 1), ...tag(f, 4));
  }
  return out;
}
type Input = { source: string; hex: string };
const inputs: Input[] = [];
const seen = new Set<string>();
const push = (source: string, hex: string) => {
  if (!seen.has(hex)) seen.add(hex), inputs.push({ source, hex });
};
if (existsSync(join(dir, 'cases.jsonl')))
  for (const line of readFileSync(join(dir, 'cases.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, MAX)) push('schema', JSON.parse(line).hex);
for (let i = 0; i < MAX; i++) push('random-wire', Buffer.from(message(0)).toString('hex'));
if (existsSync(join(dir, 'payloads.txt'))) {
  const per = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'payloads.txt'), 'utf8').split('\n').filter(Boolean)) {
    const [src, hex] = line.split(' ');
    if ((per.get(src) ?? 0) >= MAX || seen.has(hex)) continue;
    per.set(src, (per.get(src) ?? 0) + 1);
    push(`capture:${src}`, hex);
  }
}

// hostile inputs: crafted (encoding guide: varints, tags, lengths, groups) and random mutations
const HOSTILE: Record<string, string> = {
  'truncated varint': '0880',
  'truncated varint at the end of a tag': '80',
  '10-byte varint, bits past 64 in its last byte': '08ffffffffffffffffff7f',
  '10-byte varint, last byte 01': '08ffffffffffffffffff01',
  '11-byte varint': '08ffffffffffffffffffff01',
  'overlong varint 0 (10 bytes)': '0880808080808080808000',
  'length past the end': '0a05616263',
  'length 2^32-1': '0affffffff0f',
  'length varint of 10 bytes': '0affffffffffffffffff01',
  'group without end': '0b0801',
  'end group without start': '0c',
  'group end of another field': '0b08011408',
  'group end tag of field 16 (2-byte tag)': '83010801840108',
  'nested groups, each closed by its own end tag': '0b13080114' + '0c',
  'nested groups, closed in the wrong order': '0b1308010c14',
  'field number 0 (varint)': '0001',
  'field number 0 (len)': '020161',
  'field number 2^29 (tag 2^32)': '80808080100108',
  'field number 2^29-1': 'f8ffffff0f01',
  'tag wider than 32 bits': '8880808080010108',
  'wire type 6': '0e01',
  'wire type 7': '0f01',
  'fixed64 cut': '0901020304',
  'fixed32 cut': '0d0102',
  'deep LEN nesting x100': (() => {
    let h = '0800';
    for (let i = 0; i < 100; i++) h = '0a' + Buffer.from(varint(BigInt(h.length / 2))).toString('hex') + h;
    return h;
  })(),
  'deep LEN nesting x3000': (() => {
    let b: number[] = [8, 0];
    for (let i = 0; i < 3000; i++) b = [0x0a, ...varint(BigInt(b.length)), ...b];
    return Buffer.from(b).toString('hex');
  })(),
  'deep groups x50': '0b'.repeat(50) + '0c'.repeat(50),
  'deep groups x100000 unclosed': '0b'.repeat(100000),
  'deep groups x5000': '0b'.repeat(5000) + '0c'.repeat(5000),
  '1 MB of 0x80': '80'.repeat(1 << 20),
  '200000 empty fields': '0a00'.repeat(200000),
};
for (const [name, hex] of Object.entries(HOSTILE)) push(`hostile:${name}`, hex);
const mutants: Input[] = [];
for (const inp of inputs.filter((x) => x.source === 'random-wire' || x.source === 'schema').slice(0, MAX)) {
  const b = Buffer.from(inp.hex, 'hex');
  if (b.length < 2) continue;
  const k = ri(3);
  const m = k === 0 ? b.subarray(0, ri(b.length)) : Buffer.from(b);
  if (k === 1) m[ri(m.length)] = ri(256);
  const out = k === 2 ? Buffer.concat([b.subarray(0, ri(b.length)), Buffer.from([ri(256)]), b.subarray(ri(b.length))]) : m;
  mutants.push({ source: `mutated-${inp.source}`, hex: out.toString('hex') });
}
for (const m of mutants) push(m.source, m.hex);

if (process.env.ONLY) inputs.splice(0, inputs.length, inputs[Number(process.env.ONLY)]); // (one input, to look into it)
if (process.env.DUMP) {
  // print one input (its index in the report's `source#index`) and stop
  console.log(inputs[Number(process.env.DUMP)].hex);
  process.exit(0);
}

// ---- protoc
function protoc(bytes: Buffer): Promise<{ ok: boolean; out: string }> {
  return new Promise((res) => {
    const p = spawn('protoc', ['--decode_raw']);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', () => {});
    p.on('close', (code) => res({ ok: code === 0, out }));
    p.stdin.on('error', () => {}); // (protoc may stop reading a malformed input early)
    p.stdin.end(bytes);
  });
}
type Node = { field: number; kind: 'varint' | 'f32' | 'f64' | 'str' | 'msg'; v?: bigint; bytes?: Buffer; kids?: Node[]; text?: string };
function cUnescape(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c));
      continue;
    }
    const d = s[++i];
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92 };
    if (d in simple) out.push(simple[d]);
    else {
      let j = i, o = '';
      while (j < s.length && o.length < 3 && /[0-7]/.test(s[j])) o += s[j++];
      out.push(parseInt(o, 8));
      i = j - 1;
    }
  }
  return Buffer.from(out);
}
function parseText(text: string): Node[] {
  const lines = text.split('\n');
  let i = 0;
  const block = (): Node[] => {
    const nodes: Node[] = [];
    while (i < lines.length) {
      const line = lines[i++].trim();
      if (!line) continue;
      if (line === '}') return nodes;
      let m = /^(\d+) \{$/.exec(line);
      if (m) {
        const start = i;
        const kids = block();
        nodes.push({ field: +m[1], kind: 'msg', kids, text: lines.slice(start, i - 1).map((l) => l.trim()).join('\n') });
        continue;
      }
      m = /^(\d+): (.*)$/.exec(line);
      if (!m) throw new Error('unparsed protoc line: ' + line);
      const v = m[2];
      if (v.startsWith('"')) nodes.push({ field: +m[1], kind: 'str', bytes: cUnescape(v.slice(1, -1)) });
      else if (/^0x[0-9a-f]{8}$/.test(v)) nodes.push({ field: +m[1], kind: 'f32', v: BigInt(v) });
      else if (/^0x[0-9a-f]{16}$/.test(v)) nodes.push({ field: +m[1], kind: 'f64', v: BigInt(v) });
      else nodes.push({ field: +m[1], kind: 'varint', v: BigInt(v) });
    }
    return nodes;
  };
  return block();
}

// ---- comparison
const counts = new Map<string, number>();
const examples = new Map<string, string>();
const count = (k: string, ex?: string) => {
  counts.set(k, (counts.get(k) ?? 0) + 1);
  if (ex && !examples.has(k)) examples.set(k, ex);
};
const recheck: Array<{ id: number; bytes: Buffer; text: string; key: string; ex: string }> = [];
let recheckId = 0;
function compare(nodes: Node[], got: unknown, where: string): void {
  if (typeof got !== 'object' || got === null || Array.isArray(got)) return count('DISAGREE shape: not a message', where);
  const g = got as Record<string, unknown>;
  const byField = new Map<number, Node[]>();
  for (const n of nodes) {
    const list = byField.get(n.field);
    if (list) list.push(n);
    else byField.set(n.field, [n]);
  }
  for (const k of Object.keys(g)) if (!byField.has(+k)) count('DISAGREE field only in callscope', `${where} field ${k}`);
  for (const [f, ns] of byField) {
    const v = g[String(f)];
    if (v === undefined) {
      count('DISAGREE field lost', `${where} field ${f}`);
      continue;
    }
    const vals = ns.length > 1 ? (Array.isArray(v) ? v : [v]) : [v];
    if (vals.length !== ns.length) {
      count('DISAGREE repeat count', `${where} field ${f}: protoc ${ns.length}, callscope ${vals.length}`);
      continue;
    }
    ns.forEach((n, i) => one(n, vals[i], `${where}.${f}`));
  }
}
function one(n: Node, got: unknown, where: string): void {
  const ex = `${where}: protoc ${n.kind} ${n.v ?? n.bytes?.toString('hex') ?? n.text?.replace(/\n/g, ' ').slice(0, 80)} callscope ${JSON.stringify(got)?.slice(0, 80)}`;
  if (n.kind === 'varint') {
    if ((typeof got === 'number' || typeof got === 'string') && /^\d+$/.test(String(got)) && BigInt(got) === n.v) return count('agree varint');
    return count('DISAGREE varint value', ex);
  }
  if (n.kind === 'f32') {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(Number(n.v));
    if (got === Number(n.v)) return count('agree fixed32 (shown as integer)');
    if (typeof got === 'number' && Object.is(Math.fround(got), b.readFloatLE())) return count('agree fixed32 (shown as float)');
    return count('DISAGREE fixed32 value', ex);
  }
  if (n.kind === 'f64') {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n.v!);
    if (got === n.v!.toString()) return count('agree fixed64 (shown as integer)');
    if (typeof got === 'number' && Object.is(got, b.readDoubleLE())) return count('agree fixed64 (shown as double)');
    return count('DISAGREE fixed64 value', ex);
  }
  if (n.kind === 'str') {
    if (typeof got === 'string') {
      if (Buffer.from(got).equals(n.bytes!)) return count(n.bytes!.length ? 'agree bytes (text)' : 'agree empty');
      if (Buffer.from(got, 'base64').equals(n.bytes!) && Buffer.from(n.bytes!).toString('base64') === got) return count('agree bytes (base64)');
      return count('DISAGREE bytes value', ex);
    }
    // protoc prints embedded unknown-field messages 10 levels deep at most (text_format.cc's recursion budget)
    if (where.split('.').length - 1 > 10) return count('heuristic: callscope nested past protoc\'s 10 levels of embedded unknown fields');
    return count('DISAGREE callscope nested, protoc bytes', ex);
  }
  // protoc: a nested message or a group
  if (typeof got === 'object' && got !== null && !Array.isArray(got)) {
    count('agree nested (message or group)');
    return compare(n.kids!, got, where);
  }
  if (typeof got === 'string') {
    // callscope's heuristic kept these bytes as text (or base64): they must be the same bytes protoc read as a message
    // (a value is text or base64: both readings are checked, one must give protoc's message)
    const id = recheckId++;
    recheck.push({ id, bytes: Buffer.from(got), text: n.text!, key: 'heuristic: protoc message, callscope text', ex });
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(got)) recheck.push({ id, bytes: Buffer.from(got, 'base64'), text: n.text!, key: 'heuristic: protoc message, callscope base64', ex });
    return;
  }
  count('DISAGREE protoc message, callscope other', ex);
}

const t0 = Date.now();
let exceptions = 0, slow = 0, protocFailed = 0;
const sources = new Map<string, number>();
let next = 0;
async function worker() {
  while (next < inputs.length) {
    const inp = inputs[next++];
    sources.set(inp.source, (sources.get(inp.source) ?? 0) + 1);
    const bytes = Buffer.from(inp.hex, 'hex');
    if (process.env.TRACE) process.stderr.write(`${inputs.indexOf(inp)} ${inp.source}\n`);
    const ref = await protoc(bytes);
    if (process.env.TRACE) process.stderr.write(`decode ${inputs.indexOf(inp)}\n`);
    let res: { value: unknown; warnings: string[] };
    const t = performance.now();
    try {
      res = decodeRaw(new Uint8Array(bytes), DEFAULT_LIMITS);
    } catch (e) {
      exceptions++;
      console.log('EXCEPTION', inp.source, inp.hex.slice(0, 80), (e as Error).message);
      continue;
    }
    try {
      const t2 = performance.now();
      const sres = decodeProtobuf(new Uint8Array(bytes), 'p3.Top', resolve, DEFAULT_LIMITS);
      if (performance.now() - t2 > 1000) slow++;
      if (!ref.ok && !sres.warnings.length) count('DISAGREE schema decoding (p3.Top) silent on input protoc rejects', inp.source);
    } catch (e) {
      exceptions++;
      console.log('EXCEPTION (schema)', inp.source, (e as Error).message);
    }
    if (inp.source.startsWith('hostile:')) hostileReport.push(`${inp.source.slice(8)}: protoc ${ref.ok ? 'accepts' : 'rejects'}; callscope ${JSON.stringify(res.value).slice(0, 60)} ${JSON.stringify(res.warnings.slice(0, 2))} ${(performance.now() - t).toFixed(0)} ms`);
    if (performance.now() - t > 1000) slow++;
    if (!ref.ok) {
      protocFailed++;
      count(res.warnings.length ? `protoc rejects, callscope warns (${inp.source.split(':')[0]})` : `DISAGREE protoc rejects, callscope silent (${inp.source.split(':')[0]})`, inp.hex.slice(0, 120));
      continue;
    }
    const wide = res.warnings.map((w) => /invalid field number (\d+)/.exec(w)).find((m) => m && Number(m[1]) * 8 >= 2 ** 32);
    if (wide) {
      // protoc's ReadTag keeps the low 32 bits of a wider tag varint; such a tag names no valid field number
      count('quirk: protoc reads a tag wider than 32 bits by its low 32 bits; callscope stops there with a warning', `${inp.source} ${res.warnings[0]}`);
      continue;
    }
    if (res.warnings.length) count('DISAGREE callscope warns on input protoc accepts', `${inp.source} ${res.warnings[0]} ${inp.hex.slice(0, 80)}`);
    if (process.env.TRACE) process.stderr.write(`compare ${inputs.indexOf(inp)}\n`);
    compare(parseText(ref.out), res.value, `${inp.source}#${inputs.indexOf(inp)}`);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
// the nesting-heuristic differences: do callscope's bytes decode_raw to protoc's nested message?
const matched = new Map<number, string>();
for (const r of recheck) {
  const ref = await protoc(r.bytes);
  if (ref.ok && ref.out.split('\n').map((l) => l.trim()).filter(Boolean).join('\n') === r.text.split('\n').filter(Boolean).join('\n')) matched.set(r.id, r.key);
}
for (const key of matched.values()) count(`${key}, same bytes`);
/** Does a tag varint of these bytes (at the top level) exceed 32 bits? protoc's ReadTag keeps the low 32 bits of such a tag. */
function wideTag(b: Buffer): boolean {
  let i = 0;
  const rv = (): bigint | undefined => {
    let v = 0n;
    for (let k = 0; k < 10 && i < b.length; k++) {
      const c = b[i++];
      v |= BigInt(c & 0x7f) << BigInt(7 * k);
      if (!(c & 0x80)) return v;
    }
    return undefined;
  };
  while (i < b.length) {
    const t = rv();
    if (t === undefined) return false;
    if (t > 0xffffffffn) return true;
    const wt = Number(t & 7n);
    if (wt === 0 && rv() === undefined) return false;
    if (wt === 1) i += 8;
    if (wt === 5) i += 4;
    if (wt === 2) {
      const n = rv();
      if (n === undefined) return false;
      i += Number(n);
    }
  }
  return false;
}
const unmatched = new Set<number>();
for (const r of recheck)
  if (!matched.has(r.id) && !unmatched.has(r.id) && (r.key.endsWith('base64') || !recheck.some((o) => o.id === r.id && o !== r))) {
    unmatched.add(r.id);
    count(wideTag(r.bytes) ? 'heuristic: protoc message only by truncating a tag wider than 32 bits, callscope bytes' : 'DISAGREE heuristic: callscope text/base64 is not the bytes protoc nested', r.ex);
  }
console.log(`inputs ${inputs.length} (${[...sources].map(([k, v]) => `${k} ${v}`).join(', ')}); protoc rejected ${protocFailed}; exceptions ${exceptions}; slower than 1 s ${slow}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`nesting heuristic differences ${recheckId}, with protoc's bytes ${matched.size}`);
console.log('-- hostile inputs\n' + hostileReport.sort().join('\n'));
for (const [k, v] of [...counts].sort()) console.log(String(v).padStart(7), k, examples.has(k) ? ' e.g. ' + examples.get(k) : '');
