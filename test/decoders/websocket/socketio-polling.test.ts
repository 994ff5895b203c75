/**
 * Socket.IO acknowledgements over Engine.IO's HTTP long-polling (engine-io-protocol v4 "HTTP
 * long-polling", socket-io-protocol v5 "Acknowledgement"): the event travels in one exchange (a POST
 * body, or a GET response for the server's emits), its ACK in another, on another connection. The
 * exchanges are those npm socket.io-client 4.8.4 (`transports: ['polling']`, node-XMLHttpRequest, a
 * connection per request) had with socket.io 4.8.4, through the whole pipeline.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation, type Frame } from '../../helpers/pcap-builder';
import { wsFrameHex } from './ws-feed';

const SID = '9Um_J3XhwrtuKnaxAAAA';
const T0 = 1_795_394_435_000_000;
let port = 59700;

/** One HTTP exchange on a connection of its own, its packets `stepUs` apart from `atMs`. */
function exchange(atMs: number, method: 'GET' | 'POST', body: string, answer: string, stepUs = 1000, eio = 4): Frame[] {
  const uri = `/socket.io/?who=v4&EIO=${eio}&transport=polling&t=jhoq${port}&sid=${SID}`;
  const req =
    method === 'GET'
      ? `GET ${uri} HTTP/1.1\r\nUser-Agent: node-XMLHttpRequest\r\nAccept: */*\r\nHost: 127.0.0.1:3000\r\nConnection: close\r\n\r\n`
      : `POST ${uri} HTTP/1.1\r\nUser-Agent: node-XMLHttpRequest\r\nAccept: */*\r\nContent-type: text/plain;charset=UTF-8\r\nHost: 127.0.0.1:3000\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const type = method === 'GET' ? 'text/plain; charset=UTF-8' : 'text/html';
  const res = `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(answer)}\r\ncache-control: no-store\r\nConnection: close\r\n\r\n${answer}`;
  return tcpConversation({
    client: { ip: '127.0.0.1', port: port++ },
    server: { ip: '127.0.0.1', port: 3000 },
    startUs: T0 + atMs * 1000,
    stepUs,
    exchanges: [
      { dir: 'c2s', data: req },
      { dir: 's2c', data: res },
    ],
  });
}

function decode(...convs: Frame[][]): Call[] {
  const frames = convs.flat().sort((a, b) => a.tsUs - b.tsUs);
  const calls: Call[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c) });
  p.push(pcapFile(frames));
  p.end();
  return calls;
}

const brief = (cs: Call[]) => cs.filter((c) => c.parentId !== undefined).map((c) => `${c.method} ${c.target} ${c.state}${c.status ? ` ${c.status.code}` : ''}`);

describe('Socket.IO acks over HTTP long-polling: the event is a call answered by its ACK, across exchanges', () => {
  it("the client's emit (POST) answered on the pending GET, and the server's emitWithAck (GET) answered by a POST", () => {
    const cs = decode(
      exchange(0, 'GET', '', '430[5]', 4000), // the long poll, open before the emit and answered after it
      exchange(1, 'POST', '420["sum",2,3]', 'ok'),
      exchange(20, 'GET', '', '420["whoami",{"q":"name?"}]'),
      exchange(30, 'POST', '430["Ada"]', 'ok'),
    );
    assert.deepEqual(brief(cs), ['sum / complete ack', 'whoami / complete ack']);
    const sum = cs.find((c) => c.method === 'sum' && c.parentId !== undefined)!;
    assert.deepEqual(sum.request?.value, [2, 3]);
    assert.deepEqual(sum.response?.value, [5]);
    assert.equal(sum.fields['socketio.dir'], 'c2s');
    assert.equal(sum.fields['engineio.sid'], SID);
    const post = cs.find((c) => c.id === sum.parentId)!;
    assert.equal(post.fields['http.request.method'], 'POST', 'the carrying exchange is still shown');
    assert.deepEqual(post.childIds, [sum.id]);
    assert.equal(cs.filter((c) => c.parentId === undefined).length, 4, 'every polling exchange stays a call');
    const who = cs.find((c) => c.method === 'whoami' && c.parentId !== undefined)!;
    assert.equal(who.fields['socketio.dir'], 's2c', 'the server asked');
    assert.deepEqual(who.response?.value, ['Ada']);
  });

  it('an ACK whose exchange ends before the one that carried its event (the POST answered `ok` after the GET)', () => {
    const cs = decode(exchange(0, 'POST', '42/chat,0["join","lobby"]', 'ok', 3000), exchange(1, 'GET', '', '43/chat,0[{"joined":"lobby"}]', 1000));
    assert.deepEqual(brief(cs), ['join /chat complete ack']);
  });

  it('binary attachments both ways; an emit never acked ends incomplete when the Engine.IO session closes', () => {
    const cs = decode(
      exchange(0, 'POST', '451-1["blob",{"_placeholder":true,"num":0}]\x1ebAQIDBA==\x1e422["never","x"]', 'ok'),
      exchange(1, 'GET', '', '461-1[{"size":4,"back":{"_placeholder":true,"num":0}}]\x1ebCQgH'),
      exchange(50, 'POST', '1', 'ok'),
    );
    assert.deepEqual(brief(cs), ['blob / complete ack', 'never / incomplete']);
    const blob = cs.find((c) => c.method === 'blob' && c.parentId !== undefined)!;
    assert.deepEqual(blob.request?.value, [{ binary: 4, hex: '01020304' }]);
    assert.deepEqual(blob.response?.value, [{ size: 4, back: { binary: 3, hex: '090807' } }]);
    assert.deepEqual(cs.find((c) => c.method === 'never' && c.parentId !== undefined)?.warnings, ['the Engine.IO session closed before its ACK']);
  });

  it('Engine.IO 3 (socket.io-client 2.5): length-prefixed payloads; what waits at the end of the capture is reported then', () => {
    const cs = decode(exchange(0, 'POST', '14:420["sum",2,3]', 'ok', 1000, 3), exchange(1, 'GET', '', '6:430[5]', 1000, 3), exchange(5, 'GET', '', '16:421["ignored",1]', 1000, 3));
    assert.deepEqual(brief(cs), ['sum / complete ack', 'ignored / incomplete']);
    assert.deepEqual(cs.find((c) => c.method === 'ignored' && c.parentId !== undefined)?.warnings, ['no ACK seen for this event']);
  });

  it('an event sent while polling, answered after the upgrade to WebSocket (the same sid): still one call', () => {
    const ws = tcpConversation({
      client: { ip: '127.0.0.1', port: port++ },
      server: { ip: '127.0.0.1', port: 3000 },
      startUs: T0 + 10_000,
      exchanges: [
        { dir: 'c2s', data: `GET /socket.io/?who=upgrade&EIO=4&transport=websocket&sid=${SID} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n` },
        { dir: 's2c', data: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' },
        { dir: 'c2s', data: Buffer.from(wsFrameHex('c2s', '2probe'), 'hex') },
        { dir: 's2c', data: Buffer.from(wsFrameHex('s2c', '3probe'), 'hex') },
        { dir: 'c2s', data: Buffer.from(wsFrameHex('c2s', '5'), 'hex') },
        { dir: 'c2s', data: Buffer.from(wsFrameHex('c2s', '430[2]'), 'hex') },
      ],
    });
    const cs = decode(exchange(0, 'GET', '', '420["later",1]'), ws);
    const later = cs.filter((c) => c.method === 'later' && c.parentId !== undefined);
    assert.deepEqual(later.map((c) => [c.state, c.status?.code, c.fields['socketio.ack_transport']]), [['complete', 'ack', 'websocket']]);
    assert.deepEqual(later[0].response?.value, [2]);
    assert.equal(cs.filter((c) => c.method === 'ack').length, 0, 'no stray ack');
  });

  it('Engine.IO 3 binary payloads (socket.io-client 2.5 in Chromium, XHR2): attachments in the next payload of their side', () => {
    // engine.io-protocol v3 "Payload": <1 binary><length digits, one byte each><0xFF><4 message><data>
    const bin = (atMs: number, method: 'GET' | 'POST', data: Buffer) => {
      const uri = `/socket.io/?EIO=3&transport=polling&t=Q85uX${port}&sid=${SID}`;
      const octets = (head: string) => Buffer.concat([Buffer.from(`${head}Content-Type: application/octet-stream\r\nContent-Length: ${data.length}\r\n\r\n`), data]);
      return tcpConversation({
        client: { ip: '127.0.0.1', port: port++ },
        server: { ip: '127.0.0.1', port: 3000 },
        startUs: T0 + atMs * 1000,
        exchanges:
          method === 'POST'
            ? [
                { dir: 'c2s', data: octets(`POST ${uri} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n`) },
                { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok' },
              ]
            : [
                { dir: 'c2s', data: `GET ${uri} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n` },
                { dir: 's2c', data: octets('HTTP/1.1 200 OK\r\n') },
              ],
      });
    };
    const cs = decode(
      exchange(0, 'POST', '43:451-0["blob",{"_placeholder":true,"num":0}]', 'ok', 1000, 3),
      bin(10, 'POST', Buffer.from('0105ff0401020304', 'hex')),
      exchange(20, 'GET', '', '54:461-0[{"size":4,"back":{"_placeholder":true,"num":0}}]', 1000, 3),
      bin(30, 'GET', Buffer.from('0104ff04090807', 'hex')),
    );
    const blob = cs.filter((c) => c.method === 'blob' && c.parentId !== undefined);
    assert.deepEqual(
      blob.map((c) => [c.state, c.status?.code, c.request?.value, c.response?.value, c.warnings]),
      [['complete', 'ack', [{ binary: 4, hex: '01020304' }], [{ size: 4, back: { binary: 3, hex: '090807' } }], []]],
    );
    assert.deepEqual(
      cs.filter((c) => c.parentId === undefined).map((c) => c.method),
      ['blob', 'binary', 'ack 0', 'binary'],
      'the payloads that carried only attachments are named so',
    );
  });

  it('an ACK to no event of the capture (it started mid-session) is an ack event with a warning', () => {
    const cs = decode(exchange(0, 'GET', '', '437[true]'));
    assert.deepEqual(
      cs.filter((c) => c.parentId !== undefined).map((c) => [c.method, c.kind, c.warnings.join()]),
      [['ack', 'event', 'ACK 7 to no event seen in this capture']],
    );
  });
});
