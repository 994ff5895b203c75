# redis-py 4.3 (Debian python3-redis) against redis-server on 127.0.0.1:21990: GET/SET, HSET/HGETALL,
# MULTI/EXEC and plain pipelines, EVAL, an unknown command, a 300 kB value, SUBSCRIBE + PSUBSCRIBE with
# a PUBLISH from another connection, BLPOP answered by another client.
import redis, time, threading
r = redis.Redis(host='127.0.0.1', port=21990, decode_responses=False)
r.set('greeting', 'hello'); r.get('greeting'); r.get('missing')
r.hset('person:1', mapping={'name': 'Ada', 'age': 36}); r.hgetall('person:1')
p = r.pipeline(transaction=True); p.incr('n'); p.incr('n'); p.expire('n', 60); p.execute()
p = r.pipeline(transaction=False); [p.rpush('q', i) for i in range(5)]; p.lrange('q', 0, -1); p.execute()
r.eval("return redis.call('incrby', KEYS[1], ARGV[1])", 1, 'n', 5)
try: r.execute_command('NOSUCHCMD')
except redis.ResponseError as e: print('err', e)
r.set('big', b'x' * 300000); len(r.get('big'))
ps = r.pubsub(); ps.subscribe('news'); ps.psubscribe('n*')
time.sleep(0.1); r.publish('news', '{"headline":"hi"}'); time.sleep(0.1)
for _ in range(6):
    m = ps.get_message(timeout=0.2)
ps.close()
def later(): time.sleep(0.2); redis.Redis(host='127.0.0.1', port=21990).rpush('jobs', 'j1')
threading.Thread(target=later).start()
print(r.blpop('jobs', timeout=2))
r.close()
