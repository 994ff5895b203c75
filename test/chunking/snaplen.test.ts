/**
 * The snaplen test: the messaging samples cut the way `editcap -s N` / `tcpdump -s N` cut them
 * (every frame kept to its first N bytes; at 80 bytes that leaves 14 TCP payload bytes on loopback),
 * in memory, then decoded. No decoder may throw, and at least the share of the full capture's calls
 * given below must still be found with their method (a multiset of protocol:method).
 *
 * And no request may be paired with the wrong response: a call of the broker decoders that has both
 * is found, with all its frames, among the calls of the same connection in the full capture.
 *
 * The thresholds were measured, not hoped for (SNAPLEN_REPORT=1 prints the shares): what is lost is
 * what the bytes no longer hold — ZMTP socket types in a cut READY, pipelined operations that fell in
 * a gap, MONITOR lines cut before their command, correlator joins that need a cut payload, and, for
 * websocket-chat at 80 bytes, the Upgrade exchange the HTTP decoder cannot hand over.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Pipeline } from '../../decoders/pipeline';
import { CaptureReader } from '../../decoders/capture/reader';
import type { Call } from '../../decoders/core/model';
import { nodeEnv } from '../../cli/platform/node-env';
import { pcapFile, type Frame } from '../helpers/pcap-builder';
import { SAMPLES, sampleDefinitions } from '../helpers/samples';

/** Least share (%) of the full capture's calls found again with their method, per snaplen. */
const THRESHOLDS: Record<string, Record<number, number>> = {
  'kafka-basics/kafka-basics.pcapng': { 80: 92, 128: 92, 200: 94 },
  'mqtt-basics/mqtt-basics.pcapng': { 80: 87, 128: 93, 200: 100 },
  'zmq-patterns/zmq-patterns.pcap': { 80: 47, 128: 100, 200: 100 },
  'redis-basics/redis-basics.pcap': { 80: 35, 128: 81, 200: 88 },
  'websocket-chat/websocket-chat.pcap': { 80: 8, 128: 100, 200: 100 },
  'stomp-basics/stomp-basics.pcapng': { 80: 100, 128: 100, 200: 100 },
  'nats-basics/nats-basics.pcap': { 80: 69, 128: 84, 200: 87 },
  'amqp-basics/amqp-basics.pcapng': { 80: 91, 128: 91, 200: 93 },
  'ride-hailing/ride-hailing.pcapng': { 80: 95, 128: 95, 200: 95 },
  'rabbitmq-stream/rabbitmq-stream.pcapng': { 80: 100, 128: 100, 200: 100 },
};

/** The decoders whose pairing across gaps is checked against the full capture. */
const PAIRED = new Set(['kafka', 'mqtt', 'zmtp', 'redis', 'websocket', 'stomp', 'nats', 'amqp', 'rabbitstream']);

/** The frames of a capture, each cut to `snaplen` bytes (origLen keeps the length on the wire). */
function cut(bytes: Uint8Array, snaplen: number): Uint8Array {
  const frames: Frame[] = [];
  let linkType = 1;
  const reader = new CaptureReader({
    frame: (f) => {
      linkType = f.linkType;
      frames.push({ tsUs: f.tsUs, data: f.data.slice(0, snaplen), origLen: f.origLen });
    },
    warning: () => {},
  });
  reader.push(bytes);
  reader.end();
  return pcapFile(frames, { linkType, snaplen: 262144 });
}

function decode(bytes: Uint8Array, env: ReturnType<typeof nodeEnv>): { calls: Call[]; stopped: string[] } {
  const calls = new Map<number, Call>();
  const stopped: string[] = [];
  const p = new Pipeline({ env }, {
    call: (c) => calls.set(c.id, JSON.parse(JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))),
    flow: (f) => stopped.push(...f.warnings.filter((w) => /stopped on this connection|internal error|decoder error/.test(w))),
  });
  p.push(bytes);
  p.end();
  return { calls: [...calls.values()], stopped };
}

function methods(calls: Call[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of calls) m.set(`${c.protocol}:${c.method}`, (m.get(`${c.protocol}:${c.method}`) ?? 0) + 1);
  return m;
}

describe('snaplen: the messaging samples cut to N bytes per frame keep their calls', () => {
  for (const [rel, limits] of Object.entries(THRESHOLDS)) {
    it(rel, async () => {
      let bytes: Uint8Array = readFileSync(join(SAMPLES, rel));
      if (rel.endsWith('.gz')) bytes = gunzipSync(bytes);
      const env = nodeEnv({ definitions: await sampleDefinitions(rel) });
      const full = decode(bytes, env);
      const want = methods(full.calls);
      for (const [n, least] of Object.entries(limits)) {
        const got = decode(cut(bytes, Number(n)), env);
        assert.deepEqual(got.stopped, [], `${rel} -s ${n}: a decoder threw`);
        const have = methods(got.calls);
        let kept = 0;
        for (const [k, v] of want) kept += Math.min(v, have.get(k) ?? 0);
        const share = (100 * kept) / full.calls.length;
        if (process.env.SNAPLEN_REPORT) console.log(`${rel} -s ${n}: ${got.calls.length} calls (full ${full.calls.length}), ${share.toFixed(1)}% kept their method`);
        assert.ok(share >= least, `${rel} -s ${n}: ${share.toFixed(1)}% of the calls kept their method, expected at least ${least}%`);
        for (const c of got.calls) {
          if (!PAIRED.has(c.protocol) || c.state !== 'complete' || !c.request || !c.response || c.frames.length < 2) continue;
          const same = full.calls.some((f) => f.flowId === c.flowId && c.frames.every((fr) => f.frames.includes(fr)));
          assert.ok(same, `${rel} -s ${n}: ${c.protocol} ${c.method} (frames ${c.frames.join(',')}) pairs a request and a response the full capture does not`);
        }
      }
    });
  }
});
