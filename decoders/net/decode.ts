/**
 * The network layer: link header → IPv4/IPv6 (with fragment reassembly) → TCP/UDP.
 *
 * Link types (tcpdump.org LINKTYPE_* list): 1 Ethernet II with any number of 802.1Q (0x8100),
 * 802.1ad (0x88a8) and old QinQ (0x9100, 0x9200) tags; 113 Linux cooked (SLL, 16 bytes);
 * 276 Linux cooked v2 (SLL2, 20 bytes); 0 BSD loopback (4-byte address family in the capturing
 * host's byte order — both are recognised); 108 OpenBSD loopback (network byte order); 101 and
 * the DLT values 12/14 raw IP (version nibble decides); 228 raw IPv4; 229 raw IPv6; 258 Apple PKTAP
 * (macOS `tcpdump -i any` / `-i pktap`: a header in the host's byte order naming the link type
 * that follows, then that frame; DLT 149 is its value in Darwin's own files).
 * In Ethernet payloads: MPLS label stacks (0x8847/0x8848) and PPPoE sessions (0x8864) are walked.
 *
 * Tunnels are opened so the calls inside them are found (depth ≤ 3 encapsulations): GRE (IP
 * protocol 47, RFC 2784/2890; IPv4, IPv6, transparent Ethernet, ERSPAN II/III), VXLAN (UDP 4789,
 * and 8472, Linux's default port, flannel's; RFC 7348) and Geneve (UDP 6081, RFC 8926) whose header
 * checks out; a datagram on those ports that does not look like one stays a UDP datagram.
 *
 * IPv4 (RFC 791): options skipped by IHL, total length bounds the packet (Ethernet padding and
 * FCS ignored; 0 — TCP segmentation offload — means "the rest of the frame"), checksum not
 * checked. IPv6 (RFC 8200): hop-by-hop, routing, fragment, destination options and AH
 * (RFC 4302: length in 4-octet units minus 2) are walked; ESP and "no next header" end the walk.
 * IP-in-IP (protocol 4 and 41) is unwrapped once. TCP (RFC 9293): data offset, flags, seq,
 * ack, window; UDP (RFC 768): length bounds the payload.
 *
 * One `Packet` object is filled and reused for every callback; payloads are views of the frame
 * (or of a reassembled datagram). Problems are warnings naming the frame; the packet is skipped.
 */
import { be32, le32 } from '../core/bytes';
import type { CaptureWarning } from '../core/model';
import type { RawFrame } from '../capture/types';
import { linkTypeName } from '../capture/link-types';
import type { NetHandlers, Packet } from './types';
import { ipv4Text, ipv6Text } from './address';
import { FragmentTable, type FragmentOptions } from './fragments';

/** Counters of what the network layer saw (cheap, always on). */
export interface NetStats {
  frames: number;
  /** TCP and UDP packets handed on. */
  tcp: number;
  udp: number;
  /** Frames whose link payload is not IP (ARP, LLDP, 802.3/LLC…). */
  nonIp: number;
  /** IP packets carrying neither TCP nor UDP (ICMP, ESP, OSPF…). */
  otherIpProto: number;
  /** IP fragments received, and datagrams completed from them. */
  fragments: number;
  reassembled: number;
  /** Packets skipped because a header is malformed. */
  malformed: number;
  /** Packets skipped because the snapshot length cut them before the transport header ended. */
  cutHeaders: number;
  /** Frames on link types this layer does not decode. */
  unsupportedLink: number;
}

export interface NetDecoderOptions extends FragmentOptions {
  /** Individual malformed-packet warnings before the rest are only counted. Default 200. */
  maxWarnings?: number;
}

const MAX_VLAN_TAGS = 8;
/** The payload of every packet that carries none. */
const NO_PAYLOAD = new Uint8Array(0);
const MAX_MPLS_LABELS = 16;
const MAX_IPV6_EXT = 16;
/** Encapsulations opened inside one frame (PKTAP, IP-in-IP, GRE, VXLAN, Geneve). */
const MAX_DEPTH = 3;

export class NetDecoder {
  readonly stats: NetStats = {
    frames: 0,
    tcp: 0,
    udp: 0,
    nonIp: 0,
    otherIpProto: 0,
    fragments: 0,
    reassembled: 0,
    malformed: 0,
    cutHeaders: 0,
    unsupportedLink: 0,
  };

