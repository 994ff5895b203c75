/**
 * TLS record decryption with secrets from a key log: the key derivations and the record protection
 * of TLS 1.3 and TLS 1.2. The primitives (HMAC, AEAD, CBC) come from `env.crypto`.
 *
 * TLS 1.3 (RFC 8446): HKDF-Expand-Label (§7.1) turns a traffic secret into its write key and IV
 * (§7.3); each record's nonce is the IV XOR the 64-bit record sequence number, left-padded (§5.3);
 * the additional data is the 5-byte record header, and the plaintext is a TLSInnerPlaintext whose
 * real content type is its last non-zero byte, zero padding after it (§5.2). KeyUpdate derives the
 * next secret with the label "traffic upd" (§7.2).
 *
 * TLS 1.2 (RFC 5246): the key block is PRF(master_secret, "key expansion", server_random +
 * client_random) cut into MAC keys (none for AEAD suites), write keys and IVs (§6.3), with the P_hash
 * PRF of §5. AES-GCM (RFC 5288 §3): nonce = 4-byte salt from the key block + the 8-byte explicit
 * nonce carried at the start of the record; ChaCha20-Poly1305 (RFC 7905 §2): nonce = the 12-byte IV
 * XOR the sequence number. Additional data (RFC 5246 §6.2.3.3): seq_num + type + version + length of
 * the plaintext. AES-CBC suites (RFC 5246 §6.2.3.2): a 16-byte IV at the start of each record, the
 * plaintext followed by its HMAC (over seq_num + type + version + length + content) and padding; with
 * encrypt_then_mac (RFC 7366, when the ServerHello carries it) the HMAC follows the ciphertext and
 * covers the IV and ciphertext instead. AES-CCM (RFC 6655, RFC 7251; TLS 1.3's TLS_AES_128_CCM[_8]_SHA256) is opened as
 * GCM is, with its 16- or 8-byte tag. Other suites (3DES, Camellia, ARIA…) and TLS ≤ 1.1 are not
 * decrypted.
 */
import type { TlsAead, TlsCbc, TlsCrypto, TlsHash } from '../core/env';
import { concatBytes, utf8Bytes } from '../core/bytes';

/** What decrypting a cipher suite takes. */
export interface SuiteInfo {
  id: number;
  /** AEAD suites. */
  aead?: TlsAead;
  /** TLS 1.2 CBC suites: the block cipher and the record MAC's hash. */
  cbc?: TlsCbc;
  mac?: TlsHash;
  hash: TlsHash;
  keyBytes: number;
  /** TLS 1.3: the IV is 12 bytes; TLS 1.2: the implicit part from the key block (4 for GCM, 12 for ChaCha20). */
  ivBytes: number;
  /** TLS 1.2 GCM and CCM carry 8 bytes of nonce at the start of each record. */
  explicitNonceBytes: number;
  /** AEAD tag length: 16, or 8 for the CCM_8 suites. */
  tagBytes: number;
  tls13: boolean;
}

const s13 = (id: number, aead: TlsAead, hash: TlsHash, keyBytes: number, tagBytes = 16): SuiteInfo => ({ id, aead, hash, keyBytes, ivBytes: 12, explicitNonceBytes: 0, tagBytes, tls13: true });
const gcm12 = (id: number, bits: 128 | 256): SuiteInfo => ({
  id,
  aead: bits === 128 ? 'aes-128-gcm' : 'aes-256-gcm',
  hash: bits === 128 ? 'sha256' : 'sha384',
  keyBytes: bits / 8,
  ivBytes: 4,
  explicitNonceBytes: 8,
  tagBytes: 16,
  tls13: false,
});
/** RFC 6655 / 7251: AES-CCM, nonce built as GCM's; SHA-256 PRF. */
const ccm12 = (id: number, bits: 128 | 256, tagBytes: 16 | 8): SuiteInfo => ({
  id,
  aead: bits === 128 ? 'aes-128-ccm' : 'aes-256-ccm',
  hash: 'sha256',
  keyBytes: bits / 8,
  ivBytes: 4,
  explicitNonceBytes: 8,
  tagBytes,
  tls13: false,
});
const cbc12 = (id: number, bits: 128 | 256, mac: TlsHash): SuiteInfo => ({
  id,
  cbc: bits === 128 ? 'aes-128-cbc' : 'aes-256-cbc',
  mac,
  hash: mac === 'sha384' ? 'sha384' : 'sha256',
  keyBytes: bits / 8,
  ivBytes: 0,
  explicitNonceBytes: 16,
  tagBytes: 0,
  tls13: false,
});
const chacha12 = (id: number): SuiteInfo => ({ id, aead: 'chacha20-poly1305', hash: 'sha256', keyBytes: 32, ivBytes: 12, explicitNonceBytes: 0, tagBytes: 16, tls13: false });

