/**
 * Test harness for the broker decoders: scripts of (direction, hex) segments — each segment is
 * one "packet" with its own frame number and time — fed whole, split at every byte, or mutated.
 */
import assert from 'node:assert/strict';
import type { CloseReason, DecoderSpec, StreamDecoder } from '../../../decoders/core/decoder';
import type { Call, Dir } from '../../../decoders/core/model';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession, type TestSession } from '../../helpers/session';

export type Script = Array<[Dir, string]>;

export interface RunResult {
  calls: Call[];
  session: TestSession;
}

/** Feed `script`; `splitter` cuts each segment into chunks (default: whole); `how` is why the flow closes (default: end of capture). */
export function run(spec: DecoderSpec, script: Array<[Dir, Uint8Array | string]>, splitter: (seg: number, b: Uint8Array) => Uint8Array[] = (_s, b) => [b], port?: number, how?: CloseReason): RunResult {
  const session = testSession({ flow: { server: { ip: '127.0.0.1', port: port ?? spec.ports?.[0] ?? 1 } } });
  const dec = spec.create(session) as StreamDecoder;
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  let last = { frame: 1, tsUs: 1_000_000, streamOffset: 0 };
  script.forEach(([dir, seg], i) => {
    const bytes = typeof seg === 'string' ? fromHex(seg) : seg;
    const frame = i + 1;
    const tsUs = 1_000_000 + i * 1000;
    for (const chunk of splitter(i, bytes)) {
      last = { frame, tsUs, streamOffset: off[dir] };
      dec.data(dir, chunk, last);
      off[dir] += chunk.length;
    }
  });
  dec.end('c2s', { ...last, streamOffset: off.c2s });
  dec.end('s2c', { ...last, streamOffset: off.s2c });
  dec.close(last, how);
  return { calls: session.calls, session };
}

const norm = (calls: Call[]) => JSON.parse(JSON.stringify(calls));

/** Whole vs. every segment split at every byte vs. byte by byte: identical calls. */
export function assertSplitInvariant(spec: DecoderSpec, script: Array<[Dir, Uint8Array | string]>, port?: number): void {
  const whole = norm(run(spec, script, undefined, port).calls);
  const bytes = run(spec, script, (_s, b) => Array.from(b, (_, i) => b.subarray(i, i + 1)), port);
  assert.deepEqual(norm(bytes.calls), whole, 'byte-by-byte differs');
  script.forEach(([, seg], idx) => {
    const len = typeof seg === 'string' ? fromHex(seg).length : seg.length;
    for (let k = 1; k < len; k++) {
      const r = run(spec, script, (s, b) => (s === idx ? [b.subarray(0, k), b.subarray(k)] : [b]), port);
      assert.deepEqual(norm(r.calls), whole, `split of segment ${idx} at ${k} differs`);
    }
  });
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutated and random inputs never throw, never hang, and leave no unbounded state. */
export function fuzz(spec: DecoderSpec, scripts: Array<Array<[Dir, Uint8Array | string]>>, iterations = 300, seed = 1): void {
  const rand = rng(seed);
  for (let it = 0; it < iterations; it++) {
    const base = scripts[it % scripts.length].map(([d, s]) => [d, typeof s === 'string' ? fromHex(s) : s.slice()] as [Dir, Uint8Array]);
    for (const [, b] of base) {
      const n = Math.floor(rand() * 4);
      for (let k = 0; k < n && b.length; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    }
    if (rand() < 0.2) base.push([rand() < 0.5 ? 'c2s' : 's2c', Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))]);
    if (rand() < 0.2 && base.length > 1) base.splice(Math.floor(rand() * base.length), 1);
    const t0 = Date.now();
    const r = run(spec, base, (_s, b) => {
      const out: Uint8Array[] = [];
      let o = 0;
      while (o < b.length) {
        const n = 1 + Math.floor(rand() * 16);
        out.push(b.subarray(o, o + n));
        o += n;
      }
      return out;
    });
    assert.ok(Date.now() - t0 < 2000, 'fuzz case too slow');
    JSON.stringify(r.calls);
  }
}
