#!/usr/bin/env bash
# run.sh [OUT]: the Ruby messaging round. Records Debian's Ruby clients against RabbitMQ (AMQP 0-9-1, STOMP,
# Web-STOMP) and Ruby WebSocket servers on loopback, decodes each capture with callscope and compares with
# what the clients logged (check.mjs). Installs nothing; it needs (as root):
#   apt-get install -y ruby ruby-bunny ruby-stomp ruby-faye-websocket ruby-websocket-driver \
#     ruby-eventmachine ruby-em-websocket rabbitmq-server tcpdump
# and a built callscope (`npm run build`). Ports 22000–22199 (rabbit.sh lists RabbitMQ's).
set -u
OUT=${1:-${OUT:-/tmp/heldout-ruby}}
export OUT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
for p in ruby ruby-bunny ruby-stomp ruby-faye-websocket ruby-websocket-driver ruby-eventmachine ruby-em-websocket rabbitmq-server tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
mkdir -p "$OUT"
cd "$OUT" || exit 2

# shellcheck source=rabbit.sh
source "$HERE/rabbit.sh"
WS_PIDS=()
cleanup() {
  for p in "${WS_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  hr_rabbit_stop
}
trap cleanup EXIT
hr_rabbit_start

echo "== bunny (AMQP 0-9-1) against RabbitMQ"
$CAP "$OUT/bunny.pcap" 'tcp port 22672' ruby "$HERE/bunny_lab.rb" 22672 > bunny.log
for v in 1.2 1.1 1.0; do
  echo "== ruby-stomp, STOMP $v"
  $CAP "$OUT/stomp-$v.pcap" 'tcp port 22613' ruby "$HERE/stomp_lab.rb" 22613 "$v" > "stomp-$v.log"
done
echo "== ruby-stomp's Stomp::Client"
$CAP "$OUT/stomp-client.pcap" 'tcp port 22613' ruby "$HERE/stomp_client_lab.rb" 22613 > stomp-client.log
echo "== faye-websocket speaking STOMP to Web-STOMP"
$CAP "$OUT/webstomp.pcap" 'tcp port 22674' ruby "$HERE/ws_lab.rb" faye-stomp ws://127.0.0.1:22674/ws > webstomp.log

echo "== WebSocket: faye-websocket and websocket-driver clients, em-websocket and websocket-driver servers"
ruby "$HERE/ws_lab.rb" em-server 22080 > ws-em-server.log 2>&1 &
WS_PIDS+=($!)
ruby "$HERE/ws_lab.rb" driver-server 22081 > ws-driver-server.log 2>&1 &
WS_PIDS+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/22080 && exec 4<>/dev/tcp/127.0.0.1/22081) 2>/dev/null && break; sleep 0.2; done
$CAP "$OUT/ws.pcap" 'tcp port 22080 or tcp port 22081' bash -c "
  ruby '$HERE/ws_lab.rb' faye-client ws://127.0.0.1:22080/ > ws-faye-em.log 2>&1
  ruby '$HERE/ws_lab.rb' faye-client ws://127.0.0.1:22081/ > ws-faye-driver.log 2>&1
  ruby '$HERE/ws_lab.rb' driver-client 127.0.0.1 22080 > ws-driver-em.log 2>&1
  ruby '$HERE/ws_lab.rb' driver-client 127.0.0.1 22081 > ws-driver-driver.log 2>&1"

echo "== decoded"
for f in bunny stomp-1.2 stomp-1.1 stomp-1.0 stomp-client webstomp ws; do
  node "$ROOT/dist/cli.js" "$f.pcap" > "$f.table" 2>&1
  node "$ROOT/dist/cli.js" "$f.pcap" --format jsonl > "$f.jsonl" 2>&1
  echo "$f: $(tail -1 "$f.table")"
done
node "$HERE/check.mjs" "$OUT"
