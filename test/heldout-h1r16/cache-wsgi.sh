#!/usr/bin/env bash
# cache-wsgi.sh OUT: gunicorn 20.1 (gthread worker, keep-alive) on 28541 and uwsgi 2.0.21 (--http-socket,
# python3 plugin) on 28542 serving wsgi_app.py; Varnish 7.1 on 28540 in front of gunicorn (default_ttl 2,
# grace 10). curl drives each; one JSON line per transfer in OUT/wsgi-NAME.log; the app logs to
# OUT/wsgi-NAME-app.log. Captures: wsgi-gunicorn.pcap, wsgi-uwsgi.pcap, varnish.pcap (both legs).
set -u
OUT=$1; HERE=$(cd "$(dirname "$0")" && pwd); CAP="bash $HERE/../heldout/cap.sh"
W='{"method":"%{method}","url":"%{url_effective}","status":%{response_code},"size":%{size_download},"upload":%{size_upload}}\n'
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }
head -c 100000 /dev/urandom > "$OUT/upload.bin"
drive() { # NAME PORT
  local U=http://127.0.0.1:$2
  {
    curl -s -w "$W" -o /dev/null "$U/json?a=1" -o /dev/null $U/stream -o /dev/null $U/etag -o /dev/null $U/big -o /dev/null $U/nocontent -o /dev/null $U/missing
    curl -s -w "$W" -o /dev/null -H 'If-None-Match: "v1"' $U/etag
    curl -s -w "$W" -o /dev/null --compressed $U/gzip
    curl -s -w "$W" -o /dev/null -I $U/json
    curl -s -w "$W" -o /dev/null --data-binary @"$OUT/upload.bin" $U/echo
    curl -s -w "$W" -o /dev/null -H 'Transfer-Encoding: chunked' --data-binary @"$OUT/upload.bin" $U/upload
    curl -s -0 -w "$W" -o /dev/null $U/stream
  } > "$OUT/wsgi-$1.log" 2>&1
}
cd "$HERE"
timeout 60 /usr/bin/python3 -m gunicorn -b 127.0.0.1:28541 -k gthread --threads 4 --keep-alive 5 -w 1 wsgi_app:app 2> "$OUT/wsgi-gunicorn-app.log" & G=$!
timeout -s INT 60 uwsgi --plugin python3 --http-socket 127.0.0.1:28542 --wsgi-file wsgi_app.py --callable app --master --processes 1 --disable-logging 2> "$OUT/wsgi-uwsgi-app.log" & U=$!
wait_port 28541; wait_port 28542
$CAP "$OUT/wsgi-gunicorn.pcap" 'tcp port 28541' bash -c "$(declare -f drive); W='$W' OUT='$OUT'; drive gunicorn 28541"
$CAP "$OUT/wsgi-uwsgi.pcap" 'tcp port 28542' bash -c "$(declare -f drive); W='$W' OUT='$OUT'; drive uwsgi 28542"
# Varnish in front of gunicorn
mkdir -p "$OUT/varnish"
timeout 60 varnishd -F -a 127.0.0.1:28540 -b 127.0.0.1:28541 -n "$OUT/varnish" -s malloc,32m -t 2 -p default_grace=10 > "$OUT/varnishd.log" 2>&1 & V=$!
wait_port 28540
X=http://127.0.0.1:28540
$CAP "$OUT/varnish.pcap" 'tcp port 28540 or tcp port 28541' bash -c "
  curl -s -w '$W' -o /dev/null -D - '$X/json?v=1' -o /dev/null -D - '$X/json?v=1' -o /dev/null -D - $X/stream -o /dev/null -D - $X/etag -o /dev/null $X/big
  curl -s -w '$W' -o /dev/null -H 'If-None-Match: \"v1\"' $X/etag
  curl -s -w '$W' -o /dev/null -H 'If-Modified-Since: Wed, 01 Jan 2031 00:00:00 GMT' '$X/json?v=1'
  curl -s -w '$W' -o /dev/null --data-binary @$OUT/upload.bin $X/echo --next -s -w '$W' -o /dev/null $X/missing -o /dev/null $X/nocontent
  curl -s -w '$W' -o /dev/null $X/slow; sleep 2.2
  curl -s -w '$W' -o /dev/null -D - $X/slow -o /dev/null -D - $X/slow
  curl -s -w '$W' -o /dev/null -X PURGE $X/slow --next -s -w '$W' -o /dev/null -X BREW $X/json
" > "$OUT/varnish.log" 2>&1
kill $G $V 2>/dev/null; kill -INT $U 2>/dev/null; wait 2>/dev/null