const SUITES: SuiteInfo[] = [
  // RFC 8446 §B.4
  s13(0x1301, 'aes-128-gcm', 'sha256', 16),
  s13(0x1302, 'aes-256-gcm', 'sha384', 32),
  s13(0x1303, 'chacha20-poly1305', 'sha256', 32),
  s13(0x1304, 'aes-128-ccm', 'sha256', 16),
  s13(0x1305, 'aes-128-ccm', 'sha256', 16, 8),
  // RFC 5288 (RSA, DHE_RSA, DHE_DSS), RFC 5289 (ECDHE), RFC 5487 (PSK): AES-GCM
  gcm12(0x009c, 128),
  gcm12(0x009d, 256),
  gcm12(0x009e, 128),
  gcm12(0x009f, 256),
  gcm12(0x00a2, 128),
  gcm12(0x00a3, 256),
  gcm12(0x00a8, 128),
  gcm12(0x00a9, 256),
  gcm12(0x00aa, 128),
  gcm12(0x00ab, 256),
  gcm12(0xc02b, 128),
  gcm12(0xc02c, 256),
  gcm12(0xc02d, 128),
  gcm12(0xc02e, 256),
  gcm12(0xc02f, 128),
  gcm12(0xc030, 256),
  gcm12(0xc031, 128),
  gcm12(0xc032, 256),
  // RFC 7905: ChaCha20-Poly1305
  chacha12(0xcca8),
  chacha12(0xcca9),
  chacha12(0xccaa),
  chacha12(0xccab),
  chacha12(0xccac),
  chacha12(0xccad),
  chacha12(0xccae),
  // RFC 6655 (RSA, DHE_RSA, PSK, DHE_PSK), RFC 7251 (ECDHE_ECDSA): AES-CCM and AES-CCM_8
  ccm12(0xc09c, 128, 16),
  ccm12(0xc09d, 256, 16),
  ccm12(0xc09e, 128, 16),
  ccm12(0xc09f, 256, 16),
  ccm12(0xc0a0, 128, 8),
  ccm12(0xc0a1, 256, 8),
  ccm12(0xc0a2, 128, 8),
  ccm12(0xc0a3, 256, 8),
  ccm12(0xc0a4, 128, 16),
  ccm12(0xc0a5, 256, 16),
  ccm12(0xc0a6, 128, 16),
  ccm12(0xc0a7, 256, 16),
  ccm12(0xc0a8, 128, 8),
  ccm12(0xc0a9, 256, 8),
  ccm12(0xc0aa, 128, 8),
  ccm12(0xc0ab, 256, 8),
  ccm12(0xc0ac, 128, 16),
  ccm12(0xc0ad, 256, 16),
  ccm12(0xc0ae, 128, 8),
  ccm12(0xc0af, 256, 8),
  // RFC 5246 (RSA), RFC 4492 / 5289 (ECDHE): AES-CBC with HMAC
  cbc12(0x002f, 128, 'sha1'),
  cbc12(0x0035, 256, 'sha1'),
  cbc12(0x0033, 128, 'sha1'),
  cbc12(0x0039, 256, 'sha1'),
  cbc12(0x003c, 128, 'sha256'),
  cbc12(0x003d, 256, 'sha256'),
  cbc12(0x0067, 128, 'sha256'),
  cbc12(0x006b, 256, 'sha256'),
  cbc12(0xc009, 128, 'sha1'),
  cbc12(0xc00a, 256, 'sha1'),
  cbc12(0xc013, 128, 'sha1'),
  cbc12(0xc014, 256, 'sha1'),
  cbc12(0xc023, 128, 'sha256'),
  cbc12(0xc024, 256, 'sha384'),
  cbc12(0xc027, 128, 'sha256'),
  cbc12(0xc028, 256, 'sha384'),
];

/** The suite's decryption parameters, or undefined when callscope cannot decrypt it. */
export function suiteInfo(id: number, tls13: boolean): SuiteInfo | undefined {
  const s = SUITES.find((x) => x.id === id);
  return s && s.tls13 === tls13 ? s : undefined;
}

export const hashBytes = (h: TlsHash) => (h === 'sha384' ? 48 : h === 'sha1' ? 20 : 32);

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** HKDF-Expand (RFC 5869 §2.3). */
export function hkdfExpand(c: TlsCrypto, hash: TlsHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  let o = 0;
  for (let i = 1; o < length; i++) {
    t = c.hmac(hash, prk, concat(t, info, Uint8Array.of(i)));
    const take = Math.min(t.length, length - o);
    out.set(t.subarray(0, take), o);
    o += take;
  }
  return out;
}

