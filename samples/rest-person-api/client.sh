#!/usr/bin/env bash
# The Person API walk: nine requests on ONE keep-alive connection (curl --next reuses it).
# Usage: client.sh BASE_URL     e.g. http://127.0.0.1:8010 or http://[::1]:8011
set -euo pipefail
B="$1"
J=(-H 'Content-Type: application/json' -H 'Accept: application/json')
W=(-w '  -> %{http_code} (%{content_type}) %{size_download} bytes\n')
exec curl -sS --max-time 15 \
  "${W[@]}" "${J[@]}" -X POST -d '{"name":"Alice","email":"alice@example.org"}' "$B/persons" \
  --next "${W[@]}" --compressed "$B/persons/1234" \
  --next "${W[@]}" "${J[@]}" -X POST -d '{"itemid":"456"}' "$B/persons/1234/items" \
  --next "${W[@]}" "$B/persons/1234/items" \
  --next "${W[@]}" "${J[@]}" -X PUT -d '{"key":"value","title":"Bike","price":129.5}' "$B/items/456" \
  --next "${W[@]}" --compressed "$B/persons/1234/items" \
  --next "${W[@]}" -X DELETE "$B/items/456" \
  --next "${W[@]}" -X DELETE "$B/persons/1234" \
  --next "${W[@]}" "$B/persons/1234"
