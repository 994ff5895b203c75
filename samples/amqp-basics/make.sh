#!/bin/sh
# Remake amqp-basics.pcapng: RabbitMQ on loopback + samples/amqp-basics/client.mjs.
cd "$(dirname "$0")"
. ./rabbit.sh
cs_start_rabbit
cs_start_capture amqp-basics.pcapng "tcp port 5672"
timeout 30 node client.mjs
