#!/usr/bin/env bash
# Held-out round with load generators and benchmark tools (session 13).
# Needs (Debian 12): apt-get install -y apache2-utils siege siege-http10 wrk redis-tools redis-server nghttp2-client nginx
# plus tcpdump, tshark, node; run as root (tcpdump on lo). Loopback ports 22400-22410 only:
#   22400 nginx HTTP/1.x, 22401 nginx h2c, 22402 server.cjs (node:http), 22403 python3 http.server, 22410 redis-server
# Usage: run.sh [NAME...]   (no NAME: every capture). OUT=/tmp/heldout-load CLI=dist/cli.js
# Per capture: the tool's own count, tshark's HTTP request/response count, callscope's calls, time and peak RSS.
set -u
H=$(cd "$(dirname "$0")" && pwd); R=$(cd "$H/../.." && pwd)
OUT=${OUT:-/tmp/heldout-load}; CLI=${CLI:-$R/dist/cli.js}
mkdir -p "$OUT/nginx/www" && cd "$OUT" || exit 1
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# content
W=$OUT/nginx/www
head -c 600 /dev/zero | tr '\0' 'h' | sed 's/^/<html>/;s/$/<\/html>/' > $W/index.html
printf 'small\n' > $W/small.txt
printf '{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}\n' > $W/data.json
head -c 204800 /dev/urandom > $W/big.bin
: > $W/zero.txt
printf '{"user":"ab","items":[1,2,3]}' > body.json
head -c 65536 /dev/zero | tr '\0' 'p' > body64k.txt

# servers (each ends by itself: timeout)
timeout 900 nginx -p "$OUT/nginx" -c "$H/nginx.conf" -e "$OUT/nginx/error.log" & PIDS+=($!)
timeout 900 node "$H/server.cjs" 22402 900 & PIDS+=($!)
timeout 900 /usr/bin/python3 -m http.server 22403 --bind 127.0.0.1 -d "$W" > py.log 2>&1 & PIDS+=($!)
timeout 900 redis-server --port 22410 --bind 127.0.0.1 --save '' --appendonly no > redis.log 2>&1 & PIDS+=($!)
for i in $(seq 50); do
  curl -s -o /dev/null http://127.0.0.1:22400/small.txt && curl -s -o /dev/null http://127.0.0.1:22402/tiny &&
    curl -s -o /dev/null http://127.0.0.1:22403/small.txt && redis-cli -p 22410 ping > /dev/null 2>&1 && break
  sleep 0.2
done

# cap NAME FILTER CMD...: capture CMD's traffic, keep its output in NAME.log
cap() { local n=$1 f=$2; shift 2; bash "$R/test/heldout/cap.sh" "$OUT/$n.pcap" "$f" "$@" > "$n.log" 2> "$n.td"; tail -1 "$n.td" > "$n.drops"; }
# decode NAME: callscope jsonl + summary
decode() {
  local n=$1
  /usr/bin/time -f '%e s %M KB' -o "$n.time" node "$CLI" "$n.pcap" --format jsonl > "$n.jsonl" 2> "$n.err"
  echo "== $n ($(du -h "$n.pcap" | cut -f1), $(cat "$n.drops" | tr -s ' '); callscope $(cat "$n.time"))"
}
report_http() {
  local n=$1; decode "$n"
  echo "  tool:    $2"
  echo "  tshark:  $(tshark -r "$n.pcap" -Y http.request 2>/dev/null | wc -l) requests, $(tshark -r "$n.pcap" -Y http.response 2>/dev/null | wc -l) responses"
  node "$H/count.cjs" < "$n.jsonl" | sed 's/^/  /'; grep -v '^$' "$n.err" | head -5 | sed 's/^/  stderr: /'
}
report_redis() {
  local n=$1; decode "$n"
  echo "  tool:    $(grep -aoE "====== [^=]* ======|[0-9]+ requests completed|^\"[A-Z_0-9 ()a-z]+\",\"[0-9.]+" "$n.log" | sed "s/====== \(.*\) ======/\1/; s/ requests completed//" | paste -sd " " | cut -c1-900)"
  node "$H/count.cjs" < "$n.jsonl" | sed 's/^/  /'; grep -v '^$' "$n.err" | head -5 | sed 's/^/  stderr: /'
}
ab_count() { echo "$(grep -E 'Complete requests|Failed requests|Non-2xx' "$1.log" | tr -s ' ' | tr '\n' ';')"; }

