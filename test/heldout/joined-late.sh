#!/usr/bin/env bash
# joined-late.sh CAPTURE…: each capture with its first 30 % of packets dropped (every connection open
# then is joined late: no SYN, no handshake), decoded by the working tree's CLI; each connection's
# protocols (by its two endpoints) compared with the whole capture's. A connection decoded as another
# protocol than in the whole capture is a misdetection (MISMATCH). Expected ones: a body-level
# protocol told by its request (XML-RPC, GraphQL, Thrift or Twirp over HTTP) whose request was cut
# off shows as plain http; a gRPC stream whose HEADERS were cut off as http2.
# `raw N`: connections of the cut capture left undecoded that carried data.
# OUT (default /tmp/joined-late) keeps the cut captures and both JSONL outputs.
set -u
CLI=${CLI:-$(cd "$(dirname "$0")/../.." && pwd)/dist/cli.js}
OUT=${OUT:-/tmp/joined-late}; mkdir -p "$OUT"
for f in "$@"; do
  n=$(capinfos -c -M "$f" 2>/dev/null | awk '/Number of packets/{print $NF}')
  if [ -z "$n" ] || [ "$n" -lt 20 ]; then continue; fi
  k=$((n * 3 / 10))
  b=$(basename "$f")
  editcap -r "$f" "$OUT/$b.cut.pcap" $((k + 1))-"$n" >/dev/null 2>&1 || continue
  node "$CLI" "$f" --format jsonl --jobs 1 2>/dev/null > "$OUT/$b.whole"
  node "$CLI" "$OUT/$b.cut.pcap" --format jsonl --jobs 1 2>/dev/null > "$OUT/$b.cut"
  # connections left undecoded that carried data (the table lists them with their byte counts)
  raw=$(node "$CLI" "$OUT/$b.cut.pcap" --jobs 1 2>/dev/null | grep -c '^  tcp .* B → ')
  node -e '
const fs = require("fs");
const key = (c) => [`${c.client.ip}:${c.client.port}`, `${c.server.ip}:${c.server.port}`].sort().join(" ");
const load = (f) => { const m = new Map();
  for (const l of fs.readFileSync(f, "utf8").split("\n")) { if (!l) continue; const c = JSON.parse(l); const k = key(c);
    if (!m.has(k)) m.set(k, new Set()); m.get(k).add(c.protocol); }
  return m; };
const whole = load(process.argv[1]), cut = load(process.argv[2]);
const bad = [];
for (const [k, ps] of cut) { const w = whole.get(k) ?? new Set(); for (const p of ps) if (!w.has(p)) bad.push(`${k} ${p} (whole: ${[...w]})`); }
console.log(process.argv[3], "connections", cut.size, "of", whole.size, "raw", process.argv[4], bad.length ? `MISMATCH ${bad.slice(0, 3).join("; ")}` : "");
' "$OUT/$b.whole" "$OUT/$b.cut" "$b" "$raw"
done
