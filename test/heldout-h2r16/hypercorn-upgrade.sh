#!/usr/bin/env bash
# hypercorn-upgrade.sh: hypercorn on 127.0.0.1:28031; curl --http2 (HTTP/1.1 Upgrade: h2c, GET and a POST
# with a body) and nghttp -u (Upgrade, then 4 more streams). Run under cap.sh; one JSON line per request.
D=${1:-/tmp/heldout-h2r16}; H=$(cd "$(dirname "$0")" && pwd)
cd "$H"
timeout 30 /usr/bin/hypercorn -b 127.0.0.1:28031 asgi_app:app 2>"$D/hypercorn-upgrade.server.log" &
S=$!
for i in $(seq 50); do (: </dev/tcp/127.0.0.1/28031) 2>/dev/null && break; sleep 0.2; done
c() {
  local m=$1 p=$2; shift 2
  curl -s -o /dev/null --http2 -X "$m" -w "{\"method\":\"$m\",\"path\":\"$p\",\"status\":%{http_code},\"size\":%{size_download},\"http\":\"%{http_version}\"}\n" "$@" "http://127.0.0.1:28031$p"
}
c GET /json?u=1
c GET /big?n=300000
c POST /upload --data-binary @<(head -c 30000 /dev/zero)
c GET /stream
c GET /status/404
nghttp -n -u --stat "http://127.0.0.1:28031/json?nghttp=1" "http://127.0.0.1:28031/big?n=100000" "http://127.0.0.1:28031/status/204" "http://127.0.0.1:28031/stream" "http://127.0.0.1:28031/json?nghttp=2" |
  awk '$1 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {print "{\"method\":\"GET\",\"path\":\"" $7 "\",\"status\":" $5 ",\"size\":\"" $6 "\"}"}' | sed -E 's/"size":"([0-9]+)"/"size":\1/; s/"size":"([0-9]+)K"/"size":"\1K"/'
kill -INT $S; wait $S
