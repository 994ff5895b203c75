import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { sniffCapture, describeMagic } from '../../../decoders/capture/sniff';
import { readAll } from './read-all';
import * as B from '../../helpers/pcap-builder';

const TS = 1_700_000_000_123_456; // µs

describe('sniffing (pcap magics, pcapng SHB, gzip)', () => {
  it('recognises every magic in both byte orders', () => {
    for (const h of ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1']) assert.equal(sniffCapture(fromHex(h + '00000000')), 'pcap');
    assert.equal(sniffCapture(fromHex('0a0d0d0a 1c000000 4d3c2b1a')), 'pcapng');
    assert.equal(sniffCapture(fromHex('1f8b0800')), 'gzip');
    assert.equal(sniffCapture(fromHex('7b226a')), 'unknown');
    assert.equal(sniffCapture(fromHex('3c3f786d')), 'unknown');
  });
  it('describes the first bytes for the error message', () => {
    assert.equal(describeMagic(fromHex('3c3f786d6c')), '0x3c3f786d');
    assert.equal(describeMagic(fromHex('01')), '0x01');
  });
  it('the reader refuses an unknown file with that message', () => {
    const r = readAll(new TextEncoder().encode('{"not":"a capture"}'));
    assert.equal(r.frames.length, 0);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /not a pcap or pcapng file \(starts with 0x7b226e6f: JSON text, not a capture/);
  });
});

describe('pcap file header and records (draft-ietf-opsawg-pcap §4, §5)', () => {
  // little-endian µs: magic, 2.4, thiszone 0, sigfigs 0, snaplen 65535, linktype 1;
  // one record ts 1700000000.123456, caplen 4, len 4, data deadbeef
  const le = fromHex(`d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
                      00f15365 40e20100 04000000 04000000 deadbeef`);
  // the same in big-endian with the nanosecond magic: frac 123456789 ns
  const beNs = fromHex(`a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065
                        6553f100 075bcd15 00000004 00000006 deadbeef`);

  it('reads a little-endian µs file', () => {
    const r = readAll(le);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.info?.format, 'pcap');
    assert.equal(r.info?.littleEndian, true);
    assert.equal(r.info?.version, '2.4');
    assert.equal(r.info?.interfaces[0].snapLen, 65535);
    assert.equal(r.frames.length, 1);
    const f = r.frames[0];
    assert.equal(f.frame, 1);
    assert.equal(f.linkType, 1);
    assert.equal(f.tsUs, TS);
    assert.equal(f.capLen, 4);
    assert.equal(f.origLen, 4);
    assert.equal(f.fileOffset, 40);
    assert.deepEqual(f.data, [0xde, 0xad, 0xbe, 0xef]);
  });
  it('reads a big-endian ns file, rounding timestamps down to µs', () => {
    const r = readAll(beNs);
    assert.equal(r.info?.littleEndian, false);
    assert.equal(r.info?.nanosecond, true);
    assert.equal(r.frames[0].linkType, 101);
    assert.equal(r.frames[0].tsUs, 1_700_000_000_123_456);
    assert.equal(r.frames[0].origLen, 6, 'origLen from the record even when larger than caplen');
  });
  it('masks the FCS bits of the link-type field (§4 LinkType and additional information)', () => {
    const fcs = B.pcapFile([{ tsUs: TS, data: new Uint8Array(20) }], { linkType: 1 | 0x04000000 | (2 << 28) });
    assert.equal(readAll(fcs).frames[0].linkType, 1);
  });
  it('snaplen cut: capLen < origLen', () => {
    const data = new Uint8Array(300).map((_, i) => i);
    const r = readAll(B.pcapFile([{ tsUs: TS, data }], { snaplen: 96 }));
    assert.equal(r.frames[0].capLen, 96);
    assert.equal(r.frames[0].origLen, 300);
    assert.deepEqual(r.frames[0].data, Array.from(data.subarray(0, 96)));
  });
  it('every combination of byte order and resolution gives the same frames', () => {
    const frames = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'ping' }, { dir: 's2c', data: 'pong' }] });
    const base = readAll(B.pcapFile(frames)).frames;
    for (const bigEndian of [false, true]) {
      for (const nanosecond of [false, true]) {
        const r = readAll(B.pcapFile(frames, { bigEndian, nanosecond }));
        assert.deepEqual(r.frames.map((f) => [f.tsUs, f.data]), base.map((f) => [f.tsUs, f.data]));
      }
    }
  });
  it('reads the modified (Kuznetzov) pcap with 24-byte records', () => {
    const r = readAll(B.pcapFile([{ tsUs: TS, data: Uint8Array.of(1, 2, 3) }], { modified: true }));
    assert.deepEqual(r.frames.map((f) => f.data), [[1, 2, 3]]);
  });
  it("old variants' longer record headers are found from the first records (as editcap -F nokiapcap / rh6_1pcap / suse6_3pcap write them)", () => {
    const frames = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'ping' }, { dir: 's2c', data: 'pong' }] });
    const base = readAll(B.pcapFile(frames)).frames.map((f) => [f.tsUs, f.data]);
    for (const [o, size, who] of [
      [{ recordPad: 4 }, 20, "Nokia IPSO's"],
      [{ recordPad: 8 }, 24, "Red Hat 6.1's"],
      [{ modified: true, recordPad: 4 }, 28, "SuSE 6.3's"],
    ] as const) {
      // (judged from the first records of the first chunk read: files are read 4 MiB at a time)
      for (const chunk of [undefined, 400]) {
        const r = readAll(B.pcapFile(frames, o), chunk);
        assert.deepEqual(r.frames.map((f) => [f.tsUs, f.data]), base, `${size}-byte records, chunk ${chunk}`);
        assert.deepEqual(r.warnings.map((w) => w.message), [`records have ${size}-byte headers (${who} pcap variant): read as such`]);
      }
    }
    // the usual sizes are not second-guessed, even for one short record
    assert.deepEqual(readAll(B.pcapFile(frames)).warnings, []);
    assert.deepEqual(readAll(B.pcapFile(frames.slice(0, 1)), 5).warnings, []);
  });
  it('a record length beyond maxRecordBytes means damage: warning, stop', () => {
    const file = B.pcapFile([{ tsUs: TS, data: new Uint8Array(10) }, { tsUs: TS, data: new Uint8Array(10) }]);
    new DataView(file.buffer).setUint32(24 + 16 + 10 + 8, 0x7fffffff, true);
    const r = readAll(file);
    assert.equal(r.frames.length, 1);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /record at offset 50 claims 2147483647 bytes; capture damaged from here/);
    const small = readAll(B.pcapFile([{ tsUs: TS, data: new Uint8Array(100) }]), 7, { maxRecordBytes: 64 });
    assert.equal(small.frames.length, 0);
    assert.match(small.warnings[0].message, /claims 100 bytes/);
  });
});