/** HKDF-Expand-Label (RFC 8446 §7.1): HkdfLabel = length, "tls13 " + label, context. */
export function hkdfExpandLabel(c: TlsCrypto, hash: TlsHash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = utf8Bytes(`tls13 ${label}`);
  const info = concat(Uint8Array.of(length >> 8, length & 0xff, full.length), full, Uint8Array.of(context.length), context);
  return hkdfExpand(c, hash, secret, info, length);
}

/** The TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed). */
export function prf12(c: TlsCrypto, hash: TlsHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concat(utf8Bytes(label), seed);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed;
  let o = 0;
  while (o < length) {
    a = c.hmac(hash, secret, a);
    const block = c.hmac(hash, secret, concat(a, labelSeed));
    const take = Math.min(block.length, length - o);
    out.set(block.subarray(0, take), o);
    o += take;
  }
  return out;
}

/** The 64-bit big-endian sequence number (exact up to 2^53). */
function seqBytes(seq: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(seq));
  return b;
}

/**
 * seq_num + type + version + length (RFC 5246 §6.2.3.1, §6.2.3.3): what a TLS 1.2 record's MAC
 * and AEAD additional data cover, `length` being the plaintext's.
 */
function seqHeader(header: Uint8Array, seq: number, length: number): Uint8Array {
  const b = new Uint8Array(13);
  b.set(seqBytes(seq));
  b.set(header.subarray(0, 3), 8);
  b[11] = length >> 8;
  b[12] = length & 0xff;
  return b;
}

/** What came out of a record. */
export interface Opened {
  /** The real content type (TLS 1.3: from the inner plaintext). */
  type: number;
  plaintext: Uint8Array;
}

/** One direction's record protection: write key, IV and sequence number. */
export class RecordKeys {
  /** Sequence number of the next record (RFC 8446 §5.3, RFC 5246 §6.1). */
  seq = 0;

  constructor(
    private readonly crypto: TlsCrypto,
    readonly suite: SuiteInfo,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
    /** TLS 1.3: the traffic secret these keys came from (for KeyUpdate). */
    readonly secret?: Uint8Array,
    /** TLS 1.2 CBC: the MAC key, and whether the MAC follows the ciphertext (RFC 7366). */
    private readonly macKey?: Uint8Array,
    private readonly encryptThenMac = false,
  ) {}

  /** TLS 1.3 keys from a traffic secret (RFC 8446 §7.3). */
  static fromSecret(c: TlsCrypto, suite: SuiteInfo, secret: Uint8Array): RecordKeys {
    const key = hkdfExpandLabel(c, suite.hash, secret, 'key', new Uint8Array(0), suite.keyBytes);
    const iv = hkdfExpandLabel(c, suite.hash, secret, 'iv', new Uint8Array(0), 12);
    return new RecordKeys(c, suite, key, iv, secret);
  }

  /** TLS 1.3 KeyUpdate (RFC 8446 §7.2): the next generation's keys, sequence number 0. */
  next(): RecordKeys | undefined {
    if (!this.secret) return undefined;
    const n = hkdfExpandLabel(this.crypto, this.suite.hash, this.secret, 'traffic upd', new Uint8Array(0), hashBytes(this.suite.hash));
    return RecordKeys.fromSecret(this.crypto, this.suite, n);
  }

  /** Plaintext bytes a record of `fragmentBytes` carries at most (its overhead removed). */
  plainBytes(fragmentBytes: number): number {
    const s = this.suite;
    const overhead = s.mac ? hashBytes(s.mac) + 1 : s.tagBytes + (s.tls13 ? 1 : 0);
    return Math.max(0, fragmentBytes - overhead - s.explicitNonceBytes);
  }

  private nonce(seq: number, explicit?: Uint8Array): Uint8Array {
    if (explicit) {
      const n = new Uint8Array(12);
      n.set(this.iv.subarray(0, 4));
      n.set(explicit, 4);
      return n;
    }
    const n = this.iv.slice(0, 12);
    const s = seqBytes(seq);
    for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
    return n;
  }

