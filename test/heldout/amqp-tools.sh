#!/usr/bin/env bash
# amqp-tools.sh [OUT_DIR]: librabbitmq-c's command-line tools (Debian amqp-tools 0.11) against a throw-away
# RabbitMQ (rabbit.sh): declare, publish with and without a content type, get, a one-message consumer, a publish
# to a missing exchange (the broker closes the channel: 404 naming basic.publish), a get from a missing queue,
# a delete, a refused login. Expected: 67 calls; the publish to nosuch-exchange ✗ 404, its channel.close linked to it.
#   apt-get install rabbitmq-server amqp-tools tcpdump
set -uo pipefail
OUT=${1:-/tmp/heldout-amqp-tools}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
. "$here/rabbit.sh"
ho_rabbit_start
trap ho_rabbit_stop EXIT
U=amqp://guest:guest@127.0.0.1:21672
"$here/cap.sh" "$OUT/amqp-tools.pcap" 'tcp port 21672' bash -c "
  amqp-declare-queue -u $U -q work -d
  amqp-publish -u $U -r work -b 'hello 1' -C text/plain -p
  amqp-publish -u $U -r work -b '{\"n\":2}' -C application/json
  amqp-get -u $U -q work
  (timeout 3 amqp-consume -u $U -q work -c 1 cat &); sleep 0.5; amqp-publish -u $U -r work -b third; sleep 1
  amqp-publish -u $U -e nosuch-exchange -r x -b lost
  amqp-get -u $U -q nosuchqueue
  amqp-delete-queue -u $U -q work
  amqp-publish -u amqp://guest:bad@127.0.0.1:21672 -r work -b x; true"
echo "now: callscope $OUT/amqp-tools.pcap"
