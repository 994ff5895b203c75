// count.cjs < callscope jsonl: calls by protocol / method / (HTTP) target / state / status, warnings
// (distinct texts, digits folded, counted), calls without a response, and for Redis the replies whose
// type does not fit the command redis-benchmark sent (a pairing shifted by one would show here).
const rl = require('node:readline').createInterface({ input: process.stdin });
const byKey = new Map(); const warn = new Map(); const bad = new Map(); let total = 0; let unpaired = 0;
const inc = (m, k) => m.set(k, (m.get(k) || 0) + 1);
const isInt = (v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v));
function redisFits(c) {
  const v = c.response?.value; const a = c.request?.value || [];
  switch (c.method) {
    case 'PING': return v === 'PONG';
    case 'SET': case 'MSET': return v === 'OK';
    case 'INCR': case 'LPUSH': case 'RPUSH': case 'SADD': case 'HSET': case 'ZADD': return isInt(v);
    case 'LRANGE': return Array.isArray(v) && v.length === Number(a[2]) + 1;
    case 'ZPOPMIN': return Array.isArray(v);
    case 'GET': case 'LPOP': case 'RPOP': case 'SPOP': return v === null || typeof v === 'string' || typeof v === 'object';
    default: return true;
  }
}
rl.on('line', (line) => {
  if (!line.trim()) return;
  const c = JSON.parse(line); total++;
  const st = c.status ? c.status.code : '-';
  const t = c.protocol.startsWith('http') ? ` ${c.target}` : '';
  inc(byKey, `${c.protocol} ${c.method}${t} ${c.state} ${st}`);
  if (!c.response && c.protocol !== 'tls') unpaired++;
  if (c.protocol === 'redis' && c.response && !redisFits(c)) inc(bad, `${c.method} ${JSON.stringify(c.request?.value).slice(0, 60)} -> ${JSON.stringify(c.response.value).slice(0, 60)}`);
  for (const w of c.warnings || []) inc(warn, w.replace(/\d+/g, 'N').slice(0, 160));
});
rl.on('close', () => {
  console.log(`calls ${total}  without response ${unpaired}`);
  for (const [k, v] of [...byKey].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(7)}  ${k}`);
  for (const [k, v] of [...warn].sort((a, b) => b[1] - a[1])) console.log(`  warning x${v}: ${k}`);
  let nb = 0; for (const v of bad.values()) nb += v;
  if (bad.size) { console.log(`  reply not fitting its command: ${nb}`); for (const [k, v] of [...bad].slice(0, 5)) console.log(`    x${v} ${k}`); }
});
