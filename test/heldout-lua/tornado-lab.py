"""tornado-lab.py MODE PORT: Debian's python3-tornado 6.2, server and client in one process on 127.0.0.1:PORT.

MODE simple | curl: tornado.web server (JSON, a response streamed with flush(), 500 KB, an echo, errors,
a chunked upload from body_producer) against AsyncHTTPClient's simple_httpclient or curl_httpclient.
MODE ws-deflate | ws-plain: WebSocketHandler and websocket_connect with permessage-deflate offered and
accepted, or not at all. One JSON line per call or message on stdout for check.mjs. Stops by itself.
"""
import datetime
import json
import sys

from tornado import gen, httpclient, ioloop, web, websocket

MODE, PORT = sys.argv[1], int(sys.argv[2])
BASE = f"http://127.0.0.1:{PORT}"
DEFLATE = MODE == "ws-deflate"


def log(**kw):
    print(json.dumps(kw), flush=True)


def sz(m):
    return len(m.encode()) if isinstance(m, str) else len(m)


def big(n):
    return "".join(f"{i:07d}\n" for i in range(n // 8 + 1))[:n]


class Json(web.RequestHandler):
    def get(self):
        log(side="server", method="GET", path=self.request.uri)
        self.write({"ok": True, "items": [1, 2, 3], "q": self.get_argument("q", None)})


class Stream(web.RequestHandler):
    async def get(self):
        log(side="server", method="GET", path=self.request.uri)
        self.set_header("Content-Type", "text/plain")
        for i in range(5):
            self.write(f"line {i}\n")
            await self.flush()  # no Content-Length: chunked (RFC 9112 §7.1)
            await gen.sleep(0.02)


class Big(web.RequestHandler):
    def get(self):
        log(side="server", method="GET", path=self.request.uri)
        self.set_header("Content-Type", "text/plain")
        self.write(big(500_000))


@web.stream_request_body
class Echo(web.RequestHandler):
    def prepare(self):
        self.size = 0
        self.parts = []

    def data_received(self, chunk):
        self.size += len(chunk)
        self.parts.append(chunk)

    def post(self):
        log(side="server", method=self.request.method, path=self.request.uri, size=self.size,
            chunked=self.request.headers.get("Transfer-Encoding") == "chunked")
        self.set_header("Content-Type", self.request.headers.get("Content-Type", "application/octet-stream"))
        self.write(b"".join(self.parts))

    put = post


class Status(web.RequestHandler):
    def get(self, code):
        log(side="server", method="GET", path=self.request.uri)
        if code == "500":
            raise RuntimeError("boom")  # tornado's own 500 page
        self.set_status(int(code))
        if int(code) not in (204, 304):
            self.write({"status": int(code)})


class Redirect(web.RequestHandler):
    def get(self):
        log(side="server", method="GET", path=self.request.uri)
        self.redirect("/json?q=redirected")


class Ws(websocket.WebSocketHandler):
    def get_compression_options(self):
        return {} if DEFLATE else None

    def select_subprotocol(self, subprotocols):
        return "lab.v1" if "lab.v1" in subprotocols else None

    def open(self):
        log(side="server", ws="open", compressed=self.ws_connection._compressor is not None if hasattr(self.ws_connection, "_compressor") else None)
        self.write_message("welcome " + "x" * 200)

    async def on_message(self, message):
        binary = isinstance(message, bytes)
        log(side="server", ws="recv", opcode="binary" if binary else "text", size=sz(message))
        if message == "bye":
            self.close(4000, "lab done")
            return
        if binary:
            await self.write_message(message[::-1], binary=True)
        else:
            await self.write_message("echo:" + message)

    def on_pong(self, data):
        log(side="server", ws="pong", size=len(data))

    def on_ping(self, data):
        log(side="server", ws="ping", size=len(data))

    def on_close(self):
        log(side="server", ws="closed", code=self.close_code, reason=self.close_reason)


def make_app():
    return web.Application([
        (r"/json", Json), (r"/stream", Stream), (r"/big", Big), (r"/echo", Echo),
        (r"/status/(\d+)", Status), (r"/redirect", Redirect), (r"/ws", Ws),
    ], websocket_ping_interval=0.1, websocket_max_message_size=200_000)


async def http_client():
    if MODE == "curl":
        httpclient.AsyncHTTPClient.configure("tornado.curl_httpclient.CurlAsyncHTTPClient")
    client = httpclient.AsyncHTTPClient()

    async def fetch(path, **kw):
        method = kw.get("method", "GET")
        try:
            r = await client.fetch(BASE + path, raise_error=False, **kw)
            log(side="client", method=method, path=path, status=r.code, size=len(r.body or b""),
                error=str(r.error) if r.error and r.code == 599 else None)
        except Exception as e:  # noqa: BLE001
            log(side="client", method=method, path=path, error=str(e))

    await fetch("/json?q=1")
    await fetch("/json?q=2", headers={"Accept-Encoding": "gzip"}, decompress_response=True)
    got = []
    await fetch("/stream", streaming_callback=got.append)
    log(side="client", streamed=sum(map(len, got)), pieces=len(got))
    await fetch("/big")
    await fetch("/echo", method="POST", body=json.dumps({"a": [1, 2, {"b": None}]}), headers={"Content-Type": "application/json"})
    await fetch("/echo", method="PUT", body=big(300_000).encode(), headers={"Content-Type": "text/plain"})

    async def producer(write):
        for i in range(4):
            await write(f"part {i};".encode())

    if MODE == "simple":
        # body_producer without a length: a chunked request (RFC 9112 §7.1)
        await fetch("/echo", method="POST", body_producer=producer, headers={"Content-Type": "text/plain"})
    await fetch("/status/404")
    await fetch("/status/204")
    await fetch("/status/500")
    await fetch("/redirect", follow_redirects=False)
    await fetch("/redirect")  # followed: two requests, one logged
    await fetch("/json?q=3", method="HEAD")
    client.close()


async def ws_client():
    url = f"ws://127.0.0.1:{PORT}/ws"
    conn = await websocket.websocket_connect(url, compression_options={} if DEFLATE else None, subprotocols=["lab.v1", "lab.v0"])
    log(side="client", ws="open", protocol=conn.selected_subprotocol,
        extensions=conn.headers.get("Sec-WebSocket-Extensions") if hasattr(conn, "headers") else None)
    m = await conn.read_message()
    log(side="client", ws="recv", opcode="text", size=sz(m))
    for msg in ["hello", "a" * 300, big(100_000), "héllo ✓", b"\x00\x01\x02\xff" * 64, "same text again", "same text again"]:
        await conn.write_message(msg, binary=isinstance(msg, bytes))
        log(side="client", ws="send", opcode="binary" if isinstance(msg, bytes) else "text", size=sz(msg))
        r = await conn.read_message()
        log(side="client", ws="recv", opcode="binary" if isinstance(r, bytes) else "text", size=sz(r))
    conn.ping(b"are you there")
    log(side="client", ws="ping")
    await gen.sleep(0.2)
    await conn.write_message("bye")
    log(side="client", ws="send", opcode="text", size=3)
    r = await conn.read_message()  # None: the server closed
    log(side="client", ws="closed", code=conn.close_code, reason=conn.close_reason, got=r)
    # a second connection the client closes
    c2 = await websocket.websocket_connect(url + "?second=1", compression_options={} if DEFLATE else None)
    await c2.read_message()
    await c2.write_message("one")
    await c2.read_message()
    c2.close(1000, "client done")
    log(side="client", ws="close", code=1000)
    # a third connection: the server pings every 0.1 s (websocket_ping_interval; the client's pongs
    # are automatic), then a message over the server's websocket_max_message_size: close 1009
    c3 = await websocket.websocket_connect(url + "?third=1", compression_options={} if DEFLATE else None)
    await c3.read_message()
    await gen.sleep(0.35)
    await c3.write_message(big(300_000))
    log(side="client", ws="send", opcode="text", size=300_000, conn=3)
    r = await c3.read_message()
    log(side="client", ws="closed", code=c3.close_code, reason=c3.close_reason, got=r, conn=3)
    await gen.sleep(0.3)


async def main():
    server = make_app().listen(PORT, address="127.0.0.1")
    try:
        await gen.with_timeout(datetime.timedelta(seconds=20), ws_client() if MODE.startswith("ws") else http_client())
    except Exception as e:  # noqa: BLE001
        log(side="client", error=repr(e))
    await gen.sleep(0.3)
    server.stop()


ioloop.IOLoop.current().run_sync(main, timeout=30)
