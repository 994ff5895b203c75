# Sourced: a throw-away RabbitMQ node on 127.0.0.1 for a held-out round, its state under DIR and on
# the round's own ports (rounds run side by side). Used by the rounds' rabbit.sh.
#   rabbit_node_start DIR NAME AMQP_PORT DIST_PORT EPMD_PORT [PLUGINS] [EXTRA_CONF]
#     PLUGINS: space-separated (rabbitmq_stomp rabbitmq_web_stomp…), EXTRA_CONF: lines for rabbitmq.conf
#   rabbit_node_stop
rabbit_node_start() {
  local dir=$1 name=$2 amqp=$3 dist=$4 epmd=$5 plugins=${6:-} extra=${7:-}
  RABBIT_NODE_DIR=$dir RABBIT_NODE_EPMD=$epmd
  export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log
  export RABBITMQ_NODENAME=$name@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$amqp
  export RABBITMQ_DIST_PORT=$dist ERL_EPMD_PORT=$epmd RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq RABBITMQ_PID_FILE=$dir/rabbit.pid
  rm -rf "$dir"; mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  printf 'loopback_users = none\n%s\n' "$extra" > "$dir/rabbitmq.conf"
  echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  chown -R rabbitmq:rabbitmq "$dir" 2>/dev/null; chmod 755 "$dir"
  # shellcheck disable=SC2086
  [ -n "$plugins" ] && rabbitmq-plugins enable --offline $plugins >/dev/null && chown rabbitmq "$RABBITMQ_ENABLED_PLUGINS_FILE" 2>/dev/null
  timeout 900 rabbitmq-server > "$dir/server.out" 2>&1 &
  RABBIT_NODE_PID=$!
  for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/$amqp) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n "$RABBITMQ_NODENAME" await_startup >/dev/null || tail -5 "$dir/server.out"
}
rabbit_node_stop() {
  [ -n "${RABBIT_NODE_PID:-}" ] || return 0
  rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || kill "$RABBIT_NODE_PID"
  wait "$RABBIT_NODE_PID" 2>/dev/null
  epmd -port "$RABBIT_NODE_EPMD" -kill >/dev/null 2>&1
  RABBIT_NODE_PID=
}