  private readonly handlers: NetHandlers;
  private readonly frags: FragmentTable;
  private readonly maxWarnings: number;
  private warnings = 0;
  private suppressed = 0;
  private warnedCut = false;
  private readonly warnedLink = new Set<number>();
  private readonly p: Packet = {
    frame: 0,
    tsUs: 0,
    ipVersion: 4,
    src: '',
    dst: '',
    proto: 0,
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    payload: new Uint8Array(0),
    payloadWireLength: 0,
    fileOffset: -1,
    vantage: 0,
    ipId: -1,
  };
  // Per-frame context (avoids passing it down every call).
  private frameNo = 0;
  private tsUs = 0;
  /** Packet.vantage of the frame being parsed. */
  private vantage = 0;
  /** IPv4 Identification of the packet being parsed (-1: IPv6). */
  private ipId = -1;
  /** The frame was cut by the snapshot length (capLen < origLen). */
  private cut = false;
  /** File offset of byte 0 of the buffer being parsed, or -1 (reassembled datagram). */
  private fileBase = -1;

  constructor(handlers: NetHandlers, opts: NetDecoderOptions = {}) {
    this.handlers = handlers;
    this.maxWarnings = opts.maxWarnings ?? 200;
    this.frags = new FragmentTable((message, frame) => this.emitWarning({ message, frame }), opts);
  }

  frame(f: RawFrame): void {
    this.stats.frames++;
    this.frameNo = f.frame;
    this.tsUs = f.tsUs;
    this.cut = f.capLen < f.origLen;
    this.vantage = (f.interfaceIndex ?? f.interfaceId) * 4294967296;
    this.ipId = -1;
    // Parsed in place in the reader's buffer when it says where the frame is (no view per frame).
    const b = f.buffer;
    if (b !== undefined) {
      const o = f.offset ?? 0;
      this.fileBase = f.fileOffset - o;
      if (!this.link(b, f.linkType, o, o + f.capLen, 0)) this.unsupported(f);
      return;
    }
    const d = f.data;
    this.fileBase = f.fileOffset;
    if (!this.link(d, f.linkType, 0, d.length, 0)) this.unsupported(f);
  }

  /** End of capture: report datagrams whose fragments never all arrived. */
  flush(): void {
    this.frags.flush();
    if (this.suppressed > 0) {
      this.handlers.warning({ message: `${this.suppressed} more malformed packets were skipped without a warning each` });
      this.suppressed = 0;
    }
  }

  // --- link layer ---------------------------------------------------------------------------

  /** A frame of link type `type` at d[o..n). False: a link type this layer does not decode. */
  private link(d: Uint8Array, type: number, o: number, n: number, depth: number): boolean {
    switch (type) {
      case 1:
        if (n - o < 14) this.short('Ethernet header', 14, n - o);
        else this.etherPayload(d, o + 12, n, depth);
        return true;
      case 113:
        // (no interface in the header: copies of a packet on several interfaces cannot be told apart by it)
        if (depth === 0) this.vantage = -1;
        if (n - o < 16) this.short('Linux cooked (SLL) header', 16, n - o);
        else this.etherPayload(d, o + 14, n, depth);
        return true;
      case 276:
        if (n - o < 20) this.short('Linux cooked v2 (SLL2) header', 20, n - o);
        else {
          // the interface index (bytes 4–7)
          if (depth === 0) this.vantage += ((d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]) >>> 0;
          this.etherType(d, (d[o] << 8) | d[o + 1], o + 20, n, depth);
        }
        return true;
      case 0:
      case 108: {
        if (n - o < 4) {
          this.short('loopback header', 4, n - o);
          return true;
        }
        // BSD NULL is in the capturing host's byte order: a small value has its zero bytes first
        // when big-endian. LOOP is always big-endian, which the same test also recognises.
        const af = d[o] === 0 && d[o + 1] === 0 ? (d[o + 2] << 8) | d[o + 3] : d[o] | (d[o + 1] << 8);
        if (af === 2) this.ipv4(d, o + 4, n, depth);
        else if (af === 24 || af === 28 || af === 30) this.ipv6(d, o + 4, n, depth);
        // AF_INET6 of other systems (Linux 10, Windows 23): by the packet's own version nibble.
        else if ((af === 10 || af === 23) && n - o > 4 && d[o + 4] >> 4 === 6) this.ipv6(d, o + 4, n, depth);
        else this.stats.nonIp++;
        return true;
      }
      case 101:
      case 12:
      case 14:
        this.rawIp(d, o, n, depth);
        return true;
      case 228:
        this.ipv4(d, o, n, depth);
        return true;
      case 229:
        this.ipv6(d, o, n, depth);
        return true;
      case 258:
      case 149:
        return depth === 0 && this.pktap(d, o, n, type);
      case 9:
        // PPP (RFC 1661 §2): the protocol field first, or after RFC 1662 §3.1's address and control
        // bytes (ff 03) when the capture kept the HDLC-like framing.
        if (n - o >= 2 && d[o] === 0xff && d[o + 1] === 0x03) this.ppp(d, o + 2, n, depth);
        else this.ppp(d, o, n, depth);
        return true;
      case 50:
      case 166:
        // PPP in HDLC-like framing (RFC 1662 §3.1: address ff, or pppd's direction byte 00/01 for
        // PPP_PPPD; control 03), or Cisco HDLC (address 0f/8f) with an EtherType.
        if (n - o < 4) this.short('PPP/HDLC header', 4, n - o);
        else if (d[o] === 0x0f || d[o] === 0x8f) this.etherPayload(d, o + 2, n, depth);
        else this.ppp(d, o + 2, n, depth);
        return true;
      case 104:
        // Cisco HDLC (RFC 1547 §4.3.1): address (0f unicast, 8f broadcast), control 00, an EtherType.
        if (n - o < 4) this.short('Cisco HDLC header', 4, n - o);
        else this.etherPayload(d, o + 2, n, depth);
        return true;
      case 51:
        // PPPoE without an Ethernet header (RFC 2516 §4: version/type, code, session id, length).
        if (n - o < 6) this.short('PPPoE header', 6, n - o);
        else if (d[o + 1] === 0x00) this.ppp(d, o + 6, n, depth);
        else this.stats.nonIp++;
        return true;
      case 117:
        return this.pflog(d, o, n, depth);
      case 239:
        return this.nflog(d, o, n, depth);
      case 127:
        return this.radiotap(d, o, n, depth);
      case 105:
        this.ieee80211(d, o, n, depth);
        return true;
      case 119:
      case 163: {
        // Prism and AVS monitor-mode headers before an 802.11 frame: AVS (version 0x80211001,
        // big-endian) gives its length at bytes 4–7; Prism's message length there is in the
        // capturing host's byte order (144).
        if (n - o < 8) {
          this.short('802.11 monitor header', 8, n - o);
          return true;
        }
        const avs = be32(d, o) >>> 12 === 0x80211;
        const be = be32(d, o + 4);
        const hl = avs || be <= 0xffff ? be : le32(d, o + 4);
        if (hl < 8 || hl > n - o) {
          if (hl > n - o) this.short('802.11 monitor header', hl, n - o);
          else this.malformed(`802.11 monitor header length ${hl}`);
          return true;
        }
        this.ieee80211(d, o + hl, n, depth);
        return true;
      }
      default:
        return false;
    }
  }

