#!/usr/bin/env bash
# cap.sh OUT.pcap 'FILTER' CMD...: capture loopback with FILTER while CMD runs (bounded by the caller).
OUT=$1; FILTER=$2; shift 2
LOG=$(mktemp /tmp/heldout-http/td.XXXXXX)
tcpdump -i lo -B 131072 -w "$OUT" "$FILTER" > "$LOG" 2>&1 &
TD=$!
for i in $(seq 50); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
"$@"
RC=$?
sleep 1; kill -INT $TD; wait $TD
grep -E "captured|dropped" "$LOG" | tr '\n' ' ' >&2; echo >&2
rm -f "$LOG"
exit $RC
