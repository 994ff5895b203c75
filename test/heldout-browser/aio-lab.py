#!/usr/bin/python3
"""aio-lab.py PORT SECONDS LOG: the aiohttp side of the browser round (aiohttp 3.8, Debian).

/ws: a WebSocket (aiohttp accepts Chromium's permessage-deflate): JSON text echoed with a reply,
binary echoed reversed, a ping sent on {"op": "ping-me"}, the page's close answered.
/aio/file.bin: a FileResponse (Range: 206), /aio/data.json: JSON, compressed when the client
accepts it (enable_compression). CORS open to the lab page. Every response is logged to LOG as one
JSON line {srv, method, path, status, cport, done}. Stops by itself after SECONDS.
"""
import asyncio
import json
import os
import sys
import tempfile

from aiohttp import WSMsgType, web

PORT, SECONDS, LOG = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
logf = open(LOG, 'a', buffering=1)
CORS = {'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Range'}


def log(request, status, done=True):
    peer = request.transport.get_extra_info('peername') if request.transport else None
    logf.write(json.dumps({'srv': 'aio', 'method': request.method, 'path': request.path_qs, 'status': status,
                           'cport': peer[1] if peer else None, 'done': done}) + '\n')


async def on_prepare(request, response):
    # at prepare: the status is final (FileResponse makes its 206 there, a WebSocket its 101)
    log(request, response.status)


async def ws_handler(request):
    ws = web.WebSocketResponse(compress=True)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            v = json.loads(msg.data)
            if v.get('op') == 'ping-me':
                await ws.ping(b'are you there')
                await asyncio.sleep(0.1)
            await ws.send_str(json.dumps({'echo': v.get('op'), 'size': len(msg.data), 'note': 'ünïcode ✓'}))
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(bytes(reversed(msg.data)))
    return ws


FILE = os.path.join(tempfile.mkdtemp(prefix='aio-lab-'), 'file.bin')
with open(FILE, 'wb') as f:
    f.write(bytes(i * 7 & 255 for i in range(20000)))


async def file_handler(request):
    return web.FileResponse(FILE, headers=CORS)


async def data_handler(request):
    resp = web.json_response({'n': 60, 'rows': [{'i': i, 'label': 'aio row %d' % i} for i in range(60)]}, headers=CORS)
    resp.enable_compression()
    return resp


async def main():
    app = web.Application()
    app.on_response_prepare.append(on_prepare)
    app.router.add_get('/ws', ws_handler)
    app.router.add_get('/aio/file.bin', file_handler)
    app.router.add_get('/aio/data.json', data_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, '127.0.0.1', PORT).start()
    await asyncio.sleep(SECONDS)
    await runner.cleanup()


asyncio.run(main())
