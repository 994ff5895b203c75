/**
 * Splitting streams for the chunking property and fuzzing: a seeded PRNG (xorshift32: failures
 * reproduce), the events a pipeline fed each flow's decoder, and their replay into a fresh decoder
 * with the data split where asked.
 */
import { Pipeline, type TapEvent } from '../../decoders/pipeline';
import type { DecoderSession, StreamDecoder } from '../../decoders/core/decoder';
import type { Call } from '../../decoders/core/model';
import { decoderById } from '../../decoders/registry';
import { nodeEnv } from '../../cli/platform/node-env';
import { testSession } from './session';

/** A deterministic PRNG (xorshift32) over [0, 1). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** What the pipeline fed each flow's decoder (by flow id), decoding `bytes` with `env`. */
export function recordFlows(bytes: Uint8Array, env = nodeEnv()): Map<number, TapEvent[]> {
  const flows = new Map<number, TapEvent[]>();
  const p = new Pipeline({ env, tap: (id, ev) => (flows.get(id) ?? flows.set(id, []).get(id)!).push(ev) }, { call: () => {} });
  p.push(bytes);
  p.end();
  return flows;
}

/** Where to cut the `eventIndex`th event's `len` data bytes (offsets inside it). */
export type Splitter = (len: number, eventIndex: number) => number[];

/** Replay a flow's events into a fresh decoder (hand-offs followed), splitting data events where `split` says. */
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