  /** A PPP protocol field at `o` (RFC 1661 §2; one byte when compressed, §6.5: an odd first byte), then its packet. */
  private ppp(d: Uint8Array, o: number, n: number, depth: number): void {
    if (n - o < 1) return this.short('PPP protocol field', 2, n - o);
    const one = (d[o] & 1) === 1;
    if (!one && n - o < 2) return this.short('PPP protocol field', 2, n - o);
    const proto = one ? d[o] : (d[o] << 8) | d[o + 1];
    const ip = o + (one ? 1 : 2);
    if (proto === 0x0021) this.ipv4(d, ip, n, depth);
    else if (proto === 0x0057) this.ipv6(d, ip, n, depth);
    else this.stats.nonIp++;
  }

  /**
   * OpenBSD/FreeBSD pflog: the header starts with its own length (byte 0, the struct's size, padded
   * to a multiple of 4 before the packet) and the address family (byte 1); the packet follows.
   */
  private pflog(d: Uint8Array, o: number, n: number, depth: number): boolean {
    if (n - o < 4) {
      this.short('pflog header', 4, n - o);
      return true;
    }
    const hl = (d[o] + 3) & ~3;
    if (hl < 4 || hl > n - o) {
      if (hl > n - o) this.short('pflog header', hl, n - o);
      else this.malformed(`pflog header length ${d[o]}`);
      return true;
    }
    const af = d[o + 1];
    if (af === 2) this.ipv4(d, o + hl, n, depth);
    else if (af === 10 || af === 24 || af === 28 || af === 30) this.ipv6(d, o + hl, n, depth);
    else this.stats.nonIp++;
    return true;
  }

  /**
   * Linux NFLOG (tcpdump -i nflog:N): a 4-byte header (address family, version 0, group), then
   * type-length-value attributes, each length (host byte order, so read whichever way is sane)
   * covering its own 4-byte header and padded to 4; attribute 9 (NFULA_PAYLOAD) is the IP packet.
   */
  private nflog(d: Uint8Array, o: number, n: number, depth: number): boolean {
    if (n - o < 4) {
      this.short('NFLOG header', 4, n - o);
      return true;
    }
    const af = d[o];
    let i = o + 4;
    for (let k = 0; k < 64 && i + 4 <= n; k++) {
      let len = d[i] | (d[i + 1] << 8);
      let type = d[i + 2] | (d[i + 3] << 8);
      if (len < 4 || i + len > n) {
        // a big-endian host wrote it
        len = (d[i] << 8) | d[i + 1];
        type = (d[i + 2] << 8) | d[i + 3];
      }
      if (len < 4) {
        this.malformed(`NFLOG attribute length ${len}`);
        return true;
      }
      if ((type & 0x7fff) === 9) {
        const end = Math.min(n, i + len);
        if (af === 2) this.ipv4(d, i + 4, end, depth);
        else if (af === 10) this.ipv6(d, i + 4, end, depth);
        else this.rawIp(d, i + 4, end, depth);
        return true;
      }
      i += (len + 3) & ~3;
    }
    this.stats.nonIp++;
    return true;
  }

