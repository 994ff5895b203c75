// ioredis against redis-server at 127.0.0.1:argv[2]: RESP2 and RESP3 (HELLO 3) connections,
// pipelines, MULTI/EXEC (and a WATCH abort), pub/sub incl. patterns and keyspace notifications,
// a 1.5 MB bulk string, blocking pops, streams, Lua, errors. Logs what it did as JSON lines.
const Redis = require('ioredis');
const port = Number(process.argv[2]);
const log = (o) => console.log(JSON.stringify(o, (k, v) => (typeof v === 'string' && v.length > 80 ? `<${v.length} chars>` : v)));
(async () => {
  for (const protocol of [2, 3]) {
    const r = new Redis({ port, host: '127.0.0.1', connectionName: `heldout-resp${protocol}`, protocol, lazyConnect: true, enableReadyCheck: true });
    await r.connect();
    const p = r.pipeline();
    p.set(`k${protocol}`, 'v1').get(`k${protocol}`).incr(`n${protocol}`).hset(`h${protocol}`, 'a', '1', 'b', '2').hgetall(`h${protocol}`).sadd(`s${protocol}`, 'x', 'y').smembers(`s${protocol}`).zadd(`z${protocol}`, 1.5, 'm').zscore(`z${protocol}`, 'm').lpush(`l${protocol}`, 'a', 'b').lrange(`l${protocol}`, 0, -1).incr(`k${protocol}`);
    log({ protocol, pipeline: (await p.exec()).map(([e, v]) => (e ? { err: e.message } : v)) });
    log({ multi: await r.multi().set('t', '1').incr('t').get('t').exec() });
    const w = new Redis({ port, host: '127.0.0.1', protocol });
    await r.watch('t');
    await w.set('t', 'changed');
    log({ watchedExec: await r.multi().incr('t').exec() });
    w.disconnect();
    const big = 'x'.repeat(1.5 * 1024 * 1024);
    await r.set(`big${protocol}`, big);
    log({ bigLen: (await r.get(`big${protocol}`)).length });
    log({ eval: await r.eval("return {1, 'two', redis.call('get', KEYS[1])}", 1, `k${protocol}`) });
    log({ xadd: await r.xadd(`st${protocol}`, '*', 'f', 'v') });
    log({ xread: await r.xread('COUNT', 1, 'STREAMS', `st${protocol}`, '0') });
    log({ blpop: await r.blpop(`empty${protocol}`, 0.2) });
    log({ err: await r.hget(`k${protocol}`, 'f').catch((e) => e.message) });
    log({ scan: await r.scan(0, 'MATCH', 'k*', 'COUNT', 100) });
    log({ dbl: await r.zincrby(`z${protocol}`, 0.25, 'm') });
    r.disconnect();
  }
  // pub/sub on RESP2 and RESP3 subscribers, pattern and keyspace notifications
  const pub = new Redis({ port, host: '127.0.0.1', connectionName: 'heldout-pub' });
  await pub.config('SET', 'notify-keyspace-events', 'KEA');
  const subs = [];
  for (const protocol of [2, 3]) {
    const s = new Redis({ port, host: '127.0.0.1', connectionName: `heldout-sub${protocol}`, protocol });
    s.on('message', (ch, m) => log({ sub: protocol, message: ch, m }));
    s.on('pmessage', (pat, ch, m) => log({ sub: protocol, pmessage: pat, ch, m }));
    await s.subscribe('news', 'alerts');
    await s.psubscribe('__keyspace@0__:watched*', 'ev.*');
    subs.push(s);
  }
  await new Promise((r) => setTimeout(r, 100));
  log({ published: await pub.publish('news', 'hello subscribers') });
  log({ published: await pub.publish('ev.one', JSON.stringify({ a: 1 })) });
  log({ published: await pub.publish('alerts', 'A'.repeat(70000)) });
  await pub.set('watched1', 'x');
  await pub.del('watched1');
  await new Promise((r) => setTimeout(r, 300));
  // Streams as a queue: a consumer group on RESP2, a plain XREAD on RESP3 (a map reply)
  await pub.call('XGROUP', 'CREATE', 'jobs', 'workers', '$', 'MKSTREAM').catch(() => {});
  log({ xadd: await pub.xadd('jobs', '*', 'job', JSON.stringify({ id: 1, kind: 'resize' })) });
  log({ xadd: await pub.xadd('jobs', 'MAXLEN', '~', '100', '*', 'job', JSON.stringify({ id: 2 }), 'prio', '5') });
  const worker = new Redis({ port, host: '127.0.0.1', connectionName: 'heldout-worker' });
  const got = await worker.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '10', 'STREAMS', 'jobs', '>');
  log({ xreadgroup: got });
  for (const [, entries] of got ?? []) for (const [id] of entries) await worker.xack('jobs', 'workers', id);
  const r3 = new Redis({ port, host: '127.0.0.1', connectionName: 'heldout-reader3', protocol: 3 });
  log({ xread: await r3.xread('COUNT', '5', 'STREAMS', 'jobs', '0') });
  worker.disconnect();
  r3.disconnect();
  for (const s of subs) { await s.unsubscribe('news'); await s.punsubscribe(); s.disconnect(); }
  pub.disconnect();
  log({ done: true });
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
