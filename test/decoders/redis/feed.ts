/**
 * Feeding helpers shared by the redis/nats/zmtp/websocket tests: a script of segments (direction,
 * bytes, frame, time) replayed into a decoder whole, split at every byte, or split at random.
 */
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import type { Dir } from '../../../decoders/core/model';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession, type TestSession } from '../../helpers/session';

export interface Segment {
  dir: Dir;
  bytes: Uint8Array;
}

export const seg = (dir: Dir, hexOrText: string | Uint8Array, text = false): Segment => ({
  dir,
  bytes: typeof hexOrText !== 'string' ? hexOrText : text ? new TextEncoder().encode(hexOrText) : fromHex(hexOrText),
});
export const c2s = (t: string) => seg('c2s', t, true);
export const s2c = (t: string) => seg('s2c', t, true);

/** 'whole' | 'bytes' (every byte its own chunk) | number (random seed: random cuts). */
export type Split = 'whole' | 'bytes' | number;

export function replay(create: (s: DecoderSession) => StreamDecoder, segments: Segment[], split: Split = 'whole', session?: TestSession): TestSession {
  const s = session ?? testSession();
  const d = create(s);
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  let seed = typeof split === 'number' ? split : 0;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  segments.forEach((g, i) => {
    const frame = i + 1;
    const tsUs = 1_000_000 + i * 1000;
    const cuts: number[] = [];
    if (split === 'bytes') for (let k = 1; k < g.bytes.length; k++) cuts.push(k);
    else if (typeof split === 'number') for (let k = 1; k < g.bytes.length; k++) if (rnd() < 0.2) cuts.push(k);
    let prev = 0;
    for (const c of [...cuts, g.bytes.length]) {
      d.data(g.dir, g.bytes.subarray(prev, c), { frame, tsUs, streamOffset: off[g.dir] + prev });
      prev = c;
    }
    off[g.dir] += g.bytes.length;
  });
  const endAt = { frame: segments.length, tsUs: 1_000_000 + segments.length * 1000, streamOffset: 0 };
  d.end('c2s', { ...endAt, streamOffset: off.c2s });
  d.end('s2c', { ...endAt, streamOffset: off.s2c });
  d.close(endAt);
  return s;
}

/** Calls without ids (ids depend on nothing but order; kept) — JSON for deep comparison. */
export function snapshot(s: TestSession): unknown {
  return JSON.parse(JSON.stringify({ calls: s.calls, warnings: s.warnings }));
}

/** Cheap deterministic PRNG for fuzzing (the shared one). */
export { rng as prng } from '../../helpers/split';