  /**
   * Radiotap (radiotap.org): version 0, a little-endian header length, present-field bitmaps (bit 31
   * chains another); the Flags field (bit 1, after TSFT's 8 aligned bytes) says whether the 802.11
   * frame that follows ends with its 4-byte FCS.
   */
  private radiotap(d: Uint8Array, o: number, n: number, depth: number): boolean {
    if (n - o < 8) {
      this.short('radiotap header', 8, n - o);
      return true;
    }
    const hl = d[o + 2] | (d[o + 3] << 8);
    if (d[o] !== 0 || hl < 8 || hl > n - o) {
      if (hl > n - o) this.short('radiotap header', hl, n - o);
      else this.malformed(`radiotap header (version ${d[o]}, length ${hl})`);
      return true;
    }
    const present = le32(d, o + 4);
    let f = o + 8;
    // more bitmaps (bit 31), each 4 bytes
    for (let w = present; w & 0x80000000 && f + 4 <= o + hl; f += 4) w = le32(d, f);
    let fcs = false;
    if (present & 0x2) {
      if (present & 0x1) f = o + ((f - o + 7) & ~7) + 8;
      if (f < o + hl) fcs = (d[f] & 0x10) !== 0;
    }
    this.ieee80211(d, o + hl, fcs ? n - 4 : n, depth);
    return true;
  }

  /**
   * An IEEE 802.11 data frame (802.11-2020 §9.2.4, §9.3.2.1): frame control, duration, three
   * addresses, sequence control, a fourth address when both DS bits are set, QoS control on QoS
   * subtypes, HT control when +HTC/Order is set on a QoS frame; then LLC/SNAP (aa aa 03, OUI 0,
   * an EtherType). Management, control, null and protected (encrypted) frames carry no IP to read.
   */
  private ieee80211(d: Uint8Array, o: number, n: number, depth: number): void {
    if (n - o < 24) {
      if (n - o >= 2 && ((d[o] >> 2) & 3) !== 2) {
        this.stats.nonIp++;
        return;
      }
      return this.short('802.11 header', 24, n - o);
    }
    const fc0 = d[o];
    const fc1 = d[o + 1];
    const type = (fc0 >> 2) & 3;
    const subtype = fc0 >> 4;
    // data frames only; subtypes with bit 2 set carry no data (Null, QoS Null…)
    if (type !== 2 || subtype & 0x4 || fc1 & 0x40) {
      this.stats.nonIp++;
      return;
    }
    let hl = 24;
    if ((fc1 & 3) === 3) hl += 6;
    if (subtype & 0x8) {
      hl += 2;
      if (fc1 & 0x80) hl += 4;
    }
    const p = o + hl;
    if (n - p < 8) return this.short('802.11 LLC/SNAP header', 8, Math.max(0, n - p));
    if (d[p] === 0xaa && d[p + 1] === 0xaa && d[p + 2] === 0x03 && d[p + 3] === 0 && d[p + 4] === 0 && (d[p + 5] === 0 || d[p + 5] === 0xf8)) this.etherType(d, (d[p + 6] << 8) | d[p + 7], p + 8, n, depth);
    else this.stats.nonIp++;
  }

  /**
   * Apple's PKTAP header (xnu bsd/net/pktap.h): pth_length, pth_type_next, pth_dlt, then the
   * interface and process; the frame (of link type pth_dlt) starts pth_length bytes in. Its fields
   * are in the capturing Mac's byte order (little-endian on every Mac since 2006; big-endian read
   * when that is the one that makes sense). Records that carry no packet (pth_type_next other than
   * 1: dropped-packet reports) are skipped. DLT 149 is taken for PKTAP only when its header checks out.
   */
  private pktap(d: Uint8Array, o: number, n: number, type: number): boolean {
    const avail = n - o;
    if (avail < 12) {
      if (type === 149) return false;
      this.short('PKTAP header', 12, avail);
      return true;
    }
    const big = le32(d, o) > 0xffff && be32(d, o) <= 0xffff;
    const read = big ? be32 : le32;
    const hl = read(d, o);
    const next = read(d, o + 4);
    const dlt = read(d, o + 8);
    if (hl < 12 || hl > 4096) {
      if (type === 149) return false;
      this.malformed(`PKTAP header length ${hl}`);
      return true;
    }
    if (hl > avail) {
      this.short('PKTAP header', hl, avail);
      return true;
    }
    if (next !== 1) {
      this.stats.nonIp++;
      return true;
    }
    if (!this.link(d, dlt, o + hl, n, 1)) {
      if (type === 149) return false;
      this.malformed(`PKTAP frame of link type ${dlt} (${linkTypeName(dlt)}), not decoded`);
    }
    return true;
  }

