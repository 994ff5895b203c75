/**
 * Socket.IO over WebSocket and HTTP long-polling: Engine.IO packets (engine-io-protocol v4:
 * 0 open, 2 ping, 3 pong, 4 message, 5 upgrade; long-polling payloads separated by 0x1E, v3 by
 * `<length>:`) and Socket.IO packets (socket-io-protocol v5: `<type>[<n>-][<nsp>,][<id>][JSON]`).
 * The texts are those of the socketio-chat sample (npm socket.io 4.8 and socket.io-client 4.8).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/websocket/index';
import { feedWs, wsFrameHex } from './ws-feed';
import { parseEio, parseSio, pollingPackets, engineIoVersion } from '../../../decoders/websocket/socketio';
import type { Call } from '../../../decoders/core/model';
import { assertSplitInvariant } from '../calls/harness';
import { calls as httpCalls } from '../http1/feed';

const server = (t: string | Buffer, b0 = 0x81) => wsFrameHex('s2c', t, b0);
const client = (t: string | Buffer, b0 = 0x81) => wsFrameHex('c2s', t, b0);
const feed = (script: Array<['c2s' | 's2c', string]>, uri = '/socket.io/?EIO=4&transport=websocket'): Call[] =>
  feedWs(uri, [], script.map(([d, h]) => [d, Buffer.from(h, 'hex')])).calls;

const brief = (cs: Call[]) => cs.map((c) => `${c.method} ${c.target} ${c.kind} ${c.state}${c.status ? ` ${c.status.code}` : ''}`);

const SESSION: Array<['c2s' | 's2c', string]> = [
  ['s2c', server('0{"sid":"dzNvGo6eWTq5NqEoAAAB","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')],
  ['c2s', client('40')],
  ['s2c', server('40{"sid":"ubBciX3ZKE6v7KXIAAAB"}')],
  ['s2c', server('42["welcome",{"room":"lobby","users":2}]')],
  ['c2s', client('420["chat message",{"seq":1,"text":"hello everyone"}]')],
  ['s2c', server('42["chat message",{"from":"ada","text":"hello everyone"}]')],
  ['s2c', server('430[{"ok":true,"seq":1}]')],
  ['c2s', client('451-1["upload","avatar.png",{"_placeholder":true,"num":0}]')],
  ['c2s', client(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), 0x82)],
  ['s2c', server('431[{"name":"avatar.png","bytes":8}]')],
  ['s2c', server('420["whoami",{"question":"name?"}]')],
  ['c2s', client('430["Ada"]')],
  ['s2c', server('2')],
  ['c2s', client('3')],
  ['c2s', client('40/admin,')],
  ['s2c', server('44/admin,{"message":"not authorized"}')],
  ['c2s', client('41')],
];

describe('Socket.IO packets (socket-io-protocol v5, engine-io-protocol v4)', () => {
  it('Engine.IO types and Socket.IO type, attachments, namespace, ack id, payload', () => {
    assert.deepEqual(parseEio('2probe'), { type: 'ping', data: 'probe' });
    assert.equal(parseEio('hello'), undefined);
    assert.deepEqual(parseSio('2["chat",1]', 32), { type: 'EVENT', nsp: '/', data: ['chat', 1] });
    assert.deepEqual(parseSio('51-/files,12["up",{"_placeholder":true,"num":0}]', 32), {
      type: 'BINARY_EVENT',
      nsp: '/files',
      attachments: 1,
      id: 12,
      data: ['up', { _placeholder: true, num: 0 }],
    });
    assert.deepEqual(parseSio('0/admin,', 32), { type: 'CONNECT', nsp: '/admin' });
    assert.equal(parseSio('5x-[]', 32), undefined);
    assert.equal(engineIoVersion('/socket.io/?name=ada&EIO=4&transport=websocket'), 4);
    assert.equal(engineIoVersion('/chat'), undefined);
  });

  it('long-polling payloads: v4 records separated by 0x1E, v3 length-prefixed, binary as b+base64', () => {
    assert.deepEqual(pollingPackets('40{"sid":"x"}\x1e42["welcome",{"users":2}]', 4, 32), [
      { type: 'CONNECT', nsp: '/', data: { sid: 'x' } },
      { type: 'EVENT', nsp: '/', event: 'welcome', data: [{ users: 2 }] },
    ]);
    assert.deepEqual(pollingPackets('2:4011:42["a","b"]1:6', 3, 32), [
      { type: 'CONNECT', nsp: '/' },
      { type: 'EVENT', nsp: '/', event: 'a', data: ['b'] },
      { type: 'noop' },
    ]);
    assert.deepEqual(pollingPackets('bAQID', 4, 32), [{ type: 'message', binary: 3, hex: '010203' }]);
    // socket-io-protocol v5 "Packet encoding": the binary payloads after a BINARY_EVENT/BINARY_ACK are its
    // attachments (npm socket.io-client 4.8, and socket.io-client 2.5's `b4` + base64 under Engine.IO 3).
    assert.deepEqual(pollingPackets('451-1["blob",{"_placeholder":true,"num":0}]\x1ebAQIDBA==\x1e422["never","x"]', 4, 32), [
      { type: 'BINARY_EVENT', nsp: '/', id: 1, event: 'blob', data: [{ binary: 4, hex: '01020304' }], attachments: 1 },
      { type: 'EVENT', nsp: '/', id: 2, event: 'never', data: ['x'] },
    ]);
    // engine.io-protocol v3 binary payload (XHR2 clients): <0 string|1 binary><length digits><0xFF><packet>
    assert.deepEqual(pollingPackets(Uint8Array.from([0, 2, 0xff, 0x34, 0x31, 1, 4, 0xff, 4, 9, 8, 7]), 3, 32), [
      { type: 'DISCONNECT', nsp: '/' },
      { type: 'message', binary: 3, hex: '090807' },
    ]);
    assert.deepEqual(pollingPackets('54:461-1[{"size":4,"back":{"_placeholder":true,"num":0}}]6:b4CQgH15:40/chat?who=v2,', 3, 32), [
      { type: 'BINARY_ACK', nsp: '/', id: 1, data: [{ size: 4, back: { binary: 3, hex: '090807' } }], attachments: 1 },
      { type: 'CONNECT', nsp: '/chat' },
    ]);
  });
});

describe('Socket.IO over WebSocket: emits with acks are calls, both ways', () => {
  it('the sample session: open, connect, events, acks (both directions), a binary event, ping/pong, a refused namespace', () => {
    const cs = feed(SESSION);
    assert.deepEqual(brief(cs), [
      'open /socket.io/ event complete',
      'connect / unary complete connected',
      'welcome / oneway complete',
      'chat message / oneway complete',
      'chat message / unary complete ack',
      'upload / unary complete ack',
      'whoami / unary complete ack',
      'ping /socket.io/ event complete pong',
      'connect /admin unary complete CONNECT_ERROR',
      'disconnect / event complete',
    ]);
    const chat = cs[4];
    assert.deepEqual(chat.request?.value, [{ seq: 1, text: 'hello everyone' }]);
    assert.deepEqual(chat.response?.value, [{ ok: true, seq: 1 }]);
    assert.equal(chat.fields['socketio.ack_id'], 0);
    const upload = cs[5];
    assert.deepEqual(upload.request?.value, ['avatar.png', { binary: 8, hex: '89504e4700010203' }]);
    assert.equal(upload.fields['socketio.attachments'], 1);
    const whoami = cs[6];
    assert.equal(whoami.fields['websocket.dir'], 's2c', 'the server asked');
    assert.deepEqual(whoami.response?.value, ['Ada']);
    assert.equal(cs[8].status?.text, 'not authorized');
    assert.equal(cs[0].fields['engineio.sid'], 'dzNvGo6eWTq5NqEoAAAB');
  });

  it('Socket.IO 2 sends its query in the namespace (`40/chat?who=v2,`), answered without it: still one connect', () => {
    const cs = feed([
      ['c2s', client('40/chat?who=v2,')],
      ['s2c', server('40/chat,')],
    ]);
    assert.deepEqual(brief(cs), ['connect /chat unary complete connected']);
  });

  it('without the upgrade request (mid-capture): recognised by its first packets; any split gives the same calls', () => {
    const calls = feed(SESSION, '/chat');
    assert.equal(calls.find((c) => c.method === 'chat message' && c.kind === 'unary')?.status?.code, 'ack');
    assertSplitInvariant(spec, SESSION);
  });

  it('an event whose ack never comes, and a binary event whose attachment never comes, end incomplete with a reason', () => {
    const cs = feed([
      ['c2s', client('421["save",{"id":1}]')],
      ['c2s', client('451-["blob",{"_placeholder":true,"num":0}]')],
    ]);
    assert.deepEqual(
      cs.map((c) => [c.method, c.state, c.warnings.join()]),
      [
        ['blob', 'incomplete', '0 of 1 binary attachments seen'],
        ['save', 'incomplete', 'no ACK seen for this event'],
      ].sort((a, b) => (a[0] < b[0] ? 1 : -1)),
    );
  });
});

describe('Socket.IO over HTTP long-polling: the exchange is a socketio call named after its packets', () => {
  it('the handshake GET (open) and a GET carrying CONNECT and an event', () => {
    const open = '0{"sid":"9kRX","upgrades":["websocket"],"pingInterval":25000}';
    const [a] = httpCalls([
      { dir: 'c2s', data: 'GET /socket.io/?name=ada&EIO=4&transport=polling&t=1 HTTP/1.1\r\nHost: h\r\n\r\n' },
      { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: ${open.length}\r\n\r\n${open}` },
    ]);
    assert.equal(a.protocol, 'socketio');
    assert.equal(a.method, 'open');
    assert.equal(a.fields['engineio.sid'], '9kRX');
    assert.equal(a.fields['engineio.transport'], 'polling');
    const got = '40{"sid":"ub"}\x1e42["welcome",{"room":"lobby"}]';
    const [b] = httpCalls([
      { dir: 'c2s', data: 'GET /socket.io/?EIO=4&transport=polling&t=2&sid=9kRX HTTP/1.1\r\nHost: h\r\n\r\n' },
      { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(got)}\r\n\r\n${got}` },
    ]);
    assert.equal(b.method, 'connect, welcome');
    assert.equal(b.target, '/');
    assert.deepEqual(b.response?.value, [
      { type: 'CONNECT', nsp: '/', data: { sid: 'ub' } },
      { type: 'EVENT', nsp: '/', event: 'welcome', data: [{ room: 'lobby' }] },
    ]);
    assert.equal(b.fields['http.request.method'], 'GET', 'the HTTP layer is kept');
  });
});
