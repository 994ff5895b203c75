# Sourced: a throw-away RabbitMQ on 127.0.0.1 for the Ruby round, on this round's ports (22000–22199):
# AMQP 0-9-1 22672, STOMP 22613, Web-STOMP 22674, distribution 22625, epmd 22369.
# hr_rabbit_start / hr_rabbit_stop.
# shellcheck source=../heldout/rabbit-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/../heldout/rabbit-node.sh"
HR_RABBIT=${OUT:-/tmp/heldout-ruby}/rabbit
hr_rabbit_start() {
  rabbit_node_start "$HR_RABBIT" hr-rabbit 22672 22625 22369 'rabbitmq_stomp rabbitmq_web_stomp' \
    "$(printf 'stomp.listeners.tcp.1 = 127.0.0.1:22613\nweb_stomp.tcp.port = 22674\nweb_stomp.tcp.ip = 127.0.0.1')"
}
hr_rabbit_stop() { rabbit_node_stop; }
