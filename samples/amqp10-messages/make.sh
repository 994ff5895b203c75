#!/bin/sh
# Remake amqp10-messages.pcapng: RabbitMQ (Debian rabbitmq-server with its rabbitmq_amqp1_0 plugin) on loopback,
# the npm rhea client (client.cjs).
cd "$(dirname "$0")"
CS_RABBIT_PLUGINS=rabbitmq_amqp1_0
. ../amqp-basics/rabbit.sh
cs_start_rabbit
cs_start_capture amqp10-messages.pcapng "tcp port 5672"
NODE_PATH=../node_modules timeout 20 node client.cjs
