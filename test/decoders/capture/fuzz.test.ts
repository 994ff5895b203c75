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

function runAll(file: Uint8Array, rnd: (n: number) => number): { frames: number; packets: number; warnings: number } {
  let frames = 0;
  let packets = 0;
  let warnings = 0;
  const net = new NetDecoder({ packet: () => packets++, warning: () => warnings++ });
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
  return { frames, packets, warnings };
}

const conv = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'POST /x HTTP/1.1\r\n\r\n' + 'a'.repeat(2000) }, { dir: 's2c', data: 'HTTP/1.1 200 OK\r\n\r\n' }], mss: 600 });
const v6 = B.tcpConversation({ client: { ip: '2001:db8::1', port: 1 }, server: { ip: '2001:db8::2', port: 2 }, exchanges: [{ dir: 'c2s', data: 'x'.repeat(100) }], link: (ip) => B.sll2(ip) });
const frags = [...B.fragmentIpv4(B.udpPacket({ payload: 'f'.repeat(1500) }), 400), ...B.fragmentIpv6(B.udpPacket({ src: '::1', dst: '::2', payload: 'g'.repeat(1500) }), 400)];
// PKTAP (108-byte header, lo0's DLT_NULL inside) and tunnels: GRE transparent Ethernet, VXLAN, Geneve, MPLS.
const pktap = (ip: Uint8Array) => {
  const h = new Uint8Array(112);
  const v = new DataView(h.buffer);
  v.setUint32(0, 108, true);
  v.setUint32(4, 1, true);
  v.setUint32(104 + 4, 2, true);
  return B.concat(h, ip);
};
const tunneled = conv.map((f, i) => {
  const eth = f.data;
  const ip = eth.subarray(14);
  const wrap = [
    () => B.ethernet(B.ipv4Packet({ proto: 47, payload: B.concat(Uint8Array.of(0x20, 0, 0x65, 0x58, 0, 0, 0, 7), eth) })),
    () => B.ethernet(B.udpPacket({ dport: 4789, payload: B.concat(Uint8Array.of(8, 0, 0, 0, 0, 0, 42, 0), eth) })),
    () => B.ethernet(B.udpPacket({ dport: 6081, payload: B.concat(Uint8Array.of(0, 0, 0x65, 0x58, 0, 0, 43, 0), eth) })),
    () => B.concat(Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x47, 0, 1, 0x01, 64), ip),
  ][i % 4];
  return { ...f, data: wrap() };
});
const seeds: Array<[string, Uint8Array]> = [
  ['pcap pktap', B.pcapFile(conv.map((f) => ({ ...f, data: pktap(f.data.subarray(14)) })), { linkType: 258 })],
  ['pcap tunnels', B.pcapFile(tunneled)],
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
      if (name === 'pcap pktap' || name === 'pcap tunnels') {
        // (every frame of these is a TCP packet once unwrapped: the mutations start from frames that reach TCP)
        assert.equal(base.packets, base.frames);
        assert.equal(base.warnings, 0);
      }
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
