#!/usr/bin/env bash
# pyclients.sh OUT.pcap tornado|twisted: pyservers.py on port 22090/22091 and its clients: curl
# keep-alive over several URLs, a gzip-coded JSON upload, python xmlrpc.client (add, echo of
# every type, a fault, system.multicall on tornado), urllib3 chunked upload from a generator.
set -u
OUT=$1; KIND=$2; H=$(dirname "$0")
PORT=$([ "$KIND" = tornado ] && echo 22090 || echo 22091)
/usr/bin/python3 $H/pyservers.py $KIND $PORT 25 & SRV=$!
sleep 1.5
export U=http://127.0.0.1:$PORT KIND
client() {
  if [ "$KIND" = tornado ]; then X='/gzip /sse'; else X=''; fi
  timeout 10 curl -s -o /dev/null --compressed $(for p in /json /chunked $X /missing; do echo $U$p; done) -o /dev/null -o /dev/null -o /dev/null -o /dev/null
  echo '{"zipped": [1, 2, 3]}' | gzip | timeout 10 curl -s -o /dev/null -H 'Content-Encoding: gzip' -H 'Content-Type: application/json' --data-binary @- $U/echo
  timeout 10 curl -s -o /dev/null -0 $U/json
  timeout 20 /usr/bin/python3 - <<PY
import datetime, xmlrpc.client, urllib3, json
p = xmlrpc.client.ServerProxy('$U/xmlrpc', allow_none=True)
print(p.add(1, 2, 3))
print(p.echo('s', 1, 2.5, True, None, [1, [2]], {'k': {'n': 'v'}}, datetime.datetime(2024, 1, 2, 3, 4, 5), xmlrpc.client.Binary(b'\x00\x01')))
try: p.fail()
except xmlrpc.client.Fault as f: print('fault', f.faultCode)
http = urllib3.PoolManager()
def gen():
    for i in range(4): yield json.dumps({'i': i}).encode() + b'\n'
r = http.request('POST', '$U/echo', body=gen(), headers={'Content-Type': 'application/x-ndjson'}, chunked=True)
print(r.status, len(r.data))
PY
}
export -f client
bash $H/cap.sh "$OUT" "tcp port $PORT" bash -c client
kill $SRV 2>/dev/null; wait $SRV 2>/dev/null
true
