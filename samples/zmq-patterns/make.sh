#!/usr/bin/env bash
# Remakes zmq-patterns.pcap: pyzmq sockets on 127.0.0.1:5555-5560 (no broker; libzmq speaks ZMTP 3.1).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
start_capture zmq-patterns.pcap "tcp portrange 5555-5565"
timeout 30 /usr/bin/python3 patterns.py
stop_capture
