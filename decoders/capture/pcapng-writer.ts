/**
 * A streaming pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, Interface
 * Description Blocks, and Enhanced Packet Blocks with an optional per-packet comment.
 *
 * Every method returns the bytes of the block(s) it produced, so a caller can append them to a
 * file, a pipe and a Pipeline at the same time, packet by packet, without keeping the capture.
 * Byte order is little-endian (what dumpcap writes on x86/arm); timestamps are µs (the default
 * resolution, no if_tsresol option needed) or ns when asked for.
 *
 * `CaptureToPcapng` re-writes a pcap or pcapng byte stream (e.g. `tcpdump -U -w -`) as pcapng,
 * chunk by chunk, through the same reader the pipeline uses.
 */
import { concatBytes } from '../core/bytes';
import { CaptureReader } from './reader';
import { BLOCK_SHB as SHB_TYPE, BYTE_ORDER_MAGIC } from './dsb';
import type { CaptureInfo, RawFrame } from './types';
import type { CaptureWarning } from '../core/model';

const IDB_TYPE = 1;
const EPB_TYPE = 6;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FILTER = 11;

const utf8 = new TextEncoder();

export interface SectionOptions {
  comment?: string;
  hardware?: string;
  os?: string;
  /** shb_userappl: the application that wrote the file. */
  application?: string;
}

export interface InterfaceOptions {
  /** LINKTYPE_* (1 Ethernet, 113 Linux SLL, 276 SLL2, 101 raw IP…). */
  linkType: number;
  snapLen?: number;
  name?: string;
  description?: string;
  /** The capture filter that was used (if_filter, libpcap syntax). */
  filter?: string;
  /** Timestamps in ns instead of µs (if_tsresol = 9). */
  nanoseconds?: boolean;
}

export interface PacketOptions {
  /** Length of the packet on the wire, when larger than the captured bytes. */
  origLen?: number;
  comment?: string;
  /**
   * Timestamp in ns since the epoch for a nanosecond interface (a bigint keeps full precision);
   * when absent, `tsUs * 1000` is used.
   */
  tsNs?: bigint;
}

/** Builds one block: type, total length, body, options, trailing length; all 32-bit aligned. */
class BlockBuilder {
  private parts: Uint8Array[] = [];
  private size = 0;

  raw(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  u32(...vs: number[]): this {
    const b = new Uint8Array(4 * vs.length);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, true));
    return this.raw(b);
  }

  u16(a: number, b: number): this {
    const x = new Uint8Array(4);
    const dv = new DataView(x.buffer);
    dv.setUint16(0, a, true);
    dv.setUint16(2, b, true);
    return this.raw(x);
  }

  /** Bytes padded with zeros to a multiple of 4. */
  padded(b: Uint8Array): this {
    this.raw(b);
    const pad = (4 - (b.length % 4)) % 4;
    if (pad) this.raw(new Uint8Array(pad));
    return this;
  }

  option(code: number, value: Uint8Array | string | undefined): this {
    if (value === undefined) return this;
    const v = typeof value === 'string' ? utf8.encode(value) : value;
    if (v.length > 0xffff) return this.option(code, v.subarray(0, 0xffff));
    this.u16(code, v.length);
    return this.padded(v);
  }

  /** Finish a block of `type`: the parts become the body. */
  block(type: number, hasOptions: boolean): Uint8Array {
    if (hasOptions) this.u16(OPT_END, 0);
    const total = 12 + this.size;
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, type >>> 0, true);
    dv.setUint32(4, total, true);
    let o = 8;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    dv.setUint32(total - 4, total, true);
    return out;
  }
}

export class PcapngWriter {
  private interfaces: InterfaceOptions[] = [];
  private started = false;

  constructor(private readonly section: SectionOptions = {}) {}

  /** Number of interfaces described so far. */
  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** The Section Header Block (written once, first; `addInterface`/`packet` add it when needed). */
  header(): Uint8Array {
    this.started = true;
    const s = this.section;
    const b = new BlockBuilder()
      .u32(BYTE_ORDER_MAGIC)
      .u16(1, 0) // version 1.0
      .u32(0xffffffff, 0xffffffff) // section length unknown (streaming)
      .option(OPT_COMMENT, s.comment)
      .option(SHB_HARDWARE, s.hardware)
      .option(SHB_OS, s.os)
      .option(SHB_USERAPPL, s.application);
    const hasOpts = s.comment !== undefined || s.hardware !== undefined || s.os !== undefined || s.application !== undefined;
    return b.block(SHB_TYPE, hasOpts);
  }

