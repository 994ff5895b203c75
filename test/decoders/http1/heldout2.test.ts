/**
 * Second held-out round (test/heldout-http/README.md, "Second round"): what recording nginx 1.22,
 * Go 1.19 net/http, Node 20 (undici fetch, node:http) and aiohttp 3.8 showed about the HTTP/1.1
 * decoder. Each case is the smallest conversation that reproduces what a real capture did (each was
 * a `todo` naming its fix until the fix landed).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec as redis } from '../../../decoders/redis/index';
import { harEntry } from '../../../decoders/export/har';
import type { Call } from '../../../decoders/core/model';
import { calls as feed, decodeFramed } from './feed';

const T = (s: string) => new TextEncoder().encode(s);
const CRLF = '\r\n';
const msg = (lines: string[], body = '') => lines.join(CRLF) + CRLF + CRLF + body;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;
const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

type Ev = ['data' | 'gap', 'c2s' | 's2c', string | number, number];

const decode = decodeFramed;

/*
 * The lost-request cases (fixed): Http1Decoder.noteLostMessages counted a gap between 1.5x and
 * 3x the largest request seen as two requests; a client that has not pipelined sends one and waits.
 */

const pairs = (calls: Call[]) => calls.map((c) => `${c.method} ${c.target ?? '?'} ${(c.response?.body?.value as { n?: number } | undefined)?.n ?? '-'}`);

describe('RFC 9112 §9.3 keep-alive without pipelining: a lost request larger than the ones seen (node.pcap, frame 19 dropped)', () => {
  // undici fetch on one keep-alive connection: GET (28 bytes here), then a form POST sent whole in
  // one segment that the capture lost, then a chunked POST. The server's response to the lost POST
  // arrives before the next request shows the hole; it is already "a response without a request".
  // 56 bytes: twice the GET. lostCount adds a second request while the bytes left hold over half of
  // one more and no more than twice the largest request seen (node.pcap: a 290-byte POST after a
  // 183-byte GET).
  const post = msg(['POST /f HTTP/1.1', 'Host: h', 'Content-Length: 8'], 'user=ada');
  const events: Ev[] = [
    ['data', 'c2s', get('/a'), 1],
    ['data', 's2c', ok('{"n":1}'), 2],
    ['data', 's2c', ok('{"n":2}'), 4], // answers the lost POST /form (frame 3)
    ['gap', 'c2s', post.length, 5],
    ['data', 'c2s', get('/c'), 5],
    ['data', 's2c', ok('{"n":3}'), 6],
    ['data', 'c2s', get('/d'), 7],
    ['data', 's2c', ok('{"n":4}'), 8],
  ];
  it(
    'the response already seen stands for the lost request: the gap is not counted as two requests, the later pairs do not shift',
    () => {
      assert.deepEqual(pairs(decode(events)), ['GET /a 1', 'HTTP ? 2', 'GET /c 3', 'GET /d 4']);
    },
  );
  it(
    'a gap that held only the head of an upload whose body was captured (aiohttp.pcap, frame 35 dropped) stands for one request',
    () => {
      // aiohttp writes a multipart body in many segments after its head: the head (60 bytes here)
      // is lost, the body parts arrive and are skipped while looking for the next request line.
      const body = '--b\r\nContent-Disposition: form-data; name="t"\r\n\r\nreport\r\n--b--\r\n';
      const calls = decode([
        ['data', 'c2s', get('/a'), 1],
        ['data', 's2c', ok('{"n":1}'), 2],
        ['gap', 'c2s', 60, 4],
        ['data', 'c2s', body, 4],
        ['data', 's2c', ok('{"n":2}'), 5],
        ['data', 'c2s', get('/c'), 6],
        ['data', 's2c', ok('{"n":3}'), 7],
        ['data', 'c2s', get('/d'), 8],
        ['data', 's2c', ok('{"n":4}'), 9],
      ]);
      assert.deepEqual(pairs(calls), ['GET /a 1', 'HTTP ? 2', 'GET /c 3', 'GET /d 4']);
    },
  );
});

describe('RFC 9110 §10.1.1 Expect: 100-continue refused with a final status, then the connection closed (nginx.sh, 413)', () => {
  // curl sends the head with Expect: 100-continue and Content-Length: 3000; nginx answers
  // 413 + Connection: close without reading the body; curl never sends it and closes (FIN).
  const packets = [
    { dir: 'c2s' as const, data: msg(['POST /tiny.json HTTP/1.1', 'Host: h', 'Expect: 100-continue', 'Content-Type: text/plain', 'Content-Length: 3000']) },
    { dir: 's2c' as const, data: msg(['HTTP/1.1 413 Request Entity Too Large', 'Content-Type: text/html', 'Content-Length: 5', 'Connection: close'], 'large') },
    { dir: 'c2s' as const, data: '', end: true },
    { dir: 's2c' as const, data: '', end: true },
  ];
  it(
    'the body that was never sent is not "missing": the call is complete, with a note that the server refused it',
    () => {
      const cs = feed(packets, { how: 'fin' });
      assert.equal(cs.length, 1);
      assert.equal(cs[0].status?.code, 413);
      assert.equal(cs[0].state, 'complete');
      assert.ok(!cs[0].warnings.some((w) => /missing/.test(w)), cs[0].warnings.join());
    },
  );
  it(
    'RFC 9112 §9.6: an upload the client stops when the server answered early and closes (node:http, 200 kB POST refused with 413) is not "missing" either',
    () => {
      const cs = feed(
        [
          { dir: 'c2s', data: msg(['POST /upload HTTP/1.1', 'Host: h', 'Content-Type: application/octet-stream', 'Content-Length: 200000'], 'a'.repeat(10000)) },
          { dir: 's2c', data: msg(['HTTP/1.1 413 Payload Too Large', 'Content-Type: text/plain', 'Connection: close', 'Content-Length: 10'], 'too large\n') },
          { dir: 's2c', data: '', end: true },
          { dir: 'c2s', data: '', end: true },
        ],
        { how: 'fin' },
      );
      assert.equal(cs[0].status?.code, 413);
      assert.equal(cs[0].state, 'complete');
      assert.ok(!cs[0].warnings.some((w) => /missing/.test(w)), cs[0].warnings.join());
    },
  );
  it('a body cut by the end of the capture, with no final response before it, stays incomplete (what the fix must keep)', () => {
    const cs = feed([{ ...packets[0], data: `${packets[0].data}aaaa` }, packets[1]]);
    assert.equal(cs[0].state, 'incomplete');
    assert.ok(cs[0].warnings.some((w) => /2996 body bytes missing/.test(w)), cs[0].warnings.join());
  });
});

