#!/usr/bin/env bash
# Remakes grpc-go.pcap: the Person API (person.proto) with grpc-go on both ends, on 127.0.0.1:9410.
# Builds main.go offline from Debian's Go packages (see README.md), in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")"
. ../lib/capture.sh

PORT=9410
BUILD="$CS_LOG_DIR/build"
mkdir -p "$BUILD"
cp main.go "$BUILD/"
# Debian's protoc-gen-go is golang/protobuf 1.3 (APIv1, like grpc-go 1.33's codec): plugins=grpc writes the stubs.
protoc -I. -I/usr/include --plugin=protoc-gen-go=/usr/bin/protoc-gen-go \
  "--go_out=plugins=grpc,Mgoogle/protobuf/any.proto=github.com/golang/protobuf/ptypes/any,Mgoogle/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp:$BUILD" \
  person.proto
sed -i 's/^package .*/package main/' "$BUILD/person.pb.go"
(cd "$BUILD" && GOPATH=/usr/share/gocode GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="$BUILD/cache" go build -o persongo .)

start_bg server "$BUILD/persongo" server $PORT
wait_port $PORT
start_capture grpc-go.pcap "tcp port $PORT"
timeout 30 "$BUILD/persongo" client $PORT
stop_capture
