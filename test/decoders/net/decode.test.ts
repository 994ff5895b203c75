import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { NetDecoder } from '../../../decoders/net/decode';
import { formatIpv6, ipv6Text, ipv4Text } from '../../../decoders/net/address';
import type { RawFrame } from '../../../decoders/capture/types';
import type { CaptureWarning } from '../../../decoders/core/model';
import type { Packet } from '../../../decoders/net/types';
import * as B from '../../helpers/pcap-builder';

type PacketCopy = Omit<Packet, 'payload'> & { payload: string };

function run(frames: Array<{ data: Uint8Array; linkType: number; origLen?: number; tsUs?: number; interfaceId?: number; fileOffset?: number }>) {
  const packets: PacketCopy[] = [];
  const warnings: CaptureWarning[] = [];
  const net = new NetDecoder({
    packet: (p) => packets.push({ ...p, payload: new TextDecoder('latin1').decode(p.payload) }),
    warning: (w) => warnings.push(w),
  });
  frames.forEach((f, i) => {
    const rf: RawFrame = {
      frame: i + 1,
      linkType: f.linkType,
      tsUs: f.tsUs ?? 1_700_000_000_000_000 + i,
      capLen: f.data.length,
      origLen: f.origLen ?? f.data.length,
      data: f.data,
      fileOffset: f.fileOffset ?? 1000,
      interfaceId: f.interfaceId ?? 0,
    };
    net.frame(rf);
  });
  net.flush();
  return { packets, warnings, stats: net.stats };
}

const one = (data: Uint8Array, linkType: number, origLen?: number) => run([{ data, linkType, origLen }]);

// IPv4/TCP (total length 42) 10.0.0.1:50000 → 10.0.0.2:80, seq 1000, ack 2000, PA, window 512, payload "hi"
const IPV4_TCP = fromHex(`45 00 002a 0001 4000 40 06 0000 0a000001 0a000002
                          c350 0050 000003e8 000007d0 50 18 0200 0000 0000  6869`);

/** One TCP packet from `src` carrying "hi", and no warning. */
const check = (r: ReturnType<typeof run>, src = '10.0.0.1') => {
  assert.deepEqual(r.warnings, []);
  assert.equal(r.packets.length, 1);
  assert.equal(r.packets[0].src, src);
  assert.equal(r.packets[0].payload, 'hi');
};

