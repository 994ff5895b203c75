#!/usr/bin/python3
# ws_peer.py PORT TAKEOVER: a WebSocket server (Debian's python3-websockets 10.4) for libwebsockets' test client:
# it accepts permessage-deflate (server context takeover when TAKEOVER is 1, server_no_context_takeover when 0;
# the lws client asks client_no_context_takeover), serves dumb-increment-protocol (60 counters, a ping, close
# 4000 "done") and lws-mirror-protocol (echoes 300 messages, pings every 100, then close 1000). Logs JSON lines;
# stops by itself after 8 s.
import asyncio, json, sys
import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

port, takeover = int(sys.argv[1]), sys.argv[2] == '1'
log = lambda **k: print(json.dumps(k), flush=True)

async def handler(ws, path=None):
    proto = ws.subprotocol
    log(event='open', proto=proto, ext=ws.response_headers.get('Sec-WebSocket-Extensions'))
    if proto == 'dumb-increment-protocol':
        for n in range(60):
            await ws.send(str(n)); log(sent='text', proto=proto, n=n)
            await asyncio.sleep(0.005)
        await (await ws.ping(b'dumb-ping')); log(sent='ping', proto=proto)
        await ws.close(4000, 'done'); log(sent='close', proto=proto, code=4000)
    else:
        got = 0
        async for m in ws:
            got += 1; log(got='text' if isinstance(m, str) else 'binary', proto=proto, size=len(m))
            await ws.send(m); log(sent='text', proto=proto, size=len(m))
            if got % 100 == 0: await (await ws.ping(b'mirror-%d' % got)); log(sent='ping', proto=proto)
            if got >= 300:
                await ws.close(1000, 'enough'); log(sent='close', proto=proto, code=1000); break

async def main():
    ext = [ServerPerMessageDeflateFactory(server_no_context_takeover=not takeover)]
    async with websockets.serve(handler, '127.0.0.1', port, subprotocols=['dumb-increment-protocol', 'lws-mirror-protocol'], extensions=ext, compression=None):
        await asyncio.sleep(8)

asyncio.run(main())
