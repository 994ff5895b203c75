/**
 * Contract between the network layer (link → IP → TCP/UDP) and the flow table.
 */
import type { CaptureWarning } from '../core/model';
import type { RawFrame } from '../capture/types';

/** TCP flag bits, as in the TCP header byte 13. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/**
 * A transport-layer packet. The object is reused between callbacks (no allocation per packet):
 * copy what you keep. `payload` is a view into the capture buffer (or a reassembled IP datagram).
 */
export interface Packet {
  frame: number;
  tsUs: number;
  ipVersion: 4 | 6;
  /** Address text: dotted IPv4, compressed IPv6 (RFC 5952). */
  src: string;
  dst: string;
  /** 6 TCP, 17 UDP. */
  proto: number;
  srcPort: number;
  dstPort: number;
  /** TCP only. */
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Transport payload as captured. */
  payload: Uint8Array;
  /**
   * Payload bytes on the wire (from the IP length): > payload.length when the capture cut
   * the packet (snaplen), so the flow table can report the missing bytes as a gap.
   */
  payloadWireLength: number;
  /** Offset of payload[0] in the capture file, or -1 (reassembled fragments, gzip). */
  fileOffset: number;
  /**
   * Where the packet was captured: the pcapng interface id × 2^32 + the Linux ifindex of an SLL2
   * header (0 for other link types); -1 when the capture cannot tell (a Linux cooked v1 header,
   * `tcpdump -i any -y LINUX_SLL`). The same packet crossing a bridge, veth pairs and NAT is
   * captured once per interface (see Pipeline, copies of a packet).
   */
  vantage: number;
  /** IPv4 Identification field (of the innermost IPv4 header); -1 for IPv6. */
  ipId: number;
}

export interface NetHandlers {
  packet(p: Packet): void;
  warning(w: CaptureWarning): void;
}

/** What the network layer needs from a frame. */
export type NetInput = RawFrame;