describe('RFC 9112 §9.3 a final response after 100 Continue lost in an s2c capture gap (node.pcap, frame 110 dropped)', () => {
  // node:http, one keep-alive socket: POST with Expect: 100-continue, 100 Continue, the body, the
  // 200 (lost), then GET /s and its response.
  it(
    'is charged to the POST that had only its 100 Continue; the next response answers the next request',
    () => {
      const post = msg(['POST /up HTTP/1.1', 'Host: h', 'Expect: 100-continue', 'Content-Length: 4']);
      const calls = decode([
        ['data', 'c2s', post, 1],
        ['data', 's2c', 'HTTP/1.1 100 Continue\r\n\r\n', 2],
        ['data', 'c2s', 'data', 3],
        ['gap', 's2c', ok('{"n":1}').length, 5],
        ['data', 'c2s', get('/s'), 5],
        ['data', 's2c', ok('{"n":2}'), 6],
      ]);
      assert.deepEqual(
        calls.map((c) => `${c.method} ${c.target} ${(c.response?.body?.value as { n?: number } | undefined)?.n ?? '-'} ${c.state}`),
        ['POST /up - incomplete', 'GET /s 2 complete'],
      );
    },
  );
});

describe('RFC 9112 §6.3 item 1: the response to a HEAD whose request was lost (node.pcap, frame 100 dropped)', () => {
  // node:http: GET, then HEAD /json (lost); its response says Content-Length: 7 and has no body.
  it(
    'does not take the next response as its body',
    () => {
      const calls = decode([
        ['data', 'c2s', get('/json'), 1],
        ['data', 's2c', ok('{"n":1}'), 2],
        // HEAD /json lost (frame 3); its answer announces the GET's length
        ['data', 's2c', 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n', 4],
        ['gap', 'c2s', 'HEAD /json HTTP/1.1\r\nHost: h\r\n\r\n'.length, 5],
        ['data', 'c2s', get('/c'), 5],
        ['data', 's2c', ok('{"n":3}'), 6],
        ['data', 'c2s', get('/d'), 7],
        ['data', 's2c', ok('{"n":4}'), 8],
      ]);
      assert.deepEqual(pairs(calls), ['GET /json 1', 'HTTP ? -', 'GET /c 3', 'GET /d 4']);
    },
  );
});

describe('RFC 9112 §3.2.2 absolute-form request line cut by a snaplen (nginx.sh, editcap -s 96): not Redis', () => {
  it(
    '"GET http://host:port/pa" (30 bytes kept) is not taken for a Redis inline GET',
    () => {
      assert.equal(redis.probe?.(T('GET http://127.0.0.1:24010/tin'), 'c2s'), 'reject');
    },
  );
  it('the origin-form case already is rejected (what the fix must keep), and a real inline GET still accepted', () => {
    assert.equal(redis.probe?.(T('GET /tiny.json HTT'), 'c2s'), 'reject');
    assert.equal(redis.probe?.(T('GET session:42\r\n'), 'c2s'), 'accept');
  });
});

describe('HAR 1.2 export of the HTTP/1.1 calls (nginx.sh, --format har)', () => {
  it(
    'content.text is the body as sent: whitespace, 1.50 and an integer above 2^53 kept (nginx served data.json: size 2050, text 1850 characters)',
    () => {
      const body = '{"id": 9007199254740993, "price": 1.50}';
      const [c] = feed([
        { dir: 'c2s', data: get('/x') },
        { dir: 's2c', data: msg(['HTTP/1.1 200 OK', 'Content-Type: application/json', `Content-Length: ${body.length}`], body) },
      ]);
      const content = harEntry(c).response.content;
      assert.equal(content.size, body.length);
      assert.equal(content.text, body);
    },
  );
  it(
    'a request with no response has non-negative send/wait/receive timings (nginx closed a pipelined connection after keepalive_requests 3)',
    () => {
      const [c] = feed([{ dir: 'c2s', data: get('/never') }]);
      const t = harEntry(c).timings;
      assert.ok(t.send >= 0 && t.wait >= 0 && t.receive >= 0, JSON.stringify(t));
    },
  );
});
