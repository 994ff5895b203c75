"""httpx-client.py PORT: httpx 0.23 (python3-httpx + python3-h2) against hypercorn over h2c by prior
knowledge (http1=False, http2=True). One JSON line per request: method, path, status, size."""
import asyncio
import json
import sys

import httpx

port = int(sys.argv[1])
base = f"http://127.0.0.1:{port}"


def log(r):
    print(json.dumps({"method": r.request.method, "path": r.request.url.raw_path.decode(), "status": r.status_code, "size": len(r.content)}), flush=True)


def gen(n, size):
    for _ in range(n):
        yield b"u" * size


def sync_part():
    with httpx.Client(http1=False, http2=True, timeout=10) as c:
        log(c.get(f"{base}/json?a=1", headers={"x-lab": "h2r16"}))
        with c.stream("GET", f"{base}/stream") as r:
            r.read()
            log(r)
        log(c.get(f"{base}/big?n=300000"))
        log(c.post(f"{base}/upload", content=b"p" * 200000))
        log(c.put(f"{base}/upload", content=gen(20, 10000)))  # no content-length: streamed request body
        log(c.get(f"{base}/trailers"))
        log(c.get(f"{base}/push"))
        log(c.get(f"{base}/status/404"))
        log(c.get(f"{base}/status/204"))
        log(c.head(f"{base}/big?n=1000"))
        log(c.delete(f"{base}/status/500"))
        log(c.get(f"{base}/nothing"))


async def async_part():
    async with httpx.AsyncClient(http1=False, http2=True, timeout=10) as c:
        rs = await asyncio.gather(*[c.get(f"{base}/json?i={i}") for i in range(20)], c.get(f"{base}/slow"), c.get(f"{base}/big?n=70000"))
        for r in rs:
            log(r)
        # a request the client gives up on: read timeout 0.1 s against /slow (RST_STREAM CANCEL)
        try:
            await c.get(f"{base}/slow", timeout=0.1)
        except httpx.ReadTimeout:
            print(json.dumps({"gaveup": "/slow"}), flush=True)


sync_part()
asyncio.run(async_part())
