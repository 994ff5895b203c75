#!/usr/bin/env bash
# nginx.sh OUT.pcap: nginx 1.22 (Debian, private config under /tmp/heldout-http2/nginx, foreground)
# on 127.0.0.1/[::1]:24010 in front of node-lab.cjs (port 24011, upstream keepalive pool: the proxy
# leg reuses its connections, HTTP/1.1 and chunked) and of aiohttp-lab.py (port 24012, /aio/, with
# the websocket Upgrade passed through). Both legs are captured. Clients: curl
# (keep-alive over many URLs, gzip, HEAD, single and multi ranges, 204, 302 followed, 404 and 413
# error pages, Expect: 100-continue accepted and refused, a 9 kB header, HTTP/1.0, chunked upload
# passed through unbuffered, a location with chunked_transfer_encoding off), a raw pipelined client
# that meets `keepalive_requests 3` (nginx answers three and closes), python xmlrpc.client through
# the proxy. nginx's access log ($connection / $connection_requests) is printed at the end.
set -u
OUT=$1; H=$(cd "$(dirname "$0")" && pwd); W=/tmp/heldout-http2/nginx; P=24010; B=24011; A=24012
rm -rf $W; mkdir -p $W/www $W/logs $W/tmp
python3 - "$W/www" <<'PY'
import json, sys
d = sys.argv[1]
open(f'{d}/big.txt', 'w').write(''.join(f'line {i:05d} of a static text file\n' for i in range(600)))
open(f'{d}/data.json', 'w').write(json.dumps({'rows': [{'id': i, 'v': 'x' * 20} for i in range(50)]}))
open(f'{d}/tiny.json', 'w').write('{"ok":1}')
open(f'{d}/404.html', 'w').write('<html><body>custom 404</body></html>\n')
open(f'{d}/413.html', 'w').write('<html><body>custom 413: too large</body></html>\n')
PY
cat > $W/nginx.conf <<CONF
worker_processes 1;
pid $W/nginx.pid;
error_log $W/logs/error.log info;
events { worker_connections 128; }
http {
  types { text/html html; text/plain txt; application/json json; }
  default_type application/octet-stream;
  log_format x '\$remote_addr:\$remote_port c=\$connection n=\$connection_requests "\$request" \$status \$body_bytes_sent in=\$request_length up=\$upstream_addr';
  access_log $W/logs/access.log x;
  client_body_temp_path $W/tmp/body; proxy_temp_path $W/tmp/proxy; fastcgi_temp_path $W/tmp/fcgi;
  uwsgi_temp_path $W/tmp/uwsgi; scgi_temp_path $W/tmp/scgi;
  keepalive_requests 3;
  keepalive_timeout 5s;
  client_max_body_size 1k;
  large_client_header_buffers 4 16k;
  gzip on; gzip_min_length 20; gzip_types application/json text/plain text/xml; gzip_proxied any;
  upstream back { server 127.0.0.1:$B; keepalive 4; }
  map \$http_upgrade \$conn_upgrade { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:$P; listen [::1]:$P;
    root $W/www;
    error_page 404 /404.html;
    error_page 413 /413.html;
    location = /empty { return 204; }
    location = /moved { return 302 /tiny.json; }
    location /api/ {
      proxy_pass http://back; proxy_http_version 1.1; proxy_set_header Connection "";
      client_max_body_size 100k;
    }
    location /up/ {
      proxy_pass http://back/api/; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_request_buffering off; client_max_body_size 100k;
    }
    location /nochunk/ {
      proxy_pass http://back/api/; proxy_http_version 1.1; proxy_set_header Connection "";
      chunked_transfer_encoding off;
    }
    location /aio/ {
      proxy_pass http://127.0.0.1:$A/; proxy_http_version 1.1; client_max_body_size 100k;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$conn_upgrade;
    }
    location = /RPC2 { proxy_pass http://back; proxy_http_version 1.1; proxy_set_header Connection ""; client_max_body_size 100k; }
  }
}
CONF
node "$H/node-lab.cjs" server $B 40 > $W/logs/backend.log 2>&1 &
BACK=$!
/usr/bin/python3 "$H/aiohttp-lab.py" $A 40 serve > $W/logs/aiohttp.log 2>&1 &
AIO=$!
nginx -p $W -c $W/nginx.conf -g 'daemon off;' 2> $W/logs/stderr.log &
NGX=$!
sleep 1
U=http://127.0.0.1:$P
clients() {
  C="curl -s -o /dev/null -w %{http_code}:%{size_download}:%{num_connects}\n --max-time 10"
  echo "# keep-alive over 7 URLs (keepalive_requests 3: nginx closes after the third)"
  curl -s --max-time 10 --compressed -w '%{http_code}:%{size_download}:%{num_connects}\n' \
    -o /dev/null $U/tiny.json -o /dev/null $U/data.json -o /dev/null $U/big.txt -o /dev/null $U/empty \
    -o /dev/null $U/missing -o /dev/null $U/api/json?n=40 -o /dev/null $U/api/stream
  echo "# HEAD, ranges, redirect"
  $C -I $U/big.txt
  $C -r 0-99 $U/big.txt
  $C -r 0-9,100-109,-5 $U/big.txt
  $C -L $U/moved
  echo "# Expect: 100-continue: accepted (proxied), refused with 413 (static location, 1k limit)"
  head -c 3000 /dev/zero | tr '\0' 'a' > $W/post.txt
  $C -H 'Expect: 100-continue' -H 'Content-Type: text/plain' --data-binary @$W/post.txt $U/api/echo
  $C -H 'Expect: 100-continue' -H 'Content-Type: text/plain' --data-binary @$W/post.txt $U/tiny.json
  echo "# 413 without Expect (body sent anyway)"
  $C -H 'Expect:' -H 'Content-Type: text/plain' --data-binary @$W/post.txt $U/tiny.json
  echo "# 9 kB header, HTTP/1.0, IPv6"
  $C -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' 'b')" $U/tiny.json
  $C -0 $U/api/stream
  $C -g "http://[::1]:$P/api/json?n=2"
  echo "# chunked upload passed through unbuffered, chunked_transfer_encoding off (close-delimited)"
  $C -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json' --data-binary '{"chunked":[1,2,3]}' $U/up/echo
  $C $U/nochunk/stream
  echo "# conditional GETs (304), a range past the end (416), HEAD of a gzip-able file and of a proxied chunked stream"
  ET=$(curl -s -I $U/data.json | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
  $C -H "If-None-Match: $ET" $U/data.json
  $C -H "If-Modified-Since: $(date -u -R -d '+1 day')" $U/big.txt
  $C -r 50000-60000 $U/big.txt
  $C -I --compressed $U/data.json
  $C -I $U/api/stream
  echo "# pipelined: 6 requests (a HEAD and a POST among them), nginx answers 3 then closes"
  python3 - 127.0.0.1 $P <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
h = f'Host: {sys.argv[1]}:{sys.argv[2]}\r\n'
reqs = [f'GET /tiny.json HTTP/1.1\r\n{h}\r\n', f'HEAD /api/stream HTTP/1.1\r\n{h}\r\n',
        f'POST /api/echo HTTP/1.1\r\n{h}Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{{"p":123}}',
        f'GET /data.json HTTP/1.1\r\n{h}\r\n', f'GET /empty HTTP/1.1\r\n{h}\r\n', f'GET /big.txt HTTP/1.1\r\n{h}Connection: close\r\n\r\n']
try:
    for r in reqs:
        s.sendall(r.encode()); time.sleep(0.003)
except OSError as e:
    print('send stopped:', e)
s.settimeout(5); got = b''
try:
    while (d := s.recv(65536)):
        got += d
except OSError as e:
    print('recv stopped:', e)
print('pipelined: %d requests sent, %d status lines back' % (len(reqs), got.count(b'HTTP/1.1 ')))
PY
  echo "# raw requests: absolute-form target, OPTIONS *, HTTP/1.0 keep-alive, garbage (400), an oversized header (400)"
  python3 - 127.0.0.1 $P <<'PY'
import socket, sys
def one(payload, note):
    s = socket.create_connection((sys.argv[1], int(sys.argv[2]))); s.settimeout(5)
    s.sendall(payload); got = b''
    try:
        while (d := s.recv(65536)):
            got += d
    except OSError:
        pass
    s.close()
    print(note, got.split(b'\r\n', 1)[0].decode(), len(got))
host = f'Host: {sys.argv[1]}:{sys.argv[2]}\r\n'
one(f'GET http://{sys.argv[1]}:{sys.argv[2]}/tiny.json HTTP/1.1\r\n{host}Connection: close\r\n\r\n'.encode(), 'absolute-form')
one(f'OPTIONS * HTTP/1.1\r\n{host}Connection: close\r\n\r\n'.encode(), 'options-star')
one(f'GET /tiny.json HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /data.json HTTP/1.0\r\n\r\n'.encode(), 'http10-keepalive')
one(b'HELLO THERE\r\n\r\n', 'garbage')
one(f'GET /tiny.json HTTP/1.1\r\n{host}X-Huge: {"h" * 20000}\r\n\r\n'.encode(), 'huge-header')
PY
  echo "# aiohttp behind nginx: JSON, chunked, compression, multipart, JSON-RPC, the websocket upgrade through the proxy"
  /usr/bin/python3 "$H/aiohttp-lab.py" 0 20 client $U/aio
  echo "# XML-RPC through the proxy"
  python3 - $U/RPC2 <<'PY'
import sys, xmlrpc.client
s = xmlrpc.client.ServerProxy(sys.argv[1])
print('add', s.add(2, 3, 4))
try:
    s.div(1, 0)
except xmlrpc.client.Fault as f:
    print('fault', f.faultCode, f.faultString)
print('echo', s.echo('a<b', 'ünï'))
PY
}
bash "$H/cap.sh" "$OUT" "tcp port $P or tcp port $B or tcp port $A" bash -c "$(declare -f clients); H=$H W=$W U=$U P=$P; clients"
kill $NGX; wait $NGX 2>/dev/null
kill $BACK $AIO; wait $BACK $AIO 2>/dev/null
echo "# nginx access log"; cat $W/logs/access.log
