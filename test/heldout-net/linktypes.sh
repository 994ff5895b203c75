#!/bin/sh
# linktypes.sh OUTDIR: HTTP (IPv4 and IPv6) across a veth pair between two private namespaces,
# captured by real tcpdump as Ethernet (eth.pcap), Linux cooked v1 (tcpdump -i any -y LINUX_SLL: sll.pcap),
# -i any (SLL2: any.pcap) and the server namespace's loopback through -i any (lo-any.pcap, IPv6 ::1).
# Port 23590. (802.1Q/QinQ sub-interfaces need the kernel's 8021q module; where it is missing the
# VLAN cases are the scapy captures of craft.py.)
set -eu
out=$1; mkdir -p "$out"
a=hva$$; b=hvb$$; srv=; caps=
cleanup() { kill $srv $caps 2>/dev/null || true; ip netns del $a 2>/dev/null || true; ip netns del $b 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $a; ip netns add $b
ip link add va$$ type veth peer name vb$$
ip link set va$$ netns $a; ip link set vb$$ netns $b
for n in a b; do
  eval ns=\$$n; dev=v$n$$; last=$([ $n = a ] && echo 1 || echo 2)
  ip -n $ns link set lo up; ip -n $ns link set $dev up
  ip netns exec $ns ethtool -K $dev tso off gso off gro off rxvlan off txvlan off >/dev/null 2>&1 || true
  ip -n $ns addr add 10.98.10.$last/24 dev $dev; ip -n $ns addr add fd98::$last/64 dev $dev nodad
done
ip netns exec $b python3 -c '
import http.server, socket
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        b = (self.path * 300).encode(); self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
S(("::", 23590), H).serve_forever()' &
srv=$!
ip netns exec $a tcpdump -q -i va$$ -w "$out/eth.pcap" -U 2>/dev/null & caps="$caps $!"
ip netns exec $a tcpdump -q -y LINUX_SLL -i any -w "$out/sll.pcap" -U 2>"$out/sll.err" & caps="$caps $!"
ip netns exec $a tcpdump -q -i any -w "$out/any.pcap" -U tcp 2>/dev/null & caps="$caps $!"
ip netns exec $b tcpdump -q -i any -w "$out/lo-any.pcap" -U 'tcp and host ::1' 2>/dev/null & caps="$caps $!"
sleep 1.5
ip netns exec $a curl -s http://10.98.10.2:23590/a1 http://10.98.10.2:23590/a2 http://10.98.10.2:23590/a3 >/dev/null
ip netns exec $a curl -s -g 'http://[fd98::2]:23590/q6a' 'http://[fd98::2]:23590/q6b' >/dev/null
ip netns exec $b curl -s -g 'http://[::1]:23590/lo1' 'http://[::1]:23590/lo2' >/dev/null
sleep 1
