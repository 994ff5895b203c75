/**
 * gRPC length-prefixed messages (PROTOCOL-HTTP2.md "Length-Prefixed-Message": 1-byte flags,
 * 4-byte big-endian length, payload) read incrementally across any DATA split, and the
 * decoding of one message: decompression by grpc-encoding, then protobuf (schema or raw) or
 * JSON by the content-type subtype.
 */
import type { DecoderEnv } from '../core/env';
import { DecompressLimitError } from '../core/env';
import { utf8Strict } from '../core/bytes';
import { isSnappyFramed, lz4FrameDecompress, snappyDecompress, snappyFramedDecompress } from '../core/codecs';
import { parseJsonBounded } from '../http-common/body';
import { decodeProtobuf, resolverOf } from '../protobuf/decode';
import type { ProtoDefinitions } from '../protobuf/definitions';
import { decodeTripleWrapper } from '../dubbo/triple';

export interface LpMessage {
  flags: number;
  /** Payload length from the prefix. */
  length: number;
  /**
   * Payload, when it was small enough to keep (≤ limits.maxBodyBytes). It may be a view of the
   * bytes given to `push`: valid during the onMessage call only (copy it to keep it).
   */
  bytes?: Uint8Array;
  /** Stream offsets of the first prefix byte and of the last payload byte. */
  startOffset: number;
  endOffset: number;
  /** Payload bytes that fell in a gap of the capture (then `bytes` is absent). */
  missing?: number;
}

export class LengthPrefixedReader {
  /** The length prefix read so far: its bytes, the flags byte, the length bytes as a number. */
  private prefixLen = 0;
  private flags = 0;
  private lengthSoFar = 0;
  private length = -1;
  private got = 0;
  private chunks: Uint8Array[] | undefined;
  private startOffset = 0;
  private missing = 0;
  /** A payload that arrived in one chunk (then `chunks` is unused). */
  private whole: Uint8Array | undefined;
  /** A gap swallowed a message prefix: the framing is unknown until a DATA frame starts a message. */
  private lost = false;
  /** Bytes dropped while the framing was lost. */
  skipped = 0;
  /** Gaps that lost the framing. */
  losses = 0;

  constructor(private readonly maxKeepBytes: number) {}

  /** Bytes of a message started but not finished. */
  get pending(): number {
    return this.prefixLen + this.got;
  }

  get framingLost(): boolean {
    return this.lost;
  }

  /**
   * `length` bytes of the stream are missing from the capture (loss, snaplen). Inside a payload
   * they shorten that message (emitted with `missing`, not decoded); a gap over a prefix loses
   * the framing until `frameStart`.
   */
  gap(length: number, offset: number, onMessage: (m: LpMessage) => void): void {
    if (length <= 0 || this.lost) {
      this.skipped += Math.max(0, length);
      return;
    }
    if (this.length >= 0) {
      const take = Math.min(this.length - this.got, length);
      this.got += take;
      this.missing += take;
      this.chunks = undefined;
      length -= take;
      if (this.got === this.length) this.emit(offset + take - 1, onMessage);
      if (length === 0) return;
    }
    // The gap covers (part of) a length prefix: where the next message starts is unknown.
    this.lost = true;
    this.losses++;
    this.skipped += length + this.prefixLen;
    this.prefixLen = 0;
    this.length = -1;
    this.got = 0;
    this.missing = 0;
    this.chunks = undefined;
  }

  /**
   * An unknown number of bytes may be missing (a gap that lost the HTTP/2 frame boundary: this
   * stream's DATA may or may not have been in it). At a message boundary nothing changes (the
   * next DATA frame is checked by `frameStart`); inside a message, that message is cut (emitted
   * with `missing`, not decoded) and the framing is lost until `frameStart`.
   */
  unknownGap(onMessage: (m: LpMessage) => void): void {
    if (this.lost) return;
    if (this.length >= 0) {
      const rest = this.length - this.got;
      this.got = this.length;
      this.missing += rest;
      this.chunks = undefined;
      this.emit(this.startOffset + 5 + this.length - 1, onMessage);
    } else if (this.prefixLen === 0) return;
    this.lost = true;
    this.losses++;
    this.skipped += this.prefixLen;
    this.prefixLen = 0;
    this.length = -1;
    this.got = 0;
    this.missing = 0;
  }

  /**
   * A DATA frame starts here. After a lost framing, senders that put one message per DATA frame
   * (grpc-js, grpc-go, C-core for small messages) start a message here: pick it up again when
   * the first byte is a valid flags byte (0 or 1; 0x80 for gRPC-Web trailers).
   */
  frameStart(first: number | undefined): boolean {
    if (!this.lost || first === undefined || (first > 1 && first !== 0x80)) return false;
    this.lost = false;
    return true;
  }

