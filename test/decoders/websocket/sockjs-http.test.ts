/**
 * SockJS's HTTP transports (sockjs-protocol 0.3.3 "Streaming transports", "Polling transports", "Framing"):
 * the client's messages in `xhr_send`/`jsonp_send` POSTs, the server's frames in an `xhr_streaming`
 * response (2048-byte `h` prelude, a frame per line), `xhr` polls, `eventsource` events, `htmlfile`
 * `p("…")` scripts and `jsonp` callbacks. The bytes are those npm sockjs 0.3.24 exchanged with
 * sockjs-client 1.6.1 (Node, and Chromium for htmlfile/jsonp-polling) and @stomp/stompjs 7.5.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation, type Exchange, type Frame } from '../../helpers/pcap-builder';
import { frameOfLine, isSockJsLineStream, sentMessages, sockJsHttpUri } from '../../../decoders/websocket/sockjs-http';

const T0 = 1_795_394_672_000_000;
let port = 33900;
const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
const HEAD = 'HTTP/1.1 200 OK\r\nCache-Control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\nAccess-Control-Allow-Origin: *\r\nVary: Origin\r\n';

/** A connection of its own from `atMs`, its packets `stepMs` apart. */
function conn(atMs: number, exchanges: Exchange[], stepMs = 1): Frame[] {
  return tcpConversation({ client: { ip: '127.0.0.1', port: port++ }, server: { ip: '127.0.0.1', port: 8080 }, startUs: T0 + atMs * 1000, stepUs: stepMs * 1000, exchanges });
}

/** An xhr_send POST of these messages (sockjs-client's chunked body), answered 204. */
function send(atMs: number, path: string, messages: string[]): Frame[] {
  const body = JSON.stringify(messages);
  return conn(atMs, [
    { dir: 'c2s', data: `POST ${path}/xhr_send HTTP/1.1\r\nContent-type: text/plain\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(body)}0\r\n\r\n` },
    { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\nContent-Type: text/plain; charset=UTF-8\r\nConnection: keep-alive\r\n\r\n' },
  ]);
}

function decode(...convs: Frame[][]): Call[] {
  const calls: Call[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c) });
  p.push(pcapFile(convs.flat().sort((a, b) => a.tsUs - b.tsUs)));
  p.end();
  return calls.sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
}

const a = (...frames: string[]) => `a${JSON.stringify(frames)}\n`;
const CONNECT = 'CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\n\n\0';
const CONNECTED = 'CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:lab/1\n\n\0';

