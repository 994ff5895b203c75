# Sourced: a throw-away RabbitMQ on 127.0.0.1 for the Ruby round, on this round's ports (22000–22199):
# AMQP 0-9-1 22672, STOMP 22613, Web-STOMP 22674, distribution 22625, epmd 22369.
# hr_rabbit_start / hr_rabbit_stop.
HR_RABBIT=${OUT:-/tmp/heldout-ruby}/rabbit
export RABBITMQ_MNESIA_BASE=$HR_RABBIT/mnesia RABBITMQ_LOG_BASE=$HR_RABBIT/log
export RABBITMQ_NODENAME=hr-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=22672
export RABBITMQ_DIST_PORT=22625 ERL_EPMD_PORT=22369 RABBITMQ_ENABLED_PLUGINS_FILE=$HR_RABBIT/enabled_plugins
export RABBITMQ_CONFIG_FILE=$HR_RABBIT/rabbitmq RABBITMQ_PID_FILE=$HR_RABBIT/rabbit.pid
hr_rabbit_start() {
  rm -rf "$HR_RABBIT"; mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  cat > "$HR_RABBIT/rabbitmq.conf" <<CONF
loopback_users = none
stomp.listeners.tcp.1 = 127.0.0.1:22613
web_stomp.tcp.port = 22674
web_stomp.tcp.ip = 127.0.0.1
CONF
  chown -R rabbitmq:rabbitmq "$HR_RABBIT" 2>/dev/null; chmod 755 "$HR_RABBIT"
  rabbitmq-plugins enable --offline rabbitmq_stomp rabbitmq_web_stomp >/dev/null
  chown rabbitmq "$RABBITMQ_ENABLED_PLUGINS_FILE" 2>/dev/null
  timeout 900 rabbitmq-server > "$HR_RABBIT/server.out" 2>&1 &
  HR_RABBIT_PID=$!
  for _ in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/22672) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 "$HR_RABBIT/server.out"
}
hr_rabbit_stop() {
  rabbitmqctl -n $RABBITMQ_NODENAME stop >/dev/null 2>&1 || kill $HR_RABBIT_PID
  wait $HR_RABBIT_PID 2>/dev/null
  epmd -port 22369 -kill >/dev/null 2>&1
}
