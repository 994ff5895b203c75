/**
 * The pipeline with fake decoders: dispatch, reassembly into decoders, roles, flow summaries,
 * hand-off and isolation of a failing decoder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, parseDecodeAs } from '../../decoders/pipeline';
import type { DecoderSpec, StreamDecoder } from '../../decoders/core/decoder';
import type { Call, FlowSummary } from '../../decoders/core/model';
import { nodeEnv } from '../../cli/platform/node-env';
import { pcapFile, tcpConversation, tcpPacket, ethernet, type Frame } from '../helpers/pcap-builder';

/** A decoder that reports every byte it got, one call per direction at close. */
function recorder(id: string, opts: { ports?: number[]; probe?: DecoderSpec['probe']; onData?: (s: Parameters<DecoderSpec['create']>[0], text: string) => void } = {}): DecoderSpec {
  return {
    id,
    name: id,
    transport: 'tcp',
    ports: opts.ports,
    probe: opts.probe,
    create(session) {
      const text = { c2s: '', s2c: '' };
      const events: string[] = [];
      const d: StreamDecoder = {
        data(dir, bytes, at) {
          const t = new TextDecoder().decode(bytes);
          text[dir] += t;
          events.push(`${dir}@${at.streamOffset}`);
          opts.onData?.(session, t);
        },
        gap(dir, n, at) {
          text[dir] += `<gap ${n}>`;
          events.push(`gap ${dir}@${at.streamOffset}`);
        },
        end(dir) {
          events.push(`end ${dir}`);
        },
        close(at) {
          const c = session.newCall(id, at);
          c.method = 'stream';
          c.state = 'complete';
          c.request = { value: text.c2s };
          c.response = { value: text.s2c };
          c.fields = { events: events.join(' ') };
          session.emit(c);
        },
      };
      return d;
    },
  };
}

function run(frames: Frame[], decoders: DecoderSpec[], decodeAs: string[] = []) {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv(), decoders, decodeAs: decodeAs.map((r) => parseDecodeAs(r, decoders)) }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  const file = pcapFile(frames);
  // Feed in odd chunks: the pipeline must not care.
  for (let i = 0; i < file.length; i += 37) p.push(file.subarray(i, i + 37));
  p.end();
  return { calls, flows };
}

const hello = tcpConversation({
  server: { ip: '10.0.0.2', port: 7000 },
  exchanges: [
    { dir: 'c2s', data: 'HELLO\n' },
    { dir: 's2c', data: 'WORLD\n' },
  ],
});

