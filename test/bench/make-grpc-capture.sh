#!/usr/bin/env bash
# Makes the gRPC benchmark capture once: unary, server-streaming, client-streaming and bidi calls of
# the Person API (samples/grpc-person-api/person.proto) from several concurrent @grpc/grpc-js clients
# (grpc-load.mjs) against a @grpc/grpc-js server (grpc-server.mjs) on loopback, captured with tcpdump
# until the file reaches the target size.
#
#   test/bench/make-grpc-capture.sh           .cache/bench/grpc-bench.pcap        ≥ 200 MiB, port 9250
#   test/bench/make-grpc-capture.sh --quick   .cache/bench/grpc-bench-quick.pcap  ≥ 25 MiB,  port 9251
#   add --force to remake an existing capture
#
# Needs @grpc/grpc-js and @grpc/proto-loader in samples/node_modules (cd samples && npm install).
# FILE.meta.json records size, packets, kernel drops, seconds, versions and the RPCs the clients
# made (each client finishes its calls in flight before it exits, so every call counted is whole in
# the capture). Bounded: the load stops at the target size or after BENCH_MAX_SECONDS (default 900).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

QUICK=0 FORCE=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --force) FORCE=1 ;;
    *) echo "usage: $0 [--quick] [--force]" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then NAME=grpc-bench-quick.pcap TARGET_MIB=25 PORT=9251
else NAME=grpc-bench.pcap TARGET_MIB=200 PORT=9250; fi
CLIENTS="${BENCH_CLIENTS:-3}"          # client processes
CHANNELS="${BENCH_CHANNELS:-2}"        # channels (TCP connections) per client, two concurrent call loops each
MAX_SECONDS="${BENCH_MAX_SECONDS:-900}"

. "$HERE/lib.sh"
prepare_output
if [ ! -d "$ROOT/samples/node_modules/@grpc/grpc-js" ]; then
  # (a fresh machine: the samples' own dependencies, @grpc/grpc-js among them, from the npm registry)
  echo "bench: installing the samples' npm dependencies (@grpc/grpc-js): npm ci --prefix samples" >&2
  (cd "$ROOT/samples" && npm ci --no-audit --no-fund >/dev/null) || true
fi
if [ ! -d "$ROOT/samples/node_modules/@grpc/grpc-js" ]; then
  echo "@grpc/grpc-js is not installed in samples/ and could not be installed: cd samples && npm install" >&2
  exit 1
fi
. "$ROOT/samples/lib/capture.sh"
CS_TCPDUMP_OPTS="-B 65536"   # no -U: let tcpdump buffer its writes; a 64 MiB kernel buffer against drops

start_bg server node "$HERE/grpc-server.mjs" 127.0.0.1 "$PORT"
wait_port "$PORT"
start_capture "$PART" "tcp port $PORT" lo pcap

TARGET_BYTES=$((TARGET_MIB * 1024 * 1024))
START=$(date +%s.%N)
for i in $(seq 1 "$CLIENTS"); do start_bg "client$i" node "$HERE/grpc-load.mjs" 127.0.0.1 "$PORT" "$CHANNELS" "$i"; done
cs_log "load: $CLIENTS clients x $CHANNELS channels x 2 call loops; target $TARGET_MIB MiB, at most ${MAX_SECONDS}s"
wait_for_size "$PART" "$TARGET_BYTES" "$MAX_SECONDS"
# SIGTERM: each client lets its calls in flight finish, closes its channels and prints its counts.
for i in $(seq 1 "$CLIENTS"); do kill -TERM "${CS_BG_BY_NAME[client$i]}" 2>/dev/null || true; done
for i in $(seq 1 "$CLIENTS"); do stop_bg "client$i"; done
stop_capture 1

RPCS=0 UNARY=0 SSTREAM=0 CSTREAM=0 BIDI=0 FAILED=0
for i in $(seq 1 "$CLIENTS"); do
  line=$(grep -E '^\{"client"' "$CS_LOG_DIR/client$i.log" | tail -1 || true)
  if [ -z "$line" ]; then
    cs_log "client $i printed no counts:"; cat "$CS_LOG_DIR/client$i.log" >&2
    RPCS=null; break
  fi
  echo "$line" >&2
  get() { echo "$line" | grep -oE "\"$1\":[0-9]+" | cut -d: -f2; }
  RPCS=$((RPCS + $(get rpcs))); UNARY=$((UNARY + $(get unary))); SSTREAM=$((SSTREAM + $(get serverStream)))
  CSTREAM=$((CSTREAM + $(get clientStream))); BIDI=$((BIDI + $(get bidi))); FAILED=$((FAILED + $(get failed)))
done
read_tcpdump_counts
mv "$PART" "$OUT"
BYTES=$(stat -c %s "$OUT")
cat >"$META" <<JSON
{
  "file": "$NAME",
  "bytes": $BYTES,
  "targetMiB": $TARGET_MIB,
  "stoppedBy": "$STOPPED_BY",
  "loadSeconds": $LOAD_SECONDS,
  "clients": $CLIENTS,
  "channelsPerClient": $CHANNELS,
  "port": $PORT,
  "decodeAs": "tcp.port==$PORT,http2",
  "rpcs": $RPCS,
  "rpcKinds": { "unary": $UNARY, "serverStreaming": $SSTREAM, "clientStreaming": $CSTREAM, "bidi": $BIDI, "nonOkStatus": $FAILED },
  "tcpdump": { "captured": ${CAPTURED:-null}, "receivedByFilter": ${RECEIVED:-null}, "droppedByKernel": ${DROPPED:-null} },
  "made": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "versions": { "node": "$(node --version)", "grpc-js": "$(node -p "require('$ROOT/samples/node_modules/@grpc/grpc-js/package.json').version")", "tcpdump": "$(tcpdump --version 2>&1 | head -1 | awk '{print $3}')", "kernel": "$(uname -r)" }
}
JSON
cs_log "done in ${LOAD_SECONDS}s: $OUT ($BYTES bytes, $RPCS RPCs), tcpdump dropped ${DROPPED:-?} packets"
cat "$META"
