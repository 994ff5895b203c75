#!/usr/bin/env bash
# Remakes h2c-upgrade.pcap: HTTP/1.1 "Upgrade: h2c" (RFC 7540 §3.2) against a python3-h2 server on
# 127.0.0.1:9180, with curl --http2 (no prior knowledge: curl offers the upgrade):
#   - GET /persons/7 then GET /missing on one connection: 101, the upgraded request answered on
#     HTTP/2 stream 1, the second request on stream 3 (404)
#   - POST /persons with a JSON body: the body travels in HTTP/1.1 before the switch, the answer
#     (201) on stream 1
#   - GET /h1/a then GET /h1/b: the server ignores the offer and answers in HTTP/1.1 (a failed
#     upgrade), the connection stays HTTP/1.1
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=9180
start_bg server /usr/bin/python3 -u server.py $PORT
wait_port $PORT
start_capture h2c-upgrade.pcap "tcp port $PORT"
timeout 10 curl -sS --max-time 5 --http2 http://127.0.0.1:$PORT/persons/7 http://127.0.0.1:$PORT/missing
echo
timeout 10 curl -sS --max-time 5 --http2 -H 'content-type: application/json' -d '{"name":"Grace Hopper"}' http://127.0.0.1:$PORT/persons
echo
timeout 10 curl -sS --max-time 5 --http2 http://127.0.0.1:$PORT/h1/a http://127.0.0.1:$PORT/h1/b
echo
stop_capture
