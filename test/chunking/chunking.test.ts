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
import { Pipeline, type TapEvent } from '../../decoders/pipeline';
import type { StreamDecoder, DecoderSession } from '../../decoders/core/decoder';
import type { Call } from '../../decoders/core/model';
import { decoderById } from '../../decoders/registry';
import { nodeEnv } from '../../cli/platform/node-env';
import { testSession } from '../helpers/session';
import { normalizeCalls } from '../helpers/normalize';
import { sampleCaptures, sampleDefinitions, SAMPLES } from '../helpers/samples';
import { gunzipSync } from 'node:zlib';

/** Streams larger than this are split at every byte only in their first part (time bound). */
const EVERY_BYTE_LIMIT = 256 << 10;

export function recordFlows(bytes: Uint8Array, env = nodeEnv()): Map<number, TapEvent[]> {
  const flows = new Map<number, TapEvent[]>();
  const p = new Pipeline(
    { env, tap: (id, ev) => (flows.get(id) ?? flows.set(id, []).get(id)!).push(ev) },
    { call: () => {} },
  );
  p.push(bytes);
  p.end();
  return flows;
}

type Splitter = (len: number, eventIndex: number) => number[];

/** Replay a flow's events into a fresh decoder, splitting data events where `split` says. */
export function replay(events: TapEvent[], env: ReturnType<typeof nodeEnv>, split: Splitter): Call[] {
  const attach = events.find((e) => e.type === 'attach') as Extract<TapEvent, { type: 'attach' }> | undefined;
  if (!attach) return [];
  let current: StreamDecoder | undefined;
  const session = testSession({
    env,
    flow: attach.flow,
    resolveHandoff: (id: string, s: DecoderSession, init?: unknown) => {
      const spec = decoderById(id);
      current = spec ? (spec.create(s, init) as StreamDecoder) : undefined;
      return current;
    },
  });
  current = decoderById(attach.decoderId)!.create(session) as StreamDecoder;
  events.forEach((ev, i) => {
    const d = current;
    if (!d) return;
    switch (ev.type) {
      case 'data': {
        const cuts = split(ev.bytes.length, i);
        let from = 0;
        for (const to of [...cuts, ev.bytes.length]) {
          if (to <= from) continue;
          current!.data(ev.dir, ev.bytes.subarray(from, to), { ...ev.at, streamOffset: ev.at.streamOffset + from });
          from = to;
        }
        break;
      }
      case 'gap':
        d.gap(ev.dir, ev.length, ev.at);
        break;
      case 'end':
        d.end(ev.dir, ev.at);
        break;
      case 'close':
        d.close(ev.at);
        break;
    }
  });
  return session.calls;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

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
