/**
 * Incremental capture reader: classic pcap and pcapng, fed in chunks of any size.
 *
 * Specs: draft-ietf-opsawg-pcap (libpcap file format: 24-byte file header, 16-byte record
 * headers, µs or ns magic, either byte order, link type field with FCS bits) and
 * draft-ietf-opsawg-pcapng (blocks: SHB 0x0A0D0D0A with byte-order magic 0x1A2B3C4D, IDB 1,
 * EPB 6, SPB 3, obsolete PB 2; options if_tsresol 9 / if_tsoffset 14 / opt_comment 1).
 * Also reads Kuznetzov's modified pcap (magic 0xA1B2CD34, 24-byte records).
 *
 * Memory: records are parsed in place in the pushed chunk (the frame's `data` is a view of it);
 * only a record that crosses a chunk boundary is copied, into one reusable buffer bounded by
 * `maxRecordBytes`. Blocks the reader does not need (NRB, ISB, custom…) are skipped
 * without buffering, however long they are. Decryption Secrets Blocks (DSB 10) are handed to the
 * `secrets` handler, in file order, so their keys are known before the packets they decrypt.
 *
 * Bad input never throws: it becomes a warning and, when the framing itself is lost, the
 * reader stops (a capture has no resynchronisation marks worth trusting).
 */
import type { CaptureWarning } from '../core/model';
import type { CaptureHandlers, CaptureInfo, CaptureInterface, RawFrame } from './types';
import { describeMagic } from './sniff';
import { BLOCK_DSB, BLOCK_SHB as SHB, BYTE_ORDER_MAGIC } from './dsb';

export interface CaptureReaderOptions {
  /** Largest packet record accepted (bytes of packet data); larger means a damaged file. Default 16 MiB. */
  maxRecordBytes?: number;
}

const enum State {
  Start,
  Pcap,
  Pcapng,
  Stopped,
}

const TWO32 = 4294967296;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
/** Largest Decryption Secrets Block read (a key log of ~100k connections); larger ones are skipped. */
const MAX_DSB_BYTES = 16 << 20;

/** How an interface's 64-bit timestamps become µs. */
const enum TsMode {
  /** value * factor (resolutions of 10^-6 or coarser, factor integer). */
  Mul,
  /** floor(value / div), div ≤ 10^6 (ns, ps…), exact with split hi/lo arithmetic. */
  Div,
  /** BigInt: value * num / den (power-of-two and extreme decimal resolutions). */
  Big,
}

interface IfaceTs {
  info: CaptureInterface;
  mode: TsMode;
  factor: number;
  div: number;
  num: bigint;
  den: bigint;
  offsetUs: number;
  /** Where the interface is in CaptureInfo.interfaces (its id counts from 0 again in each section). */
  index: number;
}

const BLOCK_NAMES: Record<number, string> = {
  1: 'Interface Description Block',
  2: 'Packet Block',
  3: 'Simple Packet Block',
  4: 'Name Resolution Block',
  5: 'Interface Statistics Block',
  6: 'Enhanced Packet Block',
  9: 'systemd Journal Export Block',
  10: 'Decryption Secrets Block',
  0x0bad: 'Custom Block',
  0x40000bad: 'Custom Block',
  [SHB]: 'Section Header Block',
};

export class CaptureReader {
  /**
   * The last frame number given out. Usually the number of frames delivered; pcapng custom and
   * systemd journal blocks also take a number (as in Wireshark) without being delivered.
   */
  framesRead = 0;
  /** Format, byte order and interfaces; undefined until the file header was read. */
  info: CaptureInfo | undefined;

  private readonly handlers: CaptureHandlers;
  private readonly maxRecordBytes: number;
  private state = State.Start;
  /** File offset of the next byte not yet parsed (start of the partial record, if any). */
  private offset = 0;
  private totalPushed = 0;
  /** A record crossing chunk boundaries: partial[0..partialLen) of partialNeed bytes needed. */
  private partial = new Uint8Array(0);
  private partialLen = 0;
  private partialNeed = 0;
  /** Bytes of a skipped block still to drop. */
  private skip = 0;
  private skipWhat = '';
  private le = true;
  // classic pcap
  private pcapNano = false;
  private pcapRecHdr = 16;
  /** The record header size was checked against the first records (old pcap variants, see pickRecordHeader). */
  private recHdrChecked = false;
  private pcapLink = 0;
  // pcapng
  private section = -1;
  private ifaces: IfaceTs[] = [];
  private warnedIface = new Set<number>();
  private warnedTrailer = false;
  private lastTsUs = 0;
  private readonly rf = new ReaderFrame();

