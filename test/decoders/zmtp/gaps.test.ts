/**
 * ZMTP 3.x over a capture with gaps (snaplen, kernel drops), with frames built as libzmq sends them
 * (greeting in three writes: signature, major version, the rest) and cut the way `tcpdump -s 80`
 * cuts them on loopback: 14 payload bytes kept per segment.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/zmtp/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex, toHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const hex = (s: string) => toHex(new TextEncoder().encode(s));
const len = (h: string) => fromHex(h).length;
const head = (h: string, n: number) => h.replace(/\s/g, '').slice(0, 2 * n);

// rfc 23 "The greeting": signature (10), major (1); minor, mechanism (20), as-server, filler (53).
const SIGNATURE = 'ff00000000000000017f';
const MAJOR = '03';
const rest = (mech = 'NULL', asServer = false) => '01' + hex(mech).padEnd(40, '0') + (asServer ? '01' : '00') + '00'.repeat(31);
// rfc 23 "Framing": flags, size, body.
function frame(flags: number, body: string): string {
  const n = body.length / 2;
  if (n > 255) return (flags | 2).toString(16).padStart(2, '0') + n.toString(16).padStart(16, '0') + body;
  return flags.toString(16).padStart(2, '0') + n.toString(16).padStart(2, '0') + body;
}
const prop = (k: string, v: string) => k.length.toString(16).padStart(2, '0') + hex(k) + v.length.toString(16).padStart(8, '0') + hex(v);
const command = (name: string, body = '') => frame(4, name.length.toString(16).padStart(2, '0') + hex(name) + body);
const ready = (type: string) => command('READY', prop('Socket-Type', type));
const msg = (...parts: string[]) => parts.map((p, i) => frame(i < parts.length - 1 ? 1 : 0, hex(p))).join('');

/** Both handshakes, each write its own segment, as libzmq sends them. */
const handshake = (client: string, server: string) => [
  pkt('s2c', SIGNATURE),
  pkt('c2s', SIGNATURE),
  pkt('s2c', MAJOR),
  pkt('c2s', MAJOR),
  pkt('s2c', rest('NULL', true)),
  pkt('c2s', rest()),
  pkt('s2c', ready(server)),
  pkt('c2s', ready(client)),
];
const steps = (packets: ReturnType<typeof pkt>[]): Step[] => packets.map((p) => ({ dir: p.dir, bytes: p.bytes }));

describe('rfc 23 "The greeting" and READY cut by a gap', () => {
  it('a greeting cut after the mechanism keeps version and mechanism; framing resumes after its 64 bytes', () => {
    const s = feed(create, [
      ...snaplen(handshake('REQ', 'REP').slice(0, 6), 14),
      ...steps(handshake('REQ', 'REP').slice(6)),
      data('c2s', msg('', 'Hello')),
      data('s2c', msg('', 'World')),
    ]);
    assert.deepEqual(brief(s), ['handshake REQ → REP complete', 'REQ complete']);
    const h = s.calls[0];
    assert.equal(h.fields['zmtp.version'], '3.1');
    assert.equal(h.fields['zmtp.mechanism'], 'NULL');
    assert.match(h.warnings.join(), /c2s greeting cut by a capture gap: 25 of 64 bytes captured/);
    assert.deepEqual(s.warnings, []);
  });

  it('a READY cut before its Socket-Type: the handshake says so and the messages are not given a type they may not have', () => {
    const s = feed(create, [...snaplen(handshake('REQ', 'REP'), 14), data('c2s', msg('', 'Hello')), data('s2c', msg('', 'World'))]);
    assert.deepEqual(brief(s), ['handshake complete', 'message complete', 'message complete']);
    assert.match(s.calls[0].warnings.join(), /c2s READY frame cut by a capture gap: 14 of 27 bytes captured, 13 missing \(Socket-Type not captured\)/);
  });

  it('subscriptions name the sides when READY was cut: a SUBSCRIBE comes from SUB, what its peer sends is a PUB delivery', () => {
    const s = feed(create, [...snaplen(handshake('SUB', 'PUB'), 14), data('c2s', command('SUBSCRIBE', hex('news'))), data('s2c', msg('news', 'rain'))]);
    assert.deepEqual(brief(s), ['handshake complete', 'SUBSCRIBE news complete', 'PUB news complete']);
    const d = s.calls[2];
    assert.equal(d.kind, 'deliver');
    assert.equal(d.fields['zmtp.socket_type_inferred'], true);
  });
});

