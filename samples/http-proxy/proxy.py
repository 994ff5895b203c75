#!/usr/bin/env python3
"""proxy.py PORT [SECONDS]: a minimal forward proxy (the http-proxy sample, held-out captures). It answers
CONNECT host:port with 200 and relays bytes both ways (RFC 9110 §9.3.6); any other request is
refused with 405. Loopback only; exits after SECONDS (default 30)."""
import asyncio, sys

async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data)
            await w.drain()
    except ConnectionError:
        pass
    finally:
        try:
            w.close()
        except Exception:
            pass

async def handle(cr, cw):
    head = await cr.readuntil(b'\r\n\r\n')
    method, target = head.split(b' ', 2)[:2]
    if method != b'CONNECT':
        cw.write(b'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        await cw.drain(); cw.close(); return
    host, port = target.rsplit(b':', 1)
    if host not in (b'127.0.0.1', b'localhost', b'[::1]'):
        cw.write(b'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'); await cw.drain(); cw.close(); return
    sr, sw = await asyncio.open_connection(host.strip(b'[]').decode(), int(port))
    cw.write(b'HTTP/1.1 200 Connection Established\r\n\r\n')
    await cw.drain()
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw))

async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', int(sys.argv[1]))
    async with server:
        await asyncio.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 30)

asyncio.run(main())
