#!/usr/bin/env bash
# run.sh [OUT]: the Mono / .NET round. Builds the C# programs with mcs and records, on loopback:
#   wcf-basic, wcf-soap12  WCF (System.ServiceModel) service + ChannelFactory client: BasicHttpBinding (SOAP 1.1),
#                          CustomBinding SOAP 1.2 + WS-Addressing 1.0 (wcf.cs); the served ?wsdl, ?wsdl=wsdl0 and
#                          ?xsd=xsdN are fetched inside the capture and also saved beside it
#   asmx11, asmx12         ASP.NET .asmx (System.Web.Services, asmx/Calc.asmx hosted by asmx/host.cs) called through
#                          the proxies Mono's `wsdl` tool generates from its ?wsdl (SOAP 1.1, and -protocol:SOAP12),
#                          plus the HTTP GET/POST forms (asmx/client.cs); Calc.wsdl saved beside the captures
#   http                   HttpListener served, called by HttpClient / HttpWebRequest / WebClient; ClientWebSocket
#                          against Debian's python3-websockets (ws_peer.py) (http.cs)
#   amqp                   Debian's libmono-rabbitmq4.0-cil (RabbitMQ.Client 1.x: AMQP 0-8, then 0-9) against
#                          RabbitMQ 3.10 (amqp.cs, rabbit.sh)
# decodes each capture with the built CLI (NAME.table, NAME.jsonl) and compares with what the clients logged
# (check.mjs). Installs nothing; it needs (as root):
#   apt-get install -y mono-complete libmono-rabbitmq4.0-cil rabbitmq-server python3-websockets tshark tcpdump
# and a built callscope (`npm run build`). Ports 28001 (WCF), 28010 (.asmx), 28020/28021 (HTTP, WebSocket),
# 28030–28032 (RabbitMQ: AMQP, distribution, epmd).
# Every server stops by itself (timeout). Captures go to OUT (default /tmp/heldout-dotnet), never the repository.
set -u
OUT=${1:-${OUT:-/tmp/heldout-dotnet}}
export OUT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
for p in mono-complete libmono-rabbitmq4.0-cil rabbitmq-server python3-websockets tshark tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
[ -f "$ROOT/dist/cli.js" ] || { echo "build callscope first: npm run build" >&2; exit 2; }
mkdir -p "$OUT/bin" "$OUT/asmxapp/bin"
cd "$OUT" || exit 2
PIDS=()
# shellcheck source=rabbit.sh
source "$HERE/rabbit.sh"
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; hd_rabbit_stop; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.2; done; }
MCS="mcs -nologo -nowarn:618,612,414,169,649"

echo "== build"
$MCS -out:bin/wcf.exe -r:System.ServiceModel.dll -r:System.Runtime.Serialization.dll "$HERE/wcf.cs" || exit 2
$MCS -out:bin/http.exe -r:System.Net.Http.dll "$HERE/http.cs" || exit 2
$MCS -out:bin/amqp.exe -r:RabbitMQ.Client.dll "$HERE/amqp.cs" || exit 2
cp "$HERE/asmx/Calc.asmx" "$HERE/asmx/web.config" asmxapp/
$MCS -out:asmxapp/bin/host.exe -r:System.Web.dll "$HERE/asmx/host.cs" || exit 2

echo "== WCF: BasicHttpBinding (SOAP 1.1), CustomBinding SOAP 1.2 + WS-Addressing 1.0"
for m in basic soap12; do
  rm -f wcf-$m.*.wsdl wcf-$m.*.xsd
  $CAP "$OUT/wcf-$m.pcap" 'tcp port 28001' mono bin/wcf.exe 28001 $m "$OUT" > wcf-$m.log 2> wcf-$m.err
done

echo "== .asmx (System.Web.Services) with wsdl-generated SoapHttpClientProtocol proxies"
timeout 90 mono asmxapp/bin/host.exe 28010 80 > asmx-host.log 2>&1 &
PIDS+=($!)
wait_port 28010
curl -s -m 60 'http://127.0.0.1:28010/Calc.asmx?wsdl' > Calc.wsdl
wsdl -nologo -out:bin/Calc11.cs -n:P11 Calc.wsdl > /dev/null && wsdl -nologo -protocol:SOAP12 -out:bin/Calc12.cs -n:P12 Calc.wsdl > /dev/null || exit 2
$MCS -out:bin/asmxclient.exe -r:System.Web.Services.dll -r:System.Web.dll bin/Calc11.cs bin/Calc12.cs "$HERE/asmx/client.cs" || exit 2
for v in 11 12; do
  $CAP "$OUT/asmx$v.pcap" 'tcp port 28010' mono bin/asmxclient.exe http://127.0.0.1:28010/Calc.asmx $v > asmx$v.log 2> asmx$v.err
done

echo "== HttpClient / HttpWebRequest / WebClient against HttpListener; ClientWebSocket against python3-websockets"
timeout 30 /usr/bin/python3 "$HERE/ws_peer.py" 28021 > ws-peer.log 2>&1 &
PIDS+=($!)
wait_port 28021
$CAP "$OUT/http.pcap" 'tcp port 28020 or tcp port 28021' mono bin/http.exe 28020 28021 > http.log 2> http.err

echo "== RabbitMQ.Client 1.x (AMQP 0-8, 0-9) against RabbitMQ"
hd_rabbit_start
$CAP "$OUT/amqp.pcap" 'tcp port 28030' mono bin/amqp.exe 28030 > amqp.log 2> amqp.err
hd_rabbit_stop

echo "== decoded"
for f in wcf-basic wcf-soap12 asmx11 asmx12 http amqp; do
  node "$ROOT/dist/cli.js" "$f.pcap" > "$f.table" 2>&1
  node "$ROOT/dist/cli.js" "$f.pcap" --format jsonl > "$f.jsonl" 2>&1
  echo "$f: $(tail -1 "$f.table")"
done
node "$HERE/check.mjs" "$OUT"