  push(bytes: Uint8Array, offset: number, onMessage: (m: LpMessage) => void): void {
    if (this.lost) {
      this.skipped += bytes.length;
      return;
    }
    let i = 0;
    while (i < bytes.length) {
      if (this.length < 0) {
        if (this.prefixLen === 0) {
          this.startOffset = offset + i;
          this.flags = bytes[i++];
          this.prefixLen = 1;
          this.lengthSoFar = 0;
          if (bytes.length - i >= 4) {
            // The whole prefix here (the usual case).
            this.lengthSoFar = bytes[i] * 0x1000000 + ((bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]);
            this.prefixLen = 5;
            i += 4;
          }
        } else {
          this.lengthSoFar = this.lengthSoFar * 256 + bytes[i++];
          this.prefixLen++;
        }
        if (this.prefixLen < 5) continue;
        this.length = this.lengthSoFar;
        this.got = 0;
        this.chunks = this.length <= this.maxKeepBytes ? [] : undefined;
        if (this.length === 0) {
          this.emit(offset + i - 1, onMessage);
        }
        continue;
      }
      const take = Math.min(this.length - this.got, bytes.length - i);
      if (this.chunks && this.got === 0 && take === this.length) {
        // The whole payload in this chunk (the usual case): a view, no copy, no joining. The
        // message is handed to onMessage at once and nothing of it is kept past that call.
        this.chunks = undefined;
        this.whole = take === bytes.length ? bytes : bytes.subarray(i, i + take);
        this.got = take;
        i += take;
        this.emit(offset + i - 1, onMessage);
        continue;
      }
      if (this.chunks) this.chunks.push(bytes.slice(i, i + take));
      this.got += take;
      i += take;
      if (this.got === this.length) this.emit(offset + i - 1, onMessage);
    }
  }

  private emit(endOffset: number, onMessage: (m: LpMessage) => void): void {
    let bytes: Uint8Array | undefined = this.whole;
    this.whole = undefined;
    if (this.chunks) {
      bytes = new Uint8Array(this.length);
      let o = 0;
      for (const c of this.chunks) bytes.set(c, o), (o += c.length);
    }
    const m: LpMessage = { flags: this.flags, length: this.length, bytes, startOffset: this.startOffset, endOffset };
    if (this.missing) {
      m.missing = this.missing;
      m.bytes = undefined;
    }
    this.missing = 0;
    this.prefixLen = 0;
    this.length = -1;
    this.got = 0;
    this.chunks = undefined;
    onMessage(m);
  }
}

export interface DecodedMessage {
  value?: unknown;
  /** Size after decompression, when compressed. */
  decodedSize?: number;
  raw: boolean;
  warnings: string[];
  /** The message was a Dubbo Triple wrapper in this serialization (its args / data decoded). */
  triple?: string;
  /** A message under a content-type that names no codec, read as JSON (see `sniffJson`). */
  json?: boolean;
}

/**
 * The encoding of a side whose header block names no grpc-encoding but refers to HPACK entries from
 * before the capture (RFC 7541 §2.3.2): grpc-encoding may be one of them (grpc-js indexes it).
 */
export const LOST_ENCODING = '?lost';

/**
 * The encoding a compressed message's own bytes show, when its header is lost: gzip by its magic
 * number (RFC 1952 §2.3.1), gRPC's "deflate" by its zlib header (RFC 1950 §2.2: CM 8, CINFO ≤ 7,
 * and CMF·256 + FLG a multiple of 31). Undefined for anything else (snappy, zstd… carry no such mark
 * gRPC implementations use, and raw bytes must not be guessed at).
 */
export function sniffGrpcEncoding(b: Uint8Array): 'gzip' | 'deflate' | undefined {
  if (b.length < 2) return undefined;
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if ((b[0] & 0x0f) === 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 === 0) return 'deflate';
  return undefined;
}

