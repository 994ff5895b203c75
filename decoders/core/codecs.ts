/**
 * Snappy and LZ4 decompression in plain TypeScript, for platforms that inject no codec (Node has
 * neither). Kafka record batches use the snappy raw block format (format_description.txt in
 * google/snappy), optionally in xerial framing (handled by the caller), and the LZ4 frame format
 * (lz4_Frame_format.md, blocks as in lz4_Block_format.md); gRPC's `snappy` grpc-encoding is the
 * snappy framing format (framing_format.txt: what golang/snappy's writer makes), `lz4` the LZ4 frame. Both stop with DecompressLimitError past
 * `max` output bytes and throw a plain Error on malformed input; nothing is checksummed (the bytes
 * come from a capture, and a wrong result shows anyway).
 */
import { DecompressLimitError } from './env';
import { concatBytes, le32 } from './bytes';

/** A byte buffer that grows up to `max`. */
class Out {
  buf: Uint8Array;
  n = 0;
  constructor(
    hint: number,
    private readonly max: number,
  ) {
    this.buf = new Uint8Array(Math.max(64, Math.min(hint, max)));
  }
  private room(k: number): void {
    if (this.n + k > this.max) throw new DecompressLimitError(this.max);
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.min(this.max, Math.max(this.n + k, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  literal(src: Uint8Array, from: number, len: number): void {
    if (from + len > src.length) throw new Error('literal runs past the end of the input');
    this.room(len);
    this.buf.set(src.subarray(from, from + len), this.n);
    this.n += len;
  }
  /** Copy `len` bytes from `offset` back; overlapping copies repeat the pattern. */
  copy(offset: number, len: number): void {
    if (offset <= 0 || offset > this.n) throw new Error(`copy offset ${offset} outside the output`);
    this.room(len);
    const b = this.buf;
    let s = this.n - offset;
    for (let i = 0; i < len; i++) b[this.n++] = b[s++];
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Snappy raw block: varint uncompressed length, then literal and copy elements. */
export function snappyDecompress(src: Uint8Array, max: number): Uint8Array {
  let o = 0;
  let want = 0;
  for (let shift = 0; ; shift += 7) {
    if (o >= src.length || shift > 28) throw new Error('bad snappy length preamble');
    const c = src[o++];
    want += (c & 0x7f) * 2 ** shift;
    if (!(c & 0x80)) break;
  }
  if (want > max) throw new DecompressLimitError(max);
  const out = new Out(want, max);
  while (o < src.length) {
    const tag = src[o++];
    switch (tag & 3) {
      case 0: {
        let len = tag >> 2;
        if (len >= 60) {
          const k = len - 59;
          if (o + k > src.length) throw new Error('snappy literal length runs past the end');
          len = 0;
          for (let i = 0; i < k; i++) len += src[o + i] * 2 ** (8 * i);
          o += k;
        }
        out.literal(src, o, len + 1);
        o += len + 1;
        break;
      }
      case 1:
        if (o >= src.length) throw new Error('snappy copy runs past the end');
        out.copy(((tag >> 5) << 8) | src[o++], ((tag >> 2) & 7) + 4);
        break;
      case 2:
        if (o + 2 > src.length) throw new Error('snappy copy runs past the end');
        out.copy(src[o] | (src[o + 1] << 8), (tag >> 2) + 1);
        o += 2;
        break;
      default:
        if (o + 4 > src.length) throw new Error('snappy copy runs past the end');
        out.copy((src[o] | (src[o + 1] << 8) | (src[o + 2] << 16)) + src[o + 3] * 2 ** 24, (tag >> 2) + 1);
        o += 4;
    }
  }
  if (out.n !== want) throw new Error(`snappy output is ${out.n} bytes, the preamble says ${want}`);
  return out.result();
}


/** One LZ4 block (sequences of literals and matches) appended to `out`. */
function lz4Block(src: Uint8Array, from: number, end: number, out: Out): void {
  let o = from;
  while (o < end) {
    const token = src[o++];
    let lit = token >> 4;
    if (lit === 15) {
      for (;;) {
        if (o >= end) throw new Error('lz4 literal length runs past the block');
        const c = src[o++];
        lit += c;
        if (c !== 255) break;
      }
    }
    if (o + lit > end) throw new Error('lz4 literals run past the block');
    out.literal(src, o, lit);
    o += lit;
    if (o >= end) return; // the last sequence has literals only
    if (o + 2 > end) throw new Error('lz4 match offset runs past the block');
    const offset = src[o] | (src[o + 1] << 8);
    o += 2;
    let len = token & 15;
    if (len === 15) {
      for (;;) {
        if (o >= end) throw new Error('lz4 match length runs past the block');
        const c = src[o++];
        len += c;
        if (c !== 255) break;
      }
    }
    out.copy(offset, len + 4);
  }
}

/** LZ4 frame: magic 0x184D2204, frame descriptor, blocks until an end mark (concatenated frames too). */
export function lz4FrameDecompress(src: Uint8Array, max: number): Uint8Array {
  const out = new Out(src.length * 4, max);
  let o = 0;
  while (o < src.length) {
    if (o + 7 > src.length || le32(src, o) !== 0x184d2204) throw new Error('not an LZ4 frame (magic number)');
    const flg = src[o + 4];
    if (flg >> 6 !== 1) throw new Error(`LZ4 frame version ${flg >> 6}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    o += 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1; // FLG BD [size] [dict] HC
    for (;;) {
      if (o + 4 > src.length) throw new Error('LZ4 frame ends without an end mark');
      const word = le32(src, o);
      o += 4;
      if (word === 0) break;
      const size = word % 2 ** 31;
      const stored = word >= 2 ** 31;
      if (o + size > src.length) throw new Error('LZ4 block runs past the end of the input');
      if (stored) out.literal(src, o, size);
      else lz4Block(src, o, o + size, out);
      o += size + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) o += 4;
  }
  return out.result();
}

const SNAPPY_STREAM_ID = [0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]; // "sNaPpY"

/** Does `src` start with the snappy framing format's stream identifier chunk? */
export function isSnappyFramed(src: Uint8Array): boolean {
  return src.length >= 10 && src[0] === 0xff && src[1] === 6 && src[2] === 0 && src[3] === 0 && SNAPPY_STREAM_ID.every((v, i) => src[4 + i] === v);
}

/**
 * Snappy framing format (framing_format.txt §4): chunks of a type byte and a 3-byte little-endian
 * length; 0x00 a compressed chunk (4-byte masked CRC-32C, then a raw block), 0x01 uncompressed
 * (CRC, then the bytes), 0xff the stream identifier (again at any concatenation), 0x80–0xfe
 * skippable, 0x02–0x7f reserved and unskippable: an error. CRCs are not checked.
 */
export function snappyFramedDecompress(src: Uint8Array, max: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let o = 0;
  while (o < src.length) {
    if (o + 4 > src.length) throw new Error('snappy frame: chunk header cut short');
    const type = src[o];
    const len = src[o + 1] | (src[o + 2] << 8) | (src[o + 3] << 16);
    const body = o + 4;
    if (body + len > src.length) throw new Error('snappy frame: chunk runs past the end of the input');
    if (type === 0x00 || type === 0x01) {
      if (len < 4) throw new Error('snappy frame: chunk without its checksum');
      const data = type === 0x00 ? snappyDecompress(src.subarray(body + 4, body + len), max - total) : src.subarray(body + 4, body + len);
      total += data.length;
      if (total > max) throw new DecompressLimitError(max);
      parts.push(data);
    } else if (type < 0x80) throw new Error(`snappy frame: reserved unskippable chunk type 0x${type.toString(16)}`);
    o = body + len;
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}
