#!/usr/bin/env bash
# Remakes tls-handshake.pcap: TLS handshakes between real clients and servers on loopback.
#   23441  openssl s_server -www (TLS 1.2 and 1.3): s_client with TLS 1.3 + SNI, TLS 1.2 + SNI, TLS 1.2
#          without SNI, then a TLS 1.2 session resumed from a saved session (abbreviated handshake)
#   23442  node:http2 secure server with allowHTTP1: curl with ALPN h2 (TLS 1.3), ALPN h2 and http/1.1
#          capped at TLS 1.2 (the server's choice is then visible in the ServerHello), and curl without
#          -k refusing the self-signed certificate (TLS 1.2: its alert is in the clear)
#   23443  openssl s_server -tls1_3 only: s_client -tls1_2 is refused with a protocol_version alert
#   23444  openssl s_server -groups P-256: s_client offering an X25519 key share gets a HelloRetryRequest
# The certificate is made fresh (self-signed EC P-256 for *.callscope.test) in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

P_WWW=23441 P_NODE=23442 P_13ONLY=23443 P_HRR=23444
KEYS="$CS_LOG_DIR/keys"
mkdir -p "$KEYS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=callscope.test \
  -addext 'subjectAltName=DNS:callscope.test,DNS:*.callscope.test' \
  -keyout "$KEYS/key.pem" -out "$KEYS/cert.pem" 2>/dev/null

srv() { local name="$1" port="$2"; shift 2
  start_bg "$name" openssl s_server -accept "$port" -key "$KEYS/key.pem" -cert "$KEYS/cert.pem" -www "$@"; }
srv www $P_WWW
srv tls13only $P_13ONLY -tls1_3
srv hrr $P_HRR -groups P-256
start_bg node node server.cjs $P_NODE "$KEYS/key.pem" "$KEYS/cert.pem"
for p in $P_WWW $P_NODE $P_13ONLY $P_HRR; do wait_port "$p"; done

start_capture tls-handshake.pcap "tcp portrange $P_WWW-$P_HRR"

# s_client sends the request, keeps reading until the server closes (-ign_eof), at most 10 s.
get() { printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$1" -ign_eof -quiet "${@:2}" >/dev/null 2>&1 || true; }
get $P_WWW -tls1_3 -servername tls13.callscope.test
get $P_WWW -tls1_2 -servername tls12.callscope.test
get $P_WWW -tls1_2
get $P_WWW -tls1_2 -servername resume.callscope.test -sess_out "$KEYS/session.pem"
get $P_WWW -tls1_2 -servername resume.callscope.test -sess_in "$KEYS/session.pem"

c() { timeout 10 curl -sS -o /dev/null --resolve "api.callscope.test:$P_NODE:127.0.0.1" "$@" || true; }
c -k --http2 "https://api.callscope.test:$P_NODE/h2"
c -k --http2 --tls-max 1.2 "https://api.callscope.test:$P_NODE/h2-tls12"
c -k --http1.1 --tls-max 1.2 "https://api.callscope.test:$P_NODE/http11-tls12"
c --http1.1 --tls-max 1.2 "https://api.callscope.test:$P_NODE/untrusted" 2>/dev/null

get $P_13ONLY -tls1_2 -servername old.callscope.test
get $P_HRR -tls1_3 -groups X25519:P-256 -servername hrr.callscope.test

stop_capture
