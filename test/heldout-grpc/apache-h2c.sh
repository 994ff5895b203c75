#!/bin/sh
# apache-h2c.sh PORT: curl against apache2 mod_http2 over h2c (Upgrade and prior knowledge):
# GET, HEAD, 304, gzip (mod_deflate), a 3 MB file (flow control), CGI POSTs (one through
# Upgrade: h2c with a body, one large enough that curl sends Expect: 100-continue), several
# requests on one connection.
p=${1:-23010}; u=http://127.0.0.1:$p
set -x
curl -s -o /dev/null --http2 $u/index.html
curl -s -o /dev/null --http2 -d 'name=upgrade&x=1' $u/cgi/echo.cgi
curl -s -o /dev/null --http2-prior-knowledge -I $u/text.txt
curl -s -o /dev/null --http2-prior-knowledge --compressed $u/text.txt
lm=$(curl -s -I --http2-prior-knowledge $u/index.html | sed -n 's/^last-modified: //Ip' | tr -d '\r')
curl -s -o /dev/null --http2-prior-knowledge -H "If-Modified-Since: $lm" $u/index.html
curl -s -o /dev/null --http2-prior-knowledge $u/big.bin
head -c 200000 /dev/zero | tr '\0' 'a' > /tmp/heldout-h2/post.txt
curl -s -o /dev/null --http2-prior-knowledge -H 'Expect: 100-continue' --data-binary @/tmp/heldout-h2/post.txt $u/cgi/echo.cgi
curl -s -o /dev/null --http2-prior-knowledge $u/missing $u/index.html $u/text.txt
curl -s -o /dev/null --http2 $u/big.bin
