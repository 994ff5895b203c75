#!/usr/bin/env bash
# Remakes dns-lookups.pcap: dnsmasq 2.90 answering on 127.0.0.1:23553 (UDP and TCP) from a hosts
# file and its --srv-host/--txt-record/--cname/--mx-host/--dns-rr entries, forwarding *.upstream.test
# to a hand-made upstream on 127.0.0.1:23554 (peer.py), and a second dnsmasq serving zone.test
# authoritatively on 127.0.0.1:23555 (AXFR). Queried by dig (bind9-dnsutils 9.18) over UDP and TCP,
# and by peer.py for what dig does not send. Needs: dnsmasq-base, bind9-dnsutils, python3, tcpdump.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh
PORT=23553
UPSTREAM=23554
AUTH=23555
command -v dnsmasq >/dev/null || { echo "needs dnsmasq (apt-get install dnsmasq-base)" >&2; exit 1; }
command -v dig >/dev/null || { echo "needs dig (apt-get install bind9-dnsutils)" >&2; exit 1; }

# dnsmasq changes to / and to user nobody once started: the hosts file needs an absolute path in
# a directory that user can read.
chmod 0755 "$CS_LOG_DIR"
HOSTS="$CS_LOG_DIR/hosts"
{
  echo '127.0.0.10 api.test'
  echo '::10 api.test'
  echo '127.0.0.11 db.test'
  # 100 addresses for one name: 1.6 KB of answers, more than dig's 1232-byte EDNS buffer.
  for i in $(seq 1 100); do echo "10.1.0.$i many.test"; done
} >"$HOSTS"
# Six 250-byte strings: a TXT record dnsmasq cannot fit in a UDP answer either.
BIG=$(python3 -c "print(','.join('\"chunk%d-%s\"' % (i, 'x' * 242) for i in range(6)))")
# HTTPS (RFC 9460): priority 1, target ".", alpn=h2,h3 port=8443 ipv4hint=127.0.0.10 ipv6hint=::1.
HTTPS_RR=000100000100060268320268330003000220fb000400047f00000a0006001000000000000000000000000000000001

start_bg upstream python3 -u peer.py upstream $UPSTREAM 60
start_bg dnsmasq dnsmasq --keep-in-foreground --log-facility=- --log-queries --conf-file=/dev/null \
  --interface=lo --bind-interfaces --listen-address=127.0.0.1 --port=$PORT \
  --no-resolv --no-hosts --addn-hosts="$HOSTS" --local=/test/ \
  --server=/upstream.test/127.0.0.1#$UPSTREAM \
  --cname=www.test,api.test --cname=alias.test,www.test \
  --srv-host=_http._tcp.api.test,api.test,8080,0,5 \
  --txt-record=info.test,"v=callscope1","hello world" --txt-record=big.test,"$BIG" \
  --mx-host=test,mx.test,10 --dns-rr=svc.test,65,$HTTPS_RR
start_bg auth dnsmasq --keep-in-foreground --log-facility=- --log-queries --conf-file=/dev/null \
  --interface=lo --bind-interfaces --listen-address=127.0.0.1 --port=$AUTH --no-resolv --no-hosts \
  --auth-zone=zone.test,127.0.0.0/8 --auth-server=ns.zone.test,lo --auth-peer=127.0.0.1 \
  --host-record=web.zone.test,127.0.0.20 --host-record=db.zone.test,127.0.0.21
wait_port $PORT
wait_port $AUTH
start_capture dns-lookups.pcap "port $PORT or port $UPSTREAM or port $AUTH"

q() { timeout 10 dig @127.0.0.1 -p $PORT +tries=1 +time=2 "$@" >/dev/null || true; }
q api.test A                     # NOERROR, one A
q api.test AAAA                  # NOERROR, one AAAA
q alias.test A                   # CNAME chain alias -> www -> api, then the A
q _http._tcp.api.test SRV        # SRV (RFC 2782)
q info.test TXT                  # two character-strings
q test MX
q svc.test HTTPS                 # HTTPS (RFC 9460)
q -x 127.0.0.10                  # PTR from the hosts file
q nope.test A                    # NXDOMAIN (--local=/test/)
q example.com A                  # REFUSED, with an Extended DNS Error (no upstream for it)
q +noedns db.test A              # no OPT record
q +dnssec db.test A              # EDNS DO bit
q many.test A                    # truncated (TC) over UDP, dig retries over TCP
q big.test TXT                   # the same with one big TXT RRset
q +tcp info.test TXT             # straight to TCP
q +tcp +keepopen api.test A db.test A   # two queries on one TCP connection
q ok.upstream.test A             # forwarded: compressed CNAME + A from the upstream
q fail.upstream.test A           # forwarded: SERVFAIL with an Extended DNS Error
timeout 10 dig @127.0.0.1 -p $PORT +tries=3 +time=1 drop.upstream.test A >/dev/null || true   # no response, 3 sends
timeout 10 dig @127.0.0.1 -p $AUTH zone.test AXFR >/dev/null || true   # zone transfer over TCP
timeout 10 python3 peer.py client $PORT
stop_capture
