#!/usr/bin/env bash
# run.sh [OUT]: held-out round 15 — definitions written by real tools, linked against real traffic.
# Each scenario is a "workspace" folder under OUT (default /tmp/heldout-defs): a capture, the
# definitions a real tool wrote for the server that answered it, and the client's log of what it called.
#   fastapi        FastAPI 0.92 (pydantic 1.10) on uvicorn 0.17, httpx 0.23: its served /openapi.json (3.0.2)
#   fastapi-h2     the same app served by Hypercorn 0.13, httpx over HTTP/2 (h2c, prior knowledge)
#   fastapi-root-path  the same app with `root_path` (behind a proxy that strips /rides-api): the
#                  document's servers name the prefix, the requests the app gets do not
#   apispec-2.0    one Flask 2.2 app (marshmallow 3.18 schemas, YAML docstrings) whose documents apispec
#   apispec-3.0.3  5.2.2 writes in its three versions: the same capture in three folders, each with one
#   apispec-3.1.0  document (Swagger 2.0 basePath + x-nullable; 3.0.3 servers + nullable; 3.1.0 type lists)
#   flasgger       flasgger 0.9.5's Swagger 2.0 from README-style docstrings (schema `id:` models,
#                  body/formData parameters, `type: file`, `exclusiveMinimum: true`)
#   fastify        Fastify 5.12 + @fastify/swagger 9.9 (npm, installed into OUT/node): OpenAPI 3.0.3 from
#                  the routes' draft-07 schemas (shared `$id` schemas, type lists with null, oneOf, 4xx)
#   hono           Hono 4.13 + @hono/zod-openapi 1.6 (zod 4, zod-to-openapi 9; npm): OpenAPI 3.1.0 from zod
#   grpc           Python grpcio 1.51 (code from protoc 3.21 + grpc_python_plugin) serving
#                  acme.rides.v1.RideService: nested packages, imports, every well-known type; the .proto
#   grpc-nested    tree beside the capture, under proto/ beside it, and given with --proto (no .proto
#   grpc-proto-flag  in the folder): found by callscope's own discovery
#   grpc-imports   the .proto importing google/api, protoc-gen-validate and protovalidate files that are not there
# Then check.ts links every call as the extension's worker does and compares (exit 1 on a difference).
# Installs nothing; it needs (as root):
#   apt-get install -y python3-fastapi python3-uvicorn python3-hypercorn python3-h2 python3-httpx python3-multipart python3-flask \
#     python3-apispec python3-marshmallow python3-flasgger python3-jsonschema python3-grpcio \
#     python3-protobuf protobuf-compiler protobuf-compiler-grpc tcpdump
# and callscope's node_modules (tsx); Fastify and Hono and their OpenAPI plugins are installed from npm into
# OUT/node. Ports 28201–28250 on 127.0.0.1. Every server stops by itself.
set -u
OUT=${1:-${OUT:-/tmp/heldout-defs}}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
PY=/usr/bin/python3
for p in python3-fastapi python3-uvicorn python3-hypercorn python3-h2 python3-httpx python3-multipart python3-flask python3-apispec python3-marshmallow python3-flasgger python3-jsonschema python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
mkdir -p "$OUT"
cd "$OUT" || exit 2

echo "== FastAPI (uvicorn, httpx): every operation, valid and invalid bodies, an upload, a 204, a 404, a 405"
rm -rf fastapi && mkdir -p fastapi
$CAP "$OUT/fastapi/fastapi.pcap" 'tcp port 28201' $PY "$HERE/fastapi-lab.py" 28201 "$OUT/fastapi" > fastapi/fastapi.log
rm -rf fastapi-h2 && mkdir -p fastapi-h2
SERVER=hypercorn $CAP "$OUT/fastapi-h2/fastapi-h2.pcap" 'tcp port 28203' $PY "$HERE/fastapi-lab.py" 28203 "$OUT/fastapi-h2" > fastapi-h2/fastapi-h2.log
rm -rf fastapi-root-path && mkdir -p fastapi-root-path
$CAP "$OUT/fastapi-root-path/fastapi-root-path.pcap" 'tcp port 28202' $PY "$HERE/fastapi-lab.py" 28202 "$OUT/fastapi-root-path" /rides-api > fastapi-root-path/fastapi-root-path.log