  /** Ethernet-style type field at `o` (after MAC addresses or the SLL header). */
  private etherPayload(d: Uint8Array, o: number, n: number, depth: number): void {
    this.etherType(d, (d[o] << 8) | d[o + 1], o + 2, n, depth);
  }

  /** Dispatch on an EtherType whose payload starts at `o`, unwrapping VLAN tags, MPLS labels and PPPoE first. */
  private etherType(d: Uint8Array, type: number, o: number, n: number, depth: number): void {
    for (let tags = 0; type === 0x8100 || type === 0x88a8 || type === 0x9100 || type === 0x9200; tags++) {
      if (tags >= MAX_VLAN_TAGS) return this.malformed(`more than ${MAX_VLAN_TAGS} VLAN tags`);
      if (o + 4 > n) return this.short('VLAN tag', 4, n - o);
      type = (d[o + 2] << 8) | d[o + 3];
      o += 4;
    }
    if (type === 0x0800) this.ipv4(d, o, n, depth);
    else if (type === 0x86dd) this.ipv6(d, o, n, depth);
    else if (type === 0x8847 || type === 0x8848) {
      // MPLS (RFC 3032): 4-byte label entries until the bottom-of-stack bit; then IP by its version nibble.
      for (let labels = 0; ; labels++) {
        if (labels >= MAX_MPLS_LABELS) return this.malformed(`more than ${MAX_MPLS_LABELS} MPLS labels`);
        if (o + 4 > n) return this.short('MPLS label', 4, n - o);
        const bottom = (d[o + 2] & 1) !== 0;
        o += 4;
        if (bottom) break;
      }
      if (o < n && (d[o] >> 4 === 4 || d[o] >> 4 === 6)) this.rawIp(d, o, n, depth);
      else this.stats.nonIp++;
    } else if (type === 0x8864) {
      // PPPoE session (RFC 2516): 6-byte header, then the PPP protocol (0x0021 IPv4, 0x0057 IPv6),
      // one byte when compressed (RFC 1661 §6.5: an odd first byte is the whole field).
      if (o + 7 > n) return this.short('PPPoE header', 7, n - o);
      const one = (d[o + 6] & 1) === 1;
      const proto = one ? d[o + 6] : (d[o + 6] << 8) | d[o + 7];
      const ip = o + (one ? 7 : 8);
      if (proto === 0x0021) this.ipv4(d, ip, n, depth);
      else if (proto === 0x0057) this.ipv6(d, ip, n, depth);
      else this.stats.nonIp++;
    } else this.stats.nonIp++;
  }

  private rawIp(d: Uint8Array, o: number, n: number, depth: number): void {
    if (n - o < 1) return this.short('IP header', 20, n - o);
    const v = d[o] >> 4;
    if (v === 4) this.ipv4(d, o, n, depth);
    else if (v === 6) this.ipv6(d, o, n, depth);
    else this.malformed(`raw IP frame with IP version ${v}`);
  }

  private unsupported(f: RawFrame): void {
    this.stats.unsupportedLink++;
    const key = f.interfaceId * 0x10000 + (f.linkType & 0xffff);
    if (this.warnedLink.has(key)) return;
    this.warnedLink.add(key);
    this.handlers.warning({
      message: `link type ${f.linkType} (${linkTypeName(f.linkType)}) is not supported: frames on interface ${f.interfaceId} skipped`,
      frame: f.frame,
    });
  }

  // --- IP -----------------------------------------------------------------------------------

