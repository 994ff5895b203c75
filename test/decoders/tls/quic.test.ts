import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatagram, probeQuic, quicVersionName, QUIC_HINT } from '../../../decoders/quic/index';
import { feedQuic, hex, only, prng } from './feed';

const NOT_OPENED = 'authentication failed (not an Initial of this connection, or damaged)';

/** Pad a datagram with (encrypted-looking) bytes up to `size`. */
const pad = (h: string, size: number) => {
  const b = hex(h);
  const out = new Uint8Array(Math.max(size, b.length)).fill(0x5a);
  out.set(b);
  return out;
};

/**
 * A client Initial (RFC 9000 §17.2.2) padded to 1200 bytes (§14.1): long header, fixed bit,
 * type Initial, packet number length 4.
 */
const CLIENT_INITIAL = pad(
  `
  c3                                # 1 (long) 1 (fixed) 00 (Initial) 00 11 (pn length 4)
  00000001                          # version 1
  08 8394c8f03e515708               # DCID, 8 bytes
  08 0011223344556677               # SCID, 8 bytes
  00                                # token length 0 (varint)
  4496                              # length 1174 (2-byte varint): packet number + payload
  00000000                          # packet number (protected)
  `,
  1200,
);

/** The server's answer: an Initial coalesced with a Handshake packet (§12.2). */
const SERVER_INITIAL_HANDSHAKE = pad(
  `
  c1 00000001 08 0011223344556677 08 f067a5502a4262b5   # Initial: DCID = client's SCID, server's SCID
  00 4014 ${'00'.repeat(20)}                            # no token, length 20
  e1 00000001 08 0011223344556677 08 f067a5502a4262b5   # Handshake (type 10)
  4020 ${'00'.repeat(32)}                               # length 32
  `,
  0,
);

/** Short header (§17.3): 1-RTT, after the handshake. */
const SHORT = pad('41 f067a5502a4262b5 00', 60);

/** Version Negotiation (§17.2.1): version 0, then the versions the server supports. */
const VERSION_NEGOTIATION = hex('80 00000000 08 0011223344556677 08 8394c8f03e515708 6b3343cf ff00001d');

describe('RFC 9000 §17.2 long header packets', () => {
  it('parses coalesced packets (§12.2) with their connection IDs', () => {
    const { packets, problem } = parseDatagram(SERVER_INITIAL_HANDSHAKE);
    assert.equal(problem, undefined);
    assert.deepEqual(packets.map((p) => p.type), ['Initial', 'Handshake']);
    assert.equal(Buffer.from(packets[0].scid!).toString('hex'), 'f067a5502a4262b5');
  });
  it('RFC 9369 §3.2: QUIC v2 numbers the types differently (Initial is 01)', () => {
    const v2 = pad('d3 6b3343cf 08 8394c8f03e515708 00 00 4496 00000000', 1200);
    assert.equal(parseDatagram(v2).packets[0].type, 'Initial');
    assert.equal(quicVersionName(0x6b3343cf), 'QUIC v2');
    assert.equal(quicVersionName(0xff00001d), 'draft-29');
  });
  it('lengths that do not fit are a problem, not a throw', () => {
    assert.match(parseDatagram(hex('c3 00000001 08 8394c8f03e515708 00 00 4496 00')).problem ?? '', /Initial packet length does not fit/);
    assert.match(parseDatagram(hex('c3 00000001 ff 00')).problem ?? '', /destination connection ID length 255/);
  });
});

describe('RFC 9000 §14.1 probe: a client Initial of at least 1200 bytes', () => {
  it('accepts a client Initial and a server Initial; rejects short headers, small or unknown ones', () => {
    assert.equal(probeQuic(CLIENT_INITIAL, 'c2s'), 'accept');
    assert.equal(probeQuic(SERVER_INITIAL_HANDSHAKE, 's2c'), 'accept');
    assert.equal(probeQuic(CLIENT_INITIAL.subarray(0, 600), 'c2s'), 'reject', 'under 1200 bytes: not a client Initial');
    assert.equal(probeQuic(SHORT, 'c2s'), 'reject');
    assert.equal(probeQuic(Uint8Array.from(CLIENT_INITIAL, (b, i) => (i === 4 ? 7 : b)), 'c2s'), 'reject', 'unknown version');
    assert.equal(probeQuic(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), 'c2s'), 'reject');
    // A DNS query (UDP 53) starts with an id and flags: never a long header with a known version.
    assert.equal(probeQuic(hex('c3a1 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001'), 'c2s'), 'reject');
  });
});