echo "== apispec: one Flask app, its documents in Swagger 2.0, OpenAPI 3.0.3 and 3.1.0"
rm -rf apispec apispec-2.0 apispec-3.0.3 apispec-3.1.0 && mkdir -p apispec/2.0 apispec/3.0.3 apispec/3.1.0
$CAP "$OUT/apispec/apispec.pcap" 'tcp port 28220' $PY "$HERE/apispec-lab.py" 28220 "$OUT/apispec" > apispec/apispec.log 2> apispec/apispec.err
for v in 2.0 3.0.3 3.1.0; do
  mkdir -p "apispec-$v"
  cp "apispec/$v/parcels.json" "apispec-$v/"
  cp apispec/apispec.pcap "apispec-$v/apispec-$v.pcap"
  cp apispec/apispec.log "apispec-$v/apispec-$v.log"
done
rm -rf apispec

echo "== flasgger: Swagger 2.0 from docstrings"
rm -rf flasgger && mkdir -p flasgger
$CAP "$OUT/flasgger/flasgger.pcap" 'tcp port 28230' $PY "$HERE/flasgger-lab.py" 28230 "$OUT/flasgger" > flasgger/flasgger.log 2> flasgger/flasgger.err

echo "== fastify + @fastify/swagger (npm)"
[ -d node/node_modules/@fastify/swagger ] || { mkdir -p node && (cd node && npm install --no-audit --no-fund --silent fastify@5.12.8 @fastify/swagger@9.9.3) || exit 1; }
rm -rf fastify && mkdir -p fastify
$CAP "$OUT/fastify/fastify.pcap" 'tcp port 28240' node "$HERE/fastify-lab.cjs" 28240 "$OUT/fastify" "$OUT/node/node_modules" > fastify/fastify.log

echo "== Hono + @hono/zod-openapi (npm): OpenAPI 3.1.0 from zod"
[ -d node/node_modules/@hono/zod-openapi ] || { mkdir -p node && (cd node && npm install --no-audit --no-fund --silent @hono/zod-openapi@1.6.3 @hono/node-server@2.1.8 hono@4.13.19 zod@4.6.7) || exit 1; }
rm -rf hono && mkdir -p hono
$CAP "$OUT/hono/hono.pcap" 'tcp port 28250' node "$HERE/hono-lab.mjs" 28250 "$OUT/hono" "$OUT/node/node_modules" > hono/hono.log

echo "== gRPC: grpcio server and client, acme.rides.v1 with every well-known type"
rm -rf gen grpc grpc-nested grpc-proto-flag && mkdir -p gen grpc grpc-nested/proto grpc-proto-flag
protoc -I "$HERE/protos" -I /usr/include --python_out=gen --grpc_python_out=gen --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  acme/rides/v1/rides.proto acme/common/v1/money.proto || exit 1
protoc -I "$HERE/rpc-status" -I /usr/include --python_out=gen google/rpc/status.proto google/rpc/error_details.proto || exit 1
$CAP "$OUT/grpc/grpc.pcap" 'tcp port 28210' $PY "$HERE/grpc-lab.py" 28210 "$OUT/gen" > grpc/grpc.log
cp -r "$HERE/protos/acme" grpc/
cp -r "$HERE/protos/acme" grpc-nested/proto/
# grpc-imports: the same .proto importing what real ones do without the files being there (grpc-gateway's
# google/api annotations, field_behavior, protoc-gen-validate and protovalidate rules on fields)
rm -rf grpc-imports && mkdir -p grpc-imports && cp -r "$HERE/protos/acme" grpc-imports/
sed -i -e 's|^import "google/protobuf/wrappers.proto";|&\nimport "google/api/annotations.proto";\nimport "google/api/field_behavior.proto";\nimport "validate/validate.proto";\nimport "buf/validate/validate.proto";|' \
  -e '/^message CreateRideRequest/,/^}/{s|  string rider = 1;|  string rider = 1 [(validate.rules).string.min_len = 1, (google.api.field_behavior) = REQUIRED];|;s|  acme.common.v1.LatLng pickup = 2;|  acme.common.v1.LatLng pickup = 2 [(buf.validate.field).required = true];|}' \
  -e 's|  rpc GetRide(GetRideRequest) returns (Ride);|  rpc GetRide(GetRideRequest) returns (Ride) {\n    option (google.api.http) = {get: "/v1/rides/{ride_id}"};\n  }|' \
  grpc-imports/acme/rides/v1/rides.proto
for s in grpc-nested grpc-proto-flag grpc-imports; do
  cp grpc/grpc.pcap "$s/$s.pcap"
  cp grpc/grpc.log "$s/$s.log"
done

echo "== check"
cd "$ROOT" && node --import tsx "$HERE/check.ts" "$OUT"