describe('link layers (tcpdump.org LINKTYPE_*)', () => {
  it('1 Ethernet II (inline hex), with Ethernet padding ignored', () => {
    const eth = fromHex(`020000000002 020000000001 0800`);
    const r = one(B.concat(eth, IPV4_TCP, new Uint8Array(20)), 1);
    check(r);
    const p = r.packets[0];
    assert.deepEqual([p.dst, p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.proto, p.ipVersion], ['10.0.0.2', 50000, 80, 1000, 2000, 0x18, 512, 6, 4]);
    assert.equal(p.payloadWireLength, 2);
    assert.equal(p.fileOffset, 1000 + 14 + 20 + 20);
  });
  it('1 Ethernet with 802.1Q, QinQ 0x88a8 and 0x9100 tags', () => {
    check(one(B.ethernet(IPV4_TCP, { vlan: 5 }), 1));
    check(one(B.ethernet(IPV4_TCP, { vlan: [100, 200] }), 1));
    check(one(B.ethernet(IPV4_TCP, { vlan: [1, 2, 3], tpids: [0x9100, 0x88a8, 0x8100] }), 1));
  });
  it('113 Linux SLL and 276 Linux SLL2 (inline hex headers)', () => {
    check(one(B.concat(fromHex('0000 0304 0006 000000000000 0000 0800'), IPV4_TCP), 113));
    check(one(B.concat(fromHex('0800 0000 00000001 0304 00 06 0000000000000000'), IPV4_TCP), 276));
    check(one(B.sll(B.tcpPacket({ src: '2001:db8::5', payload: 'hi' })), 113), '2001:db8::5');
    check(one(B.sll2(B.tcpPacket({ src: '2001:db8::5', payload: 'hi' })), 276), '2001:db8::5');
  });
  it('0 BSD NULL in either host byte order, AF_INET6 24/28/30; 108 LOOP network order', () => {
    check(one(B.concat(fromHex('02000000'), IPV4_TCP), 0));
    check(one(B.concat(fromHex('00000002'), IPV4_TCP), 0));
    const v6 = B.tcpPacket({ src: '::1', dst: '::1', payload: 'hi' });
    for (const af of [24, 28, 30]) {
      check(one(B.nullLoop(v6, { af }), 0), '::1');
      check(one(B.nullLoop(v6, { af, bigEndian: true }), 0), '::1');
    }
    check(one(B.concat(fromHex('00000002'), IPV4_TCP), 108));
    check(one(B.nullLoop(v6, { loop: true, af: 24 }), 108), '::1');
  });
  it('0 BSD NULL with another system’s AF_INET6 (Windows 23, Linux 10): IPv6 by the packet’s version nibble', () => {
    const v6 = B.tcpPacket({ src: '::1', dst: '::1', payload: 'hi' });
    for (const af of [23, 10]) check(one(B.nullLoop(v6, { af }), 0), '::1');
    const r = run([{ data: B.concat(fromHex('17000000'), IPV4_TCP), linkType: 0 }]);
    assert.equal(r.packets.length, 0, 'an IPv4 packet under AF 23 is not read as IPv6');
  });
  it('101 / 12 / 14 raw IP by version nibble; 228 IPv4; 229 IPv6', () => {
    const v6 = B.tcpPacket({ src: 'fe80::1', payload: 'hi' });
    for (const lt of [101, 12, 14]) {
      check(one(IPV4_TCP, lt));
      check(one(v6, lt), 'fe80::1');
    }
    check(one(IPV4_TCP, 228));
    check(one(v6, 229), 'fe80::1');
  });
  it('non-IP ethertypes and other IP protocols are skipped silently, counted', () => {
    const arp = B.ethernet(new Uint8Array(28), { type: 0x0806 });
    const icmp = B.ethernet(B.ipv4Packet({ proto: 1, payload: new Uint8Array(8) }));
    const r = run([{ data: arp, linkType: 1 }, { data: icmp, linkType: 1 }, { data: B.ethernet(B.ipv6Packet({ nextHeader: 58, payload: new Uint8Array(8) })), linkType: 1 }]);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets.length, 0);
    assert.equal(r.stats.nonIp, 1);
    assert.equal(r.stats.otherIpProto, 2);
  });
  it('an unsupported link type gives ONE warning per interface naming it', () => {
    const r = run([
      { data: new Uint8Array(10), linkType: 147 },
      { data: new Uint8Array(10), linkType: 147 },
      { data: new Uint8Array(10), linkType: 147, interfaceId: 2 },
      { data: new Uint8Array(10), linkType: 107 },
    ]);
    assert.deepEqual(
      r.warnings.map((w) => w.message),
      [
        'link type 147 (USER0) is not supported: frames on interface 0 skipped',
        'link type 147 (USER0) is not supported: frames on interface 2 skipped',
        'link type 107 (FRELAY) is not supported: frames on interface 0 skipped',
      ],
    );
    assert.equal(r.stats.unsupportedLink, 4);
  });
});

// The headers below were checked with tshark 4.0 (each frame written to a pcap of its link type reads,
// all but 166, which tshark does not open, as the same TCP segment 10.0.0.1:50000 → 10.0.0.2:80 "hi").
const V6_TCP = B.tcpPacket({ src: '2001:db8::1', dst: '2001:db8::2', payload: 'hi' });
// 802.11-2020 §9.3.2.1 QoS Data to the DS (fc 88 01), three addresses, sequence control, QoS control; then LLC/SNAP.
const QOS_DATA = fromHex('8801 0000 020000000002 020000000001 020000000002 1000 0000');
const SNAP_IPV4 = fromHex('aaaa03 000000 0800');
const SNAP_IPV6 = fromHex('aaaa03 000000 86dd');

