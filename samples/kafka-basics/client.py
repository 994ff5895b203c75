# Kafka sample: librdkafka's in-process mock cluster (one broker). Produces plain and
# gzip-compressed batches (with keys and headers) to `trip-events`, then consumes them with a
# consumer group (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, Fetch, OffsetCommit,
# Heartbeat, LeaveGroup). Run with /usr/bin/python3 (Debian's confluent_kafka).
import json, time
from confluent_kafka import Producer, Consumer

base = {'test.mock.num.brokers': 1, 'broker.address.family': 'v4'}
# Start a mock cluster through a first producer; reuse its bootstrap servers.
p = Producer({**base, 'client.id': 'trip-service', 'linger.ms': 5, 'acks': 'all'})
p.list_topics(timeout=5)
servers = None
for b in p.list_topics(timeout=5).brokers.values():
    servers = f'{b.host}:{b.port}'
print('mock broker', servers, flush=True)

def produce_all(prod, n0, n):
    for i in range(n0, n0 + n):
        prod.produce('trip-events', key=f'trip-{i}', value=json.dumps({'tripId': f't-{i}', 'event': 'trip.requested', 'km': i}), headers=[('source', b'trip-service'), ('seq', str(i).encode())], partition=0)
    prod.flush(10)

produce_all(p, 1, 3)
gz = Producer({'bootstrap.servers': servers, 'client.id': 'trip-service-gzip', 'compression.type': 'gzip', 'linger.ms': 50})
produce_all(gz, 10, 4)

c = Consumer({'bootstrap.servers': servers, 'group.id': 'dispatcher', 'client.id': 'dispatcher', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'session.timeout.ms': 6000})
c.subscribe(['trip-events'])
got = 0
deadline = time.time() + 15
while got < 7 and time.time() < deadline:
    m = c.poll(0.5)
    if m is None or m.error():
        continue
    got += 1
c.commit(asynchronous=False)
c.close()
print('consumed', got, flush=True)
