/**
 * What the platform injects into `decoders/` (which imports no `node:` modules): decompression,
 * the definitions index, and the crypto and key log secrets TLS decryption uses. Every decompression is bounded by `maxOutputBytes`.
 */

/** Thrown (and caught by the decoder, never beyond) when output would pass the limit. */
export class DecompressLimitError extends Error {
  constructor(public readonly limitBytes: number) {
    super(`decompressed size exceeds ${limitBytes} bytes`);
    this.name = 'DecompressLimitError';
  }
}

/** A stateful raw-inflate stream (WebSocket permessage-deflate with context takeover). */
export interface InflateStream {
  /** Inflate `bytes`, flushing, returning what came out (bounded by maxOutputBytes). */
  push(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  /**
   * Forget history (no_context_takeover). With `unknownHistory`, as if the 32 KiB before were bytes
   * the capture does not have: a back-reference into them gives 0x00 bytes instead of an error
   * (a stream joined after it began, or after a message a gap cut).
   */
  reset(unknownHistory?: boolean): void;
}

export interface Compression {
  /** gzip (RFC 1952). Throws DecompressLimitError past the limit, Error on corrupt input. */
  gunzip(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  /** zlib-wrapped deflate (RFC 1950); implementations also accept raw deflate (what some servers send). */
  inflate(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  /** raw deflate (RFC 1951). */
  inflateRaw(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  /** brotli (RFC 7932). */
  brotli(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  /** snappy / lz4 / zstd where the platform has them (Kafka); undefined when not available. */
  snappy?(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  lz4?(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  zstd?(bytes: Uint8Array, maxOutputBytes: number): Uint8Array;
  createInflateRaw(): InflateStream;
}

/** Limits on anything read from input. */
export interface Limits {
  /** Bytes of a body kept for decoding and preview. */
  maxBodyBytes: number;
  /** Bytes a decompression may produce. */
  maxDecompressedBytes: number;
  /** Header count and total header bytes per message. */
  maxHeaders: number;
  maxHeaderBytes: number;
  /** Nesting depth of decoded values (JSON, XML, protobuf, field tables…). */
  maxDepth: number;
  /** Messages kept per streamed call (the rest are counted). */
  maxMessagesPerCall: number;
  /** Bytes buffered per direction while waiting for a PDU to complete. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 1 << 20,
  maxDecompressedBytes: 8 << 20,
  maxHeaders: 256,
  maxHeaderBytes: 64 << 10,
  maxDepth: 64,
  maxMessagesPerCall: 1000,
  maxBufferedBytes: 16 << 20,
};

/** The body preview a user may choose (CLI `--max-body`, the editor's `callscope.maxBodyBytes`): 1 KiB to 256 MiB. */
export const MIN_BODY_BYTES = 1 << 10;
export const MAX_BODY_BYTES = 256 << 20;

/**
 * Limits for a chosen body preview, clamped to the range above: decompressed output gets at least
 * as much room as the preview (its default, 8 MiB, otherwise).
 */
export function bodyPreviewLimits(bytes: number): Pick<Limits, 'maxBodyBytes' | 'maxDecompressedBytes'> {
  const maxBodyBytes = Math.min(MAX_BODY_BYTES, Math.max(MIN_BODY_BYTES, Math.round(bytes)));
  return { maxBodyBytes, maxDecompressedBytes: Math.max(DEFAULT_LIMITS.maxDecompressedBytes, maxBodyBytes) };
}

/**
 * Definitions the decoders may consult (protobuf schemas, Thrift IDL, WSDL…). Each protocol
 * package defines the shape of its own entry; the pipeline passes through what the host loaded.
 */
export interface Definitions {
  [kind: string]: unknown;
}

/** Fake-header hints for streams whose start was not captured (Wireshark's "fake headers"). */
export interface StreamHint {
  /** Server port the hint applies to. */
  port: number;
  /** e.g. { ':path': '/pkg.Svc/Method', 'content-type': 'application/grpc' } */
  headers: Record<string, string>;
}

/** Hash function of a TLS cipher suite (HKDF in TLS 1.3, the PRF in TLS 1.2; SHA-1 only for CBC suites' MACs). */
export type TlsHash = 'sha1' | 'sha256' | 'sha384';

/** Block ciphers of the TLS 1.2 CBC suites. */
export type TlsCbc = 'aes-128-cbc' | 'aes-256-cbc';

/** AEAD algorithms TLS records are decrypted with (RFC 5116, RFC 8439). */
export type TlsAead = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm' | 'aes-256-ccm';

/**
 * Synchronous primitives TLS decryption needs, injected by the platform (node:crypto in the CLI
 * and the extension host's worker). Without them TLS is only recognised, never decrypted.
 */
export interface TlsCrypto {
  /** HMAC of `data` with `key` (RFC 2104). */
  hmac(hash: TlsHash, key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * AEAD decryption: `sealed` is the ciphertext followed by its tag (`tagBytes`, default 16; 8 for
   * the CCM_8 suites). Returns the plaintext, or undefined when the tag does not verify (wrong key,
   * wrong nonce, damaged record). Never throws.
   */
  aeadOpen(aead: TlsAead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, tagBytes?: number): Uint8Array | undefined;
  /**
   * CBC decryption of whole blocks, padding left in place (TLS checks it itself). Undefined when
   * `data` is not a whole number of blocks. Absent: CBC suites are not decrypted.
   */
  cbcDecrypt?(cipher: TlsCbc, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined;
  /**
   * AES encryption of one 16-byte block with a 16-byte key (AES-128-ECB): QUIC's header protection
   * mask (RFC 9001 §5.4.3). Absent: QUIC Initial packets are not opened.
   */
  aesEncryptBlock?(key: Uint8Array, block: Uint8Array): Uint8Array;
}

/**
 * TLS session secrets, from key log files (NSS `SSLKEYLOGFILE` format) and the pcapng Decryption
 * Secrets Blocks met in the capture. Bounded (entries, line length) by the implementation.
 */
export interface TlsSecrets {
  /** The secret logged under `label` (`CLIENT_RANDOM`, `SERVER_TRAFFIC_SECRET_0`…) for this 32-byte client random. */
  get(label: string, clientRandom: Uint8Array): Uint8Array | undefined;
  /** Add key log text; lines that are not key log entries are counted, not kept. */
  add(text: string): void;
  /** Number of secrets held. */
  readonly size: number;
}

export interface DecoderEnv {
  compression: Compression;
  limits: Limits;
  definitions: Definitions;
  hints: StreamHint[];
  /** Crypto for TLS decryption; absent: TLS connections are only recognised. */
  crypto?: TlsCrypto;
  /** Key log secrets (files given by the user, Decryption Secrets Blocks of the capture). */
  tlsSecrets?: TlsSecrets;
}