describe('dispatch', () => {
  it('by server port', () => {
    const { calls, flows } = run(hello, [recorder('echo', { ports: [7000] })]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].request?.value, 'HELLO\n');
    assert.equal(calls[0].response?.value, 'WORLD\n');
    assert.equal(flows[0].dispatch, 'port');
    assert.equal(flows[0].protocol, 'echo');
  });
  it('by probe on the first bytes, on any port', () => {
    const spec = recorder('hello', { probe: (h) => (h.length < 5 ? 'need-more' : new TextDecoder().decode(h.subarray(0, 5)) === 'HELLO' ? 'accept' : 'reject') });
    const { calls, flows } = run(hello, [spec]);
    assert.equal(calls.length, 1);
    assert.equal(flows[0].dispatch, 'probe');
  });
  it('a port match whose probe rejects falls through to the probes', () => {
    const wrong = recorder('wrong', { ports: [7000], probe: () => 'reject' });
    const right = recorder('right', { probe: () => 'accept' });
    const { flows } = run(hello, [wrong, right]);
    assert.equal(flows[0].protocol, 'right');
  });
  it('decode-as beats ports and probes (Wireshark syntax)', () => {
    const { flows } = run(hello, [recorder('echo', { ports: [7000] }), recorder('forced')], ['tcp.port==7000,forced']);
    assert.equal(flows[0].protocol, 'forced');
    assert.equal(flows[0].dispatch, 'decode-as');
  });
  it('flows no decoder claims are listed raw, with byte counts', () => {
    const { calls, flows } = run(hello, [recorder('other', { ports: [1] })]);
    assert.equal(calls.length, 0);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].protocol, 'tcp');
    assert.equal(flows[0].c2sBytes, 6);
    assert.equal(flows[0].s2cBytes, 6);
    assert.equal(flows[0].packets, 8); // 9 frames; the last ACK after both FINs arrives once the flow is closed
  });
  it('a gap before any decision: the one probe that saw the start of its protocol (cut short) takes the flow', () => {
    const frames = tcpConversation({ server: { ip: '10.0.0.2', port: 7000 }, mss: 8, exchanges: [{ dir: 'c2s', data: 'HELLO, W' + 'ORLD\n' }] });
    const lost = frames.filter((_, i) => i !== 4); // the second segment is lost: a gap after 8 bytes
    const prefix = (want: string) => (h: Uint8Array) => {
      const t = new TextDecoder().decode(h);
      return t.length < want.length ? (want.startsWith(t) ? 'need-more' : 'reject') : t.startsWith(want) ? 'accept' : 'reject';
    };
    const { flows } = run(lost, [recorder('long', { probe: prefix('HELLO, WORLD!') }), recorder('other', { probe: prefix('HI') })]);
    assert.equal(flows[0].protocol, 'long');
    assert.equal(flows[0].dispatch, 'probe');
    // Two probes still undecided: no guess, the flow stays raw.
    const two = run(lost, [recorder('long', { probe: prefix('HELLO, WORLD!') }), recorder('twin', { probe: prefix('HELLO, WORLD?') })]);
    assert.equal(two.flows[0].protocol, 'tcp');
  });
  it('parseDecodeAs explains bad rules', () => {
    assert.deepEqual(parseDecodeAs('tcp.port==8000,echo', [recorder('echo')]), { transport: 'tcp', port: 8000, decoderId: 'echo' });
    assert.throws(() => parseDecodeAs('tcp.port=8000,echo', [recorder('echo')]), /expected tcp\.port==PORT,PROTOCOL/);
    assert.throws(() => parseDecodeAs('tcp.port==8000,nope', [recorder('echo')]), /unknown protocol "nope"/);
  });
});

