# Sourced: a throw-away RabbitMQ on 127.0.0.1 for the PHP round, on this round's ports (22600–22699):
# AMQP 0-9-1 22602, distribution 22603, epmd 22604. hp_rabbit_start / hp_rabbit_stop.
HP_RABBIT=${OUT:-/tmp/heldout-php}/rabbit
export RABBITMQ_MNESIA_BASE=$HP_RABBIT/mnesia RABBITMQ_LOG_BASE=$HP_RABBIT/log
export RABBITMQ_NODENAME=hp-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=22602
export RABBITMQ_DIST_PORT=22603 ERL_EPMD_PORT=22604 RABBITMQ_ENABLED_PLUGINS_FILE=$HP_RABBIT/enabled_plugins
export RABBITMQ_CONFIG_FILE=$HP_RABBIT/rabbitmq RABBITMQ_PID_FILE=$HP_RABBIT/rabbit.pid
hp_rabbit_start() {
  rm -rf "$HP_RABBIT"; mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  printf 'loopback_users = none\n' > "$HP_RABBIT/rabbitmq.conf"
  : > "$RABBITMQ_ENABLED_PLUGINS_FILE"; echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  chown -R rabbitmq:rabbitmq "$HP_RABBIT" 2>/dev/null; chmod 755 "$HP_RABBIT"
  timeout 900 rabbitmq-server > "$HP_RABBIT/server.out" 2>&1 &
  HP_RABBIT_PID=$!
  for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/22602) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 "$HP_RABBIT/server.out"
}
hp_rabbit_stop() {
  rabbitmqctl -n $RABBITMQ_NODENAME stop >/dev/null 2>&1 || kill $HP_RABBIT_PID
  wait $HP_RABBIT_PID 2>/dev/null
  epmd -port 22604 -kill >/dev/null 2>&1
}
