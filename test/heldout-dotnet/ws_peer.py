#!/usr/bin/python3
# ws_peer.py PORT: a WebSocket server (Debian's python3-websockets 10.4) for ClientWebSocket: echoes each
# message (a text one reversed), answers the close. No extension offered by the client (Mono 6.8's
# ClientWebSocket has no permessage-deflate). Logs JSON lines; stops by itself after 20 s.
import asyncio, json, sys
import websockets

port = int(sys.argv[1])
log = lambda **k: print(json.dumps(k), flush=True)

async def handler(ws, path=None):
    log(event='open', headers=dict(ws.request_headers))
    async for m in ws:
        log(got='text' if isinstance(m, str) else 'binary', size=len(m))
        await ws.send(m[::-1] if isinstance(m, str) else m)
    log(event='closed', code=ws.close_code, reason=ws.close_reason)

async def main():
    async with websockets.serve(handler, '127.0.0.1', port, compression=None, max_size=1 << 22):
        await asyncio.sleep(20)

asyncio.run(main())
