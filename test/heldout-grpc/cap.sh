#!/bin/sh
# cap.sh OUT.pcap FILTER CMD…: tcpdump on lo around a command (bounded: 120 s).
out=$1; filter=$2; shift 2
tcpdump -i lo -s 0 -U -w "$out" "$filter" 2>/dev/null &
tp=$!
sleep 1
timeout 120 "$@"
rc=$?
sleep 1
kill "$tp"; wait "$tp" 2>/dev/null
exit $rc
