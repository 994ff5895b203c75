/**
 * Byte helpers shared by every decoder: a queue for PDUs that arrive split at any boundary
 * (Wireshark's tcp_dissect_pdus, mqtt-packet's leftover bytes), and small conversions.
 */

/**
 * A FIFO of bytes. `push` copies (callers hand views into shared buffers); `peek(n)` returns a
 * contiguous view of the first n bytes, joining chunks only when a PDU crosses them.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // bytes already consumed from chunks[0]
  private total = 0;
  private tail: Uint8Array | undefined;
  private tailEnd = 0;
  /** Buffer of views queued by `pushView` and not yet copied by `own`. */
  private borrowed: ArrayBufferLike | undefined;

  /** Bytes currently buffered. */
  get length(): number {
    return this.total;
  }

  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    // Views from pushView stay the last chunks (own() looks for them only there).
    if (this.borrowed !== undefined) this.own();
    this.total += n;
    // Small pushes (a stream fed in tiny pieces) are packed into a shared tail buffer, so the
    // chunk count — and the cost of walking chunks in indexOf/at — stays small.
    const last = this.chunks.length - 1;
    const tail = this.tail;
    if (tail && last >= 0 && this.tailEnd + n <= tail.length) {
      const c = this.chunks[last];
      if (c.buffer === tail.buffer && c.byteOffset + c.length === tail.byteOffset + this.tailEnd) {
        tail.set(bytes, this.tailEnd);
        this.tailEnd += n;
        this.chunks[last] = tail.subarray(c.byteOffset - tail.byteOffset, this.tailEnd);
        return;
      }
    }
    if (last < 0) {
      // Empty queue: the common case of a PDU consumed within the same call. An exact copy.
      this.tail = undefined;
      this.chunks.push(bytes.slice());
    } else if (n < 4096) {
      this.tail = new Uint8Array(8192);
      this.tail.set(bytes);
      this.tailEnd = n;
      this.chunks.push(this.tail.subarray(0, n));
    } else {
      this.tail = undefined;
      this.chunks.push(bytes.slice());
    }
  }

  /**
   * Queue a view *without copying it*: the caller must call `own()` before the memory behind
   * `bytes` changes (typically at the end of the call that received it). Lets a decoder parse a
   * segment in place and copy only the part it did not consume.
   */
  pushView(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.borrowed !== undefined && this.borrowed !== bytes.buffer) this.own();
    this.total += n;
    // The shared tail stays: own() re-queues what is left of the view through push, which packs it
    // there. (Forgetting it gave each small segment a chunk and an 8 KiB buffer of its own, and own()
    // walked them all: quadratic time, and memory thousands of times the bytes.)
    this.borrowed = bytes.buffer;
    this.chunks.push(bytes);
  }

  /** Copy what is still queued from `pushView` views, so the queue owns all its bytes again. */
  own(): void {
    const buf = this.borrowed;
    if (buf === undefined) return;
    this.borrowed = undefined;
    const chunks = this.chunks;
    const last = chunks.length - 1;
    // Views are queued at the end (peek joins from the front, skip drops from the front): walk back
    // over them only.
    let first = last;
    while (first > 0 && chunks[first - 1].buffer === buf) first--;
    for (let i = first; i < last; i++) chunks[i] = chunks[i].slice();
    if (last >= 0 && chunks[last].buffer === buf) {
      // The usual case: the unconsumed tail of the last segment. Re-queue it through push, which
      // packs small remainders into the shared tail buffer.
      let c = chunks.pop()!;
      if (last === 0 && this.head > 0) {
        c = c.subarray(this.head);
        this.head = 0;
      }
      this.total -= c.length;
      this.push(c);
    }
  }

  /** A contiguous view of the first `n` bytes (n ≤ length). Valid until the next mutation. */
  peek(n: number): Uint8Array {
    if (n > this.total) throw new RangeError(`peek(${n}) past ${this.total} buffered bytes`);
    const first = this.chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    // Join just enough chunks into one.
    const out = new Uint8Array(n);
    let got = 0;
    let i = 0;
    let off = this.head;
    while (got < n) {
      const c = this.chunks[i];
      const take = Math.min(c.length - off, n - got);
      out.set(c.subarray(off, off + take), got);
      got += take;
      i++;
      off = 0;
    }
    // Replace the joined chunks by the joined copy so repeated peeks are cheap.
    let consumedChunks = 0;
    let left = n + this.head;
    while (left > 0 && consumedChunks < this.chunks.length && this.chunks[consumedChunks].length <= left) {
      left -= this.chunks[consumedChunks].length;
      consumedChunks++;
    }
    const rest: Uint8Array[] = [out];
    if (left > 0) rest.push(this.chunks[consumedChunks].subarray(left)), consumedChunks++;
    this.chunks = rest.concat(this.chunks.slice(consumedChunks));
    this.head = 0;
    return out;
  }

  /** Byte at index i (i < length). */
  at(i: number): number {
    let idx = i + this.head;
    for (const c of this.chunks) {
      if (idx < c.length) return c[idx];
      idx -= c.length;
    }
    throw new RangeError(`at(${i}) past ${this.total} buffered bytes`);
  }

  /** Index of the first occurrence of `needle` at or after `from` (ending before `limit`), or -1. */
  indexOf(needle: Uint8Array | number, from = 0, limit = this.total): number {
    const first = typeof needle === 'number' ? needle : needle[0];
    const patLen = typeof needle === 'number' ? 1 : needle.length;
    const end = Math.min(limit, this.total);
    if (patLen === 0) return from;
    // Walk the chunks without joining them; the native indexOf finds candidates.
    let base = -this.head;
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci];
      let j = Math.max(0, from - base);
      while (j < c.length) {
        const hit = c.indexOf(first, j);
        if (hit < 0) break;
        const pos = base + hit;
        if (pos + patLen > end) return -1;
        if (patLen === 1 || this.matchesAt(needle as Uint8Array, pos)) return pos;
        j = hit + 1;
      }
      base += c.length;
      if (base >= end) return -1;
    }
    return -1;
  }

  private matchesAt(pat: Uint8Array, pos: number): boolean {
    for (let k = 1; k < pat.length; k++) if (this.at(pos + k) !== pat[k]) return false;
    return true;
  }

  /** Remove and return (a copy of) the first n bytes. */
  take(n: number): Uint8Array {
    const v = this.peek(n);
    const copy = v.slice();
    this.skip(n);
    return copy;
  }

  /** Drop the first n bytes (n may exceed what is buffered only up to length). */
  skip(n: number): void {
    if (n > this.total) throw new RangeError(`skip(${n}) past ${this.total} buffered bytes`);
    this.total -= n;
    while (n > 0) {
      const c = this.chunks[0];
      const avail = c.length - this.head;
      if (n < avail) {
        this.head += n;
        return;
      }
      n -= avail;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.chunks.length && this.head === this.chunks[0].length) {
      this.chunks.shift();
      this.head = 0;
    }
  }

  clear(): void {
    this.tail = undefined;
    this.borrowed = undefined;
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }
}

