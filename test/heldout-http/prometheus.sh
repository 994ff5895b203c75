#!/usr/bin/env bash
# prometheus.sh [OUT_DIR]: Prometheus 2.42 (Debian prometheus) scraping itself with protobuf exposition
# (--enable-feature=native-histograms makes it ask for `application/vnd.google.protobuf; …; encoding=delimited`)
# and remote-writing (snappy-compressed prometheus.WriteRequest) to a python3 receiver, on 127.0.0.1:22160-22161.
# Expected: GET /metrics answers decoded as MetricFamily messages (raw without .proto files; typed with
# client_model's metrics.proto beside the capture, Debian golang-github-prometheus-client-model-dev), the remote
# write requests decoded raw (or typed with a prompb WriteRequest .proto).
#   apt-get install prometheus tcpdump
set -uo pipefail
OUT=${1:-/tmp/heldout-prometheus}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT" && cd "$OUT"
cat > recv.py <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
cat > prom.yml <<'YML'
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:22160']
remote_write:
  - url: http://127.0.0.1:22161/api/v1/write
    queue_config:
      batch_send_deadline: 1s
YML
/usr/bin/python3 recv.py 22161 &
RECV=$!
trap 'kill $RECV 2>/dev/null' EXIT
rm -rf data
"$here/cap.sh" "$OUT/prom.pcap" 'tcp port 22160 or tcp port 22161' timeout 8 prometheus --config.file=prom.yml \
  --web.listen-address=127.0.0.1:22160 --storage.tsdb.path="$OUT/data" --enable-feature=native-histograms
src=/usr/share/gocode/src/github.com/prometheus/client_model/io/prometheus/client/metrics.proto
[ -f "$src" ] && cp "$src" "$OUT/"
echo "now: callscope $OUT/prom.pcap"
