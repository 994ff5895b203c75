#!/usr/bin/env bash
# Kafka values framed by a schema registry (Confluent wire format), with the registry's REST calls
# in the same capture: python3-confluent-kafka 1.7's JSON Schema and Protobuf serializers and
# kafkajs with @kafkajs/confluent-schema-registry (Avro via avsc, JSON Schema, Protobuf; its
# consumer looks each id up) against librdkafka's mock broker and registry.py, in a private
# network namespace (ephemeral ports 21000-21999; the registry on 127.0.0.1:28081).
# Needs: apt-get install python3-confluent-kafka python3-jsonschema python3-protobuf tcpdump; npm.
# Usage: test/heldout/schema-registry/run.sh [OUT_DIR]  → OUT_DIR/schema-registry.pcap, .log and
# schema-registry-consumer.pcap (a second kafkajs consumer alone, in a capture of its own)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
W=$(mktemp -d)
NS=cs-ho-sr$$
trap 'kill $(jobs -p) 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$W"' EXIT
(cd "$W" && npm init -y >/dev/null && npm install --no-audit --no-fund kafkajs@2 @kafkajs/confluent-schema-registry@3 >/dev/null) || exit 1
cp "$HERE/kafkajs-lab.cjs" "$W/"
ip netns add $NS; ip netns exec $NS ip link set lo up
ip netns exec $NS sysctl -qw net.ipv4.ip_local_port_range="21000 21999"
ip netns exec $NS timeout 90 /usr/bin/python3 "$HERE/../kafka-mock.py" 80 > "$W/mock.out" 2>&1 &
ip netns exec $NS timeout 90 /usr/bin/python3 "$HERE/registry.py" 28081 80 > "$W/registry.out" 2>&1 &
for i in $(seq 50); do grep -qs BOOTSTRAP "$W/mock.out" && grep -qs REGISTRY "$W/registry.out" && break; sleep 0.2; done
B=$(awk '/BOOTSTRAP/{print $2; exit}' "$W/mock.out")
PORT=${B##*:}
LOG="$OUT/schema-registry.log"
ip netns exec $NS "$HERE/../cap.sh" "$OUT/schema-registry.pcap" "tcp port $PORT or tcp port 28081" bash -c "
  /usr/bin/python3 '$HERE/confluent_lab.py' 28081 '$B' && node '$W/kafkajs-lab.cjs' 28081 '$B'" > "$LOG" 2>&1
echo "exit $? — capture in $OUT/schema-registry.pcap, client log in $LOG"
# A consumer alone: the registry lookups follow the Fetch responses that bring the ids.
ip netns exec $NS "$HERE/../cap.sh" "$OUT/schema-registry-consumer.pcap" "tcp port $PORT or tcp port 28081" node "$W/kafkajs-lab.cjs" 28081 "$B" consume >> "$LOG" 2>&1
echo "exit $? — capture in $OUT/schema-registry-consumer.pcap"
# Every message sent must be a record decoded with its schema (published, and delivered to the lone consumer).
CLI="$HERE/../../../dist/cli.js"
if [ -f "$CLI" ]; then
  node "$CLI" "$OUT/schema-registry.pcap" --format jsonl > "$OUT/schema-registry.jsonl"
  node "$CLI" "$OUT/schema-registry-consumer.pcap" --format jsonl > "$OUT/schema-registry-consumer.jsonl"
  node "$HERE/check.mjs" "$LOG" "$OUT/schema-registry.jsonl" | tail -1
  node "$HERE/check.mjs" "$LOG" "$OUT/schema-registry-consumer.jsonl" consumer | tail -1
fi
