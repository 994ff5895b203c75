#!/usr/bin/env bash
# Remakes thrift-person-api.pcap: the Person API as a Thrift service (Debian python3-thrift 0.17),
# on 127.0.0.1: binary/buffered :9090, compact/framed :9091, binary/framed multiplexed :9092, and over HTTP
# (THttpServer/THttpClient, one POST per message): binary :9093, JSON protocol :9094; and the THeader
# transport (compact, an info header, the zlib transform) :9095.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PY=/usr/bin/python3
GEN="$CS_LOG_DIR/gen"
mkdir -p "$GEN"
thrift --gen py -out "$GEN" person.thrift

start_bg binary "$PY" -u server.py "$GEN" 9090 binary buffered
start_bg compact "$PY" -u server.py "$GEN" 9091 compact framed
start_bg mux "$PY" -u server.py "$GEN" 9092 binary framed multiplexed
start_bg http-binary "$PY" -u server.py "$GEN" 9093 binary http
start_bg http-json "$PY" -u server.py "$GEN" 9094 json http
start_bg header "$PY" -u server.py "$GEN" 9095 compact header
wait_port 9090; wait_port 9091; wait_port 9092; wait_port 9093; wait_port 9094; wait_port 9095
start_capture thrift-person-api.pcap 'tcp portrange 9090-9095' lo pcap
timeout 20 "$PY" client.py "$GEN" 9090 binary buffered
timeout 20 "$PY" client.py "$GEN" 9091 compact framed
timeout 20 "$PY" client.py "$GEN" 9092 binary framed multiplexed
timeout 20 "$PY" client.py "$GEN" 9093 binary http
timeout 20 "$PY" client.py "$GEN" 9094 json http
timeout 20 "$PY" client.py "$GEN" 9095 compact header zlib
stop_capture
