#!/bin/sh
# 200k HTTP/2 requests over ONE h2c connection (100 streams in flight): nghttpd serving a small file, h2load.
port=${PORT:-25003}; n=${N:-200000}
d=$(mktemp -d /tmp/scale/h2docs.XXXX); printf '{"ok":true,"pad":"%0200d"}\n' 0 > "$d/index.json"
nghttpd --no-tls -d "$d" "$port" & sp=$!
sleep 0.5
h2load -n "$n" -c 1 -m 100 "http://127.0.0.1:$port/index.json" | grep -E '^requests:|status codes'
kill $sp; rm -rf "$d"