describe('point-to-point, firewall-log and wireless link layers (tcpdump.org LINKTYPE_*)', () => {
  it('9 PPP (RFC 1661 §2): the protocol field, with RFC 1662 §3.1 ff 03 or without, compressed to one byte (§6.5)', () => {
    check(one(B.concat(fromHex('0021'), IPV4_TCP), 9));
    check(one(B.concat(fromHex('ff03 0021'), IPV4_TCP), 9));
    check(one(B.concat(fromHex('21'), IPV4_TCP), 9));
    check(one(B.concat(fromHex('ff03 0057'), V6_TCP), 9), '2001:db8::1');
    const lcp = one(fromHex('ff03 c021 01 01 0004'), 9);
    assert.deepEqual([lcp.packets.length, lcp.warnings.length, lcp.stats.nonIp], [0, 0, 1]);
  });
  it('50 PPP_HDLC and 166 PPP_PPPD (pppd\'s direction byte for the address), and Cisco HDLC framing in 50', () => {
    check(one(B.concat(fromHex('ff03 0021'), IPV4_TCP), 50));
    check(one(B.concat(fromHex('0f00 0800'), IPV4_TCP), 50));
    check(one(B.concat(fromHex('0103 0021'), IPV4_TCP), 166));
    check(one(B.concat(fromHex('0003 0057'), V6_TCP), 166), '2001:db8::1');
  });
  it('104 Cisco HDLC (RFC 1547 §4.3.1): address 0f/8f, control 00, EtherType', () => {
    check(one(B.concat(fromHex('0f00 0800'), IPV4_TCP), 104));
    check(one(B.concat(fromHex('8f00 86dd'), V6_TCP), 104), '2001:db8::1');
    const slarp = one(fromHex('8f00 8035 00000000'), 104);
    assert.deepEqual([slarp.packets.length, slarp.warnings.length], [0, 0]);
  });
  it('51 PPPoE session without Ethernet (RFC 2516 §4)', () => {
    check(one(B.concat(fromHex('11 00 0001 002c 0021'), IPV4_TCP), 51));
  });
  it('117 pflog: header length (61, padded to 64) and address family first', () => {
    check(one(B.concat(fromHex('3d 02'), new Uint8Array(62), IPV4_TCP), 117));
    check(one(B.concat(fromHex('3d 18'), new Uint8Array(62), V6_TCP), 117), '2001:db8::1');
  });
  it('239 NFLOG: attributes (little- or big-endian lengths, padded to 4) up to NFULA_PAYLOAD (9)', () => {
    const le = B.concat(fromHex('02 00 0000'), fromHex('0800 0100 0800 0300'), fromHex('2e00 0900'), IPV4_TCP, new Uint8Array(2));
    check(one(le, 239));
    const be = B.concat(fromHex('0a 00 0000'), fromHex('0008 0001 86dd 0300'), fromHex('0005 000a 41 000000'), new Uint8Array([0, 4 + V6_TCP.length, 0, 9]), V6_TCP);
    check(one(be, 239), '2001:db8::1');
  });
  it('127 radiotap: header length, Flags (after an aligned TSFT) saying the frame ends with its FCS; 105 802.11 alone', () => {
    // present = Flags only; flags 0x10: FCS at the end
    check(one(B.concat(fromHex('00 00 0900 02000000 10'), QOS_DATA, SNAP_IPV4, IPV4_TCP, fromHex('deadbeef')), 127));
    // present = TSFT + Flags (TSFT 8-aligned at offset 8), no FCS
    check(one(B.concat(fromHex('00 00 1100 03000000 0102030405060708 00'), QOS_DATA, SNAP_IPV4, IPV4_TCP), 127));
    // a second present word (bit 31) before the fields; Flags then sits after both words
    check(one(B.concat(fromHex('00 00 0d00 02000080 00000000 10'), QOS_DATA, SNAP_IPV4, IPV4_TCP, fromHex('deadbeef')), 127));
    // plain Data from the DS (fc 08 02), 24-byte header, IPv6
    check(one(B.concat(fromHex('0802 0000 020000000001 020000000002 020000000003 2000'), SNAP_IPV6, V6_TCP), 105), '2001:db8::1');
  });
  it('802.11 frames without IP to read are skipped silently: protected, management, null data', () => {
    const r = run([
      { data: B.concat(fromHex('8841 0000 020000000002 020000000001 020000000002 1000 0000'), new Uint8Array(60)), linkType: 105 },
      { data: B.concat(fromHex('8000 0000 ffffffffffff 020000000001 020000000001 0000'), new Uint8Array(40)), linkType: 105 },
      { data: fromHex('4801 0000 020000000002 020000000001 020000000002 3000'), linkType: 105 },
    ]);
    assert.deepEqual([r.packets.length, r.warnings.length, r.stats.nonIp], [0, 0, 3]);
  });
  it('163 AVS and 119 Prism monitor headers before the 802.11 frame', () => {
    check(one(B.concat(fromHex('80211001 00000040'), new Uint8Array(56), QOS_DATA, SNAP_IPV4, IPV4_TCP), 163));
    check(one(B.concat(fromHex('44000000 90000000'), new Uint8Array(136), QOS_DATA, SNAP_IPV4, IPV4_TCP), 119));
  });
});

