#!/usr/bin/env bash
# Held-out round with Java implementations from Debian (OpenJDK 17): records one capture per round under
# $OUT (default /tmp/heldout-java), the program's own log beside it, then decodes each with the working
# tree's CLI (table + jsonl). Loopback only, ports 27000-27099 (RabbitMQ: 27672, its distribution 27625,
# epmd 27369); every server is started and stopped here, every client bounded (cap.sh: 120 s).
#
# Needs Debian: libjaxws-java libasm-java (soap); rabbitmq-server librabbitmq-client-java libmqtt-client-java (rabbit);
# libthrift-java thrift-compiler python3-thrift (thrift); libaxmlrpc-java (xmlrpc); libjeromq-java (jeromq);
# libgrpc-java libnetty-java libprotobuf-java libperfmark-java protobuf-compiler-grpc-java-plugin (grpc);
# libhessian-java (hessian); python3-websockets (websocket); libtomcat10-java (tomcat); libokhttp-java (okhttp); libjetty9-java (jetty).
# Usage: test/heldout-java/run.sh [soap|rabbit|thrift|xmlrpc|jeromq|grpc|hessian|websocket|tomcat|okhttp|jetty]...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${OUT:-/tmp/heldout-java}"
CAP="$REPO/test/heldout/cap.sh"
J=/usr/share/java
PY=/usr/bin/python3
mkdir -p "$OUT"
WHAT=("$@"); [ ${#WHAT[@]} -gt 0 ] || WHAT=(soap rabbit thrift xmlrpc jeromq grpc hessian websocket tomcat okhttp jetty)
cp_of() { local IFS=:; local a=(); for j in "$@"; do a+=("$J/$j.jar"); done; echo "${a[*]}"; }
decode() { # decode DIR NAME: table + jsonl beside the capture
  node "$REPO/dist/cli.js" "$OUT/$1/$2.pcap" --format table > "$OUT/$1/$2.table.txt" 2>&1 || true
  node "$REPO/dist/cli.js" "$OUT/$1/$2.pcap" --format jsonl > "$OUT/$1/$2.jsonl" 2>/dev/null || true
  echo "$1/$2: $(tail -1 "$OUT/$1/$2.table.txt")"
}

for w in "${WHAT[@]}"; do
  case "$w" in
  soap)
    # JAX-WS RI 2.3 on both ends. Debian's jaxws-rt wants ASM relocated under com.sun.xml.ws.org.objectweb.asm
    # (upstream bundles it): soap/RelocateAsm.java writes that copy from Debian's asm.jar.
    D="$OUT/soap"; mkdir -p "$D/classes" "$OUT/soap-wsdl"
    CP=$(cp_of jaxws-rt jaxws-api jws-api jaxb-api jaxb-runtime jaxb-core javax.activation javax.xml.soap-api saaj-impl mimepull \
      stax-ex streambuffer istack-commons-runtime gmbal metro-policy glassfish-management-api FastInfoset geronimo-annotation-1.3-spec woodstox-core stax2-api)
    [ -f "$D/asm-relocated.jar" ] || java -cp "$J/asm.jar:$J/asm-commons.jar" "$HERE/soap/RelocateAsm.java" "$J/asm.jar" "$D/asm-relocated.jar"
    javac -cp "$CP" -d "$D/classes" "$HERE/soap/SoapLab.java"
    "$CAP" "$D/jaxws.pcap" 'tcp port 27010' java --add-opens java.base/java.lang=ALL-UNNAMED -cp "$CP:$D/asm-relocated.jar:$D/classes" \
      heldout.SoapLab 27010 "$OUT/soap-wsdl" > "$D/jaxws.client.log" 2>&1 || echo "soap lab exited $?"
    decode soap jaxws
    # again with the WSDLs and the schemas they import (?xsd=1) beside the capture
    cp "$D/jaxws.pcap" "$OUT/soap-wsdl/" && node "$REPO/dist/cli.js" "$OUT/soap-wsdl/jaxws.pcap" --format jsonl > "$OUT/soap-wsdl/jaxws.jsonl"
    echo "soap-wsdl/jaxws (WSDL + XSD beside): $(grep -c '"definition"' "$OUT/soap-wsdl/jaxws.jsonl") calls linked to their operation" ;;
  rabbit)
    D="$OUT/rabbit"; mkdir -p "$D/classes"
    CP=$(cp_of amqp-client slf4j-api slf4j-nop)
    javac -cp "$CP" -d "$D/classes" "$HERE/rabbit/RabbitLab.java"
    . "$HERE/rabbit/rabbit.sh"
    hj_rabbit_start
    "$CAP" "$D/amqp-client.pcap" 'tcp port 27672' java -cp "$CP:$D/classes" RabbitLab 27672 > "$D/amqp-client.client.log" 2>&1 || echo "rabbit lab exited $?"
    # FuseSource mqtt-client (MQTT 3.1 and 3.1.1) against the same broker's MQTT plugin
    MCP=$(cp_of mqtt-client hawtdispatch hawtdispatch-transport hawtbuf)
    javac -cp "$MCP" -d "$D/classes" "$HERE/mqtt/FuseMqttLab.java"
    "$CAP" "$D/fuse-mqtt.pcap" 'tcp port 27883' java -cp "$MCP:$D/classes" FuseMqttLab 27883 > "$D/fuse-mqtt.client.log" 2>&1 || echo "mqtt lab exited $?"
    hj_rabbit_stop
    decode rabbit amqp-client
    decode rabbit fuse-mqtt ;;
  thrift)
    # code from the thrift 0.17 compiler for libthrift 0.16; the IDL beside the capture names the fields
    D="$OUT/thrift"; mkdir -p "$D/gen" "$D/classes"
    CP=$(cp_of thrift slf4j-api slf4j-nop geronimo-annotation-1.3-spec servlet-api jetty9-server jetty9-servlet jetty9-http jetty9-io \
      jetty9-util jetty9-security httpclient httpcore commons-logging commons-lang3)
    thrift --gen java -out "$D/gen" "$REPO/test/heldout-rpc/thrift/shop.thrift"
    javac -nowarn -cp "$CP" -d "$D/classes" $(find "$D/gen" -name '*.java') "$HERE/thrift/ThriftLab.java"
    "$CAP" "$D/libthrift.pcap" 'tcp portrange 27020-27029' java -cp "$CP:$D/classes" ThriftLab 27020 > "$D/libthrift.client.log" 2>&1 || echo "thrift lab exited $?"
    rm -rf "$D/idl"  # (an IDL under the capture's folder would be found: the first decode is without it)
    decode thrift libthrift
    mkdir -p "$OUT/thrift-idl" && cp "$REPO/test/heldout-rpc/thrift/shop.thrift" "$OUT/thrift-idl/"
    # with the IDL beside it (TTupleProtocol), and the TZlibTransport connection given to Thrift
    cp "$D/libthrift.pcap" "$OUT/thrift-idl/" && node "$REPO/dist/cli.js" "$OUT/thrift-idl/libthrift.pcap" --decode-as tcp.port==27027,thrift --format jsonl > "$OUT/thrift-idl/libthrift.jsonl"
    echo "thrift-idl/libthrift (IDL beside, --decode-as zlib): $(wc -l < "$OUT/thrift-idl/libthrift.jsonl") calls, $(grep -c "\"warnings\":\[\]" "$OUT/thrift-idl/libthrift.jsonl") without warnings" ;;
  xmlrpc)
    D="$OUT/xmlrpc"; mkdir -p "$D/classes"
    javac -cp "$J/axmlrpc.jar" -d "$D/classes" "$HERE/xmlrpc/AxmlrpcLab.java"
    "$PY" -u "$HERE/xmlrpc/server.py" 27030 > "$D/server.log" 2>&1 & SRV=$!
    for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/27030) 2>/dev/null && break; sleep 0.1; done
    "$CAP" "$D/axmlrpc.pcap" 'tcp port 27030' java -cp "$J/axmlrpc.jar:$D/classes" AxmlrpcLab 27030 > "$D/axmlrpc.client.log" 2>&1 || echo "xmlrpc lab exited $?"
    kill "$SRV"; wait "$SRV" 2>/dev/null || true
    decode xmlrpc axmlrpc ;;
  jeromq)
    D="$OUT/jeromq"; mkdir -p "$D/classes"
    javac -cp "$J/jeromq.jar" -d "$D/classes" "$HERE/jeromq/JeromqLab.java"
    "$CAP" "$D/jeromq.pcap" 'tcp portrange 27060-27064' java -cp "$J/jeromq.jar:$D/classes" JeromqLab 27060 > "$D/jeromq.client.log" 2>&1 || echo "jeromq lab exited $?"
    decode jeromq jeromq ;;
  grpc)
    # stubs from protoc + grpc_java_plugin; lab.proto beside the capture types the messages
    D="$OUT/grpc"; mkdir -p "$D/gen" "$D/classes"
    CP=$(cp_of grpc-api grpc-core grpc-context grpc-stub grpc-protobuf grpc-protobuf-lite grpc-netty netty-buffer netty-codec netty-codec-http \
      netty-codec-http2 netty-common netty-handler netty-resolver netty-transport protobuf guava jsr305 error_prone_annotations opencensus-api \
      geronimo-annotation-1.3-spec perfmark-api)
    protoc --plugin=protoc-gen-grpc-java=/usr/bin/grpc_java_plugin --java_out="$D/gen" --grpc-java_out="$D/gen" -I "$HERE/grpc" "$HERE/grpc/lab.proto"
    javac -nowarn -cp "$CP" -d "$D/classes" $(find "$D/gen" -name '*.java') "$HERE/grpc/GrpcLab.java"
    cp "$HERE/grpc/lab.proto" "$D/"
    "$CAP" "$D/grpc-java.pcap" 'tcp port 27090' java -cp "$CP:$D/classes" GrpcLab 27090 > "$D/grpc-java.client.log" 2>&1 || echo "grpc lab exited $?"
    decode grpc grpc-java ;;
  websocket)
    D="$OUT/websocket"; mkdir -p "$D/classes"
    javac -d "$D/classes" "$HERE/websocket/JdkWebSocketLab.java"
    "$PY" -u "$HERE/websocket/server.py" 27070 > "$D/server.log" 2>&1 & SRV=$!
    for i in $(seq 50); do grep -q listening "$D/server.log" && break; sleep 0.1; done
    "$CAP" "$D/jdk-ws.pcap" 'tcp port 27070' java -cp "$D/classes" JdkWebSocketLab 27070 > "$D/jdk-ws.client.log" 2>&1 || echo "websocket lab exited $?"
    kill "$SRV"; wait "$SRV" 2>/dev/null || true
    decode websocket jdk-ws ;;
  hessian)
    D="$OUT/hessian"; mkdir -p "$D/classes"
    CP=$(cp_of hessian servlet-api jetty9-server jetty9-servlet jetty9-http jetty9-io jetty9-util jetty9-security)
    javac -cp "$CP" -d "$D/classes" "$HERE/hessian/HessianLab.java"
    "$CAP" "$D/hessian.pcap" 'tcp port 27080' java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
      -cp "$CP:$D/classes" HessianLab 27080 > "$D/hessian.client.log" 2>&1 || echo "hessian lab exited $?"
    decode hessian hessian ;;
  tomcat)
    D="$OUT/tomcat"; mkdir -p "$D/classes"
    CP=$(cp_of tomcat10-catalina tomcat10-coyote tomcat10-util tomcat10-util-scan tomcat10-api tomcat10-juli tomcat10-jni tomcat10-servlet-api \
      tomcat10-annotations-api tomcat10-el-api tomcat10-jaspic-api)
    javac -nowarn -cp "$CP" -d "$D/classes" "$HERE/tomcat/TomcatLab.java" 2>&1 | grep -v '^Note' || true
    "$CAP" "$D/tomcat.pcap" 'tcp port 27095' java -Djava.io.tmpdir="$D" -cp "$CP:$D/classes" TomcatLab 27095 > "$D/tomcat.client.log" 2>&1 || echo "tomcat lab exited $?"
    decode tomcat tomcat ;;
  okhttp)
    D="$OUT/okhttp"; mkdir -p "$D/classes"
    javac -cp "$(cp_of okhttp okio)" -d "$D/classes" "$HERE/okhttp/OkHttpLab.java"
    node "$HERE/okhttp/server.cjs" 27040 > "$D/server.log" 2>&1 & SRV=$!
    for i in $(seq 50); do grep -q listening "$D/server.log" && break; sleep 0.1; done
    "$CAP" "$D/okhttp.pcap" 'tcp port 27040' java -cp "$(cp_of okhttp okio):$D/classes" OkHttpLab 27040 > "$D/okhttp.client.log" 2>&1 || echo "okhttp lab exited $?"
    kill "$SRV"; wait "$SRV" 2>/dev/null || true
    decode okhttp okhttp ;;
  jetty)
    D="$OUT/jetty"; mkdir -p "$D/classes"
    CP=$(cp_of servlet-api jetty9-server jetty9-servlet jetty9-http jetty9-io jetty9-util jetty9-security jetty9-http2-server \
      jetty9-http2-common jetty9-http2-hpack jetty9-http2-client jetty9-alpn-client okhttp okio httpclient httpcore commons-logging)
    javac -cp "$CP" -d "$D/classes" "$HERE/jetty/JettyLab.java"
    "$CAP" "$D/jetty.pcap" 'tcp port 27050' java -cp "$CP:$D/classes" JettyLab 27050 > "$D/jetty.client.log" 2>&1 || echo "jetty lab exited $?"
    decode jetty jetty ;;
  esac
done
