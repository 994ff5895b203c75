#!/usr/bin/env bash
# small-servers.sh OUT: busybox httpd, mini_httpd and webfsd (HTTP/1.0 manners: bodies ended by close,
# CGI output without Content-Length, odd header casing) driven by curl; one JSON line per transfer in
# OUT/small-NAME.log (curl -w). Ports 28510-28512. Sourced pieces: docroot() is also used by proxies.sh.
set -u
OUT=$1; HERE=$(cd "$(dirname "$0")" && pwd); CAP="bash $HERE/../heldout/cap.sh"
W='{"method":"%{method}","url":"%{url_effective}","status":%{response_code},"size":%{size_download},"http":"%{http_version}"}\n'
docroot() {
  local D=$1; mkdir -p "$D/cgi-bin" "$D/dir"
  printf '<html><body>index of the lab</body></html>\n' > "$D/index.html"
  head -c 200000 /dev/urandom > "$D/big.bin"; echo a > "$D/dir/a.txt"; echo bb > "$D/dir/b.txt"
  touch -d '2024-01-02 03:04:05 UTC' "$D/index.html"
  printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello from cgi\\n"\n' > "$D/cgi-bin/hello.cgi"
  # a CGI that sets its status, an odd-cased header and streams 40 KB with no length
  printf '#!/bin/sh\nprintf "Status: 201 Created\\r\\ncontent-TYPE: application/json\\r\\nX-lab-Header: yes\\r\\n\\r\\n"\nprintf "{\\"n\\": \\"%%s\\"}" "$(head -c 40000 /dev/zero | tr "\\\\0" x)"\n' > "$D/cgi-bin/stream.cgi"
  # echoes the POST body length and method
  printf '#!/bin/sh\nbody=$(head -c "${CONTENT_LENGTH:-0}")\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s %%s\\n" "$REQUEST_METHOD" "${#body}"\n' > "$D/cgi-bin/post.cgi"
  printf '#!/bin/sh\nprintf "Status: 404 Not Here\\r\\nContent-Type: text/plain\\r\\n\\r\\nnope\\n"\n' > "$D/cgi-bin/missing.cgi"
  printf '#!/bin/sh\nprintf "Location: /index.html\\r\\n\\r\\n"\n' > "$D/cgi-bin/redirect.cgi"
  chmod 755 "$D"/cgi-bin/*.cgi
}
drive() { # drive NAME PORT CGI(yes/no); curl -z says 304 when a 200 is not newer: marked "timecond"
  local U=http://127.0.0.1:$2 WZ="{\"timecond\":1,${W:1}"
  {
    curl -s -w "$W" -o /dev/null "$U/index.html" -o /dev/null "$U/big.bin" -o /dev/null "$U/missing.html" -o /dev/null "$U/dir/"
    curl -s -0 -w "$W" -o /dev/null "$U/index.html" -o /dev/null "$U/big.bin"
    curl -s -I -w "$W" -o /dev/null "$U/index.html"
    curl -s -w "$WZ" -o /dev/null -z 'Wed, 03 Jan 2024 00:00:00 GMT' "$U/index.html"
    curl -s -w "$W" -o /dev/null -r 100-1099 "$U/big.bin"
    curl -s -w "$W" -o /dev/null -X OPTIONS "$U/index.html"
    if [ "$3" = yes ]; then
      curl -s -w "$W" -o /dev/null "$U/cgi-bin/hello.cgi" -o /dev/null "$U/cgi-bin/stream.cgi" -o /dev/null "$U/cgi-bin/missing.cgi" -o /dev/null "$U/cgi-bin/redirect.cgi"
      curl -s -w "$W" -o /dev/null -d 'a=1&b=2' "$U/cgi-bin/post.cgi"
      curl -s -w "$W" -o /dev/null --data-binary @"$OUT/small-root/big.bin" "$U/cgi-bin/post.cgi"
      curl -s -w "$W" -o /dev/null -H 'Transfer-Encoding: chunked' --data-binary @"$OUT/small-root/dir/a.txt" "$U/cgi-bin/post.cgi"
    fi
  } > "$OUT/small-$1.log" 2>&1
}
wait_port() { for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  docroot "$OUT/small-root"
  timeout 60 busybox httpd -f -v -p 127.0.0.1:28510 -h "$OUT/small-root" 2> "$OUT/busybox-server.log" & P1=$!
  timeout 60 mini_httpd -D -p 28511 -h 127.0.0.1 -d "$OUT/small-root" -c 'cgi-bin/*' -l "$OUT/mini-server.log" -u root 2>/dev/null & P2=$!
  timeout 60 webfsd -F -p 28512 -i 127.0.0.1 -r "$OUT/small-root" -L "$OUT/webfs-server.log" -u root -g root 2>/dev/null & P3=$!
  wait_port 28510; wait_port 28511; wait_port 28512
  $CAP "$OUT/small-busybox.pcap" 'tcp port 28510' bash -c "$(declare -f drive); W='$W' OUT='$OUT'; drive busybox 28510 yes"
  $CAP "$OUT/small-mini.pcap" 'tcp port 28511' bash -c "$(declare -f drive); W='$W' OUT='$OUT'; drive mini 28511 yes"
  $CAP "$OUT/small-webfs.pcap" 'tcp port 28512' bash -c "$(declare -f drive); W='$W' OUT='$OUT'; drive webfs 28512 no"
  kill $P1 $P2 $P3 2>/dev/null
fi