describe('Apple PKTAP (LINKTYPE_PKTAP 258; xnu bsd/net/pktap.h)', () => {
  // pth_length 108, pth_type_next 1 (a packet), pth_dlt, pth_ifname "lo0" at 12, pth_pid 4242 at 52,
  // pth_comm "curl" at 56: little-endian, as a Mac writes it.
  const header = (dlt: number, next = 1, length = 108) => {
    const h = new Uint8Array(length);
    const v = new DataView(h.buffer);
    v.setUint32(0, length, true);
    v.setUint32(4, next, true);
    v.setUint32(8, dlt, true);
    h.set(new TextEncoder().encode('lo0'), 12);
    v.setUint32(52, 4242, true);
    h.set(new TextEncoder().encode('curl'), 56);
    return h;
  };
  it('lo0 (DLT_NULL with its 4-byte family after the header) and en0 (Ethernet); DLT 149 as Darwin writes it', () => {
    const lo = B.concat(header(0), fromHex('02000000'), IPV4_TCP);
    const en = B.concat(header(1), fromHex('020000000002 020000000001 0800'), IPV4_TCP);
    for (const lt of [258, 149]) {
      const r = run([{ data: lo, linkType: lt }, { data: en, linkType: lt }]);
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(r.packets.map((p) => [p.src, p.payload, p.fileOffset]), [['10.0.0.1', 'hi', 1000 + 108 + 4 + 40], ['10.0.0.1', 'hi', 1000 + 108 + 14 + 40]]);
    }
  });
  it('a big-endian header (the other byte order) and a raw-IP frame (DLT 12)', () => {
    const h = header(12);
    const v = new DataView(h.buffer);
    v.setUint32(0, 108);
    v.setUint32(4, 1);
    v.setUint32(8, 12);
    const r = one(B.concat(h, IPV4_TCP), 258);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets[0].payload, 'hi');
  });
  it('a record without a packet (pth_type_next 2, a drop report) is skipped silently; a bad length is malformed; an inner link type we do not decode is named', () => {
    const r = run([
      { data: B.concat(header(1, 2), fromHex('020000000002 020000000001 0800'), IPV4_TCP), linkType: 258 },
      { data: B.concat(header(1, 1, 108).subarray(0, 50)), linkType: 258 },
      { data: B.concat(header(107), new Uint8Array(40)), linkType: 258 },
    ]);
    assert.equal(r.packets.length, 0);
    assert.deepEqual(r.warnings.map((w) => w.message), ['PKTAP header needs 108 bytes, only 50 present; packet skipped', 'PKTAP frame of link type 107 (FRELAY), not decoded; packet skipped']);
  });
  it('DLT 149 that is not PKTAP stays an unsupported link type (USER2)', () => {
    const r = one(new Uint8Array(40).fill(0xff), 149);
    assert.equal(r.packets.length, 0);
    assert.match(r.warnings[0].message, /^link type 149 \(.*\) is not supported/);
  });
});

describe('MPLS (RFC 3032) and PPPoE (RFC 2516) inside Ethernet', () => {
  it('a two-label stack (bottom-of-stack on the second), then IPv4', () => {
    const r = one(B.concat(fromHex('020000000002 020000000001 8847  00010 0 40  00020 1 40'.replace(/ /g, '')), IPV4_TCP), 1);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets[0].payload, 'hi');
  });
  it('a PPPoE session frame carrying IPv4 (PPP protocol 0x0021, and compressed to one byte 0x21 as RFC 1661 §6.5 allows)', () => {
    for (const proto of ['0021', '21']) {
      const r = one(B.concat(fromHex(`020000000002 020000000001 8864 11 00 0001 002c ${proto}`), IPV4_TCP), 1);
      assert.deepEqual(r.warnings, []);
      assert.equal(r.packets[0].payload, 'hi');
    }
  });
});

