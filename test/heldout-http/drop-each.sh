#!/usr/bin/env bash
# drop-each.sh CLI.js CAPTURE [FIRST LAST]: drop each frame of CAPTURE in turn (editcap FILE OUT N)
# and compare the HTTP calls with the whole capture's, as compare-cut.sh does (a request is known by
# its flow, start time, method and target: pipelined requests share a start time). Prints only the
# frames whose loss pairs a response with the wrong request (wrong > 0), with the calls concerned.
CLI=$1; F=$2
N=$(capinfos -c -M "$F" 2>/dev/null | awk '/Number of packets/{print $NF}')
FIRST=${3:-1}; LAST=${4:-$N}
T=$(mktemp -d /tmp/heldout-http2/drop.XXXXXX)
cmp_js='
const fs = require("fs");
const load = (f) => fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse).filter((c) => c.protocol === "http" || c.http);
const key = (c) => `${c.flowId} ${c.timing.startUs} ${c.http?.method ?? c.method} ${c.http?.uri ?? c.target}`;
const whole = new Map(load(process.argv[1]).map((c) => [key(c), c]));
let wrong = 0;
for (const c of load(process.argv[2])) {
  if (!c.http || c.http.status === undefined || !c.http.method) continue;
  const w = whole.get(key(c));
  if (!w) continue;
  if (w.http.status !== c.http.status || w.timing.responseStartUs !== c.timing.responseStartUs) { wrong++; console.log(`  ${key(c)}: status ${c.http.status} at ${c.timing.responseStartUs}, whole: ${w.http.status} at ${w.timing.responseStartUs}`); }
}
process.exitCode = wrong ? 1 : 0;
'
node "$CLI" "$F" --format jsonl > $T/whole 2>/dev/null
bad=0
for k in $(seq "$FIRST" "$LAST"); do
  editcap "$F" $T/cut.pcap $k
  node "$CLI" $T/cut.pcap --format jsonl > $T/cut 2>/dev/null
  if ! out=$(node -e "$cmp_js" $T/whole $T/cut); then echo "$(basename "$F") drop $k:"; echo "$out"; bad=$((bad+1)); fi
done
echo "$(basename "$F"): frames $FIRST-$LAST dropped one at a time, $bad with a wrong pairing"
rm -rf $T