describe('truncated files', () => {
  const file = B.pcapFile([1, 2, 3].map((i) => ({ tsUs: TS + i, data: new Uint8Array(50).fill(i) })));
  it('cut inside frame data: complete frames, one warning naming the frame', () => {
    const r = readAll(file.subarray(0, file.length - 10));
    assert.equal(r.frames.length, 2);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /capture ends inside frame 3 \(at byte 56 of 66 needed\); earlier frames are complete/);
  });
  it('cut inside a record header', () => {
    const r = readAll(file.subarray(0, 24 + 66 + 5), 3);
    assert.equal(r.frames.length, 1);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /record header of frame 2 \(5 of 16 bytes\)/);
  });
  it('cut inside the file header, and empty files', () => {
    assert.match(readAll(file.subarray(0, 10)).warnings[0].message, /too short/);
    assert.match(readAll(new Uint8Array(0)).warnings[0].message, /empty/);
  });
  it('pcapng cut inside an EPB', () => {
    const ng = B.pcapngFile([{ blocks: [B.idb(), B.epb({ tsUs: TS, data: new Uint8Array(40) }), B.epb({ tsUs: TS, data: new Uint8Array(40) })] }]);
    const r = readAll(ng.subarray(0, ng.length - 7), 5);
    assert.equal(r.frames.length, 1);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /capture ends inside frame 2/);
  });
});

