#!/usr/bin/env bash
# nats-cluster.sh [OUT]: two nats-server processes clustered on loopback (A: clients 28611, route 28621;
# B: clients 28612, route 28622, --routes to A) and nats.js (samples/node_modules) with a client on each:
# B subscribes to orders.* and serves rpc.add in queue group "workers"; A publishes orders.new and
# requests rpc.add. The route carries RS+/RS-, RMSG (with reply and queue) and the servers' $SYS traffic.
# Needs nats-server (Debian), tcpdump and a built callscope.
set -u
OUT=${1:-/tmp/heldout-nats-cluster}; mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd)
lab() {
  nats-server -a 127.0.0.1 -p 28611 --cluster nats://127.0.0.1:28621 --cluster_name c1 -n A > "$LABDIR/a.log" 2>&1 &
  local A=$!
  nats-server -a 127.0.0.1 -p 28612 --cluster nats://127.0.0.1:28622 --cluster_name c1 --routes nats://127.0.0.1:28621 -n B > "$LABDIR/b.log" 2>&1 &
  local B=$!
  sleep 1.5
  NODE_PATH="$HERE/../../samples/node_modules" timeout 20 node -e '
const { connect, StringCodec } = require("nats");
(async () => {
  const sc = StringCodec();
  const a = await connect({ servers: "127.0.0.1:28611", name: "svc-a" });
  const b = await connect({ servers: "127.0.0.1:28612", name: "svc-b" });
  const sub = b.subscribe("orders.*");
  const q = b.subscribe("rpc.add", { queue: "workers" });
  (async () => { for await (const m of q) m.respond(sc.encode(String(Number(sc.decode(m.data)) + 1))); })();
  await b.flush(); await new Promise((r) => setTimeout(r, 300));
  a.publish("orders.new", sc.encode("{\"id\":1}"));
  const r = await a.request("rpc.add", sc.encode("41"), { timeout: 2000 });
  console.log("reply", sc.decode(r.data));
  for await (const m of sub) { console.log("got", m.subject); break; }
  await a.close(); await b.close();
})();'
  kill $A $B; wait $A $B 2>/dev/null
}
export -f lab; export HERE; export LABDIR=$OUT
bash "$HERE/cap.sh" "$OUT/cluster.pcap" 'tcp portrange 28611-28622' bash -c lab
node "${CLI:-$HERE/../../dist/cli.js}" "$OUT/cluster.pcap" --jobs 1 2>&1 | grep -v '\$SYS'