run() {
  case $1 in
  ab-nginx) cap $1 'tcp port 22400' ab -n 3000 -c 10 http://127.0.0.1:22400/index.html; report_http $1 "$(ab_count $1)";;
  ab-nginx-k) cap $1 'tcp port 22400' ab -k -n 5000 -c 20 http://127.0.0.1:22400/data.json; report_http $1 "$(ab_count $1)";;
  ab-head) cap $1 'tcp port 22400' ab -i -k -n 2000 -c 4 http://127.0.0.1:22400/big.bin; report_http $1 "$(ab_count $1)";;
  ab-head-close) cap $1 'tcp port 22402' ab -i -n 1000 -c 4 http://127.0.0.1:22402/big; report_http $1 "$(ab_count $1)";;
  ab-post) cap $1 'tcp port 22402' ab -n 2000 -c 8 -p body.json -T application/json http://127.0.0.1:22402/post; report_http $1 "$(ab_count $1)";;
  ab-post-k) cap $1 'tcp port 22402' ab -k -n 400 -c 8 -p body64k.txt -T text/plain http://127.0.0.1:22402/up; report_http $1 "$(ab_count $1)";;
  ab-node-tiny) cap $1 'tcp port 22402' ab -k -n 4000 -c 50 http://127.0.0.1:22402/tiny; report_http $1 "$(ab_count $1)";;
  ab-node-204) cap $1 'tcp port 22402' ab -k -n 2000 -c 5 http://127.0.0.1:22402/empty; report_http $1 "$(ab_count $1)";;
  ab-python) cap $1 'tcp port 22403' ab -n 500 -c 5 http://127.0.0.1:22403/data.json; report_http $1 "$(ab_count $1)";;
  ab-405) cap $1 'tcp port 22400' ab -k -n 500 -c 4 -p body.json -T application/json http://127.0.0.1:22400/index.html; report_http $1 "$(ab_count $1)";;
  ab-headers) cap $1 'tcp port 22402' ab -k -n 1000 -c 4 -H 'X-B: 1' -H 'host: alt.example' -C 'sid=abc' -A user:pw -H "X-Big: $(head -c 6000 /dev/zero | tr '\0' x)" http://127.0.0.1:22402/json; report_http $1 "$(ab_count $1)";;
  ab-zero) cap $1 'tcp port 22400' ab -k -n 1000 -c 2 http://127.0.0.1:22400/zero.txt; report_http $1 "$(ab_count $1)";;
  siege)
    printf '%s\n' "http://127.0.0.1:22400/index.html" "http://127.0.0.1:22400/data.json" "http://127.0.0.1:22400/empty" \
      "http://127.0.0.1:22400/post POST {\"from\":\"siege\",\"n\":1}" "http://127.0.0.1:22400/big.bin" "http://127.0.0.1:22400/nothere" > urls.txt
    cap $1 'tcp port 22400' siege -b -c 10 -r 60 -f urls.txt --no-parser -q -j -R /dev/null
    report_http $1 "$(grep -E 'transactions|Transactions' $1.log | tr -s ' ' | tr '\n' ';')";;
  siege-http10) printf 'protocol = HTTP/1.0\nconnection = keep-alive\n' > siege10.rc
    cap $1 'tcp port 22400' siege -R siege10.rc -b -c 5 -r 40 -f urls.txt --no-parser -q -j
    report_http $1 "$(grep -E 'transactions|Transactions' $1.log | tr -s ' ' | tr '\n' ';')";;
  wrk) cap $1 'tcp port 22400' wrk -t 2 -c 20 -d 2s http://127.0.0.1:22400/small.txt; report_http $1 "$(grep 'requests in' $1.log)";;
  wrk-pipeline) cap $1 'tcp port 22400' wrk -t 1 -c 4 -d 2s -s "$H/pipeline.lua" http://127.0.0.1:22400/; report_http $1 "$(grep 'requests in' $1.log)";;
  wrk-post) cap $1 'tcp port 22400' wrk -t 1 -c 8 -d 2s -s "$H/post.lua" http://127.0.0.1:22400/post; report_http $1 "$(grep -E 'requests in|Non-2xx' $1.log | tr '\n' ';')";;
  h2load-h1) cap $1 'tcp port 22400' h2load --h1 -n 5000 -c 10 http://127.0.0.1:22400/data.json; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  h2load-h1-pipe) cap $1 'tcp port 22400' h2load --h1 -n 6000 -c 4 -m 8 http://127.0.0.1:22400/data.json http://127.0.0.1:22400/empty http://127.0.0.1:22400/nothere; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  h2load-h2c) cap $1 'tcp port 22401' h2load -n 10000 -c 10 -m 10 http://127.0.0.1:22401/data.json http://127.0.0.1:22401/small.txt http://127.0.0.1:22401/empty; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  h2load-h2c-post) cap $1 'tcp port 22401' h2load -n 400 -c 4 -m 4 -d body64k.txt http://127.0.0.1:22401/post; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  h2load-h2c-window) cap $1 'tcp port 22401' h2load -n 200 -c 2 -m 4 -w 12 -W 14 http://127.0.0.1:22401/big.bin; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  h2load-h2c-headers) cap $1 'tcp port 22401' h2load -n 3000 -c 3 -m 20 -H "x-big: $(head -c 3000 /dev/zero | tr '\0' y)" -H 'x-a: 1' -H 'cookie: a=1' -H 'cookie: b=2' http://127.0.0.1:22401/data.json http://127.0.0.1:22401/nothere; report_http $1 "$(grep -E '^requests:|status codes' $1.log | tr '\n' ';')";;
  redis) cap $1 'tcp port 22410' redis-benchmark -p 22410 -n 2000 -c 50; report_redis $1;;
  redis-p16) cap $1 'tcp port 22410' redis-benchmark -p 22410 -n 20000 -c 50 -P 16 -t set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100,mset,xadd; report_redis $1;;
  redis-d2000) cap $1 'tcp port 22410' redis-benchmark -p 22410 -n 2000 -c 10 -d 2000 -t set,get,mset,lpush; report_redis $1;;
  redis-d2000-lrange) cap $1 'tcp port 22410' redis-benchmark -p 22410 -n 100 -c 4 -d 2000 -t lrange_100; report_redis $1;;
  redis-custom) cap $1 'tcp port 22410' bash -c 'B="redis-benchmark -p 22410 -n 500 -c 5"; $B --dbnum 3 -t set; $B eval "return {1,2,{3,\"x\"}}" 0; $B -3 hgetall myhash; $B -3 zrange myzset 0 -1 withscores; $B -3 config get maxmemory*; $B -3 -r 1000 hset h:__rand_int__ f __rand_int__'; report_redis $1;;
  redis-pipe) python3 -c 'import sys