describe('connections', () => {
  it('roles, handshake RTT, open and close times from the SYN', () => {
    const { flows } = run(hello, [recorder('echo', { ports: [7000] })]);
    const f = flows[0];
    assert.equal(f.roleFrom, 'syn');
    assert.equal(f.client.port, 50000);
    assert.equal(f.server.port, 7000);
    assert.equal(f.synSeen, true);
    assert.equal(f.handshakeRttUs, 2000);
    assert.ok(f.finUs?.c2s && f.finUs?.s2c);
  });
  it('a capture that starts mid-connection: roles from the well-known port', () => {
    const mid = hello.slice(3); // no handshake
    const { flows, calls } = run(mid, [recorder('echo', { ports: [7000] })]);
    assert.equal(flows[0].roleFrom, 'port');
    assert.equal(flows[0].server.port, 7000);
    assert.equal(calls[0].request?.value, 'HELLO\n');
  });
  it('out-of-order and duplicated segments reach the decoder in order, once', () => {
    const frames = tcpConversation({ server: { ip: '10.0.0.2', port: 7000 }, mss: 3, exchanges: [{ dir: 'c2s', data: 'abcdefghi' }] });
    // frames: S, SA, A, [abc], [def], [ghi], A(server) ...
    const shuffled = [...frames.slice(0, 3), frames[5], frames[3], frames[4], frames[3], ...frames.slice(6)];
    const { calls } = run(shuffled, [recorder('echo', { ports: [7000] })]);
    assert.equal(calls[0].request?.value, 'abcdefghi');
  });
  it('a lost segment the peer acknowledged is a gap, never glued over', () => {
    const frames = tcpConversation({ server: { ip: '10.0.0.2', port: 7000 }, mss: 3, exchanges: [{ dir: 'c2s', data: 'abcdefghi' }, { dir: 's2c', data: 'ok' }] });
    const lost = frames.filter((_, i) => i !== 4);
    const { calls } = run(lost, [recorder('echo', { ports: [7000] })]);
    assert.equal(calls[0].request?.value, 'abc<gap 3>ghi');
  });
  it('a new SYN on the same ports is a new connection; a stray last ACK is not', () => {
    const again = tcpConversation({ server: { ip: '10.0.0.2', port: 7000 }, clientIsn: 90000, startUs: 1_700_000_001_000_000, exchanges: [{ dir: 'c2s', data: 'AGAIN' }] });
    const stray = { tsUs: 1_700_000_000_500_000, data: ethernet(tcpPacket({ src: '10.0.0.1', dst: '10.0.0.2', sport: 50000, dport: 7000, seq: 1, ack: 1, flags: 'A' })) };
    const { calls, flows } = run([...hello, stray, ...again], [recorder('echo', { ports: [7000] })]);
    assert.equal(flows.length, 2);
    assert.deepEqual(calls.map((c) => c.request?.value), ['HELLO\n', 'AGAIN']);
  });
  it('RFC 9293 §3.10.7.4: data the server had in flight when the client reset arrives after the RST and is dropped, not a new connection', () => {
    // (nDPI's pinterest capture: a TLS certificate chain after the client's RST read as WebSocket frames)
    const opened = tcpConversation({ server: { ip: '10.0.0.2', port: 7000 }, teardown: false, exchanges: [{ dir: 'c2s', data: 'HELLO\n' }] });
    const t = 1_700_000_000_100_000;
    const seg = (tsUs: number, o: Parameters<typeof tcpPacket>[0]) => ({ tsUs, data: ethernet(tcpPacket(o)) });
    const rst = seg(t, { src: '10.0.0.1', dst: '10.0.0.2', sport: 50000, dport: 7000, seq: 1007, flags: 'R' });
    const late = [
      seg(t + 100, { src: '10.0.0.2', dst: '10.0.0.1', sport: 7000, dport: 50000, seq: 5001, ack: 1007, flags: 'PA', payload: 'LATE-1' }),
      seg(t + 200, { src: '10.0.0.2', dst: '10.0.0.1', sport: 7000, dport: 50000, seq: 5007, ack: 1007, flags: 'PA', payload: 'LATE-2' }),
    ];
    const { calls, flows } = run([...opened, rst, ...late], [recorder('echo', { ports: [7000] })]);
    assert.equal(flows.length, 1);
    assert.deepEqual(calls.map((c) => c.request?.value), ['HELLO\n']);
    // elsewhere in the sequence space: another connection on the same ports, joined late
    const other = seg(t + 300, { src: '10.0.0.1', dst: '10.0.0.2', sport: 50000, dport: 7000, seq: 3_000_000_000, ack: 77, flags: 'PA', payload: 'OTHER' });
    const two = run([...opened, rst, ...late, other], [recorder('echo', { ports: [7000] })]);
    assert.equal(two.flows.length, 2);
    assert.deepEqual(two.calls.map((c) => c.request?.value), ['HELLO\n', 'OTHER']);
  });
});

describe('a sink that throws', () => {
  it('its error reaches the caller of push/end, not the decoder that emitted the call (no "internal error" on the flow)', () => {
    const flows: FlowSummary[] = [];
    const p = new Pipeline({ env: nodeEnv(), decoders: [recorder('echo', { ports: [7000] })] }, {
      call: () => {
        throw new Error('the consumer failed');
      },
      flow: (f) => flows.push(f),
    });
    assert.throws(() => {
      p.push(pcapFile(hello));
      p.end();
    }, /the consumer failed/);
    assert.deepEqual(flows[0].warnings, []);
  });
});

describe('isolation and hand-off', () => {
  it('a decoder that throws stops on its connection only, with a warning', () => {
    const other = tcpConversation({ client: { ip: '10.0.0.3', port: 40000 }, server: { ip: '10.0.0.2', port: 7000 }, exchanges: [{ dir: 'c2s', data: 'fine' }] });
    const boom = recorder('echo', {
      ports: [7000],
      onData: (_s, t) => {
        if (t.startsWith('HELLO')) throw new Error('kaboom');
      },
    });
    const { calls, flows } = run([...hello, ...other], [boom]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].request?.value, 'fine');
    const bad = flows.find((f) => f.client.port === 50000)!;
    assert.match(bad.warnings[0], /echo stopped on this connection: kaboom/);
  });
  it('session.handoff routes the rest of the connection to the new decoder', () => {
    let handed = false;
    const first: DecoderSpec = {
      id: 'first',
      name: 'first',
      transport: 'tcp',
      ports: [7000],
      create(session) {
        return {
          data(dir, bytes, at) {
            if (!handed) {
              handed = true;
              const next = session.handoff('second');
              next?.data(dir, bytes.subarray(2), { ...at, streamOffset: at.streamOffset + 2 });
            }
          },
          gap() {},
          end() {},
          close() {},
        };
      },
    };
    const { calls, flows } = run(hello, [first, { ...recorder('second'), handoffOnly: true }]);
    assert.equal(calls[0].protocol, 'second');
    assert.equal(calls[0].request?.value, 'LLO\n');
    assert.equal(calls[0].response?.value, 'WORLD\n');
    assert.equal(flows[0].dispatch, 'handoff');
  });
});

