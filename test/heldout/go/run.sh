#!/usr/bin/env bash
# Go clients (Debian golang-* packages, GOPATH mode) against brokers on 127.0.0.1:
#   amqp091-go  → garagemq (an AMQP 0-9-1 broker in Go, not RabbitMQ)   :21672
#   nats.go     → nats-server                                           :21422
#   paho.mqtt.golang → mosquitto                                        :21883
#   redigo      → redis-server                                          :21379
# Needs: apt-get install garagemq golang-github-rabbitmq-amqp091-go-dev golang-github-nats-io-go-nats-dev
#        golang-github-eclipse-paho.mqtt.golang-dev golang-github-gomodule-redigo-dev nats-server mosquitto redis-server
# Usage: test/heldout/go/run.sh [OUT_DIR]   (captures OUT_DIR/go-*.pcap, default /tmp/heldout)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout}"; mkdir -p "$OUT"
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; sleep 1; kill -9 $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT # (garagemq ignores SIGTERM)
mkdir -p "$W/src/lab" && cp "$HERE/main.go" "$W/src/lab/"
(cd "$W/src/lab" && GOPATH="$W:/usr/share/gocode" GO111MODULE=off go build -o "$W/lab" .) || exit 1
sed -e 's/port: 5672/port: 21672/' -e 's/port: 15672/port: 21673/' -e "s#/var/lib/garagemq/db#$W/db#" /etc/garagemq/config.yaml > "$W/garage.yaml"
garagemq --config "$W/garage.yaml" > "$W/garage.log" 2>&1 &
nats-server -a 127.0.0.1 -p 21422 > "$W/nats.log" 2>&1 &
mosquitto -p 21883 > "$W/mosquitto.log" 2>&1 &
redis-server --bind 127.0.0.1 --port 21379 --save '' > "$W/redis.log" 2>&1 &
sleep 2
for p in amqp:21672 nats:21422 mqtt:21883 redis:21379; do
  "$HERE/../cap.sh" "$OUT/go-${p%%:*}.pcap" "tcp port ${p#*:}" "$W/lab" "${p%%:*}" "127.0.0.1:${p#*:}" > "$OUT/go-${p%%:*}.log" 2>&1
done
echo "captures in $OUT/go-*.pcap, client logs beside them"
