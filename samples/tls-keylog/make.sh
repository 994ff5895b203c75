#!/usr/bin/env bash
# Remakes tls-keylog.pcap, its key log tls-keylog.keys, and dsb/tls-keylog-dsb.pcapng (the same
# packets with the key log inside, in a pcapng Decryption Secrets Block): real TLS clients on
# loopback that log their session secrets in the NSS key log format.
#   23701  node:http2 secure server with allowHTTP1 (server.cjs), a small Person API; curl with
#          SSLKEYLOGFILE: TLS 1.3 with each cipher suite (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305),
#          HTTP/1.1 and HTTP/2; TLS 1.2 (--tls-max 1.2) with ECDHE-ECDSA AES-128-GCM, AES-256-GCM,
#          ChaCha20-Poly1305 and AES-128-CBC-SHA256 (encrypt_then_mac); and one request made without
#          SSLKEYLOGFILE (its keys are not in the log: a warning)
#   23702  @grpc/grpc-js over TLS (grpc.cjs, notes.proto): three unary Add calls and a server-streaming
#          List; the client logs its keys with NODE_OPTIONS=--tls-keylog
#   23703  openssl s_server -www: openssl s_client -keylogfile sends a TLS 1.3 KeyUpdate (its "K" command:
#          update and request one back), then GET / HTTP/1.0 (no ALPN: the plaintext is probed); TLS 1.2
#          AES-256-CBC-SHA384 without encrypt_then_mac (-no_etm: MAC-then-encrypt)
#   23704  wss:// (ws.cjs: node:https + ws): an Upgrade to WebSocket inside TLS, two messages each way
#   23705  openssl s_server offering TLS 1.2 AES-CCM_8 and ARIA-GCM: s_client with ECDHE-ECDSA-AES128-CCM8
#          (decrypted: an 8-byte tag), then with ECDHE-ECDSA-ARIA128-GCM-SHA256 (not decrypted: a warning)
# Needs `npm install` in samples/ (@grpc/grpc-js, @grpc/proto-loader), curl built with OpenSSL, and
# editcap (Wireshark) for the pcapng. The certificate is made fresh (self-signed EC P-256 for
# *.callscope.test) in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

P_HTTPS=23701 P_GRPC=23702 P_OPENSSL=23703 P_WSS=23704 P_CCM=23705
KEYS="$CS_LOG_DIR/keys"
mkdir -p "$KEYS" dsb
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=callscope.test \
  -addext 'subjectAltName=DNS:callscope.test,DNS:*.callscope.test' \
  -keyout "$KEYS/key.pem" -out "$KEYS/cert.pem" 2>/dev/null

LOG="$PWD/tls-keylog.keys"
rm -f "$LOG"
start_bg https node server.cjs $P_HTTPS "$KEYS/key.pem" "$KEYS/cert.pem"
start_bg grpc node grpc.cjs server $P_GRPC "$KEYS/key.pem" "$KEYS/cert.pem"
start_bg openssl openssl s_server -accept $P_OPENSSL -key "$KEYS/key.pem" -cert "$KEYS/cert.pem" -www
start_bg wss node ws.cjs server $P_WSS "$KEYS/key.pem" "$KEYS/cert.pem"
start_bg ccm openssl s_server -accept $P_CCM -key "$KEYS/key.pem" -cert "$KEYS/cert.pem" -www -cipher ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-ARIA128-GCM-SHA256
for p in $P_HTTPS $P_GRPC $P_OPENSSL $P_WSS $P_CCM; do wait_port $p; done

start_capture tls-keylog.pcap "tcp portrange $P_HTTPS-$P_CCM"

API="https://api.callscope.test:$P_HTTPS"
c() { SSLKEYLOGFILE="$LOG" timeout 10 curl -sS -o /dev/null -k --resolve "api.callscope.test:$P_HTTPS:127.0.0.1" "$@"; }
json=(-H 'content-type: application/json')
# TLS 1.3, one suite each; two requests on one connection (curl reuses it for the second URL)
c --tlsv1.3 --http1.1 --tls13-ciphers TLS_AES_128_GCM_SHA256 "$API/persons" "$API/persons/1"
c --tlsv1.3 --http2 --tls13-ciphers TLS_AES_256_GCM_SHA384 -X POST "${json[@]}" -d '{"name":"Grace Hopper","email":"grace@example.test"}' "$API/persons"
c --tlsv1.3 --http1.1 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256 -X DELETE "$API/persons/9"
# TLS 1.2: AEAD suites (decrypted) and a CBC suite (not decrypted)
c --tls-max 1.2 --http1.1 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "$API/persons/2"
c --tls-max 1.2 --http2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384 "$API/persons"
c --tls-max 1.2 --http1.1 --ciphers ECDHE-ECDSA-CHACHA20-POLY1305 -X DELETE "$API/persons/2"
c --tls-max 1.2 --http1.1 --ciphers ECDHE-ECDSA-AES128-SHA256 "$API/persons/1"
# Keys not logged: this connection stays encrypted
timeout 10 curl -sS -o /dev/null -k --resolve "api.callscope.test:$P_HTTPS:127.0.0.1" --http1.1 "$API/persons/3"

NODE_OPTIONS="--tls-keylog=$LOG" timeout 30 node grpc.cjs client $P_GRPC "$KEYS/cert.pem"

# s_client runs its one-letter commands only without -ign_eof: stdin stays open (sleep) until the answer
(sleep 0.5; printf 'K\n'; sleep 0.5; printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1) |
  timeout 10 openssl s_client -connect 127.0.0.1:$P_OPENSSL -tls1_3 -keylogfile "$LOG" -servername keyupdate.callscope.test >/dev/null 2>&1 || true
get() { printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$1" -keylogfile "$LOG" -ign_eof -quiet "${@:2}" >/dev/null 2>&1 || true; }
get $P_OPENSSL -tls1_2 -cipher ECDHE-ECDSA-AES256-SHA384 -no_etm -servername cbc.callscope.test

NODE_OPTIONS="--tls-keylog=$LOG" timeout 10 node ws.cjs client $P_WSS

get $P_CCM -tls1_2 -cipher ECDHE-ECDSA-AES128-CCM8 -servername ccm8.callscope.test
get $P_CCM -tls1_2 -cipher ECDHE-ECDSA-ARIA128-GCM-SHA256 -servername aria.callscope.test

stop_capture
chmod 0644 "$LOG"
editcap -F pcapng --inject-secrets "tls,$LOG" tls-keylog.pcap dsb/tls-keylog-dsb.pcapng
chmod 0644 dsb/tls-keylog-dsb.pcapng