describe('reports at the end of the capture (CaptureScope.atEnd)', () => {
  /** Holds what it saw until the end of the capture, then reports it; `learns` says so first, as a decoder should. */
  const holder = (learns: boolean): DecoderSpec => ({
    id: 'holder',
    name: 'holder',
    transport: 'tcp',
    ports: [7000],
    create(session) {
      let seen = 0;
      return {
        data(_dir, bytes) {
          if (seen === 0) {
            if (learns) session.capture?.learned('held across connections');
            session.capture?.atEnd?.(() => {
              const c = session.newCall('holder', { frame: 0, tsUs: 0, streamOffset: 0 });
              c.method = `held ${seen}`;
              session.emit(c);
            });
          }
          seen += bytes.length;
        },
        gap() {},
        end() {},
        close() {},
      };
    },
  });
  const runShard = (learns: boolean, shard?: { index: number; count: number }) => {
    const calls: Call[] = [];
    const learned: string[] = [];
    const p = new Pipeline({ env: nodeEnv(), decoders: [holder(learns)], shard: shard && { ...shard, learned: (w) => learned.push(w) } }, { call: (c) => calls.push(c), flow: () => {} });
    p.push(pcapFile(hello));
    p.end();
    return { calls, learned };
  };
  it('one pipeline: the report comes after every flow closed', () => {
    assert.deepEqual(runShard(false).calls.map((c) => c.method), ['held 12']);
  });
  it('a shard whose decoder forgot to say `learned` is told at the report, so a parallel run falls back instead of waiting', () => {
    const { calls, learned } = runShard(false, { index: 0, count: 2 });
    assert.deepEqual(learned, ['a report at the end of the capture']);
    assert.equal(calls.length, 1);
  });
  it('a decoder that says `learned` first is told when it learns (and again at its report, which changes nothing)', () => {
    assert.deepEqual(runShard(true, { index: 0, count: 2 }).learned, ['held across connections', 'a report at the end of the capture']);
  });
});

describe('capture time that goes back', () => {
  const warningsOf = (frames: Frame[]) => {
    const warnings: Array<{ frame?: number; message: string }> = [];
    const p = new Pipeline({ env: nodeEnv(), decoders: [recorder('echo', { ports: [7000] })] }, { call: () => {}, flow: () => {}, warning: (w) => warnings.push(w) });
    p.push(pcapFile(frames));
    p.end();
    return warnings;
  };
  it('is said once, at the first frame more than 10 ms back (merged captures, a clock set back)', () => {
    const shifted = hello.map((f, i) => ({ ...f, tsUs: i === 3 ? f.tsUs - 5_000_000 : f.tsUs }));
    const after = shifted.map((f, i) => (i === 5 ? { ...f, tsUs: f.tsUs - 9_000_000 } : f));
    const w = warningsOf(after).filter((x) => /goes back/.test(x.message));
    assert.equal(w.length, 1);
    assert.equal(w[0].frame, 4);
    assert.match(w[0].message, /capture time goes back 5\.00 s here/);
  });
  it('a few milliseconds out of order (interfaces merged) is not worth a warning', () => {
    const jitter = hello.map((f, i) => ({ ...f, tsUs: i === 3 ? f.tsUs - 2_000 : f.tsUs }));
    assert.deepEqual(warningsOf(jitter).filter((x) => /goes back/.test(x.message)), []);
  });
});