  constructor(handlers: CaptureHandlers, opts: CaptureReaderOptions = {}) {
    this.handlers = handlers;
    this.maxRecordBytes = Math.max(64, Math.min(opts.maxRecordBytes ?? 16 << 20, 1 << 30));
  }

  /**
   * Offset of the first byte not yet parsed into a complete record: bytes pushed minus the
   * bytes of a record that is still incomplete (held back until the next chunk).
   */
  get bytesConsumed(): number {
    return this.offset;
  }

  /** Whether the reader gave up (damaged or unrecognised file); later pushes are ignored. */
  get stopped(): boolean {
    return this.state === State.Stopped;
  }

  push(chunk: Uint8Array): void {
    // A Node Buffer's subarray builds a Buffer (much slower per frame); view the same memory plainly.
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = chunk.length;
    this.totalPushed += n;
    if (this.state === State.Stopped || n === 0) return;
    let pos = 0;
    if (this.skip > 0) {
      const k = Math.min(this.skip, n);
      this.skip -= k;
      this.offset += k;
      pos = k;
    }
    if (this.partialLen > 0) {
      for (;;) {
        const k = Math.min(this.partialNeed - this.partialLen, n - pos);
        this.partial.set(chunk.subarray(pos, pos + k), this.partialLen);
        this.partialLen += k;
        pos += k;
        if (this.partialLen < this.partialNeed) return;
        const r = this.unit(this.partial, 0, this.partialLen);
        if (r < 0) {
          this.growPartial(-r);
          this.partialNeed = -r;
          continue;
        }
        this.offset += r;
        this.partialLen = 0;
        break;
      }
    }
    while (pos < n && !this.stopped) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - pos);
        this.skip -= k;
        this.offset += k;
        pos += k;
        continue;
      }
      const r = this.unit(chunk, pos, n);
      if (r > 0) {
        pos += r;
        this.offset += r;
      } else if (r < 0) {
        this.growPartial(-r);
        this.partial.set(chunk.subarray(pos, n), 0);
        this.partialLen = n - pos;
        this.partialNeed = -r;
        pos = n;
      } else {
        break; // stopped
      }
    }
  }

  /** No more bytes: report a record cut by the end of the file. */
  end(): void {
    if (this.state === State.Stopped) return;
    const st = this.state;
    this.state = State.Stopped;
    if (this.totalPushed === 0) {
      this.warn('capture is empty (0 bytes)');
      return;
    }
    if (this.skip > 0) {
      this.warn(`capture ends inside a ${this.skipWhat} (${this.skip} bytes missing); earlier frames are complete`, this.offset);
      return;
    }
    if (this.partialLen === 0) return;
    const have = this.partialLen;
    const p = this.partial;
    if (st === State.Start) {
      this.warn(`capture is too short (${have} bytes) to hold a file header; starts with ${describeMagic(p.subarray(0, have))}`);
      return;
    }
    const next = this.framesRead + 1;
    if (st === State.Pcap) {
      if (have < this.pcapRecHdr) {
        this.warn(`capture ends inside the record header of frame ${next} (${have} of ${this.pcapRecHdr} bytes); earlier frames are complete`, this.offset);
      } else {
        this.warn(`capture ends inside frame ${next} (at byte ${have} of ${this.partialNeed} needed); earlier frames are complete`, this.offset);
      }
      return;
    }
    // pcapng
    if (have < 8) {
      this.warn(`capture ends inside a block header (${have} of 8 bytes); earlier frames are complete`, this.offset);
      return;
    }
    const type = this.u32(p, 0);
    if (type === BLOCK_EPB || type === BLOCK_SPB || type === BLOCK_PB) {
      this.warn(`capture ends inside frame ${next} (at byte ${have} of ${this.partialNeed} needed); earlier frames are complete`, this.offset);
    } else {
      this.warn(`capture ends inside a ${blockName(type)} (at byte ${have} of ${this.partialNeed}); earlier frames are complete`, this.offset);
    }
  }

  // ---------------------------------------------------------------------------------------

  private growPartial(need: number): void {
    if (this.partial.length >= need) return;
    const next = new Uint8Array(Math.max(need, Math.min(this.partial.length * 2, this.maxRecordBytes + 4096), 65536));
    next.set(this.partial.subarray(0, this.partialLen));
    this.partial = next;
  }

  private warn(message: string, fileOffset?: number, frame?: number): void {
    const w: CaptureWarning = { message };
    if (frame !== undefined) w.frame = frame;
    if (fileOffset !== undefined) w.fileOffset = fileOffset;
    this.handlers.warning(w);
  }

  private stop(message: string, fileOffset?: number): number {
    this.warn(message, fileOffset);
    this.state = State.Stopped;
    this.partialLen = 0;
    return 0;
  }

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
      : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  /**
   * Parse one unit (file header, record or block) at b[start..end). Returns the bytes consumed
   * (> 0), -(bytes needed from start) when more input is needed, or 0 when the reader stopped.
   */
  private unit(b: Uint8Array, start: number, end: number): number {
    switch (this.state) {
      case State.Pcap:
        return this.pcapRecord(b, start, end);
      case State.Pcapng:
        return this.pcapngBlock(b, start, end);
      case State.Start:
        return this.fileHeader(b, start, end);
      default:
        return 0;
    }
  }

  private fileHeader(b: Uint8Array, start: number, end: number): number {
    const avail = end - start;
    if (avail < 4) return -4;
    const magic = ((b[start] << 24) | (b[start + 1] << 16) | (b[start + 2] << 8) | b[start + 3]) >>> 0;
    if (magic === SHB) {
      this.state = State.Pcapng;
      return this.pcapngBlock(b, start, end);
    }
    let le: boolean;
    let nano = false;
    let recHdr = 16;
    switch (magic) {
      case 0xa1b2c3d4:
        le = false;
        break;
      case 0xd4c3b2a1:
        le = true;
        break;
      case 0xa1b23c4d:
        le = false;
        nano = true;
        break;
      case 0x4d3cb2a1:
        le = true;
        nano = true;
        break;
      case 0xa1b2cd34:
        le = false;
        recHdr = 24;
        break;
      case 0x34cdb2a1:
        le = true;
        recHdr = 24;
        break;
      default:
        if (b[start] === 0x1f && b[start + 1] === 0x8b) {
          return this.stop('capture is gzip-compressed: decompress it before reading');
        }
        return this.stop(`not a pcap or pcapng file (starts with ${describeMagic(b.subarray(start, Math.min(end, start + 16)))})`, 0);
    }
    if (avail < 24) return -24;
    this.le = le;
    this.pcapNano = nano;
    this.pcapRecHdr = recHdr;
    const major = this.u16(b, start + 4);
    const minor = this.u16(b, start + 6);
    const snapLen = this.u32(b, start + 16);
    const linkField = this.u32(b, start + 20);
    // Bits 16-25 reserved, bit 26 "FCS length present", bits 28-31 FCS length (in 16-bit units).
    this.pcapLink = linkField & 0x03ffffff;
    if (this.pcapLink > 0xffff) this.pcapLink &= 0xffff;
    const iface: CaptureInterface = {
      id: 0,
      linkType: this.pcapLink,
      snapLen,
      tsUnitsPerSecond: nano ? 1e9 : 1e6,
      tsOffsetSeconds: 0,
      section: 0,
    };
    this.info = {
      format: 'pcap',
      littleEndian: le,
      version: `${major}.${minor}`,
      nanosecond: nano,
      interfaces: [iface],
      comments: [],
    };
    if (major !== 2) this.warn(`pcap version ${major}.${minor} is not 2.4; reading it as 2.4`, 4);
    this.state = State.Pcap;
    this.handlers.info?.(this.info);
    return 24;
  }

  /**
   * Old pcap variants keep the usual magic but write longer record headers (Wireshark's libpcap.c reads them all,
   * and editcap writes them): Nokia IPSO's 20 bytes and Red Hat 6.1's tcpdump 24 bytes with the usual magic; with
   * the "modified" magic (Kuznetsov's patches) 24 bytes, SuSE 6.3's 28. Which one a file uses is seen from its first
   * records: the size under which the most of them (up to four) read as plausible records (fraction below one
   * second, captured length within the original and 256 KiB, times within a day of each other) wins, the usual
   * size on a tie. Said once.
   */
  private pickRecordHeader(b: Uint8Array, start: number, end: number): void {
    // (before any change, a 24-byte header means the modified magic)
    const modified = this.pcapRecHdr === 24;
    const candidates = modified ? [24, 28] : [16, 24, 20];
    const unit = this.pcapNano ? 1e9 : 1e6;
    const plausible = (hdr: number): number => {
      let p = start;
      let n = 0;
      let lastSec = -1;
      while (n < 4 && p + hdr <= end) {
        const sec = this.u32(b, p);
        const cap = this.u32(b, p + 8);
        const orig = this.u32(b, p + 12);
        if (this.u32(b, p + 4) >= unit || cap > orig || cap > 262144 || (lastSec >= 0 && Math.abs(sec - lastSec) > 86400)) return -1;
        if (p + hdr + cap > end) break;
        lastSec = sec;
        p += hdr + cap;
        n++;
      }
      return n;
    };
    const scores = candidates.map(plausible);
    // (the first record not all here yet: judge when it is)
    const whole = start + 16 <= end && start + candidates[0] + this.u32(b, start + 8) <= end;
    if (scores.every((x) => x <= 0) && !whole && end - start < 65536) return;
    this.recHdrChecked = true;
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (scores[i] > scores[best]) best = i;
    if (best === 0 || scores[best] < 2) return;
    this.pcapRecHdr = candidates[best];
    const what = candidates[best] === 20 ? "Nokia IPSO's" : candidates[best] === 28 ? "SuSE 6.3's" : modified ? '' : "Red Hat 6.1's";
    this.warn(`records have ${candidates[best]}-byte headers (${what ? `${what} ` : ''}pcap variant): read as such`, 24);
  }

  private pcapRecord(b: Uint8Array, start: number, end: number): number {
    if (!this.recHdrChecked) {
      if (this.framesRead > 0) this.recHdrChecked = true;
      else this.pickRecordHeader(b, start, end);
    }
    const hdr = this.pcapRecHdr;
    // (the negations are computed before their tests: the optimized record loop has then seen them
    // when a record first crosses the end of a chunk, and is not thrown away and compiled again)
    const moreHdr = -hdr;
    if (end - start < hdr) return moreHdr;
    const capLen = this.u32(b, start + 8);
    if (capLen > this.maxRecordBytes) {
      return this.stop(`record at offset ${this.offset} claims ${capLen} bytes; capture damaged from here`, this.offset);
    }
    const total = hdr + capLen;
    const more = -total;
    if (end - start < total) return more;
    const sec = this.u32(b, start);
    const frac = this.u32(b, start + 4);
    let origLen = this.u32(b, start + 12);
    if (origLen < capLen) origLen = capLen;
    const rf = this.rf;
    rf.frame = ++this.framesRead;
    rf.linkType = this.pcapLink;
    rf.tsUs = sec * 1e6 + (this.pcapNano ? Math.floor(frac / 1000) : frac);
    this.lastTsUs = rf.tsUs;
    rf.capLen = capLen;
    rf.origLen = origLen;
    rf.at(b, start + hdr);
    rf.fileOffset = this.offset + hdr;
    rf.interfaceId = 0;
    rf.interfaceIndex = 0;
    rf.comment = undefined;
    this.handlers.frame(rf);
    return total;
  }

  private pcapngBlock(b: Uint8Array, start: number, end: number): number {
    const avail = end - start;
    if (avail < 8) return avail < 4 ? -8 : -(b[start] === 0x0a && b[start + 1] === 0x0d ? 12 : 8);
    const typeRaw = ((b[start] << 24) | (b[start + 1] << 16) | (b[start + 2] << 8) | b[start + 3]) >>> 0;
    if (typeRaw === SHB) {
      if (avail < 12) return -12;
      const bom = ((b[start + 8] << 24) | (b[start + 9] << 16) | (b[start + 10] << 8) | b[start + 11]) >>> 0;
      if (bom === BYTE_ORDER_MAGIC) this.le = false;
      else if (bom === 0x4d3c2b1a) this.le = true;
      else return this.stop(`section header at offset ${this.offset} has a bad byte-order magic 0x${bom.toString(16)}; capture damaged from here`, this.offset);
    }
    const type = typeRaw === SHB ? SHB : this.u32(b, start);
    const len = this.u32(b, start + 4);
    if (len < 12 || len % 4 !== 0 || (typeRaw === SHB && len < 28)) {
      return this.stop(`block at offset ${this.offset} has an invalid length ${len}; capture damaged from here`, this.offset);
    }
    const dsb = type === BLOCK_DSB && len <= MAX_DSB_BYTES + 16 && this.handlers.secrets !== undefined;
    if (type === BLOCK_DSB && !dsb && this.handlers.secrets) this.warn(`Decryption Secrets Block at offset ${this.offset} is ${len} bytes long, more than ${MAX_DSB_BYTES}: skipped`, this.offset);
    const needed = type === SHB || type === BLOCK_IDB || type === BLOCK_EPB || type === BLOCK_SPB || type === BLOCK_PB || dsb;
    if (!needed) {
      // Skip without buffering; its content does not matter to us.
      // Wireshark numbers custom and systemd journal blocks as frames; follow it so frame
      // numbers match what the user sees there.
      if (type === 0x0bad || type === 0x40000bad || type === 9) this.framesRead++;
      const k = Math.min(len, avail);
      this.skip = len - k;
      this.skipWhat = blockName(type);
      return k;
    }
    if (len > this.maxRecordBytes + 4096) {
      return this.stop(`record at offset ${this.offset} claims ${len} bytes; capture damaged from here`, this.offset);
    }
    // (negated before the test, see pcapRecord)
    const more = -len;
    if (avail < len) return more;
    if (!this.warnedTrailer && this.u32(b, start + len - 4) !== len) {
      this.warnedTrailer = true;
      this.warn(`${blockName(type)} at offset ${this.offset}: trailing length differs from leading length ${len}`, this.offset);
    }
    switch (type) {
      case SHB:
        this.sectionHeader(b, start, len);
        break;
      case BLOCK_IDB:
        this.interfaceBlock(b, start, len);
        break;
      case BLOCK_EPB:
      case BLOCK_PB:
        this.packetBlock(b, start, len, type);
        break;
      case BLOCK_SPB:
        this.simplePacketBlock(b, start, len);
        break;
      case BLOCK_DSB:
        this.secretsBlock(b, start, len);
        break;
    }
    return len;
  }

  /** Decryption Secrets Block (pcapng §4.7): secrets type, length, data; handed on before the packets after it. */
  private secretsBlock(b: Uint8Array, start: number, len: number): void {
    if (len < 20) {
      this.warn(`Decryption Secrets Block at offset ${this.offset} is too short (${len} bytes); skipped`, this.offset);
      return;
    }
    const secretsType = this.u32(b, start + 8);
    const secretsLen = this.u32(b, start + 12);
    if (secretsLen > len - 20) {
      this.warn(`Decryption Secrets Block at offset ${this.offset} claims ${secretsLen} bytes of secrets in a ${len}-byte block; skipped`, this.offset);
      return;
    }
    this.handlers.secrets?.(secretsType, b.subarray(start + 16, start + 16 + secretsLen));
  }

  private sectionHeader(b: Uint8Array, start: number, len: number): void {
    this.section++;
    this.ifaces = [];
    this.warnedIface.clear();
    const major = this.u16(b, start + 12);
    const minor = this.u16(b, start + 14);
    const info: CaptureInfo = this.info ?? {
      format: 'pcapng',
      littleEndian: this.le,
      version: `${major}.${minor}`,
      interfaces: [],
      comments: [],
    };
    info.littleEndian = this.le;
    info.version = `${major}.${minor}`;
    this.info = info;
    if (major !== 1) this.warn(`pcapng section ${this.section} has version ${major}.${minor}; reading it as 1.0`, this.offset);
    this.options(b, start + 24, start + len - 4, (code, vs, ve) => {
      const text = code <= 4 ? utf8(b, vs, ve) : undefined;
      if (text === undefined || text === '') return;
      if (code === 1) info.comments.push(text);
      else if (code === 2) info.comments.push(`shb_hardware: ${text}`);
      else if (code === 3) info.comments.push(`shb_os: ${text}`);
      else if (code === 4) info.comments.push(`shb_userappl: ${text}`);
    });
    this.handlers.info?.(info);
  }

  private interfaceBlock(b: Uint8Array, start: number, len: number): void {
    if (len < 20) {
      this.warn(`Interface Description Block at offset ${this.offset} is too short (${len} bytes); ignored`, this.offset);
      return;
    }
    const iface: CaptureInterface = {
      id: this.ifaces.length,
      linkType: this.u16(b, start + 8),
      snapLen: this.u32(b, start + 12),
      tsUnitsPerSecond: 1e6,
      tsOffsetSeconds: 0,
      section: this.section,
    };
    let resol = 6;
    let offsetSec = 0;
    this.options(b, start + 16, start + len - 4, (code, vs, ve) => {
      if (code === 2 && ve > vs) iface.name = utf8(b, vs, ve);
      else if (code === 3 && ve > vs) iface.description = utf8(b, vs, ve);
      else if (code === 9 && ve - vs >= 1) resol = b[vs];
      else if (code === 14 && ve - vs >= 8) {
        // signed 64-bit seconds
        const hi = this.le ? this.u32(b, vs + 4) | 0 : this.u32(b, vs) | 0;
        const lo = this.le ? this.u32(b, vs) : this.u32(b, vs + 4);
        offsetSec = hi * TWO32 + lo;
      }
    });
    const ts: IfaceTs = { info: iface, mode: TsMode.Mul, factor: 1, div: 1, num: 1n, den: 1n, offsetUs: offsetSec * 1e6, index: 0 };
    iface.tsOffsetSeconds = offsetSec;
    if (resol & 0x80) {
      const k = resol & 0x7f;
      iface.tsUnitsPerSecond = 2 ** k;
      ts.mode = TsMode.Big;
      ts.num = 1000000n;
      ts.den = 1n << BigInt(k);
    } else {
      iface.tsUnitsPerSecond = 10 ** resol;
      if (resol <= 6) {
        ts.mode = TsMode.Mul;
        ts.factor = 10 ** (6 - resol);
      } else if (resol <= 12) {
        ts.mode = TsMode.Div;
        ts.div = 10 ** (resol - 6);
      } else {
        ts.mode = TsMode.Big;
        ts.num = 1n;
        ts.den = 10n ** BigInt(resol - 6);
      }
    }
    ts.index = sameInterface(this.info!.interfaces, iface);
    this.ifaces.push(ts);
    this.info!.interfaces.push(iface);
    this.handlers.info?.(this.info!);
  }

  private tsToUs(ts: IfaceTs, hi: number, lo: number): number {
    let us: number;
    switch (ts.mode) {
      case TsMode.Mul:
        us = (hi * TWO32 + lo) * ts.factor;
        break;
      case TsMode.Div: {
        const d = ts.div;
        const hq = Math.floor(hi / d);
        const hr = hi - hq * d;
        us = hq * TWO32 + Math.floor((hr * TWO32 + lo) / d);
        break;
      }
      default:
        us = Number((((BigInt(hi) << 32n) | BigInt(lo)) * ts.num) / ts.den);
    }
    return us + ts.offsetUs;
  }

  private ifaceFor(id: number): IfaceTs | undefined {
    const t = this.ifaces[id];
    if (t === undefined && !this.warnedIface.has(id)) {
      this.warnedIface.add(id);
      this.warn(
        `packet block at offset ${this.offset} refers to interface ${id}, which section ${this.section} never described; such packets are skipped`,
        this.offset,
      );
    }
    return t;
  }

  private packetBlock(b: Uint8Array, start: number, len: number, type: number): void {
    if (len < 32) {
      this.warn(`${blockName(type)} at offset ${this.offset} is too short (${len} bytes); skipped`, this.offset);
      return;
    }
    const ifId = type === BLOCK_EPB ? this.u32(b, start + 8) : this.u16(b, start + 8);
    const ts = this.ifaceFor(ifId);
    if (ts === undefined) return;
    const capLen = this.u32(b, start + 20);
    if (capLen > len - 32) {
      this.warn(`${blockName(type)} at offset ${this.offset} claims ${capLen} captured bytes in a ${len}-byte block; skipped`, this.offset);
      return;
    }
    let origLen = this.u32(b, start + 24);
    if (origLen < capLen) origLen = capLen;
    const rf = this.rf;
    rf.comment = undefined;
    const optStart = start + 28 + ((capLen + 3) & ~3);
    const optEnd = start + len - 4;
    if (optStart + 4 <= optEnd) {
      this.options(b, optStart, optEnd, (code, vs, ve) => {
        if (code === 1 && ve > vs) rf.comment = rf.comment === undefined ? utf8(b, vs, ve) : `${rf.comment}\n${utf8(b, vs, ve)}`;
      });
    }
    rf.frame = ++this.framesRead;
    rf.linkType = ts.info.linkType;
    rf.tsUs = this.tsToUs(ts, this.u32(b, start + 12), this.u32(b, start + 16));
    this.lastTsUs = rf.tsUs;
    rf.capLen = capLen;
    rf.origLen = origLen;
    rf.at(b, start + 28);
    rf.fileOffset = this.offset + 28;
    rf.interfaceId = ifId;
    rf.interfaceIndex = ts.index;
    this.handlers.frame(rf);
  }

  private simplePacketBlock(b: Uint8Array, start: number, len: number): void {
    if (len < 16) {
      this.warn(`Simple Packet Block at offset ${this.offset} is too short (${len} bytes); skipped`, this.offset);
      return;
    }
    const ts = this.ifaceFor(0);
    if (ts === undefined) return;
    const origLen = this.u32(b, start + 8);
    let capLen = Math.min(origLen, len - 16);
    const snap = ts.info.snapLen;
    if (snap > 0 && capLen > snap) capLen = snap;
    const rf = this.rf;
    rf.frame = ++this.framesRead;
    rf.linkType = ts.info.linkType;
    rf.tsUs = this.lastTsUs;
    rf.capLen = capLen;
    rf.origLen = origLen;
    rf.at(b, start + 12);
    rf.fileOffset = this.offset + 12;
    rf.interfaceId = 0;
    rf.interfaceIndex = ts.index;
    rf.comment = undefined;
    this.handlers.frame(rf);
  }

  /** Walk pcapng options in b[from..to): code, value start, value end. Stops at opt_endofopt or bad lengths. */
  private options(b: Uint8Array, from: number, to: number, cb: (code: number, vs: number, ve: number) => void): void {
    let p = from;
    while (p + 4 <= to) {
      const code = this.u16(b, p);
      const olen = this.u16(b, p + 2);
      if (code === 0) return;
      const vs = p + 4;
      const ve = vs + olen;
      if (ve > to) return;
      cb(code, vs, ve);
      p = vs + ((olen + 3) & ~3);
    }
  }
}

