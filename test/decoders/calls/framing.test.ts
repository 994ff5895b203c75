/**
 * SizePrefixedFraming (decoders/calls/framing.ts), the uint32-size framing the kafka and
 * rabbitstream decoders share, driven with a toy protocol: a PDU is a size, then a tag byte (0x01).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SizePrefixedFraming, type Cut } from '../../../decoders/calls/framing';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import type { Dir } from '../../../decoders/core/model';
import { toHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { feed, data, hole, type Step } from '../../helpers/gap-feed';

interface Seen {
  dir: Dir;
  body: string;
  wire: number;
  frames: number[];
  cut?: Cut;
}

function toy(seen: Seen[], big: Array<{ dir: Dir; size: number; head: string }>, throwOn?: string) {
  return (s: DecoderSession): StreamDecoder => {
    const f = new SizePrefixedFraming(s, {
      prefix: 'toy: ',
      unit: 'pdu',
      minSize: 1,
      maxSize: 1000,
      resyncWindow: 1024,
      resumesAt: (dir) => `${dir} header`,
      plausible: (_dir, b, i, final) => (b.length - i < 5 ? (final ? 'no' : 'more') : b[i] === 0 && b[i + 4] === 0x01 ? 'yes' : 'no'),
      pdu: (dir, body, _start, _end, frames, wire, cut) => {
        if (throwOn && toHex(body) === throwOn) throw new Error('boom');
        seen.push({ dir, body: toHex(body), wire, frames, ...(cut ? { cut } : {}) });
      },
      tooLarge: (dir, size, head) => big.push({ dir, size, head: toHex(head) }),
    });
    return { data: (dir, b, at) => f.data(dir, b, at), gap: (dir, n, at) => f.gap(dir, n, at), end() {}, close: (at) => f.summary(at) };
  };
}

describe('SizePrefixedFraming', () => {
  it('hands out whole PDUs whatever the split, each with the packets that carried it', () => {
    const steps: Step[] = [data('c2s', '00000003010203000000'), data('c2s', '020104'), data('s2c', '0000000101')];
    for (const split of ['whole', 'bytes', 7] as const) {
      const seen: Seen[] = [];
      const s = feed(toy(seen, []), steps, split);
      assert.deepEqual(
        seen.map((x) => [x.dir, x.body, x.wire]),
        [
          ['c2s', '010203', 7],
          ['c2s', '0104', 6],
          ['s2c', '01', 5],
        ],
        String(split),
      );
      assert.deepEqual(seen[1].frames, [1, 2]);
      assert.deepEqual(s.warnings, []);
    }
  });

  it('a PDU larger than the buffer limit is skipped (its head given to the protocol) and the next one is read', () => {
    const env = nodeEnv();
    const session = testSession({ env: { ...env, limits: { ...env.limits, maxBufferedBytes: 16 } } });
    const seen: Seen[] = [];
    const big: Array<{ dir: Dir; size: number; head: string }> = [];
    const body = `01${'ab'.repeat(19)}`;
    feed(toy(seen, big), [data('s2c', `00000014${body.slice(0, 20)}`), data('s2c', `${body.slice(20)}0000000101`)], 'whole', session);
    assert.deepEqual(big, [{ dir: 's2c', size: 20, head: `00000014${body.slice(0, 16)}` }]);
    assert.deepEqual(seen.map((x) => x.body), ['01']);
  });

  it('a gap inside a PDU hands out its captured head, cut, and framing resumes after it', () => {
    const seen: Seen[] = [];
    const s = feed(toy(seen, []), [data('c2s', '000000050102'), hole('c2s', 3), data('c2s', '0000000101')]);
    assert.deepEqual(seen, [
      { dir: 'c2s', body: '0102', wire: 9, frames: [1], cut: { captured: 6, total: 9 } },
      { dir: 'c2s', body: '01', wire: 5, frames: [2] },
    ]);
    assert.deepEqual(s.warnings, []);
  });

  it('a gap over a boundary resynchronises on the next plausible header, with a flow warning', () => {
    const seen: Seen[] = [];
    const s = feed(toy(seen, []), [data('c2s', '0000000201'), hole('c2s', 4), data('c2s', 'ffee0000000101')]);
    assert.deepEqual(
      seen.map((x) => [x.body, x.cut]),
      [
        ['01', { captured: 5, total: 6 }],
        ['01', undefined],
      ],
    );
    assert.deepEqual(s.warnings, ['toy: 3 bytes missing (c2s) past the end of the pdu they cut; decoding resumes at the next plausible c2s header']);
    const s2 = feed(toy([], []), [hole('s2c', 4), data('s2c', 'ff0000000101')]);
    assert.deepEqual(s2.warnings, ['toy: 4 bytes missing (s2c) at a pdu boundary; decoding resumes at the next plausible s2c header']);
  });

  it('an implausible size without a gap stops that direction only; an internal error stops the connection', () => {
    const seen: Seen[] = [];
    const s = feed(toy(seen, []), [data('c2s', '00000000'), data('c2s', '0000000101'), data('s2c', '0000000101')]);
    assert.deepEqual(seen.map((x) => x.dir), ['s2c']);
    assert.deepEqual(s.warnings, ['toy: frame size 0 is implausible (c2s); the rest of this direction is not decoded']);
    const seen2: Seen[] = [];
    const s2 = feed(toy(seen2, [], '01'), [data('c2s', '0000000101'), data('s2c', '000000020102')]);
    assert.deepEqual(seen2, []);
    assert.deepEqual(s2.warnings, ['toy: internal error: boom']);
  });
});
