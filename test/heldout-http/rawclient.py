#!/usr/bin/env python3
"""Raw HTTP/1.1 client: requests on one connection, each in its own TCP segment.

Usage: rawclient.py HOST PORT MODE PATH...
  MODE pipeline : every request sent before any response is read (RFC 9112 §9.3.2), the last one
                  with `Connection: close`; then the responses are read to the end of the connection.
  MODE lf       : like pipeline, with LF-only line endings in the requests (§2.2).
  MODE upload   : one POST /echo per PATH argument, read as `kind:size` (gzip:N a gzip-coded JSON
                  request body, utf16:N JSON in UTF-16, chunked:N a chunked upload with a trailer).
A path may start with `HEAD ` or `POST ` to change the method.
"""
import gzip, json, socket, sys, time

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
paths = sys.argv[4:]
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.settimeout(10)
s.connect((host, port))
eol = '\n' if mode == 'lf' else '\r\n'
reqs = []
for i, p in enumerate(paths):
    last = i == len(paths) - 1
    conn = 'close' if last else 'keep-alive'
    if mode == 'upload':
        kind, _, n = p.partition(':')
        n = int(n or '100')
        doc = json.dumps({'kind': kind, 'items': list(range(n))})
        if kind == 'gzip':
            body = gzip.compress(doc.encode())
            hs = f'Content-Type: application/json{eol}Content-Encoding: gzip{eol}Content-Length: {len(body)}{eol}'
        elif kind == 'utf16':
            body = doc.encode('utf-16')
            hs = f'Content-Type: application/json; charset=utf-16{eol}Content-Length: {len(body)}{eol}'
        else:  # chunked, with an extension and a trailer
            raw = doc.encode()
            parts = [raw[k:k + 1000] for k in range(0, len(raw), 1000)]
            body = b''.join(b'%x;e=1\r\n' % len(c) + c + b'\r\n' for c in parts) + b'0\r\nX-Trailer: t\r\n\r\n'
            hs = f'Content-Type: application/json{eol}Transfer-Encoding: chunked{eol}'
        head = f'POST /echo HTTP/1.1{eol}Host: {host}:{port}{eol}{hs}Connection: {conn}{eol}{eol}'
        reqs.append(head.encode() + body)
        continue
    method = 'GET'
    if p.startswith('HEAD ') or p.startswith('POST '):
        method, p = p.split(' ', 1)
    body = b'{"x":1}' if method == 'POST' else b''
    extra = f'Content-Type: application/json{eol}Content-Length: {len(body)}{eol}' if body else ''
    reqs.append(f'{method} {p} HTTP/1.1{eol}Host: {host}:{port}{eol}User-Agent: rawclient/1{eol}{extra}Connection: {conn}{eol}{eol}'.encode() + body)
for r in reqs:
    s.sendall(r)
    time.sleep(0.005)  # one segment each
got = b''
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except socket.timeout:
    pass
s.close()
print(f'{len(reqs)} requests, {len(got)} response bytes, {got.count(b"HTTP/1.")} status lines')