describe('pcapng sections (draft-ietf-opsawg-pcapng §4.1 SHB)', () => {
  it('several sections in both byte orders; SHB options kept as comments; interfaces reset per section', () => {
    const a = B.tcpPacket({ payload: 'one' });
    const file = B.pcapngFile([
      { comment: 'first section', hardware: 'x86_64', os: 'Linux 6.1', userappl: 'dumpcap', blocks: [B.idb({ linkType: 101 }), B.epb({ tsUs: TS, data: a })] },
      { bigEndian: true, blocks: [B.idb({ linkType: 228, name: 'eth0', description: 'uplink' }), B.epb({ tsUs: TS + 1, data: a })] },
      { blocks: [B.idb({ linkType: 1 }), B.epb({ tsUs: TS + 2, data: B.ethernet(a) })] },
    ]);
    const r = readAll(file);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.frames.map((f) => [f.frame, f.linkType, f.interfaceId, f.tsUs]), [
      [1, 101, 0, TS],
      [2, 228, 0, TS + 1],
      [3, 1, 0, TS + 2],
    ]);
    assert.equal(r.info?.format, 'pcapng');
    assert.equal(r.info?.version, '1.0');
    assert.deepEqual(r.info?.comments, ['first section', 'shb_hardware: x86_64', 'shb_os: Linux 6.1', 'shb_userappl: dumpcap']);
    assert.deepEqual(r.info?.interfaces.map((i) => [i.section, i.id, i.linkType, i.name ?? '']), [
      [0, 0, 101, ''],
      [1, 0, 228, 'eth0'],
      [2, 0, 1, ''],
    ]);
    assert.equal(r.info?.interfaces[1].description, 'uplink');
  });
  it('inline hex: a big-endian SHB, IDB (Ethernet, snaplen 0) and an EPB', () => {
    const hex = `0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffff ffffffff 0000001c
                 00000001 00000014 0001 0000 00000000 00000014
                 00000006 00000024 00000000 00060a24 18202240 00000004 00000004 cafef00d 00000024`;
    const r = readAll(fromHex(hex));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.info?.littleEndian, false);
    // 0x00060a24_18202240 µs = 1700000000123456
    assert.deepEqual(r.frames.map((f) => [f.linkType, f.tsUs, f.data, f.fileOffset]), [[1, TS, [0xca, 0xfe, 0xf0, 0x0d], 28 + 20 + 28]]);
  });
  it('a bad byte-order magic stops with a warning', () => {
    const r = readAll(fromHex('0a0d0d0a 1c000000 11223344 0100 0000 ffffffffffffffff 1c000000'));
    assert.equal(r.frames.length, 0);
    assert.match(r.warnings[0].message, /bad byte-order magic/);
  });
});

