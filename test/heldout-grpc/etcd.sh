#!/usr/bin/env bash
# etcd.sh [OUT_DIR]: etcd 3.4 (Debian etcd-server, grpc-go 1.33) driven by etcdctl over gRPC and by curl through
# its grpc-gateway (HTTP/JSON transcoding), recorded on 127.0.0.1:23790. With etcd's .proto files beside the capture
# (Debian golang-etcd-server-dev) the gRPC calls are named and typed and the gateway's HTTP calls link to their rpc.
#   apt-get install etcd-server etcd-client golang-etcd-server-dev tcpdump curl
set -euo pipefail
OUT=${1:-/tmp/heldout-etcd}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
rm -rf "$OUT/data"
etcd --data-dir "$OUT/data" --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 >"$OUT/etcd.log" 2>&1 &
ETCD=$!
trap 'kill $ETCD 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:23790/version >/dev/null && break; sleep 0.2; done
E=(etcdctl --endpoints=127.0.0.1:23790)
"$here/cap.sh" "$OUT/etcd.pcap" 'tcp port 23790' bash -c "
  ${E[*]} put foo bar; ${E[*]} get foo; ${E[*]} get --prefix f -w json; ${E[*]} del foo; ${E[*]} get nothere
  (timeout 3 ${E[*]} watch w1 || true) & sleep 1; ${E[*]} put w1 v1; ${E[*]} put w1 v2; wait
  L=\$(${E[*]} lease grant 60 | awk '{print \$2}'); ${E[*]} put --lease=\$L k2 v; ${E[*]} lease keep-alive --once \$L
  ${E[*]} member list; ${E[*]} endpoint status
  curl -s -X POST http://127.0.0.1:23790/v3/kv/range -d '{\"key\":\"azI=\"}'; curl -s http://127.0.0.1:23790/version
  curl -s -X POST http://127.0.0.1:23790/v3/kv/put -d '{\"key\":\"eA==\",\"value\":\"eQ==\"}'"
src=/usr/share/gocode/src/go.etcd.io/etcd
if [ -d "$src" ]; then rm -rf "$OUT/etcd" && mkdir -p "$OUT/etcd" && (cd "$src" && find . -name '*.proto' | cpio -pdm --quiet "$OUT/etcd"); fi
echo "now: callscope $OUT/etcd.pcap"
