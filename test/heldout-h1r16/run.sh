#!/usr/bin/env bash
# run.sh [OUT]: held-out round 16 — HTTP/1.x, XML-RPC and JSON-RPC implementations not exercised before
# (see README.md): xmlrpc-c (Abyss server, libcurl client, the `xmlrpc` CLI), squid / tinyproxy /
# privoxy as forward proxies, busybox httpd / mini_httpd / webfsd, gunicorn / uwsgi / Varnish, Erlang
# inets (httpd + httpc with pipelining), Mojolicious and HTTP::Daemon + LWP, Go net/rpc/jsonrpc (TCP and
# inside an HTTP CONNECT tunnel), libjson-rpc-cpp, jayson (npm). Records each on loopback (ports
# 28500-28599), then check.mjs compares the programs' logs with callscope and tshark. Installs nothing:
#   apt-get install -y xmlrpc-api-utils libxmlrpc-c++8-dev libxmlrpc-core-c3-dev squid tinyproxy privoxy \
#     varnish gunicorn uwsgi uwsgi-plugin-python3 busybox mini-httpd webfs libmojolicious-perl libwww-perl \
#     libhttp-daemon-perl libjsonrpccpp-tools libjsonrpccpp-dev erlang-inets golang-go g++ curl tshark tcpdump
#   npm install --prefix "$OUT" jayson@4      (outside the repository)
# and a built callscope (`npm run build`). Every server stops by itself.
set -u
OUT=${1:-${OUT:-/tmp/heldout-h1r16}}
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
mkdir -p "$OUT"; cd "$OUT" || exit 2
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }

echo "== xmlrpc-c: Abyss server, C++ client (libcurl, keep-alive), the xmlrpc CLI"
g++ -std=c++17 -O1 -o xmlrpcc-lab "$HERE/xmlrpcc-lab.cpp" $(xmlrpc-c-config c++2 abyss-server client --libs) || exit 2
./xmlrpcc-lab server 28501 20 > xmlrpcc-server.log 2>&1 &
wait_port 28501
xcli() { # the CLI prints a result or "… (XML-RPC fault code N)": one JSON line per call
  local m=$2 o; o=$(xmlrpc "$@" 2>&1)
  if [[ $o =~ fault\ code\ (-?[0-9]+) ]]; then echo "{\"method\":\"$m\",\"fault\":${BASH_REMATCH[1]},\"cli\":1}"; else echo "{\"method\":\"$m\",\"result\":\"ok\",\"cli\":1}"; fi
}
$CAP "$OUT/xmlrpcc.pcap" 'tcp port 28501' bash -c "$(declare -f xcli); ./xmlrpcc-lab client http://127.0.0.1:28501/RPC2
  U=http://127.0.0.1:28501/RPC2
  xcli \$U echo i/5 s/hi n/ I/9000000000 h/0102ff b/t d/-1.5
  xcli \$U add I/5 i/-3
  xcli \$U fail i/3
  xcli \$U nothing" > xmlrpcc.log 2>&1

echo "== busybox httpd, mini_httpd, webfsd"
bash "$HERE/small-servers.sh" "$OUT"
echo "== squid, tinyproxy, privoxy (both legs)"
bash "$HERE/proxies.sh" "$OUT"
echo "== gunicorn, uwsgi, varnish"
bash "$HERE/cache-wsgi.sh" "$OUT"
echo "== Erlang inets: httpd + httpc (pipelining)"
$CAP "$OUT/inets.pcap" 'tcp port 28550' timeout 60 escript "$HERE/inets-lab.erl" 28550 "$OUT" > inets.log 2>&1
echo "== Mojolicious, HTTP::Daemon + LWP"
$CAP "$OUT/perl-mojo.pcap" 'tcp port 28560' timeout 40 perl "$HERE/perl-lab.pl" mojo 28560 > perl-mojo.log 2>&1
$CAP "$OUT/perl-lwp.pcap" 'tcp port 28561' timeout 40 perl "$HERE/perl-lab.pl" lwp 28561 > perl-lwp.log 2>&1
echo "== Go net/rpc/jsonrpc: plain TCP, inside a CONNECT tunnel"
(cd "$HERE/go-jsonrpc" && GOFLAGS= go build -o "$OUT/go-jsonrpc" main.go) || exit 2
$CAP "$OUT/go-jsonrpc-tcp.pcap" 'tcp port 28570' ./go-jsonrpc tcp 28570 > go-jsonrpc-tcp.log 2>&1
$CAP "$OUT/go-jsonrpc-connect.pcap" 'tcp port 28571' ./go-jsonrpc connect 28571 > go-jsonrpc-connect.log 2>&1
echo "== libjson-rpc-cpp: jsonrpcstub server (libmicrohttpd) and client (libcurl), curl for odd requests"
mkdir -p jsonrpccpp && (cd jsonrpccpp && jsonrpcstub "$HERE/jsonrpccpp/spec.json" --cpp-server=AbstractStubServer --cpp-client=StubClient >/dev/null) || exit 2
g++ -std=c++14 -O1 -Ijsonrpccpp -I/usr/include/jsoncpp -o jsonrpccpp-lab "$HERE/jsonrpccpp/lab.cpp" -ljsonrpccpp-server -ljsonrpccpp-client -ljsonrpccpp-common -ljsoncpp -lmicrohttpd -lcurl || exit 2
./jsonrpccpp-lab server 28580 15 2> jsonrpccpp-server.log &
wait_port 28580
$CAP "$OUT/jsonrpccpp.pcap" 'tcp port 28580' bash -c "./jsonrpccpp-lab client http://127.0.0.1:28580
  for b in '{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":\"s-1\"}' '{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":null}' \
    '{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1.5}' '{\"jsonrpc\":\"2.0\",\"method\":' '[]' '[1,2]' \
    '{\"jsonrpc\":\"2.0\",\"method\":\"logLine\",\"params\":{\"line\":\"n\"}}' '[{\"jsonrpc\":\"2.0\",\"method\":\"logLine\",\"params\":{\"line\":\"n\"}}]'; do
    curl -s -H 'Content-Type: application/json' -d \"\$b\" -w ' %{response_code}\n' http://127.0.0.1:28580; done" > jsonrpccpp.log 2>&1
echo "== jayson: HTTP and TCP"
if [ -d "$OUT/node_modules/jayson" ]; then
  NODE_PATH=$OUT/node_modules $CAP "$OUT/jayson-http.pcap" 'tcp port 28590' node "$HERE/jayson-lab.cjs" http 28590 > jayson-http.log 2>&1
  NODE_PATH=$OUT/node_modules $CAP "$OUT/jayson-tcp.pcap" 'tcp port 28591' node "$HERE/jayson-lab.cjs" tcp 28591 > jayson-tcp.log 2>&1
else echo "jayson not installed in $OUT/node_modules: skipped" >&2; fi
wait
node "$HERE/check.mjs" "$OUT"