describe('tunnels: GRE (RFC 2784/2890), VXLAN (RFC 7348), Geneve (RFC 8926)', () => {
  const innerEth = B.concat(fromHex('0a0000000002 0a0000000001 0800'), IPV4_TCP);
  const outer = (proto: number, payload: Uint8Array) => B.ethernet(B.ipv4Packet({ src: '172.16.0.1', dst: '172.16.0.2', proto, payload }));
  const check = (r: ReturnType<typeof run>) => {
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.packets.map((p) => [p.src, p.dst, p.srcPort, p.dstPort, p.payload]), [['10.0.0.1', '10.0.0.2', 50000, 80, 'hi']]);
  };
  it('GRE: IPv4 (0x0800); with key and sequence number (K, S); transparent Ethernet (0x6558)', () => {
    check(one(outer(47, B.concat(fromHex('0000 0800'), IPV4_TCP)), 1));
    check(one(outer(47, B.concat(fromHex('3000 0800 0000002a 00000007'), IPV4_TCP)), 1));
    check(one(outer(47, B.concat(fromHex('2000 6558 00000001'), innerEth)), 1));
  });
  it('GRE: ERSPAN type II (0x88be, S flag, 8-byte header) and type III (0x22eb, 12 bytes)', () => {
    check(one(outer(47, B.concat(fromHex('1000 88be 00000001  10640000 00000000'), innerEth)), 1));
    check(one(outer(47, B.concat(fromHex('1000 22eb 00000001  20000000 00000000 00000000'), innerEth)), 1));
  });
  it('GRE version 1 (PPTP) and unknown protocol types are another IP protocol, not an error', () => {
    const r = run([{ data: outer(47, fromHex('3001 880b 00000000 00000001')), linkType: 1 }, { data: outer(47, fromHex('0000 9999')), linkType: 1 }]);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.stats.otherIpProto, 2);
  });
  it('VXLAN on 4789 and on 8472 (Linux, flannel): flags 0x08, VNI 42', () => {
    for (const dport of [4789, 8472]) check(one(B.ethernet(B.udpPacket({ src: '172.16.0.1', dst: '172.16.0.2', dport, payload: B.concat(fromHex('08000000 00002a00'), innerEth) })), 1));
  });
  it('Geneve on 6081: Ethernet (0x6558) with 8 bytes of options, and IPv4 directly', () => {
    check(one(B.ethernet(B.udpPacket({ dport: 6081, payload: B.concat(fromHex('02006558 00002a00  0101 8001 00000000'), innerEth) })), 1));
    check(one(B.ethernet(B.udpPacket({ dport: 6081, payload: B.concat(fromHex('00000800 00002a00'), IPV4_TCP) })), 1));
  });
  it('a datagram to 4789 that is not VXLAN (I flag clear, or no Ethernet inside) stays a UDP datagram', () => {
    const r = run([
      { data: B.ethernet(B.udpPacket({ dport: 4789, payload: B.concat(fromHex('00000000 00002a00'), innerEth) })), linkType: 1 },
      { data: B.ethernet(B.udpPacket({ dport: 4789, payload: 'hello, not a tunnel at all' })), linkType: 1 },
    ]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.packets.map((p) => [p.proto, p.dstPort]), [[17, 4789], [17, 4789]]);
  });
  it('nesting is bounded: GRE in GRE in GRE in GRE stops after three', () => {
    let p: Uint8Array = IPV4_TCP;
    for (let i = 0; i < 4; i++) p = B.ipv4Packet({ proto: 47, payload: B.concat(fromHex('0000 0800'), p) });
    const r = one(p, 228);
    assert.equal(r.packets.length, 0);
    assert.equal(r.stats.otherIpProto, 1);
  });
});

