#!/usr/bin/env bash
# run2.sh [OUT]: held-out round 15b — parameter styles and form bodies, linked against real traffic.
# Each scenario is a "workspace" folder under OUT (default /tmp/heldout-defs2), as run.sh's:
#   styles          a hand-written OpenAPI 3.0.3 document (styles-openapi.yaml) using every parameter
#                   style (query deepObject, pipeDelimited, spaceDelimited, form objects exploded and not;
#                   path matrix, label, simple objects; header and cookie objects and arrays) and
#                   urlencoded and multipart/form-data bodies with `encoding`, served by Python's
#                   http.server, which reads each style its own way (styles-lab.py); called by curl and by
#                   a generated-client-like Node script (styles-client.mjs: fetch, URLSearchParams, FormData)
#   styles-swagger  a hand-written Swagger 2.0 document (styles-swagger.yaml) whose body and formData
#                   parameters are on the path item, some replaced by the operation's; curl
#   fastapi-forms   FastAPI 0.92's Form(), File(), UploadFile and List[UploadFile] on uvicorn, its own
#                   /openapi.json (urlencoded and multipart `Body_*` schemas); curl and httpx
# Then check.ts links every call as the extension's worker does and compares (exit 1 on a difference).
# Installs nothing; it needs (as root): apt-get install -y python3-fastapi python3-uvicorn python3-httpx
# python3-multipart curl tcpdump; Node ≥ 18 (fetch, FormData). Ports 28401–28403 on 127.0.0.1. Every
# server stops by itself.
set -u
OUT=${1:-${OUT:-/tmp/heldout-defs2}}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAP="bash $ROOT/test/heldout/cap.sh"
PY=/usr/bin/python3
for p in python3-fastapi python3-uvicorn python3-httpx python3-multipart curl tcpdump; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "missing Debian package $p (see the head of this script)" >&2; exit 2; }
done
mkdir -p "$OUT"
cd "$OUT" || exit 2

echo "== styles: OpenAPI 3.0.3, every parameter style, urlencoded and multipart bodies (http.server; curl, Node fetch)"
rm -rf styles && mkdir -p styles
$CAP "$OUT/styles/styles.pcap" 'tcp port 28401' $PY "$HERE/styles-lab.py" oas3 28401 "$OUT/styles" > styles/styles.log

echo "== styles-swagger: Swagger 2.0, body and formData parameters on the path item (http.server; curl)"
rm -rf styles-swagger && mkdir -p styles-swagger
$CAP "$OUT/styles-swagger/styles-swagger.pcap" 'tcp port 28402' $PY "$HERE/styles-lab.py" swagger 28402 "$OUT/styles-swagger" > styles-swagger/styles-swagger.log

echo "== fastapi-forms: FastAPI Form() and File() (uvicorn; curl, httpx)"
rm -rf fastapi-forms && mkdir -p fastapi-forms
$CAP "$OUT/fastapi-forms/fastapi-forms.pcap" 'tcp port 28403' $PY "$HERE/fastapi-forms-lab.py" 28403 "$OUT/fastapi-forms" > fastapi-forms/fastapi-forms.log

echo "== check"
cd "$ROOT" && node --import tsx "$HERE/check.ts" "$OUT"
