#!/usr/bin/env bash
# nginx-h2c3.sh MODE PORT [BACKEND]: nginx 1.22 from Debian, foreground, with a private prefix and
# config under /tmp/heldout-h2c3/nginx-MODE (bounded: nginx is stopped when the clients are done).
#   h2c   PORT: `listen … http2` without TLS (prior-knowledge h2c): curl --http2-prior-knowledge and
#         nghttp fetch a small file, gzip (gzip_min_length 0), a 404, a HEAD, a 2 MB file over one
#         stream (nginx's flow control: WINDOW_UPDATEs from the client, DATA in 8 KB–16 KB frames),
#         a POST to a static file (405), 8 parallel streams from nghttp, and a request with a body
#         to a location that returns 200 text; then curl in HTTP/1.1 and with an h2c Upgrade, which
#         nginx answers with SETTINGS and GOAWAY PROTOCOL_ERROR (prior knowledge only); nghttp
#         fetching /push.html, for which nginx pushes two files (PUSH_PROMISE, http2_push).
#   grpc  PORT BACKEND: nginx as a gRPC proxy (grpc_pass grpc://127.0.0.1:BACKEND, keepalive to the
#         backend) with grpc-lab3.py serving on BACKEND and its clients sent to PORT (LAB3_TARGET).
#         NGX_KEEPALIVE_REQUESTS=N: nginx ends each client connection after N requests (GOAWAY
#         NO_ERROR with its last stream id; grpcio retries the streams it had already opened).
#   down  PORT BACKEND: the same proxy with nothing listening on BACKEND: nginx answers the gRPC
#         client with HTTP 502 and an HTML body (no grpc-status); grpcio reports UNAVAILABLE. Then
#         two locations that are not gRPC: a JSON 200 (grpcio: UNKNOWN) and a 503 page (UNAVAILABLE).
set -u
MODE=$1; PORT=$2; BACKEND=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=/tmp/heldout-h2c3/nginx-$MODE
rm -rf "$DIR"; mkdir -p "$DIR/logs" "$DIR/www"
cat > "$DIR/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/logs/error.log info;
events { worker_connections 64; }
http {
  access_log $DIR/logs/access.log;
  client_body_temp_path $DIR/body; proxy_temp_path $DIR/proxy; fastcgi_temp_path $DIR/fcgi;
  uwsgi_temp_path $DIR/uwsgi; scgi_temp_path $DIR/scgi;
  types { text/html html; text/plain txt; application/json json; application/octet-stream bin; }
  upstream lab3 { server 127.0.0.1:${BACKEND:-1}; keepalive 4; }
  server {
    listen 127.0.0.1:$PORT http2;
    keepalive_requests ${NGX_KEEPALIVE_REQUESTS:-1000};
    root $DIR/www;
    gzip on; gzip_min_length 0; gzip_types text/plain application/json;
    location = /echo { return 200 "echo \$request_method \$content_length\n"; }
    location = /push.html { http2_push /index.html; http2_push /data.json; }
    location /rest.S/ { default_type application/json; return 200 '{"error":"use REST"}'; }
    location /busy.S/ { return 503; }
    location /heldout.r3.Lab3/ {
      grpc_pass grpc://lab3;
      grpc_set_header x-via-nginx 1;
      grpc_read_timeout 10s;
    }
  }
}
CONF
printf '<html>hello h2c</html>\n' > "$DIR/www/index.html"
printf '<html>pushes two</html>\n' > "$DIR/www/push.html"
python3 -c "import json; print(json.dumps([{'i': i, 'text': 'nginx gzip ' * 4} for i in range(300)]))" > "$DIR/www/data.json"
head -c 2000000 /dev/urandom > "$DIR/www/big.bin"
nginx -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/logs/error.log" &
NGX=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
RC=0
if [ "$MODE" = h2c ]; then
  C="curl -sS --http2-prior-knowledge -m 10 -o /dev/null -w %{http_code}/%{size_download}\n"
  B=http://127.0.0.1:$PORT
  $C $B/index.html
  $C -H 'accept-encoding: gzip' $B/data.json
  $C $B/missing.html
  $C -I $B/index.html
  $C $B/big.bin
  $C -X POST -d 'a=1' $B/index.html
  $C -X POST --data-binary @"$DIR/www/index.html" $B/echo
  # HTTP/1.1 and an h2c Upgrade to the prior-knowledge-only port: nginx answers with HTTP/2 frames
  curl -sS -m 5 -o /dev/null -w '%{http_code}\n' $B/index.html
  curl -sS -m 5 --http2 -o /dev/null -w '%{http_code}\n' $B/index.html
  timeout 10 nghttp -n -s $B/push.html | tail -4
  timeout 20 nghttp -n -s $B/index.html $B/data.json $B/missing.html $B/big.bin $B/echo $B/index.html?x=1 $B/data.json?y=2 $B/index.html?z=3 | tail -12
elif [ "$MODE" = down ]; then
  timeout 20 /usr/bin/python3 -c "
import grpc, sys
with grpc.insecure_channel('127.0.0.1:$PORT') as ch:
    for path in ('/heldout.r3.Lab3/Unary', '/rest.S/Get', '/busy.S/Get'):
        try:
            ch.unary_unary(path)(b'\x12\x04down', timeout=3)
            print(path, 'OK')
        except grpc.RpcError as e:
            print(path, e.code().name, repr(e.details()))
"
else
  LAB3_TARGET=127.0.0.1:$PORT timeout 60 /usr/bin/python3 "$HERE/grpc-lab3.py" "$BACKEND" /tmp/heldout-h2c3/nginx-grpc || RC=$?
fi
kill "$NGX"; wait "$NGX" 2>/dev/null
grep -c . "$DIR/logs/access.log" >&2
exit $RC
