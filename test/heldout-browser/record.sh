#!/usr/bin/env bash
# record.sh [OUT_DIR] [CLI.js]: record headless Chromium through the lab app into OUT_DIR
# (default /tmp/heldout-browser): browser.pcap (tcpdump on lo, ports 23201-23204), truth.jsonl
# (every response the servers wrote: web-lab.cjs on node:http, aio-lab.py on aiohttp,
# static-lab.py on python3 http.server), browser.jsonl (what Chromium saw), then decode with the
# CLI (jsonl, table, har) and run compare.cjs. Every server stops by itself (40 s); the browser
# run is bounded by cap.sh (120 s) and by browser.cjs itself (90 s).
set -u
H=$(cd "$(dirname "$0")" && pwd)
O=${1:-/tmp/heldout-browser}
CLI=${2:-$H/../../dist/cli.js}
PA=23201 PB=23202 PS=23203 PIO=23204
mkdir -p "$O" && cd "$O" || exit 1
rm -f truth.jsonl browser.jsonl browser.pcap

node "$H/web-lab.cjs" $PA $PB $PIO $PS 40 truth.jsonl > web-lab.log 2>&1 &
W=$!
/usr/bin/python3 "$H/aio-lab.py" $PIO 40 truth.jsonl > aio-lab.log 2>&1 &
AI=$!
/usr/bin/python3 "$H/static-lab.py" $PS 40 truth.jsonl > static-lab.log 2>&1 &
S=$!
for p in $PA $PB $PS $PIO; do
  for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
# (the probes above are before the capture starts)
bash "$H/../heldout/cap.sh" browser.pcap 'tcp portrange 23201-23204' \
  node "$H/browser.cjs" http://127.0.0.1:$PA http://127.0.0.1:$PB http://127.0.0.1:$PIO browser.jsonl
echo "browser exit $?"
for p in $W $AI $S; do kill "$p" 2>/dev/null; done
wait
node "$CLI" browser.pcap --format jsonl > browser.calls.jsonl 2> browser.warn
node "$CLI" browser.pcap --format table > browser.table 2>> browser.warn
node "$CLI" browser.pcap --format har > browser.har 2>> browser.warn
node "$H/compare.cjs" "$CLI" browser.pcap truth.jsonl browser.jsonl
