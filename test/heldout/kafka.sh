#!/usr/bin/env bash
# kafkajs (or another client) against librdkafka's mock broker, in a private network namespace
# whose loopback carries nothing else and whose ephemeral ports are 21000-21999.
# Usage: kafka.sh OUT.pcap CLIENT-CMD... (the broker address is appended to CLIENT-CMD)
set -u
OUT=$1; shift
NS=cs-ho-k$$
ip netns add $NS; ip netns exec $NS ip link set lo up; ip netns exec $NS ip addr add 10.213.0.1/32 dev lo
ip netns exec $NS sysctl -qw net.ipv4.ip_local_port_range="21000 21999"
rm -f /tmp/heldout/mock.out  # (a stale one would name the last run's broker)
ip netns exec $NS timeout 60 /usr/bin/python3 "$(dirname "$0")/kafka-mock.py" 50 > /tmp/heldout/mock.out 2>&1 &
MOCK=$!
for i in $(seq 50); do grep -q BOOTSTRAP /tmp/heldout/mock.out && break; sleep 0.2; done
B=$(awk '/BOOTSTRAP/{print $2; exit}' /tmp/heldout/mock.out)
PORT=${B##*:}
ip netns exec $NS tcpdump -i lo -U -w "$OUT" "tcp port $PORT" > /tmp/heldout/td.out 2>&1 &
TD=$!
for i in $(seq 50); do grep -q "listening on" /tmp/heldout/td.out && break; sleep 0.1; done
ip netns exec $NS timeout 50 "$@" "$B"
sleep 1; kill -INT $TD; wait $TD; kill $MOCK 2>/dev/null; wait $MOCK 2>/dev/null
ip netns del $NS