  /** IPv4 packet at d[o..lim). */
  private ipv4(d: Uint8Array, o: number, lim: number, depth: number): void {
    const avail = lim - o;
    if (avail < 20) return this.short('IPv4 header', 20, avail);
    const vihl = d[o];
    if (vihl >> 4 !== 4) return this.malformed(`IPv4 packet with version ${vihl >> 4}`);
    const ihl = (vihl & 15) << 2;
    if (ihl < 20) return this.malformed(`IPv4 header length ${ihl} < 20`);
    if (ihl > avail) return this.short('IPv4 header with options', ihl, avail);
    let total = (d[o + 2] << 8) | d[o + 3];
    if (total === 0) total = avail; // TCP segmentation offload: the NIC fills it in later
    if (total < ihl) return this.malformed(`IPv4 total length ${total} < header length ${ihl}`);
    if (total > avail && !this.cut) this.shortOnWire(`IPv4 total length ${total}`, avail);
    const end = total < avail ? o + total : lim;
    const proto = d[o + 9];
    const src = ipv4Text(d, o + 12);
    const dst = ipv4Text(d, o + 16);
    const ff = (d[o + 6] << 8) | d[o + 7];
    this.ipId = (d[o + 4] << 8) | d[o + 5];
    if ((ff & 0x3fff) !== 0) {
      // MF set or offset > 0: a fragment.
      this.stats.fragments++;
      if (proto !== 6 && proto !== 17 && proto !== 4 && proto !== 41) {
        this.stats.otherIpProto++;
        return;
      }
      const id = (d[o + 4] << 8) | d[o + 5];
      const data = d.subarray(o + ihl, end);
      const whole = this.frags.add(
        `4 ${src} ${dst} ${proto} ${id}`,
        `IPv4 datagram ${src} → ${dst} id 0x${id.toString(16)}`,
        (ff & 0x1fff) << 3,
        (ff & 0x2000) !== 0,
        data,
        total - ihl,
        proto,
        this.frameNo,
        this.tsUs,
      );
      if (whole === undefined) return;
      this.stats.reassembled++;
      const saveBase = this.fileBase;
      const saveCut = this.cut;
      this.fileBase = -1;
      this.cut = false;
      this.transport(4, src, dst, proto, whole, 0, whole.length, whole.length, depth);
      this.fileBase = saveBase;
      this.cut = saveCut;
      return;
    }
    this.transport(4, src, dst, proto, d, o + ihl, end, total - ihl, depth);
  }

  /** IPv6 packet at d[o..lim). */
  private ipv6(d: Uint8Array, o: number, lim: number, depth: number): void {
    const avail = lim - o;
    if (avail < 40) return this.short('IPv6 header', 40, avail);
    if (d[o] >> 4 !== 6) return this.malformed(`IPv6 packet with version ${d[o] >> 4}`);
    let plen = (d[o + 4] << 8) | d[o + 5];
    // 0: a jumbogram (RFC 2675) or segmentation offload; take what was captured.
    if (plen === 0) plen = avail - 40;
    if (40 + plen > avail && !this.cut) this.shortOnWire(`IPv6 payload length ${plen}`, avail - 40);
    const wireEnd = o + 40 + plen;
    const end = wireEnd < lim ? wireEnd : lim;
    const src = ipv6Text(d, o + 8);
    const dst = ipv6Text(d, o + 24);
    this.ipId = -1;
    this.ipv6Chain(d, o + 40, end, wireEnd, d[o + 6], src, dst, depth, true);
  }

  /** Walk IPv6 extension headers from d[p] (next header `nh`) up to the transport header. */
  private ipv6Chain(d: Uint8Array, p: number, end: number, wireEnd: number, nh: number, src: string, dst: string, depth: number, allowFragment: boolean): void {
    for (let i = 0; i < MAX_IPV6_EXT; i++) {
      switch (nh) {
        case 0: // hop-by-hop
        case 43: // routing
        case 60: // destination options
        case 51: {
          // AH
          if (p + 2 > end) return this.short('IPv6 extension header', 2, end - p);
          const len = nh === 51 ? (d[p + 1] + 2) << 2 : (d[p + 1] + 1) << 3;
          nh = d[p];
          p += len;
          if (p > end) return this.short('IPv6 extension header', len, end - p + len);
          continue;
        }
        case 44: {
          if (p + 8 > end) return this.short('IPv6 fragment header', 8, end - p);
          const fnh = d[p];
          const fo = (d[p + 2] << 8) | d[p + 3];
          const offset = fo & 0xfff8;
          const more = (fo & 1) !== 0;
          p += 8;
          if (offset === 0 && !more) {
            nh = fnh; // atomic fragment (RFC 6946)
            continue;
          }
          this.stats.fragments++;
          if (!allowFragment) return this.malformed('IPv6 fragment header inside a reassembled datagram');
          const id = ((d[p - 4] << 24) | (d[p - 3] << 16) | (d[p - 2] << 8) | d[p - 1]) >>> 0;
          const whole = this.frags.add(
            `6 ${src} ${dst} ${id}`,
            `IPv6 datagram ${src} → ${dst} id 0x${id.toString(16)}`,
            offset,
            more,
            d.subarray(p, end),
            wireEnd - p,
            offset === 0 ? fnh : -1,
            this.frameNo,
            this.tsUs,
          );
          if (whole === undefined) return;
          this.stats.reassembled++;
          const saveBase = this.fileBase;
          const saveCut = this.cut;
          this.fileBase = -1;
          this.cut = false;
          this.ipv6Chain(whole, 0, whole.length, whole.length, this.frags.completedProto, src, dst, depth, false);
          this.fileBase = saveBase;
          this.cut = saveCut;
          return;
        }
        default:
          this.transport(6, src, dst, nh, d, p, end, wireEnd - p, depth);
          return;
      }
    }
    this.malformed(`more than ${MAX_IPV6_EXT} IPv6 extension headers`);
  }

