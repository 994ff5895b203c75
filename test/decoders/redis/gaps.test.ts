/**
 * Redis (RESP2/RESP3) over a capture with gaps (snaplen, kernel drops). Commands and replies as
 * redis-cli and node-redis send them (redis-basics sample), cut the way `tcpdump -s 80` cuts them on
 * loopback: 14 payload bytes kept per segment. Replies are paired with commands in order, so a gap
 * that may hold whole commands or replies must never shift the pairing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/redis/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { feed, snaplen, text, hole, tpkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
/** A RESP command: an array of bulk strings (RESP2 "Sending commands to a Redis server"). */
const cmd = (...a: string[]) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`;
const len = (t: string) => Buffer.byteLength(t);

describe('RESP arrays (command) and replies: a gap inside a value whose end is unknown', () => {
  it('a command cut inside an argument is named from its head and paired with its reply; the next command is read', () => {
    const set = cmd('SET', 'user:1', '{"name":"Ada"}');
    const steps: Step[] = [text('c2s', set.slice(0, 14)), hole('c2s', len(set) - 14), text('s2c', '+OK\r\n'), text('c2s', cmd('GET', 'user:1')), text('s2c', '$14\r\n{"name":"Ada"}\r\n')];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SET complete', 'GET user:1 complete']);
    assert.match(s.calls[0].warnings.join(), /command cut by a capture gap: 14 bytes captured/);
    assert.equal(s.calls[0].status?.ok, true);
    assertGapSplitInvariant(create, steps);
  });

  it('a command name cut short is completed when one command alone has that length and prefix', () => {
    const steps: Step[] = [text('c2s', '*1\r\n$7\r\nMONITO'), hole('c2s', 3), text('s2c', '+OK\r\n'), text('s2c', '+1795293462.725 [0 127.0.0.1:46026] "SET" "k" "v"\r\n')];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['MONITOR complete', 'SET k complete']);
  });

  it('a reply cut inside an aggregate: paired with its command, what it holds so far shown', () => {
    const steps: Step[] = [text('c2s', cmd('HGETALL', 'user:2')), text('s2c', '%2\r\n$4\r\nname\r\n$3\r\nBo'), hole('s2c', 30), text('c2s', cmd('PING')), text('s2c', '+PONG\r\n')];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['HGETALL user:2 complete', 'PING complete']);
    assert.match(s.calls[0].warnings.join(), /reply cut by a capture gap/);
    assert.equal(s.calls[1].response?.value, 'PONG');
  });
});

describe('RESP pipelining (replies in order): a gap that may hold whole commands or replies', () => {
  it('commands lost in a pipelined write: their replies are not given to the next command (a barrier)', () => {
    // node-redis auto-pipelining: SET, SET, GET in one write; 14 bytes captured.
    const batch = cmd('SET', 'user:1', 'a') + cmd('SET', 'user:2', 'b') + cmd('GET', 'user:1');
    const steps: Step[] = [
      text('c2s', batch.slice(0, 14)),
      hole('c2s', len(batch) - 14),
      text('s2c', '+OK\r\n+OK\r\n$1\r\na\r\n'),
      text('c2s', cmd('INCR', 'visits')),
      text('s2c', ':1\r\n'),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SET complete', '(reply) incomplete', '(reply) incomplete', 'INCR visits complete']);
    assert.match(s.calls[1].warnings.join(), /reply whose command was not captured/);
    assert.equal(s.calls[3].response?.value, 1);
    assert.match(s.calls[3].warnings.join(), /paired across a capture gap/);
    assertGapSplitInvariant(create, steps);
  });

  it('a command sent before the server answered anything after such a gap is not paired by guesswork', () => {
    const batch = cmd('SET', 'user:1', 'a') + cmd('SET', 'user:2', 'b');
    const steps: Step[] = [text('c2s', batch.slice(0, 14)), hole('c2s', len(batch) - 14), text('c2s', cmd('INCR', 'visits')), text('s2c', '+OK\r\n+OK\r\n:1\r\n')];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SET complete', '(reply) incomplete', '(reply) incomplete', 'INCR visits incomplete']);
  });

  it('replies lost in a gap leave the commands sent before it incomplete; later ones pair', () => {
    const steps: Step[] = [
      text('c2s', cmd('GET', 'a') + cmd('GET', 'b')),
      text('s2c', '$5\r\nhello\r\n'),
      hole('s2c', 40), // the reply to GET b, and maybe more
      text('c2s', cmd('GET', 'c')),
      text('s2c', '$-1\r\n'),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['GET a complete', 'GET b incomplete', 'GET c complete']);
    assert.match(s.calls[1].warnings.join(), /no reply in the capture: the server side has a capture gap/);
  });

  it('a reply never answers a command sent after it began', () => {
    const steps: Step[] = [text('c2s', cmd('GET', 'a')), hole('c2s', 30), text('s2c', '$1\r\nx\r\n'), text('c2s', cmd('GET', 'b')), text('s2c', '$1\r\ny\r\n')];
    const s = feed(create, steps);
    // GET a pairs with x; the gap after it may hold commands, but the server answered y after GET b was sent and after replying since the gap.
    assert.deepEqual(brief(s), ['GET a complete', 'GET b complete']);
    const t = feed(create, [text('c2s', ''), hole('c2s', 30), text('s2c', '$1\r\nx\r\n'), text('c2s', cmd('GET', 'b')), text('s2c', '$1\r\ny\r\n')]);
    assert.deepEqual(brief(t), ['(reply) incomplete', 'GET b complete']);
  });
});

describe('RESP framing after a gap: a false start', () => {
  it('bytes after the gap that only looked like a value do not stop the direction', () => {
    const steps: Step[] = [
      text('c2s', cmd('GET', 'a')),
      hole('s2c', 20),
      text('s2c', '$3\r\nabcdef\r\n'), // the tail of a longer value: "$3" is not its length
      text('c2s', cmd('GET', 'b')),
      hole('s2c', 2), // too short to hold a reply: GET b keeps its turn, and the next value starts after it
      text('s2c', '$1\r\ny\r\n'),
    ];
    const s = feed(create, steps);
    assert.ok(!s.warnings.some((w) => /not decoded/.test(w)), s.warnings.join('; '));
    assert.deepEqual(brief(s), ['GET a incomplete', 'GET b complete']);
  });
});

describe('RESP2 pub/sub and RESP3 pushes cut by a gap', () => {
  it('a message whose kind and channel were cut is still a delivery, its kind completed, its channel marked, no msg.key', () => {
    const steps: Step[] = [
      text('c2s', cmd('SUBSCRIBE', 'news')),
      text('s2c', '*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n'),
      text('s2c', '*3\r\n$7\r\nmessage\r\n$4\r\nne'),
      hole('s2c', 28),
      text('s2c', '*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n'),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SUBSCRIBE news complete', 'message ne… complete', 'message news complete']);
    assert.equal(s.calls[1].kind, 'deliver');
    assert.equal(s.calls[1].fields['msg.key'], undefined);
    assert.ok(s.calls[2].fields['msg.key']);
    assertGapSplitInvariant(create, steps);
  });
});

describe('Redis under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  it('a redis-cli session: every command named and paired with its reply', () => {
    const packets = [
      tpkt('c2s', cmd('SET', 'greeting', 'hello world')),
      tpkt('s2c', '+OK\r\n'),
      tpkt('c2s', cmd('GET', 'greeting')),
      tpkt('s2c', '$11\r\nhello world\r\n'),
      tpkt('c2s', cmd('INCR', 'greeting')),
      tpkt('s2c', '-ERR value is not an integer or out of range\r\n'),
      tpkt('c2s', cmd('EXPIRE', 'greeting', '60')),
      tpkt('s2c', ':1\r\n'),
      tpkt('c2s', cmd('HGETALL', 'user:1')),
      tpkt('s2c', '*4\r\n$4\r\nname\r\n$3\r\nAda\r\n$4\r\nlang\r\n$2\r\nen\r\n'),
    ];
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SET complete', 'GET complete', 'INCR complete', 'EXPIRE complete', 'HGETALL complete']);
    assert.equal(s.calls[2].status?.ok, false);
    assert.equal(s.calls[2].status?.code, 'ERR');
    assertGapSplitInvariant(create, steps);
  });
});