describe('SockJS over its HTTP transports: STOMP inside is STOMP calls, the frames are events and messages', () => {
  it('xhr_streaming (a long response that ends after every send it answers) with xhr_send: as over the WebSocket transport', () => {
    const path = '/ws/513/cu5swrko';
    const stream = conn(
      0,
      [
        { dir: 'c2s', data: `POST ${path}/xhr_streaming HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n` },
        { dir: 's2c', data: `${HEAD}Content-Type: application/javascript; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(`${'h'.repeat(2048)}\n`)}${chunk('o\n')}` },
        { dir: 's2c', data: chunk(a(CONNECTED)) },
        { dir: 's2c', data: chunk(a('RECEIPT\nreceipt-id:s-1\n\n\0')) + chunk(a('MESSAGE\ndestination:/topic/greetings\nsubscription:sub-0\nmessage-id:1\ncontent-type:application/json\n\n{"name":"Ada"}\0')) + chunk(a('RECEIPT\nreceipt-id:r-1\n\n\0')) },
        { dir: 's2c', data: chunk(a('ERROR\nmessage:no handler for /app/fail\ncontent-type:text/plain\n\nrejected\0')) },
        { dir: 's2c', data: `${chunk(a('RECEIPT\nreceipt-id:close-1\n\n\0'))}0\r\n\r\n` },
      ],
      10,
    );
    const cs = decode(
      stream,
      send(45, path, [CONNECT]),
      send(65, path, ['SUBSCRIBE\nreceipt:s-1\nid:sub-0\ndestination:/topic/greetings\n\n\0', 'SEND\ndestination:/topic/greetings\ncontent-type:application/json\nreceipt:r-1\ncontent-length:14\n\n{"name":"Ada"}\0']),
      send(85, path, ['SEND\ndestination:/app/fail\ncontent-length:1\n\nx\0']),
      send(115, path, ['DISCONNECT\nreceipt:close-1\n\n\0']),
    );
    const stomp = cs.filter((c) => c.protocol === 'stomp').map((c) => `${c.method} ${c.status?.code ?? ''}`.trim());
    assert.deepEqual(stomp, ['CONNECT CONNECTED', 'SUBSCRIBE RECEIPT', 'SEND RECEIPT', 'SEND sent', 'MESSAGE MESSAGE', 'ERROR ERROR', 'DISCONNECT RECEIPT']);
    assert.ok(cs.filter((c) => c.protocol === 'stomp').every((c) => c.fields['sockjs.session'] === 'cu5swrko' && c.fields['sockjs.transport'] === 'xhr_streaming'));
    const carrier = cs.find((c) => c.fields['sockjs.transport'] === 'xhr_streaming' && c.protocol === 'http')!;
    assert.equal(carrier.kind, 'server-stream');
    assert.equal(carrier.messages?.length, 7, 'o and six a[…] frames; the 2048-byte prelude is no frame');
    const open = cs.find((c) => c.protocol === 'sockjs' && c.method === 'open')!;
    assert.equal(open.parentId, carrier.id);
    assert.equal(open.timing.startUs, T0 + 50_000, 'timed by the packet that carried it');
    assert.equal(cs.filter((c) => c.protocol === 'http').length, 5, 'the carrying exchanges stay visible');
  });

  it('not STOMP: each message is a sockjs message; heartbeat and close frames are events (xhr polling, a close code)', () => {
    const path = '/echo/104/0a4ddmfh';
    const poll = (atMs: number, frame: string) =>
      conn(atMs, [
        { dir: 'c2s', data: `POST ${path}/xhr HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n` },
        { dir: 's2c', data: `${HEAD}Content-Type: application/javascript; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(frame)}\r\n\r\n${frame}` },
      ]);
    const cs = decode(poll(0, 'o\n'), send(10, path, ['hello']), poll(20, 'a["hello"]\n'), poll(30, 'h\n'), poll(40, 'c[3001,"bye now"]\n'));
    assert.deepEqual(
      cs.filter((c) => c.protocol === 'sockjs').map((c) => [c.method, c.fields['sockjs.dir'], c.request?.value ?? c.response?.value, c.status?.code]),
      [
        ['open', 's2c', 'o', undefined],
        ['message', 'c2s', 'hello', undefined],
        ['message', 's2c', 'hello', undefined],
        ['heartbeat', 's2c', 'h', undefined],
        ['close', 's2c', 'c[3001,"bye now"]', 3001],
      ],
    );
    assert.equal(cs.find((c) => c.method === 'close')?.status?.text, 'close: bye now');
  });

  it('eventsource (each event a frame) and htmlfile (a page, then a script per frame) carry the same STOMP', () => {
    for (const [transport, type, prelude, wrap] of [
      ['eventsource', 'text/event-stream', '\r\n', (f: string) => `data: ${f}\r\n\r\n`],
      ['htmlfile', 'text/html; charset=UTF-8', `<!doctype html>\n<html><head>\n</head><body><h2>Don't panic!</h2>\n  <script>\n    document.domain = document.domain;\n    var c = parent._jp.absaxrp;\n    c.start();\n    function p(d) {c.message(d);};\n    window.onload = function() {c.stop();};\n  </script>${' '.repeat(300)}\r\n\r\n`, (f: string) => `<script>\np(${JSON.stringify(f)});\n</script>\r\n`],
    ] as const) {
      const path = '/ws/061/fv4jfazn';
      const stream = conn(
        0,
        [
          { dir: 'c2s', data: `GET ${path}/${transport}${transport === 'htmlfile' ? '?c=_jp.absaxrp' : ''} HTTP/1.1\r\nAccept: text/event-stream\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\n\r\n` },
          { dir: 's2c', data: `${HEAD}Content-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(prelude)}${chunk(wrap('o'))}` },
          { dir: 's2c', data: chunk(wrap(a(CONNECTED).trim())) },
          { dir: 's2c', data: `${chunk(wrap('c[3000,"Go away!"]'))}0\r\n\r\n` },
        ],
        10,
      );
      const cs = decode(stream, send(45, path, [CONNECT]));
      assert.deepEqual(
        cs.filter((c) => c.protocol !== 'http').map((c) => `${c.protocol} ${c.method} ${c.status?.code ?? ''}`.trim()),
        ['sockjs open', 'stomp CONNECT CONNECTED', 'sockjs close 3000'],
        transport,
      );
    }
  });

  it('an xhr_streaming answer gzip-coded (a compressing proxy in front): its lines read after the coding is undone', () => {
    const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
    const path = '/ws/513/gz5swrko';
    const body = gzipSync(`${'h'.repeat(2048)}\no\n${a(CONNECTED)}c[3000,"Go away!"]\n`);
    const head = `${HEAD}Content-Type: application/javascript; charset=UTF-8\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`;
    const stream = conn(0, [
      { dir: 'c2s', data: `POST ${path}/xhr_streaming HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n` },
      { dir: 's2c', data: Buffer.concat([Buffer.from(head), body]) },
    ], 60); // (the answer, read at its end, after the CONNECT sent at 45 ms)
    const cs = decode(stream, send(45, path, [CONNECT]));
    assert.deepEqual(
      cs.filter((c) => c.protocol !== 'http').map((c) => `${c.protocol} ${c.method} ${c.status?.code ?? ''}`.trim()),
      ['stomp CONNECT CONNECTED', 'sockjs open', 'sockjs close 3000'],
      'the CONNECT (45 ms) starts first; every frame of the coded answer has the time of its end',
    );
    const carrier = cs.find((c) => c.fields['sockjs.transport'] === 'xhr_streaming' && c.protocol === 'http')!;
    assert.ok(!carrier.warnings.some((w) => w.includes('no frame')), carrier.warnings.join('; '));
  });

  it('a path that only looks like a transport URL, whose body is no SockJS, stays plain HTTP', () => {
    const body = '{"id":42,"kind":"xhr"}';
    const cs = decode(
      conn(0, [
        { dir: 'c2s', data: `POST /users/42/abc/xhr HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` },
        { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` },
      ]),
    );
    assert.deepEqual(
      cs.map((c) => [c.protocol, c.method, c.fields['sockjs.transport'], c.warnings.length]),
      [['http', 'POST', undefined, 0]],
    );
  });

  it('transport URLs, the htmlfile and jsonp wrappers, jsonp_send form bodies', () => {
    assert.deepEqual(sockJsHttpUri('/ws/670/43nrqw53/htmlfile?c=_jp.absaxrp'), { prefix: '/ws', server: '670', session: '43nrqw53', transport: 'htmlfile' });
    assert.equal(sockJsHttpUri('/api/users/42/xhr'), undefined, 'a session id is no path word: three levels below the prefix, digits for the server');
    assert.equal(sockJsHttpUri('/ws/670/43nrqw53/websocket'), undefined, 'the WebSocket transport is the WebSocket decoder’s');
    // (the HTTP/1 decoder asks this of every response: it reads these two transports' answers line by line)
    assert.equal(isSockJsLineStream('/ws/513/cu5swrko/xhr_streaming?t=1'), true);
    assert.equal(isSockJsLineStream('http://127.0.0.1:8080/ws/670/43nrqw53/htmlfile?c=_jp.absaxrp'), true);
    assert.equal(isSockJsLineStream('/ws/513/cu5swrko/xhr'), false, 'polling answers are read whole');
    assert.equal(isSockJsLineStream('/docs/xhr_streaming'), false, 'the transport word without a session');
    assert.equal(isSockJsLineStream(undefined), false);
    assert.equal(frameOfLine('htmlfile', 'p("o");', 32), 'o');
    assert.equal(frameOfLine('htmlfile', '    document.domain = document.domain;', 32), undefined);
    assert.equal(frameOfLine('jsonp', '/**/_jp.ac555zp("a[\\"CONNECTED\\\\nversion:1.2\\\\n\\\\n\\\\u0000\\"]");\r', 32), 'a["CONNECTED\\nversion:1.2\\n\\n\\u0000"]');
    assert.equal(frameOfLine('xhr_streaming', 'h'.repeat(2048), 32), undefined, 'the prelude');
    assert.deepEqual(sentMessages('d=%5B%22%7B%5C%22n%5C%22%3A1%2C%5C%22list%5C%22%3A%5B%5C%22a%5C%22%2C%5C%22b%5C%22%5D%7D%22%5D', 32), ['{"n":1,"list":["a","b"]}']);
    assert.deepEqual(sentMessages('["hello"]', 32), ['hello']);
  });
});