describe('a QUIC flow becomes one call', () => {
  it('named with its version, connection IDs and counts', () => {
    const c = only(
      feedQuic([
        { dir: 'c2s', bytes: CLIENT_INITIAL },
        { dir: 's2c', bytes: SERVER_INITIAL_HANDSHAKE },
        { dir: 'c2s', bytes: SHORT },
        { dir: 's2c', bytes: SHORT },
        { dir: 's2c', bytes: SHORT },
      ]),
    );
    assert.equal(c.protocol, 'quic');
    assert.equal(c.kind, 'event');
    assert.equal(c.method, 'QUIC connection');
    assert.equal(c.target, '192.0.2.10:443');
    assert.deepEqual(c.status, { code: 'QUIC v1', ok: true });
    assert.equal(c.state, 'complete');
    assert.equal(c.fields['quic.version'], '0x00000001');
    assert.equal(c.fields['quic.dcid'], '8394c8f03e515708');
    assert.equal(c.fields['quic.server_scid'], 'f067a5502a4262b5');
    assert.equal(c.fields['quic.c2s_packets'], 2);
    assert.equal(c.fields['quic.s2c_packets'], 3);
    assert.equal(c.fields['quic.c2s_bytes'], 1260);
    assert.equal(c.fields['quic.packet_types'], 'Initial,Handshake,1-RTT');
    assert.deepEqual(c.timing, { startUs: 1_000_000, responseStartUs: 1_001_000, endUs: 1_002_000 });
    assert.deepEqual(c.messages?.map((m) => `${m.dir} ${m.label}`), ['c2s Initial', 's2c Initial', 's2c Handshake', 'c2s 1-RTT (short header, first packet)', 's2c 1-RTT (short header, first packet)']);
    // (these Initials are made up: their payload is no real ciphertext, so opening them fails, and says so)
    assert.deepEqual(c.warnings, [`c2s Initial packet (frame 1) not opened: ${NOT_OPENED}`, `s2c Initial packet (frame 2) not opened: ${NOT_OPENED}`, QUIC_HINT]);
  });
  it('a Version Negotiation answer is not ok', () => {
    const c = only(feedQuic([{ dir: 'c2s', bytes: CLIENT_INITIAL }, { dir: 's2c', bytes: VERSION_NEGOTIATION }]));
    assert.deepEqual(c.status, { code: 'version negotiation', text: 'server offers QUIC v2, draft-29', ok: false });
    assert.equal(c.fields['quic.supported_versions'], '0x6b3343cf,0xff00001d');
  });
  it('no answer: pending, with a warning', () => {
    const c = only(feedQuic([{ dir: 'c2s', bytes: CLIENT_INITIAL }]));
    assert.equal(c.state, 'pending');
    assert.deepEqual(c.warnings, [`c2s Initial packet (frame 1) not opened: ${NOT_OPENED}`, 'no answer from the server']);
  });
  it('random and mutated datagrams never throw', () => {
    const r = prng(9000);
    for (let i = 0; i < 400; i++) {
      const dgs = [CLIENT_INITIAL, SERVER_INITIAL_HANDSHAKE, SHORT, VERSION_NEGOTIATION].map((d) => {
        const b = r() < 0.3 ? new Uint8Array(Math.floor(r() * 80)).map(() => Math.floor(r() * 256)) : d.slice(0, 1 + Math.floor(r() * d.length));
        for (let k = 0; k < 4; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        return { dir: (r() < 0.5 ? 'c2s' : 's2c') as 'c2s' | 's2c', bytes: b };
      });
      const s = feedQuic(dgs);
      assert.equal(s.calls.length, 1);
      JSON.stringify(s.calls);
    }
  });
});
