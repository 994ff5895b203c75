/**
 * ZMTP/2.0 (rfc.zeromq.org/spec/15): greeting = signature (0xFF, 8 bytes of ZMTP/1.0 length, 0x7F),
 * revision 0x01, socket type as a number, identity as a final frame; then frames of flags
 * (MORE 0x01, LONG 0x02) and a 1- or 8-byte size. No mechanism, no commands: subscriptions are
 * messages whose first byte is 1 or 0. Real segments: JeroMQ 0.3.6 (Debian libjeromq-java) on both
 * ends, test/heldout-java/jeromq/JeromqLab.java (REQ/REP, DEALER/ROUTER with an identity, SUB/PUB).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/zmtp/index';
import { fromHex } from '../../../decoders/core/bytes';
import type { Dir } from '../../../decoders/core/model';
import { assertSplitInvariant, run } from '../calls/harness';

const REQ_REP: Array<[Dir, string]> = [
  ['c2s', 'ff00000000000000017f'],
  ['s2c', 'ff00000000000000017f'],
  ['c2s', '0103'],
  ['s2c', '0104'],
  ['c2s', '00000100000768656c6c6f2030'],
  ['s2c', '0000'],
  ['s2c', '01000015776f726c6420302028676f742068656c6c6f203029'],
  ['c2s', '01000106706172742d3101000004000102ff'],
  ['s2c', '0100000f676f74207061727473203620302034'],
];
const DEALER_ROUTER: Array<[Dir, string]> = [
  ['s2c', 'ff00000000000000017f'],
  ['c2s', 'ff00000000000000097f'],
  ['s2c', '0106'],
  ['c2s', '0105'],
  ['s2c', '0000'],
  ['c2s', '00086465616c65722d4101036a6f6200077b226e223a307d'],
  ['s2c', '0104646f6e6500077b224e223a307d'],
];
const SUB_PUB: Array<[Dir, string]> = [
  ['s2c', 'ff00000000000000017f'],
  ['c2s', 'ff00000000000000017f'],
  ['s2c', '0101'],
  ['c2s', '0102'],
  ['s2c', '0000'],
  ['c2s', '0000000901776561746865722e0005016e657773'],
  ['s2c', '010d776561746865722e706172697300197061796c6f616420666f7220776561746865722e706172697301046e65777300107061796c6f616420666f72206e657773'],
  ['c2s', '0005006e657773'],
];

describe('ZMTP/2.0 (JeroMQ 0.3)', () => {
  it('is probed by its revision byte', () => {
    assert.equal(spec.probe!(fromHex('ff00000000000000097f0105'), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex('ff00000000000000017f00'), 'c2s'), 'reject');
  });

  it('REQ/REP: the greetings are the handshake; requests pair with replies, the delimiter left out', () => {
    const { calls } = run(spec, REQ_REP, undefined, 27060);
    const hs = calls.find((c) => c.method === 'handshake')!;
    assert.equal(hs.target, 'REQ → REP');
    assert.equal(hs.fields['zmtp.version'], '2.0');
    assert.deepEqual(hs.warnings, []);
    assert.equal(hs.state, 'complete');
    const reqs = calls.filter((c) => c.method === 'REQ');
    assert.equal(reqs.length, 2);
    assert.deepEqual(reqs[0].request?.value, { parts: [{ size: 7, value: 'hello 0' }] });
    assert.deepEqual(reqs[0].response?.value, { parts: [{ size: 21, value: 'world 0 (got hello 0)' }] });
    assert.deepEqual(reqs[1].request?.value, { parts: [{ size: 6, value: 'part-1' }, { size: 0, value: '' }, { size: 4, value: { hex: '000102ff', size: 4 } }] });
    for (const c of calls) assert.deepEqual(c.warnings, [], c.method);
    assertSplitInvariant(spec, REQ_REP, 27060);
  });

  it('DEALER/ROUTER: the identity from the greeting; SUB/PUB: subscriptions, deliveries, a cancel', () => {
    const dr = run(spec, DEALER_ROUTER, undefined, 27061).calls;
    const hs = dr.find((c) => c.method === 'handshake')!;
    assert.equal(hs.fields['zmtp.identity'], 'dealer-A');
    assert.equal(hs.target, 'DEALER → ROUTER');
    assert.deepEqual(dr.find((c) => c.method === 'DEALER')?.request?.value, { parts: [{ size: 3, value: 'job' }, { size: 7, value: { n: 0 } }] });
    const sp = run(spec, SUB_PUB, undefined, 27062).calls;
    assert.deepEqual(
      sp.filter((c) => c.method !== 'handshake').map((c) => `${c.method} ${c.target}`),
      ['SUBSCRIBE weather.', 'SUBSCRIBE news', 'PUB weather.paris', 'PUB news', 'CANCEL news'],
    );
    for (const c of [...dr, ...sp]) assert.deepEqual(c.warnings, [], c.method);
  });

  it('an identity frame that is not a final frame stops the direction with a warning', () => {
    const { session } = run(spec, [['c2s', 'ff00000000000000017f0103010000']], undefined, 27060);
    assert.ok(session.warnings.some((w) => /ZMTP 2.0 identity frame flags 0x1/.test(w)), session.warnings.join('; '));
  });
});
