# pika 1.2 (Debian python3-pika) against RabbitMQ (rabbit.sh, 127.0.0.1:21672): publisher confirms,
# topic exchange, basic.get and get-empty, a mandatory publish returned (312 NO_ROUTE), RPC over direct
# reply-to answered by a second connection, a passive declare closed with 404.
import pika, json, time, uuid
conn = pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', 21672, client_properties={'connection_name': 'pika-lab'}))
ch = conn.channel()
ch.confirm_delivery()
ch.exchange_declare('orders', 'topic', durable=False)
q = ch.queue_declare('', exclusive=True).method.queue
ch.queue_bind(q, 'orders', 'order.*')
ch.basic_publish('orders', 'order.created', json.dumps({'id': 7, 'total': 12.5}), pika.BasicProperties(content_type='application/json', headers={'trace': 'x1'}, delivery_mode=2))
m, props, body = None, None, None
for _ in range(20):
    m, props, body = ch.basic_get(q, auto_ack=False)
    if m: break
    time.sleep(0.05)
ch.basic_ack(m.delivery_tag)
print('got', body)
print('empty get', ch.basic_get(q)[0])
try:
    ch.basic_publish('orders', 'nobody.listens', b'x', mandatory=True)
except pika.exceptions.UnroutableError as e:
    print('returned', e)
# RPC with reply-to (direct reply-to)
rpcq = ch.queue_declare('rpc_add').method.queue
def on_req(c, meth, p, b):
    a, bb = json.loads(b); c.basic_publish('', p.reply_to, json.dumps(a + bb), pika.BasicProperties(correlation_id=p.correlation_id)); c.basic_ack(meth.delivery_tag)
conn2 = pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', 21672)); sch = conn2.channel(); sch.basic_consume('rpc_add', on_req)
result = []
ch.basic_consume('amq.rabbitmq.reply-to', lambda c, m, p, b: result.append(b), auto_ack=True)
cid = str(uuid.uuid4())
ch.basic_publish('', 'rpc_add', json.dumps([2, 3]), pika.BasicProperties(reply_to='amq.rabbitmq.reply-to', correlation_id=cid))
for _ in range(40):
    conn2.process_data_events(0.05); conn.process_data_events(0.05)
    if result: break
print('rpc', result)
try:
    ch.queue_declare('does-not-exist', passive=True)
except pika.exceptions.ChannelClosedByBroker as e:
    print('closed', e)
conn2.close(); conn.close()
