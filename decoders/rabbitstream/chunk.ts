/**
 * The Osiris chunk a Deliver carries (PROTOCOL.adoc "Deliver"; the chunk layout of rabbitmq/osiris
 * osiris_log.erl): magic and version (one byte, 0x5 and the version in its nibbles), chunk type
 * (0 user, 1 tracking delta, 2 tracking snapshot), entries (uint16), records (uint32), timestamp
 * (int64 ms), epoch (uint64), first offset (uint64: the chunk id), CRC (uint32), data length,
 * trailer length (uint32), bloom filter size (uint8) and 3 reserved bytes — 48 bytes — then the
 * bloom filter, then the entries (their CRC-32 checked against the header's): simple (top bit 0: a 31-bit size and the message) or sub-batch
 * (top bit 1: see message.ts). The broker sends the data, not the trailer.
 */
import { be32 } from '../core/bytes';
import type { DecoderEnv } from '../core/env';
import { Reader, StreamError } from './protocol';
import { readSubBatch, type SubBatch } from './message';

export const CHUNK_HEADER = 48;
export const CHUNK_TYPES = ['user', 'tracking delta', 'tracking snapshot'];
const MAX_ENTRIES = 65535;

export interface ChunkEntry {
  /** Offset of the entry's first record. */
  offset: number | string;
  /** A simple entry's message. */
  message?: Uint8Array;
  subBatch?: SubBatch;
  /** Bytes of the entry on the wire (header included). */
  size: number;
}

export interface Chunk {
  magic: number;
  version: number;
  type: string;
  entries: number;
  records: number;
  timestamp: number | string;
  epoch: number | string;
  firstOffset: number | string;
  crc: number;
  dataLength: number;
  trailerLength: number;
  bloomSize: number;
  read: ChunkEntry[];
  warnings: string[];
}

let CRC_TABLE: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, as zlib and Erlang's crc32 compute it): the chunk's data CRC. */
export function crc32(b: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Add `n` to a 64-bit offset kept as a number or as digits. */
export function addOffset(base: number | string, n: number): number | string {
  if (typeof base === 'number' && Number.isSafeInteger(base + n)) return base + n;
  const v = BigInt(base) + BigInt(n);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The chunk at the reader's position (to the end of the frame). Throws StreamError when the header is cut. */
export function readChunk(r: Reader, env: DecoderEnv): Chunk {
  r.need(CHUNK_HEADER, 'chunk header');
  const mv = r.u8();
  const c: Chunk = {
    magic: mv >> 4,
    version: mv & 0x0f,
    type: '',
    entries: 0,
    records: 0,
    timestamp: 0,
    epoch: 0,
    firstOffset: 0,
    crc: 0,
    dataLength: 0,
    trailerLength: 0,
    bloomSize: 0,
    read: [],
    warnings: [],
  };
  const type = r.u8();
  c.type = CHUNK_TYPES[type] ?? `type ${type}`;
  c.entries = r.u16();
  c.records = r.u32();
  c.timestamp = r.u64('timestamp', true);
  c.epoch = r.u64('epoch');
  c.firstOffset = r.u64('chunk first offset');
  c.crc = r.u32();
  c.dataLength = r.u32();
  c.trailerLength = r.u32();
  c.bloomSize = r.u8();
  r.o += 3;
  if (c.magic !== 5) c.warnings.push(`chunk magic ${c.magic}, not 5`);
  if (c.bloomSize > r.left) throw new StreamError(`bloom filter of ${c.bloomSize} bytes runs past the end of the frame`);
  r.o += c.bloomSize;
  const dataEnd = r.o + Math.min(c.dataLength, r.left);
  if (c.dataLength > r.left) c.warnings.push(`chunk data of ${c.dataLength} bytes, ${r.left} in the frame`);
  else {
    const crc = crc32(r.b.subarray(r.o, dataEnd));
    if (crc !== c.crc) c.warnings.push(`chunk CRC 0x${c.crc.toString(16).padStart(8, '0')} does not match its data (0x${crc.toString(16).padStart(8, '0')})`);
  }
  if (type !== 0) {
    r.o = dataEnd;
    return c;
  }
  const b = r.b.subarray(0, dataEnd);
  let o = r.o;
  let records = 0;
  for (let i = 0; i < c.entries && i < MAX_ENTRIES; i++) {
    if (o >= dataEnd) {
      c.warnings.push(`chunk says ${c.entries} entries, its data holds ${i}`);
      break;
    }
    const offset = addOffset(c.firstOffset, records);
    if (b[o] & 0x80) {
      const sb = readSubBatch(b, o, env);
      if (typeof sb === 'string') {
        c.warnings.push(`entry ${i}: ${sb}`);
        break;
      }
      c.read.push({ offset, subBatch: sb.entry, size: sb.size });
      records += sb.entry.records;
      o += sb.size;
    } else {
      if (dataEnd - o < 4) {
        c.warnings.push(`entry ${i}: its size runs past the end of the chunk data`);
        break;
      }
      const n = be32(b, o) & 0x7fffffff;
      if (n > dataEnd - o - 4) {
        c.warnings.push(`entry ${i} of ${n} bytes runs past the end of the chunk data (${dataEnd - o - 4} left)`);
        break;
      }
      c.read.push({ offset, message: b.subarray(o + 4, o + 4 + n), size: 4 + n });
      records += 1;
      o += 4 + n;
    }
  }
  if (c.read.length === c.entries && o < dataEnd) c.warnings.push(`${dataEnd - o} bytes after the chunk's ${c.entries} entries`);
  if (c.read.length === c.entries && records !== c.records) c.warnings.push(`chunk says ${c.records} records, its entries hold ${records}`);
  r.o = dataEnd;
  return c;
}
