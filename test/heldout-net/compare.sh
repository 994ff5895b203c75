#!/bin/sh
# compare.sh CAPTURE…: callscope's calls/flows (inspect.ts) next to tshark's HTTP requests/responses and TCP conversations.
here=$(cd "$(dirname "$0")" && pwd)
for f in "$@"; do
  npx --prefix "$here/../.." tsx "$here/inspect.ts" "$f" 2>/dev/null
  printf '  tshark: requests=%s responses=%s\n' \
    "$(tshark -r "$f" -d tcp.port==8080,http -Y http.request 2>/dev/null | wc -l)" \
    "$(tshark -r "$f" -d tcp.port==8080,http -Y http.response 2>/dev/null | wc -l)"
done
