/**
 * Contract between the capture readers (pcap, pcapng) and the network layer.
 */
import type { CaptureWarning } from '../core/model';

/** One captured frame. The object and `data` are only valid during the callback (buffers are reused). */
export interface RawFrame {
  /** 1-based frame number, as Wireshark numbers frames. */
  frame: number;
  /** LINKTYPE_* value of the interface (1 Ethernet, 113 SLL, 276 SLL2, 0 NULL, 108 LOOP, 101/228/229 raw IP…). */
  linkType: number;
  /** Capture time, µs since the Unix epoch (finer resolutions are rounded down). */
  tsUs: number;
  /** Bytes captured (length of `data`). */
  capLen: number;
  /** Length of the packet on the wire (> capLen when cut by snaplen). */
  origLen: number;
  data: Uint8Array;
  /**
   * Where `data` is, when the reader can say: buffer[offset, offset + capLen). The network layer
   * parses the frame there rather than ask for `data` (a view made for each frame otherwise).
   */
  buffer?: Uint8Array;
  offset?: number;
  /** Offset of `data` in the (decompressed) capture file. */
  fileOffset: number;
  /** pcapng interface id (0 for pcap), counted from 0 again in each section. */
  interfaceId: number;
  /**
   * The place in CaptureInfo.interfaces (over all sections; 0 for pcap) where the interface was
   * first described: a later pcapng section numbers its interfaces from 0 again, and describes the
   * same interface again (same name and link type) when its files were put together. Absent: taken
   * to be `interfaceId`.
   */
  interfaceIndex?: number;
  /** pcapng opt_comment of the packet block, if any. */
  comment?: string;
}

export interface CaptureInterface {
  id: number;
  linkType: number;
  snapLen: number;
  name?: string;
  description?: string;
  /** Units per second of timestamps (1e6 for µs, 1e9 for ns, 2^k for power-of-two resolutions). */
  tsUnitsPerSecond: number;
  /** if_tsoffset in seconds. */
  tsOffsetSeconds: number;
  /** pcapng section number (0-based) this interface belongs to. */
  section: number;
}

export interface CaptureInfo {
  format: 'pcap' | 'pcapng';
  /** Byte order of the (current) section. */
  littleEndian: boolean;
  /** Version string: '2.4' for pcap, '1.0' for pcapng. */
  version: string;
  /** Resolution of classic pcap timestamps. */
  nanosecond?: boolean;
  interfaces: CaptureInterface[];
  /** Section/file comments (pcapng opt_comment, shb_hardware/os/userappl as 'key: value'). */
  comments: string[];
}

export interface CaptureHandlers {
  frame(f: RawFrame): void;
  warning(w: CaptureWarning): void;
  /** Called when the header is read and each time a new section/interface is described. */
  info?(info: CaptureInfo): void;
  /**
   * A pcapng Decryption Secrets Block: `secretsType` (0x544c534b "TLSK": TLS key log text, 0x57474b4c
   * WireGuard…) and its data (a view, valid during the call). Without this handler DSBs are skipped.
   */
  secrets?(secretsType: number, data: Uint8Array): void;
}

/** What the first bytes of a file say it is. */
export type CaptureFormat = 'pcap' | 'pcapng' | 'gzip' | 'unknown';
