"""A small Person API in REST style, HTTP/1.1 with keep-alive (Python standard library only).

Resources: /persons, /persons/{id}, /persons/{id}/items, /items/{id}. JSON bodies.
Item lists are sent with Transfer-Encoding: chunked (one chunk per item); a response is
gzip-compressed when the client sends Accept-Encoding with gzip and the body is not tiny.

Run: /usr/bin/python3 server.py HOST PORT      (HOST 127.0.0.1 or ::1)
"""
import gzip
import json
import re
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

persons = {}  # personid -> person dict
items = {}  # itemid -> item dict
lists = {}  # personid -> [itemid]
next_person_id = 1234


class PersonApi(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every response has Content-Length or is chunked
    server_version = "PersonApi/1.0"

    # ---- helpers -------------------------------------------------------------------------
    def read_json(self):
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length)) if length else None

    def wants_gzip(self):
        return "gzip" in self.headers.get("Accept-Encoding", "")

    def send_json(self, status, value, extra_headers=()):
        body = json.dumps(value, indent=2).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, val in extra_headers:
            self.send_header(name, val)
        if self.wants_gzip() and len(body) > 64:
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json_chunked(self, values):
        """A JSON array sent as one chunk per element, a little apart in time (a streamed list)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        compress = self.wants_gzip()
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        pieces = [b"["]
        for i, value in enumerate(values):
            pieces.append((b"," if i else b"") + json.dumps(value).encode())
        pieces.append(b"]\n")
        if compress:
            # Content-Encoding applies to the whole body; the chunks then cut the compressed bytes.
            data = gzip.compress(b"".join(pieces), mtime=0)
            pieces = [data[: len(data) // 2], data[len(data) // 2 :]]
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            time.sleep(0.02)
        self.wfile.write(b"0\r\n\r\n")

    def send_empty(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def not_found(self):
        self.send_json(404, {"error": "not found", "path": self.path})

    # ---- routes --------------------------------------------------------------------------
    def do_POST(self):
        global next_person_id
        body = self.read_json()
        if self.path == "/persons":
            pid = str(next_person_id)
            next_person_id += 1
            persons[pid] = dict(
                body,
                personid=pid,
                links={"self": f"/persons/{pid}", "items": f"/persons/{pid}/items"},
                createdAt="2024-05-01T12:00:00Z",
            )
            lists[pid] = []
            return self.send_json(201, persons[pid], [("Location", f"/persons/{pid}")])
        m = re.fullmatch(r"/persons/(\w+)/items", self.path)
        if m and m.group(1) in persons:
            iid = str(body["itemid"])
            items.setdefault(iid, {"itemid": iid})
            lists[m.group(1)].append(iid)
            return self.send_json(201, items[iid], [("Location", f"/items/{iid}")])
        self.not_found()

    def do_GET(self):
        m = re.fullmatch(r"/persons/(\w+)", self.path)
        if m and m.group(1) in persons:
            return self.send_json(200, persons[m.group(1)])
        m = re.fullmatch(r"/persons/(\w+)/items", self.path)
        if m and m.group(1) in persons:
            return self.send_json_chunked([items[i] for i in lists[m.group(1)] if i in items])
        self.not_found()

    def do_PUT(self):
        m = re.fullmatch(r"/items/(\w+)", self.path)
        if m and m.group(1) in items:
            items[m.group(1)].update(self.read_json())
            return self.send_json(200, items[m.group(1)])
        self.not_found()

    def do_DELETE(self):
        m = re.fullmatch(r"/persons/(\w+)", self.path)
        if m and m.group(1) in persons:
            del persons[m.group(1)]
            del lists[m.group(1)]
            return self.send_empty(204)
        m = re.fullmatch(r"/items/(\w+)", self.path)
        if m and m.group(1) in items:
            del items[m.group(1)]
            return self.send_empty(204)
        self.not_found()


class Server(HTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET


host, port = sys.argv[1], int(sys.argv[2])
print(f"person api listening on {host} port {port}", flush=True)
Server((host, port), PersonApi).serve_forever()
