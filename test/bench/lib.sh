# Sourced by the benchmark capture scripts (make-capture.sh, make-grpc-capture.sh), which set ROOT,
# NAME and FORCE first.

# prepare_output: OUT, META and PART (the capture being written) in .cache/bench. Exits the script
# with 0 when the capture and its .meta.json are already there (unless FORCE=1).
prepare_output() {
  DIR="$ROOT/.cache/bench"
  OUT="$DIR/$NAME"
  META="$OUT.meta.json"
  if [ "$FORCE" = 0 ] && [ -s "$OUT" ] && [ -s "$META" ]; then
    echo "benchmark capture present: $OUT ($(stat -c %s "$OUT") bytes); --force to remake" >&2
    exit 0
  fi
  mkdir -p "$DIR"
  rm -f "$OUT" "$META"
  PART="$OUT.partial"
}

# read_tcpdump_counts: CAPTURED, RECEIVED and DROPPED from the lines tcpdump printed when it
# stopped ($CS_CAP_LOG, samples/lib/capture.sh).
read_tcpdump_counts() {
  num() { grep -E "$1" "$CS_CAP_LOG" | grep -oE '^[0-9]+' | head -1; }
  CAPTURED=$(num 'packets captured'); RECEIVED=$(num 'received by filter'); DROPPED=$(num 'dropped by kernel')
}

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
