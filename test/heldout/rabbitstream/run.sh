#!/bin/bash
# Held-out check of the rabbitstream decoder: RabbitMQ (Debian, rabbitmq_stream plugin) with its stream
# listener on 127.0.0.1:21552 — not 5552, so the probe has to find it — and lab.cjs
# (rabbitmq-stream-js-client and amqplib, the versions NODE_PATH gives: `cd /tmp/heldout && npm install rabbitmq-stream-js-client amqplib`).
# Usage: run.sh [OUT.pcap]   (default /tmp/heldout/rabbitstream.pcap)
set -u
cd "$(dirname "$0")"
OUT=${1:-/tmp/heldout/rabbitstream.pcap}
mkdir -p "$(dirname "$OUT")"
. ../rabbit.sh
ho_rabbit_start_stream() {
  rm -rf $HO_TMP; mkdir -p $RABBITMQ_MNESIA_BASE $RABBITMQ_LOG_BASE
  printf 'loopback_users = none\nstream.listeners.tcp.1 = 127.0.0.1:21552\nstream.advertised_host = 127.0.0.1\nstream.advertised_port = 21552\n' > $HO_TMP/rabbitmq.conf
  chown -R rabbitmq:rabbitmq $HO_TMP 2>/dev/null; chmod 755 $HO_TMP
  rabbitmq-plugins enable --offline rabbitmq_stream >/dev/null
  chown rabbitmq $RABBITMQ_ENABLED_PLUGINS_FILE 2>/dev/null
  rabbitmq-server > $HO_TMP/server.out 2>&1 &
  HO_RABBIT_PID=$!
  for i in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/21552) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 $HO_TMP/server.out
}
ho_rabbit_start_stream
tcpdump -i lo -U -w "$OUT" 'tcp port 21552 or tcp port 21672' > /tmp/heldout/rabbitstream-tcpdump.out 2>&1 &
TCPDUMP=$!
for i in $(seq 1 50); do grep -q "listening on" /tmp/heldout/rabbitstream-tcpdump.out && break; sleep 0.1; done
timeout 60 node lab.cjs
# A wrong password: the client throws AUTHENTICATION_FAILURE out of its socket handler (the process dies).
timeout 10 node -e "require('rabbitmq-stream-js-client').connect({ hostname: '127.0.0.1', port: 21552, username: 'guest', password: 'wrong', vhost: '/' })" 2>&1 | grep -m1 Error
sleep 1
kill $TCPDUMP; wait $TCPDUMP 2>/dev/null
ho_rabbit_stop
echo "wrote $OUT"
