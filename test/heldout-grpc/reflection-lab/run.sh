#!/usr/bin/env bash
# run.sh OUT.pcap: samples/grpc-go's Person API server (grpc-go 1.33, Debian) with grpc-go's own
# reflection service registered, asked by client.cjs (grpc-js, v1alpha) for its schema, then
# called. grpc-go names its files as protoc does (person.proto, google/protobuf/timestamp.proto)
# and answers a dependency by file name: the files are learned in several answers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); R=$(cd "$here/../../.." && pwd)
out=$(realpath "${1:-/tmp/heldout-h2/grpc-go-reflection.pcap}")
B=$(mktemp -d /tmp/reflection-lab.XXXXXX)
cp "$R/samples/grpc-go/main.go" "$R/samples/grpc-go/person.proto" "$B/"
sed -i 's|^\t"google.golang.org/grpc/status"|\t"google.golang.org/grpc/reflection"\n\t"google.golang.org/grpc/status"|; s|^\tRegisterPersonServiceServer(s, server{})|\tRegisterPersonServiceServer(s, server{})\n\treflection.Register(s)|' "$B/main.go"
(cd "$B" && protoc -I. -I/usr/include --plugin=protoc-gen-go=/usr/bin/protoc-gen-go \
  "--go_out=plugins=grpc,Mgoogle/protobuf/any.proto=github.com/golang/protobuf/ptypes/any,Mgoogle/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp:." person.proto \
  && sed -i 's/^package .*/package main/' person.pb.go \
  && GOPATH=/usr/share/gocode GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="$B/cache" go build -o persongo .)
"$B/persongo" server 23090 & srv=$!
sleep 1
tcpdump -i lo -U --immediate-mode -w "$out" "tcp port 23090" 2>/dev/null & cap=$!
sleep 1
NODE_PATH="$R/samples/node_modules" timeout 20 node "$here/client.cjs" 127.0.0.1:23090 || true
sleep 1; kill $cap $srv; wait 2>/dev/null || true
rm -rf "$B"
