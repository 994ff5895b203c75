/**
 * pcapng Decryption Secrets Blocks (draft-ietf-opsawg-pcapng §4.7) for a finished capture: what
 * `editcap --inject-secrets tls,FILE` writes, so a capture carries the TLS secrets that decrypt it
 * (Wireshark and callscope read them; decoders/capture/reader.ts hands them to the key store).
 */

/** Block type of a Section Header Block (the reader and the writer use these constants too). */
export const BLOCK_SHB = 0x0a0d0d0a;
/** Byte-order magic of a Section Header Block. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Block type of a DSB. */
export const BLOCK_DSB = 0x0000000a;
/** Secrets type of an NSS key log (`TLSK`). */
export const SECRETS_TLS_KEY_LOG = 0x544c534b;

/** A DSB holding `keyLog` (NSS key log lines) in the section's byte order. */
export function tlsSecretsBlock(keyLog: string, littleEndian: boolean): Uint8Array {
  const data = new TextEncoder().encode(keyLog);
  const padded = (data.length + 3) & ~3;
  const total = 20 + padded;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, BLOCK_DSB, littleEndian);
  dv.setUint32(4, total, littleEndian);
  dv.setUint32(8, SECRETS_TLS_KEY_LOG, littleEndian);
  dv.setUint32(12, data.length, littleEndian);
  out.set(data, 16);
  dv.setUint32(total - 4, total, littleEndian);
  return out;
}

/**
 * Where the first Section Header Block of a pcapng file ends and its byte order, from its first
 * bytes (at least 12); undefined when they are not the start of a pcapng file.
 */
export function firstSectionHeader(head: Uint8Array): { end: number; littleEndian: boolean } | undefined {
  if (head.length < 12) return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (dv.getUint32(0, true) !== BLOCK_SHB) return undefined;
  const littleEndian = dv.getUint32(8, true) === BYTE_ORDER_MAGIC;
  if (!littleEndian && dv.getUint32(8, false) !== BYTE_ORDER_MAGIC) return undefined;
  const end = dv.getUint32(4, littleEndian);
  if (end < 28 || end % 4 !== 0) return undefined;
  return { end, littleEndian };
}
