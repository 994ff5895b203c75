/**
 * Random and mutated captures never throw and never hang, through CaptureReader and
 * NetDecoder together, fed in random chunk sizes. Seeded, modest iteration counts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureReader } from '../../../decoders/capture/reader';
import { NetDecoder } from '../../../decoders/net/decode';
import * as B from '../../helpers/pcap-builder';

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function runAll(file: Uint8Array, rnd: (n: number) => number): { frames: number; warnings: number } {
  let frames = 0;
  let warnings = 0;
  const net = new NetDecoder({ packet: () => {}, warning: () => warnings++ });
  const reader = new CaptureReader(
    {
      frame: (f) => {
        frames++;
        assert.ok(f.data.length === f.capLen && f.capLen <= 1 << 20);
        assert.ok(Number.isFinite(f.tsUs));
        net.frame(f);
      },
      warning: () => warnings++,
    },
    { maxRecordBytes: 1 << 20 },
  );
  for (let o = 0; o < file.length; ) {
    const n = 1 + rnd(rnd(2) ? 64 : 4096);
    reader.push(file.subarray(o, o + n));
    o += n;
  }
  reader.end();
  net.flush();
  return { frames, warnings };
}

const conv = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'POST /x HTTP/1.1\r\n\r\n' + 'a'.repeat(2000) }, { dir: 's2c', data: 'HTTP/1.1 200 OK\r\n\r\n' }], mss: 600 });
const v6 = B.tcpConversation({ client: { ip: '2001:db8::1', port: 1 }, server: { ip: '2001:db8::2', port: 2 }, exchanges: [{ dir: 'c2s', data: 'x'.repeat(100) }], link: (ip) => B.sll2(ip) });
const frags = [...B.fragmentIpv4(B.udpPacket({ payload: 'f'.repeat(1500) }), 400), ...B.fragmentIpv6(B.udpPacket({ src: '::1', dst: '::2', payload: 'g'.repeat(1500) }), 400)];
const seeds: Array<[string, Uint8Array]> = [
  ['pcap', B.pcapFile(conv)],
  ['pcap be ns', B.pcapFile(conv, { bigEndian: true, nanosecond: true, snaplen: 300 })],
  ['pcap raw fragments', B.pcapFile(frags.map((data, i) => ({ tsUs: i, data })), { linkType: 101 })],
  [
    'pcapng',
    B.pcapngFile([
      { comment: 'x', blocks: [B.idb({ tsresol: 9 }), B.idb({ linkType: 276, tsresol: 0x80 | 20 }), ...conv.map((f) => B.epb({ ...f, comment: 'c' })), ...v6.map((f) => B.epb({ ...f, interfaceId: 1 })), B.nrb(), B.isb()] },
      { bigEndian: true, blocks: [B.idb({ linkType: 101, snapLen: 100 }), ...frags.map((data) => B.spb(data)), B.customBlock()] },
    ]),
  ],
];

describe('fuzz: random bytes and mutations never throw, never hang', () => {
  it('pure random bytes, with and without a valid magic', () => {
    const rnd = prng(42);
    for (let i = 0; i < 200; i++) {
      const f = new Uint8Array(rnd(2000)).map(() => rnd(256));
      if (i % 3 === 0 && f.length >= 4) f.set([0xd4, 0xc3, 0xb2, 0xa1]);
      if (i % 3 === 1 && f.length >= 12) f.set([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]);
      runAll(f, rnd);
    }
  });
  for (const [name, seed] of seeds) {
    it(`mutated ${name}`, () => {
      const rnd = prng(name.length * 7919);
      const base = runAll(seed, rnd);
      assert.ok(base.frames > 0);
      for (let i = 0; i < 250; i++) {
        const f = seed.slice();
        const edits = 1 + rnd(8);
        for (let e = 0; e < edits; e++) {
          const at = rnd(f.length);
          switch (rnd(4)) {
            case 0:
              f[at] = rnd(256);
              break;
            case 1:
              f[at] ^= 1 << rnd(8);
              break;
            case 2:
              f[at] = [0, 0xff, 0x7f, 0x80][rnd(4)];
              break;
            default:
              f.fill(0xff, at, at + 4);
          }
        }
        const cut = rnd(4) === 0 ? f.subarray(0, rnd(f.length)) : f;
        runAll(cut, rnd);
      }
    });
  }
});
