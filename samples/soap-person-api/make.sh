#!/usr/bin/env bash
# Remakes soap-person-api.pcap: the Person API as a SOAP service (npm soap), SOAP 1.1 and SOAP 1.2 clients,
# one server on 127.0.0.1:8700 (the WSDL is read from the file, not fetched over the wire).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=8700
start_bg server node server.cjs "$PORT"
wait_port "$PORT"
start_capture soap-person-api.pcap "tcp port $PORT" lo pcap
timeout 20 node client.cjs person.wsdl "http://127.0.0.1:$PORT/person"
timeout 20 node client.cjs person.wsdl "http://127.0.0.1:$PORT/person12" soap12
stop_capture
