/**
 * Held-out round 14 (test/heldout-lua/README.md): lua-http 0.4 (Lua 5.2) client and server over h2c.
 * lua-http's HPACK encoder writes an integer equal to its prefix's maximum (index 63 with a 6-bit
 * prefix) as the prefix alone, without the 0x00 that must follow (RFC 7541 §5.1): the next byte is read
 * as the integer's continuation, and the server answers with GOAWAY COMPRESSION_ERROR, "index 68 not
 * found in table". Its client keeps the TCP connection open until it gives up (19 s later). The bytes
 * are the capture's (lua-h2.pcap, third connection).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pkt } from './h2';
import { feed } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const c2s = (h: string): Pkt => ({ dir: 'c2s', data: hex(h) });
const s2c = (h: string): Pkt => ({ dir: 's2c', data: hex(h) });

const PKTS: Pkt[] = [
  // preface, SETTINGS, HEADERS stream 1: GET /small, x-a: 1, x-b: 2 (both indexed: the table now holds x-b, x-a, :path, :authority)
  c2s('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a0000000400000000000000290105000000018286410f3132372e302e302e313a323831303144062f736d616c6c4003782d6101314003782d620132'),
  s2c('000000040000000000'),
  s2c('000000040100000000'),
  c2s('000000040100000000'),
  s2c('00000d010400000001885f0a746578742f706c61696e'),
  s2c('00000600010000000168656c6c6f20'),
  c2s('00000408000000000100000006'),
  c2s('00000408000000000000000006'),
  // HEADERS stream 3: 82 86 c1 c0, then x-a by name index 63 written as 7f alone, then 05 "other"
  c2s('00000b0105000000038286c1c07f056f74686572'),
  // GOAWAY last stream 3, COMPRESSION_ERROR, "index 68 not found in table"
  s2c('0000230700000000000000000300000009696e646578203638206e6f7420666f756e6420696e207461626c65'),
];

describe('RFC 7541 §5.1 / RFC 9113 §5.4.1: a header block the server cannot decode, then its GOAWAY COMPRESSION_ERROR (lua-http 0.4)', () => {
  it('the first stream is whole; the second cannot be read, and ends with the connection error, not 1 s later when TCP closes', () => {
    const s = feed(PKTS, { how: 'fin' });
    const [a, b] = s.calls;
    assert.deepEqual([a.method, a.target, a.status?.code, a.state, a.response?.body?.size], ['GET', '/small', 200, 'complete', 6]);
    assert.equal(b.fields['http.request.method'], '?');
    assert.equal(b.state, 'aborted');
    assert.deepEqual(b.warnings, [
      'request headers of stream 3 could not be decoded (index 68 out of range (table has 4 dynamic entries))',
      "stream 3 ended by the server's connection error: GOAWAY COMPRESSION_ERROR (index 68 not found in table), last stream 3 (RFC 9113 §5.4.1)",
    ]);
    assert.equal(b.timing.endUs, 1_009_000, 'ends at the GOAWAY (packet 10), not at the FIN (2 s)');
    assert.ok(s.warnings.some((w) => w.includes('HPACK error (c2s, stream 3): index 68 out of range')));
  });
  it('at the end of the capture, with no FIN, it is aborted by the GOAWAY too (not "still open")', () => {
    const b = feed(PKTS).calls[1];
    assert.equal(b.state, 'aborted');
    assert.match(b.warnings.join(' '), /connection error: GOAWAY COMPRESSION_ERROR/);
  });
  it('a GOAWAY NO_ERROR leaves an open stream to the connection close, as before', () => {
    const graceful = [...PKTS.slice(0, 9), s2c('0000080700000000000000000300000000')];
    const b = feed(graceful, { how: 'fin' }).calls[1];
    assert.deepEqual(b.warnings.slice(1), ['stream 3 still open when the connection was closed (TCP FIN both ways)']);
  });
  it('any split gives the same calls', () => {
    const whole = JSON.stringify(feed(PKTS, { how: 'fin' }).calls);
    for (const split of [1, 5, 64]) assert.equal(JSON.stringify(feed(PKTS, { how: 'fin', split }).calls), whole);
  });
});

describe('RFC 9113 §8.1: the server resets a stream with NO_ERROR before its response ended (lua-http 0.4)', () => {
  // lua-lab.lua GET /trailers: HEADERS 200, DATA "with trailers" (no END_STREAM); the server's trailers
  // fail lua-http's own validation (it asks every response header block for :status) and it resets
  // the stream NO_ERROR; its client then reads no body. The capture's bytes (a one-stream run).
  const pk: Pkt[] = [
    c2s('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00000004000000000000001e0105000000018286410f3132372e302e302e313a323831303544092f747261696c657273'),
    s2c('000000040000000000'),
    s2c('000000040100000000'),
    c2s('000000040100000000'),
    s2c('00000d010400000001885f0a746578742f706c61696e'),
    s2c('00000d0000000000017769746820747261696c657273'),
    s2c('00000403000000000100000000'),
  ];
  it('is aborted, and the warning says the response is cut, not only "RST_STREAM NO_ERROR"', () => {
    const c = feed(pk, { how: 'fin' }).calls[0];
    assert.deepEqual([c.target, c.status?.code, c.state, c.response?.body?.size], ['/trailers', 200, 'aborted', 13]);
    assert.deepEqual(c.warnings, ['stream 1 reset by the server (RST_STREAM NO_ERROR) before its response ended: the response is cut (RFC 9113 §8.1 allows NO_ERROR after a complete one)']);
  });
});
