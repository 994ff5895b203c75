# stomp.py against ActiveMQ 5.17's STOMP connector: STOMP 1.2 with heart-beats, a queue with client-individual
# acks (one NACK), SEND with receipts, a topic, request/reply through a temp queue (ActiveMQ's /temp-queue/),
# selectors, a transaction (BEGIN/SEND/COMMIT and an ABORT), an ERROR, DISCONNECT with a receipt.
import stomp, time, json, sys
P = int(sys.argv[1])
got = []
class L(stomp.ConnectionListener):
    def __init__(self, c): self.c = c
    def on_message(self, f):
        got.append(f.body)
        if f.headers.get('subscription') == 'rpc':
            self.c.send(f.headers['reply-to'], str(sum(json.loads(f.body)['args'])), headers={'correlation-id': f.headers.get('correlation-id', '')})
            return
        if 'ack' in f.headers:
            if 'nack' in f.body: self.c.nack(f.headers['ack'])
            else: self.c.ack(f.headers['ack'])
    def on_error(self, f): print('error', f.headers.get('message'), f.body[:80])
c = stomp.Connection12([('127.0.0.1', P)], heartbeats=(2000, 2000))
c.set_listener('l', L(c))
c.connect('admin', 'admin', wait=True, headers={'client-id': 'py-stomp-amq'})
c.subscribe('/queue/orders', id='s1', ack='client-individual')
c.subscribe('/topic/news', id='s2', ack='auto')
c.subscribe('/queue/rpc', id='rpc', ack='auto')
c.subscribe('/queue/sel', id='s3', ack='auto', headers={'selector': "color = 'red'"})
c.send('/queue/orders', json.dumps({'id': 1}), content_type='application/json', headers={'receipt': 'r-1', 'persistent': 'true'})
c.send('/queue/orders', 'please nack', headers={'receipt': 'r-2'})
c.send('/topic/news', 'hello topic')
c.send('/queue/sel', 'blue one', headers={'color': 'blue'})
c.send('/queue/sel', 'red one', headers={'color': 'red'})
time.sleep(0.3)
c.send('/queue/rpc', '{"op":"add","args":[2,3]}', headers={'reply-to': '/temp-queue/answers', 'correlation-id': 'c-1'})
c.subscribe('/temp-queue/answers', id='s4', ack='auto')
time.sleep(0.3)
c.begin('tx1'); c.send('/queue/orders', 'in tx', headers={'transaction': 'tx1'}); c.commit('tx1')
c.begin('tx2'); c.send('/queue/orders', 'aborted', headers={'transaction': 'tx2'}); c.abort('tx2')
c.send('/queue/orders', 'bad tx', headers={'transaction': 'nope', 'receipt': 'r-3'})
time.sleep(1)
print('got', got)
c.disconnect(receipt='bye')