  // --- transport ----------------------------------------------------------------------------

  /** Transport header at d[s..e); `wire` is the IP payload length on the wire. */
  private transport(ipv: 4 | 6, src: string, dst: string, proto: number, d: Uint8Array, s: number, e: number, wire: number, depth: number): void {
    const avail = e - s;
    const p = this.p;
    if (proto === 6) {
      if (avail < 20) return this.short('TCP header', 20, avail);
      const doff = (d[s + 12] >> 4) << 2;
      if (doff < 20) return this.malformed(`TCP data offset ${doff} < 20`);
      if (doff > avail) return this.short('TCP header with options', doff, avail);
      if (doff > wire) return this.malformed(`TCP data offset ${doff} exceeds the IP payload length ${wire}`);
      p.frame = this.frameNo;
      p.tsUs = this.tsUs;
      p.ipVersion = ipv;
      p.src = src;
      p.dst = dst;
      p.proto = 6;
      p.srcPort = (d[s] << 8) | d[s + 1];
      p.dstPort = (d[s + 2] << 8) | d[s + 3];
      p.seq = ((d[s + 4] << 24) | (d[s + 5] << 16) | (d[s + 6] << 8) | d[s + 7]) >>> 0;
      p.ack = ((d[s + 8] << 24) | (d[s + 9] << 16) | (d[s + 10] << 8) | d[s + 11]) >>> 0;
      p.flags = d[s + 13];
      p.window = (d[s + 14] << 8) | d[s + 15];
      // (a bare ACK, most of a capture's frames, gets the shared empty payload, not a view of its own)
      p.payload = s + doff < e ? d.subarray(s + doff, e) : NO_PAYLOAD;
      p.payloadWireLength = wire - doff;
      p.fileOffset = this.fileBase < 0 ? -1 : this.fileBase + s + doff;
      p.vantage = this.vantage;
      p.ipId = this.ipId;
      this.stats.tcp++;
      this.handlers.packet(p);
      return;
    }
    if (proto === 17) {
      if (avail < 8) return this.short('UDP header', 8, avail);
      let ulen = (d[s + 4] << 8) | d[s + 5];
      if (ulen === 0 && ipv === 6) ulen = wire; // jumbogram
      if (ulen < 8) return this.malformed(`UDP length ${ulen} < 8`);
      if (ulen > wire) return this.malformed(`UDP length ${ulen} exceeds the IP payload length ${wire}`);
      const dstPort = (d[s + 2] << 8) | d[s + 3];
      if ((dstPort === 4789 || dstPort === 8472 || dstPort === 6081) && depth < MAX_DEPTH && this.udpTunnel(d, s + 8, s + ulen < e ? s + ulen : e, dstPort, depth + 1)) return;
      p.frame = this.frameNo;
      p.tsUs = this.tsUs;
      p.ipVersion = ipv;
      p.src = src;
      p.dst = dst;
      p.proto = 17;
      p.srcPort = (d[s] << 8) | d[s + 1];
      p.dstPort = (d[s + 2] << 8) | d[s + 3];
      p.seq = 0;
      p.ack = 0;
      p.flags = 0;
      p.window = 0;
      const payloadEnd = s + ulen < e ? s + ulen : e;
      p.payload = s + 8 < payloadEnd ? d.subarray(s + 8, payloadEnd) : NO_PAYLOAD;
      p.payloadWireLength = ulen - 8;
      p.fileOffset = this.fileBase < 0 ? -1 : this.fileBase + s + 8;
      p.vantage = this.vantage;
      p.ipId = this.ipId;
      this.stats.udp++;
      this.handlers.packet(p);
      return;
    }
    if (proto === 47 && depth < MAX_DEPTH && this.gre(d, s, e, depth + 1)) return;
    if ((proto === 4 || proto === 41) && depth < MAX_DEPTH) {
      // IP in IP / IPv6 in IPv4 (RFC 2003, RFC 4213): decode the inner packet.
      if (proto === 4) this.ipv4(d, s, e, depth + 1);
      else this.ipv6(d, s, e, depth + 1);
      return;
    }
    this.stats.otherIpProto++;
  }