  /**
   * Decrypt the record `header` (5 bytes) + `fragment` with sequence number `seq` (default: the
   * next one). Undefined when the tag does not verify or the record is malformed. Does not advance
   * the sequence number: the caller does, for every record, opened or not.
   */
  open(header: Uint8Array, fragment: Uint8Array, seq = this.seq): Opened | undefined {
    const s = this.suite;
    if (s.tls13) {
      if (fragment.length < s.tagBytes + 1 || !s.aead) return undefined;
      const inner = this.crypto.aeadOpen(s.aead, this.key, this.nonce(seq), header, fragment, s.tagBytes);
      if (!inner) return undefined;
      let end = inner.length;
      while (end > 0 && inner[end - 1] === 0) end--;
      if (end === 0) return undefined;
      return { type: inner[end - 1], plaintext: inner.subarray(0, end - 1) };
    }
    if (s.cbc) return this.openCbc(header, fragment, seq);
    const ex = s.explicitNonceBytes;
    if (fragment.length < ex + s.tagBytes || !s.aead) return undefined;
    const plainLen = fragment.length - ex - s.tagBytes;
    const aad = seqHeader(header, seq, plainLen);
    const nonce = this.nonce(seq, ex ? fragment.subarray(0, ex) : undefined);
    const plaintext = this.crypto.aeadOpen(s.aead, this.key, nonce, aad, fragment.subarray(ex), s.tagBytes);
    return plaintext ? { type: header[0], plaintext } : undefined;
  }

  /** The HMAC of a TLS 1.2 record (RFC 5246 §6.2.3.1): seq_num + type + version + length + bytes. */
  private mac(header: Uint8Array, seq: number, bytes: Uint8Array): Uint8Array {
    return this.crypto.hmac(this.suite.mac!, this.macKey!, concat(seqHeader(header, seq, bytes.length), bytes));
  }

  /** The content of CBC-decrypted `p` with its padding checked (every padding byte = its length). */
  private static unpad(p: Uint8Array, macBytes: number): Uint8Array | undefined {
    const pad = p[p.length - 1];
    if (pad + 1 + macBytes > p.length) return undefined;
    for (let i = p.length - 1 - pad; i < p.length - 1; i++) if (p[i] !== pad) return undefined;
    return p.subarray(0, p.length - 1 - pad);
  }

  private openCbc(header: Uint8Array, fragment: Uint8Array, seq: number): Opened | undefined {
    const s = this.suite;
    const cbc = this.crypto.cbcDecrypt;
    const macBytes = hashBytes(s.mac!);
    if (!cbc || !this.macKey) return undefined;
    if (this.encryptThenMac) {
      const body = fragment.subarray(0, fragment.length - macBytes);
      if (body.length < 32 || body.length % 16 !== 0) return undefined;
      if (!sameBytes(this.mac(header, seq, body), fragment.subarray(body.length))) return undefined;
      const p = cbc.call(this.crypto, s.cbc!, this.key, body.subarray(0, 16), body.subarray(16));
      const content = p && RecordKeys.unpad(p, 0);
      return content ? { type: header[0], plaintext: content } : undefined;
    }
    if (fragment.length < 32 || fragment.length % 16 !== 0) return undefined;
    const p = cbc.call(this.crypto, s.cbc!, this.key, fragment.subarray(0, 16), fragment.subarray(16));
    const withMac = p && RecordKeys.unpad(p, macBytes);
    if (!withMac) return undefined;
    const content = withMac.subarray(0, withMac.length - macBytes);
    if (!sameBytes(this.mac(header, seq, content), withMac.subarray(content.length))) return undefined;
    return { type: header[0], plaintext: content };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * TLS 1.2 keys of both directions from the master secret (RFC 5246 §6.3): MAC keys (CBC suites
 * only), write keys, implicit IVs (AEAD suites only). `encryptThenMac`: the ServerHello's RFC 7366
 * extension.
 */
export function tls12Keys(
  c: TlsCrypto,
  suite: SuiteInfo,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  encryptThenMac = false,
): { c2s: RecordKeys; s2c: RecordKeys } {
  const macBytes = suite.mac ? hashBytes(suite.mac) : 0;
  const n = 2 * macBytes + 2 * suite.keyBytes + 2 * suite.ivBytes;
  const block = prf12(c, suite.hash, master, 'key expansion', concat(serverRandom, clientRandom), n);
  let o = 0;
  const take = (k: number) => block.slice(o, (o += k));
  const cmac = take(macBytes);
  const smac = take(macBytes);
  const ck = take(suite.keyBytes);
  const sk = take(suite.keyBytes);
  const civ = take(suite.ivBytes);
  const siv = take(suite.ivBytes);
  const mac = (k: Uint8Array) => (suite.mac ? k : undefined);
  return {
    c2s: new RecordKeys(c, suite, ck, civ, undefined, mac(cmac), encryptThenMac),
    s2c: new RecordKeys(c, suite, sk, siv, undefined, mac(smac), encryptThenMac),
  };
}
