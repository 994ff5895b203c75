#!/usr/bin/env bash
# Remakes grpc-reflection.pcap: a client with no .proto discovers the Inventory service by gRPC
# server reflection (@grpc/reflection on a @grpc/grpc-js server), then calls it, on
# 127.0.0.1:50053. The .proto is inside server.js on purpose: none sits beside the capture.
# Needs `npm install` in samples/ (@grpc/grpc-js, @grpc/proto-loader, @grpc/reflection, protobufjs).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=50053
start_bg server node server.js $PORT
wait_port $PORT
start_capture grpc-reflection.pcap "tcp port $PORT"
timeout 30 node client.js $PORT
stop_capture
