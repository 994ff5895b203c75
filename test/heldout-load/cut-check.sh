#!/usr/bin/env bash
# cut-check.sh CAPTURE...: each capture (its first FRAMES=6000 frames) decoded whole, cut by a snaplen
# (editcap -s 96 / 200) and with DROP=1 % of its frames dropped at random (seeded): a call of the cut
# capture must not pair its request with another request's response. A request is known by flow,
# start time, method, target and its rank among the requests of that flow that start at that time
# (wrk's pipelined requests share one segment; HTTP/2: and its stream id); its response by the time it starts.
# Prints per variant: calls, calls found in the whole capture, wrong pairs (V=1 lists them).
# SEED=13 picks the dropped frames (another seed drops others: 7 and 21 in the README's figures).
set -u
H=$(cd "$(dirname "$0")" && pwd); CLI=${CLI:-$H/../../dist/cli.js}
FRAMES=${FRAMES:-6000}; DROP=${DROP:-1}; SEED=${SEED:-13}
T=$(mktemp -d /tmp/cutcheck.XXXXXX)
cmp_js='
const fs = require("fs");
const load = (f) => { const seen = new Map(); const m = new Map();
  for (const l of fs.readFileSync(f, "utf8").split("\n")) { if (!l) continue; const c = JSON.parse(l);
    if (!c.method || c.method === "(reply)") continue;
    const k0 = `${c.flowId} ${c.fields?.["http2.streamid"] ?? ""} ${c.timing.startUs} ${c.method} ${c.target}`; const r = seen.get(k0) || 0; seen.set(k0, r + 1);
    m.set(`${k0} #${r}`, c); } return m; };
const whole = load(process.argv[1]), cut = load(process.argv[2]);
let found = 0, wrong = 0;
for (const [k, c] of cut) { const w = whole.get(k); if (!w) continue; found++;
  if (c.timing.responseStartUs === undefined || c.state !== "complete") continue;
  if (w.timing.responseStartUs !== c.timing.responseStartUs) { wrong++; if (process.env.V) console.log("  WRONG", k, c.status && c.status.code, "whole:", w.status && w.status.code); } }
console.log(`calls=${cut.size}/${whole.size} found=${found} wrong=${wrong}`);'
for f in "$@"; do
  b=$(basename "$f" .pcap)
  editcap -r "$f" $T/$b.pcap 1-$FRAMES
  node "$CLI" $T/$b.pcap --format jsonl > $T/$b.whole 2>/dev/null
  n=$(capinfos -c -M $T/$b.pcap | awk '/Number of packets/{print $NF}')
  drops=$(awk -v n="$n" -v p="$DROP" -v s="$SEED" 'BEGIN{srand(s); for(i=1;i<=n;i++) if(rand()*100<p) printf "%d ", i}')
  for v in s96 s200 drop; do
    case $v in s*) editcap -s ${v#s} $T/$b.pcap $T/$b.$v.pcap ;; drop) editcap $T/$b.pcap $T/$b.$v.pcap $drops ;; esac
    node "$CLI" $T/$b.$v.pcap --format jsonl > $T/$b.$v 2>/dev/null || echo "  rc=$? $b.$v"
    echo "$b $v $(node -e "$cmp_js" $T/$b.whole $T/$b.$v)"
  done
done
rm -rf $T
