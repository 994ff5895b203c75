#!/usr/bin/env bash
# Remakes grpc-python.pcap: the Person API (person.proto) with python grpcio (grpc C-core) on both
# ends, 127.0.0.1:9181: unary, server/client/bidi streaming, NOT_FOUND with status details, an
# application exception (UNKNOWN), a deadline, gzip, a cancelled stream.
# Needs python3-grpcio, python3-protobuf and protobuf-compiler (protoc) from Debian.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=9181
protoc --python_out="$CS_LOG_DIR" person.proto          # person_pb2.py, not kept
export PYTHONPATH="$CS_LOG_DIR"
start_bg server /usr/bin/python3 -u server.py $PORT
wait_port $PORT
start_capture grpc-python.pcap "tcp port $PORT"
timeout 30 /usr/bin/python3 client.py $PORT
stop_capture
