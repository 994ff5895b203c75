# Sourced: a throw-away RabbitMQ on 127.0.0.1 for the PHP round, on this round's ports (22600–22699):
# AMQP 0-9-1 22602, distribution 22603, epmd 22604. hp_rabbit_start / hp_rabbit_stop.
# shellcheck source=../heldout/rabbit-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/../heldout/rabbit-node.sh"
HP_RABBIT=${OUT:-/tmp/heldout-php}/rabbit
hp_rabbit_start() { rabbit_node_start "$HP_RABBIT" hp-rabbit 22602 22603 22604; }
hp_rabbit_stop() { rabbit_node_stop; }
