#!/bin/bash
# A real VXLAN tunnel (Linux vxlan, VNI 42, UDP 4789) between two network namespaces over a veth
# pair; python http.server in one, curl in the other (a 200 and a 404) through the tunnel; tcpdump
# on the veth records the outer headers. Root needed. usage: vxlan.sh OUT.pcap
# (This kernel has no gre/gretap/geneve/ipip modules: those are covered by tunnels.py.)
set -e
out=${1:?usage: vxlan.sh OUT.pcap}
cleanup() { ip netns del csA 2>/dev/null || true; ip netns del csB 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add csA; ip netns add csB
ip link add csvA type veth peer name csvB
ip link set csvA netns csA; ip link set csvB netns csB
ip -n csA addr add 192.168.77.1/24 dev csvA; ip -n csB addr add 192.168.77.2/24 dev csvB
for ns in csA csB; do ip -n $ns link set lo up; done
ip -n csA link set csvA up; ip -n csB link set csvB up
ip -n csA link add vx1 type vxlan id 42 remote 192.168.77.2 dstport 4789 dev csvA
ip -n csB link add vx1 type vxlan id 42 remote 192.168.77.1 dstport 4789 dev csvB
ip -n csA addr add 10.2.0.1/24 dev vx1; ip -n csB addr add 10.2.0.2/24 dev vx1
ip -n csA link set vx1 up; ip -n csB link set vx1 up
here=$(cd "$(dirname "$0")/../.." && pwd)
ip netns exec csB timeout 20 python3 -m http.server 23600 --bind 10.2.0.2 --directory "$here/samples" >/dev/null 2>&1 &
sleep 1
ip netns exec csA timeout 15 tcpdump -i csvA -s 0 -w "$out" 2>/dev/null &
sleep 1
ip netns exec csA curl -s -o /dev/null -w "%{http_code} /README.md\n" --max-time 5 http://10.2.0.2:23600/README.md
ip netns exec csA curl -s -o /dev/null -w "%{http_code} /nope\n" --max-time 5 http://10.2.0.2:23600/nope
sleep 1
ip netns exec csA pkill -f "tcpdump -i csvA" || true
ip netns exec csB pkill -f "http.server 23600" || true
sleep 1
