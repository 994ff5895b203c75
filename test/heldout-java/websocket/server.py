"""Held-out WebSocket server for the JDK's java.net.http.WebSocket client: python3-websockets 10 (Debian) on
127.0.0.1:PORT, path /echo. Echoes text as "echo:<text>" and binary as is; on "big" sends 70000 bytes (a 64-bit
length); on "bye" closes with 4001. Stops after 30 s at most."""
import asyncio, sys
import websockets

async def handler(ws, path):
    async for msg in ws:
        if msg == 'big':
            await ws.send('z' * 70000)
        elif msg == 'bye':
            await ws.close(4001, 'lab is done')
            return
        elif isinstance(msg, bytes):
            await ws.send(msg)
        else:
            await ws.send('echo:' + msg)

async def main():
    async with websockets.serve(handler, '127.0.0.1', int(sys.argv[1]), compression=None):
        print('listening', flush=True)
        await asyncio.sleep(30)

asyncio.run(main())