describe('IPv4 (RFC 791 §3.1)', () => {
  it('options are skipped by IHL', () => {
    const ip = B.ipv4Packet({ proto: 6, options: fromHex('94040000 01010101'), payload: B.tcpSegment({ payload: 'opt' }) });
    const r = one(ip, 228);
    assert.equal(r.packets[0].payload, 'opt');
    assert.equal(r.packets[0].fileOffset, 1000 + 28 + 20);
  });
  it('total length bounds the packet (trailing bytes ignored); 0 (TSO) means the rest', () => {
    const ip = B.tcpPacket({ payload: 'abc' });
    assert.equal(one(B.concat(ip, fromHex('ffffffff')), 228).packets[0].payload, 'abc');
    const tso = ip.slice();
    tso[2] = tso[3] = 0;
    assert.equal(one(tso, 228).packets[0].payload, 'abc');
  });
  it('IHL < 5 is malformed: warning naming the frame, skipped', () => {
    const bad = IPV4_TCP.slice();
    bad[0] = 0x44;
    let r = one(bad, 228);
    assert.equal(r.packets.length, 0);
    assert.equal(r.warnings[0].message, 'IPv4 header length 16 < 20; packet skipped');
    assert.equal(r.warnings[0].frame, 1);
    r = one(IPV4_TCP.subarray(0, 15), 228);
    assert.match(r.warnings[0].message, /IPv4 header needs 20 bytes, only 15/);
  });
  it('a total length past the captured bytes (snaplen not involved) is read like a cut, with a warning', () => {
    // ruby-pcaprub's telnet-raw.pcap: TCP keep-alives whose one garbage byte never reached the capture
    const long = IPV4_TCP.slice();
    long[3] = 43;
    const r = one(long, 228);
    assert.deepEqual(r.warnings.map((w) => [w.frame, w.message]), [[1, 'IPv4 total length 43 exceeds the 42 bytes captured; read as cut short']]);
    assert.equal(r.packets[0].payload, 'hi');
    assert.equal(r.packets[0].payloadWireLength, 3);
  });
  it('a snaplen cut keeps the packet, payloadWireLength shows the missing bytes', () => {
    const ip = B.tcpPacket({ payload: 'x'.repeat(1000) });
    const r = one(ip.subarray(0, 100), 228, ip.length);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets[0].payload.length, 60);
    assert.equal(r.packets[0].payloadWireLength, 1000);
  });
  it('a cut inside the TCP header is skipped and reported once', () => {
    const ip = B.tcpPacket({ payload: 'x'.repeat(100) });
    const r = run([
      { data: ip.subarray(0, 30), linkType: 228, origLen: ip.length },
      { data: ip.subarray(0, 30), linkType: 228, origLen: ip.length },
    ]);
    assert.equal(r.packets.length, 0);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.stats.cutHeaders, 2);
  });
  it('IP-in-IP is unwrapped', () => {
    const inner = B.tcpPacket({ src: '192.168.1.1', payload: 'in' });
    const r = one(B.ipv4Packet({ proto: 4, payload: inner }), 228);
    assert.equal(r.packets[0].src, '192.168.1.1');
  });
});

