#!/bin/sh
# Builds the webview + fake host into /tmp/cs-preview and serves it on 127.0.0.1:${PORT:-8741}.
set -e
cd "$(dirname "$0")/../.."
OUT=/tmp/cs-preview
mkdir -p $OUT
npx esbuild webview/main.ts --bundle --format=iife --outfile=$OUT/webview.js --log-level=warning
npx esbuild test/webview/fake-host.ts --bundle --format=iife --outfile=$OUT/fake-host.js --log-level=warning
cp webview/static/webview.css test/webview/preview.html test/webview/theme*.css test/webview/theme.js $OUT/
[ "$1" = "--no-serve" ] && exit 0
cd $OUT && exec python3 -m http.server ${PORT:-8741} --bind 127.0.0.1