describe('pcapng interfaces (§4.2 IDB: if_tsresol, if_tsoffset, several link types)', () => {
  it('frames on several interfaces keep their own link types', () => {
    const ip = B.udpPacket({ payload: 'x' });
    const r = readAll(
      B.pcapngFile([
        {
          blocks: [
            B.idb({ linkType: 1 }),
            B.idb({ linkType: 113 }),
            B.idb({ linkType: 101, snapLen: 128 }),
            B.epb({ tsUs: TS, data: B.sll(ip), interfaceId: 1 }),
            B.epb({ tsUs: TS, data: ip, interfaceId: 2 }),
            B.epb({ tsUs: TS, data: B.ethernet(ip), interfaceId: 0 }),
          ],
        },
      ]),
    );
    assert.deepEqual(r.frames.map((f) => [f.interfaceId, f.linkType]), [
      [1, 113],
      [2, 101],
      [0, 1],
    ]);
  });
  it('if_tsresol decimal: seconds, ms, µs (default), ns, ps, 10^-15', () => {
    for (const resol of [0, 3, 6, 9, 12, 15]) {
      // 64 bits of ps since 1970 overflow (2^64 ps ≈ 213 days): use small times for ps and fs.
      const tsUs = resol >= 12 ? 1_000_123_456 : resol >= 6 ? TS : resol === 3 ? 1_700_000_000_123_000 : 1_700_000_000_000_000;
      const r = readAll(B.pcapngFile([{ blocks: [B.idb({ tsresol: resol }), B.epb({ tsUs, extraNs: resol >= 9 ? 789 : 0, data: new Uint8Array(4) })] }]));
      assert.equal(r.frames[0].tsUs, tsUs, `resol 10^-${resol}`);
      assert.equal(r.info?.interfaces[0].tsUnitsPerSecond, 10 ** resol);
    }
  });
  it('if_tsresol ns: 64-bit values beyond 2^53 are exact (hi/lo split)', () => {
    // 1700000000123456789 ns = 0x17979CFE_62A74E15... built with BigInt.
    const ts = 1_700_000_000_123_456_789n;
    const r = readAll(B.pcapngFile([{ blocks: [B.idb({ tsresol: 9 }), B.epb({ ts, data: new Uint8Array(1) }), B.epb({ ts: (1n << 64n) - 1n, data: new Uint8Array(1) })] }]));
    assert.equal(r.frames[0].tsUs, 1_700_000_000_123_456);
    assert.ok(Number.isInteger(r.frames[1].tsUs));
    assert.equal(r.frames[1].tsUs, Number(((1n << 64n) - 1n) / 1000n));
  });
  it('if_tsresol power of two (high bit set): 2^-20 and 2^-10', () => {
    for (const k of [20, 10, 30]) {
      const secs = 1_700_000_000n;
      const ts = (secs << BigInt(k)) + (1n << BigInt(k - 1)); // …0.5 s
      const r = readAll(B.pcapngFile([{ blocks: [B.idb({ tsresol: 0x80 | k }), B.epb({ ts, data: new Uint8Array(1) })] }]));
      assert.equal(r.frames[0].tsUs, 1_700_000_000_500_000, `2^-${k}`);
      assert.equal(r.info?.interfaces[0].tsUnitsPerSecond, 2 ** k);
    }
  });
  it('if_tsoffset adds seconds (also negative)', () => {
    for (const off of [3600, -7200]) {
      const r = readAll(B.pcapngFile([{ blocks: [B.idb({ tsoffset: off }), B.epb({ ts: 5_000_000n, data: new Uint8Array(1) })] }]));
      assert.equal(r.frames[0].tsUs, 5_000_000 + off * 1e6);
      assert.equal(r.info?.interfaces[0].tsOffsetSeconds, off);
    }
  });
  it('a frame on an interface never described: one warning, frame skipped', () => {
    const r = readAll(
      B.pcapngFile([{ blocks: [B.idb(), B.epb({ tsUs: TS, data: new Uint8Array(4), interfaceId: 3 }), B.epb({ tsUs: TS, data: new Uint8Array(4), interfaceId: 3 }), B.epb({ tsUs: TS, data: new Uint8Array(4) })] }]),
    );
    assert.equal(r.frames.length, 1);
    assert.equal(r.frames[0].frame, 1);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /interface 3/);
  });
});

describe('pcapng packet blocks (§4.3 EPB, §4.4 SPB, Appendix obsolete PB)', () => {
  it('EPB opt_comment goes to RawFrame.comment; origLen > capLen kept', () => {
    const r = readAll(B.pcapngFile([{ blocks: [B.idb(), B.epb({ tsUs: TS, data: new Uint8Array(5), origLen: 1500, comment: 'retransmitted?' }), B.epb({ tsUs: TS, data: new Uint8Array(3) })] }]));
    assert.equal(r.frames[0].comment, 'retransmitted?');
    assert.equal(r.frames[0].capLen, 5);
    assert.equal(r.frames[0].origLen, 1500);
    assert.equal(r.frames[1].comment, undefined);
  });
  it('SPB: no timestamp (previous frame time), length from the block and snaplen', () => {
    const data = new Uint8Array(200).map((_, i) => i);
    const r = readAll(B.pcapngFile([{ blocks: [B.idb({ snapLen: 64 }), B.epb({ tsUs: TS, data: data.subarray(0, 10) }), B.spb(data.subarray(0, 64), 200), B.spb(data.subarray(0, 7))] }]));
    assert.deepEqual(r.frames.map((f) => [f.frame, f.tsUs, f.capLen, f.origLen]), [
      [1, TS, 10, 10],
      [2, TS, 64, 200],
      [3, TS, 7, 7],
    ]);
    assert.deepEqual(r.frames[1].data, Array.from(data.subarray(0, 64)));
  });
  it('obsolete Packet Block (type 2)', () => {
    const r = readAll(B.pcapngFile([{ blocks: [B.idb(), B.idb({ linkType: 101 }), B.epb({ tsUs: TS, data: Uint8Array.of(9, 8), interfaceId: 1, obsolete: true, comment: 'old' })] }]));
    assert.deepEqual(r.frames.map((f) => [f.interfaceId, f.linkType, f.tsUs, f.data, f.comment]), [[1, 101, TS, [9, 8], 'old']]);
  });
  it('EPB whose caplen exceeds the block: warning, skipped', () => {
    const file = B.pcapngFile([{ blocks: [B.idb(), B.epb({ tsUs: TS, data: new Uint8Array(8) }), B.epb({ tsUs: TS, data: new Uint8Array(8) })] }]);
    // first EPB starts after SHB (28) + IDB (20); caplen at +20
    new DataView(file.buffer).setUint32(28 + 20 + 20, 500, true);
    const r = readAll(file);
    assert.equal(r.frames.length, 1);
    assert.match(r.warnings[0].message, /claims 500 captured bytes/);
  });
});

