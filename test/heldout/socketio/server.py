# python-socketio 5 AsyncServer on aiohttp, for a Socket.IO 4 (npm) client. Usage: server.py PORT
import sys, asyncio, socketio
from aiohttp import web
sio = socketio.AsyncServer(async_mode='aiohttp', ping_interval=1)
app = web.Application(); sio.attach(app)
@sio.event
async def connect(sid, environ, auth):
    await sio.emit('welcome', {'sid': sid}, to=sid)
@sio.on('sum')
async def sum_(sid, a, b): return a + b
@sio.on('ask')
async def ask(sid, q):
    r = await sio.call('whoami', q, to=sid, timeout=2)
    await sio.emit('hello', 'hi %s' % r, to=sid)
async def stop():
    await asyncio.sleep(12); raise SystemExit
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=lambda *a: print('listening', flush=True))
