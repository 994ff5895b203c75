#!/usr/bin/env bash
# Remakes http-proxy.pcap and its key log http-proxy.keys: clients that reach their servers
# through a forward proxy (proxy.py: CONNECT only, port 23750), recorded on the client↔proxy
# leg — what a capture on a developer's machine behind a corporate proxy holds.
#   curl -x … https://127.0.0.1:23751/      TLS 1.3 inside the tunnel (openssl s_server -www;
#                                           curl logs its secrets with SSLKEYLOGFILE)
#   curl -x … --proxytunnel http://…:23752  plain HTTP/1.1 inside a tunnel (python3 http.server)
#   curl -x … http://…:23752/               a plain proxy request (absolute-form URI): refused, 405
#   grpc_proxy=… node client.js … basic     the gRPC Person API (@grpc/grpc-js): h2c inside the tunnel
# Needs `npm install` in samples/ (@grpc/grpc-js, @grpc/proto-loader), curl built with OpenSSL.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

P_PROXY=23750 P_TLS=23751 P_HTTP=23752 P_GRPC=23753
mkdir -p "$CS_LOG_DIR/www"
echo '{"ok":true,"via":"a CONNECT tunnel"}' > "$CS_LOG_DIR/www/ok.json"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=callscope.test \
  -keyout "$CS_LOG_DIR/key.pem" -out "$CS_LOG_DIR/cert.pem" 2>/dev/null
LOG="$PWD/http-proxy.keys"
rm -f "$LOG"
start_bg proxy python3 proxy.py $P_PROXY 60
start_bg tls openssl s_server -accept $P_TLS -key "$CS_LOG_DIR/key.pem" -cert "$CS_LOG_DIR/cert.pem" -www
start_bg http python3 -m http.server $P_HTTP --bind 127.0.0.1 --directory "$CS_LOG_DIR/www"
start_bg grpc node ../grpc-person-api/server.js $P_GRPC
for p in $P_PROXY $P_TLS $P_HTTP $P_GRPC; do wait_port $p; done
start_capture http-proxy.pcap "tcp port $P_PROXY"
SSLKEYLOGFILE="$LOG" curl -sS -k -x http://127.0.0.1:$P_PROXY https://127.0.0.1:$P_TLS/ -o /dev/null
curl -sS -x http://127.0.0.1:$P_PROXY --proxytunnel http://127.0.0.1:$P_HTTP/ok.json -o /dev/null
curl -sS -x http://127.0.0.1:$P_PROXY http://127.0.0.1:$P_HTTP/ok.json -o /dev/null
grpc_proxy=http://127.0.0.1:$P_PROXY timeout 30 node ../grpc-person-api/client.js $P_GRPC basic >/dev/null
stop_capture
