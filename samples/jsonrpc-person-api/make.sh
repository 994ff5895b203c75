#!/usr/bin/env bash
# Remakes jsonrpc-person-api.pcap: the Person API as JSON-RPC 2.0 (jayson server and client),
# 127.0.0.1:8030, captured on "any" as Linux cooked capture v1 (LINUX_SLL).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

[ -d ../node_modules/jayson ] || (cd .. && flock /tmp/npm.lock npm install --no-audit --no-fund jayson)
PORT=8030
start_bg server node server.cjs 127.0.0.1 "$PORT"
wait_port "$PORT"
start_capture jsonrpc-person-api.pcap "tcp port $PORT" any sll
timeout 20 node client.cjs 127.0.0.1 "$PORT"
stop_capture
