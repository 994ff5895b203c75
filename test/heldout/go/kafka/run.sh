#!/usr/bin/env bash
# Go Kafka clients from Debian packages against librdkafka's mock broker (../../kafka.sh):
# sarama 1.22 (protocol versions of Kafka 2.0 and 1.0) and segmentio/kafka-go 0.2 (Produce v2 with
# a magic-1 message set, which the mock refuses with UNSUPPORTED_VERSION — tshark calls that request
# malformed; callscope decodes it).
# Needs: apt-get install golang-github-shopify-sarama-dev golang-github-segmentio-kafka-go-dev python3-confluent-kafka
# Usage: test/heldout/go/kafka/run.sh [OUT_DIR]   (captures OUT_DIR/go-kafka-*.pcap, default /tmp/heldout)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT" /tmp/heldout
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/src/klab" && cp "$HERE/main.go" "$W/src/klab/"
(cd "$W/src/klab" && GOPATH="$W:/usr/share/gocode" GO111MODULE=off go build -o "$W/klab" . 2>/dev/null) || exit 1
for m in sarama sarama-legacy kafkago; do
  bash "$HERE/../../kafka.sh" "$OUT/go-kafka-$m.pcap" "$W/klab" "$m" > "$OUT/go-kafka-$m.log" 2>&1
done
echo "captures in $OUT/go-kafka-*.pcap, client logs beside them"
