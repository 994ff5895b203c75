#!/bin/sh
# netem.sh OUT.pcap "NETEM ARGS" [REQUESTS]: HTTP/1.1 keep-alive load across a veth pair between two
# private network namespaces with `tc qdisc netem` on both ends (loss, reordering, duplication, delay),
# captured on the client's end. Server: python http.server (HTTP/1.1) on 10.99.0.2:23580 serving
# files of 10 B to 300 kB; client: curl reusing one connection per batch of URLs.
# example: netem.sh /tmp/heldout-net/loss.pcap "delay 5ms 2ms loss 7% reorder 10% duplicate 3%" 60
set -eu
out=$1; nem=$2; n=${3:-60}
ns_c=hnc$$; ns_s=hns$$; dir=$(mktemp -d)
srv=; cap=
cleanup() { kill $srv $cap 2>/dev/null || true; ip netns del $ns_c 2>/dev/null || true; ip netns del $ns_s 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ip netns add $ns_c; ip netns add $ns_s
ip link add vc$$ type veth peer name vs$$
ip link set vc$$ netns $ns_c; ip link set vs$$ netns $ns_s
ip -n $ns_c addr add 10.99.0.1/24 dev vc$$; ip -n $ns_s addr add 10.99.0.2/24 dev vs$$
ip -n $ns_c link set vc$$ up; ip -n $ns_s link set vs$$ up; ip -n $ns_c link set lo up; ip -n $ns_s link set lo up
# no offloads: segments on the wire as the receiver sees them
ip netns exec $ns_c ethtool -K vc$$ tso off gso off gro off >/dev/null 2>&1 || true
ip netns exec $ns_s ethtool -K vs$$ tso off gso off gro off >/dev/null 2>&1 || true
if ! ip netns exec $ns_c tc qdisc add dev vc$$ root netem $nem 2>/dev/null; then
  # No sch_netem in this kernel: random drops with iptables' statistic match instead (LOSS is the
  # first number in NETEM ARGS after "loss", as a fraction). Dropped in the server's OUTPUT: the
  # capture never sees it, the retransmission fills the hole later (a real capture gap then fill);
  # dropped in the server's INPUT or the client's INPUT: captured, then retransmitted (duplicates).
  p=$(echo "$nem" | sed -n 's/.*loss \([0-9.]*\)%.*/\1/p'); p=$(echo "${p:-5} / 100" | bc -l)
  echo "netem unavailable: iptables random drops p=$p" >&2
  for ch in "$ns_s OUTPUT" "$ns_s INPUT" "$ns_c INPUT"; do
    set -- $ch; ip netns exec $1 iptables -A $2 -p tcp -m statistic --mode random --probability $p -j DROP
  done
else
  ip netns exec $ns_s tc qdisc add dev vs$$ root netem $nem
fi
for s in 10 1000 20000 300000; do head -c $s /dev/urandom | base64 -w 100 > "$dir/f$s"; done
cd "$dir"
ip netns exec $ns_s python3 -c '
import http.server, socketserver
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("10.99.0.2", 23580), H).serve_forever()' &
srv=$!
ip netns exec $ns_c tcpdump -q -i vc$$ -w "$out" -U tcp port 23580 2>/dev/null &
cap=$!
sleep 1.5
urls=""
i=0
while [ $i -lt $n ]; do
  for s in 10 1000 20000 300000; do urls="$urls http://10.99.0.2:23580/f$s?i=$i"; i=$((i+1)); done
  if [ $((i % 20)) -eq 0 ]; then ip netns exec $ns_c curl -s --max-time 60 $urls >/dev/null || echo "curl failed" >&2; urls=""; fi
done
[ -n "$urls" ] && ip netns exec $ns_c curl -s --max-time 60 $urls >/dev/null
sleep 1
kill $cap; wait $cap 2>/dev/null || true
