/**
 * Recognise a capture file by its first bytes.
 *  - classic pcap (libpcap file format, draft-ietf-opsawg-pcap): magic 0xA1B2C3D4 (µs) or
 *    0xA1B23C4D (ns), written in the byte order of the writer, so both byte orders occur;
 *  - pcapng (draft-ietf-opsawg-pcapng): starts with a Section Header Block, type 0x0A0D0D0A
 *    (a palindrome, so the same in both byte orders);
 *  - gzip (RFC 1952, 0x1F 0x8B): Wireshark writes and reads .pcap.gz / .pcapng.gz; the caller
 *    decompresses and sniffs again.
 */
import type { CaptureFormat } from './types';

export function sniffCapture(head: Uint8Array): CaptureFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length < 4) return 'unknown';
  const m = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  switch (m) {
    case 0xa1b2c3d4:
    case 0xd4c3b2a1:
    case 0xa1b23c4d:
    case 0x4d3cb2a1:
    case 0xa1b2cd34: // Alexey Kuznetzov's modified pcap (µs, 24-byte records)
    case 0x34cdb2a1:
      return 'pcap';
    case 0x0a0d0d0a:
      return 'pcapng';
    default:
      return 'unknown';
  }
}

/** `0x` + the first (up to) 4 bytes in hex, for "not a pcap or pcapng file (starts with 0x…)". */
export function describeMagic(head: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < 4 && i < head.length; i++) s += head[i].toString(16).padStart(2, '0');
  return s;
}
