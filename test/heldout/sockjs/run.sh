#!/usr/bin/env bash
# STOMP over SockJS (the Spring WebSocket guides' pattern): @stomp/stompjs over sockjs-client against npm
# sockjs with a small STOMP broker behind it (lab.cjs), on 127.0.0.1:21590, once per transport sockjs-client
# may use: websocket, xhr-streaming, xhr-polling, eventsource (Node), then htmlfile and jsonp-polling from
# Chromium (browser.cjs loads lab.cjs's page.html: they need a DOM), on 21591. Each run ends with a plain
# SockJS echo session (/echo: messages that are not STOMP, heartbeats, a close 3001).
# Needs: apt-get install tcpdump chromium; the repository's playwright-core (node_modules) for the browser runs.
# Usage: test/heldout/sockjs/run.sh [OUT_DIR]   → OUT_DIR/sockjs-<transport>.pcap and .log (the programs' own logs)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
(cd "$W" && npm init -y >/dev/null && npm install --no-audit --no-fund sockjs sockjs-client @stomp/stompjs >/dev/null) || exit 1
cp "$HERE/lab.cjs" "$HERE/page.html" "$W/"
for t in websocket xhr-streaming xhr-polling eventsource; do
  "$HERE/../cap.sh" "$OUT/sockjs-$t.pcap" 'tcp port 21590' node "$W/lab.cjs" 21590 "$t" > "$OUT/sockjs-$t.log" 2>&1
done
if [ -x /usr/bin/chromium ]; then
  for t in htmlfile jsonp-polling; do
    node "$W/lab.cjs" 21591 --serve > "$OUT/sockjs-$t.server.log" 2>&1 & SP=$!
    sleep 0.5
    "$HERE/../cap.sh" "$OUT/sockjs-$t.pcap" 'tcp port 21591' env NODE_PATH="$HERE/../../../node_modules" node "$HERE/browser.cjs" 21591 "$t" > "$OUT/sockjs-$t.log" 2>&1
    kill "$SP" 2>/dev/null; wait "$SP" 2>/dev/null
  done
fi
echo "captures in $OUT/sockjs-*.pcap, logs beside them"
