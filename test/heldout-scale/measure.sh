#!/bin/sh
# measure.sh CAPTURE [modes]  : callscope time/peak RSS/calls on 10%, 50%, 100% of CAPTURE (default threads, --jobs 1, main thread)
f=$1; modes=${2:-"default jobs1 main"}; cli=${CLI:-/work/main/dist/cli.js}
n=$(capinfos -Mc "$f" | awk '/Number of packets/{print $NF}')
for pct in 10 50 100; do
  if [ $pct = 100 ]; then g=$f; else g=${f%.pcap}.$pct.pcap; [ -f "$g" ] || editcap -r "$f" "$g" 1-$((n*pct/100)); fi
  for m in $modes; do
    case $m in default) env=""; arg="";; jobs1) env=""; arg="--jobs 1";; main) env="CALLSCOPE_WORKERS="; arg="";; esac
    r=$( { env $env /usr/bin/time -f '%e s %M KB' node "$cli" "$g" --format jsonl $arg | wc -l; } 2>&1 | tr '\n' ' ')
    echo "$(basename $g) $pct% $m: lines=$r"
  done
done
