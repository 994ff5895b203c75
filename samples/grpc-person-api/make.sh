#!/usr/bin/env bash
# Remakes grpc-person-api.pcap: the Person API over gRPC (@grpc/grpc-js server and client) on
# 127.0.0.1:50051. Needs `npm install` in samples/ (@grpc/grpc-js, @grpc/proto-loader).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=50051
start_bg server node server.js $PORT
wait_port $PORT
start_capture grpc-person-api.pcap "tcp port $PORT"
timeout 30 node client.js $PORT all
stop_capture