describe('rfc 23 "Framing": a gap inside a frame', () => {
  const big = 'x'.repeat(300);
  it('a long message frame cut in its body: part sizes known, the next message read whole', () => {
    const m = msg('news', big);
    const n = len(m);
    const s = feed(create, [...steps(handshake('SUB', 'PUB')), data('s2c', head(m, 40)), hole('s2c', n - 40), data('s2c', msg('news', 'sun'))]);
    assert.deepEqual(brief(s), ['handshake SUB → PUB complete', 'PUB news complete', 'PUB news complete']);
    const d = s.calls[1];
    assert.equal(d.fields['zmtp.parts'], 2);
    assert.deepEqual((d.response?.value as { parts: Array<{ size: number }> }).parts.map((p) => p.size), [4, 300]);
    assert.equal(d.fields['msg.key'], undefined, 'a cut message joins nothing');
    assert.match(d.warnings.join(), /part 2: frame cut by a capture gap: 34 of 309 bytes captured, 275 missing/);
    assert.ok(s.calls[2].fields['msg.key']);
    assert.deepEqual(s.warnings, []);
  });
});

describe('rfc 23 "Framing", rfc 28 REQ/REP: a gap over a frame boundary', () => {
  it('a reply lost in the gap leaves its request incomplete; the next request and reply pair', () => {
    const st: Step[] = [
      ...steps(handshake('REQ', 'REP')),
      data('c2s', msg('', 'one')),
      hole('s2c', 9), // the reply to 'one'
      data('c2s', msg('', 'two')),
      data('s2c', msg('', 'TWO')),
    ];
    const s = feed(create, st);
    assert.deepEqual(brief(s), ['handshake REQ → REP complete', 'REQ incomplete', 'REQ complete']);
    assert.match(s.calls[1].warnings.join(), /no reply in the capture/);
    assert.deepEqual((s.calls[2].response?.value as { parts: Array<{ value: string }> }).parts[0].value, 'TWO');
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /s2c: 9 bytes missing from the capture at a frame boundary; decoding resumes at the next plausible frame/);
    assertGapSplitInvariant(create, st);
  });

  it('a multipart message whose last parts fell in the gap ends there; a command after the gap is found inside a segment', () => {
    const st: Step[] = [
      ...steps(handshake('SUB', 'PUB')),
      data('s2c', frame(1, hex('news'))),
      hole('s2c', 7),
      data('s2c', hex('abc') + msg('news', 'fog')),
      hole('c2s', 3),
      data('c2s', 'ff' + command('CANCEL', hex('news'))),
    ];
    const s = feed(create, st);
    assert.deepEqual(brief(s), ['handshake SUB → PUB complete', 'PUB news complete', 'PUB news complete', 'CANCEL news complete']);
    assert.match(s.calls[1].warnings.join(), /parts after a capture gap may be missing/);
    assertGapSplitInvariant(create, st);
  });
});

describe('ZMTP under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  it('handshake, subscriptions and deliveries', () => {
    const packets = [...handshake('SUB', 'PUB'), pkt('c2s', command('SUBSCRIBE', hex('weather'))), pkt('s2c', msg('weather.paris', '{"temp":21.5,"sky":"clear"}')), pkt('c2s', command('CANCEL', hex('weather')))];
    const st = snaplen(packets, 14);
    const s = feed(create, st);
    assert.deepEqual(brief(s), ['handshake complete', 'SUBSCRIBE we… complete', 'PUB weather.pari… complete', 'CANCEL weath… complete']);
    assertGapSplitInvariant(create, st);
  });
});