const utf8 = new TextDecoder('utf-8');
// (ignoreBOM: a leading U+FEFF is kept, as any other character of a string field, a header value
// or a message; TextDecoder drops it by default. JSON parsing ignores it: parseJsonExact.)
const utf8FatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder('latin1');

/** UTF-8 text, with U+FFFD for invalid sequences. */
export function utf8Text(b: Uint8Array): string {
  return utf8.decode(b);
}

/**
 * UTF-8 text, or undefined when the bytes are not valid UTF-8; every character kept, a leading
 * U+FEFF too (protoc keeps it in a protobuf string). Up to 16 ASCII bytes (keys, names,
 * small values: redis-benchmark's pipelined replies are thousands of them) are built in a loop,
 * without a TextDecoder call each.
 */
export function utf8Strict(b: Uint8Array): string | undefined {
  if (b.length <= 16) {
    let s = '';
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (c >= 0x80) return utf8Fatal(b);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8Fatal(b);
}

function utf8Fatal(b: Uint8Array): string | undefined {
  try {
    return utf8FatalDecoder.decode(b);
  } catch {
    return undefined;
  }
}

/**
 * A fresh copy of a short string whose characters all fit in one byte, stored one byte per
 * character; other strings as they are. Names kept for the whole run (rpc and type names from a
 * .proto) went out as two-byte strings from protobufjs in our bundle, and one such string in a
 * call made V8 print its whole JSON line two bytes per character: JSON.stringify ~1.5× and the
 * UTF-8 write ~4× slower for every gRPC call.
 */
export function oneByteCopy(s: string): string {
  const n = s.length;
  if (n > 1024) return s;
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return s;
    codes[i] = c;
  }
  return String.fromCharCode.apply(null, codes);
}