/**
 * Where in `known` (the interfaces of earlier sections and this one's so far) the interface `iface`
 * of a new Interface Description Block was described already, else where it will be (known.length).
 * A later section describes its interfaces again, numbered from 0 (dumpcap's ring-buffer files put
 * together with cat: every section has its own IDB of the same `lo`): the same name and link type
 * in an earlier section is that interface; without names, the same id and link type is taken to be.
 * (The first such in `known` is itself the first of its kind: the sections before it come first.)
 */
function sameInterface(known: readonly CaptureInterface[], iface: CaptureInterface): number {
  for (let i = 0; i < known.length; i++) {
    const k = known[i];
    if (k.section === iface.section || k.linkType !== iface.linkType) continue;
    if (iface.name !== undefined ? k.name === iface.name : k.name === undefined && k.id === iface.id) return i;
  }
  return known.length;
}

/**
 * The one frame object a reader fills for every record. `data` is made when asked for (a view each
 * time): the network layer reads the frame in place (`buffer`, `offset`), so most frames never
 * need one. `data` is an own enumerable accessor, so that a copy made with `{ ...frame }` holds the
 * bytes; `buffer` and `offset` are not enumerable, so such a copy does not keep the reader's buffer
 * (and is the same however the input was chunked).
 */
class ReaderFrame implements RawFrame {
  frame = 0;
  linkType = 0;
  tsUs = 0;
  capLen = 0;
  origLen = 0;
  fileOffset = 0;
  interfaceId = 0;
  interfaceIndex = 0;
  comment: string | undefined = undefined;
  declare buffer: Uint8Array;
  declare offset: number;
  declare data: Uint8Array;

  constructor() {
    Object.defineProperties(this, {
      buffer: { value: EMPTY, writable: true, enumerable: false },
      offset: { value: 0, writable: true, enumerable: false },
      data: { enumerable: true, get: (): Uint8Array => this.buffer.subarray(this.offset, this.offset + this.capLen) },
    });
  }

  /** The frame's bytes start at b[offset] (capLen set first). */
  at(b: Uint8Array, offset: number): void {
    this.buffer = b;
    this.offset = offset;
  }
}

const EMPTY = new Uint8Array(0);

const textDecoder = new TextDecoder('utf-8');

function utf8(b: Uint8Array, s: number, e: number): string {
  // Strings in options may carry a trailing NUL written by some tools.
  while (e > s && b[e - 1] === 0) e--;
  return textDecoder.decode(b.subarray(s, e));
}

function blockName(type: number): string {
  return BLOCK_NAMES[type] ?? `block of type 0x${type.toString(16).padStart(8, '0')}`;
}
