#!/usr/bin/env bash
# Robustness of the held-out captures: snaplen cuts (editcap -s 80/200) and files cut at random
# byte offsets (head -c); the CLI must exit 0 (or 2 for a file that is not a capture at all), print
# no stack trace and no "internal error". Usage: truncate.sh CLI.js CAPTURE...
CLI=$1; shift
T=$(mktemp -d /tmp/heldout/trunc.XXXXXX)
bad=0; n=0
for f in "$@"; do
  b=$(basename "$f")
  editcap -s 80 "$f" $T/$b.s80 2>/dev/null; editcap -s 200 "$f" $T/$b.s200 2>/dev/null
  size=$(stat -c %s "$f")
  for k in 1 2 3 4 5; do head -c $(( (RANDOM * 32768 + RANDOM) % size )) "$f" > $T/$b.h$k; done
  for g in $T/$b.*; do
    n=$((n+1))
    timeout 60 node "$CLI" "$g" --format jsonl > $T/out 2> $T/err; rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 2 ] || grep -q -E "internal error:|    at |TypeError|RangeError" $T/err $T/out; then
      bad=$((bad+1)); echo "PROBLEM rc=$rc $g"; grep -E "internal error:|    at |Error" $T/err $T/out | head -3
    fi
    echo "$(basename $g) rc=$rc calls=$(wc -l < $T/out) warnings=$(grep -c . $T/err)"
  done
done
echo "$n cut captures, $bad problems"
[ $bad -eq 0 ] && rm -rf $T
