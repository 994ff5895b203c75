#!/usr/bin/env bash
# Remakes sse-stream.pcap: a node:http server streaming server-sent events and NDJSON on
# 127.0.0.1:9500 (HTTP/1.1) and 9501 (h2c), read by curl -N and by a fetch-based EventSource-like
# client that hangs up after three events.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
start_bg server node server.cjs 9500
wait_port 9500
wait_port 9501
start_capture sse-stream.pcap "tcp portrange 9500-9501"
curl -sS -N --max-time 5 http://127.0.0.1:9500/events
curl -sS -N --max-time 5 http://127.0.0.1:9500/ndjson
curl -sS -N --max-time 5 --compressed http://127.0.0.1:9500/events-gzip >/dev/null
timeout 10 node client.cjs 9500
curl -sS -N --max-time 5 --http2-prior-knowledge http://127.0.0.1:9501/events
stop_capture
stop_bg server
