/**
 * Held-out round 16 (test/heldout-h2r16/README.md): Varnish 7.1 (`-p feature=+http2`) and curl 7.88.1
 * `--http2` (HTTP/1.1 `Upgrade: h2c`). After its 101, a server's connection preface must start with a
 * SETTINGS frame (RFC 9113 §3.2 and §3.4). When the backend answers quickly, Varnish sends the upgraded
 * request's HEADERS on stream 1 first and its SETTINGS after; curl closes the connection with GOAWAY
 * PROTOCOL_ERROR "SETTINGS expected". The bytes are the capture's (varnish.pcap, frames 319–325).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { Pkt } from './h2';
import { enc, feed, frame, preface, settings } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const c2s = (h: string): Pkt => ({ dir: 'c2s', data: hex(h) });
const s2c = (h: string): Pkt => ({ dir: 's2c', data: hex(h) });

const init: HttpUpgradeInit = {
  kind: 'http-upgrade',
  protocol: 'h2c',
  request: {
    method: 'GET',
    uri: '/json?upgrade=1',
    headers: [
      ['Host', '127.0.0.1:28040'],
      ['Connection', 'Upgrade, HTTP2-Settings'],
      ['Upgrade', 'h2c'],
      ['HTTP2-Settings', 'AAMAAABkAAQCAAAAAAIAAAAA'],
    ],
    startUs: 1_000_000,
    endUs: 1_000_000,
    frame: 1,
  },
  response: { status: 101, reason: 'Switching Protocols', headers: [['Connection', 'Upgrade'], ['Upgrade', 'h2c']], startUs: 1_000_030, endUs: 1_000_030, frame: 2 },
  upgradeCallId: 1,
};

const PKTS: Pkt[] = [
  // client preface, SETTINGS (MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 32 MiB, ENABLE_PUSH 0), WINDOW_UPDATE
  c2s('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001204000000000000030000006400040200000000020000000000000408000000000001ff0001'),
  // the server's first frame: HEADERS stream 1 (END_HEADERS), :status 200 and Varnish's headers
  s2c(
    '00008a010400000001881f10186170706c69636174696f6e2f6f637465742d73747265616d1f0d0234371f121d4d6f6e2c203233204e6f7620323032362030393a33333a323620474d541f270d6879706572636f726e2d6831311009782d7661726e6973680536353534331f0601301f2d19312e31207661726e69736820285661726e6973682f372e31291f03056279746573',
  ),
  // curl: GOAWAY last stream 0, PROTOCOL_ERROR, "SETTINGS expected"
  c2s('000019070000000000000000000000000153455454494e4753206578706563746564'),
  // Varnish's SETTINGS (MAX_CONCURRENT_STREAMS 100), too late
  s2c('000006040000000000000300000064'),
];

describe('RFC 9113 §3.4: a connection preface that does not start with SETTINGS (Varnish 7.1 after h2c Upgrade)', () => {
  it("says the server's first frame is HEADERS (a flow warning); stream 1 ends at curl's GOAWAY", () => {
    const s = feed(PKTS, { init, how: 'fin' });
    const first = s.warnings.filter((w) => w.includes('first frame'));
    assert.equal(first.length, 1);
    assert.match(first[0], /server's first frame is HEADERS on stream 1, not SETTINGS.*RFC 9113 §3\.4/);
    const c = s.calls[0];
    assert.equal(c.status?.code, 200);
    assert.equal(c.state, 'aborted');
    assert.ok(c.warnings.some((w) => /GOAWAY PROTOCOL_ERROR \(SETTINGS expected\)/.test(w)));
  });
  it('is silent when SETTINGS comes first (the same server when the backend is slower)', () => {
    const ok = [PKTS[0], PKTS[3], PKTS[1]];
    const s = feed(ok, { init, how: 'fin' });
    assert.deepEqual(
      s.warnings.filter((w) => w.includes('first frame')),
      [],
    );
  });
  it('the client side too: a client whose first frame after the preface magic is not SETTINGS', () => {
    const pk: Pkt[] = [
      { dir: 'c2s', data: preface() },
      { dir: 'c2s', data: frame(1, 0x5, 1, hex('828684418aa0e41d139d09b8f01e07')) },
      { dir: 's2c', data: settings() },
    ];
    const s = feed(pk, { how: 'fin' });
    assert.ok(s.warnings.some((w) => /client's first frame is HEADERS on stream 1, not SETTINGS/.test(w)));
  });
  it('says nothing for a capture that starts mid-connection (no preface seen)', () => {
    const s = feed([{ dir: 's2c', data: frame(0, 1, 1, enc('tail')) }, { dir: 'c2s', data: frame(8, 0, 0, [0, 0, 1, 0]) }], { how: 'fin' });
    assert.deepEqual(
      s.warnings.filter((w) => w.includes('first frame')),
      [],
    );
  });
  it('the same calls whatever the segment size', () => {
    const whole = JSON.stringify(feed(PKTS, { init, how: 'fin' }).calls);
    for (const split of [1, 7, 64]) assert.equal(JSON.stringify(feed(PKTS, { init, how: 'fin', split }).calls), whole);
  });
});
