# Sourced: a throw-away RabbitMQ for the Java round, beside (not instead of) test/heldout/rabbit.sh's:
# node hj-rabbit@localhost, AMQP 127.0.0.1:27672, MQTT 27883, distribution 27625, epmd 27369. hj_rabbit_start / hj_rabbit_stop.
HJ_TMP=/tmp/heldout-java/rabbit/server
export RABBITMQ_MNESIA_BASE=$HJ_TMP/mnesia RABBITMQ_LOG_BASE=$HJ_TMP/log
export RABBITMQ_NODENAME=hj-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=27672
export RABBITMQ_DIST_PORT=27625 ERL_EPMD_PORT=27369 RABBITMQ_ENABLED_PLUGINS_FILE=$HJ_TMP/enabled_plugins
export RABBITMQ_CONFIG_FILE=$HJ_TMP/rabbitmq RABBITMQ_PID_FILE=$HJ_TMP/rabbit.pid
hj_rabbit_start() {
  rm -rf $HJ_TMP; mkdir -p $RABBITMQ_MNESIA_BASE $RABBITMQ_LOG_BASE
  printf 'loopback_users = none\nmqtt.listeners.tcp.1 = 127.0.0.1:27883\nmqtt.allow_anonymous = true\n' > $HJ_TMP/rabbitmq.conf
  echo '[rabbitmq_mqtt].' > $RABBITMQ_ENABLED_PLUGINS_FILE
  chown -R rabbitmq:rabbitmq $HJ_TMP 2>/dev/null; chmod 755 $HJ_TMP
  rabbitmq-server > $HJ_TMP/server.out 2>&1 &
  HJ_RABBIT_PID=$!
  for i in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/27672) 2>/dev/null && break; sleep 0.5; done
  rabbitmqctl -n $RABBITMQ_NODENAME await_startup >/dev/null || tail -5 $HJ_TMP/server.out
}
hj_rabbit_stop() {
  rabbitmqctl -n $RABBITMQ_NODENAME stop >/dev/null 2>&1 || kill $HJ_RABBIT_PID
  wait $HJ_RABBIT_PID 2>/dev/null
  epmd -port 27369 -kill >/dev/null 2>&1
}
