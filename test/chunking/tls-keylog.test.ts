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
import { nodeEnv } from '../../cli/platform/node-env';
import { normalizeCalls } from '../helpers/normalize';
import { SAMPLES, sampleDefinitions } from '../helpers/samples';
import { recordFlows, replay, rng, type Splitter } from '../helpers/split';

const REL = 'tls-keylog/tls-keylog.pcap';

const decode = (events: Parameters<typeof replay>[0], env: ReturnType<typeof nodeEnv>, split: Splitter) => normalizeCalls(replay(events, env, split));

describe('chunking: decrypted TLS streams (samples/tls-keylog with its key log)', () => {
  it(REL, async () => {
    const env = nodeEnv({ definitions: await sampleDefinitions(REL), tlsKeyLog: readFileSync(join(SAMPLES, 'tls-keylog/tls-keylog.keys'), 'latin1') });
    const flows = recordFlows(readFileSync(join(SAMPLES, REL)), env);
    const inner = new Set<string>();
    for (const [flowId, events] of flows) {
      if (!events.some((e) => e.type === 'attach')) continue;
      const whole = decode(events, env, () => []);
      for (const c of whole as Array<{ protocol: string }>) inner.add(c.protocol);
      const every = decode(events, env, (len) => Array.from({ length: Math.max(0, len - 1) }, (_, k) => k + 1));
      assert.deepStrictEqual(every, whole, `flow ${flowId}: split at every byte differs from whole`);
      const r = rng(flowId * 7919);
      const random = decode(events, env, (len) => {
        const cuts: number[] = [];
        for (let k = 1 + Math.floor(r() * 40); k < len; k += 1 + Math.floor(r() * 700)) cuts.push(k);
        return cuts;
      });
      assert.deepStrictEqual(random, whole, `flow ${flowId}: random split differs from whole`);
    }
    assert.deepEqual([...inner].sort(), ['grpc', 'http', 'http2', 'tls', 'websocket']);
  });
});
