/**
 * QUIC Initial packets opened: their keys come from the client's first Destination Connection ID
 * and a salt every QUIC version publishes (RFC 9001 §5.2; QUIC v2: RFC 9369 §3.3), so anyone can
 * read them: the ClientHello (server name, ALPN) and the ServerHello (cipher suite) travel there
 * in CRYPTO frames. Header protection (§5.4) is removed with AES-ECB of a 16-byte sample, the
 * payload opened with AES-128-GCM (§5.3). Everything after the Initials needs the TLS secrets.
 *
 * Pure: the crypto is injected (TlsCrypto.hmac, aeadOpen, aesEncryptBlock). Every length is
 * checked against the datagram; CRYPTO data is kept up to MAX_CRYPTO bytes per direction.
 */
import type { TlsCrypto } from '../core/env';
import { concatBytes, fromHex } from '../core/bytes';
import { hkdfExpandLabel } from '../tls/decrypt';

const V1 = 0x00000001;
const V2 = 0x6b3343cf;
/** RFC 9001 §5.2 (also drafts 33 and 34). */
const SALT_V1 = fromHex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
/** draft-ietf-quic-tls-29 … -32 §5.2. */
const SALT_DRAFT29 = fromHex('afbfec289993d24c9e9786f19c6111e04390a899');
/** RFC 9369 §3.3.1. */
const SALT_V2 = fromHex('0dede3def700a6db819381be6e269dcbf9bd2ed9');
/** CRYPTO bytes kept per direction (a ClientHello with a post-quantum key share is ~1.8 KB). */
const MAX_CRYPTO = 64 << 10;
const MAX_FRAMES = 256;

export interface InitialKeys {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

/** The Initial keys of one side (`server`: the keys the server's Initials are protected with). */
export function initialKeys(c: TlsCrypto, version: number, dcid: Uint8Array, server: boolean): InitialKeys | undefined {
  const draft = version >>> 8 === 0xff0000 ? version & 0xff : 0;
  const salt = version === V1 || draft === 33 || draft === 34 ? SALT_V1 : version === V2 ? SALT_V2 : draft >= 29 && draft <= 32 ? SALT_DRAFT29 : undefined;
  if (!salt) return undefined;
  const initial = c.hmac('sha256', salt, dcid); // HKDF-Extract(salt, DCID)
  const secret = hkdfExpandLabel(c, 'sha256', initial, server ? 'server in' : 'client in', new Uint8Array(0), 32);
  const p = version === V2 ? 'quicv2 ' : 'quic ';
  return {
    key: hkdfExpandLabel(c, 'sha256', secret, `${p}key`, new Uint8Array(0), 16),
    iv: hkdfExpandLabel(c, 'sha256', secret, `${p}iv`, new Uint8Array(0), 12),
    hp: hkdfExpandLabel(c, 'sha256', secret, `${p}hp`, new Uint8Array(0), 16),
  };
}

/** RFC 9000 §16 variable-length integer at `o`: [value, length] or undefined past `end`. */
export function varint(b: Uint8Array, o: number, end = b.length): [number, number] | undefined {
  if (o >= end) return undefined;
  const n = 1 << (b[o] >> 6);
  if (o + n > end) return undefined;
  let v = b[o] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[o + i];
  return [v, n];
}

/**
 * Open the Initial packet in d[start..end) whose (protected) packet number starts at `pnOffset`
 * (the header read by parseDatagram): its plaintext payload and packet number, or a reason it
 * could not be opened.
 */
export function openInitial(c: TlsCrypto, keys: InitialKeys, d: Uint8Array, start: number, pnOffset: number, end: number): { payload: Uint8Array; pn: number } | { problem: string } {
  if (!c.aesEncryptBlock) return { problem: 'no AES block cipher on this platform' };
  if (end > d.length) return { problem: 'packet runs past the datagram' };
  // Header protection (RFC 9001 §5.4.2): the sample starts 4 bytes after the packet number's start.
  if (pnOffset + 4 + 16 > end) return { problem: 'packet too short for its header protection sample' };
  const mask = c.aesEncryptBlock(keys.hp, d.subarray(pnOffset + 4, pnOffset + 20));
  const b0 = d[start] ^ (mask[0] & 0x0f);
  const pnLen = (b0 & 3) + 1;
  const header = d.slice(start, pnOffset + pnLen);
  header[0] = b0;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    header[pnOffset - start + i] ^= mask[1 + i];
    pn = pn * 256 + header[pnOffset - start + i];
  }
  // (the truncated packet number is the full one for the first 2^(8·pnLen) packets: all an Initial exchange has)
  const nonce = keys.iv.slice();
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  const payload = c.aeadOpen('aes-128-gcm', keys.key, nonce, header, d.subarray(pnOffset + pnLen, end));
  return payload ? { payload, pn } : { problem: 'authentication failed (not an Initial of this connection, or damaged)' };
}

