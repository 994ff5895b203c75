#!/bin/sh
# Many short HTTP/1.1 connections (no keep-alive): ab -n N -c 50; the client ports wrap around within the capture.
port=${PORT:-25000}; n=${N:-80000}
PORT=$port node "$(dirname "$0")/tiny-http.cjs" & sp=$!
sleep 0.5
ab -q -n "$n" -c 50 "http://127.0.0.1:$port/" | grep -E 'Complete requests|Failed requests|Non-2xx'
kill $sp
