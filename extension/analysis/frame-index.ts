/**
 * Where each frame's bytes sit in the capture file, so the Bytes tab can show a call's packets
 * as they were on the wire without keeping them in memory. Columnar: a Float64Array of file
 * offsets (files may exceed 4 GiB) and a Uint32Array of captured lengths, 12 bytes per frame,
 * indexed by frame number − 1 and grown by doubling. Link types are one number for the whole
 * file, plus a Uint16Array per frame only when a pcapng mixes link types.
 *
 * Built in the decoding worker, handed to the host once at the end as ArrayBuffers. Readers here
 * use positional reads (`FileHandle.read` at an offset), never the whole file. Gzip-compressed
 * captures have no random access: the worker does not build an index for them.
 */
import { open } from 'node:fs/promises';
import { NetDecoder } from '../../decoders/net/decode';
import type { RawFrame } from '../../decoders/capture/types';
import type { Endpoint } from '../../decoders/core/model';

/** What crosses from the worker to the host (the buffers are transferred, not copied). */
export interface FrameIndexData {
  count: number;
  offsets: ArrayBuffer;
  lengths: ArrayBuffer;
  linkType: number;
  /** Present only when link types differ between frames. */
  linkTypes?: ArrayBuffer;
}

const NO_FRAME = -1;

export class FrameIndex {
  private offsets: Float64Array;
  private lengths: Uint32Array;
  private linkTypes?: Uint16Array;
  private linkType = -1;
  /** Highest frame number recorded. */
  count = 0;

  constructor(capacity = 1024) {
    this.offsets = new Float64Array(capacity).fill(NO_FRAME);
    this.lengths = new Uint32Array(capacity);
  }

  /** Record one frame (frame numbers are 1-based). */
  add(frame: number, fileOffset: number, capLen: number, linkType: number): void {
    const i = frame - 1;
    if (i < 0 || fileOffset < 0) return;
    if (i >= this.offsets.length) this.grow(i + 1);
    this.offsets[i] = fileOffset;
    this.lengths[i] = capLen;
    if (this.linkType < 0) this.linkType = linkType;
    if (linkType !== this.linkType && !this.linkTypes) {
      this.linkTypes = new Uint16Array(this.offsets.length).fill(this.linkType);
    }
    if (this.linkTypes) this.linkTypes[i] = linkType;
    if (frame > this.count) this.count = frame;
  }

  /** The `frame` callback of `analyzeFile`. */
  readonly onFrame = (f: RawFrame): void => this.add(f.frame, f.fileOffset, f.capLen, f.linkType);

  private grow(min: number): void {
    let cap = this.offsets.length || 1;
    while (cap < min) cap *= 2;
    const o = new Float64Array(cap).fill(NO_FRAME);
    o.set(this.offsets);
    const l = new Uint32Array(cap);
    l.set(this.lengths);
    this.offsets = o;
    this.lengths = l;
    if (this.linkTypes) {
      const t = new Uint16Array(cap).fill(this.linkType);
      t.set(this.linkTypes);
      this.linkTypes = t;
    }
  }

  /** Where frame `n` is, or undefined when it was not recorded. */
  get(frame: number): { offset: number; length: number; linkType: number } | undefined {
    const i = frame - 1;
    if (i < 0 || i >= this.count || this.offsets[i] === NO_FRAME) return undefined;
    return { offset: this.offsets[i], length: this.lengths[i], linkType: this.linkTypes ? this.linkTypes[i] : this.linkType };
  }

  /** Memory held by the columns, in bytes. */
  get byteSize(): number {
    return this.offsets.byteLength + this.lengths.byteLength + (this.linkTypes?.byteLength ?? 0);
  }

  /** Trimmed copies of the columns, ready to transfer to another thread. */
  toData(): { data: FrameIndexData; transfer: ArrayBuffer[] } {
    const n = this.count;
    const offsets = this.offsets.slice(0, n).buffer as ArrayBuffer;
    const lengths = this.lengths.slice(0, n).buffer as ArrayBuffer;
    const linkTypes = this.linkTypes ? (this.linkTypes.slice(0, n).buffer as ArrayBuffer) : undefined;
    const data: FrameIndexData = { count: n, offsets, lengths, linkType: this.linkType, ...(linkTypes ? { linkTypes } : {}) };
    return { data, transfer: linkTypes ? [offsets, lengths, linkTypes] : [offsets, lengths] };
  }

  static fromData(d: FrameIndexData): FrameIndex {
    const x = new FrameIndex(0);
    x.offsets = new Float64Array(d.offsets);
    x.lengths = new Uint32Array(d.lengths);
    x.linkTypes = d.linkTypes ? new Uint16Array(d.linkTypes) : undefined;
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
