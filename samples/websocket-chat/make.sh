#!/usr/bin/env bash
# Remakes websocket-chat.pcap: npm "ws" server + client on 127.0.0.1:8600-8602 (plain, deflate,
# deflate without context takeover). The HTTP/1.1 Upgrade is captured, so callscope reaches the
# WebSocket decoder through the HTTP hand-off.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
start_capture websocket-chat.pcap "tcp portrange 8600-8602"
NODE_PATH=../node_modules timeout 20 node chat.cjs
stop_capture