  /** Describe an interface; its id is the return value's `id` (0, 1, 2… in order). */
  addInterface(iface: InterfaceOptions): { id: number; bytes: Uint8Array } {
    const pre = this.started ? undefined : this.header();
    const id = this.interfaces.length;
    this.interfaces.push(iface);
    const b = new BlockBuilder().u16(iface.linkType & 0xffff, 0).u32(iface.snapLen ?? 262144);
    b.option(IF_NAME, iface.name).option(IF_DESCRIPTION, iface.description);
    if (iface.filter !== undefined) b.option(IF_FILTER, concat([new Uint8Array([0]), utf8.encode(iface.filter)]));
    if (iface.nanoseconds) b.option(IF_TSRESOL, new Uint8Array([9]));
    const hasOpts = iface.name !== undefined || iface.description !== undefined || iface.filter !== undefined || !!iface.nanoseconds;
    const idb = b.block(IDB_TYPE, hasOpts);
    return { id, bytes: pre ? concat([pre, idb]) : idb };
  }

  /** An Enhanced Packet Block for `data` captured on interface `ifaceId` at `tsUs` (µs since the epoch). */
  packet(ifaceId: number, tsUs: number, data: Uint8Array, opts: PacketOptions = {}): Uint8Array {
    const iface = this.interfaces[ifaceId];
    if (!iface) throw new Error(`pcapng writer: interface ${ifaceId} was not added`);
    let hi: number;
    let lo: number;
    if (iface.nanoseconds) {
      const ns = opts.tsNs ?? BigInt(Math.round(tsUs)) * 1000n;
      hi = Number((ns >> 32n) & 0xffffffffn);
      lo = Number(ns & 0xffffffffn);
    } else {
      const us = Math.max(0, Math.round(tsUs));
      hi = Math.floor(us / 4294967296);
      lo = us % 4294967296;
    }
    const b = new BlockBuilder()
      .u32(ifaceId, hi, lo, data.length, Math.max(opts.origLen ?? data.length, data.length))
      .padded(data)
      .option(OPT_COMMENT, opts.comment);
    return b.block(EPB_TYPE, opts.comment !== undefined);
  }
}

/** Join byte arrays (the shared helper, re-exported for the writer's callers). */
export const concat = concatBytes;

/** A whole pcapng file from frames on one interface (tests, small exports). */
export function pcapngFromFrames(
  frames: Array<{ tsUs: number; data: Uint8Array; comment?: string }>,
  iface: InterfaceOptions = { linkType: 1 },
  section: SectionOptions = {},
): Uint8Array {
  const w = new PcapngWriter(section);
  const parts = [w.addInterface(iface).bytes];
  for (const f of frames) parts.push(w.packet(0, f.tsUs, f.data, { comment: f.comment }));
  return concat(parts);
}

/**
 * Re-writes a pcap or pcapng stream as pcapng, incrementally: push input chunks, get output
 * bytes back. Interfaces are described as they appear (pcap: one, from the file header).
 */
export class CaptureToPcapng {
  private readonly writer: PcapngWriter;
  private readonly reader: CaptureReader;
  private out: Uint8Array[] = [];
  /** Input interface key (section:id) → output interface id. */
  private ifaceMap = new Map<string, number>();
  private info: CaptureInfo | undefined;
  readonly warnings: CaptureWarning[] = [];
  frames = 0;

  constructor(section: SectionOptions = {}, private readonly extra: Partial<InterfaceOptions> = {}) {
    this.writer = new PcapngWriter(section);
    this.reader = new CaptureReader({
      frame: (f) => this.frame(f),
      warning: (w) => {
        if (this.warnings.length < 100) this.warnings.push(w);
      },
      info: (i) => {
        this.info = i;
      },
    });
  }

  push(chunk: Uint8Array): Uint8Array {
    this.reader.push(chunk);
    return this.drain();
  }

  end(): Uint8Array {
    this.reader.end();
    return this.drain();
  }

  private drain(): Uint8Array {
    if (this.out.length === 0) return new Uint8Array(0);
    const b = concat(this.out);
    this.out = [];
    return b;
  }

  private frame(f: RawFrame): void {
    const section = this.info?.interfaces.find((i) => i.id === f.interfaceId)?.section ?? 0;
    const key = `${section}:${f.interfaceId}`;
    let id = this.ifaceMap.get(key);
    if (id === undefined) {
      const src = this.info?.interfaces.find((i) => i.id === f.interfaceId && i.section === section);
      const added = this.writer.addInterface({
        linkType: f.linkType,
        snapLen: src?.snapLen,
        name: src?.name,
        description: src?.description,
        ...this.extra,
      });
      id = added.id;
      this.ifaceMap.set(key, id);
      this.out.push(added.bytes);
    }
    this.frames++;
    this.out.push(this.writer.packet(id, f.tsUs, f.data, { origLen: f.origLen, comment: f.comment }));
  }
}
