#!/usr/bin/env bash
# ioredis against redis-server on 127.0.0.1:21379; capture to $1.
set -u
OUT=$1; PORT=21379
cd /tmp/heldout
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no > redis.log 2>&1 &
RS=$!
for i in $(seq 50); do redis-cli -p $PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
tcpdump -i lo -B 131072 -w "$OUT" "tcp port $PORT" > td-redis.out 2>&1 &
TD=$!
for i in $(seq 50); do grep -q "listening on" td-redis.out && break; sleep 0.1; done
NODE_PATH=/tmp/heldout/node_modules timeout 30 node "$(dirname "$0")/ioredis-client.cjs" $PORT
sleep 1; kill -INT $TD; wait $TD; kill $RS; wait $RS
