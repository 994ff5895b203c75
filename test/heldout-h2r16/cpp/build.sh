#!/usr/bin/env bash
# build.sh DIR: compile lab.cc against Debian's libgrpc++ into DIR/cpp-lab
set -e
D=${1:-/tmp/heldout-h2r16}; H=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$D/cpp-build"
protoc -I "$H/.." --cpp_out="$D/cpp-build" --grpc_out="$D/cpp-build" --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" "$H/../lab.proto"
g++ -std=c++17 -O1 -I "$D/cpp-build" "$H/lab.cc" "$D/cpp-build/lab.pb.cc" "$D/cpp-build/lab.grpc.pb.cc" -o "$D/cpp-lab" $(pkg-config --cflags --libs grpc++ protobuf)
