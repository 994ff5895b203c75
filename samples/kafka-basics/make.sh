#!/bin/sh
# Remake kafka-basics.pcapng: librdkafka's mock broker (random port) runs inside the client
# process, so client and "broker" live in a private network namespace whose loopback carries
# nothing else; tcpdump captures that loopback. Needs root, tcpdump, /usr/bin/python3 with
# confluent_kafka.
set -eu
cd "$(dirname "$0")"
NS=cs-kafka-$$
TMP=$(mktemp -d /tmp/cs-kafka.XXXXXX)
cleanup() {
  sleep 1
  [ -n "${TD:-}" ] && kill $TD 2>/dev/null && wait $TD 2>/dev/null || true
  ip netns del $NS 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add $NS
ip netns exec $NS ip link set lo up
# getaddrinfo(AI_ADDRCONFIG) fails without a non-127/8 address: give lo one more.
ip netns exec $NS ip addr add 10.213.0.1/32 dev lo
ip netns exec $NS tcpdump -i lo -U -w kafka-basics.pcapng tcp > $TMP/tcpdump.out 2>&1 &
TD=$!
for i in $(seq 1 50); do grep -q "listening on" $TMP/tcpdump.out && break; sleep 0.1; done
ip netns exec $NS timeout 40 /usr/bin/python3 client.py