for i in range(20000): sys.stdout.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len("k%d"%i),"k%d"%i,len("v"*(i%50)),"v"*(i%50)))
for i in range(2000): sys.stdout.write("INCR counter\r\n")' > mass.txt
    cap $1 'tcp port 22410' bash -c 'redis-cli -p 22410 --pipe < mass.txt'; report_redis $1; echo "  redis-cli: $(grep -a replies $1.log)";;
  redis-tracking) cap $1 'tcp port 22410' bash -c 'for i in $(seq 20); do printf "CLIENT TRACKING on\nGET tk$i\nSET tk$i v\nGET tk$i\nSET tk$i w\nPING\nHGETALL myhash\n"; done | redis-cli -3 -p 22410; printf "SUBSCRIBE ch\n" | timeout 2 redis-cli -3 -p 22410 & sleep 0.5; redis-cli -p 22410 publish ch hello; redis-cli -p 22410 publish ch again; wait'; report_redis $1;;
  redis-csv) cap $1 'tcp port 22410' redis-benchmark -p 22410 -n 1000 --csv -t ping,set,get,hset,spop; report_redis $1;;
  redis-resp3) cap $1 'tcp port 22410' redis-benchmark -p 22410 -3 -n 1000 -c 10 -t set,get,hset,lrange_100,zadd,sadd,spop; report_redis $1;;
  redis-resp3-p16) cap $1 'tcp port 22410' redis-benchmark -p 22410 -3 -n 16000 -c 20 -P 16 -t set,get,lpush,lrange_100,zadd; report_redis $1;;
  *) echo "unknown $1";;
  esac
}
ALL="ab-nginx ab-nginx-k ab-head ab-head-close ab-post ab-post-k ab-node-tiny ab-node-204 ab-python ab-405 ab-headers ab-zero siege siege-http10 wrk wrk-pipeline wrk-post h2load-h1 h2load-h1-pipe h2load-h2c h2load-h2c-post h2load-h2c-window h2load-h2c-headers redis redis-p16 redis-d2000 redis-d2000-lrange redis-custom redis-pipe redis-tracking redis-csv redis-resp3 redis-resp3-p16"
for n in ${@:-$ALL}; do run "$n"; done
# CUT=1: the pairing check under snaplen cuts and 1, 3, 5 % dropped frames (cut-check.sh) on the pipelined / keep-alive captures
if [ "${CUT:-0}" = 1 ]; then
  for d in 1 3 5; do DROP=$d bash "$H/cut-check.sh" ab-nginx-k.pcap ab-post-k.pcap siege.pcap wrk-pipeline.pcap wrk-post.pcap h2load-h1-pipe.pcap h2load-h2c.pcap redis-p16.pcap redis-custom.pcap; done
fi
