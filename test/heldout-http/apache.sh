#!/usr/bin/env bash
# apache.sh OUT.pcap: Apache httpd 2.4 (Debian apache2, private config, port 22080) with mod_deflate,
# mod_brotli, CGI (chunked replies), byte ranges; curl does keep-alive (several URLs on one
# connection), HEAD, a conditional GET answered 304, Range → 206 multipart/byteranges, a large POST
# with Expect: 100-continue, Connection: close, gzip and br; wget2 fetches over one connection too.
set -u
OUT=$1; H=$(dirname "$0"); W=/tmp/heldout-http/apache; PORT=22080
rm -rf $W; mkdir -p $W/htdocs $W/cgi $W/logs
for m in mpm_event authz_core mime dir alias cgid deflate brotli headers filter setenvif; do
  f=/usr/lib/apache2/modules/mod_$m.so; [ -f $f ] && echo "LoadModule ${m}_module $f"; done > $W/httpd.conf
cat >> $W/httpd.conf <<CONF
ServerRoot $W
Listen 127.0.0.1:$PORT
PidFile $W/httpd.pid
ErrorLog $W/logs/error.log
ServerName localhost
TypesConfig /etc/mime.types
DocumentRoot $W/htdocs
KeepAlive On
MaxKeepAliveRequests 100
ScriptSock $W/cgisock
<Directory $W/htdocs>
  Require all granted
</Directory>
ScriptAlias /cgi/ $W/cgi/
<Directory $W/cgi>
  Require all granted
</Directory>
<Location /gz>
  SetOutputFilter DEFLATE
</Location>
<Location /br>
  SetOutputFilter BROTLI_COMPRESS
</Location>
Alias /gz $W/htdocs
Alias /br $W/htdocs
CONF
python3 -c "
import json; d={'items':[{'id':i,'name':'item %d'%i,'tags':['a','b']} for i in range(300)]}
open('$W/htdocs/data.json','w').write(json.dumps(d))
open('$W/htdocs/big.bin','wb').write(bytes(range(256))*8192)
open('$W/htdocs/index.html','w').write('<html><body>'+'hello '*500+'</body></html>')"
cat > $W/cgi/stream.sh <<'CGI'
#!/bin/sh
# no Content-Length: Apache answers HTTP/1.1 with Transfer-Encoding: chunked
printf 'Content-Type: application/json\r\nX-Cgi: 1\r\n\r\n'
echo '{"step":1,'; sleep 0.05; echo '"rows":[1,2,3],'; sleep 0.05; echo '"done":true}'
CGI
cat > $W/cgi/echo.sh <<'CGI'
#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
printf '{"length":"%s","type":"%s","method":"%s"}' "$CONTENT_LENGTH" "$CONTENT_TYPE" "$REQUEST_METHOD"
cat > /dev/null
CGI
chmod +x $W/cgi/*.sh
apache2 -f $W/httpd.conf -k start || { cat $W/logs/error.log; exit 1; }
sleep 1
python3 -c "import json; print(json.dumps({'blob':'x'*300000}))" > $W/post.json
U=http://127.0.0.1:$PORT
client() {
  ETAG=$(curl -s -I $U/data.json | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
  # one connection: GET, HEAD, conditional GET (304), ranges (206 single + multipart), gzip, br, CGI chunked
  timeout 20 curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    $U/data.json $U/index.html $U/gz/data.json $U/br/data.json $U/cgi/stream.sh $U/big.bin $U/nope $U/gz/index.html \
    -H 'Accept-Encoding: gzip, br'
  timeout 10 curl -s -o /dev/null -I $U/big.bin
  timeout 10 curl -s -o /dev/null -H "If-None-Match: $ETAG" $U/data.json --next -s -o /dev/null -r 0-99 $U/big.bin --next -s -o /dev/null -r 0-9,100-109,5000- $U/index.html
  timeout 20 curl -s -o /dev/null -H 'Expect: 100-continue' -H 'Content-Type: application/json' --data-binary @$W/post.json $U/cgi/echo.sh
  timeout 10 curl -s -o /dev/null -H 'Connection: close' $U/index.html
  timeout 20 curl -s -o /dev/null -X PUT -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json' --data-binary @$W/post.json $U/cgi/echo.sh
  command -v wget2 >/dev/null && timeout 20 wget2 -q -O /dev/null --no-robots $U/data.json $U/index.html $U/gz/index.html
  true
}
export -f client; export U W; bash $H/cap.sh "$OUT" "tcp port $PORT" bash -c client
apache2 -f $W/httpd.conf -k stop; sleep 0.5
