/**
 * Feeding helpers for the TLS and QUIC tests: a script of segments (direction, bytes or a gap)
 * replayed into a decoder whole, split at every byte, or split at random points. Segment i is
 * frame i + 1 at 1 s + i ms.
 */
import type { CloseReason, DatagramDecoder, StreamDecoder } from '../../../decoders/core/decoder';
import type { Call, Dir } from '../../../decoders/core/model';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession, type TestSession } from '../../helpers/session';
import { spec as tlsSpec } from '../../../decoders/tls/index';
import { spec as quicSpec } from '../../../decoders/quic/index';

export type Segment = { dir: Dir; bytes: Uint8Array } | { dir: Dir; gap: number };

/** Hex with `#` comments and any whitespace (fixtures annotated field by field). */
export const hex = (h: string) => fromHex(h);
export const seg = (dir: Dir, h: string | Uint8Array): Segment => ({ dir, bytes: typeof h === 'string' ? fromHex(h) : h });
export const gap = (dir: Dir, n: number): Segment => ({ dir, gap: n });

export type Split = 'whole' | 'bytes' | number;

export const tsOf = (i: number) => 1_000_000 + i * 1000;

export function feedTls(segments: Segment[], split: Split = 'whole', how?: CloseReason, session?: TestSession): TestSession {
  const s = session ?? testSession({ flow: { server: { ip: '192.0.2.10', port: 443 } } });
  const d = tlsSpec.create(s) as StreamDecoder;
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  let seed = typeof split === 'number' ? split : 0;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  segments.forEach((g, i) => {
    const frame = i + 1;
    const tsUs = tsOf(i);
    if ('gap' in g) {
      d.gap(g.dir, g.gap, { frame, tsUs, streamOffset: off[g.dir] });
      off[g.dir] += g.gap;
      return;
    }
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
  const endAt = { frame: segments.length, tsUs: tsOf(segments.length), streamOffset: 0 };
  d.end('c2s', { ...endAt, streamOffset: off.c2s });
  d.end('s2c', { ...endAt, streamOffset: off.s2c });
  d.close(endAt, how);
  return s;
}

/** The one call of a connection (asserting there is exactly one). */
export function only(s: TestSession): Call {
  if (s.calls.length !== 1) throw new Error(`expected one call, got ${s.calls.length} (warnings: ${s.warnings.join('; ')})`);
  return s.calls[0];
}

export function feedQuic(datagrams: Array<{ dir: Dir; bytes: Uint8Array }>, session?: TestSession): TestSession {
  const s = session ?? testSession({ flow: { transport: 'udp', server: { ip: '192.0.2.10', port: 443 } } });
  const d = quicSpec.create(s) as DatagramDecoder;
  datagrams.forEach((g, i) => d.datagram(g.dir, g.bytes, { frame: i + 1, tsUs: tsOf(i), streamOffset: 0 }));
  d.close({ frame: datagrams.length, tsUs: tsOf(datagrams.length), streamOffset: 0 });
  return s;
}

/** Cheap deterministic PRNG for fuzzing (the shared one). */
export { rng as prng } from '../../helpers/split';