/**
 * A definition file's text for a parser that slices names out of it (protobufjs, the Thrift IDL
 * tokenizer), stored one byte per character. Names sliced from a two-byte string are two-byte
 * strings: a .proto with one character above U+00FF (an em dash or a smart quote in a comment is
 * enough) made the type and enum value names protobufjs hands out two-byte, and V8 then prints each
 * call's whole JSON line that holds one two bytes per character (JSON.stringify ~2.5×, the UTF-8 write ~4× slower). Only for languages
 * whose identifiers are ASCII: characters above U+00FF (in comments and string literals) become
 * '?'; offsets and lines are unchanged (one UTF-16 unit each).
 */
export function oneByteSource(text: string): string {
  const CHUNK = 8192;
  const parts: string[] = [];
  const codes: number[] = [];
  for (let i = 0; i < text.length; i += CHUNK) {
    const n = Math.min(CHUNK, text.length - i);
    codes.length = n;
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(i + k);
      codes[k] = c > 0xff ? 63 : c;
    }
    parts.push(String.fromCharCode.apply(null, codes));
  }
  return parts.join('');
}

/** One char per byte (ISO-8859-1), for protocol header lines. */
export function latin1Text(b: Uint8Array): string {
  return latin1.decode(b);
}

export function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of up to `max` bytes. */
export function toHex(b: Uint8Array, max = b.length): string {
  let s = '';
  const n = Math.min(max, b.length);
  for (let i = 0; i < n; i++) s += HEX[b[i]];
  return s;
}

/** Parse hex, ignoring whitespace (for test fixtures). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+|#[^\n]*/g, '');
  if (clean.length % 2) throw new Error('odd hex length');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of each 12-bit value: two characters per lookup. */
const B64_PAIRS: string[] = [];
for (let i = 0; i < 4096; i++) B64_PAIRS.push(B64[i >> 6] + B64[i & 63]);
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
let b64Out = new Uint8Array(4096);

export function toBase64(b: Uint8Array): string {
  const n = b.length;
  let i = 0;
  if (n < 1024) {
    // Short: two table lookups per 3 bytes (4–5× faster than one character at a time).
    let s = '';
    for (; i + 2 < n; i += 3) {
      const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      s += B64_PAIRS[v >> 12] + B64_PAIRS[v & 4095];
    }
    if (i < n) {
      const v = (b[i] << 16) | ((i + 1 < n ? b[i + 1] : 0) << 8);
      s += B64[v >> 18] + B64[(v >> 12) & 63] + (i + 1 < n ? B64[(v >> 6) & 63] : '=') + '=';
    }
    return s;
  }
  // Long: ASCII codes into a reused buffer, one flat string from it.
  const m = Math.ceil(n / 3) * 4;
  if (b64Out.length < m) b64Out = new Uint8Array(m);
  const out = b64Out;
  let o = 0;
  for (; i + 2 < n; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out[o++] = B64_CODES[v >> 18];
    out[o++] = B64_CODES[(v >> 12) & 63];
    out[o++] = B64_CODES[(v >> 6) & 63];
    out[o++] = B64_CODES[v & 63];
  }
  if (i < n) {
    const v = (b[i] << 16) | ((i + 1 < n ? b[i + 1] : 0) << 8);
    out[o++] = B64_CODES[v >> 18];
    out[o++] = B64_CODES[(v >> 12) & 63];
    out[o++] = i + 1 < n ? B64_CODES[(v >> 6) & 63] : 61;
    out[o++] = 61;
  }
  const s = latin1.decode(out.subarray(0, o));
  if (b64Out.length > 1 << 20) b64Out = new Uint8Array(4096);
  return s;
}

const B64_INV = (() => {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62; // base64url
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Decode base64 or base64url, ignoring whitespace and padding. Returns undefined on bad input. */
export function fromBase64(s: string): Uint8Array | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 61 /* = */ || ch === 32 || ch === 10 || ch === 13 || ch === 9) continue;
    const v = ch < 256 ? B64_INV[ch] : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Big-endian / little-endian readers over a Uint8Array view (no DataView allocation per call). */
export const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
export const be24 = (b: Uint8Array, o: number) => (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
export const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
export const le16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
export const le32 = (b: Uint8Array, o: number) => ((b[o + 3] << 24) >>> 0) + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]);
/** 64-bit big-endian as a BigInt. */
export const be64 = (b: Uint8Array, o: number) => (BigInt(be32(b, o)) << 32n) | BigInt(be32(b, o + 4));
/** 64-bit big-endian as a decimal string (for JSON output; numbers stay exact). */
export const be64s = (b: Uint8Array, o: number) => BigInt.asIntN(64, be64(b, o)).toString();

/** Bytes of `s` in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
