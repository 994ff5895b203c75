/**
 * Where each frame's bytes sit in the capture file, so the Bytes tab can show a call's packets
 * as they were on the wire without keeping them in memory. Columnar, in chunks of 65,536 frames
 * (indexed by frame number − 1): per chunk, the file offset of its first frame and each frame's
 * offset from it (Uint32Array; a Float64Array of plain offsets for a chunk spanning 4 GiB or more)
 * and captured length (Uint32Array), 8 bytes a frame. Chunks are never copied to grow: one
 * array that doubled kept up to twice what it held, and copied all of it each time (on the
 * 527 MB bench capture, 1.4 M frames: 24 MiB of capacity, 36 MiB while doubling, 40 MiB while
 * trimming it for the host). Link types are one number for the whole file, plus a Uint16Array per
 * chunk only where a pcapng mixes link types.
 *
 * Built in the decoding worker, handed to the host once at the end as ArrayBuffers. Readers here
 * use positional reads (`FileHandle.read` at an offset), never the whole file. Gzip-compressed
 * captures have no random access: the worker does not build an index for them.
 */
import { open } from 'node:fs/promises';
import { NetDecoder } from '../../decoders/net/decode';
import type { RawFrame } from '../../decoders/capture/types';
import type { Endpoint } from '../../decoders/core/model';

/** One chunk as it crosses threads (the buffers are transferred, not copied). */
export interface FrameChunkData {
  /** Index of its first frame (frame number − 1). */
  first: number;
  base: number;
  /** Uint32 offsets from `base`, or (`wide`) Float64 file offsets. */
  offsets: ArrayBuffer;
  wide: boolean;
  lengths: ArrayBuffer;
  linkTypes?: ArrayBuffer;
}

/** What crosses from the worker to the host. */
export interface FrameIndexData {
  count: number;
  /** log2 of the frames a chunk holds. */
  chunkBits: number;
  linkType: number;
  chunks: FrameChunkData[];
}

/** Not recorded: in a narrow chunk, and in a wide one. */
const NO_FRAME = 0xffffffff;
const NO_FRAME_WIDE = -1;

interface Chunk {
  base: number;
  offsets: Uint32Array | Float64Array;
  wide: boolean;
  lengths: Uint32Array;
  linkTypes?: Uint16Array;
}

export class FrameIndex {
  private chunks: Array<Chunk | undefined> = [];
  private readonly bits: number;
  private linkType = -1;
  /** Highest frame number recorded. */
  count = 0;

  /** `chunkBits`: log2 of the frames a chunk holds (tests use small chunks). */
  constructor(chunkBits = 16) {
    this.bits = chunkBits;
  }

  /** Record one frame (frame numbers are 1-based). */
  add(frame: number, fileOffset: number, capLen: number, linkType: number): void {
    const i = frame - 1;
    if (i < 0 || fileOffset < 0) return;
    const size = 1 << this.bits;
    const c = this.chunks[i >>> this.bits] ?? this.newChunk(i >>> this.bits, fileOffset, size);
    const k = i & (size - 1);
    if (c.wide) c.offsets[k] = fileOffset;
    else {
      const rel = fileOffset - c.base;
      if (rel >= 0 && rel < NO_FRAME) c.offsets[k] = rel;
      else {
        // Before the chunk's first frame, or 4 GiB past it: plain offsets for this chunk.
        const wide = new Float64Array(size).fill(NO_FRAME_WIDE);
        for (let j = 0; j < size; j++) if (c.offsets[j] !== NO_FRAME) wide[j] = c.base + c.offsets[j];
        wide[k] = fileOffset;
        c.offsets = wide;
        c.wide = true;
      }
    }
    c.lengths[k] = capLen;
    if (this.linkType < 0) this.linkType = linkType;
    if (linkType !== this.linkType && !c.linkTypes) c.linkTypes = new Uint16Array(size).fill(this.linkType);
    if (c.linkTypes) c.linkTypes[k] = linkType;
    if (frame > this.count) this.count = frame;
  }

  private newChunk(n: number, base: number, size: number): Chunk {
    const c: Chunk = { base, offsets: new Uint32Array(size).fill(NO_FRAME), wide: false, lengths: new Uint32Array(size) };
    this.chunks[n] = c;
    return c;
  }

  /** The `frame` callback of `analyzeFile`. */
  readonly onFrame = (f: RawFrame): void => this.add(f.frame, f.fileOffset, f.capLen, f.linkType);

  /** Where frame `n` is, or undefined when it was not recorded. */
  get(frame: number): { offset: number; length: number; linkType: number } | undefined {
    const i = frame - 1;
    if (i < 0 || i >= this.count) return undefined;
    const c = this.chunks[i >>> this.bits];
    if (!c) return undefined;
    const k = i & ((1 << this.bits) - 1);
    const o = c.offsets[k];
    if (k >= c.lengths.length || (c.wide ? o === NO_FRAME_WIDE : o === NO_FRAME)) return undefined;
    return { offset: c.wide ? o : c.base + o, length: c.lengths[k], linkType: c.linkTypes ? c.linkTypes[k] : this.linkType };
  }

  /** Memory held by the columns, in bytes. */
  get byteSize(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n += c.offsets.byteLength + c.lengths.byteLength + (c.linkTypes?.byteLength ?? 0);
    return n;
  }

