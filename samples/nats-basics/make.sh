#!/usr/bin/env bash
# Remakes nats-basics.pcap: nats-server on 127.0.0.1:4222 (user/password), two nats.js clients.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
PORT=4222
start_bg nats nats-server -a 127.0.0.1 -p $PORT --user app --pass s3cret
wait_port $PORT
start_capture nats-basics.pcap "tcp port $PORT"
NODE_PATH=../node_modules timeout 20 node client.cjs
stop_capture
