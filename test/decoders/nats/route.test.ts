/**
 * Connections between NATS servers (nats-server server/route.go, leafnode.go): recorded from Debian's
 * nats-server 2.9.10, two servers clustered on loopback (`--cluster` / `--routes`), a client on each
 * (nats.js): a publish on one delivered to a subscriber on the other, a queue-group request and its
 * reply. The route carries interest (`RS+ <account> <subject> [<queue> <weight>]`, `RS-`) and the
 * forwarded messages (`RMSG <account> <subject> [reply | + reply queue… | | queue…] <size>`). Before:
 * "unknown NATS operation" warnings, and every RMSG's payload line read as another unknown operation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/nats/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { replay, c2s, s2c, snapshot, type Segment } from '../redis/feed';

const nats = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const INFO = 'INFO {"server_id":"NB26","server_name":"A","version":"2.9.10","proto":2,"cluster":"c1","connect_urls":["127.0.0.1:28611"]}\r\n';

const route = (): Segment[] => [
  s2c(INFO),
  c2s('CONNECT {"echo":true,"verbose":false,"pedantic":false,"headers":true,"name":"NA2O","cluster":"c1"}\r\nINFO {"server_id":"NA2O","server_name":"B","version":"2.9.10","proto":2,"cluster":"c1"}\r\n'),
  c2s('RS+ $G orders.*\r\nRS+ $G rpc.add workers 1\r\n'),
  s2c('RMSG $G orders.new 8\r\n{"id":1}\r\n'),
  s2c('RMSG $G rpc.add + _INBOX.X.Y workers 2\r\n41\r\n'),
  c2s('RMSG $G _INBOX.X.Y 2\r\n42\r\nHMSG $G orders.hdr 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n'),
  s2c('RMSG $G jobs | q1 q2 3\r\nabc\r\n'),
  c2s('RS- $G orders.*\r\nRS- $G rpc.add workers\r\n'),
];

describe('NATS route and leaf node protocols (server to server)', () => {
  it('interest and forwarded messages are events from the side that sent them', () => {
    const s = replay(nats, route());
    assert.deepEqual(s.warnings, []);
    const rows = s.calls.map((c) => `${c.method} ${c.target ?? ''}|${c.request ? 'c2s' : c.response ? 's2c' : '-'}`);
    assert.deepEqual(rows, [
      'INFO |s2c',
      'CONNECT |c2s',
      'INFO |c2s',
      'RS+ orders.*|c2s',
      'RS+ rpc.add|c2s',
      'RMSG orders.new|s2c',
      'RMSG rpc.add|s2c',
      'RMSG _INBOX.X.Y|c2s',
      'HMSG orders.hdr|c2s',
      'RMSG jobs|s2c',
      'RS- orders.*|c2s',
      'RS- rpc.add|c2s',
    ]);
    const by = (m: string, t: string) => s.calls.find((c) => c.method === m && c.target === t)!;
    assert.equal(by('RS+', 'rpc.add').fields['nats.queue'], 'workers');
    assert.equal(by('RS+', 'rpc.add').fields['nats.account'], '$G');
    const add = by('RMSG', 'rpc.add');
    assert.equal(add.fields['nats.reply_to'], '_INBOX.X.Y');
    assert.equal(add.fields['nats.queues'], 'workers');
    assert.equal(add.fields['nats.link'], 'route');
    assert.equal(add.response?.body?.text, '41');
    assert.deepEqual(by('RMSG', 'orders.new').response?.body?.value, { id: 1 });
    const hmsg = by('HMSG', 'orders.hdr');
    assert.deepEqual(hmsg.request?.headers, [['A', 'b']]);
    assert.equal(hmsg.request?.body?.text, 'hello');
    assert.equal(by('RMSG', 'jobs').fields['nats.queues'], 'q1 q2');
    assert.equal(by('RMSG', 'jobs').fields['nats.reply_to'], undefined);
  });

  it('a leaf node: LS+ / LMSG without an account', () => {
    const s = replay(nats, [s2c(INFO), c2s('CONNECT {"name":"leaf"}\r\nLS+ $G weather.>\r\nLS+ updates\r\n'), s2c('LMSG weather.paris 4\r\nrain\r\nLMSG updates reply.1 2\r\nok\r\n')]);
    assert.deepEqual(s.warnings, []);
    const lmsg = s.calls.filter((c) => c.method === 'LMSG');
    assert.deepEqual(lmsg.map((c) => [c.target, c.fields['nats.link'], c.fields['nats.reply_to'] ?? null, c.response?.body?.text]), [
      ['weather.paris', 'leaf', null, 'rain'],
      ['updates', 'leaf', 'reply.1', 'ok'],
    ]);
    const ls = s.calls.filter((c) => c.method === 'LS+');
    assert.deepEqual(ls.map((c) => [c.target, c.fields['nats.account'] ?? null]), [
      ['weather.>', '$G'],
      ['updates', null],
    ]);
  });

  it('the same calls whatever the split', () => {
    const whole = snapshot(replay(nats, route()));
    assert.deepEqual(snapshot(replay(nats, route(), 'bytes')), whole);
    for (const seed of [1, 2, 3]) assert.deepEqual(snapshot(replay(nats, route(), seed)), whole);
  });

  it('malformed route lines are warnings; the next operation is read', () => {
    const s = replay(nats, [s2c(INFO), c2s('RMSG $G\r\nRMSG $G x y z w v 1\r\na\r\nRS+ $G ok\r\n')]);
    assert.ok(s.warnings.some((w) => w.includes('malformed RMSG')));
    assert.ok(s.calls.some((c) => c.method === 'RS+' && c.target === 'ok'));
  });
});
