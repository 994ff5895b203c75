#!/bin/sh
# nghttp-edges.sh PORT DOCROOT: nghttpd (h2c, padding, small HPACK encoder table, trailers, small
# windows, echo-upload) and nghttp clients that send: CONTINUATION frames (a 40 KB header),
# padded frames, HPACK table size updates (-c / --encoder-header-table-size), PRIORITY frames
# (-p weights, dependencies), 100-continue, request trailers, 20 concurrent streams, 4 parallel
# 3 MB downloads (interleaved DATA, WINDOW_UPDATE), Upgrade: h2c with a POST body.
p=$1; root=$2; u=http://127.0.0.1:$p
nghttpd --no-tls -a 127.0.0.1 -d "$root" -b 17 -c 512 --encoder-header-table-size=200 -w 15 \
  --trailer='x-server-trailer: done' --echo-upload $p > /tmp/heldout-h2/nghttpd.log 2>&1 &
srv=$!
sleep 0.5
big=$(head -c 40000 /dev/zero | tr '\0' 'h')
set -x
nghttp -n --continuation -H "x-big: $big" $u/index.html
nghttp -n -b 40 -c 0 $u/index.html $u/text.txt
nghttp -n --encoder-header-table-size=64 -m 3 -H 'x-one: 1111111111' -H 'x-two: 2222222222' $u/index.html
nghttp -n -p 3 -m 20 $u/index.html
nghttp -n -w 16 -m 4 $u/big.bin
nghttp -n --expect-continue -d /tmp/heldout-h2/post.txt $u/cgi
nghttp -n --trailer='x-client-trailer: yes' -d /tmp/heldout-h2/post.txt $u/upload
nghttp -n -u -d /tmp/heldout-h2/post.txt $u/upgrade-post
nghttp -n -u $u/index.html
set +x
kill $srv
