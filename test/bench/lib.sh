# Sourced by the benchmark capture scripts (make-capture.sh, make-grpc-capture.sh).

# wait_for_size FILE TARGET_BYTES MAX_SECONDS
# Waits while a load runs until FILE reaches TARGET_BYTES or MAX_SECONDS pass (from $START, set
# by the caller with `date +%s.%N` when the load started). Sets STOPPED_BY (size|time) and
# LOAD_SECONDS (one decimal).
wait_for_size() {
  local file=$1 target=$2 max=$3 size
  STOPPED_BY=size
  while :; do
    size=$(stat -c %s "$file" 2>/dev/null || echo 0)
    [ "$size" -ge "$target" ] && break
    if [ "$(awk -v a="$START" -v b="$(date +%s.%N)" -v m="$max" 'BEGIN { print (b - a >= m) }')" = 1 ]; then
      STOPPED_BY=time
      echo "time limit reached at $size bytes" >&2
      break
    fi
    sleep 0.5
  done
  LOAD_SECONDS=$(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
