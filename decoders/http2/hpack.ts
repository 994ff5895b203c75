/**
 * HPACK header decompression (RFC 7541), written here rather than taken from hpack.js:
 * hpack.js is built on Node's Buffer and stream-style internals (not platform-neutral), keeps
 * no bound on the decoded header list or string lengths, and offers no way to keep going after
 * a table it never saw the start of (mid-connection captures). This decoder is pure, bounded
 * and keeps one dynamic table per direction.
 *
 * Mid-connection ("partial") mode: when the capture started after the connection did, the
 * dynamic table holds entries we never saw. Entries inserted since the capture started are
 * still the newest ones, so their indices are right; a reference past them names an entry
 * from before the capture and decodes to a placeholder instead of failing.
 *
 * The same mode takes over after a header block was lost or cut by a gap in the capture (packet
 * loss, a snaplen such as `tcpdump -s 128`): the insertions it made are unknown, so every index
 * into the dynamic table is shifted by an unknown amount. `resetPartial` forgets the table and
 * carries on: static-table fields, literals and entries inserted after the gap still decode.
 */
import type { HeaderList } from '../core/model';
import { latin1Text, utf8Strict } from '../core/bytes';

/** RFC 7541 Appendix A: the static table (index 1..61). */
const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/**
 * RFC 7541 Appendix B as code lengths: the HPACK Huffman code is canonical (codes of one
 * length are consecutive, in symbol order), so the lengths of symbols 0..256 (256 = EOS)
 * define it. One letter per symbol: 'A' = 5 bits … 'Z' = 30 bits.
 */
const HUFFMAN_LENGTHS =
  'ISXXXXXXXTZXXZXXXXXXXXZXXXXXXXXXBFFHIBDGFFDGDBBBAAABBBBBBBCDKBHFIBCCCCCCCCCCCCCCCCCCCCCCDCDIOIJBKABABABBBACCBBBABCBAABCCCCCKGJIXPRPPRRRSRSSSSSTSTTRSTSSSSQRSRSSTRQPRRSSQSRRTQRSSQQRQSRSSPRRRSRRSVVPORSRUVVVWWVTUOQVWWVWTQQVVXWWWPTPQRQQSRRUUTTVSVWVVWWWWWXWWWWWVZZ';

interface HuffmanTables {
  /** Per code length: first code, index into `symbols` of that first code, count. */
  firstCode: Int32Array;
  firstIndex: Int32Array;
  count: Int32Array;
  symbols: Uint16Array;
}

const HUFFMAN: HuffmanTables = (() => {
  const lengths = Array.from(HUFFMAN_LENGTHS, (c) => c.charCodeAt(0) - 65 + 5);
  const symbols = Uint16Array.from(
    lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b),
  );
  const firstCode = new Int32Array(31).fill(-1);
  const firstIndex = new Int32Array(31);
  const count = new Int32Array(31);
  let code = 0;
  let prevLen = lengths[symbols[0]];
  for (let i = 0; i < symbols.length; i++) {
    const len = lengths[symbols[i]];
    code <<= len - prevLen;
    prevLen = len;
    if (count[len] === 0) {
      firstCode[len] = code;
      firstIndex[len] = i;
    }
    count[len]++;
    code++;
  }
  return { firstCode, firstIndex, count, symbols };
})();

/**
 * The same code as a state machine read four bits at a time (what most HPACK decoders do; bit by
 * bit was the costly part of a header block). States are the inner nodes of the code tree (0 is
 * the root; 256 of them for 257 symbols). HUFFMAN_FSM[state * 16 + nibble] packs the state after
 * the nibble (bits 0–7), the symbol it completed (bits 8–15, with FSM_EMIT: codes are at least 5
 * bits long, so a nibble completes at most one), FSM_EOS when it completed EOS, and FSM_ACCEPT
 * when the string may end there (§5.2: what is left is a prefix of EOS, all ones, under 8 bits).
 */
