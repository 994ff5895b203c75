#!/usr/bin/env bash
# Held-out round: Ruby RPC and HTTP implementations from Debian 12 against callscope's decoders.
# Records one capture per implementation under $OUT (default /tmp/heldout-ruby-rpc), with each
# client's own log beside it, decodes each with the working tree's CLI (table + jsonl), and decodes
# truncated copies (editcap -s 80/200/400) that must not crash and should keep every call.
#
# Needs (Debian): ruby ruby-grpc ruby-grpc-tools ruby-google-protobuf ruby-thrift thrift-compiler
# ruby-xmlrpc ruby-webrick ruby-httpclient ruby-faraday ruby-net-http-persistent ruby-excon
# ruby-msgpack ruby-rack ruby-sinatra puma thin ruby-http-2 ruby-async-http ruby-soap4r ruby-graphql ruby-graphql-client ruby-em-http-request tcpdump wireshark-common (editcap); Node with the
# repository's samples/node_modules (@grpc/grpc-js, @grpc/proto-loader) for the cross-check; a
# built dist/cli.js (npm run build). Ports 22200-22295 on 127.0.0.1 only. Every server runs inside
# its script (threads) or under a timer, and stops by itself.
# Usage: test/heldout-ruby-rpc/run.sh [xmlrpc|grpc|thrift|http|h2|soap|graphql|drb]...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${OUT:-/tmp/heldout-ruby-rpc}"
CAP="$REPO/test/heldout/cap.sh"
CLI=(node "$REPO/dist/cli.js")
PROTO="$HERE/grpc/proto"
mkdir -p "$OUT"
cd "$OUT"
WHAT=("$@"); [ ${#WHAT[@]} -gt 0 ] || WHAT=(xmlrpc grpc thrift http h2 soap graphql drb)

# rec NAME FILTER CMD...: capture loopback while CMD runs; its stdout is NAME.client.log
rec() {
  local name="$1" filter="$2"; shift 2
  bash "$CAP" "$OUT/$name.pcap" "$filter" "$@" > "$OUT/$name.client.log" 2> "$OUT/$name.stderr.log" || echo "$name: exited $?" >&2
}
# decode NAME [ARGS]: table + jsonl, then truncated copies
decode() {
  local name="$1"; shift
  "${CLI[@]}" "$OUT/$name.pcap" "$@" > "$OUT/$name.table" 2> "$OUT/$name.warnings" || true
  "${CLI[@]}" "$OUT/$name.pcap" "$@" --format jsonl > "$OUT/$name.jsonl" 2>/dev/null || true
  echo "$name: $(tail -1 "$OUT/$name.table") ($(wc -l < "$OUT/$name.client.log") client log lines)"
  for s in 80 200 400; do
    editcap -s "$s" "$OUT/$name.pcap" "$OUT/$name.s$s.pcap"
    "${CLI[@]}" "$OUT/$name.s$s.pcap" "$@" > "$OUT/$name.s$s.table" 2>/dev/null || echo "$name -s $s: exit $?" >&2
    echo "  -s $s: $(tail -1 "$OUT/$name.s$s.table")"
  done
}

for w in "${WHAT[@]}"; do
  case "$w" in
  xmlrpc)
    rec xmlrpc 'tcp portrange 22200-22201' ruby "$HERE/xmlrpc.rb" 22200
    decode xmlrpc ;;
  grpc)
    mkdir -p "$OUT/grpc-gen"
    grpc_tools_ruby_protoc -I "$PROTO" --ruby_out="$OUT/grpc-gen" --grpc_out="$OUT/grpc-gen" "$PROTO/lab.proto"
    rec grpc-ruby 'tcp portrange 22210-22211' ruby -I "$OUT/grpc-gen" "$HERE/grpc/lab.rb" both 22210
    decode grpc-ruby --proto "$PROTO"
    # the Ruby client against @grpc/grpc-js (stops after 15 s)
    NODE_PATH="$REPO/samples/node_modules" timeout 30 node "$HERE/grpc/node-server.cjs" 22212 15 > "$OUT/grpc-node.server.log" 2>&1 &
    for _ in $(seq 50); do grep -q listening "$OUT/grpc-node.server.log" 2>/dev/null && break; sleep 0.1; done
    rec grpc-node 'tcp port 22212' ruby -I "$OUT/grpc-gen" "$HERE/grpc/lab.rb" client 127.0.0.1:22212
    wait
    decode grpc-node --proto "$PROTO" ;;
  thrift)
    mkdir -p "$OUT/thrift-gen"
    thrift --gen rb -out "$OUT/thrift-gen" "$REPO/test/heldout-rpc/thrift/shop.thrift" 2>/dev/null
    rec thrift 'tcp portrange 22220-22230' ruby -I "$OUT/thrift-gen" "$HERE/thrift.rb" 22220
    decode thrift ;;
  http)
    for s in puma:22240 thin:22241 webrick:22242 puma-limits:22243; do
      rec "http-${s%%:*}" "tcp port ${s##*:}" ruby "$HERE/http.rb" "${s%%:*}" "${s##*:}"
      decode "http-${s%%:*}"
    done
    rec em-http 'tcp port 22290' ruby "$HERE/em-http.rb" 22290
    decode em-http
    mkdir -p "$OUT/www"
    rec ranges 'tcp port 22295' ruby "$HERE/ranges.rb" 22295 "$OUT/www"
    decode ranges ;;
  h2)
    rec h2 'tcp portrange 22250-22251' ruby "$HERE/h2.rb" 22250
    decode h2 ;;
  soap)
    rec soap 'tcp port 22260' ruby "$HERE/soap.rb" 22260
    decode soap ;;
  graphql)
    rec graphql 'tcp port 22270' ruby "$HERE/graphql.rb" 22270
    decode graphql ;;
  drb)
    rec drb 'tcp port 22280' ruby "$HERE/drb.rb" 22280
    decode drb ;;
  *) echo "unknown: $w" >&2; exit 2 ;;
  esac
done
