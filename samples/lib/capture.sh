# shellcheck shell=bash
# Helpers for samples/*/make.sh: start servers, capture their loopback traffic, stop everything.
#
# Usage (in a make.sh, bash):
#
#   #!/usr/bin/env bash
#   set -euo pipefail
#   cd "$(dirname "$0")"
#   . ../lib/capture.sh                      # installs the EXIT/INT/TERM trap (cleanup)
#   start_bg server /usr/bin/python3 -u server.py 8000
#   wait_port 8000                           # waits for LISTEN without connecting
#   start_capture out.pcap 'tcp port 8000'   # returns once the capturer is listening
#   curl -sS --max-time 5 http://127.0.0.1:8000/
#   stop_capture                             # sleeps 1 s, stops the capturer, prints its counters
#
# Functions:
#   start_bg NAME CMD...         run CMD in the background, log to $CS_LOG_DIR/NAME.log, remember its PID
#   wait_port PORT [TIMEOUT_S]   wait until something LISTENs on TCP PORT (any address, v4 or v6), read
#                                from /proc/net/tcp{,6}: no probe connection lands in the capture
#   start_capture FILE FILTER [IFACE] [FORMAT]
#                                FORMAT: pcap (tcpdump, default), pcapng (dumpcap), sll2 / sll (tcpdump
#                                -y LINUX_SLL2 / LINUX_SLL, IFACE defaults to "any" for these).
#                                FILTER is a capture (BPF) filter: keep it on YOUR ports only, other
#                                people capture on lo at the same time.
#                                Removes FILE first, waits for the capturer's "listening on"/"Capturing on".
#   stop_capture [SETTLE_S]      sleep SETTLE_S (default 1), SIGINT the capturer, wait, print counters
#                                ("packets captured", "dropped by kernel") and chmod the file 0644
#   stop_bg NAME                 stop one background process started with start_bg (SIGTERM, then KILL)
#   cleanup                      stop everything still running (capturer first); runs from the trap
#
# Environment: CS_TCPDUMP_OPTS (extra tcpdump options, default "-U": write each packet at once; set it to
# "-B 65536" for a heavy capture), CS_DUMPCAP_OPTS (extra dumpcap options, default none),
# CS_LOG_DIR (default: a fresh mktemp dir, removed by cleanup unless CS_KEEP_LOGS=1; one you set is kept).
# Everything is stopped by PID, never by name.

if [ -z "${CS_LOG_DIR:-}" ]; then
  CS_LOG_DIR="$(mktemp -d /tmp/callscope-sample.XXXXXX)"
  CS_LOG_DIR_OWNED=1
else
  mkdir -p "$CS_LOG_DIR"
  CS_LOG_DIR_OWNED=0
fi
CS_TCPDUMP_OPTS="${CS_TCPDUMP_OPTS--U}"
CS_DUMPCAP_OPTS="${CS_DUMPCAP_OPTS-}"
CS_CAP_PID=""
CS_CAP_FILE=""
CS_CAP_LOG=""
declare -a CS_BG_PIDS=()
declare -A CS_BG_BY_NAME=()

cs_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

start_bg() {
  local name="$1"; shift
  "$@" >"$CS_LOG_DIR/$name.log" 2>&1 &
  local pid=$!
  CS_BG_PIDS+=("$pid")
  CS_BG_BY_NAME[$name]=$pid
  cs_log "started $name (pid $pid): $*"
}

cs_kill_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_bg() {
  local name="$1" pid="${CS_BG_BY_NAME[$1]:-}"
  [ -n "$pid" ] || return 0
  cs_kill_pid "$pid"
  unset 'CS_BG_BY_NAME[$name]'
}

# True when a TCP socket in LISTEN state (st 0A) has local port $1.
cs_listening() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

wait_port() {
  local port="$1" timeout="${2:-15}" i
  for i in $(seq 1 $((timeout * 10))); do
    if cs_listening "$port"; then return 0; fi
    sleep 0.1
  done
  cs_log "nothing listens on port $port after ${timeout}s"
  for f in "$CS_LOG_DIR"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  return 1
}

start_capture() {
  local file="$1" filter="$2" iface="${3:-}" format="${4:-pcap}"
  [ -z "$CS_CAP_PID" ] || { cs_log "a capture is already running"; return 1; }
  rm -f "$file"
  CS_CAP_FILE="$file"
  CS_CAP_LOG="$CS_LOG_DIR/capture.$$.$RANDOM.log"
  case "$format" in
    # shellcheck disable=SC2086 # the option variables are word lists on purpose
    pcap) tcpdump -i "${iface:-lo}" $CS_TCPDUMP_OPTS -s 0 -Z root -w "$file" "$filter" 2>"$CS_CAP_LOG" & ;;
    # shellcheck disable=SC2086
    sll2) tcpdump -i "${iface:-any}" -y LINUX_SLL2 $CS_TCPDUMP_OPTS -s 0 -Z root -w "$file" "$filter" 2>"$CS_CAP_LOG" & ;;
    # shellcheck disable=SC2086
    sll) tcpdump -i "${iface:-any}" -y LINUX_SLL $CS_TCPDUMP_OPTS -s 0 -Z root -w "$file" "$filter" 2>"$CS_CAP_LOG" & ;;
    # shellcheck disable=SC2086
    pcapng) dumpcap -i "${iface:-lo}" -f "$filter" $CS_DUMPCAP_OPTS -s 0 -w "$file" 2>"$CS_CAP_LOG" & ;;
    *) cs_log "unknown capture format: $format"; return 1 ;;
  esac
  CS_CAP_PID=$!
  local i
  for i in $(seq 1 100); do
    if grep -qE 'listening on|Capturing on' "$CS_CAP_LOG" 2>/dev/null; then
      cs_log "capturing ($format) on ${iface:-default} into $file, filter: $filter"
      return 0
    fi
    if ! kill -0 "$CS_CAP_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  cs_log "capturer did not start:"; cat "$CS_CAP_LOG" >&2
  return 1
}

stop_capture() {
  local settle="${1:-1}"
  [ -n "$CS_CAP_PID" ] || return 0
  sleep "$settle"
  kill -INT "$CS_CAP_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 "$CS_CAP_PID" 2>/dev/null || break
    sleep 0.1
  done
  cs_kill_pid "$CS_CAP_PID"
  CS_CAP_PID=""
  # tcpdump: "N packets captured / N packets received by filter / N packets dropped by kernel";
  # dumpcap: "Packets captured: N" / "Packets received/dropped on interface 'lo': N/N (...)".
  grep -iE 'captured|dropped|received' "$CS_CAP_LOG" >&2 || true
  [ -f "$CS_CAP_FILE" ] && chmod 0644 "$CS_CAP_FILE"
  cs_log "wrote $CS_CAP_FILE ($(stat -c %s "$CS_CAP_FILE" 2>/dev/null || echo 0) bytes)"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$CS_CAP_PID" ]; then
    kill -INT "$CS_CAP_PID" 2>/dev/null || true
    cs_kill_pid "$CS_CAP_PID"
    CS_CAP_PID=""
  fi
  local pid
  for pid in "${CS_BG_PIDS[@]}"; do cs_kill_pid "$pid"; done
  if [ "${CS_KEEP_LOGS:-0}" = 1 ] || [ "$CS_LOG_DIR_OWNED" != 1 ]; then
    cs_log "logs kept in $CS_LOG_DIR"
  else
    rm -rf "$CS_LOG_DIR"
  fi
  exit "$rc"
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