const FSM_EMIT = 1 << 16;
const FSM_EOS = 1 << 17;
const FSM_ACCEPT = 1 << 18;

const HUFFMAN_FSM: Int32Array = (() => {
  // Children of inner node i: > 0 an inner node, < 0 the leaf of symbol -c - 1, 0 none yet.
  const zero: number[] = [0];
  const one: number[] = [0];
  const depth: number[] = [0];
  const allOnes: boolean[] = [true];
  for (let len = 5; len <= 30; len++) {
    for (let k = 0; k < HUFFMAN.count[len]; k++) {
      const code = HUFFMAN.firstCode[len] + k;
      const sym = HUFFMAN.symbols[HUFFMAN.firstIndex[len] + k];
      let node = 0;
      for (let b = len - 1; b >= 0; b--) {
        const side = (code >>> b) & 1 ? one : zero;
        if (b === 0) {
          side[node] = -sym - 1;
          break;
        }
        if (side[node] === 0) {
          const id = zero.length;
          zero.push(0);
          one.push(0);
          depth.push(depth[node] + 1);
          allOnes.push(allOnes[node] && side === one);
          side[node] = id;
        }
        node = side[node];
      }
    }
  }
  if (zero.length !== 256) throw new Error('HPACK Huffman table: bad code lengths');
  const fsm = new Int32Array(256 * 16);
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let b = 3; b >= 0; b--) {
        const c = (nibble >> b) & 1 ? one[node] : zero[node];
        if (c >= 0) {
          node = c;
          continue;
        }
        const sym = -c - 1;
        if (sym === 256) {
          entry |= FSM_EOS;
          break;
        }
        entry |= FSM_EMIT | (sym << 8);
        node = 0;
      }
      if (depth[node] <= 7 && allOnes[node]) entry |= FSM_ACCEPT;
      fsm[state * 16 + nibble] = entry | node;
    }
  }
  return fsm;
})();

/** Output of the Huffman decoder, reused (a decoded string is read out of it at once). */
let huffmanOut = new Uint8Array(1024);

/**
 * Decode the Huffman string in src[start, end) (RFC 7541 §5.2) into `huffmanOut`; returns its
 * length. Throws HpackError on bad input.
 */
function huffmanDecodeInto(src: Uint8Array, start: number, end: number): number {
  const most = Math.ceil(((end - start) * 8) / 5);
  if (huffmanOut.length < most) huffmanOut = new Uint8Array(Math.max(most, 2 * huffmanOut.length));
  const out = huffmanOut;
  let n = 0;
  let state = 0;
  let entry = FSM_ACCEPT; // (an empty string is fine)
  for (let i = start; i < end; i++) {
    const byte = src[i];
    entry = HUFFMAN_FSM[(state << 4) | (byte >> 4)];
    if (entry & FSM_EOS) throw new HpackError('Huffman string contains EOS');
    if (entry & FSM_EMIT) out[n++] = (entry >> 8) & 0xff;
    state = entry & 0xff;
    entry = HUFFMAN_FSM[(state << 4) | (byte & 15)];
    if (entry & FSM_EOS) throw new HpackError('Huffman string contains EOS');
    if (entry & FSM_EMIT) out[n++] = (entry >> 8) & 0xff;
    state = entry & 0xff;
  }
  if (!(entry & FSM_ACCEPT)) throw new HpackError('bad Huffman padding');
  return n;
}

/** Decode an HPACK Huffman string (RFC 7541 §5.2). Throws HpackError on bad input. */
export function huffmanDecode(src: Uint8Array): Uint8Array {
  const n = huffmanDecodeInto(src, 0, src.length);
  return huffmanOut.slice(0, n);
}

export class HpackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HpackError';
  }
}

export interface HpackResult {
  headers: HeaderList;
  /** Problems that did not break the table state (oversized list, pre-capture references). */
  warnings: string[];
  /** Set when the block could not be decoded: the table state is lost from here on. */
  error?: string;
}

