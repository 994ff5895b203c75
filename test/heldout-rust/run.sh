#!/usr/bin/env bash
# run.sh [OUT]: held-out round 15 — Rust's hyper 0.14, h2 0.3 and reqwest 0.11 (Debian 12's
# librust-*-dev crates, built offline against /usr/share/cargo/registry with Debian's rustc 1.63), and
# Caddy 2.6 (a Go server: files, `respond`, reverse_proxy over HTTP/1.1 to hyper and over h2c to
# @grpc/grpc-js). Records each on loopback, decodes with callscope, compares with what the programs
# logged and with tshark (check.mjs). Installs nothing; it needs (as root):
#   apt-get install -y rustc cargo librust-hyper-dev librust-h2-dev librust-reqwest-dev librust-prost-dev \
#     librust-tokio-dev librust-serde-json-dev librust-futures-util-dev caddy python3 curl \
#     nghttp2-client tshark tcpdump
# the repo's samples/node_modules (@grpc/grpc-js) and a built callscope (`npm run build`).
# Ports 28200–28299 on 127.0.0.1. Every server stops by itself. The build (first time about 3 min)
# goes to $OUT/target; nothing is written under test/.
set -u
OUT=${1:-${OUT:-/tmp/heldout-rust}}
export OUT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
for p in rustc cargo librust-hyper-dev librust-h2-dev librust-reqwest-dev librust-prost-dev librust-tokio-dev librust-serde-json-dev librust-futures-util-dev caddy python3 curl nghttp2-client tshark tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
[ -d "$ROOT/samples/node_modules/@grpc/grpc-js" ] || { echo "samples/node_modules lacks @grpc/grpc-js (npm ci in samples/)" >&2; exit 2; }
mkdir -p "$OUT"
cd "$OUT" || exit 2
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }

echo "== build rustlab offline (Debian's crates, /usr/bin/cargo, /usr/bin/rustc)"
rm -rf "$OUT/lab" && mkdir -p "$OUT/lab" && cp -r "$HERE/lab/." "$OUT/lab/"
( cd "$OUT/lab" && CARGO_HOME=$OUT/cargo-home CARGO_TARGET_DIR=$OUT/target RUSTC=/usr/bin/rustc \
    /usr/bin/cargo build --release --offline -q ) || { echo "rustlab build failed" >&2; exit 2; }
LAB=$OUT/target/release/rustlab

echo "== hyper: HTTP/1.1 keep-alive, h2c by prior knowledge; h2: resets, trailers, gRPC"
$CAP "$OUT/rust-h1.pcap" 'tcp port 28201' timeout 40 "$LAB" h1 28201 > rust-h1.log
$CAP "$OUT/rust-h2.pcap" 'tcp port 28202' timeout 40 "$LAB" h2 28202 > rust-h2.log
$CAP "$OUT/rust-h2raw.pcap" 'tcp port 28203' timeout 40 "$LAB" h2raw 28203 > rust-h2raw.log

echo "== Caddy in front of hyper (HTTP/1.1) and grpc-js (h2c); reqwest and the h2 gRPC client as clients"
mkdir -p www && head -c 400000 /dev/urandom > www/big.bin && echo "small file, caddy" > www/small.txt
XDG_DATA_HOME=$OUT/xdg XDG_CONFIG_HOME=$OUT/xdg timeout 40 caddy run --adapter caddyfile --config "$HERE/Caddyfile" > caddy.err 2>&1 &
PIDS+=($!)
timeout 40 "$LAB" upstream 28251 40 > rust-upstream.log 2>&1 &
PIDS+=($!)
( cd "$ROOT/samples" && exec timeout 40 node grpc-person-api/server.js 28252 ) > grpc-server.log 2>&1 &
PIDS+=($!)
timeout 40 /usr/bin/python3 -m http.server -b 127.0.0.1 -d www 28241 > python.err 2>&1 &
PIDS+=($!)
wait_port 28250; wait_port 28251; wait_port 28252; wait_port 28241
$CAP "$OUT/caddy-http.pcap" 'tcp portrange 28250-28251 or tcp port 28241' "$LAB" reqwest 28250 28241 > reqwest.log
cp rust-upstream.log upstream-http.log
$CAP "$OUT/caddy-grpc.pcap" 'tcp port 28250 or tcp port 28252' "$LAB" person 28250 > person.log
# curl --http2 on plain HTTP: Upgrade: h2c (RFC 7540 §3.2), which Caddy's h2c listener (Go's x/net/http2/h2c) takes,
# with and without a request body
head -c 100000 /dev/urandom > upload.bin
W='{"side":"client","http":"%{http_version}","method":"%{method}","status":%{response_code},"size":%{size_download},"upload":%{size_upload},"url":"%{url_effective}"}\n'
U=http://127.0.0.1:28250
$CAP "$OUT/caddy-upgrade.pcap" 'tcp portrange 28250-28251' bash -c "
  curl -s --http2 -w '$W' -o /dev/null $U/hello.json -o /dev/null $U/files/big.bin
  curl -s --http2 -w '$W' -o /dev/null -H 'content-type: application/octet-stream' --data-binary @upload.bin $U/api/echo
" > curl.log 2> curl.err
cp rust-upstream.log upstream-upgrade.log
# nghttp (prior knowledge) with SETTINGS_HEADER_TABLE_SIZE 0 and 512: Caddy's (Go's) HPACK encoder starts
# its next header block with a dynamic table size update (RFC 7541 §4.2, §6.3)
$CAP "$OUT/caddy-nghttp.pcap" 'tcp portrange 28250-28251' bash -c "
  nghttp -n -s -c 0 -H 'x-a: 1' $U/hello.json $U/files/small.txt $U/api/json $U/files/missing.txt
  nghttp -n -s -c 512 -H 'x-a: 1' $U/hello.json $U/files/small.txt $U/api/json $U/files/missing.txt
" > nghttp.log 2>&1
cleanup

echo "== decode and compare"
node "$HERE/check.mjs" "$OUT"
