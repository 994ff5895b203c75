# kafka-python (Debian python3-kafka) against a broker at argv[-1]: produce with keys/headers,
# lz4? no: gzip and none; an old message format (api_version 0.10 -> magic 1 MessageSet), then read back.
import sys, json, time
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
b = sys.argv[-1]
def log(**o): print(json.dumps(o), flush=True)
for api, comp in ((None, None), (None, "gzip"), (None, "lz4"), (None, "snappy")):
    kw = {'api_version': api} if api else {}
    p = KafkaProducer(bootstrap_servers=b, client_id='heldout-kpy', compression_type=comp, linger_ms=50, **kw)
    topic = 'kpy-%s-%s' % ('old' if api else 'new', comp or 'none')
    for i in range(3):
        f = p.send(topic, key=b'k%d' % i, value=('value %d of %s' % (i, topic)).encode(), partition=0, **({} if api else {'headers': [('h', b'x%d' % i)]}))
        md = f.get(timeout=10)
        log(sent=topic, offset=md.offset, partition=md.partition)
    p.flush(); p.close()
    c = KafkaConsumer(bootstrap_servers=b, client_id='heldout-kpy-c', auto_offset_reset='earliest', consumer_timeout_ms=3000, **kw)
    c.assign([TopicPartition(topic, 0)])
    for m in c:
        log(got=m.topic, offset=m.offset, key=m.key.decode(), value=m.value.decode(), headers=[(k, v.decode()) for k, v in (m.headers or [])])
    c.close()
