#!/usr/bin/env bash
# Remakes connect-person-api.pcap: the Person API (person.proto) served by Connect-ES on
# 127.0.0.1:24010 (h2c) and 127.0.0.1:24011 (HTTP/1.1), called over the Connect, gRPC and
# gRPC-Web protocols by a Connect-ES client. Needs `npm install` in samples/ (@connectrpc/connect,
# @connectrpc/connect-node, @bufbuild/protobuf) and protoc (Debian: protobuf-compiler).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

H2=24010
H1=24011
PB="$CS_LOG_DIR/person.pb"
protoc -I . --include_imports --descriptor_set_out="$PB" person.proto
start_bg server node server.js "$PB" $H2 $H1
wait_port $H2
wait_port $H1
start_capture connect-person-api.pcap "tcp port $H2 or tcp port $H1"
timeout 30 node client.js "$PB" $H2 $H1
stop_capture
