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
  const known = otherFormat(head);
  return known ? `${s}: ${known}` : s;
}

const CONVERT = 'convert it with `editcap -F pcapng FILE OUT.pcapng` (Wireshark)';

/**
 * What a file that is no pcap or pcapng looks like it is, by its first bytes, with what to do: another capture
 * format (snoop, Network Monitor, Sniffer, btsnoop, 5Views), an archive or another compression, a HAR or text
 * file. Undefined when nothing is recognised.
 */
export function otherFormat(head: Uint8Array): string | undefined {
  const at = (...b: number[]) => b.every((x, i) => head[i] === x);
  const ascii = (t: string) => head.length >= t.length && [...t].every((c, i) => head[i] === c.charCodeAt(0));
  if (ascii('snoop\0')) return `a Solaris snoop capture; ${CONVERT}`;
  if (ascii('GMBU') || ascii('RTSS')) return `a Microsoft Network Monitor capture; ${CONVERT}`;
  if (ascii('TRSNIFF')) return `a Sniffer capture; ${CONVERT}`;
  if (ascii('btsnoop\0')) return `a Bluetooth btsnoop log; ${CONVERT}`;
  if (at(0xaa, 0xaa, 0xaa, 0xaa)) return `a 5Views capture; ${CONVERT}`;
  if (at(0x50, 0x4b, 0x03, 0x04)) return 'a ZIP archive; unzip it and open the capture inside';
  if (at(0xfd, 0x37, 0x7a, 0x58, 0x5a)) return 'xz-compressed; `xz -d` it first';
  if (at(0x42, 0x5a, 0x68)) return 'bzip2-compressed; `bunzip2` it first';
  if (at(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd-compressed; `zstd -d` it first';
  if (at(0x37, 0x7a, 0xbc, 0xaf)) return 'a 7-Zip archive; extract the capture first';
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09 || head[i] === 0xef || head[i] === 0xbb || head[i] === 0xbf)) i++;
  if (head[i] === 0x7b) return 'JSON text, not a capture (a HAR file? callscope reads packet captures: record one with tcpdump -w)';
  return undefined;
}
