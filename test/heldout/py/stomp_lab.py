# stomp.py 8.0 (Debian python3-stomp) against RabbitMQ's STOMP plugin (rabbit.sh, 127.0.0.1:21613):
# STOMP 1.2 CONNECT with heart-beats, SUBSCRIBE with client-individual acks, SEND with receipts and a
# JSON body, ACK and NACK, a temp-queue request/reply (reply-to), an ERROR (a bad destination), DISCONNECT.
import stomp, time, json
got = []
class L(stomp.ConnectionListener):
    def __init__(self, c): self.c = c
    def on_message(self, f):
        got.append(f.body)
        if 'nack' in f.body: self.c.nack(f.headers['message-id'], f.headers['subscription'])
        else: self.c.ack(f.headers['message-id'], f.headers['subscription'])
    def on_error(self, f): print('error', f.headers.get('message'))
c = stomp.Connection12([('127.0.0.1', 21613)], heartbeats=(4000, 4000), vhost='/')
c.set_listener('l', L(c))
c.connect('guest', 'guest', wait=True, headers={'client-id': 'py-stomp'})
c.subscribe('/queue/orders', id='s1', ack='client-individual')
c.send('/queue/orders', json.dumps({'id': 1}), content_type='application/json', headers={'receipt': 'r-1'})
c.send('/queue/orders', 'please nack', headers={'receipt': 'r-2'})
time.sleep(0.5)
c.send('/queue/rpc', '{"op":"add","args":[2,3]}', headers={'reply-to': '/temp-queue/answers'})
time.sleep(0.3)
c.send('/nonsense/dest', 'x')
time.sleep(0.5)
print(got)
try: c.disconnect(receipt='bye')
except Exception as e: print('disconnect', e)
