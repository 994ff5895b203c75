#!/usr/bin/env bash
# Remakes socketio-chat.pcap: npm socket.io 4 server + socket.io-client on 127.0.0.1:8700 (chat.cjs).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
start_capture socketio-chat.pcap "tcp port 8700"
NODE_PATH=../node_modules timeout 20 node chat.cjs
stop_capture
