/**
 * Held-out round 14 (test/heldout-lua/README.md): curl 7.88 (nghttp2 1.52) with `--http2 -Z` against
 * Twisted 22.4's HTTP/2 server (TLS, ALPN h2; the bytes are the decrypted TLS stream of the capture,
 * `tshark -z follow,tls,raw`). Twisted sends each response's DATA without END_STREAM and the
 * END_STREAM in a later empty DATA frame; curl, whose transfer ends once it has the content-length
 * bytes (RFC 9113 §8.1.1), resets the streams not ended yet with RST_STREAM STREAM_CLOSED (RFC 9113
 * §5.4.2). The responses were whole: curl logged 200, 200, 200, 200, 404 with their bodies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, type Pkt } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const c2s = (h: string): Pkt => ({ dir: 'c2s', data: hex(h) });
const s2c = (h: string): Pkt => ({ dir: 's2c', data: hex(h) });

const PKTS: Pkt[] = [
  // preface, SETTINGS, WINDOW_UPDATE
  c2s('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001204000000000000030000006400040200000000020000000000000408000000000001ff0001'),
  // SETTINGS, SETTINGS ACK
  s2c('00002a04000000000000010000100000020000000000040000ffff000500004000000800000000000300000064000600010000000000040100000000'),
  // GET /json?n=1 (stream 1), SETTINGS ACK, GET /json?n=2, /json?n=3, /, /missing (streams 3–9)
  c2s('00002701050000000182048763a20f57f9540187418b089d5c0b8170dc13c1659f7a8825b650c3abbcf2e153032a2f2a'),
  c2s('000000040100000000'),
  c2s('0000110105000000033fe11f82048763a20f57f9540287c0bfbe'),
  c2s('00000f01050000000582048863a20f57f9540cff87c0bfbe'),
  c2s('000006010500000007828487c0bfbe'),
  c2s('00000d01050000000982048662932106aa6f87c0bfbe'),
  // HEADERS 200 (content-length 51) and DATA of stream 1 (no END_STREAM); HEADERS of 3, 5, 7, 9; DATA of 3
  s2c(
    '00003901040000000188768ddfe0c84964e458d8109769707f6196d07abe94132a693f75040138a01ab8d3571a1298b46f5f8b1d75d0620d263d4c7441ea5c826c3f' +
      '0000330000000000017b226f6b223a20747275652c202270617468223a20222f6a736f6e222c202261726773223a207b226e223a205b2231225d7d7d' +
      '00000501040000000388c1c0bfbe00000501040000000588c1c0bfbe00001001040000000788c1c05c820bdf5f87497ca589d34d1f0000080104000000098dc3c25c8208bfbf' +
      '0000330000000000037b226f6b223a20747275652c202270617468223a20222f6a736f6e222c202261726773223a207b226e223a205b2232225d7d7d',
  ),
  c2s('00000403000000000100000005'), // RST_STREAM 1 STREAM_CLOSED
  s2c('0000330000000000057b226f6b223a20747275652c202270617468223a20222f6a736f6e222c202261726773223a207b226e223a205b2233225d7d7d'),
  c2s('00000403000000000300000005'),
  s2c('00001200000000000768656c6c6f2066726f6d2074776973746564'),
  c2s('00000403000000000500000005'),
  s2c('00000c0000000000096e6f20737563682070616765'),
  c2s('00000403000000000700000005'),
  s2c('000000000100000007'), // the END_STREAM of stream 7, after its reset
];

describe('RFC 9113 §8.1.1 / §5.4.2: curl resets a stream it has every content-length byte of (Twisted h2 server)', () => {
  it('the four reset streams are complete, with their bodies; the reset is said, not taken for a failure', () => {
    const cs = feed(PKTS, { how: 'fin' }).calls;
    assert.deepEqual(
      cs.map((c) => [c.target, c.status?.code, c.state, c.response?.body?.size]),
      [
        ['/json?n=1', 200, 'complete', 51],
        ['/json?n=2', 200, 'complete', 51],
        ['/json?n=3', 200, 'complete', 51],
        ['/', 200, 'complete', 18],
        ['/missing', 404, 'complete', 12],
      ],
    );
    assert.deepEqual(cs[0].warnings, ["response of stream 1 had all its content-length bytes; the client then reset the stream (RST_STREAM STREAM_CLOSED) before the server's END_STREAM"]);
    assert.deepEqual(cs[0].response?.body?.value, { ok: true, path: '/json', args: { n: ['1'] } });
  });
  it('a reset before the last content-length byte stays aborted', () => {
    const cut = PKTS.slice(0, 9).concat([s2c('00000403000000000100000005')]);
    // stream 1 has all 51 bytes; drop its DATA to leave it short
    const short = [...cut];
    short[8] = s2c('00003901040000000188768ddfe0c84964e458d8109769707f6196d07abe94132a693f75040138a01ab8d3571a1298b46f5f8b1d75d0620d263d4c7441ea5c826c3f');
    short[9] = c2s('00000403000000000100000005');
    const c = feed(short, { how: 'fin' }).calls.find((x) => x.target === '/json?n=1');
    assert.equal(c?.state, 'aborted');
    assert.deepEqual(c?.warnings, ['stream 1 reset by the client: RST_STREAM STREAM_CLOSED']);
  });
  it('any split gives the same calls', () => {
    const whole = JSON.stringify(feed(PKTS, { how: 'fin' }).calls);
    for (const split of [1, 9, 64]) assert.equal(JSON.stringify(feed(PKTS, { how: 'fin', split }).calls), whole);
  });
});
