#!/usr/bin/env bash
# compare-cut.sh CLI.js CAPTURE...: decode each capture whole and cut by editcap -s 96/128/200 and
# with single packets dropped (editcap FILE OUT N, every 7th frame), and compare the calls of each
# flow: a cut capture may lose details (incomplete calls) but must not pair a response with the
# wrong request. Prints per variant: calls, calls paired differently from the whole capture.
CLI=$1; shift
T=$(mktemp -d /tmp/heldout-http/cut.XXXXXX)
cmp_js='
const fs = require("fs");
const load = (f) => fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse).filter((c) => c.protocol === "http" || c.http);
const key = (c) => `${c.flowId} ${c.method} ${c.target}`;
const whole = load(process.argv[1]), cut = load(process.argv[2]);
// the status of each request in the whole capture, by flow and request start time
const byStart = new Map(whole.map((c) => [`${c.flowId} ${c.timing.startUs}`, c]));
let wrong = 0, paired = 0, orphan = 0;
for (const c of cut) {
  if (!c.http || c.http.status === undefined) continue;
  if (!c.http.method) { orphan++; continue; }
  const w = byStart.get(`${c.flowId} ${c.timing.startUs}`);
  if (!w) continue;
  paired++;
  if (w.http.status !== c.http.status || w.timing.responseStartUs !== c.timing.responseStartUs) { wrong++; if (process.env.V) console.log("  WRONG", key(c), c.http.status, "whole:", w.http.status); }
}
console.log(`calls=${cut.length}/${whole.length} paired=${paired} orphans=${orphan} wrong=${wrong}`);
'
for f in "$@"; do
  b=$(basename "$f" .pcap)
  node "$CLI" "$f" --format jsonl > $T/$b.whole 2>/dev/null
  n=$(capinfos -c -M "$f" 2>/dev/null | awk '/Number of packets/{print $NF}')
  variants="s96 s128 s200"
  for k in 5 12 19 26 33 40 47 54; do [ $k -le "${n:-0}" ] && variants="$variants d$k"; done
  for v in $variants; do
    case $v in s*) editcap -s ${v#s} "$f" $T/$b.$v.pcap ;; d*) editcap "$f" $T/$b.$v.pcap ${v#d} ;; esac
    node "$CLI" $T/$b.$v.pcap --format jsonl > $T/$b.$v 2>/dev/null || echo "  rc=$? $b.$v"
    echo "$b $v $(node -e "$cmp_js" $T/$b.whole $T/$b.$v)"
  done
done
rm -rf $T
