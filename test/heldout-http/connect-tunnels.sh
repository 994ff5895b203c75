#!/usr/bin/env bash
# connect-tunnels.sh OUTDIR: clients through a forward proxy (samples/http-proxy/proxy.py),
# the client↔proxy leg captured: curl to an HTTPS server (openssl s_server, TLS 1.3, key log in
# OUTDIR/keys.txt), curl --proxytunnel to a plain HTTP server, a plain proxy request the proxy
# refuses (405), and the grpc-js Person API client with grpc_proxy= (h2c prior knowledge inside
# the tunnel). Ports 22470–22473.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); R=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-/tmp/heldout-http/connect}" && cd "${1:-/tmp/heldout-http/connect}" && pwd)
cd "$out"
[ -f cert.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null
mkdir -p www && echo '{"ok":true}' > www/ok.json
python3 "$R/samples/http-proxy/proxy.py" 22470 40 & p1=$!
openssl s_server -accept 22471 -www -cert cert.pem -key key.pem -quiet >/dev/null 2>&1 & p2=$!
(cd www && exec timeout 40 python3 -m http.server 22472 --bind 127.0.0.1 >/dev/null 2>&1) & p3=$!
(cd "$R/samples" && exec timeout 40 node grpc-person-api/server.js 22473 >/dev/null 2>&1) & p4=$!
sleep 1.5
tcpdump -i lo -U --immediate-mode -w "$out/connect.pcap" 'tcp port 22470' 2>/dev/null & cap=$!
sleep 1
rm -f keys.txt
SSLKEYLOGFILE="$out/keys.txt" curl -s -k -x http://127.0.0.1:22470 https://127.0.0.1:22471/ -o /dev/null -w 'https via CONNECT: %{http_code}\n'
curl -s -x http://127.0.0.1:22470 --proxytunnel http://127.0.0.1:22472/ok.json -o /dev/null -w 'http via CONNECT: %{http_code}\n'
curl -s -x http://127.0.0.1:22470 http://127.0.0.1:22472/ok.json -o /dev/null -w 'plain proxy request: %{http_code}\n'
(cd "$R/samples" && grpc_proxy=http://127.0.0.1:22470 timeout 20 node grpc-person-api/client.js 22473 all >/dev/null 2>&1) || true
echo 'grpc via CONNECT: done'
sleep 1; kill $cap $p1 $p2 $p3 $p4 2>/dev/null; wait 2>/dev/null || true
