# Sourced: a throw-away RabbitMQ on 127.0.0.1 with AMQP 0-9-1/1.0 21672, STOMP 21613, MQTT 21885,
# Web-STOMP 21674, Web-MQTT 21675, distribution 21625, epmd 21369. ho_rabbit_start / ho_rabbit_stop.
HO_TMP=/tmp/heldout/rabbit
export RABBITMQ_MNESIA_BASE=$HO_TMP/mnesia RABBITMQ_LOG_BASE=$HO_TMP/log
export RABBITMQ_NODENAME=ho-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=21672
export RABBITMQ_DIST_PORT=21625 ERL_EPMD_PORT=21369 RABBITMQ_ENABLED_PLUGINS_FILE=$HO_TMP/enabled_plugins
export RABBITMQ_CONFIG_FILE=$HO_TMP/rabbitmq RABBITMQ_PID_FILE=$HO_TMP/rabbit.pid
ho_rabbit_start() {
  rm -rf $HO_TMP; mkdir -p $RABBITMQ_MNESIA_BASE $RABBITMQ_LOG_BASE
  cat > $HO_TMP/rabbitmq.conf <<CONF
loopback_users = none
stomp.listeners.tcp.1 = 127.0.0.1:21613
mqtt.listeners.tcp.1 = 127.0.0.1:21885
web_stomp.tcp.port = 21674
web_stomp.tcp.ip = 127.0.0.1
web_mqtt.tcp.port = 21675
web_mqtt.tcp.ip = 127.0.0.1
mqtt.allow_anonymous = true
CONF
  chown -R rabbitmq:rabbitmq $HO_TMP 2>/dev/null; chmod 755 $HO_TMP
  rabbitmq-plugins enable --offline rabbitmq_stomp rabbitmq_mqtt rabbitmq_web_stomp rabbitmq_web_mqtt rabbitmq_amqp1_0 >/dev/null
  chown rabbitmq $RABBITMQ_ENABLED_PLUGINS_FILE 2>/dev/null
  rabbitmq-server > $HO_TMP/server.out 2>&1 &
  HO_RABBIT_PID=$!
  for i in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/21672) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 $HO_TMP/server.out
}
ho_rabbit_stop() {
  rabbitmqctl -n $RABBITMQ_NODENAME stop >/dev/null 2>&1 || kill $HO_RABBIT_PID
  wait $HO_RABBIT_PID 2>/dev/null
  epmd -port 21369 -kill >/dev/null 2>&1
}
