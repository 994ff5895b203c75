/**
 * Feeding helpers for captures with gaps (snaplen, kernel drops), shared by the kafka, mqtt, zmtp,
 * redis, websocket, stomp, nats and amqp tests: a script of steps — bytes of one direction, or a
 * number of bytes of it that the capture does not have — replayed whole or split, and the snaplen
 * pattern (`tcpdump -s 80` on loopback keeps the first 14 payload bytes of every segment).
 */
import assert from 'node:assert/strict';
import type { DecoderSession, Position, StreamDecoder } from '../../decoders/core/decoder';
import type { Dir } from '../../decoders/core/model';
import { fromHex } from '../../decoders/core/bytes';
import { testSession, type TestSession } from './session';

export interface Step {
  dir: Dir;
  /** Captured bytes… */
  bytes?: Uint8Array;
  /** …or this many bytes not captured. */
  gap?: number;
  /** Packet number (default: a new one per data step; a gap is in the packet of the step before it). */
  frame?: number;
}

export const data = (dir: Dir, hex: string): Step => ({ dir, bytes: fromHex(hex) });
export const text = (dir: Dir, t: string): Step => ({ dir, bytes: new TextEncoder().encode(t) });
export const hole = (dir: Dir, n: number): Step => ({ dir, gap: n });

/** Whole segments of one direction (hex), each its own packet. */
export interface Packet {
  dir: Dir;
  bytes: Uint8Array;
}
export const pkt = (dir: Dir, hex: string): Packet => ({ dir, bytes: fromHex(hex) });
export const tpkt = (dir: Dir, t: string): Packet => ({ dir, bytes: new TextEncoder().encode(t) });

/** The snaplen pattern: each packet keeps its first `keep` payload bytes, the rest is a gap in the same packet. */
export function snaplen(packets: Packet[], keep: number): Step[] {
  const out: Step[] = [];
  packets.forEach((p, i) => {
    out.push({ dir: p.dir, bytes: p.bytes.subarray(0, keep), frame: i + 1 });
    if (p.bytes.length > keep) out.push({ dir: p.dir, gap: p.bytes.length - keep, frame: i + 1 });
  });
  return out;
}

/** 'whole', 'bytes' (every data step byte by byte) or a seed for random cuts. */
export type GapSplit = 'whole' | 'bytes' | number;

/** Replay steps into a fresh decoder; `how` closes the flow like the pipeline would. */
export function feed(create: (s: DecoderSession) => StreamDecoder, steps: Step[], split: GapSplit = 'whole', session?: TestSession): TestSession {
  const s = session ?? testSession();
  const d = create(s);
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  let seed = typeof split === 'number' ? split : 0;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let frame = 0;
  const at = (f: number, dir: Dir, extra = 0): Position => ({ frame: f, tsUs: 1_000_000 + f * 1000, streamOffset: off[dir] + extra });
  for (const st of steps) {
    if (st.gap !== undefined) {
      const f = st.frame ?? Math.max(frame, 1);
      d.gap(st.dir, st.gap, at(f, st.dir));
      off[st.dir] += st.gap;
      continue;
    }
    const b = st.bytes ?? new Uint8Array(0);
    frame = st.frame ?? frame + 1;
    const cuts: number[] = [];
    if (split === 'bytes') for (let k = 1; k < b.length; k++) cuts.push(k);
    else if (typeof split === 'number') for (let k = 1; k < b.length; k++) if (rnd() < 0.2) cuts.push(k);
    let prev = 0;
    for (const c of [...cuts, b.length]) {
      if (c > prev) d.data(st.dir, b.subarray(prev, c), at(frame, st.dir, prev));
      prev = c;
    }
    off[st.dir] += b.length;
  }
  const end = at(frame + 1, 'c2s');
  d.end('c2s', { ...end, streamOffset: off.c2s });
  d.end('s2c', { ...end, streamOffset: off.s2c });
  d.close(end);
  return s;
}

const json = (s: TestSession) => JSON.parse(JSON.stringify({ calls: s.calls, warnings: s.warnings }));

/** The same calls and warnings whether the captured bytes come whole, byte by byte or cut at random. */
export function assertGapSplitInvariant(create: (s: DecoderSession) => StreamDecoder, steps: Step[]): void {
  const whole = json(feed(create, steps));
  assert.deepEqual(json(feed(create, steps, 'bytes')), whole, 'byte by byte differs');
  for (const seed of [1, 2, 3]) assert.deepEqual(json(feed(create, steps, seed)), whole, `random split ${seed} differs`);
}

/** `calls` as "method target state" lines, for short assertions. */
export const brief = (s: TestSession) => s.calls.map((c) => `${c.method}${c.target ? ` ${c.target}` : ''} ${c.state}`);
