#!/usr/bin/env bash
# NATS over WebSocket: nats.ws 1.x (ws as its WebSocket on Node 20) against nats-server's websocket
# listener (no subprotocol; binary messages), captured on 127.0.0.1:21480.
# Needs: apt-get install nats-server tcpdump. Usage: test/heldout/natsws/run.sh [OUT_DIR]
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT
(cd "$W" && npm init -y >/dev/null && npm install --no-audit --no-fund nats.ws@1 ws >/dev/null) || exit 1
cp "$HERE/lab.cjs" "$W/"
printf 'listen: 127.0.0.1:21422\nwebsocket { listen: "127.0.0.1:21480", no_tls: true }\n' > "$W/ws.conf"
nats-server -c "$W/ws.conf" > "$W/nats.log" 2>&1 &
sleep 1
"$HERE/../cap.sh" "$OUT/natsws.pcap" 'tcp port 21480' node "$W/lab.cjs" 21480 > "$OUT/natsws.log" 2>&1
echo "capture in $OUT/natsws.pcap, client log beside it"
