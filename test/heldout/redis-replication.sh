#!/usr/bin/env bash
# redis-replication.sh [OUT]: a master (28501) and a replica (28502) of redis-server on loopback: 50 keys
# written, REPLICAOF (a full resync: PSYNC, +FULLRESYNC, newlines while the diskless snapshot waits its
# 5 s, the RDB), writes the master streams to the replica, a read on the replica; both shut down.
# Then OUT/repl-late.pcap: the same capture from the first write after the sync (a link joined late).
# Needs redis-server, redis-cli, tcpdump, editcap, tshark and a built callscope.
set -u
OUT=${1:-/tmp/heldout-redis-repl}; mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d); trap 'redis-cli -p 28501 SHUTDOWN NOSAVE >/dev/null 2>&1; redis-cli -p 28502 SHUTDOWN NOSAVE >/dev/null 2>&1; rm -rf "$W"' EXIT
lab() {
  mkdir -p "$W/m" "$W/r"
  redis-server --port 28501 --bind 127.0.0.1 --dir "$W/m" --save '' --daemonize yes --logfile "$W/m.log"
  redis-server --port 28502 --bind 127.0.0.1 --dir "$W/r" --save '' --daemonize yes --logfile "$W/r.log"
  sleep 0.5
  for i in $(seq 1 50); do redis-cli -p 28501 SET "key:$i" "value-$i" >/dev/null; done
  redis-cli -p 28501 HSET h f1 v1 f2 v2 >/dev/null
  redis-cli -p 28502 REPLICAOF 127.0.0.1 28501
  sleep 7
  redis-cli -p 28501 SET after-sync 1; redis-cli -p 28501 INCR counter; redis-cli -p 28501 LPUSH q a b c; redis-cli -p 28501 EXPIRE q 100
  sleep 1.5
  redis-cli -p 28502 GET after-sync
  redis-cli -p 28501 SHUTDOWN NOSAVE; redis-cli -p 28502 SHUTDOWN NOSAVE
}
export -f lab; export W
bash "$HERE/cap.sh" "$OUT/repl.pcap" 'tcp port 28501 or tcp port 28502' bash -c lab
first=$(tshark -r "$OUT/repl.pcap" -Y 'resp contains "after-sync" || tcp.payload contains "after-sync"' -T fields -e frame.number 2>/dev/null | head -1)
[ -n "$first" ] && editcap -r "$OUT/repl.pcap" "$OUT/repl-late.pcap" "$first"-100000
CLI=${CLI:-$HERE/../../dist/cli.js}
for f in "$OUT/repl.pcap" "$OUT/repl-late.pcap"; do echo "== $f"; node "$CLI" "$f" --jobs 1 | grep -E 'PSYNC|RDB|REPLCONF|after-sync|PEXPIREAT|calls'; done
