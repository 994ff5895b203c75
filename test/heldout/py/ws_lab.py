# python3-websockets 10.4 client and server on 127.0.0.1:21992: permessage-deflate (its defaults), a
# subprotocol, a 200 kB text, a binary message, a message sent in three fragments, ping, close 4001.
import asyncio, json, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m if isinstance(m, bytes) else 'echo: ' + m)
async def main():
    async with websockets.serve(echo, '127.0.0.1', 21992, subprotocols=['chat.v1']):
        async with websockets.connect('ws://127.0.0.1:21992/room?x=1', subprotocols=['chat.v1'], max_size=2**22) as ws:
            await ws.send(json.dumps({'op': 'join', 'room': 'a'})); print(await ws.recv())
            await ws.send('x' * 200000); print(len(await ws.recv()))
            await ws.send(bytes(range(256)) * 10); print(len(await ws.recv()))
            async def parts():
                for p in ['frag1 ', 'frag2 ', 'frag3']: yield p
            await ws.send(parts()); print(await ws.recv())
            await (await ws.ping(b'hb'))
            await ws.close(4001, 'bye now')
asyncio.run(main())
