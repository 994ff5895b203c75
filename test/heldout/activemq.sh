#!/usr/bin/env bash
# activemq.sh [OUT_DIR]: Apache ActiveMQ 5.17 (Debian activemq, OpenJDK 17) with STOMP on 127.0.0.1:22170 and MQTT on
# 22172 (non-persistent, a private copy of the packaged config), driven by stomp.py 8 (py/stomp_amq.py: receipts,
# client-individual ACK/NACK, a topic, a selector, request/reply through /temp-queue/, BEGIN/COMMIT and an ABORTed
# transaction, an ERROR) and mosquitto_pub/sub. Expected: the ABORTed transaction's SEND `✗ aborted`; Debian's
# ActiveMQ never answers MQTT CONNECT (no CONNACK, a reset after 60 s): the CONNECTs are `aborted`, not errors of ours.
#   apt-get install activemq python3-stomp mosquitto-clients tcpdump
set -uo pipefail
OUT=${1:-/tmp/heldout-activemq}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/conf" "$OUT/data"
cp /etc/activemq/instances-available/main/* "$OUT/conf/"
sed -i -e 's|<transportConnector name="openwire" uri="tcp://127.0.0.1:61616"/>|<transportConnector name="openwire" uri="tcp://127.0.0.1:22173"/><transportConnector name="stomp" uri="stomp://127.0.0.1:22170"/><transportConnector name="mqtt" uri="mqtt://127.0.0.1:22172"/>|' \
  -e 's|<broker |<broker persistent="false" |' "$OUT/conf/activemq.xml"
chown -R activemq:activemq "$OUT" 2>/dev/null
ACTIVEMQ_HOME=/usr/share/activemq ACTIVEMQ_CONF="$OUT/conf" ACTIVEMQ_DATA="$OUT/data" timeout 300 /usr/bin/activemq console "xbean:file:$OUT/conf/activemq.xml" > "$OUT/activemq.log" 2>&1 &
AMQ=$!
trap 'pkill -f "xbean:file:$OUT/conf" 2>/dev/null; kill $AMQ 2>/dev/null' EXIT
for _ in $(seq 90); do (exec 3<>/dev/tcp/127.0.0.1/22170) 2>/dev/null && break; sleep 1; done
"$here/cap.sh" "$OUT/activemq.pcap" 'tcp port 22170 or tcp port 22172' bash -c "
  /usr/bin/python3 '$here/py/stomp_amq.py' 22170
  timeout 5 mosquitto_sub -h 127.0.0.1 -p 22172 -t 'sensors/#' -q 1 -C 1 -i subber -V mqttv311 &
  sleep 0.5; timeout 5 mosquitto_pub -h 127.0.0.1 -p 22172 -t sensors/t1 -m '{\"c\":21.5}' -q 1 -V mqttv311; wait; true"
echo "now: callscope $OUT/activemq.pcap"
