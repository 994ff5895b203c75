#!/usr/bin/env bash
# run.sh [OUT]: record held-out round 16 on loopback (ports 28010-28047) and compare with check.mjs.
# Installs nothing (README.md lists the packages); needs a built callscope (npm run build) and, for the
# grpc-js lab, NODE_PATH with @grpc/grpc-js and @grpc/proto-loader (npm install in OUT). About 40 s.
set -u
D=${1:-/tmp/heldout-h2r16}; H=$(cd "$(dirname "$0")" && pwd); CAP="$H/../heldout/cap.sh"
mkdir -p "$D"; cd "$D" || exit 1
cp "$H/lab.proto" "$D/lab.proto"   # beside the captures: callscope finds it there
bash "$H/cpp/build.sh" "$D" || exit 1
bash "$CAP" "$D/cpp.pcap" 'tcp port 28010' "$D/cpp-lab" 28010 >"$D/cpp.log"
export NODE_PATH=${NODE_PATH:-$D/node_modules}
bash "$CAP" "$D/grpcjs.pcap" 'tcp port 28020' node "$H/grpcjs-lab.cjs" 28020 >"$D/grpcjs.log"
hc() { (cd "$H" && timeout 25 /usr/bin/hypercorn -b 127.0.0.1:28030 asgi_app:app 2>"$D/hypercorn.server.log" & S=$!; sleep 1.5; /usr/bin/python3 "$H/httpx-client.py" 28030; sleep 0.3; kill -INT $S; wait $S); }
export -f hc; export H D
bash "$CAP" "$D/hypercorn.pcap" 'tcp port 28030' bash -c hc >"$D/hypercorn.log"
bash "$CAP" "$D/hypercorn-upgrade.pcap" 'tcp port 28031' bash "$H/hypercorn-upgrade.sh" "$D" >"$D/hypercorn-upgrade.log"
bash "$CAP" "$D/varnish.pcap" 'tcp port 28040 or tcp port 28041' bash "$H/varnish.sh" "$D" >"$D/varnish.log"
# cut copies: from a later packet (the middle of grpc-js's 300 concurrent calls; C++'s stream 9) and snaplen 200
editcap -r "$D/grpcjs.pcap" "$D/grpcjs-late.pcap" 40-1000000
N=$(tshark -r "$D/cpp.pcap" -d tcp.port==28010,http2 -Y 'http2.streamid==9 && http2.type==1' -T fields -e frame.number 2>/dev/null | head -1)
editcap -r "$D/cpp.pcap" "$D/cpp-late.pcap" "${N:-20}-1000000"
editcap -s 200 "$D/grpcjs.pcap" "$D/grpcjs-snap.pcap"
editcap -s 200 "$D/cpp.pcap" "$D/cpp-snap.pcap"
node "$H/check.mjs" "$D"
