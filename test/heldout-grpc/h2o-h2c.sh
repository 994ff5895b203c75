#!/bin/sh
# h2o-h2c.sh PORT: curl and nghttp against h2o 2.2 serving files over h2c: Upgrade (GET, and a
# POST with a body), prior knowledge (GET, HEAD, a 3 MB file, gzip), nghttp with 10 streams.
p=${1:-23033}; u=http://127.0.0.1:$p
set -x
curl -s -o /dev/null --http2 $u/index.html
curl -s -o /dev/null --http2 -d 'name=upgrade&x=1' $u/index.html
curl -s -o /dev/null --http2-prior-knowledge -I $u/text.txt
curl -s -o /dev/null --http2-prior-knowledge --compressed $u/text.txt
curl -s -o /dev/null --http2-prior-knowledge $u/big.bin
nghttp -n -m 10 $u/index.html
