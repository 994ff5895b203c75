#!/usr/bin/env bash
# record.sh [DIR] [CLI]: builds the lab (descriptors, page bundle, TLS cert), records
# DIR/browser.pcap (Chromium) and DIR/node.pcap (connect-node reference client), decodes both with
# the CLI and runs compare.cjs. Ports 29000-29003 (loopback). Needs NODE_PATH with the lab's npm
# packages (see README.md), protoc, openssl, tcpdump, /usr/bin/chromium.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${1:-/tmp/heldout-grpcweb}
CLI=${2:-$ROOT/dist/cli.js}
export NODE_PATH=${NODE_PATH:-$D/node_modules}
PP=29000 P1=29001 P2=29002 PC=29003
mkdir -p "$D"
cp "$HERE/gwlab.proto" "$D/"
protoc -I "$HERE" --include_imports --descriptor_set_out="$D/gwlab.pb" "$HERE/gwlab.proto" || exit 1
[ -f "$D/cert.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -days 3 -keyout "$D/key.pem" -out "$D/cert.pem" 2>/dev/null || exit 1
ESB="$ROOT/node_modules/.bin/esbuild"
NODE_PATH="$NODE_PATH" "$ESB" "$HERE/page.js" --bundle --format=iife --target=chrome120 --outfile="$D/bundle.js" --log-level=warning || exit 1
NODE_PATH="$NODE_PATH" "$ESB" "$HERE/node-client.js" --bundle --platform=node --format=esm --outfile="$D/node-client.mjs" --log-level=warning || exit 1
rm -f "$D/grpcweb.keys"

run() { # run NAME CMD...: the lab servers around one client
  local name=$1; shift
  node "$HERE/lab-server.cjs" "$D" $PP $P1 $P2 $PC 110 "$D/$name.server.jsonl" &
  local srv=$!
  for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PC) 2>/dev/null && break; sleep 0.1; done
  bash "$ROOT/test/heldout/cap.sh" "$D/$name.pcap" "tcp portrange $PP-$PC" "$@"
  kill $srv 2>/dev/null; wait $srv 2>/dev/null
}
run browser node "$HERE/browser.cjs" "http://127.0.0.1:$PP/?h1=http://127.0.0.1:$P1&h2=https://127.0.0.1:$P2" "$D/browser.jsonl"
run node node "$D/node-client.mjs" "$D/gwlab.pb" "http://127.0.0.1:$P1" "http://127.0.0.1:$PC" "$D/node.jsonl"
for n in browser node; do
  node "$CLI" "$D/$n.pcap" --format jsonl > "$D/$n.calls.jsonl"
  node "$CLI" "$D/$n.pcap" > "$D/$n.table"
done
node "$HERE/compare.cjs" "$D"
