#!/bin/sh
# Remake stomp-basics.pcapng: RabbitMQ + STOMP plugin on loopback, client.mjs.
cd "$(dirname "$0")"
. ../amqp-basics/rabbit.sh
cs_start_rabbit
cs_start_capture stomp-basics.pcapng "tcp port 61613"
timeout 30 node client.mjs