  /**
   * VXLAN (RFC 7348 §5: flags with the I bit, 24 reserved bits, VNI, 8 reserved bits; then an
   * Ethernet frame) or Geneve (RFC 8926 §3.4: version 0, options length in 4-byte words,
   * protocol type; Ethernet 0x6558 or IP) at d[o..e). False when the header does not check out:
   * the datagram is then an ordinary one.
   */
  private udpTunnel(d: Uint8Array, o: number, e: number, port: number, depth: number): boolean {
    if (port === 6081) {
      if (e - o < 8 || d[o] >> 6 !== 0) return false;
      const inner = o + 8 + (d[o] & 0x3f) * 4;
      const type = (d[o + 2] << 8) | d[o + 3];
      if (inner > e) return false;
      if (type === 0x6558) {
        if (e - inner < 14) return false;
        this.etherPayload(d, inner + 12, e, depth);
      } else if (type === 0x0800 || type === 0x86dd) this.etherType(d, type, inner, e, depth);
      else return false;
      return true;
    }
    // I flag set; the reserved bits of the base header clear (the group-policy extension uses some of byte 0-2: ignored).
    if (e - o < 8 + 14 || (d[o] & 0x08) === 0 || d[o + 7] !== 0) return false;
    const type = (d[o + 8 + 12] << 8) | d[o + 8 + 13];
    if (type !== 0x0800 && type !== 0x86dd && type !== 0x8100 && type !== 0x88a8 && type !== 0x0806) return false;
    this.etherPayload(d, o + 8 + 12, e, depth);
    return true;
  }

  /**
   * GRE (RFC 2784, keys and sequence numbers RFC 2890) at d[o..e): version 0 only (version 1 is
   * PPTP's). The payload by protocol type: IPv4, IPv6, transparent Ethernet bridging (0x6558), and
   * the mirrored Ethernet frames of ERSPAN type II (0x88be: 8-byte header) and III (0x22eb: 12
   * bytes, 8 more with the O flag). False for anything else (counted as another IP protocol).
   */
  private gre(d: Uint8Array, o: number, e: number, depth: number): boolean {
    if (e - o < 4) return false;
    const flags = d[o];
    if ((d[o + 1] & 7) !== 0) return false;
    const type = (d[o + 2] << 8) | d[o + 3];
    let p = o + 4 + (flags & 0x80 ? 4 : 0) + (flags & 0x20 ? 4 : 0) + (flags & 0x10 ? 4 : 0);
    if (p > e) {
      this.short('GRE header', p - o, e - o);
      return true;
    }
    if (type === 0x0800 || type === 0x86dd) {
      this.etherType(d, type, p, e, depth);
      return true;
    }
    if (type === 0x88be) p += 8;
    else if (type === 0x22eb) p += 12 + (p + 12 <= e && d[p + 11] & 1 ? 8 : 0);
    else if (type !== 0x6558) return false;
    if (e - p < 14) {
      this.short('Ethernet frame in GRE', 14, e - p);
      return true;
    }
    this.etherPayload(d, p + 12, e, depth);
    return true;
  }

  // --- problems -----------------------------------------------------------------------------

  /** A header needs `need` bytes but `have` remain: cut by the snapshot length, or malformed. */
  private short(what: string, need: number, have: number): void {
    if (this.cut) {
      this.stats.cutHeaders++;
      if (!this.warnedCut) {
        this.warnedCut = true;
        this.emitWarning({
          message: `the snapshot length cut frame ${this.frameNo} inside its ${what}; such packets are skipped (counted, reported once)`,
          frame: this.frameNo,
        });
      }
      return;
    }
    this.malformed(`${what} needs ${need} bytes, only ${Math.max(0, have)} present`);
  }

  /**
   * The IP header promises more bytes than the frame holds although nothing was cut by the snapshot length
   * (a capturing stack that lost the tail, e.g. 1999-era keep-alives whose garbage byte is missing). Like
   * Wireshark, read what is there: the frame counts as cut, so its transport sees the missing bytes as lost.
   */
  private shortOnWire(what: string, have: number): void {
    this.cut = true;
    this.stats.malformed++;
    this.emitWarning({ message: `${what} exceeds the ${have} bytes captured; read as cut short`, frame: this.frameNo });
  }

  private malformed(why: string): void {
    this.stats.malformed++;
    this.emitWarning({ message: `${why}; packet skipped`, frame: this.frameNo });
  }

  private emitWarning(w: CaptureWarning): void {
    if (this.warnings >= this.maxWarnings) {
      this.suppressed++;
      return;
    }
    this.warnings++;
    this.handlers.warning(w);
  }
}
