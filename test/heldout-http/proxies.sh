#!/usr/bin/env bash
# proxies.sh OUT_PREFIX: haproxy 2.6 (port 22100, http mode, keep-alive) in front of rawserver.py
# (port 22101), lighttpd 1.4 (port 22102, static + mod_deflate) and Ruby WEBrick (port 22103).
# Records OUT_PREFIX-haproxy.pcap (both legs: client↔haproxy and haproxy↔rawserver, with a
# pipelined client), OUT_PREFIX-lighttpd.pcap and OUT_PREFIX-webrick.pcap.
set -u
P=$1; H=$(dirname "$0"); W=/tmp/heldout-http/proxies; rm -rf $W; mkdir -p $W/www
/usr/bin/python3 $H/rawserver.py 22101 40 & RAW=$!
cat > $W/haproxy.cfg <<CFG
global
  maxconn 100
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
  option http-keep-alive
frontend f
  bind 127.0.0.1:22100
  default_backend b
backend b
  server s1 127.0.0.1:22101
CFG
haproxy -f $W/haproxy.cfg -D -p $W/haproxy.pid
python3 -c "
import json; open('$W/www/data.json','w').write(json.dumps({'rows':[{'i':i,'s':'v%d'%i} for i in range(400)]}))
open('$W/www/a.txt','w').write('plain text\n'*100)"
cat > $W/lighttpd.conf <<CFG
server.document-root = "$W/www"
server.bind = "127.0.0.1"
server.port = 22102
server.modules = ("mod_deflate")
deflate.mimetypes = ("application/json", "text/plain")
deflate.allowed-encodings = ("br", "gzip", "deflate")
mimetype.assign = (".json" => "application/json", ".txt" => "text/plain")
server.pid-file = "$W/lighttpd.pid"
CFG
lighttpd -f $W/lighttpd.conf
cat > $W/webrick.rb <<'RB'
require 'webrick'; require 'json'
s = WEBrick::HTTPServer.new(BindAddress: '127.0.0.1', Port: 22103, Logger: WEBrick::Log.new('/dev/null'), AccessLog: [])
s.mount_proc('/json') { |q, r| r['Content-Type'] = 'application/json'; r.body = JSON.generate({ 'method' => q.request_method, 'got' => (q.body || '').size, 'a' => [1, { 'b' => nil }] }) }
s.mount_proc('/chunked') { |q, r| r.chunked = true; r['Content-Type'] = 'text/plain'; r.body = "chunked body from webrick\n" * 20 }
s.mount_proc('/cookies') { |q, r| r.cookies << WEBrick::Cookie.new('a', '1') << WEBrick::Cookie.new('b', '2'); r.body = 'ok' }
trap('TERM') { s.shutdown }
Thread.new { sleep 30; s.shutdown }
s.start
RB
ruby $W/webrick.rb & RB=$!
sleep 1.5
cap() { bash $H/cap.sh "$@"; }
cap $P-haproxy.pcap 'tcp port 22100 or tcp port 22101' bash -c "
  timeout 10 curl -s -o /dev/null -o /dev/null -o /dev/null http://127.0.0.1:22100/json http://127.0.0.1:22100/chunked-trailers http://127.0.0.1:22100/gzip -H 'Accept-Encoding: gzip'
  timeout 10 /usr/bin/python3 $H/rawclient.py 127.0.0.1 22100 pipeline /json /204 '/json?x' /304 /cookies /json
  timeout 10 /usr/bin/python3 $H/rawclient.py 127.0.0.1 22100 upload gzip:50 chunked:2000 utf16:10"
cap $P-lighttpd.pcap 'tcp port 22102' bash -c "
  timeout 10 curl -s -o /dev/null -o /dev/null -o /dev/null -H 'Accept-Encoding: gzip' http://127.0.0.1:22102/data.json http://127.0.0.1:22102/a.txt http://127.0.0.1:22102/nope
  timeout 10 curl -s -o /dev/null -H 'Accept-Encoding: br' http://127.0.0.1:22102/data.json --next -s -o /dev/null -I http://127.0.0.1:22102/a.txt --next -s -o /dev/null -r 10-20 http://127.0.0.1:22102/a.txt
  timeout 10 /usr/bin/python3 $H/rawclient.py 127.0.0.1 22102 pipeline /a.txt /data.json 'HEAD /a.txt' /a.txt"
cap $P-webrick.pcap 'tcp port 22103' bash -c "
  timeout 10 curl -s -o /dev/null -o /dev/null -o /dev/null http://127.0.0.1:22103/json http://127.0.0.1:22103/chunked http://127.0.0.1:22103/cookies
  timeout 10 curl -s -o /dev/null -H 'Content-Type: application/json' -d '{\"x\":[1,2]}' http://127.0.0.1:22103/json
  timeout 10 /usr/bin/python3 $H/rawclient.py 127.0.0.1 22103 pipeline /json /chunked 'POST /json' /json"
kill $(cat $W/haproxy.pid) $(cat $W/lighttpd.pid) $RB $RAW 2>/dev/null; wait 2>/dev/null
true
