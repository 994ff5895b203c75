#!/usr/bin/env bash
# Makes the benchmark capture once: HTTP/1.1 keep-alive JSON calls on loopback, from several concurrent
# node clients (load.mjs) against a node:http server (server.mjs), captured with tcpdump until the file
# reaches the target size.
#
#   test/bench/make-capture.sh            .cache/bench/http-bench.pcap        ≥ 500 MiB, port 8080
#   test/bench/make-capture.sh --quick    .cache/bench/http-bench-quick.pcap  ≥ 50 MiB,  port 8081
#   add --force to remake an existing capture
#
# A finished capture has a FILE.meta.json next to it (size, packets, kernel drops, seconds, versions);
# without it the capture counts as incomplete and is remade. Bounded: the load stops at the target
# size or after BENCH_MAX_SECONDS (default 900), whichever comes first.
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
if [ "$QUICK" = 1 ]; then NAME=http-bench-quick.pcap TARGET_MIB=50 PORT=8081
else NAME=http-bench.pcap TARGET_MIB=500 PORT=8080; fi
CLIENTS="${BENCH_CLIENTS:-3}"         # client processes
CONNS="${BENCH_CONNECTIONS:-4}"       # concurrent keep-alive connections per client
MAX_SECONDS="${BENCH_MAX_SECONDS:-900}"

. "$HERE/lib.sh"
prepare_output
. "$ROOT/samples/lib/capture.sh"
CS_TCPDUMP_OPTS="-B 65536"   # no -U: let tcpdump buffer its writes; a 64 MiB kernel buffer against drops

start_bg server node "$HERE/server.mjs" 127.0.0.1 "$PORT"
wait_port "$PORT"
start_capture "$PART" "tcp port $PORT" lo pcap

TARGET_BYTES=$((TARGET_MIB * 1024 * 1024))
START=$(date +%s.%N)
for i in $(seq 1 "$CLIENTS"); do start_bg "client$i" node "$HERE/load.mjs" 127.0.0.1 "$PORT" "$CONNS" "$i"; done
cs_log "load: $CLIENTS clients x $CONNS connections; target $TARGET_MIB MiB, at most ${MAX_SECONDS}s"
wait_for_size "$PART" "$TARGET_BYTES" "$MAX_SECONDS"
for i in $(seq 1 "$CLIENTS"); do stop_bg "client$i"; done
stop_capture 1

for i in $(seq 1 "$CLIENTS"); do cat "$CS_LOG_DIR/client$i.log" >&2 || true; done
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
  "connectionsPerClient": $CONNS,
  "port": $PORT,
  "tcpdump": { "captured": ${CAPTURED:-null}, "receivedByFilter": ${RECEIVED:-null}, "droppedByKernel": ${DROPPED:-null} },
  "made": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "versions": { "node": "$(node --version)", "tcpdump": "$(tcpdump --version 2>&1 | head -1 | awk '{print $3}')", "kernel": "$(uname -r)" }
}
JSON
cs_log "done in ${LOAD_SECONDS}s: $OUT ($BYTES bytes), tcpdump dropped ${DROPPED:-?} packets"
cat "$META"
