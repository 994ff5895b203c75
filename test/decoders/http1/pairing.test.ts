/**
 * Pairing of responses with requests when the capture lost whole messages (packet loss, a small
 * snaplen): RFC 9112 §9.3 / §9.3.2 — a server answers the requests of a connection in order, so a
 * request or response lost in a capture gap must be counted, not paired past.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/http1/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { decodeFramed } from './feed';
import type { Call } from '../../../decoders/core/model';
import { testSession } from '../../helpers/session';

const T = (s: string) => new TextEncoder().encode(s);
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;
const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

const decode = decodeFramed;

const summary = (calls: Call[]) => calls.map((c) => [c.method ?? '?', c.target ?? '?', (c.response?.body?.value as { n?: number } | undefined)?.n ?? null, c.state]);

describe('RFC 9112 §9.3.2 pipelining: a request lost in a c2s capture gap', () => {
  it('takes its response (an incomplete call with an unknown request) instead of shifting the later pairs', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['gap', 'c2s', get('/b').length, 3], // /b lost (reported when the server's ACK shows it)
      ['data', 'c2s', get('/c'), 3],
      ['data', 's2c', ok('{"n":1}'), 4],
      ['data', 's2c', ok('{"n":2}'), 5],
      ['data', 's2c', ok('{"n":3}'), 6],
    ]);
    assert.deepEqual(summary(calls), [
      ['GET', '/a', 1, 'complete'],
      ['HTTP', '?', 2, 'incomplete'],
      ['GET', '/c', 3, 'complete'],
    ]);
    assert.ok(calls[1].warnings.includes('the request was not captured (lost in a 28-byte capture gap)'), calls[1].warnings.join());
  });
  it('a gap the size of two requests stands for two (sizes of the requests read whole)', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['gap', 'c2s', 2 * get('/b').length, 4],
      ['data', 'c2s', get('/d'), 4],
      ['data', 's2c', ok('{"n":1}'), 5],
      ['data', 's2c', ok('{"n":2}'), 6],
      ['data', 's2c', ok('{"n":3}'), 7],
      ['data', 's2c', ok('{"n":4}'), 8],
    ]);
    assert.deepEqual(summary(calls).map((r) => r[2]), [1, 2, 3, 4]);
    assert.deepEqual(summary(calls).map((r) => r[1]), ['/a', '?', '?', '/d']);
  });
  it('a gap that also swallowed the end of a Content-Length body and a whole request (§6.3 item 6)', () => {
    const post = 'POST /rpc HTTP/1.1\r\nContent-Length: 10\r\n\r\n';
    const calls = decode([
      ['data', 'c2s', post + '{"a":', 1],
      ['gap', 'c2s', 5 + get('/b').length, 3], // the body's last 5 bytes, then all of GET /b
      ['data', 'c2s', get('/c'), 3],
      ['data', 's2c', ok('{"n":1}'), 4],
      ['data', 's2c', ok('{"n":2}'), 5],
      ['data', 's2c', ok('{"n":3}'), 6],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[0]} ${r[1]} ${r[2]}`), ['POST /rpc 1', 'HTTP ? 2', 'GET /c 3']);
  });
  it('a gap inside a Content-Length body that holds only its rest adds no request', () => {
    const post = 'POST /rpc HTTP/1.1\r\nContent-Length: 10\r\n\r\n';
    const calls = decode([
      ['data', 'c2s', post + '{"a":', 1],
      ['gap', 'c2s', 5, 2],
      ['data', 'c2s', get('/c'), 3],
      ['data', 's2c', ok('{"n":1}'), 4],
      ['data', 's2c', ok('{"n":3}'), 5],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[0]} ${r[1]} ${r[2]}`), ['POST /rpc 1', 'GET /c 3']);
  });
  it('a lost upload far larger than the requests seen stands for one request, not hundreds', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['gap', 'c2s', 300_000, 3],
      ['data', 'c2s', get('/c'), 3],
      ['data', 's2c', ok('{"n":1}'), 4],
      ['data', 's2c', ok('{"n":2}'), 5],
      ['data', 's2c', ok('{"n":3}'), 6],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]}`), ['/a 1', '? 2', '/c 3']);
  });
  it('a stand-in that no response came for makes no call', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['gap', 'c2s', get('/b').length, 3],
      ['data', 's2c', ok('{"n":1}'), 4],
    ]);
    assert.deepEqual(summary(calls), [['GET', '/a', 1, 'complete']]);
  });
  it('keep-alive without pipelining: the response came (unpaired) before the gap was known, and is not counted twice', () => {
    // The reassembly reports the c2s hole only when the next request arrives and is acknowledged.
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['data', 's2c', ok('{"n":1}'), 2],
      ['data', 's2c', ok('{"n":2}'), 4], // answers the lost GET /b (frame 3)
      ['gap', 'c2s', get('/b').length, 6],
      ['data', 'c2s', get('/c'), 5],
      ['data', 's2c', ok('{"n":3}'), 6],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]}`), ['/a 1', '? 2', '/c 3']);
    assert.ok(calls[1].warnings.some((w) => /response without a request/.test(w)));
  });
});

describe('RFC 9112 §9.3 responses in request order: a response lost in an s2c capture gap', () => {
  it('belongs to the oldest waiting request; the next response answers the next request', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['data', 'c2s', get('/b'), 2],
      ['data', 'c2s', get('/c'), 3],
      ['data', 's2c', ok('{"n":1}'), 4],
      ['gap', 's2c', ok('{"n":2}').length, 6],
      ['data', 's2c', ok('{"n":3}'), 6],
    ]);
    assert.deepEqual(summary(calls), [
      ['GET', '/a', 1, 'complete'],
      ['GET', '/b', null, 'incomplete'],
      ['GET', '/c', 3, 'complete'],
    ]);
    assert.deepEqual(calls[1].warnings, ['the response was not captured (lost in a 77-byte capture gap)']);
  });
  it('two lost responses of a size seen before on the same target', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['data', 'c2s', get('/a'), 2],
      ['data', 'c2s', get('/a'), 3],
      ['data', 'c2s', get('/b'), 4],
      ['data', 's2c', ok('{"n":1}'), 5],
      ['gap', 's2c', 2 * ok('{"n":1}').length, 8],
      ['data', 's2c', ok('{"n":4}'), 8],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]} ${r[3]}`), ['/a 1 complete', '/a null incomplete', '/a null incomplete', '/b 4 complete']);
  });
  it('never charges the lost response to the newest request sent before the next one (keep-alive, no pipelining)', () => {
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['gap', 's2c', 500, 3], // an over-long gap: still only /a can have lost its response
      ['data', 'c2s', get('/b'), 4],
      ['data', 's2c', ok('{"n":2}'), 5],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]} ${r[3]}`), ['/a null incomplete', '/b 2 complete']);
  });
  it('one lost response far larger than any seen is one, not many (a long header, a big body)', () => {
    const calls = decode([
      ['data', 'c2s', get('/a') + get('/big') + get('/c'), 1],
      ['data', 's2c', ok('{"n":1}'), 2],
      ['gap', 's2c', 7000, 4],
      ['data', 's2c', ok('{"n":3}'), 4],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]}`), ['/a 1', '/big null', '/c 3']);
  });
  it('a gap inside a header section (any length) counts no lost response', () => {
    const calls = decode([
      ['data', 'c2s', get('/a') + get('/long') + get('/c'), 1],
      ['data', 's2c', ok('{"n":1}'), 2],
      ['data', 's2c', 'HTTP/1.1 200 OK\r\nX-Long: vvvv', 3],
      ['gap', 's2c', 7000, 3],
      ['data', 's2c', ok('{"n":3}'), 4],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]} ${r[3]}`), ['/a 1 complete', '/long null incomplete', '/c 3 complete']);
  });
  it('a response captured before a request cannot answer it (the request was delivered first by the reassembly)', () => {
    // Frame 3 (s2c) lost: the response in frame 4 waits until the client's ACK in frame 6, after
    // the request of frame 5 was delivered. The frame-4 response answers a request not captured.
    const calls = decode([
      ['data', 'c2s', get('/a'), 1],
      ['data', 's2c', ok('{"n":1}'), 2],
      ['data', 'c2s', get('/c'), 5],
      ['gap', 's2c', 10, 6],
      ['data', 's2c', ok('{"n":2}'), 4],
      ['data', 's2c', ok('{"n":3}'), 7],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]}`), ['/a 1', '? 2', '/c 3']);
  });
  it('packets with the same timestamp keep capture order: a later frame at the same time still answers', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    d.data('c2s', T(get('/a')), { frame: 1, tsUs: 5, streamOffset: 0 });
    d.data('s2c', T(ok('{"n":1}')), { frame: 2, tsUs: 5, streamOffset: 0 });
    d.close({ frame: 3, tsUs: 6, streamOffset: 0 });
    assert.deepEqual(summary(s.calls), [['GET', '/a', 1, 'complete']]);
  });
});

describe('RFC 9112 §2.2 finding the next message after a gap: a segment start may begin one', () => {
  it('a body without a line feed in its own segment does not hide the request in the next segment', () => {
    // snaplen: the head of POST /echo is cut (its Content-Length unknown), its JSON body comes in
    // the next segment, then GET /next; the line "{…}GET /next HTTP/1.1" starts with the body.
    const calls = decode([
      ['data', 'c2s', 'POST /echo HTTP/1.1\r\nHost: h\r\n', 1],
      ['gap', 'c2s', 40, 1],
      ['data', 'c2s', '{"a": [1, 2]}', 2],
      ['data', 'c2s', get('/next'), 3],
      ['data', 's2c', 'HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{"a": [1, 2]}', 4],
      ['data', 's2c', ok('{"n":2}'), 5],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[0]} ${r[1]}`), ['POST /echo', 'GET /next']);
    assert.equal(calls[1].state, 'complete');
    assert.equal(calls[1].status?.code, 200);
  });
  it('the same for responses: a body tail after a cut header section, then a status line in the next segment', () => {
    const calls = decode([
      ['data', 'c2s', get('/a') + get('/b'), 1],
      ['data', 's2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n', 2],
      ['gap', 's2c', 30, 2],
      ['data', 's2c', '0123456789', 3],
      ['data', 's2c', ok('{"n":2}'), 4],
    ]);
    assert.deepEqual(summary(calls).map((r) => `${r[1]} ${r[2]} ${r[3]}`), ['/a null incomplete', '/b 2 complete']);
  });
});

describe('RFC 9112 §6.3: a Content-Length body holed by several capture gaps', () => {
  it('carries one warning with the total, not one per gap', () => {
    const body = 'x'.repeat(1000);
    const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`;
    const calls = decode([
      ['data', 'c2s', get('/big'), 1],
      ['data', 's2c', head + body.slice(0, 100), 2],
      ['gap', 's2c', 200, 3],
      ['data', 's2c', body.slice(300, 400), 4],
      ['gap', 's2c', 300, 5],
      ['data', 's2c', body.slice(700, 800), 6],
      ['gap', 's2c', 200, 7],
    ]);
    assert.equal(calls.length, 1);
    const c = calls[0];
    assert.equal(c.status?.code, 200);
    assert.equal(c.response?.body?.size, 1000);
    const gapWarnings = c.warnings.filter((w) => w.includes('not captured'));
    assert.deepEqual(gapWarnings, ['body incomplete: 700 bytes not captured (3 capture gaps)']);
  });
});

describe('RFC 9112 §9.3: more requests waiting than are kept (a capture of the client side only)', () => {
  const N = 1030;
  it('the oldest are reported without a response as later ones come, each once: every request a call, none kept to the end', () => {
    const events: Parameters<typeof decode>[0] = [];
    for (let i = 0; i < N; i++) events.push(['data', 'c2s', get(`/r${i}`), i + 1]);
    const calls = decode(events);
    assert.equal(calls.length, N);
    assert.deepEqual(calls.map((c) => c.target), Array.from({ length: N }, (_, i) => `/r${i}`));
    const early = calls.filter((c) => c.warnings.some((w) => w.includes('later requests waited for theirs')));
    assert.deepEqual(early.map((c) => c.target), ['/r0', '/r1', '/r2', '/r3', '/r4', '/r5']);
  });
  it('responses that come after all: the first answer the requests given up on, the rest pair in order as before', () => {
    const events: Parameters<typeof decode>[0] = [];
    for (let i = 0; i < N; i++) events.push(['data', 'c2s', get(`/r${i}`), i + 1]);
    for (let i = 0; i < N; i++) events.push(['data', 's2c', ok(`{"n":${i}}`), N + i + 1]);
    const calls = decode(events);
    const answered = calls.filter((c) => c.method === 'GET' && c.state === 'complete');
    assert.equal(answered.length, N - 6);
    // request /rK got response n = K (responses in request order)
    for (const c of answered) assert.equal((c.response?.body?.value as { n: number }).n, Number(c.target!.slice(2)), c.target);
    const late = calls.filter((c) => c.warnings.some((w) => w.startsWith('the answer to a request reported earlier without one')));
    assert.deepEqual(late.map((c) => (c.response?.body?.value as { n: number }).n), [0, 1, 2, 3, 4, 5]);
  });
});
