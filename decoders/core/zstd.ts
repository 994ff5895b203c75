/**
 * Zstandard (RFC 8878) decompression in plain JavaScript (the fzstd package), for platforms whose
 * runtime has none (node:zlib gains zstd only in Node 22.15). Used for HTTP `Content-Encoding:
 * zstd`, `grpc-encoding: zstd` and Kafka record batches (codec 4).
 *
 * fzstd sizes its buffers from the frame header: its window buffer is Window_Size bytes, and in a
 * Single_Segment frame that is the Frame_Content_Size, so a 20-byte header can ask for 2 GB. So
 * the frames are walked here first (§3.1.1 header, §3.1.1.2 block headers, §3.1.2 skippable
 * frames), and each is handed to its own fzstd decompressor only after:
 *  - a declared Frame_Content_Size past what is left of `max` stops with DecompressLimitError;
 *  - a Window_Size larger than what the frame may still produce (and than the 128 KiB
 *    Block_Maximum_Size) is lowered in a copy of the header: no match can reach further back than
 *    the frame's own output, which the limit keeps below `max`;
 *  - a block larger than Block_Maximum_Size (min(Window_Size, 128 KiB), §3.1.1.2.4) is corrupt.
 * Output arrives one block (≤ 128 KiB) at a time and stops with DecompressLimitError as soon as
 * the total passes `max`. Input that ends inside a frame gives the blocks before the cut (as
 * gzip's sync flush does for a body preview). Malformed input throws a plain Error. Dictionaries
 * are not supported and checksums are not verified (the bytes come from a capture).
 */
import { Decompress } from 'fzstd';
import { DecompressLimitError } from './env';
import { concatBytes, le32 } from './bytes';

const FRAME_MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 << 10;


/** Little-endian unsigned integer of n ≤ 8 bytes (exact below 2^53, which is all that matters against a limit). */
function leN(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[o + i];
  return v;
}

/** Window_Size of a Window_Descriptor byte (§3.1.1.1.2). */
function windowSizeOf(desc: number): number {
  const base = 2 ** (10 + (desc >> 3));
  return base + (base / 8) * (desc & 7);
}

/** The smallest Window_Descriptor whose Window_Size is at least `size`. */
function descriptorFor(size: number): number {
  for (let d = 0; d < 256; d++) if (windowSizeOf(d) >= size) return d;
  return 255;
}

interface FrameHeader {
  /** Offset of the Window_Descriptor byte, or -1 (Single_Segment). */
  windowAt: number;
  windowSize: number;
  /** Frame_Content_Size, when declared. */
  contentSize?: number;
  checksum: boolean;
  /** Offset of the first block header. */
  blocksAt: number;
}

/** Frame_Header at `o` (the magic number already checked); undefined when the input ends inside it. */
function readHeader(src: Uint8Array, o: number): FrameHeader | undefined {
  if (o + 5 > src.length) return undefined;
  const fhd = src[o + 4];
  if (fhd & 0x08) throw new Error('zstd frame header: reserved bit set');
  const fcsFlag = fhd >> 6;
  const single = (fhd & 0x20) !== 0;
  const dictBytes = [0, 1, 2, 4][fhd & 3];
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag];
  let p = o + 5;
  const windowAt = single ? -1 : p;
  if (!single) p++;
  const end = p + dictBytes + fcsBytes;
  if (end > src.length) return undefined;
  const dictId = leN(src, p, dictBytes);
  if (dictId !== 0) throw new Error(`zstd frame needs dictionary ${dictId}: not available`);
  p += dictBytes;
  let contentSize: number | undefined;
  if (fcsBytes) contentSize = leN(src, p, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
  const windowSize = single ? (contentSize ?? 0) : windowSizeOf(src[windowAt]);
  return { windowAt, windowSize, contentSize, checksum: (fhd & 0x04) !== 0, blocksAt: end };
}

/** Where the frame's blocks end (after Last_Block, before any checksum), or the end of the last whole block when the input is cut. */
function walkBlocks(src: Uint8Array, h: FrameHeader): { end: number; lastHeader: number; complete: boolean } {
  const blockMax = Math.min(h.windowSize, BLOCK_MAX);
  let o = h.blocksAt;
  let lastHeader = -1;
  for (;;) {
    if (o + 3 > src.length) return { end: o, lastHeader, complete: false };
    const bh = src[o] | (src[o + 1] << 8) | (src[o + 2] << 16);
    const type = (bh >> 1) & 3;
    const size = bh >>> 3;
    if (type === 3) throw new Error('zstd block of the reserved type 3');
    if (size > blockMax) throw new Error(`zstd block of ${size} bytes is larger than the ${blockMax}-byte maximum`);
    const next = o + 3 + (type === 1 ? 1 : size);
    if (next > src.length) return { end: o, lastHeader, complete: false };
    lastHeader = o;
    o = next;
    if (bh & 1) return { end: o, lastHeader, complete: true };
  }
}

/** Decompress zstd data (one or more frames, skippable frames skipped), at most `max` bytes. */
export function zstdDecompress(src: Uint8Array, max: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let o = 0;
  if (src.length === 0) throw new Error('no zstd frame');
  while (o < src.length) {
    if (o + 4 > src.length) throw new Error('zstd data ends inside a magic number');
    const magic = le32(src, o);
    if (magic >>> 4 === 0x184d2a5) {
      // Skippable frame (§3.1.2): magic 0x184D2A5?, a 4-byte size, that many bytes of user data.
      if (o + 8 > src.length) throw new Error('zstd skippable frame cut short');
      const next = o + 8 + le32(src, o + 4);
      if (next > src.length) throw new Error('zstd skippable frame runs past the end of the input');
      o = next;
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Error(`not a zstd frame (magic number ${magic.toString(16).padStart(8, '0')})`);
    const h = readHeader(src, o);
    if (!h) throw new Error('zstd frame header cut short');
    const room = max - total;
    if (h.contentSize !== undefined && h.contentSize > room) throw new DecompressLimitError(max);
    const blocks = walkBlocks(src, h);
    // The frame as fzstd gets it: through its checksum when that is all there.
    const checksumEnd = blocks.end + (h.checksum ? 4 : 0);
    const whole = blocks.complete && checksumEnd <= src.length;
    let frame = src.subarray(o, whole ? checksumEnd : blocks.end);
    const window = Math.max(room, BLOCK_MAX);
    const lower = h.windowAt >= 0 && h.windowSize > window;
    if (lower || !whole) {
      frame = frame.slice();
      if (lower) frame[h.windowAt - o] = descriptorFor(window);
    }
    if (!whole) {
      // Cut short: end the frame at its last whole block, without a checksum.
      if (blocks.lastHeader < 0) {
        if (total === 0) throw new Error('zstd frame cut short before its first block');
        break;
      }
      frame[4] &= ~0x04;
      frame[blocks.lastHeader - o] |= 1;
    }
    const z = new Decompress((chunk) => {
      if (!chunk.length) return;
      total += chunk.length;
      if (total > max) throw new DecompressLimitError(max);
      parts.push(chunk);
    });
    z.push(frame, true);
    if (!whole) break;
    o = checksumEnd;
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}
