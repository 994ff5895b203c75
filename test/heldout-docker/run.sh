#!/usr/bin/env bash
# Docker-like captures without Docker: namespaces, a bridge, veth pairs, DNAT (a published port),
# MASQUERADE, captured with `tcpdump -i any` (SLL and SLL2) and dumpcap on every interface (pcapng).
# Sets up and tears down everything itself (trap); every server stops by itself. Run as root.
# Usage: bash test/heldout-docker/run.sh [OUT]   (default /tmp/heldout-docker)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/heldout-docker}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PY=/usr/bin/python3
NS="cs15host cs15a cs15b cs15cli"
PIDS=()

cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for n in $NS; do
    # anything still running in our namespaces (only ours: listed by namespace, killed by pid)
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
  done
  sleep 0.2
  for n in $NS; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT INT TERM
cleanup
trap cleanup EXIT INT TERM

inh() { ip netns exec cs15host "$@"; }
ina() { ip netns exec cs15a "$@"; }
inb() { ip netns exec cs15b "$@"; }
incli() { ip netns exec cs15cli "$@"; }

for n in $NS; do ip netns add "$n"; ip -n "$n" link set lo up; done

# The "host": a bridge (docker0-like) with two "containers" on veth pairs, and an uplink to a client.
ip -n cs15host link add cs15br type bridge
ip -n cs15host addr add 10.99.0.1/24 dev cs15br
ip -n cs15host link set cs15br up
for c in a b; do
  ip -n cs15host link add "cs15v$c" type veth peer name eth0 netns "cs15$c"
  ip -n cs15host link set "cs15v$c" master cs15br up
done
ip -n cs15a addr add 10.99.0.2/24 dev eth0
ip -n cs15b addr add 10.99.0.3/24 dev eth0
for c in a b; do
  ip -n "cs15$c" link set eth0 up
  ip -n "cs15$c" route add default via 10.99.0.1
done
ip -n cs15host link add cs15up type veth peer name eth0 netns cs15cli
ip -n cs15host addr add 10.99.1.1/24 dev cs15up
ip -n cs15host link set cs15up up
ip -n cs15cli addr add 10.99.1.2/24 dev eth0
ip -n cs15cli link set eth0 up
inh sysctl -qw net.ipv4.ip_forward=1
# No offloads: segments as TCP sent them (GRO would merge them differently per interface).
for i in cs15br cs15va cs15vb cs15up; do inh ethtool -K "$i" gro off gso off tso off >/dev/null 2>&1 || true; done

# `docker run -p 28380:28300` etc.: DNAT on the host's address, MASQUERADE out of the bridge, and
# hairpin NAT for a container reaching a published port.
inh nft -f - <<'EOF'
table ip cs15nat {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr 10.99.1.1 tcp dport 28380 dnat to 10.99.0.2:28300
    ip daddr 10.99.1.1 tcp dport 28381 dnat to 10.99.0.2:28301
    ip daddr 10.99.1.1 tcp dport 28382 dnat to 10.99.0.2:28302
    ip daddr 10.99.1.1 udp dport 28383 dnat to 10.99.0.2:28303
  }
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 10.99.1.1 tcp dport 28380 dnat to 10.99.0.2:28300
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.99.0.0/24 oifname "cs15up" masquerade
    ip saddr 10.99.0.0/24 ip daddr 10.99.0.0/24 ct status dnat masquerade
  }
}
EOF

# Servers, each stopping by itself.
ina timeout 60 $PY "$HERE/json-server.py" 10.99.0.2 28300 55 2>"$OUT/server-a.log" & PIDS+=($!)
incli timeout 60 $PY "$HERE/json-server.py" 10.99.1.2 28310 55 2>"$OUT/server-cli.log" & PIDS+=($!)
ina timeout 60 redis-server --bind 10.99.0.2 --port 28301 --save '' --appendonly no --protected-mode no --loglevel warning >"$OUT/redis.log" 2>&1 & PIDS+=($!)
cat >"$OUT/mosquitto.conf" <<'EOF'
listener 28302 10.99.0.2
allow_anonymous true
persistence false
EOF
ina timeout 60 mosquitto -c "$OUT/mosquitto.conf" >"$OUT/mosquitto.log" 2>&1 & PIDS+=($!)
ina timeout 60 $PY "$HERE/dns-lab.py" serve 10.99.0.2 28303 55 & PIDS+=($!)
for i in $(seq 50); do
  if ina bash -c 'exec 3<>/dev/tcp/10.99.0.2/28300 && exec 3<>/dev/tcp/10.99.0.2/28301 && exec 3<>/dev/tcp/10.99.0.2/28302' 2>/dev/null \
    && incli bash -c 'exec 3<>/dev/tcp/10.99.1.2/28310' 2>/dev/null; then break; fi
  sleep 0.1
