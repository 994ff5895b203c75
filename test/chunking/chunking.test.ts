/**
 * The chunking test: every decoder must give the same calls whatever the split of its byte
 * stream. For each sample, the pipeline records what each flow's decoder was fed; the events
 * are replayed into a fresh decoder whole, then split at every byte boundary (1-byte chunks),
 * then split at random points — and the calls must be identical.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { nodeEnv } from '../../cli/platform/node-env';
import { recordFlows, replay, rng } from '../helpers/split';
import { normalizeCalls } from '../helpers/normalize';
import { sampleCaptures, sampleDefinitions, SAMPLES } from '../helpers/samples';
import { gunzipSync } from 'node:zlib';

/** Streams larger than this are split at every byte only in their first part (time bound). */
const EVERY_BYTE_LIMIT = 256 << 10;

describe('chunking: any split of a stream gives the same calls', () => {
  for (const rel of sampleCaptures()) {
    it(rel, async () => {
      let bytes: Uint8Array = readFileSync(join(SAMPLES, rel));
      if (rel.endsWith('.gz')) bytes = gunzipSync(bytes);
      const env = nodeEnv({ definitions: await sampleDefinitions(rel) });
      const flows = recordFlows(bytes, env);
      for (const [flowId, events] of flows) {
        if (!events.some((e) => e.type === 'attach')) continue;
        const whole = normalizeCalls(replay(events, env, () => []));
        const streamBytes = events.reduce((n, e) => n + (e.type === 'data' ? e.bytes.length : 0), 0);
        let seen = 0;
        const everyByte = normalizeCalls(
          replay(events, env, (len) => {
            const cuts: number[] = [];
            for (let k = 1; k < len && seen + k < EVERY_BYTE_LIMIT; k++) cuts.push(k);
            seen += len;
            return cuts;
          }),
        );
        const name = `${rel} flow ${flowId} (${(events.find((e) => e.type === 'attach') as { decoderId: string }).decoderId}, ${streamBytes} bytes)`;
        assert.deepStrictEqual(everyByte, whole, `${name}: split at every byte differs from whole`);
        for (const seed of [1, 2, 3]) {
          const r = rng(seed * 7919 + flowId);
          const random = normalizeCalls(
            replay(events, env, (len) => {
              const cuts: number[] = [];
              for (let k = 1 + Math.floor(r() * 40); k < len; k += 1 + Math.floor(r() * 1500)) cuts.push(k);
              return cuts;
            }),
          );
          assert.deepStrictEqual(random, whole, `${name}: random split (seed ${seed}) differs from whole`);
        }
      }
    });
  }
});
