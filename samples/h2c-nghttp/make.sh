#!/usr/bin/env bash
# Remakes h2c-nghttp.pcap: cleartext HTTP/2 against nghttpd --no-tls on 127.0.0.1:8400.
#   - nghttp (prior knowledge): GET /index.html with a server push of /style.css, GET /person.json, POST with a body
#   - curl --http2-prior-knowledge: GET /big.txt (40 KB, several DATA frames), GET /missing (404)
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=8400
start_bg nghttpd nghttpd --no-tls -d www -p /index.html=/style.css $PORT
wait_port $PORT
start_capture h2c-nghttp.pcap "tcp port $PORT"
timeout 10 nghttp -n http://127.0.0.1:$PORT/index.html
timeout 10 nghttp -n http://127.0.0.1:$PORT/person.json
timeout 10 nghttp -n -d www/person.json -H 'content-type: application/json' http://127.0.0.1:$PORT/person.json
timeout 10 curl -sS -o /dev/null --http2-prior-knowledge http://127.0.0.1:$PORT/big.txt
timeout 10 curl -sS -o /dev/null --http2-prior-knowledge http://127.0.0.1:$PORT/missing
stop_capture
