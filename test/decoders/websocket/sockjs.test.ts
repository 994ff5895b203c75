/**
 * SockJS over WebSocket (sockjs-protocol 0.3.3, "Framing"): the frames of sockjs-node and
 * sockjs-client as @stomp/stompjs uses them (the Spring "STOMP over SockJS" pattern). The texts are
 * the ones a real session wrote (test/heldout/sockjs/lab.cjs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSockJsUri, unwrapSockJs } from '../../../decoders/websocket/sockjs';
import { feedWs, wsFrame } from './ws-feed';

const URI = '/ws/312/teoxktwn/websocket';
const stomp = (t: string) => JSON.stringify(t);

describe('SockJS framing (sockjs-protocol 0.3.3)', () => {
  it('frames: o, h, a[…], m"…", c[code, reason]; a client\'s JSON array or string', () => {
    assert.deepEqual(unwrapSockJs('s2c', 'o', 64), { kind: 'open' });
    assert.deepEqual(unwrapSockJs('s2c', 'h', 64), { kind: 'heartbeat' });
    assert.deepEqual(unwrapSockJs('s2c', 'a["x","y"]', 64), { kind: 'messages', messages: ['x', 'y'] });
    assert.deepEqual(unwrapSockJs('s2c', 'm"x"', 64), { kind: 'messages', messages: ['x'] });
    assert.deepEqual(unwrapSockJs('s2c', 'c[3000,"Go away!"]', 64), { kind: 'close', code: 3000, reason: 'Go away!' });
    assert.deepEqual(unwrapSockJs('c2s', '["a"]', 64), { kind: 'messages', messages: ['a'] });
    assert.deepEqual(unwrapSockJs('c2s', '"a"', 64), { kind: 'messages', messages: ['a'] });
    // not SockJS: left as they are
    for (const [dir, t] of [['c2s', '[1,2]'], ['c2s', '{"a":1}'], ['s2c', 'hello'], ['s2c', 'a[1]'], ['s2c', 'c{}']] as const) assert.equal(unwrapSockJs(dir, t, 64), undefined, t);
  });
  it('the transport URL: /prefix/<server digits>/<session>/websocket', () => {
    assert.equal(isSockJsUri(URI), true);
    assert.equal(isSockJsUri('/gs-guide-websocket/723/q2ub1zrn/websocket'), true);
    assert.equal(isSockJsUri('/api/v1/websocket'), false);
    assert.equal(isSockJsUri('/ws'), false);
  });
});

describe('STOMP over SockJS over WebSocket', () => {
  const script = (): Array<['c2s' | 's2c', Uint8Array]> => [
    ['s2c', wsFrame('s2c', 'o')],
    ['c2s', wsFrame('c2s', `[${stomp('CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\n\n\0')}]`)],
    ['s2c', wsFrame('s2c', `a[${stomp('CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:lab/1\n\n\0')}]`)],
    ['c2s', wsFrame('c2s', `[${stomp('SUBSCRIBE\nid:sub-0\ndestination:/topic/greetings\n\n\0')}]`)],
    // two STOMP frames in one SockJS frame
    ['c2s', wsFrame('c2s', `[${stomp('SEND\ndestination:/topic/greetings\ncontent-type:application/json\nreceipt:r-1\n\n{"name":"Ada"}\0')},${stomp('SEND\ndestination:/topic/greetings\n\nplain hello\0')}]`)],
    ['s2c', wsFrame('s2c', `a[${stomp('MESSAGE\ndestination:/topic/greetings\nsubscription:sub-0\nmessage-id:1\ncontent-type:application/json\n\n{"name":"Ada"}\0')},${stomp('RECEIPT\nreceipt-id:r-1\n\n\0')}]`)],
    ['s2c', wsFrame('s2c', 'h')],
    ['s2c', wsFrame('s2c', 'c[3000,"Go away!"]')],
  ];
  it('the STOMP frames inside are STOMP calls; open, heartbeat and close are SockJS events', () => {
    const { calls } = feedWs(URI, [], script());
    // (in the order they are reported: a SUBSCRIBE once the broker's next frame shows it was not refused)
    const brief = calls.map((c) => [c.protocol, c.method, c.target ?? '', c.status?.code ?? '']);
    assert.deepEqual(brief, [
      ['websocket', 'sockjs open', URI, ''],
      ['stomp', 'CONNECT', '', 'CONNECTED'],
      ['stomp', 'SEND', '/topic/greetings', 'sent'],
      ['stomp', 'SUBSCRIBE', '/topic/greetings', ''],
      ['stomp', 'MESSAGE', '/topic/greetings', 'MESSAGE'],
      ['stomp', 'SEND', '/topic/greetings', 'RECEIPT'],
      ['websocket', 'sockjs heartbeat', URI, ''],
      ['websocket', 'sockjs close', URI, 3000],
    ]);
    assert.ok(calls.filter((c) => c.protocol === 'stomp').every((c) => c.fields['websocket.sockjs'] === true));
    assert.deepEqual(calls.at(-1)?.status, { code: 3000, text: 'Go away!', ok: true });
    // The application's JSON body inside the SEND is decoded as it is on a plain connection.
    const send = calls.find((c) => c.status?.code === 'RECEIPT');
    assert.deepEqual(send?.request?.body?.value, { name: 'Ada' });
  });
  it('a frame of a hostile number of messages makes at most 1000 calls, and says so', () => {
    const many = `a[${new Array(1500).fill('"x"').join(',')}]`;
    const { calls } = feedWs(URI, [], [['s2c', wsFrame('s2c', 'o')], ['s2c', wsFrame('s2c', many)]]);
    const inner = calls.filter((c) => c.method === 'text');
    assert.equal(inner.length, 1000);
    assert.match(inner[0].warnings.join(' '), /1500 messages: the first 1000 decoded/);
  });
  it('no SockJS URL (a proxy rewrote it, decode-as): the server\'s first frame `o` says it; without either, JSON arrays stay messages', () => {
    const viaOpen = feedWs('/chat', [], script());
    assert.equal(viaOpen.calls.filter((c) => c.protocol === 'stomp').length, 5);
    const plain = feedWs('/chat', [], [['c2s', wsFrame('c2s', '["hello","world"]')], ['s2c', wsFrame('s2c', 'a["x"]')]]);
    assert.deepEqual(plain.calls.map((c) => [c.protocol, c.method]), [['websocket', 'text'], ['websocket', 'text']]);
    assert.deepEqual(plain.calls[0].request?.body?.value, ['hello', 'world']);
  });
});
