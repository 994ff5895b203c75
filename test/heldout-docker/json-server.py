#!/usr/bin/env python3
"""A small JSON server (HTTP/1.1 keep-alive) for the Docker-like lab: GET /items/N, POST /items, 404.

Usage: json-server.py ADDR PORT SECONDS. Stops by itself after SECONDS.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.client_address[0], fmt % args))

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.strip('/').split('/')
        if len(parts) == 2 and parts[0] == 'items' and parts[1].isdigit():
            n = int(parts[1])
            # /items/0 is a large body (several segments): copies of data segments, not only of small ones
            self.reply(200, {'id': n, 'name': 'item %d' % n, 'pad': 'x' * (200000 if n == 0 else 20)})
        else:
            self.reply(404, {'error': 'not found', 'path': self.path})

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        data = self.rfile.read(min(n, 1 << 20))
        self.reply(201, {'created': True, 'bytes': len(data), 'from': self.client_address[0]})


def main():
    addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    srv = ThreadingHTTPServer((addr, port), Handler)
    srv.daemon_threads = True
    threading.Timer(seconds, srv.shutdown).start()
    srv.serve_forever()


if __name__ == '__main__':
    main()
