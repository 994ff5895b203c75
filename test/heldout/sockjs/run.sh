#!/usr/bin/env bash
# STOMP over SockJS (the Spring WebSocket guides' pattern): @stomp/stompjs over sockjs-client's
# WebSocket transport against npm sockjs with a small STOMP broker behind it (lab.cjs), on 127.0.0.1:21590.
# Needs: apt-get install tcpdump. Usage: test/heldout/sockjs/run.sh [OUT_DIR]
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
(cd "$W" && npm init -y >/dev/null && npm install --no-audit --no-fund sockjs sockjs-client @stomp/stompjs >/dev/null) || exit 1
cp "$HERE/lab.cjs" "$W/"
"$HERE/../cap.sh" "$OUT/sockjs-stomp.pcap" 'tcp port 21590' node "$W/lab.cjs" 21590 > "$OUT/sockjs-stomp.log" 2>&1
echo "capture in $OUT/sockjs-stomp.pcap, client log beside it"