  /**
   * The chunks, ready to transfer to another thread (the last one trimmed to the frames recorded).
   * The buffers themselves go: once they are transferred this index reads as empty (the worker
   * calls this once, at the end of its decoding).
   */
  toData(): { data: FrameIndexData; transfer: ArrayBuffer[] } {
    const chunks: FrameChunkData[] = [];
    const transfer: ArrayBuffer[] = [];
    const lastIndex = (this.count - 1) >>> this.bits;
    this.chunks.forEach((c, n) => {
      if (!c) return;
      const first = n << this.bits;
      const keep = n === lastIndex ? this.count - first : c.lengths.length;
      const cut = <T extends Uint32Array | Float64Array | Uint16Array>(a: T): ArrayBuffer => (keep < a.length ? a.slice(0, keep) : a).buffer as ArrayBuffer;
      const d: FrameChunkData = { first, base: c.base, offsets: cut(c.offsets), wide: c.wide, lengths: cut(c.lengths), ...(c.linkTypes ? { linkTypes: cut(c.linkTypes) } : {}) };
      chunks.push(d);
      transfer.push(d.offsets, d.lengths, ...(d.linkTypes ? [d.linkTypes] : []));
    });
    return { data: { count: this.count, chunkBits: this.bits, linkType: this.linkType, chunks }, transfer };
  }

  static fromData(d: FrameIndexData): FrameIndex {
    const x = new FrameIndex(d.chunkBits);
    for (const c of d.chunks) {
      x.chunks[c.first >>> x.bits] = {
        base: c.base,
        offsets: c.wide ? new Float64Array(c.offsets) : new Uint32Array(c.offsets),
        wide: c.wide,
        lengths: new Uint32Array(c.lengths),
        ...(c.linkTypes ? { linkTypes: new Uint16Array(c.linkTypes) } : {}),
      };
    }
    x.linkType = d.linkType;
    x.count = d.count;
    return x;
  }
}

/** One frame of a call, read back from the file. */
export interface FrameBytes {
  frame: number;
  bytes: Uint8Array;
  linkType: number;
  /** Where the TCP/UDP payload starts in `bytes`, or -1 when the headers did not parse. */
  payloadStart: number;
  src?: string;
  srcPort?: number;
}

/** Read the given frames from the capture file at their recorded offsets. */
export async function readFrames(path: string, index: FrameIndex, frames: readonly number[]): Promise<FrameBytes[]> {
  const out: FrameBytes[] = [];
  const fh = await open(path, 'r');
  try {
    for (const frame of frames) {
      const at = index.get(frame);
      if (!at) continue;
      const bytes = new Uint8Array(at.length);
      const { bytesRead } = await fh.read(bytes, 0, at.length, at.offset);
      const b = bytesRead < at.length ? bytes.subarray(0, bytesRead) : bytes;
      out.push({ frame, bytes: b, linkType: at.linkType, ...transportOf(frame, b, at.linkType) });
    }
  } finally {
    await fh.close();
  }
  return out;
}

/** Source address and payload offset of one frame, parsed by the same network layer as the decoders. */
export function transportOf(frame: number, data: Uint8Array, linkType: number): { payloadStart: number; src?: string; srcPort?: number } {
  let found: { payloadStart: number; src?: string; srcPort?: number } = { payloadStart: -1 };
  const net = new NetDecoder({
    packet(p) {
      found = { payloadStart: p.fileOffset >= 0 ? p.fileOffset : -1, src: p.src, srcPort: p.srcPort };
    },
    warning() {},
  });
  const raw: RawFrame = { frame, linkType, tsUs: 0, capLen: data.length, origLen: data.length, data, fileOffset: 0, interfaceId: 0 };
  net.frame(raw);
  return found;
}

export interface SideBytes {
  bytes: Uint8Array;
  segments: { frame: number; offset: number; length: number; payloadOffset?: number }[];
  truncated: boolean;
}

/**
 * The frames of one side of a call, concatenated: the request side is what the client sent, the
 * response side what the server sent (frames whose headers do not parse are left out). At most
 * `maxBytes`, in whole frames; the rest is cut.
 */
export function sideBytes(frames: FrameBytes[], part: 'request' | 'response', client: Endpoint, server: Endpoint, maxBytes = 1 << 20): SideBytes {
  const isFrom = (f: FrameBytes, e: Endpoint) => f.src === e.ip && f.srcPort === e.port;
  const seen = new Set<number>();
  const chosen = frames.filter((f) => {
    if (seen.has(f.frame)) return false;
    seen.add(f.frame);
    return isFrom(f, part === 'request' ? client : server);
  });
  const segments: SideBytes['segments'] = [];
  let total = 0;
  let truncated = false;
  for (const f of chosen) {
    if (total + f.bytes.length > maxBytes) {
      truncated = true;
      break;
    }
    segments.push({ frame: f.frame, offset: total, length: f.bytes.length, ...(f.payloadStart >= 0 ? { payloadOffset: total + f.payloadStart } : {}) });
    total += f.bytes.length;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const f of chosen.slice(0, segments.length)) {
    bytes.set(f.bytes, at);
    at += f.bytes.length;
  }
  return { bytes, segments, truncated };
}
