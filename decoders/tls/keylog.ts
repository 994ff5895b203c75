/**
 * The NSS key log format (`SSLKEYLOGFILE`, as written by NSS, OpenSSL/BoringSSL through curl,
 * Chrome, Firefox, Node's `--tls-keylog`, Go's `KeyLogWriter`, Python's `keylog_filename`): one
 * secret per line, `LABEL <client random, 64 hex digits> <secret, hex>`, `#` comments and blank
 * lines ignored. Also the text of a pcapng Decryption Secrets Block of type TLSK, which holds the
 * same lines.
 *
 * Kept: `CLIENT_RANDOM` (TLS ≤ 1.2 master secret, 48 bytes) and the TLS 1.3 handshake and first
 * application traffic secrets of both sides. Other labels (`EXPORTER_SECRET`,
 * `CLIENT_EARLY_TRAFFIC_SECRET`, `RSA`…) are skipped. Bounded: at most MAX_SECRETS entries (the
 * first ones kept), lines longer than MAX_LINE skipped.
 */
import type { TlsSecrets } from '../core/env';
import { toHex } from '../core/bytes';

/** Labels kept, and the secret lengths they may have (bytes). */
const LABELS: Record<string, number[]> = {
  CLIENT_RANDOM: [48],
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: [32, 48],
  SERVER_HANDSHAKE_TRAFFIC_SECRET: [32, 48],
  CLIENT_TRAFFIC_SECRET_0: [32, 48],
  SERVER_TRAFFIC_SECRET_0: [32, 48],
};

export const MAX_SECRETS = 200_000;
export const MAX_LINE = 1024;

function hexBytes(h: string): Uint8Array | undefined {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.substr(i * 2, 2), 16);
  return out;
}

/** A bounded in-memory key log. */
export class KeyLog implements TlsSecrets {
  private readonly map = new Map<string, Uint8Array>();
  /** Lines that looked like entries but could not be read (bad hex, wrong lengths, too long). */
  malformed = 0;
  /** Entries not kept because the store was full. */
  dropped = 0;

  get size(): number {
    return this.map.size;
  }

  get(label: string, clientRandom: Uint8Array): Uint8Array | undefined {
    return this.map.get(`${label} ${toHex(clientRandom)}`);
  }

  add(text: string): void {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end - start <= MAX_LINE) this.line(text.slice(start, end));
      else this.malformed++;
      start = end + 1;
    }
  }

  private line(raw: string): void {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    const lengths = LABELS[parts[0]];
    if (!lengths) return;
    const random = parts.length === 3 && parts[1].length === 64 ? hexBytes(parts[1]) : undefined;
    const secret = random ? hexBytes(parts[2]) : undefined;
    if (!random || !secret || !lengths.includes(secret.length)) {
      this.malformed++;
      return;
    }
    const key = `${parts[0]} ${toHex(random)}`;
    if (this.map.has(key)) return;
    if (this.map.size >= MAX_SECRETS) {
      this.dropped++;
      return;
    }
    this.map.set(key, secret);
  }
}
