/**
 * Browser held-out round (test/heldout-browser/README.md): what recording headless Chromium 156
 * against node:http, aiohttp and python http.server showed about the HTTP/1.1 decoder. Each case
 * is the smallest conversation that reproduces what browser.pcap did: a connection that really
 * ended (FIN, RST) is not a capture that ended, and a browser closes connections to cancel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { calls, type Packet } from './feed';

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:23201\r\nConnection: keep-alive\r\n\r\n`;
const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const finC: Packet = { dir: 'c2s', data: '', end: true };
const finS: Packet = { dir: 's2c', data: '', end: true };
const only = (cs: Call[]): Call => {
  assert.equal(cs.length, 1, JSON.stringify(cs.map((c) => `${c.method} ${c.target}`)));
  return cs[0];
};

describe('RFC 9112 §8: a Content-Length response the client closed the connection on (fetch aborted: /slow-large)', () => {
  // Chromium reads 320 kB of a 4 MB download, the page aborts the fetch: the client's FIN, then
  // node:http closes too. Every byte sent was captured: the response was cut by the client.
  const packets: Packet[] = [
    { dir: 'c2s', data: get('/slow-large') },
    { dir: 's2c', data: `${head(['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream', 'Content-Length: 4194304'])}${'a'.repeat(65536)}` },
    { dir: 's2c', data: 'a'.repeat(65536) },
    finC,
    finS,
  ];
  it('is aborted, the client named as the one that closed, the bytes "never sent" (not "missing", which reads as a capture loss)', () => {
    const c = only(calls(packets, { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.equal(c.status?.code, 200);
    assert.equal(c.response?.body?.size, 131072);
    assert.deepEqual(c.warnings, [
      'response cut short: the client closed the connection (TCP FIN) before its end (4063232 body bytes never sent; RFC 9112 §8): the client gave up on it (e.g. an aborted fetch or download)',
    ]);
  });
  it('a reset connection says so', () => {
    const c = only(calls(packets.slice(0, 3), { how: 'rst' }));
    assert.equal(c.state, 'aborted');
    assert.match(c.warnings[0], /^response cut short: the connection was reset \(TCP RST\) before its end \(4063232 body bytes never sent/);
  });
  it('the server closing first (a truncated response) is aborted too, the server named', () => {
    const c = only(calls([...packets.slice(0, 3), finS, finC], { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.match(c.warnings[0], /^response cut short: the server closed the connection \(TCP FIN\) before its end \(4063232 body bytes never sent; RFC 9112 §8\)$/);
  });
  it('the capture ending in the body is still a cut: incomplete, bytes missing', () => {
    const c = only(calls(packets.slice(0, 3)));
    assert.equal(c.state, 'incomplete');
    assert.deepEqual(c.warnings, ['connection ended before the message did (4063232 body bytes missing)']);
  });
});

describe('RFC 9112 §8: a chunked body that is not an event stream, closed before its last chunk', () => {
  const packets: Packet[] = [
    { dir: 'c2s', data: get('/file') },
    { dir: 's2c', data: `${head(['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream', 'Transfer-Encoding: chunked'])}400\r\n${'b'.repeat(1024)}\r\n` },
    finC,
    finS,
  ];
  it('is aborted when the client closed (a cancelled download)', () => {
    const c = only(calls(packets, { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.equal(c.response?.body?.size, 1024);
    assert.match(c.warnings[0], /^response cut short: the client closed the connection \(TCP FIN\) before its end \(chunked body not finished; RFC 9112 §8\)/);
  });
  it('an event stream closed so stays complete with its note (EventSource.close(), by design)', () => {
    const sse = [packets[0], { dir: 's2c', data: `${head(['HTTP/1.1 200 OK', 'Content-Type: text/event-stream', 'Transfer-Encoding: chunked'])}10\r\ndata: {"n":1}\n\n\r\n` } as Packet, finC, finS];
    const c = only(calls(sse, { how: 'fin' }));
    assert.equal(c.state, 'complete');
    assert.equal(c.messages?.length, 1);
    assert.match(c.warnings[0], /^response stream ended because the connection was closed \(TCP FIN\)/);
  });
});

describe('RFC 9112 §9.6: a request the connection closed on before any response (navigation away: /pending)', () => {
  // The page starts a fetch and navigates 150 ms later: Chromium closes the keep-alive connection
  // (FIN), node:http closes its side; the answer written 1.5 s later never reaches the wire.
  const packets: Packet[] = [{ dir: 'c2s', data: get('/pending?ms=1500') }, { dir: 'c2s', data: '' }, finC, finS];
  it('is aborted: the client gave up on it, and when', () => {
    const c = only(calls(packets, { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.equal(c.status, undefined);
    // the request ends in frame 1 (t = 1.000 s), the client's FIN is frame 3 (t = 1.002 s)
    assert.deepEqual(c.warnings, ['no response: the client closed the connection (TCP FIN) 2.0 ms after the request: the client gave up on it (e.g. an aborted fetch, a page left)']);
  });
  it('the server closing first (nginx after keepalive_requests) is aborted, the server named', () => {
    const c = only(calls([packets[0], finS, finC], { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.warnings, ['no response: the server closed the connection (TCP FIN) first']);
  });
  it('a reset', () => {
    const c = only(calls([packets[0]], { how: 'rst' }));
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.warnings, ['no response: the connection was reset (TCP RST) first']);
  });
  it('at the end of the capture it stays incomplete ("no response")', () => {
    const c = only(calls([packets[0]]));
    assert.equal(c.state, 'incomplete');
    assert.deepEqual(c.warnings, ['no response']);
  });
  it('an upload the client stopped sending, unanswered, is aborted: "request cut short"', () => {
    const up = head(['POST /upload HTTP/1.1', 'Host: h', 'Content-Type: application/octet-stream', 'Content-Length: 10000']);
    const c = only(calls([{ dir: 'c2s', data: up + 'x'.repeat(4000) }, finC, finS], { how: 'fin' }));
    assert.equal(c.state, 'aborted');
    assert.equal(c.request?.body?.size, 4000);
    assert.deepEqual(c.warnings, [
      'request cut short: the client closed the connection (TCP FIN) before its end (6000 body bytes never sent; RFC 9112 §8)',
      'no response: the client closed the connection (TCP FIN) first: the client gave up on it (e.g. an aborted fetch, a page left)',
    ]);
  });
});

describe('RFC 9112 §9.6: a response that arrives after the client closed the connection (a cancelled <audio> request: tone.wav)', () => {
  // Chromium's media loader sends `Range: bytes=0-`, changes its mind and closes (FIN) 2.8 ms
  // later; node:http's 206 arrives after the FIN and Chromium answers it with a RST: DevTools says
  // "(canceled)", the wire has the whole 206.
  const body = 'RIFF....WAVE';
  const packets: Packet[] = [
    { dir: 'c2s', data: `GET /media/tone.wav HTTP/1.1\r\nHost: h\r\nRange: bytes=0-\r\n\r\n` },
    finC,
    { dir: 's2c', data: `${head(['HTTP/1.1 206 Partial Content', 'Content-Type: audio/wav', `Content-Range: bytes 0-11/12`, `Content-Length: ${body.length}`])}${body}` },
  ];
  it('is the whole 206, with a note that the client had closed first', () => {
    const c = only(calls(packets, { how: 'rst' }));
    assert.equal(c.state, 'complete');
    assert.equal(c.status?.code, 206);
    assert.equal(c.response?.body?.size, 12);
    assert.deepEqual(c.warnings, [
      'the client closed the connection (TCP FIN) 1.0 ms before this response began: a cancelled request, whose answer the client did not read (unless it only half-closed)',
    ]);
  });
  it('a response that began before the client closed has no such note', () => {
    const c = only(calls([packets[0], packets[2], finC, finS], { how: 'fin' }));
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.warnings, []);
  });
});
