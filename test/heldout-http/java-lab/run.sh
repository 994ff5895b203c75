#!/bin/sh
# run.sh OUTDIR: OpenJDK's java.net.http.HttpClient (17) against its own com.sun.net.httpserver
# (HTTP/1.1: JSON POST/GET/PUT/DELETE, 404, a chunked body written in five flushes, gzip), then
# HTTP/2 on http:// URLs (the client asks for `Upgrade: h2c`) against nghttpd, which takes only
# prior knowledge (SETTINGS first, then it closes), and against h2o, which switches.
set -e
out=${1:-/tmp/heldout-http/java}; here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/www" && cd "$out" && echo '<html>hello</html>' > www/index.html
javac -d . "$here/Lab.java"
printf 'listen:\n  host: 127.0.0.1\n  port: 22481\nuser: root\nhosts:\n  default:\n    paths:\n      /:\n        file.dir: %s/www\n' "$out" > h2o.conf
for run in nghttpd h2o; do
  if [ $run = nghttpd ]; then nghttpd --no-tls -d www 22481 >/dev/null 2>&1 & else h2o -c h2o.conf >/dev/null 2>&1 & fi
  sleep 1
  tcpdump -i lo -U -w java-$run.pcap 'tcp port 22480 or tcp port 22481' >/dev/null 2>&1 & tp=$!
  sleep 1
  timeout 30 java -cp . Lab 22480 22481 || true
  sleep 1; kill $tp; pkill -f "nghttpd --no-tls -d www 22481" || true; pkill -f "h2o -c h2o.conf" || true; sleep 0.5
done