describe('IPv4 fragment reassembly (RFC 791 §3.2, RFC 815)', () => {
  const whole = B.udpPacket({ sport: 5353, dport: 9999, payload: Array.from({ length: 3000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''), ipId: 0x4242 });
  const frags = B.fragmentIpv4(whole, 1000);
  const expected = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  it('in order', () => {
    const r = run(frags.map((data) => ({ data, linkType: 228 })));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets.length, 1);
    assert.equal(r.packets[0].payload, expected);
    assert.equal(r.packets[0].frame, 4);
    assert.equal(r.packets[0].fileOffset, -1);
    assert.equal(r.packets[0].srcPort, 5353);
    assert.equal(r.stats.fragments, 4);
    assert.equal(r.stats.reassembled, 1);
  });
  it('out of order and duplicated', () => {
    const r = run([frags[3], frags[1], frags[1], frags[0], frags[2]].map((data) => ({ data, linkType: 228 })));
    assert.equal(r.packets.length, 1);
    assert.equal(r.packets[0].payload, expected);
  });
  it('overlapping fragments: the bytes that arrived first win', () => {
    // Payload (UDP header + 3000) = 3008 bytes; send [0,1600) then [800,3008) with different data in the overlap.
    const pl = whole.subarray(20);
    const a = B.ipv4Packet({ proto: 17, id: 7, payload: pl.subarray(0, 1600), mf: true });
    const tampered = pl.slice(800);
    tampered.fill(0x5a, 0, 800);
    const b = B.ipv4Packet({ proto: 17, id: 7, payload: tampered, fragmentOffset: 800 });
    const r = run([a, b].map((data) => ({ data, linkType: 228 })));
    assert.equal(r.packets.length, 1);
    assert.equal(r.packets[0].payload, expected);
  });
  it('incomplete datagram: warning at flush naming the first frame', () => {
    const r = run([frags[0], frags[2]].map((data) => ({ data, linkType: 228 })));
    assert.equal(r.packets.length, 0);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /IPv4 datagram 10\.0\.0\.1 → 10\.0\.0\.2 id 0x4242 incomplete at the end of the capture: 2 fragment\(s\), 2000 of unknown bytes/);
    assert.equal(r.warnings[0].frame, 1);
  });
  it('dropped after the timeout in capture time; bounded number pending', () => {
    const r = run([
      { data: frags[0], linkType: 228, tsUs: 0 },
      { data: B.fragmentIpv4(B.udpPacket({ payload: 'q'.repeat(100), ipId: 9 }), 8)[0], linkType: 228, tsUs: 60e6 },
      { data: frags[1], linkType: 228, tsUs: 60e6 },
    ]);
    assert.match(r.warnings[0].message, /id 0x4242 dropped after 30 s/);
    // 300 distinct datagrams, first fragment only: at most 256 pending
    const many = Array.from({ length: 300 }, (_, i) => ({ data: B.fragmentIpv4(B.udpPacket({ payload: 'w'.repeat(64), ipId: i }), 16)[0], linkType: 228, tsUs: 0 }));
    const m = run(many);
    assert.equal(m.warnings.filter((w) => /more than 256 datagrams/.test(w.message)).length, 44);
  });
  it('a fragment ending past 65535 bytes drops the datagram (ping of death)', () => {
    const f = B.ipv4Packet({ proto: 17, id: 1, payload: new Uint8Array(1000), fragmentOffset: 65000 });
    const r = one(f, 228);
    assert.match(r.warnings[0].message, /ends past 65535 bytes/);
  });
});

describe('IPv6 (RFC 8200 §4 extension headers)', () => {
  it('hop-by-hop, routing, destination options and AH (RFC 4302 length) are walked', () => {
    const ip = B.ipv6Packet({
      nextHeader: 6,
      payload: B.tcpSegment({ src: '2001:db8::1', payload: 'deep' }),
      extensionHeaders: [{ type: 0 }, { type: 43, body: new Uint8Array(14) }, { type: 51, body: new Uint8Array(18) }, { type: 60 }],
    });
    const r = one(ip, 229);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.packets[0].payload, 'deep');
    assert.equal(r.packets[0].payloadWireLength, 4);
  });
  it('ESP and no-next-header end the walk (counted, no warning)', () => {
    for (const nh of [50, 59]) {
      const r = one(B.ipv6Packet({ nextHeader: nh, payload: new Uint8Array(16) }), 229);
      assert.deepEqual(r.warnings, []);
      assert.equal(r.stats.otherIpProto, 1);
    }
  });
  it('payload length past the end is malformed', () => {
    const ip = B.ipv6Packet({ payload: B.tcpSegment({ src: '::1', payload: 'x' }), payloadLength: 500 });
    assert.match(one(ip, 229).warnings[0].message, /IPv6 payload length 500 exceeds/);
  });
  it('inline hex: ::1 → ::1 UDP', () => {
    const r = one(fromHex(`60000000 000a 11 40 00000000000000000000000000000001 00000000000000000000000000000001
                           1f90 0035 000a 0000 6f6b`), 229);
    assert.deepEqual([r.packets[0].src, r.packets[0].srcPort, r.packets[0].dstPort, r.packets[0].payload], ['::1', 8080, 53, 'ok']);
  });
});

