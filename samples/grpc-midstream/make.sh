#!/usr/bin/env bash
# Remakes grpc-midstream.pcap: a gRPC channel (the Person API, port 50052) that made calls
# BEFORE the capture started; the capture then sees more calls on the same connection: no
# preface, no SETTINGS, an HPACK dynamic table it never saw filled.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=50052
start_bg server node ../grpc-person-api/server.js $PORT
wait_port $PORT
fifo="$CS_LOG_DIR/client.stdin"
mkfifo "$fifo"
start_bg client sh -c "timeout 30 node ../grpc-person-api/client.js $PORT mid < '$fifo'"
exec 3>"$fifo"
for i in $(seq 1 100); do grep -q READY "$CS_LOG_DIR/client.log" && break; sleep 0.1; done
start_capture grpc-midstream.pcap "tcp port $PORT"
echo go >&3
exec 3>&-
for i in $(seq 1 100); do kill -0 "${CS_BG_BY_NAME[client]}" 2>/dev/null || break; sleep 0.1; done
stop_capture