/** The CRYPTO frames of an Initial payload (RFC 9000 §19.6), skipping PADDING, PING, ACK and CONNECTION_CLOSE. */
export function cryptoFrames(payload: Uint8Array): { frames: Array<{ offset: number; data: Uint8Array }>; problem?: string } {
  const frames: Array<{ offset: number; data: Uint8Array }> = [];
  const n = payload.length;
  let o = 0;
  for (let count = 0; o < n && count < MAX_FRAMES; count++) {
    const type = payload[o];
    if (type === 0x00 || type === 0x01) {
      o++;
      continue;
    }
    if (type === 0x02 || type === 0x03) {
      // ACK (§19.3): largest, delay, range count, first range, then (gap, length) pairs; ECN counts for 0x03.
      let p = o + 1;
      const fields: number[] = [];
      for (let i = 0; i < 4; i++) {
        const v = varint(payload, p, n);
        if (!v) return { frames, problem: 'ACK frame cut short' };
        fields.push(v[0]);
        p += v[1];
      }
      const more = fields[2] * 2 + (type === 0x03 ? 3 : 0);
      if (more > n) return { frames, problem: 'ACK frame with too many ranges' };
      for (let i = 0; i < more; i++) {
        const v = varint(payload, p, n);
        if (!v) return { frames, problem: 'ACK frame cut short' };
        p += v[1];
      }
      o = p;
      continue;
    }
    if (type === 0x06) {
      const off = varint(payload, o + 1, n);
      const len = off && varint(payload, o + 1 + off[1], n);
      if (!off || !len) return { frames, problem: 'CRYPTO frame cut short' };
      const at = o + 1 + off[1] + len[1];
      if (at + len[0] > n) return { frames, problem: 'CRYPTO frame runs past the packet' };
      frames.push({ offset: off[0], data: payload.subarray(at, at + len[0]) });
      o = at + len[0];
      continue;
    }
    if (type === 0x1c) {
      // CONNECTION_CLOSE (§19.19): error code, frame type, reason.
      let p = o + 1;
      for (let i = 0; i < 2; i++) {
        const v = varint(payload, p, n);
        if (!v) return { frames, problem: 'CONNECTION_CLOSE frame cut short' };
        p += v[1];
      }
      const r = varint(payload, p, n);
      if (!r || p + r[1] + r[0] > n) return { frames, problem: 'CONNECTION_CLOSE frame cut short' };
      o = p + r[1] + r[0];
      continue;
    }
    return { frames, problem: `frame type 0x${type.toString(16)} not expected in an Initial packet` };
  }
  return { frames };
}

/** One direction's CRYPTO stream: pieces by offset, the contiguous start read as handshake messages. */
export class CryptoStream {
  private pieces = new Map<number, Uint8Array>();
  private kept = 0;
  /** Bytes from offset 0 without a hole. */
  private head: Uint8Array = new Uint8Array(0);
  /** More data than MAX_CRYPTO arrived. */
  overflow = false;

  add(offset: number, data: Uint8Array): void {
    if (offset + data.length <= this.head.length || data.length === 0) return;
    if (this.kept + data.length > MAX_CRYPTO || offset > MAX_CRYPTO) {
      this.overflow = true;
      return;
    }
    this.pieces.set(offset, data.slice());
    this.kept += data.length;
    // Join what now follows the contiguous start.
    const parts: Uint8Array[] = [this.head];
    let at = this.head.length;
    for (let moved = true; moved; ) {
      moved = false;
      for (const [o, piece] of this.pieces) {
        if (o <= at && o + piece.length > at) {
          parts.push(piece.subarray(at - o));
          at = o + piece.length;
          this.pieces.delete(o);
          moved = true;
        } else if (o + piece.length <= at) this.pieces.delete(o);
      }
    }
    if (parts.length > 1) this.head = concatBytes(parts);
  }

  /** The first handshake message of type `type` (its body, after the 4-byte header) once it is whole. */
  message(type: number): Uint8Array | undefined {
    const h = this.head;
    let o = 0;
    while (o + 4 <= h.length) {
      const len = (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
      if (o + 4 + len > h.length) return undefined;
      if (h[o] === type) return h.subarray(o + 4, o + 4 + len);
      o += 4 + len;
    }
    return undefined;
  }
}