describe('pcapng other blocks (§4.5 NRB, §4.6 ISB, §4.7 DSB, §4.8 custom, unknown)', () => {
  it('are skipped cleanly in both byte orders; custom blocks take a frame number like Wireshark', () => {
    for (const bigEndian of [false, true]) {
      const r = readAll(
        B.pcapngFile([
          {
            bigEndian,
            blocks: [
              B.idb(),
              B.nrb(),
              B.epb({ tsUs: TS, data: Uint8Array.of(1) }),
              B.isb(0),
              B.dsb(),
              { type: 'raw', blockType: 0x12345, body: new Uint8Array(100) },
              B.customBlock(),
              B.epb({ tsUs: TS, data: Uint8Array.of(2) }),
            ],
          },
        ]),
      );
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(r.frames.map((f) => [f.frame, f.data[0]]), [
        [1, 1],
        [3, 2],
      ]);
    }
  });
  it('a huge skipped block is not buffered', () => {
    const big = { type: 'raw' as const, blockType: 10, body: new Uint8Array(5 << 20) };
    const r = readAll(B.pcapngFile([{ blocks: [B.idb(), big, B.epb({ tsUs: TS, data: Uint8Array.of(7) })] }]), 65536, { maxRecordBytes: 1024 });
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.frames.map((f) => f.data), [[7]]);
  });
  it('an invalid block length stops with a warning', () => {
    const file = B.pcapngFile([{ blocks: [B.idb(), B.epb({ tsUs: TS, data: Uint8Array.of(1) }), B.epb({ tsUs: TS, data: Uint8Array.of(2) })] }]);
    new DataView(file.buffer).setUint32(28 + 20 + 36 + 4, 13, true);
    const r = readAll(file);
    assert.equal(r.frames.length, 1);
    assert.match(r.warnings[0].message, /invalid length 13/);
  });
});

describe('reader split invariance (any chunk size gives the same frames)', () => {
  const conv = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'GET / HTTP/1.1\r\n\r\n' }, { dir: 's2c', data: 'z'.repeat(2500) }], mss: 700 });
  const files: Array<[string, Uint8Array]> = [
    ['pcap', B.pcapFile(conv)],
    ['pcap be ns', B.pcapFile(conv, { bigEndian: true, nanosecond: true })],
    [
      'pcapng',
      B.pcapngFile([
        { comment: 'c', blocks: [B.idb({ tsresol: 9 }), B.nrb(), ...conv.slice(0, 5).map((f) => B.epb({ ...f, comment: 'k' })), B.customBlock(), B.isb()] },
        { bigEndian: true, blocks: [B.idb({ snapLen: 100 }), ...conv.slice(5).map((f) => B.epb(f)), B.spb(conv[0].data)] },
      ]),
    ],
  ];
  for (const [name, file] of files) {
    it(`${name}: chunk sizes 1..${file.length}`, () => {
      const base = readAll(file);
      assert.deepEqual(base.warnings, []);
      assert.ok(base.frames.length > 5);
      for (let n = 1; n <= file.length; n += n < 64 ? 1 : 37) {
        const r = readAll(file, n);
        assert.deepEqual(r.frames, base.frames, `chunk ${n}`);
        assert.deepEqual(r.warnings, []);
        assert.equal(r.reader.bytesConsumed, file.length);
      }
      const r = readAll(file, file.length);
      assert.deepEqual(r.frames, base.frames);
      // random sizes
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 300) + 1;
      assert.deepEqual(readAll(file, rnd).frames, base.frames);
    });
  }
});
