"""h2-tls-client.py PORT KEYLOG: a python3-h2 client over TLS (ALPN h2, ssl keylog_filename) against
Twisted's HTTP/2 server (twisted-lab.py h2): a small initial window (16 KiB, WINDOW_UPDATE sent by hand
as DATA is read, so Twisted's flow control pauses the 400 KB response), PRIORITY (a stream depending on
another, weights), a POST with request trailers, a stream the client cancels after its first DATA
(RST_STREAM CANCEL), PING, GOAWAY. One JSON line per stream (check.mjs). Bounded: 10 s.
"""
import json
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

PORT, KEYLOG = int(sys.argv[1]), sys.argv[2]


def log(**kw):
    print(json.dumps(kw), flush=True)


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.set_alpn_protocols(["h2"])
ctx.keylog_filename = KEYLOG
sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", PORT)), server_hostname="127.0.0.1")
assert sock.selected_alpn_protocol() == "h2"
conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
conn.initiate_connection()
conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 16384, h2.settings.SettingCodes.HEADER_TABLE_SIZE: 256})
sock.sendall(conn.data_to_send())

AUTH = f"127.0.0.1:{PORT}"
streams = {}


def request(method, path, end=True, extra=(), priority=None):
    sid = conn.get_next_available_stream_id()
    headers = [(":method", method), (":scheme", "https"), (":authority", AUTH), (":path", path), *extra]
    kw = {}
    if priority:
        kw = {"priority_weight": priority[0], "priority_depends_on": priority[1], "priority_exclusive": priority[2]}
    conn.send_headers(sid, headers, end_stream=end, **kw)
    streams[sid] = {"method": method, "path": path, "size": 0, "status": None, "ended": False}
    return sid


big = request("GET", "/big")
js = request("GET", "/json?p=1", priority=(200, big, False))
ch = request("GET", "/chunked", priority=(16, 0, True))
post = request("POST", "/echo", end=False, extra=[("content-type", "text/plain"), ("te", "trailers")])
conn.send_data(post, b"body before the trailers")
conn.send_headers(post, [("x-request-checksum", "cafe")], end_stream=True)
conn.prioritize(big, weight=1)  # a PRIORITY frame on its own
conn.ping(b"lab-ping")
sock.sendall(conn.data_to_send())

cancelled = False
deadline = time.time() + 10
sock.settimeout(0.5)
while time.time() < deadline and not all(s["ended"] for s in streams.values()):
    try:
        data = sock.recv(65536)
    except socket.timeout:
        continue
    if not data:
        break
    for ev in conn.receive_data(data):
        if isinstance(ev, h2.events.ResponseReceived):
            streams[ev.stream_id]["status"] = int(dict(ev.headers)[":status"])
        elif isinstance(ev, h2.events.DataReceived):
            s = streams[ev.stream_id]
            s["size"] += len(ev.data)
            conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            if ev.stream_id == ch and not cancelled:
                cancelled = True
                conn.reset_stream(ch, error_code=h2.errors.ErrorCodes.CANCEL)
                s["ended"] = True
                s["reset"] = "CANCEL"
        elif isinstance(ev, h2.events.StreamEnded):
            streams[ev.stream_id]["ended"] = True
        elif isinstance(ev, h2.events.StreamReset):
            if ev.stream_id in streams:
                streams[ev.stream_id]["ended"] = True
        elif isinstance(ev, h2.events.PingAckReceived):
            log(ping="ack")
    out = conn.data_to_send()
    if out:
        sock.sendall(out)
for sid, s in streams.items():
    log(id=sid, **s)
conn.close_connection()
sock.sendall(conn.data_to_send())
time.sleep(0.2)
sock.close()
