#!/bin/sh
# 2000 keep-alive connections open at once, each making R requests (rounds of N parallel requests).
port=${PORT:-25001}
PORT=$port node "$(dirname "$0")/tiny-http.cjs" & sp=$!
sleep 0.5
PORT=$port N=${N:-2000} R=${R:-20} node "$(dirname "$0")/concurrent-client.cjs"
kill $sp
