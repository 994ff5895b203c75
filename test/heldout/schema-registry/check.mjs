// Every message the labs sent (their log's {sent} lines) must be in callscope's JSON Lines as a
// record decoded with its schema: same schema id, a schema-decoded kind (avro, json, protobuf), no
// warning on the record, and the values sent (numbers compared as text: int64 is a string in
// callscope's protobuf values; the Avro logical types by what they should read as).
// Usage: node check.mjs LAB.log CALLS.jsonl [consumer]  (consumer: check the deliveries instead)
import { readFileSync } from 'node:fs';

const [log, jsonl, mode] = process.argv.slice(2);
const sent = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((o) => o.sent);
const calls = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const kind = mode === 'consumer' ? 'deliver' : 'publish';
const records = [];
for (const c of calls) {
  if (c.protocol !== 'kafka' || c.kind !== kind) continue;
  for (const b of c.request?.value?.batches ?? [c.request?.value]) for (const r of b?.records ?? []) records.push({ topic: c.target, r, warnings: c.warnings });
}
// Avro logical types as callscope shows them (decimal scale 2, timestamp-millis, date, fixed as base64).
const avroShown = (v) => ({ ...v, price: decimal(v.price), placed: new Date(v.placed).toISOString(), day: new Date(v.day * 86400000).toISOString().slice(0, 10), ship: v.ship && { ...v.ship, zip: Buffer.from(v.ship.zip).toString('base64') } });
const decimal = (hex) => {
  let n = BigInt(`0x${hex}`);
  if (Number.parseInt(hex[0], 16) >= 8) n -= 1n << BigInt(hex.length * 4);
  const s = (n < 0n ? -n : n).toString().padStart(3, '0');
  return `${n < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
};
const norm = (v) => (v === null || typeof v !== 'object' ? (typeof v === 'number' ? String(v) : v) : Array.isArray(v) ? v.map(norm) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), norm(x)])));
// Protobuf enums: callscope shows the name, the lab sent the number.
const ENUMS = { carrier: ['POST', 'DHL', 'UPS'] };
const contains = (got, want, path = '') => {
  if (want === null || typeof want !== 'object') {
    if (path.endsWith('.carrier') && typeof want === 'string') return got === ENUMS.carrier[Number(want)] || got === want ? [] : [`${path}: ${got} ≠ ${want}`];
    return got === want ? [] : [`${path}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`];
  }
  if (Array.isArray(want) && want.length === 0 && got === undefined) return []; // proto3 leaves empty repeated fields out
  if (!got || typeof got !== 'object') return [`${path}: missing`];
  return Object.entries(want).flatMap(([k, v]) => (v === null || (v === '0' && got[k] === undefined) || (v === false && got[k] === undefined) ? [] : contains(got[k], v, `${path}.${k}`)));
};
let bad = 0;
const used = new Set();
// A consumer reads only some topics: check the messages of those.
const topics = new Set(records.map((x) => x.topic));
const checked = kind === 'deliver' ? sent.filter((s) => topics.has(s.sent)) : sent;
// (A consumer's topics are those of the deliveries found: none found would check nothing.)
if (!checked.length) {
  console.log(`no ${kind === 'deliver' ? 'delivery' : 'message'} of the lab's topics in ${jsonl}`);
  process.exit(1);
}
for (const s of checked) {
  const want = norm(s.sent === 'orders' ? avroShown(s.value) : s.value);
  const cands = records.filter((x, i) => !used.has(i) && x.topic === s.sent && x.r.value_schema?.id === s.schemaId);
  let ok;
  for (const x of cands) {
    const errs = contains(norm(x.r.value?.value), want);
    const recordWarnings = x.warnings.filter((w) => /^record \d+ (key|value)/.test(w));
    // An Avro key (kafkajs orders): framed too, shown as its JSON text.
    if (s.keyHex && !(x.r.key_schema?.format === 'avro' && JSON.parse(x.r.key).id === s.value.id)) errs.push(`key ${x.r.key}`);
    if (!errs.length && ['avro', 'json', 'protobuf'].includes(x.r.value.kind) && !recordWarnings.length) {
      ok = x;
      used.add(records.indexOf(x));
      break;
    }
  }
  if (!ok) {
    bad++;
    const near = cands[0];
    console.log(`✗ ${s.sent} schema ${s.schemaId}: ${near ? contains(norm(near.r.value?.value), want).join('; ') || `kind ${near.r.value?.kind}, warnings ${near.warnings}` : 'no record with that schema id'}`);
  } else console.log(`✓ ${s.sent} schema ${s.schemaId} (${ok.r.value.kind}${ok.r.value_schema.message_type ? ` ${ok.r.value_schema.message_type}` : ''})`);
}
console.log(`${checked.length - bad} of ${checked.length} ${kind === 'deliver' ? 'delivered' : 'sent'} messages decoded with their schema`);
process.exit(bad ? 1 : 0);