done

# Captures of the same traffic: -i any as SLL (tcpdump's default) and SLL2, and each interface on its own (pcapng).
rm -f "$OUT"/*.pcap "$OUT"/*.pcapng
CAPS=()
inh timeout 50 tcpdump -i any -y LINUX_SLL -s 0 -U -w "$OUT/any-sll.pcap" 'net 10.99.0.0/16' 2>/dev/null & CAPS+=($!)
inh timeout 50 tcpdump -i any -y LINUX_SLL2 -s 0 -U -w "$OUT/any-sll2.pcap" 'net 10.99.0.0/16' 2>/dev/null & CAPS+=($!)
inh timeout 50 dumpcap -q -i cs15up -i cs15br -i cs15va -i cs15vb -f 'net 10.99.0.0/16' -w "$OUT/ifaces.pcapng" 2>/dev/null & CAPS+=($!)
PIDS+=("${CAPS[@]}")
sleep 1.5

LOG="$OUT/clients.log"
: >"$LOG"
http() { # SCENARIO NS URL… : one keep-alive connection, a line per response
  local sc="$1" ns="$2"
  shift 2
  local args=() u
  for u in "$@"; do args+=(-o /dev/null "$u"); done
  ip netns exec "$ns" curl -s --max-time 10 -w "$sc http %{http_code} %{url_effective}\n" "${args[@]}" >>"$LOG"
}
post() { # SCENARIO NS URL
  ip netns exec "$2" curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' -d '{"name":"new","n":1}' \
    -w "$1 http %{http_code} %{url_effective}\n" "$3" >>"$LOG"
}

# 1. published port from outside (DNAT): seen before NAT on cs15up, after on cs15br and cs15va
http published cs15cli http://10.99.1.1:28380/items/1 http://10.99.1.1:28380/items/2 http://10.99.1.1:28380/nope http://10.99.1.1:28380/items/0
post published cs15cli http://10.99.1.1:28380/items
incli redis-cli -h 10.99.1.1 -p 28381 SET cs15:k hello >/dev/null && echo "published redis SET" >>"$LOG"
incli redis-cli -h 10.99.1.1 -p 28381 GET cs15:k >/dev/null && echo "published redis GET" >>"$LOG"
incli redis-cli -h 10.99.1.1 -p 28381 INCR cs15:n >/dev/null && echo "published redis INCR" >>"$LOG"
incli timeout 5 mosquitto_sub -h 10.99.1.1 -p 28382 -t cs15/t -C 2 -W 4 >/dev/null & SUB=$!
sleep 0.5
incli mosquitto_pub -h 10.99.1.1 -p 28382 -t cs15/t -m one -q 1 && echo "published mqtt PUBLISH one" >>"$LOG"
incli mosquitto_pub -h 10.99.1.1 -p 28382 -t cs15/t -m two && echo "published mqtt PUBLISH two" >>"$LOG"
wait $SUB || true
incli $PY "$HERE/dns-lab.py" query 10.99.1.1 28383 published api.cs15.test db.cs15.test >>"$LOG"
sleep 0.3
# 2. container to container over the bridge: the same 5-tuple on cs15vb, (cs15br) and cs15va
http bridge cs15b http://10.99.0.2:28300/items/3 http://10.99.0.2:28300/items/0 http://10.99.0.2:28300/missing
post bridge cs15b http://10.99.0.2:28300/items
inb redis-cli -h 10.99.0.2 -p 28301 GET cs15:k >/dev/null && echo "bridge redis GET" >>"$LOG"
inb $PY "$HERE/dns-lab.py" query 10.99.0.2 28303 bridge cache.cs15.test >>"$LOG"
sleep 0.3
# 3. a container reaching the published port (hairpin: DNAT and MASQUERADE)
http hairpin cs15b http://10.99.1.1:28380/items/4 http://10.99.1.1:28380/items/5
sleep 0.3
# 4. a container reaching the outside (MASQUERADE: the source address and maybe port change)
http masq cs15b http://10.99.1.2:28310/items/6 http://10.99.1.2:28310/items/0
post masq cs15b http://10.99.1.2:28310/items
sleep 0.3
# 5. the host itself reaching its published port (DNAT in OUTPUT: only the after-NAT addresses are seen)
http hostlocal cs15host http://10.99.1.1:28380/items/7
sleep 1.5

for p in "${CAPS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
ls -l "$OUT"/*.pcap "$OUT"/*.pcapng
cat "$LOG"
