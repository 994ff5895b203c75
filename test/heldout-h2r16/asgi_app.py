"""ASGI app served by hypercorn for round 16 (h2c by prior knowledge and by Upgrade, and behind Varnish).

Routes: /json, /stream (8 chunks as separate http.response.body events), /big?n=BYTES, /upload (POST/PUT:
answers the byte count read), /trailers (http.response.trailers when the server offers it), /push
(http.response.push when offered), /status/CODE, /slow (0.3 s). Every request is logged to stderr.
"""
import asyncio
import json
import sys


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif m["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    ext = scope.get("extensions") or {}
    body = 0
    while True:
        m = await receive()
        body += len(m.get("body", b""))
        if not m.get("more_body"):
            break
    print(json.dumps({"server": scope["http_version"], "method": scope["method"], "path": path, "body": body}), file=sys.stderr, flush=True)

    async def start(status, headers=(), trailers=False):
        h = [(b"content-type", b"application/octet-stream")] + list(headers)
        msg = {"type": "http.response.start", "status": status, "headers": h}
        if trailers:
            msg["trailers"] = True
        await send(msg)

    if path == "/json":
        b = json.dumps({"ok": True, "path": path, "q": scope["query_string"].decode()}).encode()
        await start(200, [(b"content-length", str(len(b)).encode())])
        await send({"type": "http.response.body", "body": b})
    elif path == "/stream":
        await start(200)
        for i in range(8):
            await send({"type": "http.response.body", "body": b"chunk %d " % i * 50, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
    elif path == "/big":
        n = int(dict(p.split("=") for p in scope["query_string"].decode().split("&") if "=" in p).get("n", "300000"))
        await start(200, [(b"content-length", str(n).encode())])
        await send({"type": "http.response.body", "body": b"B" * n})
    elif path == "/upload":
        b = str(body).encode()
        await start(201, [(b"content-length", str(len(b)).encode())])
        await send({"type": "http.response.body", "body": b})
    elif path == "/trailers":
        t = "http.response.trailers" in ext
        await start(200, trailers=t)
        await send({"type": "http.response.body", "body": b"with trailers", "more_body": t})
        if t:
            await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"abc123")], "more_trailers": False})
    elif path == "/push":
        if "http.response.push" in ext:
            await send({"type": "http.response.push", "path": "/json", "headers": []})
        await start(200)
        await send({"type": "http.response.body", "body": b"<html>pushed /json</html>"})
    elif path.startswith("/status/"):
        code = int(path.split("/")[2])
        b = b"" if code in (204, 304) else b"status page"
        await start(code, [] if code in (204, 304) else [(b"content-length", str(len(b)).encode())])
        await send({"type": "http.response.body", "body": b})
    elif path == "/slow":
        await asyncio.sleep(0.3)
        await start(200, [(b"content-length", b"4")])
        await send({"type": "http.response.body", "body": b"slow"})
    else:
        await start(404, [(b"content-length", b"9")])
        await send({"type": "http.response.body", "body": b"not found"})
