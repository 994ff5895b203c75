# python-socketio 5 client (Debian python3-socketio; websocket-client for the upgrade) against server.cjs.
import sys, time, socketio
sio = socketio.Client()
@sio.on('welcome')
def welcome(data): print('welcome', data)
@sio.on('echoed')
def echoed(data): print('echoed', data)
sio.connect('http://127.0.0.1:%s?who=py' % (sys.argv[1] if len(sys.argv) > 1 else 21700))
print('sum', sio.call('sum', (4, 5)))
sio.emit('echo', {'hello': 'py'}, callback=lambda r: print('echo ack', r))
sio.emit('blob', b'\x00\x01\x02', callback=lambda n: print('blob', n))
time.sleep(2.5)  # two server pings
sio.disconnect()