/** Placeholder value for a reference to a dynamic entry inserted before the capture started. */
export const UNKNOWN_ENTRY = '\u2026unknown (before capture)';

/** Per-entry overhead (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/** A table entry: [name, value, size (§4.1), name octets as sent]. */
type TableEntry = readonly [string, string, number, number];

/** The static table as entries (their sizes are never used: they are not in the dynamic table). */
const STATIC_ENTRIES: readonly TableEntry[] = STATIC_TABLE.map(([name, value]) => [name, value, 0, name.length] as const);

export class HpackDecoder {
  private entries: TableEntry[] = []; // newest first
  private size = 0;
  private maxSize: number;
  /** Largest table size the encoder may pick (SETTINGS_HEADER_TABLE_SIZE of the decoding side). */
  private settingsLimit: number;
  /** Table content from before the capture is unknown (mid-connection start). */
  partial: boolean;
  /** Set after an unrecoverable error: the table no longer matches the encoder's. */
  lost = false;
  /** Why the table content is unknown (for the warning on fields that refer to it). */
  partialReason = 'before the capture started';

  constructor(opts: { partial?: boolean; tableSize?: number } = {}) {
    this.maxSize = opts.tableSize ?? 4096;
    this.settingsLimit = this.maxSize;
    this.partial = !!opts.partial;
  }

  /**
   * The receiver of these headers advertised SETTINGS_HEADER_TABLE_SIZE. Size updates up to
   * the largest value seen are accepted (the encoder may still use the old one until the ACK).
   */
  setSettingsLimit(size: number): void {
    this.settingsLimit = Math.max(this.settingsLimit, size);
    if (size < this.maxSize) {
      // The encoder must shrink; do it now so evictions match.
      this.maxSize = size;
      this.evict();
    }
  }

  /**
   * Insertions were lost (a header block in a gap, or cut by one): forget the table and decode
   * on in partial mode. Clears `lost`.
   */
  resetPartial(reason: string): void {
    this.entries = [];
    this.size = 0;
    this.partial = true;
    this.lost = false;
    this.partialReason = reason;
  }

  get tableSize(): number {
    return this.size;
  }

  get tableEntries(): number {
    return this.entries.length;
  }

