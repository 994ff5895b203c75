#!/bin/sh
# Remake rabbitmq-stream.pcapng: RabbitMQ (Debian rabbitmq-server with its rabbitmq_stream plugin) on
# loopback, stream listener 127.0.0.1:5552, the npm rabbitmq-stream-js-client (client.cjs).
cd "$(dirname "$0")"
CS_RABBIT_PLUGINS=rabbitmq_stream
. ../amqp-basics/rabbit.sh
printf 'stream.listeners.tcp.1 = 127.0.0.1:5552\nstream.advertised_host = 127.0.0.1\n' >> $CS_TMP/rabbitmq.conf
cs_start_rabbit
# the stream listener (await_startup has returned; without connecting to it, so no probe lands in the capture)
for i in $(seq 1 60); do ss -ltn | grep -q '127.0.0.1:5552 ' && break; sleep 0.5; done
cs_start_capture rabbitmq-stream.pcapng "tcp port 5552"
NODE_PATH=../node_modules timeout 30 node client.cjs
