#!/usr/bin/env bash
# Remakes twirp-person-api.pcap: the Person API (person.proto) served by twirp-ts on 127.0.0.1:24020
# (prefix /twirp) and 127.0.0.1:24021 (prefix /people-api), called by twirp-ts's own client and by
# protobuf-ts' Twirp transport. Needs `npm install` in samples/ (twirp-ts, @protobuf-ts/plugin,
# @protobuf-ts/runtime, @protobuf-ts/runtime-rpc, @protobuf-ts/twirp-transport) and protoc
# (Debian: protobuf-compiler).
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

P1=24020
P2=24021
BIN=../node_modules/.bin
GEN="$CS_LOG_DIR/gen"
mkdir -p "$GEN/ts"
# The code a twirp-ts project generates (protobuf-ts messages and client, twirp-ts server and
# clients), made CommonJS for node.
protoc -I . --plugin=protoc-gen-ts="$BIN/protoc-gen-ts" --plugin=protoc-gen-twirp_ts="$BIN/protoc-gen-twirp_ts" \
  --ts_opt=generate_dependencies --ts_out="$GEN/ts" --twirp_ts_out="$GEN/ts" person.proto
# (transpiled one file at a time by the typescript that comes with @protobuf-ts/plugin: no type check)
node - "$GEN/ts" "$GEN/js" <<'JS'
const ts = require('typescript');
const fs = require('node:fs');
const path = require('node:path');
const [from, to] = process.argv.slice(2);
for (const f of fs.readdirSync(from, { recursive: true })) {
  if (!f.endsWith('.ts')) continue;
  const out = ts.transpileModule(fs.readFileSync(path.join(from, f), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } });
  fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
  fs.writeFileSync(path.join(to, f.replace(/\.ts$/, '.js')), out.outputText);
}
JS
start_bg server env NODE_PATH="$PWD/../node_modules" node server.js "$GEN/js" $P1 $P2
wait_port $P1
wait_port $P2
start_capture twirp-person-api.pcap "tcp port $P1 or tcp port $P2"
timeout 30 env NODE_PATH="$PWD/../node_modules" node client.js "$GEN/js" $P1 $P2
stop_capture
