import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, splitInline } from '../../../decoders/redis/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { messageKey } from '../../../decoders/calls/key';
import { run } from '../calls/harness';
import { replay, c2s, s2c, seg, snapshot, prng, type Segment } from './feed';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';

const redis = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const cmd = (...a: string[]) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('');

describe('RESP2 (protocol spec: arrays of bulk strings, simple strings, errors, integers, nulls)', () => {
  it('pipelined commands pair with replies in order', () => {
    const s = replay(redis, [c2s(cmd('SET', 'k', 'v') + cmd('GET', 'k') + cmd('GET', 'nokey') + cmd('INCR', 'k')), s2c('+OK\r\n$1\r\nv\r\n$-1\r\n-ERR value is not an integer or out of range\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.target, c.response?.value]), [
      ['SET', 'k', 'OK'],
      ['GET', 'k', 'v'],
      ['GET', 'nokey', null],
      ['INCR', 'k', { error: 'ERR value is not an integer or out of range' }],
    ]);
    assert.deepEqual(s.calls[3].status, { code: 'ERR', text: 'value is not an integer or out of range', ok: false });
    assert.ok(s.calls.every((c) => c.state === 'complete'));
  });
  it('inline commands (with quotes)', () => {
    const s = replay(redis, [c2s('PING\r\nSET "a key" \'it\\\'s\'\r\n'), s2c('+PONG\r\n+OK\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.request?.value]), [['PING', []], ['SET', ['a key', "it's"]]]);
    assert.deepEqual(splitInline(Buffer.from('ECHO "a\\x41\\n"'))!.map((b) => Buffer.from(b).toString()), ['ECHO', 'aA\n']);
  });
  it('AUTH passwords are redacted', () => {
    const s = replay(redis, [c2s(cmd('AUTH', 'alice', 'hunter2')), s2c('+OK\r\n')]);
    assert.deepEqual(s.calls[0].request?.value, ['alice', '********']);
    assert.ok(!JSON.stringify(s.calls).includes('hunter2'));
  });
  it('null array and nested arrays', () => {
    const s = replay(redis, [c2s(cmd('BLPOP', 'q', '1') + cmd('EXEC')), s2c('*-1\r\n*2\r\n*1\r\n:1\r\n$3\r\nabc\r\n')]);
    assert.deepEqual(s.calls.map((c) => c.response?.value), [null, [[1], 'abc']]);
  });
});

describe('Transactions (redis.io/docs transactions: EXEC answers a null reply when a WATCHed key changed)', () => {
  it('EXEC with a null array (RESP2) or null (RESP3) is a discarded transaction; EXEC with replies is OK', () => {
    for (const nil of ['*-1\r\n', '_\r\n']) {
      const s = replay(redis, [c2s(cmd('WATCH', 't') + cmd('MULTI') + cmd('INCR', 't') + cmd('EXEC')), s2c('+OK\r\n+OK\r\n+QUEUED\r\n' + nil)]);
      assert.equal(s.calls[3].method, 'EXEC');
      assert.deepEqual(s.calls[3].status, { code: 'NIL', text: 'transaction discarded: a WATCHed key changed', ok: false });
    }
    const ok = replay(redis, [c2s(cmd('MULTI') + cmd('INCR', 't') + cmd('EXEC')), s2c('+OK\r\n+QUEUED\r\n*1\r\n:2\r\n')]);
    assert.deepEqual(ok.calls[2].status, { code: 'OK', ok: true });
  });
});

describe('RESP3 types (HELLO 3)', () => {
  it('map, set, double (inf/nan), big number, boolean, null, verbatim, bulk error, attribute', () => {
    const replies = [
      '%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n',
      '~2\r\n+a\r\n+b\r\n',
      ',3.14\r\n',
      ',inf\r\n',
      ',-inf\r\n',
      ',nan\r\n',
      '(3492890328409238509324850943850943825024385\r\n',
      '#t\r\n',
      '_\r\n',
      '=15\r\ntxt:Some string\r\n',
      '!21\r\nSYNTAX invalid syntax\r\n',
      '|1\r\n+key-popularity\r\n*2\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2039123\r\n:9543892\r\n',
    ];
    const cmds = ['HELLO 3', 'SMEMBERS s', 'ZSCORE z a', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X'].map((c) => c + '\r\n').join('');
    const s = replay(redis, [c2s(cmds), s2c(replies.join(''))]);
    assert.deepEqual(s.calls.map((c) => c.response?.value), [
      { server: 'redis', proto: 3 },
      ['a', 'b'],
      3.14,
      'inf',
      '-inf',
      'nan',
      '3492890328409238509324850943850943825024385',
      true,
      null,
      'Some string',
      { error: 'SYNTAX invalid syntax' },
      { attributes: { 'key-popularity': ['a', 0.1923] }, value: [2039123, 9543892] },
    ]);
    assert.equal(s.calls[0].fields['redis.resp'], 3);
    assert.equal(s.calls[10].status?.ok, false);
    assert.equal(s.calls[10].status?.code, 'SYNTAX');
  });
  it('a map with non-string keys is a list of pairs', () => {
    const s = replay(redis, [c2s('X\r\n'), s2c('%1\r\n*1\r\n:1\r\n+v\r\n')]);
    assert.deepEqual(s.calls[0].response?.value, [[[1], 'v']]);
  });
});

describe('Pub/Sub', () => {
  it('SUBSCRIBE with 3 channels consumes 3 confirmations; messages are deliveries (RESP2)', () => {
    const s = replay(redis, [
      c2s(cmd('SUBSCRIBE', 'a', 'b', 'c')),
      s2c('*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n'),
      s2c('*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:3\r\n*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$5\r\nhello\r\n'),
      c2s(cmd('PSUBSCRIBE', 'n.*')),
      s2c('*3\r\n$10\r\npsubscribe\r\n$3\r\nn.*\r\n:4\r\n*4\r\n$8\r\npmessage\r\n$3\r\nn.*\r\n$3\r\nn.x\r\n$2\r\nhi\r\n'),
    ]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method, c.target]), [
      ['unary', 'SUBSCRIBE', 'a'],
      ['deliver', 'message', 'b'],
      ['unary', 'PSUBSCRIBE', 'n.*'],
      ['deliver', 'pmessage', 'n.x'],
    ]);
    assert.equal((s.calls[0].response?.value as unknown[]).length, 3);
    assert.equal(s.calls[1].fields['msg.key'], messageKey('redis', 'b', Buffer.from('hello')));
    assert.equal(s.calls[3].fields['redis.pattern'], 'n.*');
  });
  it('RESP3 push messages, and PUBLISH as a publish with the receiver count', () => {
    const s = replay(redis, [c2s(cmd('SUBSCRIBE', 'ch') + cmd('PUBLISH', 'ch', 'x')), s2c('>3\r\n+subscribe\r\n+ch\r\n:1\r\n>3\r\n+message\r\n+ch\r\n$1\r\nx\r\n:1\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method]), [['unary', 'SUBSCRIBE'], ['deliver', 'message'], ['publish', 'PUBLISH']]);
    assert.equal(s.calls[2].fields['redis.receivers'], 1);
    assert.equal(s.calls[2].fields['msg.key'], s.calls[1].fields['msg.key']);
  });
  it('Redis Streams as a queue: XADD publishes (msg.key from its entry id), XREADGROUP (RESP2) and XREAD (RESP3 map) deliver each entry', () => {
    const bulk = (x: string) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`;
    const entry = (id: string, ...kv: string[]) => `*2\r\n${bulk(id)}*${kv.length}\r\n${kv.map(bulk).join('')}`;
    const s = replay(redis, [
      c2s(cmd('XADD', 'orders', '*', 'data', '{"id":1,"item":"tea"}') + cmd('XADD', 'orders', 'MAXLEN', '~', '1000', '*', 'item', 'coffee', 'qty', '2')),
      s2c(bulk('1700000000000-0') + bulk('1700000000001-0')),
      c2s(cmd('XREADGROUP', 'GROUP', 'workers', 'w1', 'COUNT', '10', 'STREAMS', 'orders', '>')),
      // [[stream, [entry, entry]]]
      s2c(`*1\r\n*2\r\n${bulk('orders')}*2\r\n${entry('1700000000000-0', 'data', '{"id":1,"item":"tea"}')}${entry('1700000000001-0', 'item', 'coffee', 'qty', '2')}`),
      c2s(cmd('HELLO', '3') + cmd('XREAD', 'COUNT', '5', 'STREAMS', 'orders', '0')),
      // RESP3: HELLO's map, then XREAD's map stream → entries (one re-read from a pending list with nil fields)
      s2c(`%1\r\n+proto\r\n:3\r\n%1\r\n${bulk('orders')}*2\r\n${entry('1700000000000-0', 'data', '{"id":1,"item":"tea"}')}*2\r\n${bulk('1699999999999-0')}_\r\n`),
    ]);
    const brief = s.calls.map((c) => [c.kind, c.method, c.target, c.fields['redis.stream_id'] ?? '']);
    assert.deepEqual(brief, [
      ['publish', 'XADD', 'orders', '1700000000000-0'],
      ['publish', 'XADD', 'orders', '1700000000001-0'],
      ['unary', 'XREADGROUP', 'orders', ''],
      ['deliver', 'XREADGROUP', 'orders', '1700000000000-0'],
      ['deliver', 'XREADGROUP', 'orders', '1700000000001-0'],
      ['unary', 'HELLO', undefined, ''],
      ['unary', 'XREAD', 'orders', ''],
      ['deliver', 'XREAD', 'orders', '1700000000000-0'],
    ]);
    // publish and deliveries share msg.key; the group and consumer ride on XREADGROUP's deliveries
    assert.equal(s.calls[0].fields['msg.key'], 'redis-stream|orders|1700000000000-0');
    assert.equal(s.calls[3].fields['msg.key'], s.calls[0].fields['msg.key']);
    assert.equal(s.calls[7].fields['msg.key'], s.calls[0].fields['msg.key']);
    assert.deepEqual([s.calls[3].fields['redis.group'], s.calls[3].fields['redis.consumer']], ['workers', 'w1']);
    assert.deepEqual(s.calls[3].response?.value, { data: '{"id":1,"item":"tea"}' });
    assert.deepEqual(s.calls[3].response?.body?.value, { id: 1, item: 'tea' });
    assert.deepEqual(Object.keys(s.calls[4].response?.value as object), ['item', 'qty']);
    assert.deepEqual(s.calls[2].childIds, [s.calls[3].id, s.calls[4].id]);
    assert.equal(s.calls[3].parentId, s.calls[2].id);
    // a one-field entry's value is its body (the JSON the application sent)
    assert.equal(s.calls[0].request?.body?.kind, 'json');
  });
  it('lists as queues (Celery/kombu 5.2 with redis-py 4.3: BRPOP on the queue, LPUSH of a task): once a blocking pop names a list, a push to it is a publish and each popped element a delivery', () => {
    const bulk = (x: string) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`;
    const task = '{"body":"W1syLCAzXSwge30sIHt9XQ==","headers":{"task":"tasks.add"}}';
    const s = replay(redis, [
      c2s(cmd('LPUSH', 'celery', task) + cmd('RPUSH', 'history', 'a', 'b')),
      s2c(':1\r\n:2\r\n'),
      c2s(cmd('BRPOP', 'celery', 'celery\x06\x163', '1')),
      s2c('*-1\r\n'), // timed out
      c2s(cmd('LPUSH', 'celery', task) + cmd('BRPOP', 'celery', 'celery\x06\x163', '1')),
      s2c(`:1\r\n*2\r\n${bulk('celery')}${bulk(task)}`),
      c2s(cmd('RPUSH', 'celery', 'x', 'y') + cmd('LMPOP', '1', 'celery', 'LEFT', 'COUNT', '2') + cmd('LRANGE', 'history', '0', '-1')),
      s2c(`:2\r\n*2\r\n${bulk('celery')}*2\r\n${bulk('x')}${bulk('y')}*2\r\n${bulk('a')}${bulk('b')}`),
    ]);
    const brief = s.calls.map((c) => [c.kind, c.method, c.target, c.parentId === undefined ? '' : 'child']);
    assert.deepEqual(brief, [
      ['unary', 'LPUSH', 'celery', ''], // before any consumer waited on it: a list like any other
      ['unary', 'RPUSH', 'history', ''],
      ['unary', 'BRPOP', 'celery', ''],
      ['publish', 'LPUSH', 'celery', ''],
      ['unary', 'BRPOP', 'celery', ''],
      ['deliver', 'BRPOP', 'celery', 'child'],
      ['publish', 'RPUSH', 'celery', ''],
      ['publish', 'RPUSH', 'celery', 'child'],
      ['publish', 'RPUSH', 'celery', 'child'],
      ['unary', 'LMPOP', 'celery', ''],
      ['deliver', 'LMPOP', 'celery', 'child'],
      ['deliver', 'LMPOP', 'celery', 'child'],
      ['unary', 'LRANGE', 'history', ''],
    ]);
    const key = messageKey('redis-list', 'celery', Buffer.from(task));
    assert.equal(s.calls[3].fields['msg.key'], key);
    assert.equal(s.calls[5].fields['msg.key'], key);
    assert.deepEqual(s.calls[4].childIds, [s.calls[5].id]);
    assert.equal(s.calls[5].timing.startUs, 1_005_000, 'timed at the reply: the pop was sent before the push it returns');
    assert.equal((s.calls[5].response?.body?.value as { headers: { task: string } }).headers.task, 'tasks.add');
    assert.equal(s.calls[7].fields['msg.key'], s.calls[10].fields['msg.key']);
    assert.equal(s.calls[6].fields['msg.key'], undefined, 'a push of several elements: each child carries its own');
  });
  it("a consumer's blocking pop teaches the producer's connection (capture scope), and says a sharded run cannot split them", () => {
    const learned: string[] = [];
    const capture = { state: new Map<string, unknown>(), learned: (w: string) => learned.push(w) };
    replay(redis, [c2s(cmd('BLMOVE', 'jobs', 'jobs:active', 'RIGHT', 'LEFT', '0'))], 'whole', testSession({ capture }));
    const producer = replay(redis, [c2s(cmd('LPUSH', 'jobs', '42')), s2c(':1\r\n')], 'whole', testSession({ capture }));
    assert.equal(producer.calls[0].kind, 'publish');
    assert.deepEqual(learned, ['Redis lists used as queues']);
  });
  it('UNSUBSCRIBE without arguments consumes one confirmation per subscribed channel', () => {
    const sub = (k: string, ch: string, n: number) => `*3\r\n$${k.length}\r\n${k}\r\n$${ch.length}\r\n${ch}\r\n:${n}\r\n`;
    const s = replay(redis, [c2s(cmd('SUBSCRIBE', 'a', 'b')), s2c(sub('subscribe', 'a', 1) + sub('subscribe', 'b', 2)), c2s(cmd('UNSUBSCRIBE') + cmd('PING')), s2c(sub('unsubscribe', 'a', 1) + sub('unsubscribe', 'b', 0) + '+PONG\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.state]), [['SUBSCRIBE', 'complete'], ['UNSUBSCRIBE', 'complete'], ['PING', 'complete']]);
    assert.equal(s.calls[2].response?.value, 'PONG');
  });
  it('client-side caching invalidation push is an event', () => {
    const s = replay(redis, [s2c('>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n')]);
    assert.deepEqual([s.calls[0].kind, s.calls[0].method, s.calls[0].target], ['event', 'invalidate', 'key']);
  });
});

describe('MONITOR and CLIENT REPLY', () => {
  it('monitor lines after MONITOR +OK are events', () => {
    const s = replay(redis, [c2s(cmd('MONITOR')), s2c('+OK\r\n+1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method, c.target]), [['unary', 'MONITOR', undefined], ['event', 'SET', 'k']]);
  });
  it('CLIENT REPLY OFF commands get no reply', () => {
    const s = replay(redis, [c2s(cmd('CLIENT', 'REPLY', 'OFF') + cmd('SET', 'a', '1') + cmd('CLIENT', 'REPLY', 'ON') + cmd('GET', 'a')), s2c('+OK\r\n$1\r\n1\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.kind, c.response?.value]), [['CLIENT REPLY', 'oneway', undefined], ['SET', 'oneway', undefined], ['CLIENT REPLY', 'unary', 'OK'], ['GET', 'unary', '1']]);
  });
});

describe('probe', () => {
  it('accepts arrays of bulk strings and inline commands from the client', () => {
    assert.equal(spec.probe!(Buffer.from('*1\r\n$4\r\nPING\r\n'), 'c2s'), 'accept');
    assert.equal(spec.probe!(Buffer.from('*1'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(Buffer.from('PING\r\n'), 'c2s'), 'accept');
    assert.equal(spec.probe!(Buffer.from('GET / HTTP/1.1\r\n'), 'c2s'), 'reject');
    assert.equal(spec.probe!(Buffer.from('+OK\r\n'), 's2c'), 'reject');
  });
});

describe('limits and robustness', () => {
  it('nesting deeper than maxDepth is a warning, bounded', () => {
    const s = replay(redis, [c2s(cmd('X')), s2c('*1\r\n'.repeat(1000) + ':1\r\n')]);
    assert.ok(s.warnings.some((w) => /nesting/.test(w)));
    assert.equal(s.calls[0].state, 'incomplete');
  });
  it('a bulk length lie is a warning; the client side is unaffected', () => {
    const s = replay(redis, [c2s(cmd('GET', 'a')), s2c('$99999999999\r\n'), c2s(cmd('GET', 'b'))]);
    assert.ok(s.warnings.some((w) => /exceeds/.test(w)));
    assert.deepEqual(s.calls.map((c) => c.target), ['a', 'b']);
  });
  const sample: Segment[] = [
    c2s('HELLO 3\r\n' + cmd('SET', 'k', '{"a":1}') + cmd('SUBSCRIBE', 'x', 'y')),
    s2c('%1\r\n+proto\r\n:3\r\n+OK\r\n>3\r\n+subscribe\r\n+x\r\n:1\r\n'),
    s2c('>3\r\n+subscribe\r\n+y\r\n:2\r\n>3\r\n+message\r\n+x\r\n$2\r\nhi\r\n|1\r\n+a\r\n#f\r\n,1.5\r\n'),
    c2s(cmd('PUBLISH', 'x', 'hi')),
    s2c(':1\r\n'),
  ];
  it('split invariance: every byte boundary and random cuts give the same calls', () => {
    const whole = snapshot(replay(redis, sample));
    assert.deepEqual(snapshot(replay(redis, sample, 'bytes')), whole);
    for (let seed = 1; seed < 20; seed++) assert.deepEqual(snapshot(replay(redis, sample, seed)), whole);
  });
  it('fuzz: mutated input never throws', () => {
    const rnd = prng(7);
    for (let i = 0; i < 300; i++) {
      const segs = sample.map((g) => {
        const b = g.bytes.slice();
        for (let k = 0; k < 3; k++) if (rnd() < 0.5) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return seg(g.dir, b);
      });
      replay(redis, segs, i);
    }
  });
});

describe('RESP2 bulk strings ($<length>\r\n<bytes>\r\n) cut by snaplen: the length keeps the framing', () => {
  // tcpdump -s 128 on lo, redis-cli SET k <600 × "v"> (frame 73: 62 of 628 payload bytes kept,
  // then 566 missing: 564 of the value and its CR LF), the +OK reply (frame 75), and the next
  // command from the same capture (GET k, frame 83) on the same direction.
  const SET_HEAD = '2a330d0a24330d0a7365740d0a24310d0a6b0d0a243630300d0a' + '76'.repeat(36);
  const OK = '2b4f4b0d0a';
  const GET = '2a320d0a24330d0a6765740d0a24310d0a6b0d0a';
  function run(gap: number) {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    const at = (frame: number, streamOffset: number) => ({ frame, tsUs: 1_000_000 + frame, streamOffset });
    d.data('c2s', fromHex(SET_HEAD), at(73, 0));
    d.gap('c2s', gap, at(73, 62));
    d.data('s2c', fromHex(OK), at(75, 0));
    d.data('c2s', fromHex(GET), at(83, 62 + gap));
    d.close(at(90, 0));
    return s;
  }
  it('a gap inside the value (and its CR LF) is stood in for; the command, its reply and the next command remain', () => {
    const s = run(566);
    assert.deepEqual(s.calls.map((c) => `${c.method} ${c.target}`), ['SET k', 'GET k']);
    const set = s.calls[0];
    assert.equal(set.status?.ok, true);
    assert.deepEqual(set.warnings, ['564 bytes of this command missing from the capture (snaplen or loss): zero bytes stand in for them']);
    assert.equal((set.request?.value as string[])[1].length, 600);
    assert.equal(s.warnings.length, 0);
  });
  it('a gap running past the value cuts the command (its end unknown) and the direction resynchronises', () => {
    const s = run(600);
    // SET k is named from its captured head and paired with its +OK; GET k, after the gap, is read whole.
    assert.deepEqual(s.calls.map((c) => `${c.method} ${c.target} ${c.state}`), ['SET k complete', 'GET k incomplete']);
    assert.match(s.calls[0].warnings.join(), /command cut by a capture gap/);
    assert.match(s.warnings[0], /c2s: bytes missing from the capture past the end of the value they cut \(34 more than it needs at least\); decoding resumes at the next command/);
  });
});

describe('connection end: a command left without a reply', () => {
  it('is aborted when the connection ended (SHUTDOWN, a killed server), incomplete at the end of the capture', () => {
    const script: Array<['c2s' | 's2c', string]> = [['c2s', Buffer.from(cmd('SHUTDOWN')).toString('hex')]];
    const rst = run(spec, script, undefined, 6379, 'rst').calls[0];
    assert.equal(rst.state, 'aborted');
    assert.match(rst.warnings.join(), /reset \(TCP RST\)/);
    assert.equal(run(spec, script, undefined, 6379).calls[0].state, 'incomplete');
  });
});

describe('redis: mass pipelining (redis.io "Redis mass insertion": commands sent before any reply is read)', () => {
  it('100 000 waiting PINGs answered in order are paired in linear time (a queue shifted one by one was quadratic)', () => {
    // RESP2 array of one bulk string (RESP spec "Sending commands to a Redis server"): *1 $4 PING
    const ping = fromHex('2a310d0a 24340d0a 50494e47 0d0a');
    const pong = fromHex('2b504f4e47 0d0a'); // simple string +PONG
    const n = 100_000;
    const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 6379 } } });
    const d = spec.create(s) as StreamDecoder;
    const batch = (b: Uint8Array, k: number) => {
      const o = new Uint8Array(b.length * k);
      for (let i = 0; i < k; i++) o.set(b, i * b.length);
      return o;
    };
    const t = performance.now();
    const c = batch(ping, 100);
    const r = batch(pong, 100);
    for (let i = 0; i < n / 100; i++) d.data('c2s', c, { frame: 1 + i, tsUs: 1_000_000 + i, streamOffset: i * c.length });
    for (let i = 0; i < n / 100; i++) d.data('s2c', r, { frame: 2000 + i, tsUs: 2_000_000 + i, streamOffset: i * r.length });
    d.close({ frame: 5000, tsUs: 3_000_000, streamOffset: 0 });
    const ms = performance.now() - t;
    assert.equal(s.calls.length, n);
    assert.ok(s.calls.every((x) => x.state === 'complete'));
    assert.ok(ms < 4000, `${ms.toFixed(0)} ms`);
  });
});

describe('redis: empty lines before an inline command (RESP spec "Inline commands": the server skips empty lines)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('a client whose first bytes are CR LF or LF alone is still probed, and its commands decoded', () => {
    assert.equal(spec.probe!(enc('\r\nPING\r\n'), 'c2s'), 'accept');
    assert.equal(spec.probe!(enc('\r\n\r\n\r\nPING\r\n'), 'c2s'), 'accept');
    assert.equal(spec.probe!(enc('\n\nPING\n'), 'c2s'), 'accept');
    assert.equal(spec.probe!(enc('\r\n'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(enc('\r'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(enc('\r\n'.repeat(20) + 'PING\r\n'), 'c2s'), 'reject');
    assert.equal(spec.probe!(enc('\r\nWELL HELLO THERE\r\n'), 'c2s'), 'reject');
  });
  it('the empty lines give no call and no warning', () => {
    const script: Array<['c2s' | 's2c', Uint8Array]> = [
      ['c2s', enc('\r\n\r\n\r\nPING\r\nPING\r\nPING\n')],
      ['s2c', enc('+PONG\r\n+PONG\r\n+PONG\r\n')],
    ];
    const { calls, session } = run(spec, script, undefined, 6379);
    assert.deepEqual(session.warnings, []);
    assert.deepEqual(calls.map((c) => [c.method, c.response?.value, c.warnings.length]), [
      ['PING', 'PONG', 0],
      ['PING', 'PONG', 0],
      ['PING', 'PONG', 0],
    ]);
    // one byte at a time: the same
    const bytes = run(spec, script, (_s, b) => Array.from(b, (_, i) => b.subarray(i, i + 1)), 6379);
    assert.deepEqual(JSON.parse(JSON.stringify(bytes.calls)), JSON.parse(JSON.stringify(calls)));
  });
});
