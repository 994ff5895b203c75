#!/usr/bin/env bash
# round2.sh [CLI.js]: record the second held-out round into /tmp/heldout-http2 (nginx.pcap,
# go.pcap, node.pcap, node2.pcap, aiohttp.pcap), decode each with the CLI, and compare: with
# tshark's pairing (compare-tshark.cjs), cut by snaplens and single dropped frames
# (compare-cut.sh), and, with DROP_EACH=1, every frame dropped in turn (drop-each.sh, slow).
# Loopback only, ports 24010-24012, 24100, 24110, 24200, 24300; every server stops by itself.
set -u
H=$(cd "$(dirname "$0")" && pwd)
CLI=${1:-$H/../../dist/cli.js}
O=/tmp/heldout-http2
mkdir -p $O /tmp/heldout-http && cd $O || exit 1

echo "== nginx 1.22 (+ node:http and aiohttp upstreams)"
bash "$H/nginx.sh" nginx.pcap > nginx.log 2>&1; tail -3 nginx.log

echo "== Node 20: undici fetch and node:http against node:http"
node "$H/node-lab.cjs" server 24100 15 > node-server.log 2>&1 &
sleep 0.5
bash "$H/cap.sh" node.pcap 'tcp port 24100' node "$H/node-lab.cjs" fetch http://127.0.0.1:24100 > node-fetch.log
node "$H/node-lab.cjs" server 24110 15 > node2-server.log 2>&1 &
sleep 0.5
bash "$H/cap.sh" node2.pcap 'tcp port 24110' node "$H/node-lab.cjs" http http://127.0.0.1:24110 > node-http.log
wait

echo "== Go 1.19 net/http (standard library only)"
export GOFLAGS=-mod=mod GOPROXY=off GO111MODULE=on GOCACHE=$O/gocache GOPATH=$O/gopath
(cd "$H/go-lab" && go build -o $O/golab .) || exit 1
./golab server 24200 12 > go-server.log 2>&1 &
sleep 0.5
bash "$H/cap.sh" go.pcap 'tcp port 24200' ./golab client http://127.0.0.1:24200 > go-client.log
wait

echo "== aiohttp 3.8 server and client"
bash "$H/cap.sh" aiohttp.pcap 'tcp port 24300' /usr/bin/python3 "$H/aiohttp-lab.py" 24300 20 > aiohttp.log

for f in nginx go node node2 aiohttp; do node "$CLI" $f.pcap --format jsonl > $f.jsonl 2> $f.warn; done
node "$H/compare-tshark.cjs" "$CLI" nginx.pcap go.pcap node.pcap node2.pcap aiohttp.pcap
# compare-cut.sh knows a request by flow and start time, which pipelined requests sent in one
# segment share (go.pcap's raw pipelined pair): a copy that adds the method and target
sed 's/${c.flowId} ${c.timing.startUs}`/${c.flowId} ${c.timing.startUs} ${c.method} ${c.target}`/g' "$H/compare-cut.sh" > $O/compare-cut-keyed.sh
bash $O/compare-cut-keyed.sh "$CLI" nginx.pcap go.pcap node.pcap node2.pcap aiohttp.pcap | grep -v ' wrong=0$'
if [ "${DROP_EACH:-}" = 1 ]; then
  for f in nginx go node node2 aiohttp; do bash "$H/drop-each.sh" "$CLI" $f.pcap; done
fi
