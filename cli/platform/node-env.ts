/**
 * The Node.js implementation of what `decoders/` needs injected: bounded decompression, and the
 * HMAC / AEAD primitives and key log store of TLS decryption (node:crypto).
 * One-shot codecs use node:zlib with `maxOutputLength`; the stateful raw inflate used by
 * WebSocket permessage-deflate (context takeover) uses pako, which keeps its window between calls.
 * zstd is node:zlib's where it has one (Node ≥ 22.15), else the bounded fzstd wrapper in decoders.
 */
import * as zlib from 'node:zlib';
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { Inflate } from 'pako';
import type { Compression, DecoderEnv, InflateStream, Limits, Definitions, StreamHint, TlsCrypto, TlsSecrets } from '../../decoders/core/env';
import { KeyLog } from '../../decoders/tls/keylog';
import { DEFAULT_LIMITS, DecompressLimitError } from '../../decoders/core/env';
import { zstdDecompress } from '../../decoders/core/zstd';

function bounded(fn: (b: Uint8Array, o: zlib.ZlibOptions | zlib.BrotliOptions) => Buffer, bytes: Uint8Array, max: number): Uint8Array {
  try {
    const out = fn(bytes, { maxOutputLength: max, finishFlush: zlib.constants.Z_SYNC_FLUSH } as zlib.ZlibOptions);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength/i.test(String(err.message)))) {
      throw new DecompressLimitError(max);
    }
    throw e;
  }
}

class PakoInflateRaw implements InflateStream {
  private inflater = new Inflate({ raw: true });
  push(bytes: Uint8Array, maxOutputBytes: number): Uint8Array {
    const chunks: Uint8Array[] = [];
    let total = 0;
    this.inflater.onData = (c: Uint8Array) => {
      total += c.length;
      if (total > maxOutputBytes) throw new DecompressLimitError(maxOutputBytes);
      chunks.push(c);
    };
    this.inflater.push(bytes, 2 /* Z_SYNC_FLUSH */);
    if (this.inflater.err) {
      const msg = this.inflater.msg || `inflate error ${this.inflater.err}`;
      this.reset();
      throw new Error(msg);
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) out.set(c, o), (o += c.length);
    return out;
  }
  reset(unknownHistory?: boolean): void {
    this.inflater = new Inflate({ raw: true, ...(unknownHistory ? { dictionary: UNKNOWN_WINDOW } : {}) });
  }
}

/** A deflate window (32 KiB, RFC 1951 §3.2.5) of bytes not known, as zeros. */
const UNKNOWN_WINDOW = new Uint8Array(32768);

export const nodeCompression: Compression = {
  gunzip: (b, max) => bounded(zlib.gunzipSync, b, max),
  inflate: (b, max) => {
    // Servers disagree about "deflate": zlib-wrapped (RFC 1950) is right, raw is common.
    if (b.length >= 2 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0) return bounded(zlib.inflateSync, b, max);
    return bounded(zlib.inflateRawSync, b, max);
  },
  inflateRaw: (b, max) => bounded(zlib.inflateRawSync, b, max),
  brotli: (b, max) => bounded(zlib.brotliDecompressSync as never, b, max),
  zstd: (zlib as unknown as { zstdDecompressSync?: unknown }).zstdDecompressSync
    ? (b, max) => bounded((zlib as unknown as { zstdDecompressSync: typeof zlib.gunzipSync }).zstdDecompressSync, b, max)
    : zstdDecompress,
  createInflateRaw: () => new PakoInflateRaw(),
};

const asBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** All of `data` through a decipher: update, then final (which throws when an AEAD tag does not verify). */
function decipherAll(d: { update(b: Uint8Array): Buffer; final(): Buffer }, data: Uint8Array): Uint8Array {
  const body = d.update(data);
  const tail = d.final();
  return asBytes(tail.length ? Buffer.concat([body, tail]) : body);
}

/** HMAC and AEAD decryption for TLS (decoders/tls/decrypt.ts) with node:crypto. */
export const nodeCrypto: TlsCrypto = {
  hmac: (hash, key, data) => asBytes(createHmac(hash, key).update(data).digest()),
  aeadOpen(aead, key, nonce, aad, sealed, tagBytes = 16) {
    if (sealed.length < tagBytes) return undefined;
    const ct = sealed.subarray(0, sealed.length - tagBytes);
    try {
      const d = createDecipheriv(aead, key, nonce, { authTagLength: tagBytes } as never) as unknown as import('node:crypto').DecipherCCM;
      // (CCM needs the tag first and the plaintext length with the AAD; GCM and ChaCha20 accept both)
      d.setAuthTag(sealed.subarray(sealed.length - tagBytes));
      d.setAAD(aad, { plaintextLength: ct.length });
      return decipherAll(d, ct);
    } catch {
      return undefined;
    }
  },
  aesEncryptBlock(key, block) {
    const c = createCipheriv('aes-128-ecb', key, null);
    c.setAutoPadding(false);
    return asBytes(c.update(block));
  },
  cbcDecrypt(cipher, key, iv, data) {
    if (data.length === 0 || data.length % 16 !== 0) return undefined;
    try {
      const d = createDecipheriv(cipher, key, iv);
      d.setAutoPadding(false);
      return decipherAll(d, data);
    } catch {
      return undefined;
    }
  },
};

/**
 * The environment of one analysis. `tlsKeyLog`: key log text (NSS SSLKEYLOGFILE format) read from
 * the files the user named; the store also receives the capture's Decryption Secrets Blocks.
 */
export function nodeEnv(opts: { limits?: Partial<Limits>; definitions?: Definitions; hints?: StreamHint[]; tlsKeyLog?: string } = {}): DecoderEnv {
  const secrets: TlsSecrets = new KeyLog();
  if (opts.tlsKeyLog) secrets.add(opts.tlsKeyLog);
  return {
    compression: nodeCompression,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    definitions: opts.definitions ?? {},
    hints: opts.hints ?? [],
    crypto: nodeCrypto,
    tlsSecrets: secrets,
  };
}