  /**
   * Decode one complete header block. `maxListBytes` bounds the kept header list (RFC 7541
   * §4.1 sizes); past it, decoding continues to keep the table in step, but headers are dropped.
   *
   * `cut`: the block is only the captured start of a longer one (the rest fell in a gap). The
   * fields it holds whole are returned, the one running past its end is not, and the table is
   * then reset (`resetPartial`): it missed the insertions of the lost part.
   */
  decode(block: Uint8Array, maxListBytes: number, maxHeaders: number, cut?: string): HpackResult {
    const headers: HeaderList = [];
    const warnings: string[] = [];
    if (this.lost) return { headers, warnings, error: 'HPACK state lost earlier on this direction' };
    let listBytes = 0;
    let dropped = 0;
    let unknownRefs = 0;
    let p = 0;
    const keep = (name: string, value: string) => {
      listBytes += name.length + value.length + ENTRY_OVERHEAD;
      if (listBytes > maxListBytes || headers.length >= maxHeaders) dropped++;
      else headers.push([name, value]);
    };
    const readInt = (prefixBits: number): number => {
      if (p >= block.length) throw new HpackError('header block ends inside an integer');
      const mask = (1 << prefixBits) - 1;
      let v = block[p++] & mask;
      if (v < mask) return v;
      let shift = 0;
      for (;;) {
        if (p >= block.length) throw new HpackError('header block ends inside an integer');
        const b = block[p++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(b & 0x80)) break;
        if (shift > 28) throw new HpackError('integer too large');
      }
      return v;
    };
    let lastLen = 0; // octets of the last string read
    const readString = (): string => {
      if (p >= block.length) throw new HpackError('header block ends before a string');
      const huffman = (block[p] & 0x80) !== 0;
      const len = readInt(7);
      if (len > block.length - p) throw new HpackError(`string length ${len} past the end of the header block`);
      let bytes: Uint8Array;
      if (huffman) {
        const n = huffmanDecodeInto(block, p, p + len);
        bytes = huffmanOut.subarray(0, n);
      } else bytes = block.subarray(p, p + len);
      p += len;
      lastLen = bytes.length;
      // A value starting with NUL is gRPC "true binary" metadata (a `-bin` header sent raw after
      // both peers set SETTINGS 0xfe03, as grpc C-core does): keep every octet as one char.
      if (bytes.length && bytes[0] === 0) return latin1Text(bytes);
      return utf8Strict(bytes) ?? latin1Text(bytes);
    };
    // The entry itself (not a copy): [name, value, size, name octets].
    const lookup = (index: number): TableEntry | undefined => {
      if (index === 0) throw new HpackError('index 0');
      if (index <= STATIC_ENTRIES.length) return STATIC_ENTRIES[index - 1];
      const d = index - STATIC_ENTRIES.length - 1;
      if (d < this.entries.length) return this.entries[d];
      if (this.partial) {
        unknownRefs++;
        return undefined;
      }
      throw new HpackError(`index ${index} out of range (table has ${this.entries.length} dynamic entries)`);
    };
    try {
      let sawField = false;
      while (p < block.length) {
        const b = block[p];
        if (b & 0x80) {
          // §6.1 indexed field
          const e = lookup(readInt(7));
          keep(e ? e[0] : UNKNOWN_ENTRY, e ? e[1] : UNKNOWN_ENTRY);
          sawField = true;
        } else if ((b & 0xc0) === 0x40) {
          // §6.2.1 literal with incremental indexing
          const idx = readInt(6);
          let name: string;
          let nameLen: number;
          if (idx) {
            const e = lookup(idx);
            name = e ? e[0] : UNKNOWN_ENTRY;
            nameLen = e ? e[3] : 0;
          } else {
            name = readString();
            nameLen = lastLen;
          }
          const value = readString();
          this.insert(name, nameLen, value, lastLen);
          keep(name, value);
          sawField = true;
        } else if ((b & 0xe0) === 0x20) {
          // §6.3 dynamic table size update: only at the start of a block
          if (sawField) throw new HpackError('table size update after a header field');
          const size = readInt(5);
          if (size > this.settingsLimit) throw new HpackError(`table size update ${size} above the limit ${this.settingsLimit}`);
          this.maxSize = size;
          this.evict();
        } else {
          // §6.2.2 without indexing / §6.2.3 never indexed (both 4-bit prefix)
          const idx = readInt(4);
          const name = idx ? (lookup(idx)?.[0] ?? UNKNOWN_ENTRY) : readString();
          const value = readString();
          keep(name, value);
          sawField = true;
        }
      }
    } catch (e) {
      if (cut === undefined) {
        this.lost = true;
        return { headers, warnings, error: e instanceof HpackError ? e.message : String(e) };
      }
      // The field running into the missing part of a cut block: expected, not an error.
    }
    if (dropped) warnings.push(`header list larger than ${maxListBytes} bytes or ${maxHeaders} fields: ${dropped} fields dropped`);
    if (unknownRefs) warnings.push(`${unknownRefs} header field(s) refer to HPACK entries added ${this.partialReason}`);
    if (cut !== undefined) this.resetPartial(cut);
    return { headers, warnings };
  }

  private insert(name: string, nameLen: number, value: string, valueLen: number): void {
    // Sizes are in octets as sent (RFC 7541 §4.1), not in decoded characters.
    const size = nameLen + valueLen + ENTRY_OVERHEAD;
    if (size > this.maxSize) {
      // §4.4: an entry larger than the table empties it.
      this.entries = [];
      this.size = 0;
      return;
    }
    this.entries.unshift([name, value, size, nameLen]);
    this.size += size;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.entries.length) {
      const e = this.entries.pop()!;
      this.size -= e[2];
    }
  }
}
