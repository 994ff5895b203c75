#!/bin/sh
# Remake mqtt-basics.pcapng: mosquitto on 127.0.0.1:1883 + client.mjs (npm mqtt). Needs
# mosquitto, tcpdump and `npm install` in samples/.
set -eu
cd "$(dirname "$0")"
TMP=$(mktemp -d /tmp/cs-mqtt.XXXXXX)
cleanup() {
  sleep 1
  [ -n "${TD:-}" ] && kill $TD 2>/dev/null && wait $TD 2>/dev/null || true
  [ -n "${MQ:-}" ] && kill $MQ 2>/dev/null && wait $MQ 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' > $TMP/mosquitto.conf
mosquitto -c $TMP/mosquitto.conf > $TMP/mosquitto.log 2>&1 &
MQ=$!
tcpdump -i lo -U -w mqtt-basics.pcapng "tcp port 1883" > $TMP/tcpdump.out 2>&1 &
TD=$!
for i in $(seq 1 50); do grep -q "listening on" $TMP/tcpdump.out && break; sleep 0.1; done
timeout 30 node client.mjs
