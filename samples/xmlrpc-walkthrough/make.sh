#!/usr/bin/env bash
# Remakes xmlrpc-walkthrough.pcap: Python's SimpleXMLRPCServer on 127.0.0.1:8000, called by xmlrpc.client.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=8000
start_bg server /usr/bin/python3 -u server.py "$PORT"
wait_port "$PORT"
start_capture xmlrpc-walkthrough.pcap "tcp port $PORT" lo pcap
timeout 20 /usr/bin/python3 client.py "$PORT"
stop_capture
