#!/usr/bin/env bash
# Remakes graphql-person-api.pcap: the Person API over GraphQL (npm graphql-http + graphql-ws) on 127.0.0.1:8800.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
start_capture graphql-person-api.pcap "tcp port 8800"
NODE_PATH=../node_modules timeout 20 node server-client.cjs
stop_capture
