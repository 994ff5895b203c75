#!/usr/bin/env bash
# proxies.sh OUT: forward proxies squid 5.7, tinyproxy 1.11 and privoxy 3.0 in front of busybox httpd
# (28520, CGI, Connection: close) and webfsd (28521, keep-alive); both legs in one capture per proxy.
# curl through each: absolute-form GETs, POST, HEAD, a dead upstream (28599: 502/503), CONNECT to an
# allowed port (28521) and a refused one (28598), proxy authentication (407, then 200 with -U).
# One JSON line per transfer in OUT/proxy-NAME.log. Ports: squid 28530 (+28533 with auth),
# tinyproxy 28531 (+28534 with BasicAuth), privoxy 28532.
set -u
OUT=$1; HERE=$(cd "$(dirname "$0")" && pwd); CAP="bash $HERE/../heldout/cap.sh"
source "$HERE/small-servers.sh" "$OUT"
W='{"method":"%{method}","url":"%{url_effective}","status":%{response_code},"connect":%{http_connect},"size":%{size_download},"proxy":1}\n'
P=$OUT/proxy; mkdir -p "$P"; docroot "$OUT/small-root"
timeout 90 busybox httpd -f -p 127.0.0.1:28520 -h "$OUT/small-root" & PIDS="$!"
timeout 90 webfsd -F -p 28521 -i 127.0.0.1 -r "$OUT/small-root" -u root -g root 2>/dev/null & PIDS="$PIDS $!"
# squid: no cache, CONNECT allowed to 28521 only, port 28533 requires basic auth (user lab / pass secret)
printf 'lab:%s\n' "$(openssl passwd -apr1 secret)" > "$P/htpasswd"
cat > "$P/squid.conf" <<SQ
http_port 127.0.0.1:28530 name=open
http_port 127.0.0.1:28533 name=auth
auth_param basic program /usr/lib/squid/basic_ncsa_auth $P/htpasswd
auth_param basic realm lab
acl authport myportname auth
acl users proxy_auth REQUIRED
acl okconnect port 28521
acl CONNECT method CONNECT
http_access deny CONNECT !okconnect
http_access deny authport !users
http_access allow localhost
http_access deny all
cache deny all
cache_dir null /tmp
cache_mem 8 MB
pid_filename $P/squid.pid
access_log stdio:$P/squid-access.log
cache_log $P/squid-cache.log
cache_effective_user proxy
coredump_dir $P
shutdown_lifetime 1 seconds
SQ
sed 's/^cache_dir null.*//' -i "$P/squid.conf"
chown -R proxy "$P"
timeout 90 squid -N -f "$P/squid.conf" 2>"$P/squid.err" & PIDS="$PIDS $!"
tp() { # tp PORT EXTRA
  printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nMaxClients 20\nViaProxyName "tinyproxy"\nConnectPort 28521\nLogLevel Info\nLogFile "%s/tinyproxy-%s.log"\nDefaultErrorFile "/usr/share/tinyproxy/default.html"\n%s\n' "$1" "$P" "$1" "$2" > "$P/tinyproxy-$1.conf"
  timeout 90 tinyproxy -d -c "$P/tinyproxy-$1.conf" 2>/dev/null & PIDS="$PIDS $!"
}
tp 28531 ''; tp 28534 'BasicAuth lab secret'
printf 'confdir /etc/privoxy\nlogdir %s\nlogfile privoxy.log\nactionsfile match-all.action\nactionsfile default.action\nfilterfile default.filter\nlisten-address 127.0.0.1:28532\ntoggle 1\nenable-remote-toggle 0\naccept-intercepted-requests 0\nkeep-alive-timeout 5\nsocket-timeout 10\ndebug 1\n' "$P" > "$P/privoxy.conf"
timeout 90 privoxy --no-daemon "$P/privoxy.conf" 2>/dev/null & PIDS="$PIDS $!"
for p in 28520 28521 28530 28531 28532 28533 28534; do wait_port $p; done; sleep 1
drive_proxy() { # NAME PROXYPORT AUTHPORT
  local X=http://127.0.0.1:$2 B=http://127.0.0.1:28520 K=http://127.0.0.1:28521
  {
    curl -s -x $X -w "$W" -o /dev/null $K/index.html -o /dev/null $K/big.bin -o /dev/null $K/missing.html -o /dev/null "$K/dir/?q=a%20b"
    curl -s -x $X -w "$W" -o /dev/null $B/cgi-bin/hello.cgi -o /dev/null $B/cgi-bin/stream.cgi
    curl -s -x $X -w "$W" -o /dev/null -d 'a=1&b=2' $B/cgi-bin/post.cgi
    curl -s -x $X -w "$W" -o /dev/null -I $K/index.html
    curl -s -x $X -w "$W" -o /dev/null http://127.0.0.1:28599/dead
    curl -s -x $X -w "$W" -o /dev/null -p $K/index.html
    curl -s -x $X -w "$W" -o /dev/null -p http://127.0.0.1:28598/refused
    if [ -n "$3" ]; then
      curl -s -x http://127.0.0.1:$3 -w "$W" -o /dev/null $K/index.html
      curl -s -x http://127.0.0.1:$3 -U lab:secret -w "$W" -o /dev/null $K/index.html -o /dev/null $K/big.bin
    fi
  } > "$OUT/proxy-$1.log" 2>&1
}
F='tcp portrange 28500-28999'
$CAP "$OUT/proxy-squid.pcap" "$F" bash -c "$(declare -f drive_proxy); W='$W' OUT='$OUT'; drive_proxy squid 28530 28533"
$CAP "$OUT/proxy-tinyproxy.pcap" "$F" bash -c "$(declare -f drive_proxy); W='$W' OUT='$OUT'; drive_proxy tinyproxy 28531 28534"
$CAP "$OUT/proxy-privoxy.pcap" "$F" bash -c "$(declare -f drive_proxy); W='$W' OUT='$OUT'; drive_proxy privoxy 28532 ''"
kill $PIDS 2>/dev/null; sleep 1
