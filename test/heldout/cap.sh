#!/usr/bin/env bash
# cap.sh OUT.pcap 'FILTER' CMD...: capture loopback with FILTER while CMD runs (CMD bounded: 120 s).
# Shared by the held-out rounds (test/heldout*/).
OUT=$1; FILTER=$2; shift 2
LOG=$(mktemp "$(dirname "$OUT")/td.XXXXXX")
tcpdump -i lo -B 131072 -s 0 -U -w "$OUT" "$FILTER" > "$LOG" 2>&1 &
TD=$!
for i in $(seq 50); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
timeout 120 "$@"
RC=$?
sleep 1; kill -INT $TD; wait $TD
grep -E "captured|dropped" "$LOG" | tr '\n' ' ' >&2; echo >&2
rm -f "$LOG"
exit $RC
