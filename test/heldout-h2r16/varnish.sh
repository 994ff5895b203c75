#!/usr/bin/env bash
# varnish.sh DIR: Varnish 7.1 with feature=+http2 on 127.0.0.1:28040 in front of hypercorn (HTTP/1.1) on
# 28041; curl (prior knowledge and Upgrade) and nghttp through it. Run under cap.sh; logs one JSON line per
# request the clients made to stdout.
D=${1:-/tmp/heldout-h2r16}; H=$(cd "$(dirname "$0")" && pwd)
cd "$H"
timeout 40 /usr/bin/hypercorn -b 127.0.0.1:28041 asgi_app:app 2>"$D/varnish.backend.log" &
B=$!
rm -rf "$D/vn"; mkdir -p "$D/vn"
timeout 40 varnishd -F -n "$D/vn" -a 127.0.0.1:28040 -b 127.0.0.1:28041 -T 127.0.0.1:28042 -p feature=+http2 -s malloc,32m >"$D/varnishd.log" 2>&1 &
V=$!
for i in $(seq 50); do (: </dev/tcp/127.0.0.1/28040 && : </dev/tcp/127.0.0.1/28041) 2>/dev/null && break; sleep 0.2; done
c() { # c MODE METHOD PATH [curl args]: one request, logged
  local mode=$1 m=$2 p=$3; shift 3
  curl -s -o /dev/null "$mode" -X "$m" -w "{\"method\":\"$m\",\"path\":\"$p\",\"status\":%{http_code},\"size\":%{size_download},\"http\":\"%{http_version}\"}\n" "$@" "http://127.0.0.1:28040$p"
}
{
  c --http1.1 GET /json
  c --http2-prior-knowledge GET /json?v=1
  c --http2-prior-knowledge GET /big?n=300000
  c --http2-prior-knowledge GET /big?n=300000
  c --http2-prior-knowledge POST /upload --data-binary @<(head -c 100000 /dev/zero)
  c --http2-prior-knowledge GET /stream
  c --http2-prior-knowledge GET /status/404
  c --http2-prior-knowledge GET /status/204
  c --http2-prior-knowledge GET /trailers
  c --http2 GET /json?upgrade=1
  c --http2 GET /big?n=50000
} 
# nghttp: 6 concurrent streams on one connection, then a 200 KB upload; its --stat table gives code and size
nghttp -n --stat -m 6 "http://127.0.0.1:28040/json?n=6" | awk '$1 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {print "{\"method\":\"GET\",\"path\":\"/json?n=6\",\"status\":" $5 ",\"size\":" $6 "}"}'
head -c 200000 /dev/urandom >"$D/upload.bin"
nghttp -n --stat -d "$D/upload.bin" "http://127.0.0.1:28040/upload" | awk '$1 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ {print "{\"method\":\"POST\",\"path\":\"/upload\",\"status\":" $5 ",\"size\":" $6 "}"}'
kill $V $B; wait $V $B 2>/dev/null