describe('IPv6 fragment reassembly (RFC 8200 §4.5)', () => {
  const payload = 'IPv6 fragmented '.repeat(200);
  const whole = B.udpPacket({ src: '2001:db8::a', dst: '2001:db8::b', payload });
  const frags = B.fragmentIpv6(whole, 1200, 0xabcdef01);
  it('in order and out of order', () => {
    for (const order of [frags, [...frags].reverse(), [frags[1], frags[0], frags[2]]]) {
      const r = run(order.map((data) => ({ data, linkType: 229 })));
      assert.deepEqual(r.warnings, []);
      assert.equal(r.packets.length, 1);
      assert.equal(r.packets[0].payload, payload);
      assert.equal(r.packets[0].src, '2001:db8::a');
    }
  });
  it('a destination-options header inside the fragmentable part is walked after reassembly', () => {
    const inner = B.ipv6Packet({ src: '2001:db8::a', dst: '2001:db8::b', nextHeader: 6, payload: B.tcpSegment({ src: '2001:db8::a', dst: '2001:db8::b', payload: 'x'.repeat(2000) }), extensionHeaders: [{ type: 60 }] });
    const fr = B.fragmentIpv6(inner, 800, 5);
    const r = run(fr.map((data) => ({ data, linkType: 229 })));
    assert.equal(r.packets.length, 1);
    assert.equal(r.packets[0].payload.length, 2000);
  });
  it('atomic fragment (offset 0, M = 0) passes straight through', () => {
    const base = B.ipv6Packet({ nextHeader: 17, payload: B.udpDatagram({ src: '2001:db8::1', payload: 'at' }) });
    const r = one(B.ipv6FragmentPacket(base, 17, 0, false, 1, base.subarray(40)), 229);
    assert.equal(r.packets[0].payload, 'at');
  });
  it('incomplete: warning at flush', () => {
    const r = run([frags[0]].map((data) => ({ data, linkType: 229 })));
    assert.match(r.warnings[0].message, /IPv6 datagram 2001:db8::a → 2001:db8::b id 0xabcdef01 incomplete/);
  });
});

describe('TCP (RFC 9293 §3.1) and UDP (RFC 768)', () => {
  it('TCP options skipped by data offset; flags, seq, ack, window', () => {
    const ip = B.tcpPacket({ flags: 'SA', seq: 0xfffffff0, ack: 0x80000000, window: 1234, tcpOptions: fromHex('020405b4 0103030701010402') });
    const p = one(ip, 228).packets[0];
    assert.deepEqual([p.flags, p.seq, p.ack, p.window, p.payload], [0x12, 0xfffffff0, 0x80000000, 1234, '']);
  });
  it('TCP data offset < 5 or past the segment is malformed', () => {
    const ip = B.tcpPacket({ payload: 'x' });
    ip[20 + 12] = 0x40;
    assert.match(one(ip, 228).warnings[0].message, /TCP data offset 16 < 20/);
    ip[20 + 12] = 0xf0;
    assert.match(one(ip, 228).warnings[0].message, /TCP header with options needs 60 bytes/);
  });
  it('UDP length bounds the payload; bad lengths are malformed', () => {
    const ok = one(B.udpPacket({ payload: 'hello' }), 228).packets[0];
    assert.deepEqual([ok.proto, ok.payload, ok.payloadWireLength, ok.flags], [17, 'hello', 5, 0]);
    assert.match(one(B.udpPacket({ payload: 'hello', length: 4 }), 228).warnings[0].message, /UDP length 4 < 8/);
    assert.match(one(B.udpPacket({ payload: 'hello', length: 40 }), 228).warnings[0].message, /UDP length 40 exceeds/);
    assert.equal(one(B.udpPacket({ payload: 'hello', length: 10 }), 228).packets[0].payload, 'he');
  });
});

describe('address text (RFC 5952)', () => {
  const v6 = (s: string) => formatIpv6(B.ipv6Bytes(s), 0);
  it('compresses the longest zero run, lower-case, no leading zeros', () => {
    assert.equal(v6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(v6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(v6('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1');
    assert.equal(v6('0:0:0:0:0:0:0:0'), '::');
    assert.equal(v6('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(v6('fe80:0:0:0:0:0:0:0'), 'fe80::');
    assert.equal(v6('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
    assert.equal(v6('2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1');
  });
  it('cached strings are reused and never stale', () => {
    const a = B.ipv6Bytes('2001:db8::1');
    assert.equal(ipv6Text(a, 0), ipv6Text(Uint8Array.from(a), 0));
    for (let i = 0; i < 5000; i++) {
      const b = B.ipv4Bytes(`10.${i >> 8}.${i & 255}.7`);
      assert.equal(ipv4Text(b, 0), `10.${i >> 8}.${i & 255}.7`);
      const c = B.ipv6Bytes(`2001:db8::${i.toString(16)}`);
      assert.equal(ipv6Text(c, 0), i ? `2001:db8::${i.toString(16)}` : '2001:db8::');
    }
  });
});
