#!/usr/bin/env bash
# run.sh [OUT]: held-out round 14 — Debian 12 implementations not exercised before: lua-http 0.4 (its own
# HTTP/1.1, HTTP/2 and WebSocket, client and server, on cqueues), lua-redis (redis-lua) against
# redis-server, Python Twisted 22.4 (XML-RPC server and Proxy client, Agent over a persistent pool, its
# HTTP/2 server over TLS driven by curl with SSLKEYLOGFILE) and Python Tornado 6.2 (its HTTP server
# with simple_httpclient and curl_httpclient, its WebSocket server and client with permessage-deflate on
# and off). Records each on loopback, decodes with callscope, compares with what the programs logged
# and with tshark (check.mjs). Installs nothing; it needs (as root):
#   apt-get install -y lua5.2 lua-http lua-cjson lua-redis redis-server python3-twisted python3-h2 \
#     python3-priority python3-tornado python3-pycurl curl nghttp2-client openssl tshark tcpdump
# (Debian 12's lua-http ships for Lua 5.1/5.2 only: its `fifo` dependency has no 5.3 build.)
# and a built callscope (`npm run build`). Ports 28100–28199 on 127.0.0.1. Every server stops by itself.
set -u
OUT=${1:-${OUT:-/tmp/heldout-lua}}
export OUT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
PY=/usr/bin/python3
for p in lua5.2 lua-http lua-cjson lua-redis redis-server python3-twisted python3-h2 python3-priority python3-tornado python3-pycurl curl nghttp2-client openssl tshark tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
mkdir -p "$OUT"
cd "$OUT" || exit 2
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
head -c 300000 /dev/urandom > upload.bin
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }

echo "== lua-http: HTTP/2 by prior knowledge, HTTP/1.1, WebSocket (server and client in one process)"
$CAP "$OUT/lua-h2.pcap" 'tcp port 28101' timeout 40 lua5.2 "$HERE/lua-lab.lua" h2 28101 > lua-h2.log
$CAP "$OUT/lua-h1.pcap" 'tcp port 28102' timeout 40 lua5.2 "$HERE/lua-lab.lua" h1 28102 > lua-h1.log
$CAP "$OUT/lua-ws.pcap" 'tcp port 28103' timeout 40 lua5.2 "$HERE/lua-lab.lua" ws 28103 > lua-ws.log

echo "== lua-http's server alone: curl --http2 (Upgrade: h2c, which it ignores), nghttp (prior knowledge: 10 streams with server push, a 300 KB upload, header table size 0)"
timeout 20 lua5.2 "$HERE/lua-lab.lua" serve 28104 > lua-serve.log 2>&1 &
PIDS+=($!)
wait_port 28104
U=http://127.0.0.1:28104
$CAP "$OUT/lua-serve.pcap" 'tcp port 28104' bash -c "
  curl -s --http2 -w '%{http_version} %{response_code} %{size_download}\n' -o /dev/null $U/small -o /dev/null $U/big
  curl -s --http2 -w '%{http_version} %{response_code} %{size_download}\n' -o /dev/null --data-binary @upload.bin $U/echo
  nghttp -n -m 10 -a $U/push
  nghttp -n -d upload.bin $U/echo
  nghttp -n -c 0 -H 'x-c: 1' $U/small $U/missing $U/nocontent
" > lua-curl.log 2>&1

echo "== lua-redis against redis-server"
timeout 60 redis-server --port 28140 --bind 127.0.0.1 --save '' --appendonly no > redis-server.log 2>&1 &
PIDS+=($!)
wait_port 28140
$CAP "$OUT/lua-redis.pcap" 'tcp port 28140' lua5.2 "$HERE/redis-lab.lua" 28140 > lua-redis.log 2>&1

echo "== tornado: HTTP (simple_httpclient, curl_httpclient), WebSocket (permessage-deflate on, off)"
$CAP "$OUT/tornado-simple.pcap" 'tcp port 28111' $PY "$HERE/tornado-lab.py" simple 28111 > tornado-simple.log 2> tornado-simple.err
$CAP "$OUT/tornado-curl.pcap" 'tcp port 28112' $PY "$HERE/tornado-lab.py" curl 28112 > tornado-curl.log 2> tornado-curl.err
$CAP "$OUT/tornado-ws-deflate.pcap" 'tcp port 28113' $PY "$HERE/tornado-lab.py" ws-deflate 28113 > tornado-ws-deflate.log 2> tornado-ws-deflate.err
$CAP "$OUT/tornado-ws-plain.pcap" 'tcp port 28114' $PY "$HERE/tornado-lab.py" ws-plain 28114 > tornado-ws-plain.log 2> tornado-ws-plain.err

echo "== twisted: XML-RPC (Proxy against XMLRPC), Agent with a persistent pool"
$CAP "$OUT/twisted-xmlrpc.pcap" 'tcp port 28121' $PY "$HERE/twisted-lab.py" xmlrpc 28121 > twisted-xmlrpc.log 2> twisted-xmlrpc.err
$CAP "$OUT/twisted-agent.pcap" 'tcp port 28122' $PY "$HERE/twisted-lab.py" agent 28122 > twisted-agent.log 2> twisted-agent.err

echo "== twisted: HTTP/2 server over TLS (ALPN h2), curl --http2 with SSLKEYLOGFILE"
[ -f lab.crt ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout lab.key -out lab.crt -days 30 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
timeout 30 $PY "$HERE/twisted-lab.py" h2 28131 lab.crt lab.key > twisted-h2-server.log 2>&1 &
PIDS+=($!)
wait_port 28131
rm -f twisted-h2.keys
U=https://127.0.0.1:28131
W='{"http":"%{http_version}","status":%{response_code},"size":%{size_download},"upload":%{size_upload},"url":"%{url_effective}"}\n'
# one connection, eight parallel streams; then one connection: a 300 KB upload and a gzip body
SSLKEYLOGFILE=$OUT/twisted-h2.keys $CAP "$OUT/twisted-h2.pcap" 'tcp port 28131' bash -c "
  curl -sk --http2 -Z -w '$W' -o /dev/null '$U/json?n=1' -o /dev/null '$U/json?n=2' -o /dev/null '$U/json?n=3' \
    -o /dev/null '$U/' -o /dev/null '$U/missing' -o /dev/null '$U/chunked' -o /dev/null '$U/big' -o /dev/null '$U/redirect'
  curl -sk --http2 -w '$W' -o /dev/null -H 'content-type: application/octet-stream' --data-binary @upload.bin '$U/echo' \
    --next --http2 -sk -w '$W' -o /dev/null --compressed '$U/gzip'
" > twisted-h2.log
# python3-h2 over TLS against the same server: a 16 KiB window, PRIORITY, request trailers, a cancel, PING
rm -f twisted-h2py.keys
$CAP "$OUT/twisted-h2py.pcap" 'tcp port 28131' $PY "$HERE/h2-tls-client.py" 28131 "$OUT/twisted-h2py.keys" > twisted-h2py.log

echo "== decoded"
for f in lua-h2 lua-h1 lua-ws lua-serve lua-redis tornado-simple tornado-curl tornado-ws-deflate tornado-ws-plain twisted-xmlrpc twisted-agent twisted-h2 twisted-h2py; do
  node "$ROOT/dist/cli.js" "$f.pcap" > "$f.table" 2>&1
  node "$ROOT/dist/cli.js" "$f.pcap" --format jsonl > "$f.jsonl" 2> "$f.warnings"
  echo "$f: $(tail -1 "$f.table")"
done
node "$HERE/check.mjs" "$OUT"