/** Undo grpc-encoding. Returns undefined (with a warning) when it cannot. */
export function grpcDecompress(bytes: Uint8Array, encoding: string | undefined, env: DecoderEnv, warnings: string[]): Uint8Array | undefined {
  if (encoding === LOST_ENCODING) {
    const sniffed = sniffGrpcEncoding(bytes);
    if (!sniffed) {
      warnings.push('compressed flag set but grpc-encoding unknown (an HPACK entry from before the capture) and the bytes are neither gzip nor zlib: message not decoded');
      return undefined;
    }
    encoding = sniffed;
  }
  const enc = (encoding ?? '').trim().toLowerCase();
  const max = env.limits.maxDecompressedBytes;
  const c = env.compression;
  try {
    switch (enc) {
      case 'gzip':
        return c.gunzip(bytes, max);
      case 'deflate':
        return c.inflate(bytes, max);
      case 'snappy':
        // (the framing format, as golang/snappy writes it; a raw block when it does not start with the stream identifier)
        return isSnappyFramed(bytes) ? snappyFramedDecompress(bytes, max) : c.snappy ? c.snappy(bytes, max) : snappyDecompress(bytes, max);
      case 'lz4':
        return c.lz4 ? c.lz4(bytes, max) : lz4FrameDecompress(bytes, max);
      case 'zstd': {
        if (c.zstd) return c.zstd(bytes, max);
        warnings.push(`grpc-encoding ${enc} is not supported here: message not decompressed`);
        return undefined;
      }
      case '':
      case 'identity':
        warnings.push(`compressed flag set but grpc-encoding is ${enc || 'missing'}: message not decoded`);
        return undefined;
      default:
        warnings.push(`unknown grpc-encoding ${enc}: message not decompressed`);
        return undefined;
    }
  } catch (e) {
    if (e instanceof DecompressLimitError) warnings.push(`${enc} message decompresses past ${max} bytes: not decoded`);
    else warnings.push(`${enc} decompression failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** Decode one message payload. */
export function decodeGrpcMessage(
  m: { flags: number; length: number; bytes?: Uint8Array },
  opts: {
    encoding?: string;
    codec: string;
    typeName?: string;
    defs?: ProtoDefinitions;
    env: DecoderEnv;
    /** Which Dubbo Triple wrapper a schemaless message may be (../dubbo/triple.ts), and whether the call's headers are Triple's. */
    triple?: { side: 'request' | 'response'; headers: boolean };
    /**
     * The content-type names no codec (bare `application/grpc`): a message that does not read as
     * protobuf but is a JSON object or array is JSON (a JSON marshaller's message).
     */
    sniffJson?: boolean;
  },
): DecodedMessage {
  const warnings: string[] = [];
  if (!m.bytes) {
    warnings.push(`message of ${m.length} bytes is larger than the ${opts.env.limits.maxBodyBytes}-byte preview: not decoded`);
    return { raw: true, warnings };
  }
  let payload: Uint8Array | undefined = m.bytes;
  let decodedSize: number | undefined;
  if (m.flags & 0x01) {
    payload = grpcDecompress(m.bytes, opts.encoding, opts.env, warnings);
    if (!payload) return { raw: true, warnings };
    decodedSize = payload.length;
    if (payload.length > opts.env.limits.maxBodyBytes) {
      warnings.push(`decompressed message of ${payload.length} bytes is larger than the preview: not decoded`);
      return { raw: true, warnings, decodedSize };
    }
  }
  if (opts.codec === 'json') {
    const text = utf8Strict(payload);
    if (text === undefined) {
      warnings.push('application/grpc+json message is not valid UTF-8');
      return { raw: true, warnings, decodedSize };
    }
    // (bounded depth; integers beyond 2^53 kept exact, as HTTP JSON bodies are)
    const r = parseJsonBounded(text, opts.env.limits.maxDepth);
    if (!r.ok) {
      warnings.push(`application/grpc+json message: ${r.warning.startsWith('invalid JSON') ? 'not valid JSON: kept as text' : r.warning}`);
      return { value: text, raw: true, warnings, decodedSize };
    }
    if (r.note) warnings.push(`application/grpc+json message: ${r.note}`);
    return { value: r.value, raw: false, warnings, decodedSize };
  }
  if (opts.triple && !opts.typeName) {
    // Dubbo Triple, an interface-based service: args / result in another serialization inside a wrapper
    // (under application/grpc+proto, or a custom `+…` codec of Triple's extended gRPC)
    const t = decodeTripleWrapper(payload, opts.triple.side, opts.env.limits.maxDepth, opts.triple.headers);
    if (t) return { value: t.value, raw: false, warnings: warnings.concat(t.warnings), decodedSize, triple: t.serializeType };
  }
  if (opts.codec !== 'proto') warnings.push(`gRPC codec ${opts.codec}: decoded as protobuf`);
  const r = decodeProtobuf(payload, opts.typeName, resolverOf(opts.defs), opts.env.limits);
  if (opts.sniffJson && r.warnings.length) {
    const j = jsonMessage(payload, opts.env.limits.maxDepth);
    if (j) return { value: j.value, raw: false, warnings: warnings.concat(j.note ? [`JSON message: ${j.note}`] : []), decodedSize, json: true };
  }
  return { value: r.value, raw: r.raw, warnings: warnings.concat(r.warnings), decodedSize };
}

/**
 * A payload that is a JSON object or array as a whole (RFC 8259 §2: optional blanks around it, UTF-8),
 * or undefined. Its first byte, `{` (0x7b) or `[` (0x5b), read as a protobuf tag is a group start
 * (wire type 3) of field 15 or 11, and such a message only reads as protobuf with its end tag in
 * place; the caller asks only after the protobuf reading failed.
 */
function jsonMessage(b: Uint8Array, maxDepth: number): { value: unknown; note?: string } | undefined {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  if (b[i] !== 0x7b && b[i] !== 0x5b) return undefined;
  const text = utf8Strict(b);
  if (text === undefined) return undefined;
  const r = parseJsonBounded(text, maxDepth);
  return r.ok ? { value: r.value, note: r.note } : undefined;
}
