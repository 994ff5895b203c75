/**
 * Fuzz: TLS decryption on mutated input never throws out of the decoder, never stops it, never
 * hangs. samples/tls-keylog/tls-keylog.pcap is mutated with its key log given, and the key log
 * itself is mutated (wrong lengths, bad hex, lines cut).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Pipeline } from '../../decoders/pipeline';
import { nodeEnv } from '../../cli/platform/node-env';
import { SAMPLES } from '../helpers/samples';
import { rng } from '../helpers/split';

const ITER = Number(process.env.FUZZ_ITERATIONS ?? 40);
const HANG_MS = 10_000;

function run(capture: Uint8Array, keyLog: string, chunk: number): string[] {
  const stopped: string[] = [];
  const p = new Pipeline({ env: nodeEnv({ tlsKeyLog: keyLog }) }, {
    call: (c) => {
      JSON.stringify(c);
      stopped.push(...c.warnings.filter((w) => w.includes('stopped on the decrypted data')));
    },
    flow: (f) => stopped.push(...f.warnings.filter((w) => w.includes('stopped') || w.includes('internal error'))),
  });
  for (let i = 0; i < capture.length; i += chunk) p.push(capture.subarray(i, i + chunk));
  p.end();
  return stopped;
}

const capture = readFileSync(join(SAMPLES, 'tls-keylog/tls-keylog.pcap'));
const keyLog = readFileSync(join(SAMPLES, 'tls-keylog/tls-keylog.keys'), 'latin1');

describe('fuzz: TLS decryption', () => {
  it(`${ITER} mutated captures (bytes of records flipped, runs overwritten) with the key log`, () => {
    const r = rng(4242);
    for (let i = 0; i < ITER; i++) {
      const b = new Uint8Array(capture);
      // past the pcap header: packet bytes, mostly TLS records
      const n = 1 + Math.floor(r() * 16);
      for (let k = 0; k < n; k++) {
        const at = 24 + Math.floor(r() * (b.length - 24));
        if (r() < 0.7) b[at] ^= 1 << Math.floor(r() * 8);
        else b.fill(r() < 0.5 ? 0xff : 0x00, at, at + 1 + Math.floor(r() * 8));
      }
      const t0 = Date.now();
      const stopped = run(b, keyLog, 1 + Math.floor(r() * 4096));
      assert.deepEqual(stopped, [], `iteration ${i}`);
      assert.ok(Date.now() - t0 < HANG_MS, `iteration ${i} took ${Date.now() - t0} ms`);
    }
  });
  it(`${ITER} mutated key logs`, () => {
    const r = rng(77);
    for (let i = 0; i < ITER; i++) {
      const chars = [...keyLog];
      const n = 1 + Math.floor(r() * 40);
      for (let k = 0; k < n; k++) {
        const at = Math.floor(r() * chars.length);
        const x = r();
        if (x < 0.4) chars[at] = '0123456789abcdefg \n#'[Math.floor(r() * 20)];
        else if (x < 0.7) chars.splice(at, 1 + Math.floor(r() * 30));
        else chars.splice(at, 0, 'ab'.repeat(Math.floor(r() * 40)));
      }
      assert.deepEqual(run(capture, chars.join(''), 65536), [], `iteration ${i}`);
    }
  });
});
