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
# RESP3 (redis-cli -3 sends HELLO 3): HGETALL (map), SMEMBERS (set), ZSCORE (double), CLIENT INFO (verbatim) and
# every reply type from DEBUG PROTOCOL. One command per connection: fed from stdin, redis-cli would first ask for
# COMMAND DOCS (a 200 KB reply). redis-cli cannot print bignum/attrib replies (it exits 1), the bytes are on the wire.
cli SADD s x y z >/dev/null
cli HSET h f1 v1 f2 v2 >/dev/null
cli ZADD z 1.5 m >/dev/null
for c in 'HGETALL h' 'SMEMBERS s' 'ZSCORE z m' 'CLIENT INFO'; do cli -3 $c >/dev/null; done
for t in string integer double bignum null array set map attrib push verbatim true false; do
  cli -3 DEBUG PROTOCOL $t >/dev/null 2>&1 || true
done
timeout 20 node client.cjs
sleep 0.3
stop_bg monitor
stop_capture
