/**
 * The chunking property through TLS decryption: samples/tls-keylog/tls-keylog.pcap with its key
 * log (the generic chunking test decodes samples without the key logs beside them; its DSB twin
 * is covered there). Each flow's events are replayed into a fresh TLS decoder whole, split at every
 * byte and at random points: the calls inside (HTTP/1.1, HTTP/2, gRPC, WebSocket) and the tls calls must be
 * identical.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Pipeline, type TapEvent } from '../../decoders/pipeline';
import type { StreamDecoder } from '../../decoders/core/decoder';
import { decoderById } from '../../decoders/registry';
import { nodeEnv } from '../../cli/platform/node-env';
import { testSession } from '../helpers/session';
import { normalizeCalls } from '../helpers/normalize';
import { SAMPLES, sampleDefinitions } from '../helpers/samples';

const REL = 'tls-keylog/tls-keylog.pcap';

function replay(events: TapEvent[], env: ReturnType<typeof nodeEnv>, split: (len: number) => number[]) {
  const attach = events.find((e) => e.type === 'attach') as Extract<TapEvent, { type: 'attach' }>;
  const session = testSession({ env, flow: attach.flow });
  const d = decoderById(attach.decoderId)!.create(session) as StreamDecoder;
  for (const ev of events) {
    if (ev.type === 'data') {
      let from = 0;
      for (const to of [...split(ev.bytes.length), ev.bytes.length]) {
        if (to <= from) continue;
        d.data(ev.dir, ev.bytes.subarray(from, to), { ...ev.at, streamOffset: ev.at.streamOffset + from });
        from = to;
      }
    } else if (ev.type === 'gap') d.gap(ev.dir, ev.length, ev.at);
    else if (ev.type === 'end') d.end(ev.dir, ev.at);
    else if (ev.type === 'close') d.close(ev.at);
  }
  return normalizeCalls(session.calls);
}

describe('chunking: decrypted TLS streams (samples/tls-keylog with its key log)', () => {
  it(REL, async () => {
    const env = nodeEnv({ definitions: await sampleDefinitions(REL), tlsKeyLog: readFileSync(join(SAMPLES, 'tls-keylog/tls-keylog.keys'), 'latin1') });
    const flows = new Map<number, TapEvent[]>();
    const p = new Pipeline({ env, tap: (id, ev) => (flows.get(id) ?? flows.set(id, []).get(id)!).push(ev) }, { call: () => {} });
    p.push(readFileSync(join(SAMPLES, REL)));
    p.end();
    const inner = new Set<string>();
    for (const [flowId, events] of flows) {
      if (!events.some((e) => e.type === 'attach')) continue;
      const whole = replay(events, env, () => []);
      for (const c of whole as Array<{ protocol: string }>) inner.add(c.protocol);
      const every = replay(events, env, (len) => Array.from({ length: Math.max(0, len - 1) }, (_, k) => k + 1));
      assert.deepStrictEqual(every, whole, `flow ${flowId}: split at every byte differs from whole`);
      let seed = flowId * 7919;
      const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const random = replay(events, env, (len) => {
        const cuts: number[] = [];
        for (let k = 1 + Math.floor(r() * 40); k < len; k += 1 + Math.floor(r() * 700)) cuts.push(k);
        return cuts;
      });
      assert.deepStrictEqual(random, whole, `flow ${flowId}: random split differs from whole`);
    }
    assert.deepEqual([...inner].sort(), ['grpc', 'http', 'http2', 'tls', 'websocket']);
  });
});
