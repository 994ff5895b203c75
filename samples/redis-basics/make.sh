#!/usr/bin/env bash
# Remakes redis-basics.pcap: redis-server on 127.0.0.1:6379, redis-cli (RESP2 and RESP3 via -3),
# node-redis (pipelining, MULTI, pub/sub) and a hand-written RESP3 client (client-side caching).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
PORT=6379
start_bg redis redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes
wait_port $PORT
start_capture redis-basics.pcap "tcp port $PORT"
cli() { timeout 10 redis-cli -h 127.0.0.1 -p $PORT "$@"; }
start_bg monitor timeout 10 redis-cli -h 127.0.0.1 -p $PORT MONITOR
sleep 0.3
cli SET greeting hello >/dev/null
cli GET greeting >/dev/null
cli INCR greeting >/dev/null || true            # ERR value is not an integer
cli ACL SETUSER alice on '>s3cret' '~*' '&*' '+@all' >/dev/null
cli --user alice --pass s3cret --no-auth-warning PING >/dev/null
# Inline commands, pipelined in one write (redis-cli --pipe sends the bytes as they are).
printf 'SET a 1\r\nINCR a\r\nGET a\r\nECHO "two words"\r\n' | timeout 10 redis-cli -h 127.0.0.1 -p $PORT --pipe >/dev/null
# RESP3 (redis-cli -3 sends HELLO 3): every reply type from DEBUG PROTOCOL, HGETALL (map), SMEMBERS (set), CLIENT INFO (verbatim).
printf '%s\n' 'SADD s x y z' 'HSET h f1 v1 f2 v2' 'HGETALL h' 'SMEMBERS s' 'ZADD z 1.5 m' 'ZSCORE z m' 'CLIENT INFO' \
  'DEBUG PROTOCOL string' 'DEBUG PROTOCOL integer' 'DEBUG PROTOCOL double' 'DEBUG PROTOCOL null' \
  'DEBUG PROTOCOL array' 'DEBUG PROTOCOL set' 'DEBUG PROTOCOL map' 'DEBUG PROTOCOL push' \
  'DEBUG PROTOCOL verbatim' 'DEBUG PROTOCOL true' 'DEBUG PROTOCOL false' \
  | timeout 10 redis-cli -3 -h 127.0.0.1 -p $PORT >/dev/null
# redis-cli cannot print these two (it exits), but the bytes are on the wire.
cli -3 DEBUG PROTOCOL bignum >/dev/null 2>&1 || true
cli -3 DEBUG PROTOCOL attrib >/dev/null 2>&1 || true
timeout 20 node client.cjs
sleep 0.3
stop_bg monitor
stop_capture
