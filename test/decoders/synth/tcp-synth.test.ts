/**
 * pcapng writer read back by our reader; synthesized TCP connections decode through the
 * pipeline to the same calls as a hand-built capture of the same bytes; Wireshark (tshark)
 * reads the synthesized file without complaint when it is installed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CaptureReader } from '../../../decoders/capture/reader';
import { PcapngWriter, CaptureToPcapng, pcapngFromFrames, concat } from '../../../decoders/capture/pcapng-writer';
import { TcpSynth, parseIp, type SynthFrame } from '../../../decoders/synth/tcp-synth';
import type { RawFrame, CaptureInfo } from '../../../decoders/capture/types';
import { pcapFile, tcpConversation } from '../../helpers/pcap-builder';
import { decodeBytes, essence, has } from '../../live/util';

function readAll(bytes: Uint8Array, chunk = 0) {
  const frames: Array<Omit<RawFrame, 'data'> & { data: Uint8Array }> = [];
  const warnings: string[] = [];
  let info: CaptureInfo | undefined;
  const r = new CaptureReader({ frame: (f) => frames.push({ ...f, data: f.data.slice() }), warning: (w) => warnings.push(w.message), info: (i) => (info = i) });
  if (chunk) for (let o = 0; o < bytes.length; o += chunk) r.push(bytes.subarray(o, o + chunk));
  else r.push(bytes);
  r.end();
  return { frames, warnings, info };
}

describe('pcapng writer', () => {
  it('writes SHB, IDB and EPBs (odd lengths, comments, µs and ns) that the reader reads back', () => {
    const w = new PcapngWriter({ application: 'test', comment: 'hello' });
    const a = w.addInterface({ linkType: 1, name: 'lo', filter: 'tcp port 8800' });
    const b = w.addInterface({ linkType: 101, nanoseconds: true });
    const parts = [a.bytes, b.bytes];
    parts.push(w.packet(a.id, 1_700_000_000_123_456, new Uint8Array([1, 2, 3]), { comment: 'first' }));
    parts.push(w.packet(b.id, 0, new Uint8Array([9, 8, 7, 6, 5]), { tsNs: 1_700_000_000_123_456_789n, origLen: 100 }));
    parts.push(w.packet(a.id, 1_700_000_001_000_000, new Uint8Array(0)));
    const file = concat(parts);
    for (const chunk of [0, 1, 7]) {
      const { frames, warnings, info } = readAll(file, chunk);
      assert.deepEqual(warnings, []);
      assert.equal(info?.format, 'pcapng');
      assert.equal(info?.interfaces.length, 2);
      assert.equal(info?.interfaces[0].name, 'lo');
      assert.equal(info?.interfaces[1].tsUnitsPerSecond, 1e9);
      assert.equal(frames.length, 3);
      assert.deepEqual([...frames[0].data], [1, 2, 3]);
      assert.equal(frames[0].tsUs, 1_700_000_000_123_456);
      assert.equal(frames[0].comment, 'first');
      assert.equal(frames[1].tsUs, 1_700_000_000_123_456);
      assert.equal(frames[1].origLen, 100);
      assert.equal(frames[1].linkType, 101);
      assert.equal(frames[2].capLen, 0);
    }
  });

  it('converts a pcap stream to pcapng chunk by chunk', () => {
    const frames = tcpConversation({ exchanges: [{ dir: 'c2s', data: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' }, { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\n\r\n' }] });
    const pcap = pcapFile(frames);
    const conv = new CaptureToPcapng({ application: 'test' });
    const out: Uint8Array[] = [];
    for (let o = 0; o < pcap.length; o += 13) out.push(conv.push(pcap.subarray(o, o + 13)));
    out.push(conv.end());
    const ng = concat(out);
    const back = readAll(ng);
    assert.equal(back.info?.format, 'pcapng');
    assert.equal(back.frames.length, frames.length);
    assert.deepEqual(back.frames.map((f) => f.tsUs), frames.map((f) => f.tsUs));
    assert.deepEqual(decodeBytes(ng).calls.map(essence), decodeBytes(pcap).calls.map(essence));
  });
});

describe('tcp synth', () => {
  const req = 'POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 46\r\n\r\n{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}'.replace('46', String('{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}'.length));
  const resp = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n{"jsonrpc":"2.0","result":3,"id":1}'.replace('36', String('{"jsonrpc":"2.0","result":3,"id":1}'.length));
  const big = 'x'.repeat(5000);
  const bigResp = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${big.length}\r\n\r\n${big}`;
  const enc = (s: string) => new TextEncoder().encode(s);

  function synthesize(client: { ip: string; port: number }, server: { ip: string; port: number }, mss?: number): SynthFrame[] {
    const s = new TcpSynth({ client, server, mss });
    let t = 1_700_000_000_000_000;
    return [
      ...s.open(t, t + 50, t + 60),
      ...s.data('c2s', enc(req), (t += 1000)),
      ...s.data('s2c', enc(resp), (t += 1000)),
      ...s.data('c2s', enc('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'), (t += 1000)),
      ...s.data('s2c', enc(bigResp), (t += 1000)),
      ...s.close('c2s', (t += 1000)),
    ];
  }

  for (const [name, c, sv] of [
    ['IPv4', { ip: '127.0.0.1', port: 40001 }, { ip: '127.0.0.1', port: 8080 }],
    ['IPv6', { ip: '::1', port: 40002 }, { ip: '2001:db8::2', port: 8080 }],
  ] as const) {
    it(`${name}: decodes to the same calls as a hand-built capture of the same bytes`, () => {
      const frames = synthesize(c, sv, 1000);
      const ng = pcapngFromFrames(frames);
      const got = decodeBytes(ng);
      const want = decodeBytes(
        pcapFile(tcpConversation({ client: c, server: sv, mss: 1000, exchanges: [
          { dir: 'c2s', data: req }, { dir: 's2c', data: resp }, { dir: 'c2s', data: 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n' }, { dir: 's2c', data: bigResp },
        ] })),
      );
      assert.equal(got.calls.length, 2);
      assert.deepEqual(got.calls.map(essence), want.calls.map(essence));
      assert.equal(got.calls[0].protocol, 'jsonrpc');
      assert.equal(got.calls[1].response?.body?.size, 5000);
      const f = got.flows[0];
      assert.equal(f.synSeen, true);
      assert.equal(f.roleFrom, 'syn');
      assert.equal(f.handshakeRttUs, 60);
      assert.deepEqual(f.gapBytes, { c2s: 0, s2c: 0 });
      assert.ok(f.finUs?.c2s && f.finUs?.s2c, 'both FINs seen');
      assert.deepEqual(got.warnings, []);
      // The 5000-byte response went out in 1000-byte segments.
      const sizes = frames.map((x) => x.data.length);
      assert.ok(sizes.every((n) => n <= 14 + (sv.ip.includes(':') ? 40 : 20) + 24 + 1000));
    });
  }

  it('connection refused: SYN then RST-ACK; reset mid-connection', () => {
    const s = new TcpSynth({ client: { ip: '127.0.0.1', port: 40003 }, server: { ip: '127.0.0.1', port: 9 } });
    const fr = s.refused(1_000_000, 1_000_100);
    assert.equal(fr.length, 2);
    assert.equal(fr[0].data[14 + 20 + 13], 0x02);
    assert.equal(fr[1].data[14 + 20 + 13], 0x14);
    const got = decodeBytes(pcapngFromFrames(fr));
    assert.equal(got.flows.length, 1);
    assert.ok(got.flows[0].rstUs !== undefined);
    const r = new TcpSynth({ client: { ip: '127.0.0.1', port: 40004 }, server: { ip: '127.0.0.1', port: 9 } });
    const frames = [...r.open(1), ...r.data('c2s', enc('abc'), 2), ...r.reset('s2c', 3), ...r.data('c2s', enc('zzz'), 4)];
    assert.equal(frames.length, 3 + 2 + 1);
  });

  it('sequence numbers wrap around 2^32 without harm', () => {
    const s = new TcpSynth({ client: { ip: '10.0.0.1', port: 40005 }, server: { ip: '10.0.0.2', port: 80 }, clientIsn: 0xffffff00, serverIsn: 0xfffffff0, mss: 100 });
    const frames = [...s.open(1), ...s.data('c2s', enc('GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'p'.repeat(400) + '\r\n\r\n'), 2), ...s.data('s2c', enc(bigResp), 3), ...s.close('s2c', 4)];
    const got = decodeBytes(pcapngFromFrames(frames));
    assert.equal(got.calls.length, 1);
    assert.equal(got.calls[0].status?.code, 200);
    assert.equal(got.calls[0].response?.body?.size, 5000);
  });

  it('parses addresses', () => {
    assert.deepEqual([...parseIp('10.1.2.3')], [10, 1, 2, 3]);
    assert.deepEqual([...parseIp('::1')], [...new Array(15).fill(0), 1]);
    assert.deepEqual([...parseIp('[2001:db8::a:b]')].slice(0, 4), [0x20, 0x01, 0x0d, 0xb8]);
    assert.deepEqual([...parseIp('::ffff:1.2.3.4')].slice(10), [0xff, 0xff, 1, 2, 3, 4]);
    assert.throws(() => parseIp('1.2.3'));
    assert.throws(() => parseIp('1::2::3'));
  });

  it('tshark reads the synthesized capture as TCP with valid checksums', { skip: has('tshark') ? false : 'tshark is not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'callscope-synth-'));
    try {
      const file = join(dir, 'synth.pcapng');
      writeFileSync(file, pcapngFromFrames(synthesize({ ip: '127.0.0.1', port: 40001 }, { ip: '127.0.0.1', port: 8080 }, 1000)));
      const r = spawnSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message', '-e', 'http.request.method', '-e', 'http.response.code'], { encoding: 'utf8', timeout: 30000 });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /checksum.*(incorrect|bad)|malformed|previous segment not captured|ACKed unseen/i);
      assert.match(r.stdout, /POST/);
      assert.match(r.stdout, /\t200/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
