#!/usr/bin/python3
"""aiohttp 3.8 (Debian python3-aiohttp) server and client for the second held-out round.

Usage: aiohttp-lab.py PORT [SECONDS [serve | client BASE_URL]]
Starts the server on 127.0.0.1:PORT, runs the client against it, stops (bounded by SECONDS).
`serve`: only the server, for SECONDS (nginx.sh puts it behind nginx); `client BASE_URL`: only
the client, against BASE_URL (e.g. through nginx: http://127.0.0.1:24010/aio).

Server: /json, /chunked (StreamResponse with chunked encoding, written in pieces), /compressed
(enable_compression: deflate or gzip, chunked), /ws (websocket: text, binary, a ping, a close with
a reason), /upload (multipart/form-data read field by field), /jsonrpc (JSON-RPC 2.0 written by
hand on aiohttp: calls, batches, notifications), /echo (any body).
Client: one ClientSession (keep-alive), automatic decompression, the websocket handshake and
messages, a multipart upload with a file, a chunked upload from an async generator, JSON-RPC.
Each exchange is logged on stdout.
"""
import asyncio
import json
import sys

import aiohttp
from aiohttp import web

PORT = int(sys.argv[1])
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 20


def log(*a):
    print(*a, flush=True)


async def h_json(req):
    return web.json_response({'hello': 'aiohttp', 'n': int(req.query.get('n', 1)), 'list': list(range(5))})


async def h_chunked(req):
    resp = web.StreamResponse(headers={'Content-Type': 'application/json'})
    resp.enable_chunked_encoding()
    await resp.prepare(req)
    for piece in ('{"rows":[', '1,', '2,', '3', ']}'):
        await resp.write(piece.encode())
        await asyncio.sleep(0.01)
    await resp.write_eof()
    return resp


async def h_compressed(req):
    resp = web.json_response({'text': 'compress me ' * 200})
    resp.enable_compression()  # picks deflate or gzip from Accept-Encoding
    return resp


async def h_ws(req):
    ws = web.WebSocketResponse(heartbeat=None)
    await ws.prepare(req)
    await ws.send_str(json.dumps({'welcome': True}))
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            if msg.data == 'bye':
                await ws.close(code=4001, message=b'client said bye')
                break
            await ws.send_str(f'echo:{msg.data}')
        elif msg.type == aiohttp.WSMsgType.BINARY:
            await ws.send_bytes(bytes(reversed(msg.data)))
    log('server ws closed', ws.close_code)
    return ws


async def h_upload(req):
    reader = await req.multipart()
    parts = []
    async for part in reader:
        data = await part.read()
        parts.append({'name': part.name, 'filename': part.filename, 'size': len(data)})
    log('server upload', parts)
    return web.json_response({'parts': parts})


def rpc_one(m):
    if not isinstance(m, dict) or m.get('jsonrpc') != '2.0' or not isinstance(m.get('method'), str):
        return {'jsonrpc': '2.0', 'id': None, 'error': {'code': -32600, 'message': 'Invalid Request'}}
    p = m.get('params')
    if m['method'] == 'subtract':
        if isinstance(p, dict):
            r = {'result': p['minuend'] - p['subtrahend']}
        else:
            r = {'result': p[0] - p[1]}
    elif m['method'] == 'echo':
        r = {'result': p}
    else:
        r = {'error': {'code': -32601, 'message': 'Method not found'}}
    if 'id' not in m:
        return None
    return {'jsonrpc': '2.0', 'id': m['id'], **r}


async def h_jsonrpc(req):
    raw = await req.read()
    try:
        doc = json.loads(raw)
    except ValueError:
        return web.json_response({'jsonrpc': '2.0', 'id': None, 'error': {'code': -32700, 'message': 'Parse error'}})
    if isinstance(doc, list):
        out = [r for r in map(rpc_one, doc) if r is not None]
        if not out:
            return web.Response(status=204)
        return web.json_response(out)
    r = rpc_one(doc)
    return web.Response(status=204) if r is None else web.json_response(r)


async def h_echo(req):
    body = await req.read()
    return web.json_response({'len': len(body), 'chunked': req.headers.get('Transfer-Encoding'), 'type': req.content_type})


async def client(base):
    async with aiohttp.ClientSession() as s:
        async def go(name, method, path, **kw):
            async with s.request(method, base + path, **kw) as r:
                body = await r.read()
                log('client', name, method, path, r.status, len(body), r.headers.get('Content-Encoding'), r.headers.get('Transfer-Encoding'))
        await go('json', 'GET', '/json?n=3')
        await go('chunked', 'GET', '/chunked')
        await go('compressed-gzip', 'GET', '/compressed', headers={'Accept-Encoding': 'gzip'})
        await go('compressed-deflate', 'GET', '/compressed', headers={'Accept-Encoding': 'deflate'})
        await go('post-json', 'POST', '/echo', json={'a': [1, 2, {'b': None}]})
        form = aiohttp.FormData()
        form.add_field('title', 'report')
        form.add_field('file', b'{"payload":"' + b'p' * 300 + b'"}', filename='data.json', content_type='application/json')
        await go('multipart', 'POST', '/upload', data=form)

        async def gen():
            for i in range(3):
                yield f'line {i}\n'.encode()
                await asyncio.sleep(0.01)
        await go('gen-upload', 'POST', '/echo', data=gen(), headers={'Content-Type': 'text/plain'})
        await go('rpc', 'POST', '/jsonrpc', json={'jsonrpc': '2.0', 'id': 1, 'method': 'subtract', 'params': {'minuend': 42, 'subtrahend': 23}})
        await go('rpc-batch', 'POST', '/jsonrpc', json=[
            {'jsonrpc': '2.0', 'id': 'x', 'method': 'subtract', 'params': [10, 4]},
            {'jsonrpc': '2.0', 'method': 'echo', 'params': ['fire and forget']},
            {'jsonrpc': '2.0', 'id': 'y', 'method': 'echo', 'params': {'nested': {'deep': [1, 2]}}},
            {'jsonrpc': '2.0', 'id': 'z', 'method': 'missing'},
        ])
        await go('rpc-notify', 'POST', '/jsonrpc', json={'jsonrpc': '2.0', 'method': 'echo', 'params': [1]})
        async with s.ws_connect(base + '/ws', autoping=True) as ws:
            log('client ws', await ws.receive_str())
            await ws.send_str('hello')
            log('client ws', await ws.receive_str())
            await ws.send_bytes(b'\x01\x02\x03')
            log('client ws', (await ws.receive_bytes()).hex())
            await ws.ping(b'p')
            await ws.send_str('bye')
            msg = await ws.receive()
            log('client ws close', msg.type, ws.close_code)
        await go('after-ws', 'GET', '/json?n=9')


MODE = sys.argv[3] if len(sys.argv) > 3 else 'both'


async def main():
    if MODE == 'client':
        await asyncio.wait_for(client(sys.argv[4]), SECONDS)
        return
    app = web.Application()
    app.add_routes([web.get('/json', h_json), web.get('/chunked', h_chunked), web.get('/compressed', h_compressed),
                    web.get('/ws', h_ws), web.post('/upload', h_upload), web.post('/jsonrpc', h_jsonrpc), web.post('/echo', h_echo)])
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, '127.0.0.1', PORT).start()
    try:
        if MODE == 'serve':
            await asyncio.sleep(SECONDS)
        else:
            await asyncio.wait_for(client(f'http://127.0.0.1:{PORT}'), SECONDS)
    finally:
        await runner.cleanup()


asyncio.run(main())
