/**
 * Fuzz tests: random and mutated input never throws out of the pipeline, never stops a
 * decoder with an exception, never hangs. Seeds are fixed (reproducible); FUZZ_ITERATIONS
 * raises the count for a longer local run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Pipeline } from '../../decoders/pipeline';
import { ALL_DECODERS } from '../../decoders/registry';
import type { StreamDecoder } from '../../decoders/core/decoder';
import type { Dir } from '../../decoders/core/model';
import { nodeEnv } from '../../cli/platform/node-env';
import { testSession } from '../helpers/session';
import { sampleCaptures, SAMPLES } from '../helpers/samples';
import { rng } from '../helpers/split';

const ITER = Number(process.env.FUZZ_ITERATIONS ?? 12);
/** A run over a small mutated capture taking longer than this is a hang. */
const HANG_MS = 10_000;

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = src.slice();
  const kind = Math.floor(r() * 4);
  const n = 1 + Math.floor(r() * 24);
  if (kind === 0) for (let i = 0; i < n; i++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
  else if (kind === 1) for (let i = 0; i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
  else if (kind === 2) {
    // Overwrite a run with 0xff / 0x00 (lengths that lie).
    const at = Math.floor(r() * b.length);
    b.fill(r() < 0.5 ? 0xff : 0x00, at, at + n);
  } else return b.subarray(0, Math.floor(r() * b.length)); // truncation
  return b;
}

function runPipeline(bytes: Uint8Array, chunk: number): { stopped: string[] } {
  const stopped: string[] = [];
  const p = new Pipeline({ env: nodeEnv() }, {
    call: (c) => JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    flow: (f) => stopped.push(...f.warnings.filter((w) => w.includes('stopped on this connection'))),
  });
  for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, i + chunk));
  p.end();
  return { stopped };
}

describe('fuzz: mutated sample captures', () => {
  for (const rel of sampleCaptures()) {
    it(rel, () => {
      let src: Uint8Array = readFileSync(join(SAMPLES, rel));
      if (rel.endsWith('.gz')) src = gunzipSync(src);
      if (src.length > 2 << 20) src = src.subarray(0, 2 << 20);
      let seed = 0;
      for (const c of rel) seed = (seed * 31 + c.charCodeAt(0)) | 0;
      const r = rng(seed);
      for (let i = 0; i < ITER; i++) {
        const m = mutate(src, r);
        const t = Date.now();
        const { stopped } = runPipeline(m, 1 + Math.floor(r() * 70000));
        const ms = Date.now() - t;
        assert.ok(ms < HANG_MS, `${rel} mutation ${i}: took ${ms} ms`);
        assert.deepEqual(stopped, [], `${rel} mutation ${i} (seed ${seed}): a decoder threw`);
      }
    });
  }
});

describe('fuzz: random bytes into every decoder', () => {
  for (const spec of ALL_DECODERS) {
    if (spec.transport !== 'tcp') continue;
    it(spec.id, () => {
      const r = rng(spec.id.length * 1009 + spec.id.charCodeAt(0));
      for (let i = 0; i < ITER * 4; i++) {
        const s = testSession();
        let d: StreamDecoder;
        try {
          d = spec.create(s) as StreamDecoder;
        } catch (e) {
          assert.fail(`${spec.id}: create threw ${(e as Error).message}`);
        }
        const offsets: Record<Dir, number> = { c2s: 0, s2c: 0 };
        const t = Date.now();
        for (let k = 0; k < 20; k++) {
          const dir: Dir = r() < 0.5 ? 'c2s' : 's2c';
          const len = Math.floor(r() * 600);
          const bytes = new Uint8Array(len);
          for (let j = 0; j < len; j++) bytes[j] = r() < 0.3 ? [0, 0xff, 0x0d, 0x0a, 0x20][Math.floor(r() * 5)] : Math.floor(r() * 256);
          const at = { frame: k + 1, tsUs: 1e15 + k, streamOffset: offsets[dir] };
          offsets[dir] += len;
          if (r() < 0.05) d.gap(dir, 1 + Math.floor(r() * 100), at);
          else d.data(dir, bytes, at);
        }
        d.end('c2s', { frame: 99, tsUs: 1e15 + 99, streamOffset: offsets.c2s });
        d.end('s2c', { frame: 99, tsUs: 1e15 + 99, streamOffset: offsets.s2c });
        d.close({ frame: 99, tsUs: 1e15 + 99, streamOffset: 0 });
        assert.ok(Date.now() - t < HANG_MS, `${spec.id}: random input took too long`);
        for (const c of s.calls) JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      }
    });
  }
});
