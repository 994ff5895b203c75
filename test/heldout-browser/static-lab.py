#!/usr/bin/python3
"""static-lab.py PORT SECONDS LOG: python3 http.server (SimpleHTTPRequestHandler, HTTP/1.0 as
`python3 -m http.server` answers: one request per connection) serving four PNGs made here, for
the lab page's cross-origin <img>s. Every response is logged to LOG as one JSON line
{srv, method, path, status, cport, done}. Stops by itself after SECONDS."""
import json
import os
import struct
import sys
import tempfile
import threading
import zlib
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

PORT, SECONDS, LOG = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
logf = open(LOG, 'a', buffering=1)
root = tempfile.mkdtemp(prefix='static-lab-')


def png(w, h, seed):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    raw = b''.join(b'\0' + bytes(((x * seed) & 255, (y * 5) & 255, (x + y + seed) & 255)[c] for x in range(w) for c in range(3))
                   for y in range(h))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + \
        chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')


for i in range(4):
    with open(os.path.join(root, 'q%d.png' % i), 'wb') as f:
        f.write(png(50 + 20 * i, 40, i + 1))


class Handler(SimpleHTTPRequestHandler):
    def log_request(self, code='-', size='-'):
        logf.write(json.dumps({'srv': 'static', 'method': self.command, 'path': self.path, 'status': int(code),
                               'cport': self.client_address[1], 'done': True}) + '\n')

    def log_message(self, *args):
        pass


srv = ThreadingHTTPServer(('127.0.0.1', PORT), partial(Handler, directory=root))
threading.Timer(SECONDS, srv.shutdown).start()
srv.serve_forever()
