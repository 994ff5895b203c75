#!/usr/bin/env bash
# run.sh [OUT]: the PHP / libwebsockets round. Records php-amqplib against RabbitMQ, phpredis against
# redis-server, and libwebsockets' test client and test server (against each other, against Debian's
# python3-websockets with permessage-deflate, and curl on the server's HTTP side) on loopback, decodes each
# capture with callscope and compares with what the clients logged and with tshark (check.mjs).
# Installs nothing; it needs (as root):
#   apt-get install -y php-cli php-amqplib php-redis libwebsockets-test-server rabbitmq-server redis-server \
#     python3-websockets tshark tcpdump curl
# and a built callscope (`npm run build`). Ports 22600–22739 (RabbitMQ 22602/22603/22604, redis 22700,
# libwebsockets 22720–22724). Every server stops by itself (timeout).
set -u
OUT=${1:-${OUT:-/tmp/heldout-php}}
export OUT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
for p in php-cli php-amqplib php-redis libwebsockets-test-server rabbitmq-server redis-server python3-websockets tshark tcpdump curl; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
mkdir -p "$OUT"
cd "$OUT" || exit 2
# shellcheck source=rabbit.sh
source "$HERE/rabbit.sh"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  hp_rabbit_stop
}
trap cleanup EXIT
hp_rabbit_start
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }

echo "== php-amqplib against RabbitMQ"
$CAP "$OUT/amqp.pcap" 'tcp port 22602' php "$HERE/amqp_lab.php" 22602 > amqp.log
$CAP "$OUT/amqp-more.pcap" 'tcp port 22602' php "$HERE/amqp_more.php" 22602 > amqp-more.log

echo "== phpredis against redis-server"
timeout 120 redis-server --port 22700 --bind 127.0.0.1 --save '' --appendonly no > redis-server.log 2>&1 &
PIDS+=($!)
wait_port 22700
$CAP "$OUT/redis.pcap" 'tcp port 22700' php "$HERE/redis_lab.php" 22700 > redis.log 2>&1
$CAP "$OUT/redis-more.pcap" 'tcp port 22700' php "$HERE/redis_more.php" 22700 > redis-more.log 2>&1

echo "== libwebsockets-test-client against libwebsockets-test-server (3 s)"
timeout 30 libwebsockets-test-server --port=22720 > lws-server.log 2>&1 &
PIDS+=($!)
wait_port 22720
$CAP "$OUT/lws.pcap" 'tcp port 22720' timeout 3 libwebsockets-test-client 127.0.0.1 --port=22720 > lws-client.log 2>&1

echo "== libwebsockets-test-client against python3-websockets, permessage-deflate"
for t in 1 0; do
  port=$((22723 - t))
  timeout 12 /usr/bin/python3 "$HERE/ws_peer.py" "$port" "$t" > "ws-peer-$t.log" 2>&1 &
  PIDS+=($!)
  wait_port "$port"
  name=lws-deflate; [ "$t" = 0 ] && name=lws-deflate-nct
  $CAP "$OUT/$name.pcap" "tcp port $port" timeout 3 libwebsockets-test-client 127.0.0.1 --port="$port" > "$name-client.log" 2>&1
done

echo "== curl against libwebsockets-test-server's HTTP side"
timeout 30 libwebsockets-test-server --port=22724 > lws-http-server.log 2>&1 &
PIDS+=($!)
wait_port 22724
U=http://127.0.0.1:22724
$CAP "$OUT/lws-http.pcap" 'tcp port 22724' curl -s -w '%{http_code} %{size_download} %{url_effective}\n' \
  -o /dev/null "$U/" -o /dev/null "$U/test.js" -o /dev/null "$U/leaf.jpg" -o /dev/null "$U/favicon.ico" \
  -o /dev/null "$U/nothing-here" -o /dev/null "$U/candide.zip" > lws-http.log

echo "== decoded"
for f in amqp amqp-more redis redis-more lws lws-deflate lws-deflate-nct lws-http; do
  node "$ROOT/dist/cli.js" "$f.pcap" > "$f.table" 2>&1
  node "$ROOT/dist/cli.js" "$f.pcap" --format jsonl > "$f.jsonl" 2>&1
  echo "$f: $(tail -1 "$f.table")"
done
node "$HERE/check.mjs" "$OUT"
