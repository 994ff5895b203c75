#!/usr/bin/env bash
# Remakes xmlrpc-person-api.pcap: the Person API as XML-RPC methods, IPv6 loopback [::1]:8020.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=8020
start_bg server /usr/bin/python3 -u server.py ::1 "$PORT"
wait_port "$PORT"
start_capture xmlrpc-person-api.pcap "tcp port $PORT" lo pcap
timeout 20 /usr/bin/python3 client.py "http://[::1]:$PORT/RPC2"
stop_capture
