# Sourced by the AMQP/STOMP/ride-hailing make.sh scripts: start a throw-away RabbitMQ on
# loopback (AMQP 5672, STOMP 61613, dist 25672), capture only our ports, stop everything by PID.
# Usage: . ../amqp-basics/rabbit.sh; cs_start_rabbit; cs_start_capture out.pcapng "port 5672"; ...; cs_stop_all
set -eu
CS_TMP=$(mktemp -d /tmp/cs-rabbit.XXXXXX)
CS_PIDS=""
CS_EPMD_BEFORE=$(pgrep -x epmd || true)
export RABBITMQ_MNESIA_BASE=$CS_TMP/mnesia RABBITMQ_LOG_BASE=$CS_TMP/log
export RABBITMQ_NODENAME=cs-rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=5672
export RABBITMQ_DIST_PORT=25672 RABBITMQ_ENABLED_PLUGINS_FILE=$CS_TMP/enabled_plugins
export RABBITMQ_CONFIG_FILE=$CS_TMP/rabbitmq
export RABBITMQ_PID_FILE=$CS_TMP/rabbit.pid
mkdir -p $RABBITMQ_MNESIA_BASE $RABBITMQ_LOG_BASE
printf 'stomp.listeners.tcp.1 = 127.0.0.1:61613\nloopback_users = none\n' > $CS_TMP/rabbitmq.conf
chown -R rabbitmq:rabbitmq $CS_TMP 2>/dev/null || true; chmod 755 $CS_TMP

cs_start_rabbit() {
  rabbitmq-plugins enable --offline rabbitmq_stomp ${CS_RABBIT_PLUGINS:-} >/dev/null
  chown rabbitmq $RABBITMQ_ENABLED_PLUGINS_FILE 2>/dev/null || true
  rabbitmq-server > $CS_TMP/server.out 2>&1 &
  CS_RABBIT_PID=$!
  # (the make.sh scripts run under sh, which has no /dev/tcp: node asks whether the port answers)
  for i in $(seq 1 120); do
    node -e "require('net').connect(5672, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))" 2>/dev/null && break
    sleep 0.5
  done
  rabbitmqctl -n cs-rabbit@localhost await_startup >/dev/null || { tail -5 $CS_TMP/server.out; exit 1; }
}

cs_start_capture() { # file filter
  tcpdump -i lo -U -w "$1" "$2" > $CS_TMP/tcpdump.out 2>&1 &
  CS_TCPDUMP_PID=$!
  for i in $(seq 1 50); do grep -q "listening on" $CS_TMP/tcpdump.out && break; sleep 0.1; done
}

cs_stop_all() {
  sleep 1
  [ -n "${CS_TCPDUMP_PID:-}" ] && kill $CS_TCPDUMP_PID 2>/dev/null && wait $CS_TCPDUMP_PID 2>/dev/null || true
  if [ -n "${CS_RABBIT_PID:-}" ]; then
    rabbitmqctl -n cs-rabbit@localhost stop >/dev/null 2>&1 || kill $CS_RABBIT_PID 2>/dev/null || true
    wait $CS_RABBIT_PID 2>/dev/null || true
  fi
  for p in $(pgrep -x epmd || true); do echo " $CS_EPMD_BEFORE " | grep -q " $p " || kill $p 2>/dev/null || true; done
  rm -rf "$CS_TMP"
}
trap cs_stop_all EXIT
