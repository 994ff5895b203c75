#!/usr/bin/env bash
# Remakes dubbo-person-api.pcap: Dubbo 2 frames with Hessian 2 bodies (hessian.js + a small framer, dubbo.cjs)
# between a Node server and client on 127.0.0.1:20880.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=20880
start_bg server node dubbo.cjs server "$PORT"
wait_port "$PORT"
start_capture dubbo-person-api.pcap "tcp port $PORT" lo pcap
timeout 20 node dubbo.cjs client "$PORT"
stop_capture
