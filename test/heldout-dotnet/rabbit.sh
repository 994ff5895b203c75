# Sourced by run.sh: a throw-away RabbitMQ 3.10 on 127.0.0.1 for this round — AMQP 28030, Erlang
# distribution 28031, epmd 28032; state under $OUT/rabbit. hd_rabbit_start / hd_rabbit_stop.
# shellcheck source=../heldout/rabbit-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/../heldout/rabbit-node.sh"
HD_RABBIT=${OUT:-/tmp/heldout-dotnet}/rabbit
hd_rabbit_start() { rabbit_node_start "$HD_RABBIT" hd-rabbit 28030 28031 28032; }
hd_rabbit_stop() { rabbit_node_stop; }
