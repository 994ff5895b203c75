#!/usr/bin/python3
"""MessagePack over HTTP with Debian's python3-msgpack (an implementation callscope does not use):
a small REST server answering application/msgpack (maps, arrays, bin, an int64 beyond 2^53, a
timestamp ext, a float, nil), and a client POSTing application/x-msgpack and GETting the answers.
Usage: msgpack-lab.py PORT   (server and client in one process; exits by itself)"""
import datetime, http.client, http.server, sys, threading, msgpack

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 21800
PERSON = {"id": 1234, "name": "Ada Lovelace", "tags": ["math", "poetry"], "avatar": b"\x89PNG\r\n\x1a\n" + bytes(40),
          "balance": 12.5, "big": 2**60 + 1, "manager": None,
          "joined": datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)}

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, code, obj, ctype="application/msgpack"):
        body = msgpack.packb(obj, datetime=True, use_bin_type=True)
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == "/persons/1234": self.reply(200, PERSON)
        else: self.reply(404, {"error": "not found", "path": self.path}, "application/vnd.msgpack")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        got = msgpack.unpackb(self.rfile.read(n), raw=False)
        self.reply(201, {"created": got.get("name"), "id": 1235})

srv = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
c = http.client.HTTPConnection("127.0.0.1", PORT)
for method, path, body in [("GET", "/persons/1234", None), ("POST", "/persons", {"name": "Grace Hopper", "langs": ["COBOL"], "rank": 3}), ("GET", "/persons/9", None)]:
    headers = {"Accept": "application/msgpack"}
    data = None
    if body is not None:
        data = msgpack.packb(body, use_bin_type=True)
        headers["Content-Type"] = "application/x-msgpack"
    c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    print(method, path, r.status, msgpack.unpackb(r.read(), raw=False, timestamp=3))
c.close()
srv.shutdown()
