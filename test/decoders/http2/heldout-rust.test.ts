/**
 * Held-out round 15 (test/heldout-rust/README.md): hyper 0.14.19's HTTP/2 server (Debian 12) answers
 * HEAD /big with HEADERS 200 (content-length 500000, no END_STREAM) and then sends the GET's body in
 * DATA frames. The response to HEAD has no content (RFC 9110 §6.4.1, §9.3.2) and DATA in it makes the
 * stream malformed (RFC 9113 §8.1.1): the h2 0.3 client resets it PROTOCOL_ERROR after 229 376 bytes,
 * and again STREAM_CLOSED as more DATA arrives; hyper's client had the 200 and read no body. The frames
 * up to the HEADERS and the resets are the capture's (`rustlab h2head`); the DATA frames carry the
 * server's bytes (i·31+7 mod 256), 4 before the first reset and 2 after it, as the capture has more.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, s2c as s2cF, type Pkt } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const c2s = (h: string): Pkt => ({ dir: 'c2s', data: hex(h) });
const s2c = (h: string): Pkt => ({ dir: 's2c', data: hex(h) });
const body = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => ((from + i) * 31 + 7) & 255);
const data = (k: number) => s2cF(frame(0, 0, 1, body(k * 16384, 16384)));

const PKTS: Pkt[] = [
  s2c('000018040000000000000300000064000400008000000500004000000601000000'), // SETTINGS
  c2s('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a'), // preface
  c2s('000012040000000000000200000000000400200000000500004000000000040100000000000004080000000000004f0001'), // SETTINGS, ACK, WINDOW_UPDATE
  s2c('000000040100000000'), // SETTINGS ACK
  c2s('0000190105000000014284c7821bff86418b089d5c0b8170dc13c2035f048362334d'), // HEADERS: HEAD /big, END_STREAM
  // HEADERS 200, content-type application/octet-stream, date, content-length 500000 (END_HEADERS only)
  s2c('000032010400000001885f901d75d0620d263d4c1c892a56426c28e96196d07abe94132a693f75040138a01db8272e040a62d1bf0f0d846c000001'),
  data(0),
  data(1),
  data(2),
  data(3),
  c2s('00000403000000000100000001'), // RST_STREAM 1 PROTOCOL_ERROR
  data(4),
  data(5),
  c2s('00000403000000000100000005'), // RST_STREAM 1 STREAM_CLOSED
];

describe('RFC 9113 §8.1.1 / RFC 9110 §9.3.2: DATA in the response to HEAD (hyper 0.14 server, h2 0.3 client)', () => {
  it('the response is whole at its HEADERS: complete, no body, and the warning names the DATA and the reset', () => {
    const c = feed(PKTS, { how: 'fin' }).calls[0];
    assert.deepEqual([c.method, c.target, c.status?.code, c.state, c.response?.body?.size ?? 0], ['HEAD', '/big', 200, 'complete', 0]);
    assert.deepEqual(c.warnings, [
      '65536 bytes of DATA in the response to HEAD /big, which has no content (RFC 9110 §6.4.1; malformed, RFC 9113 §8.1.1): not counted as its body; the client then reset the stream (RST_STREAM PROTOCOL_ERROR)',
    ]);
    assert.equal(c.fields['http2.rst_stream.error'], 'PROTOCOL_ERROR');
  });
  it('without a reset (a client that ignores the DATA), the same warning at the stream end', () => {
    const ended = [...PKTS.slice(0, 8), s2cF(frame(0, 1, 1, body(32768, 100)))];
    const c = feed(ended, { how: 'fin' }).calls[0];
    assert.deepEqual([c.state, c.response?.body?.size ?? 0], ['complete', 0]);
    assert.deepEqual(c.warnings, ['32868 bytes of DATA in the response to HEAD /big, which has no content (RFC 9110 §6.4.1; malformed, RFC 9113 §8.1.1): not counted as its body']);
  });
  it('a 204 with DATA is read the same way; a GET 200 keeps its body', () => {
    // stream 1 as GET (82 for 42 84 c7821bff, "HEAD"): the same frames are its body
    const get = PKTS.map((p, i) => (i === 4 ? c2s('0000140105000000018286418b089d5c0b8170dc13c2035f048362334d') : p));
    const g = feed(get.slice(0, 10), { how: 'fin' }).calls[0];
    assert.deepEqual([g.method, g.status?.code, g.response?.body?.size, g.state], ['GET', 200, 65536, 'aborted']);
    // and its response 204 (89 for 88)
    const nc = get.map((p, i) => (i === 5 ? s2c('000032010400000001895f901d75d0620d263d4c1c892a56426c28e96196d07abe94132a693f75040138a01db8272e040a62d1bf0f0d846c000001') : p));
    const n = feed(nc, { how: 'fin' }).calls[0];
    assert.deepEqual([n.status?.code, n.response?.body?.size ?? 0, n.state], [204, 0, 'complete']);
    assert.match(n.warnings[0], /^65536 bytes of DATA in a 204 response, which has no content/);
  });
  it('any split gives the same call', () => {
    const whole = JSON.stringify(feed(PKTS, { how: 'fin' }).calls);
    for (const split of [1, 7, 1000]) assert.equal(JSON.stringify(feed(PKTS, { how: 'fin', split }).calls), whole);
  });
});
