#!/usr/bin/env bash
# MQTT.js (TCP on 21883, WebSocket on 21884) and mosquitto_pub/sub against mosquitto; capture to $1.
set -u
OUT=$1
cd /tmp/heldout
printf 'listener 21883 127.0.0.1\nlistener 21884 127.0.0.1\nprotocol websockets\nallow_anonymous true\npersistence false\n' > mosq.conf
mosquitto -c mosq.conf > mosq.log 2>&1 &
MQ=$!
sleep 0.5
tcpdump -i lo -B 131072 -w "$OUT" "tcp portrange 21883-21884" > td-mqtt.out 2>&1 &
TD=$!
for i in $(seq 50); do grep -q "listening on" td-mqtt.out && break; sleep 0.1; done
NODE_PATH=/tmp/heldout/node_modules timeout 30 node "$(dirname "$0")/mqtt-client.cjs" mqtt://127.0.0.1:21883
NODE_PATH=/tmp/heldout/node_modules timeout 30 node "$(dirname "$0")/mqtt-client.cjs" ws://127.0.0.1:21884/mqtt | sed 's/^/ws /'
# mosquitto CLI, v5, a QoS 2 subscriber with -C 2 and a publisher with properties
timeout 5 mosquitto_sub -p 21883 -h 127.0.0.1 -V mqttv5 -q 2 -t 'cli/#' -C 2 -v -F '%t %p qos=%q' &
SUB=$!
sleep 0.3
timeout 5 mosquitto_pub -p 21883 -h 127.0.0.1 -V mqttv5 -q 2 -t cli/a -m 'from mosquitto_pub' -D PUBLISH user-property k v -D PUBLISH content-type text/plain
timeout 5 mosquitto_pub -p 21883 -h 127.0.0.1 -V mqttv311 -q 1 -t cli/b -f /etc/hostname
wait $SUB
sleep 1; kill -INT $TD; wait $TD; kill $MQ; wait $MQ
