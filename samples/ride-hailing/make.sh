#!/bin/sh
# Remake ride-hailing.pcapng: RabbitMQ on loopback + services.mjs (five services, five AMQP
# connections). Reuses the broker helper of samples/amqp-basics.
cd "$(dirname "$0")"
. ../amqp-basics/rabbit.sh
cs_start_rabbit
cs_start_capture ride-hailing.pcapng "tcp port 5672"
timeout 30 node services.mjs
