# Sourced by run.sh: a throw-away RabbitMQ 3.10 on 127.0.0.1 for this round — AMQP 28030, Erlang
# distribution 28031, epmd 28032; state under $OUT/rabbit. hd_rabbit_start / hd_rabbit_stop.
HD_RABBIT=${OUT:-/tmp/heldout-dotnet}/rabbit
export RABBITMQ_MNESIA_BASE=$HD_RABBIT/mnesia RABBITMQ_LOG_BASE=$HD_RABBIT/log
export RABBITMQ_NODENAME=hd-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=28030
export RABBITMQ_DIST_PORT=28031 ERL_EPMD_PORT=28032 RABBITMQ_ENABLED_PLUGINS_FILE=$HD_RABBIT/enabled_plugins
export RABBITMQ_CONFIG_FILE=$HD_RABBIT/rabbitmq RABBITMQ_PID_FILE=$HD_RABBIT/rabbit.pid
hd_rabbit_start() {
  rm -rf "$HD_RABBIT"; mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  printf 'loopback_users = none\n' > "$HD_RABBIT/rabbitmq.conf"
  echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  chown -R rabbitmq:rabbitmq "$HD_RABBIT" 2>/dev/null; chmod 755 "$HD_RABBIT"
  timeout 300 rabbitmq-server > "$HD_RABBIT/server.out" 2>&1 &
  HD_RABBIT_PID=$!
  for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/28030) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 "$HD_RABBIT/server.out"
}
hd_rabbit_stop() {
  [ -n "${HD_RABBIT_PID:-}" ] || return 0
  rabbitmqctl -n $RABBITMQ_NODENAME stop >/dev/null 2>&1 || kill "$HD_RABBIT_PID"
  wait "$HD_RABBIT_PID" 2>/dev/null
  epmd -port 28032 -kill >/dev/null 2>&1
  HD_RABBIT_PID=
}
