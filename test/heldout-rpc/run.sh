#!/usr/bin/env bash
# Held-out validation of the RPC decoders against implementations the samples do not use.
# Records one capture per implementation under $OUT (default /tmp/heldout-rpc), with each client's own
# log beside it, then decodes each with the working tree's CLI (table + jsonl) and makes truncated copies
# (editcap -s 80/-s 200, head -c) that must decode without a crash.
#
# Needs: Debian php-cli php-soap php-xml php-xmlrpc libsoap-lite-perl libxmlrpc-lite-perl python3-zeep python3-spyne
# python3-jsonrpclib-pelix libhessian-java thrift-compiler golang-thrift-dev, a JDK, Go; npm (into $OUT, not the repo):
# xmlrpc json-rpc-2.0 jayson thrift q ws soap dubbo2.js @apollo/server graphql subscriptions-transport-ws @trpc/server
# @trpc/client zod @microsoft/signalr twirp-ts @protobuf-ts/plugin @protobuf-ts/twirp-transport twirpscript (and protoc: Debian
# protobuf-compiler). Ports 22010-22134 on 127.0.0.1 only.
# Usage: test/heldout-rpc/run.sh [xmlrpc|jsonrpc|soap|thrift|dubbo|graphql|mcp|aria2|twirp]...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${OUT:-/tmp/heldout-rpc}"
mkdir -p "$OUT"
cd "$OUT"
export NODE_PATH="$OUT/node_modules"
. "$REPO/samples/lib/capture.sh"
PY=/usr/bin/python3
WHAT=("$@"); [ ${#WHAT[@]} -gt 0 ] || WHAT=(xmlrpc jsonrpc soap thrift dubbo graphql mcp aria2 twirp)

# rec DIR NAME FILTER CLIENT...: capture what a bounded client does (servers already listening)
rec() {
  local dir="$1" name="$2" filter="$3"; shift 3
  mkdir -p "$OUT/$dir"
  start_capture "$OUT/$dir/$name.pcap" "$filter" lo pcap
  timeout 40 "$@" > "$OUT/$dir/$name.client.log" 2>&1 || cs_log "$name client exited $?"
  stop_capture
}

for w in "${WHAT[@]}"; do
  case "$w" in
  xmlrpc)
    rec xmlrpc node 'tcp port 22010' node "$HERE/xmlrpc-node.cjs" 22010
    start_bg xmlrpc-perl perl "$HERE/xmlrpc-perl-server.pl" 22011; wait_port 22011
    rec xmlrpc perl 'tcp port 22011' perl "$HERE/xmlrpc-perl-client.pl" 22011
    stop_bg xmlrpc-perl
    start_bg xmlrpc-php php -S 127.0.0.1:22012 "$HERE/xmlrpc-php-server.php"; wait_port 22012
    rec xmlrpc php 'tcp port 22012' php "$HERE/xmlrpc-php-client.php" 22012
    stop_bg xmlrpc-php ;;
  jsonrpc)
    rec jsonrpc node 'tcp portrange 22020-22021' node "$HERE/jsonrpc-node.cjs" 22020
    rec jsonrpc pelix 'tcp port 22022' "$PY" "$HERE/jsonrpc-pelix.py" 22022
    rec jsonrpc ws 'tcp port 22024' node "$HERE/jsonrpc-ws.cjs" 22024
    mkdir -p "$OUT/jsonrpc/go" && cp "$HERE/jsonrpc-go.go" "$OUT/jsonrpc/go/main.go"
    (cd "$OUT/jsonrpc/go" && { [ -f go.mod ] || go mod init heldout >/dev/null 2>&1; } && nice go build -o gojsonrpc .)
    rec jsonrpc go 'tcp port 22023' "$OUT/jsonrpc/go/gojsonrpc" 22023 ;;
  soap)
    mkdir -p "$OUT/soap-php" && cp "$HERE"/soap-php/* "$OUT/soap-php/"
    start_bg soap-php php -S 127.0.0.1:22030 -t "$OUT/soap-php" "$OUT/soap-php/server.php"; wait_port 22030
    rec soap-php php 'tcp port 22030' php "$OUT/soap-php/client.php" 22030
    stop_bg soap-php
    start_bg soap-perl perl "$HERE/soap-perl-server.pl" 22031; wait_port 22031
    rec soap-perl perl 'tcp port 22031' perl "$HERE/soap-perl-client.pl" 22031
    stop_bg soap-perl
    start_bg spyne "$PY" -u "$HERE/soap-spyne-server.py" 22032; wait_port 22032
    mkdir -p "$OUT/soap-spyne"
    curl -sS --max-time 5 'http://127.0.0.1:22032/?wsdl' > "$OUT/soap-spyne/shop.wsdl"
    rec soap-spyne spyne 'tcp port 22032' "$PY" "$HERE/soap-zeep-client.py" 22032
    stop_bg spyne ;;
  thrift)
    mkdir -p "$OUT/thrift/gen" && cp "$HERE/thrift/shop.thrift" "$OUT/thrift/"
    thrift --gen js:node -out "$OUT/thrift/gen" "$OUT/thrift/shop.thrift"
    rec thrift node 'tcp portrange 22040-22046' node "$HERE/thrift/run.cjs" "$OUT/thrift/gen" 22040
    # Go's thrift 0.17 (Debian golang-thrift-dev): THeader, framed compact, HTTP binary/JSON; the Person IDL beside
    # the capture (Go sends oneway calls as CALL messages: the IDL says they are oneway).
    G="$OUT/thrift-go"; mkdir -p "$G/src/heldout/lab" "$G/src/heldout/gen" && cp "$HERE/thrift/go-lab/main.go" "$G/src/heldout/lab/"
    cp "$REPO/samples/thrift-person-api/person.thrift" "$G/"
    thrift --gen go:package_prefix=heldout/gen/ -out "$G/src/heldout/gen" "$G/person.thrift"
    (cd "$G/src/heldout/lab" && GOPATH="$G:/usr/share/gocode" GO111MODULE=off nice go build -o "$G/lab" .)
    rec thrift-go go 'tcp portrange 22060-22063' "$G/lab" 22060 ;;
  graphql)
    [ -d "$OUT/node_modules/@apollo/server" ] || npm install --no-audit --no-fund --prefix "$OUT" @apollo/server graphql subscriptions-transport-ws ws >/dev/null
    rec graphql apollo 'tcp portrange 22070-22071' node "$HERE/graphql/apollo.cjs" 22070
    [ -d "$OUT/node_modules/@trpc/server" ] || npm install --no-audit --no-fund --prefix "$OUT" @trpc/server @trpc/client zod >/dev/null
    cp "$HERE/trpc/lab.mjs" "$OUT/trpc-lab.mjs" # (ESM resolves packages from the script's folder, not NODE_PATH)
    rec graphql trpc 'tcp port 22080' node "$OUT/trpc-lab.mjs" 22080
    [ -d "$OUT/node_modules/graphql-yoga" ] || npm install --no-audit --no-fund --prefix "$OUT" graphql-yoga @graphql-yoga/plugin-defer-stream >/dev/null
    rec graphql yoga-defer 'tcp port 22100' node "$HERE/graphql/yoga-defer.cjs" 22100
    [ -d "$OUT/node_modules/@microsoft/signalr-protocol-msgpack" ] || npm install --no-audit --no-fund --prefix "$OUT" @microsoft/signalr @microsoft/signalr-protocol-msgpack @msgpack/msgpack ws >/dev/null
    rec graphql signalr 'tcp port 22090' node "$HERE/signalr/lab.cjs" 22090
    rec graphql signalr-msgpack 'tcp port 22091' node "$HERE/signalr/lab.cjs" 22091 msgpack ;;
  aria2)
    # aria2c --enable-rpc (Debian aria2): JSON-RPC over HTTP and WebSocket, XML-RPC, system.multicall in both
    [ -d "$OUT/node_modules/ws" ] || npm install --no-audit --no-fund --prefix "$OUT" ws >/dev/null
    mkdir -p "$OUT/aria2"
    start_bg aria2 aria2c --enable-rpc --rpc-listen-port=22120 --rpc-secret=s3cret --rpc-listen-all=false -d "$OUT/aria2/dl" --quiet; wait_port 22120
    rec aria2 aria2 'tcp port 22120' bash -c "'$PY' '$HERE/aria2/lab.py' 22120 22121 '$OUT/aria2' && node '$HERE/aria2/ws.cjs' 22120 22121 '$OUT/aria2'"
    stop_bg aria2 ;;
  mcp)
    [ -d "$OUT/node_modules/@modelcontextprotocol/sdk" ] || npm install --no-audit --no-fund --prefix "$OUT" @modelcontextprotocol/sdk zod@3 >/dev/null
    rec mcp streamable-http 'tcp port 22110' node "$HERE/mcp/lab.cjs" 22110 ;;
  twirp)
    # twirp-ts 2 servers (default /twirp prefix, /api/rpc, none) with protoc-gen-twirp_ts and @protobuf-ts/plugin code,
    # called by twirp-ts's NodeHttpRPC and protobuf-ts' TwirpFetchTransport; shop.proto beside the capture.
    [ -d "$OUT/node_modules/twirp-ts" ] || npm install --no-audit --no-fund --prefix "$OUT" twirp-ts @protobuf-ts/plugin @protobuf-ts/runtime @protobuf-ts/runtime-rpc @protobuf-ts/twirp-transport >/dev/null
    mkdir -p "$OUT/twirp/gen" && cp "$HERE/twirp/shop.proto" "$HERE/twirp/lab.mjs" "$OUT/twirp/"
    protoc -I "$OUT/twirp" --plugin=protoc-gen-ts="$OUT/node_modules/.bin/protoc-gen-ts" --plugin=protoc-gen-twirp_ts="$OUT/node_modules/.bin/protoc-gen-twirp_ts" \
      --ts_opt=generate_dependencies --ts_out="$OUT/twirp/gen" --twirp_ts_out="$OUT/twirp/gen" "$OUT/twirp/shop.proto"
    (cd "$REPO" && node -e "require('esbuild').build({entryPoints:['$OUT/twirp/lab.mjs'],outfile:'$OUT/twirp/lab.cjs',bundle:true,platform:'node',format:'cjs',target:'es2022',logLevel:'warning',nodePaths:['$OUT/node_modules']})")
    rec twirp twirp-ts 'tcp portrange 22130-22132' node "$OUT/twirp/lab.cjs" 22130
    # TwirpScript 0.0.72: its own generator (`twirpscript`, JavaScript), server and clients; ESM, so run from $OUT
    [ -d "$OUT/node_modules/twirpscript" ] || npm install --no-audit --no-fund --prefix "$OUT" twirpscript >/dev/null
    T="$OUT/twirp/twirpscript"; mkdir -p "$T/gen" && cp "$HERE/twirp/shop.proto" "$HERE/twirp/twirpscript.mjs" "$T/"
    echo 'export default { root: ".", dest: "gen", language: "javascript" };' > "$T/proto.config.mjs"
    (cd "$T" && "$OUT/node_modules/.bin/twirpscript" >/dev/null) && echo '{"type":"module"}' > "$T/gen/package.json"
    rec twirp twirpscript 'tcp portrange 22133-22134' node "$T/twirpscript.mjs" "$T/gen" 22133 ;;
  dubbo)
    mkdir -p "$OUT/dubbo/classes"
    javac -cp /usr/share/java/hessian.jar -d "$OUT/dubbo/classes" "$HERE/dubbo/Provider.java"
    start_bg dubbo java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED -cp "/usr/share/java/hessian.jar:$OUT/dubbo/classes" Provider 22050; wait_port 22050
    rec dubbo dubbo 'tcp port 22050' node "$HERE/dubbo/client.cjs" 22050
    stop_bg dubbo ;;
  esac
done

# Decode with the working tree's CLI (bundled here, dist/ is left alone), then truncated copies.
(cd "$REPO" && nice -n 10 node -e "require('esbuild').build({entryPoints:['cli/main.ts'],outfile:'$OUT/cli.js',bundle:true,platform:'node',format:'cjs',target:'es2022',logLevel:'warning'})")
mkdir -p "$OUT/trunc"
for f in "$OUT"/*/*.pcap; do
  case "$f" in "$OUT/trunc/"*) continue ;; esac
  node "$OUT/cli.js" "$f" > "${f%.pcap}.table.txt" 2>&1 || true
  node "$OUT/cli.js" "$f" --format jsonl > "${f%.pcap}.jsonl" 2>/dev/null || true
  b=$(basename "$(dirname "$f")")-$(basename "$f")
  editcap -s 80 "$f" "$OUT/trunc/s80-$b"; editcap -s 200 "$f" "$OUT/trunc/s200-$b"
  sz=$(stat -c %s "$f"); head -c $((sz * 2 / 3)) "$f" > "$OUT/trunc/h-$b"; head -c $((sz / 3 + 7)) "$f" > "$OUT/trunc/h3-$b"
done
for t in "$OUT"/trunc/*.pcap; do
  rc=0; n=$(timeout 60 node "$OUT/cli.js" "$t" --format jsonl 2>"$t.err" | wc -l) || rc=$?
  printf '%s rc=%s calls=%s warnings=%s\n' "$(basename "$t")" "$rc" "$n" "$(wc -l < "$t.err")"
  grep -qiE 'internal error|TypeError|RangeError|at .*\.js:' "$t.err" && echo "  CRASH? see $t.err"
done
echo "captures and decodes in $OUT"
