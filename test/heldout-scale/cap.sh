#!/bin/sh
# cap.sh OUT.pcap PORTFILTER -- CMD...   : tcpdump on lo around CMD, prints tcpdump's drop summary.
out=$1; filt=$2; shift 3
tcpdump -i lo -s 0 -B 131072 -w "$out" "$filt" 2>/tmp/scale/tcpdump.$$.log &
tp=$!
sleep 1
"$@"
sleep 1
kill -INT $tp; wait $tp
grep -E 'captured|dropped' /tmp/scale/tcpdump.$$.log; rm -f /tmp/scale/tcpdump.$$.log
ls -l "$out"
