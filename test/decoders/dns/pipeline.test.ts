/**
 * The pipeline's UDP path with the DNS decoder: dispatch by port, probe and decode-as, datagrams
 * delivered whole, flows closed at the end of the capture and after `udpIdleUs` of silence, the
 * tap; and DNS over TCP reassembled from real segments.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, parseDecodeAs, type TapEvent } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { ethernet, pcapFile, tcpConversation, udpPacket, type Frame } from '../../helpers/pcap-builder';
import { answer, framed, ipv4, query } from './build';

const T0 = 1_700_000_000_000_000;

function dgram(tsUs: number, src: string, sport: number, dst: string, dport: number, payload: Uint8Array): Frame {
  return { tsUs, data: ethernet(udpPacket({ src, dst, sport, dport, payload })) };
}

function run(frames: Frame[], opts: { decodeAs?: string[]; udpIdleUs?: number; maxUdpFlows?: number; onStats?: (open: number) => void; tap?: (id: number, e: TapEvent) => void } = {}) {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const order: string[] = [];
  const p = new Pipeline(
    { env: nodeEnv(), decodeAs: opts.decodeAs?.map((r) => parseDecodeAs(r)), udpIdleUs: opts.udpIdleUs, maxUdpFlows: opts.maxUdpFlows, tap: opts.tap },
    {
      call: (c) => {
        calls.push(c);
        order.push(`call ${c.target}`);
      },
      flow: (f) => {
        flows.push(f);
        order.push(`flow ${f.id}`);
      },
    },
  );
  const file = pcapFile(frames);
  let maxOpen = 0;
  for (let i = 0; i < file.length; i += 53) {
    p.push(file.subarray(i, i + 53));
    maxOpen = Math.max(maxOpen, p.stats.flowsOpen);
  }
  p.end();
  return { calls, flows, order, maxOpen };
}

const A = (id: number, n: string, ip: string) => answer(id, n, 1, [{ name: n, type: 1, rdata: ipv4(ip) }]);

describe('pipeline UDP path: datagrams reach the DNS decoder', () => {
  it('port 53: query and answer are one call; the flow is dns, dispatched by port', () => {
    const { calls, flows } = run([dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test')), dgram(T0 + 300, '10.0.0.53', 53, '10.0.0.1', 40000, A(1, 'a.test', '192.0.2.1'))]);
    assert.deepEqual(calls.map((c) => [c.protocol, c.method, c.target, c.state, c.fields['dns.a'], c.frames]), [['dns', 'A', 'a.test', 'complete', '192.0.2.1', [1, 2]]]);
    assert.deepEqual(flows.map((f) => [f.transport, f.protocol, f.dispatch, f.client.port, f.server.port, f.calls]), [['udp', 'dns', 'port', 40000, 53, 1]]);
  });
  it('any other port: the probe recognises the first datagram', () => {
    const { calls, flows } = run([dgram(T0, '127.0.0.1', 45000, '127.0.0.1', 23553, query(1, 'a.test')), dgram(T0 + 90, '127.0.0.1', 23553, '127.0.0.1', 45000, A(1, 'a.test', '192.0.2.1'))]);
    assert.equal(calls.length, 1);
    assert.deepEqual([flows[0].protocol, flows[0].dispatch], ['dns', 'probe']);
  });
  it('a datagram that is not DNS on another port stays a raw UDP flow with its byte counts', () => {
    const { calls, flows } = run([dgram(T0, '10.0.0.1', 40000, '10.0.0.2', 9999, new TextEncoder().encode('hello there, not DNS'))]);
    assert.deepEqual(calls, []);
    assert.deepEqual([flows[0].protocol, flows[0].c2sBytes], ['udp', 20]);
  });
  it('decode-as udp.port==N,dns takes a flow whose first datagram the probe would refuse', () => {
    const garbage = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    const frames = [dgram(T0, '10.0.0.1', 40000, '10.0.0.2', 9999, garbage), dgram(T0 + 10, '10.0.0.1', 40000, '10.0.0.2', 9999, query(2, 'b.test')), dgram(T0 + 20, '10.0.0.2', 9999, '10.0.0.1', 40000, A(2, 'b.test', '192.0.2.2'))];
    assert.equal(run(frames).calls.length, 0);
    const { calls, flows } = run(frames, { decodeAs: ['udp.port==9999,dns'] });
    // The garbage is decoded as what it claims to be (a response, opcode 15, to no query).
    assert.deepEqual(calls.map((c) => [c.method, c.target, c.state]), [['OPCODE15', undefined, 'incomplete'], ['A', 'b.test', 'complete']]);
    assert.deepEqual([flows[0].dispatch, flows[0].server.port], ['decode-as', 9999]);
  });
  it('decode-as tcp.port==N,dns gives a TCP flow the TCP decoder (one id for both transports)', () => {
    const frames = tcpConversation({
      server: { ip: '10.0.0.2', port: 9953 },
      exchanges: [
        { dir: 'c2s', data: framed(query(3, 'c.test')) },
        { dir: 's2c', data: framed(A(3, 'c.test', '192.0.2.3')) },
      ],
    });
    const { calls, flows } = run(frames, { decodeAs: ['tcp.port==9953,dns'] });
    assert.deepEqual(calls.map((c) => [c.target, c.state, c.fields['dns.a']]), [['c.test', 'complete', '192.0.2.3']]);
    assert.deepEqual([flows[0].transport, flows[0].protocol, flows[0].dispatch], ['tcp', 'dns', 'decode-as']);
  });
  it('an unanswered query is reported when the capture ends', () => {
    const { calls } = run([dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test'))]);
    assert.deepEqual(calls.map((c) => [c.state, c.warnings]), [['pending', ['no response in the capture']]]);
  });
  it('the tap sees the attach, every datagram and the close', () => {
    const events: string[] = [];
    run([dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test')), dgram(T0 + 300, '10.0.0.53', 53, '10.0.0.1', 40000, A(1, 'a.test', '192.0.2.1'))], {
      tap: (id, e) => events.push(`${id} ${e.type}${e.type === 'datagram' ? ` ${e.dir} ${e.bytes.length}` : e.type === 'attach' ? ` ${e.decoderId}` : ''}`),
    });
    assert.deepEqual(events, ['1 attach dns', `1 datagram c2s ${query(1, 'a.test').length}`, `1 datagram s2c ${A(1, 'a.test', '192.0.2.1').length}`, '1 close']);
  });
});

describe('pipeline UDP path: idle flows are closed (udpIdleUs)', () => {
  it('a flow silent for longer than the timeout is closed when later UDP traffic arrives; the same ports then open a new flow', () => {
    const idle = 30_000_000;
    const frames = [
      dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'first.test')),
      dgram(T0 + idle + 1, '10.0.0.9', 40009, '10.0.0.53', 53, query(9, 'other.test')),
      dgram(T0 + idle + 2, '10.0.0.1', 40000, '10.0.0.53', 53, query(2, 'second.test')),
      dgram(T0 + idle + 3, '10.0.0.53', 53, '10.0.0.1', 40000, A(2, 'second.test', '192.0.2.2')),
    ];
    const { order, flows, calls } = run(frames);
    // The first flow (and its unanswered query) is over before the other lookups are decoded.
    assert.deepEqual(order, ['call first.test', 'flow 1', 'call second.test', 'call other.test', 'flow 2', 'flow 3']);
    assert.deepEqual(flows.map((f) => [f.id, f.client.port, f.packets]), [[1, 40000, 1], [2, 40009, 1], [3, 40000, 2]]);
    assert.deepEqual(calls.map((c) => [c.target, c.state, c.flowId]), [['first.test', 'pending', 1], ['second.test', 'complete', 3], ['other.test', 'pending', 2]]);
  });
  it('traffic within the timeout keeps a flow open; TCP flows are not affected', () => {
    const frames = [
      dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test')),
      dgram(T0 + 25_000_000, '10.0.0.1', 40000, '10.0.0.53', 53, query(2, 'b.test')),
      dgram(T0 + 50_000_000, '10.0.0.1', 40000, '10.0.0.53', 53, query(3, 'c.test')),
      ...tcpConversation({ startUs: T0 + 50_000_010, teardown: false, server: { ip: '10.0.0.53', port: 53 }, exchanges: [{ dir: 'c2s', data: framed(query(4, 'd.test')) }] }),
      dgram(T0 + 500_000_000, '10.0.0.2', 40002, '10.0.0.53', 53, query(5, 'e.test')),
    ];
    const { flows } = run(frames);
    assert.deepEqual(flows.map((f) => [f.id, f.transport, f.transport === 'udp' ? f.packets : f.calls]), [[1, 'udp', 3], [2, 'tcp', 1], [3, 'udp', 1]]);
  });
  it('between two looks for idle flows, a datagram on the ports of a flow silent for too long still starts a new flow', () => {
    const frames = [
      dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test')),
      // Another flow at 28 s: the look for idle flows then finds none (the first is 28 s quiet).
      dgram(T0 + 28_000_000, '10.0.0.2', 40002, '10.0.0.53', 53, query(2, 'b.test')),
      dgram(T0 + 30_500_000, '10.0.0.1', 40000, '10.0.0.53', 53, query(3, 'c.test')),
    ];
    const { flows, calls } = run(frames);
    assert.deepEqual(flows.map((f) => [f.id, f.client.port, f.packets]), [[1, 40000, 1], [2, 40002, 1], [3, 40000, 1]]);
    assert.deepEqual(calls.map((c) => [c.target, c.flowId]), [['a.test', 1], ['b.test', 2], ['c.test', 3]]);
  });
  it('a stream (more than two datagrams, both ways) may stay silent for 120 s', () => {
    const c = (t: number, id: number) => dgram(T0 + t, '10.0.0.1', 40000, '10.0.0.53', 53, query(id, `q${id}.test`));
    const r = (t: number, id: number) => dgram(T0 + t, '10.0.0.53', 53, '10.0.0.1', 40000, A(id, `q${id}.test`, '192.0.2.1'));
    const frames = [c(0, 1), r(100, 1), c(1_000, 2), r(1_100, 2), c(100_000_000, 3), r(100_000_100, 3), c(300_000_000, 4)];
    const { flows } = run(frames);
    assert.deepEqual(flows.map((f) => [f.id, f.packets]), [[1, 6], [2, 1]]);
    assert.deepEqual(run(frames.slice(0, 2).concat(frames.slice(4))).flows.map((f) => [f.id, f.packets]), [[1, 2], [2, 2], [3, 1]]);
  });
  it('the timeout is an option', () => {
    const frames = [dgram(T0, '10.0.0.1', 40000, '10.0.0.53', 53, query(1, 'a.test')), dgram(T0 + 2_000_000, '10.0.0.1', 40000, '10.0.0.53', 53, query(2, 'b.test'))];
    assert.equal(run(frames).flows.length, 1);
    assert.equal(run(frames, { udpIdleUs: 1_000_000 }).flows.length, 2);
  });
});

describe('pipeline: DNS over TCP on port 53', () => {
  it('messages split across segments (MSS 7) and pipelined are reassembled and paired', () => {
    const frames = tcpConversation({
      server: { ip: '10.0.0.53', port: 53 },
      mss: 7,
      exchanges: [
        { dir: 'c2s', data: framed(query(1, 'a.test'), query(2, 'b.test')) },
        { dir: 's2c', data: framed(A(2, 'b.test', '192.0.2.2'), A(1, 'a.test', '192.0.2.1')) },
      ],
    });
    const { calls, flows } = run(frames);
    assert.deepEqual(calls.map((c) => [c.target, c.state, c.fields['dns.a']]), [['b.test', 'complete', '192.0.2.2'], ['a.test', 'complete', '192.0.2.1']]);
    assert.deepEqual([flows[0].protocol, flows[0].dispatch], ['dns', 'port']);
    assert.ok(calls[0].frames.length > 2);
  });
});

describe('pipeline: a short stream that ends whole is not taken by a half-sure heuristic', () => {
  it('a Zabbix agent check ("agent.ping\\n", a ZBXD answer) on port 10050 stays a raw TCP flow, not DNS', () => {
    // The DNS-over-TCP probe reads "ag" as a 24935-byte length and waits for the rest; the
    // connection then closed with all its bytes seen, so nothing was cut: no decoder takes it.
    const frames = tcpConversation({
      server: { ip: '10.0.0.2', port: 10050 },
      exchanges: [
        { dir: 'c2s', data: new TextEncoder().encode('agent.ping\n') },
        { dir: 's2c', data: Uint8Array.of(0x5a, 0x42, 0x58, 0x44, 0x01, 1, 0, 0, 0, 0, 0, 0, 0, 0x31) },
      ],
    });
    const { calls, flows } = run(frames);
    assert.deepEqual(calls, []);
    assert.deepEqual([flows[0].protocol, flows[0].c2sBytes, flows[0].s2cBytes], ['tcp', 11, 14]);
  });
});

describe('pipeline: idle UDP closes and parallel shards', () => {
  it('calls of flows closed for idleness carry keys of their own: shards merged by key give the full run', () => {
    // 40 one-lookup flows, a second apart; each is idle long before the capture ends.
    const frames: Frame[] = [];
    for (let i = 0; i < 40; i++) {
      frames.push(dgram(T0 + i * 1_000_000, '10.0.0.1', 41000 + i, '10.0.0.53', 53, query(i, `h${i}.test`)));
      if (i % 3) frames.push(dgram(T0 + i * 1_000_000 + 100, '10.0.0.53', 53, '10.0.0.1', 41000 + i, A(i, `h${i}.test`, '192.0.2.1')));
    }
    const file = pcapFile(frames);
    const runShard = (shard?: { index: number; count: number }) => {
      const out: Array<{ key: number; target: string }> = [];
      const p: Pipeline = new Pipeline({ env: nodeEnv(), shard }, { call: (c) => out.push({ key: p.orderKey, target: c.target ?? '' }) });
      p.push(file);
      p.end();
      return out;
    };
    const full = runShard();
    const a = runShard({ index: 0, count: 2 });
    const b = runShard({ index: 1, count: 2 });
    assert.ok(a.length > 0 && b.length > 0);
    const keysA = new Set(a.map((x) => x.key));
    assert.ok(b.every((x) => !keysA.has(x.key)), 'a key reported by both shards');
    const merged = [...a, ...b].sort((x, y) => x.key - y.key).map((x) => x.target);
    assert.deepEqual(merged, full.map((x) => x.target));
    // Unanswered early lookups came out while the capture went on (at an idle close), not at its end.
    const h0 = full.find((x) => x.target === 'h0.test')!;
    assert.ok(h0.key < 2 ** 40 && !Number.isInteger(h0.key), `h0.test reported under key ${h0.key}`);
  });
});

describe('pipeline UDP path: the number of open UDP flows is bounded (maxUdpFlows)', () => {
  it('one lookup per new socket, faster than the idle timeout: quiet flows are closed early, oldest first, every call reported once', () => {
    const frames: Frame[] = [];
    // A stream that stays busy (a datagram each 100 ms both ways) must not be cut.
    const busy = (t: number, id: number) => [dgram(T0 + t, '10.0.0.7', 50000, '10.0.0.53', 53, query(id, `busy${id}.test`)), dgram(T0 + t + 50, '10.0.0.53', 53, '10.0.0.7', 50000, A(id, `busy${id}.test`, '192.0.2.7'))];
    for (let i = 0; i < 3000; i++) {
      const t = i * 10_000; // 100 lookups a second: 30 s of capture, within the 30 s idle timeout
      if (i % 10 === 0) frames.push(...busy(t, 60000 + i));
      frames.push(dgram(T0 + t + 1, '10.0.0.1', 20000 + i, '10.0.0.53', 53, query(i, `h${i}.test`)));
      frames.push(dgram(T0 + t + 100, '10.0.0.53', 53, '10.0.0.1', 20000 + i, A(i, `h${i}.test`, '192.0.2.1')));
    }
    const capped = run(frames, { maxUdpFlows: 200 });
    const free = run(frames);
    assert.equal(free.maxOpen, 3001);
    assert.ok(capped.maxOpen <= 200, `at most 200 open, saw ${capped.maxOpen}`);
    // The same calls either way (all answered), each once; the busy flow is one flow throughout.
    const key = (c: Call) => `${c.target} ${c.state}`;
    assert.deepEqual(capped.calls.map(key).sort(), free.calls.map(key).sort());
    assert.equal(capped.calls.length, 3300);
    assert.equal(capped.flows.length, 3001);
    const busyFlow = capped.flows.find((f) => f.client.port === 50000)!;
    assert.equal(busyFlow.packets, 600);
    // Closed early in the order they were opened.
    const early = capped.flows.filter((f) => f.client.port !== 50000);
    assert.deepEqual(early.map((f) => f.id), [...early.map((f) => f.id)].sort((a, b) => a - b));
  });
  it('when every open flow is busy, the longest-open go anyway', () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 50; i++) frames.push(dgram(T0 + i, '10.0.0.1', 20000 + i, '10.0.0.53', 53, query(i, `h${i}.test`)));
    const { maxOpen, flows, calls } = run(frames, { maxUdpFlows: 10 });
    assert.ok(maxOpen <= 10);
    assert.equal(flows.length, 50);
    assert.equal(calls.length, 50);
  });
});
