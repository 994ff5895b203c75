#!/bin/sh
# One keep-alive connection: GET of a 300 MB response then a 300 MB chunked POST (curl reuses the connection).
port=${PORT:-25002}
PORT=$port node "$(dirname "$0")/tiny-http.cjs" & sp=$!
sleep 0.5
head -c $((300<<20)) /dev/zero > /tmp/scale/up.bin
PORT=$port curl -s -o /dev/null "http://127.0.0.1:$port/big?mb=300" \
  --next -s -o /dev/null -H 'Transfer-Encoding: chunked' --data-binary @/tmp/scale/up.bin "http://127.0.0.1:$port/up"
kill $sp; rm -f /tmp/scale/up.bin
