/**
 * Second held-out round (test/heldout-http/README.md, "Second round"): what recording nginx 1.22,
 * Go 1.19 net/http, Node 20 (undici fetch, node:http) and aiohttp 3.8 showed about the HTTP/1.1
 * decoder. Each case is the smallest conversation that reproduces what a real capture did; the ones
 * marked `todo` fail today and say where the fix belongs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/http1/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import type { Call } from '../../../decoders/core/model';
import { testSession } from '../../helpers/session';
import { calls as feed } from './feed';

const T = (s: string) => new TextEncoder().encode(s);
const CRLF = '\r\n';
const msg = (lines: string[], body = '') => lines.join(CRLF) + CRLF + CRLF + body;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;
const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

type Ev = ['data' | 'gap', 'c2s' | 's2c', string | number, number];

/** Feed events with explicit frames and times, in the order the TCP reassembly delivers them. */
function decode(events: Ev[]): Call[] {
  const s = testSession();
  const d = spec.create(s) as StreamDecoder;
  const off = { c2s: 0, s2c: 0 };
  let last = 0;
  for (const [kind, dir, what, frame] of events) {
    const at = { frame, tsUs: 1_000 * frame, streamOffset: off[dir] };
    if (kind === 'gap') {
      d.gap(dir, what as number, at);
      off[dir] += what as number;
    } else {
      d.data(dir, T(what as string), at);
      off[dir] += (what as string).length;
    }
    last = Math.max(last, frame);
  }
  d.close({ frame: last + 1, tsUs: 1_000 * (last + 1), streamOffset: 0 });
  return s.calls;
}

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
    {
      todo: 'Http1Decoder.noteLostMessages sizes the gap with lostCount on request sizes (after a 28-byte GET a 56-byte POST is "two requests"): one orphan response is consumed and a second stand-in takes /c\'s response, shifting every later pair. Without pipelining the captured orphan responses are the count.',
    },
    () => {
      assert.deepEqual(pairs(decode(events)), ['GET /a 1', 'HTTP ? 2', 'GET /c 3', 'GET /d 4']);
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
    {
      todo: 'Http1Decoder.onEnd takes the request still waiting for its Content-Length body at the FIN as cut ("connection ended before the message did (3000 body bytes missing)", state incomplete). When the request asked for 100-continue, no body byte came, and its exchange already has a final (>= 200) response, the client was right not to send it: end the request with no body and a note, not as cut.',
    },
    () => {
      const cs = feed(packets, { how: 'fin' });
      assert.equal(cs.length, 1);
      assert.equal(cs[0].status?.code, 413);
      assert.equal(cs[0].state, 'complete');
      assert.ok(!cs[0].warnings.some((w) => /missing/.test(w)), cs[0].warnings.join());
    },
  );
  it('a body that did start and was cut stays incomplete (what the fix must keep)', () => {
    const cs = feed([{ ...packets[0], data: `${packets[0].data}aaaa` }, ...packets.slice(1)], { how: 'fin' });
    assert.equal(cs[0].state, 'incomplete');
  });
});
