#!/usr/bin/env bash
# Socket.IO held-out: python-socketio 5 (Debian) client and server, socket.io-client 2 (Engine.IO 3) and 4
# against a socket.io 4 server or python's. Needs python3-socketio python3-engineio python3-websocket python3-aiohttp;
# npm socket.io + socket.io-client (samples/node_modules) and socket.io-client@2 in $V2 (default /tmp/heldout/sio2).
# Usage: test/heldout/socketio/run.sh [OUT_DIR]   → OUT_DIR/sio-*.pcap and client logs (polling.cjs logs both ends)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"; OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
V2="${V2:-/tmp/heldout/sio2}"
[ -d "$V2/node_modules/socket.io-client" ] || (mkdir -p "$V2" && cd "$V2" && npm init -y >/dev/null && npm install --no-audit --no-fund socket.io-client@2 >/dev/null)
NM="$HERE/../../../samples/node_modules"
NODE_PATH="$NM" node "$HERE/server.cjs" 21700 > "$OUT/sio-server.log" 2>&1 & S1=$!
/usr/bin/python3 "$HERE/server.py" 21701 > "$OUT/sio-pyserver.log" 2>&1 & S2=$!
sleep 2
"$HERE/../cap.sh" "$OUT/sio-py-client.pcap" 'tcp port 21700' /usr/bin/python3 "$HERE/client.py" 21700 > "$OUT/sio-py-client.log" 2>&1
"$HERE/../cap.sh" "$OUT/sio-v2-client.pcap" 'tcp port 21700' env NODE_PATH="$V2/node_modules" node "$HERE/client-v2.cjs" 21700 > "$OUT/sio-v2-client.log" 2>&1
"$HERE/../cap.sh" "$OUT/sio-py-server.pcap" 'tcp port 21701' env NODE_PATH="$NM" node "$HERE/client-v4.cjs" 21701 > "$OUT/sio-py-server.log" 2>&1
# Long-polling only (polling.cjs: server and client in one process): acks both ways, binary attachments, /chat, timeouts
"$HERE/../cap.sh" "$OUT/sio-polling-v4.pcap" 'tcp port 21702' env NODE_PATH="$NM" node "$HERE/polling.cjs" v4 21702 > "$OUT/sio-polling-v4.log" 2>&1
"$HERE/../cap.sh" "$OUT/sio-polling-v2.pcap" 'tcp port 21703' env NODE_PATH="$NM" V2="$V2" node "$HERE/polling.cjs" v2 21703 > "$OUT/sio-polling-v2.log" 2>&1
"$HERE/../cap.sh" "$OUT/sio-polling-upgrade.pcap" 'tcp port 21704' env NODE_PATH="$NM" node "$HERE/polling.cjs" upgrade 21704 > "$OUT/sio-polling-upgrade.log" 2>&1
[ -x /usr/bin/chromium ] && "$HERE/../cap.sh" "$OUT/sio-browser-v2.pcap" 'tcp port 21705' env NODE_PATH="$NM:$HERE/../../../node_modules" V2="$V2" node "$HERE/browser-v2.cjs" 21705 > "$OUT/sio-browser-v2.log" 2>&1
kill $S1 $S2 2>/dev/null
echo "captures in $OUT/sio-*.pcap"
