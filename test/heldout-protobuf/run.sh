#!/bin/sh
# Differential campaign: callscope's protobuf decoder against protoc 3.21 / python3-protobuf (see README.md).
# Usage: test/heldout-protobuf/run.sh   (env: OUT work dir, N messages per generator loop, SEED, MAX raw inputs per source,
#        REPO another checkout to test, e.g. a build of an older commit)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/pbdiff}
mkdir -p "$OUT"
cp "$HERE/p2.proto" "$HERE/p3.proto" "$HERE/gen.py" "$OUT/"
cd "$OUT"
protoc -I. --python_out=. p3.proto p2.proto
N=${N:-600} SEED=${SEED:-2} /usr/bin/python3 gen.py
# gRPC payloads of captures (tshark's gRPC dissector; "<capture> <hex>" per line), when there are any
: > payloads.txt
for cp in ${CAPTURES:-/tmp/heldout-h2r16/cpp.pcap:28010 /tmp/heldout-h2r16/grpcjs.pcap:28020 /tmp/heldout-h2r16/hypercorn.pcap:28030 /tmp/heldout-h2r16/varnish.pcap:28040 $HERE/../../.cache/bench/grpc-bench-quick.pcap:9251}; do
  f=${cp%:*}; p=${cp##*:}
  [ -f "$f" ] || continue
  tshark -r "$f" -d "tcp.port==$p,http2" -Y grpc.message_data -T fields -e grpc.message_data 2>/dev/null | tr ',' '\n' | grep -v '^$' | sed "s|^|$(basename "$f") |" >> payloads.txt || true
done
cd "$HERE/../.."
node --import tsx "$HERE/cmp-schema.mts" "$OUT" | tee "$OUT/schema-report.txt"
MAX=${MAX:-1500} node --import tsx "$HERE/cmp-raw.mts" "$OUT" | tee "$OUT/raw-report.txt"
