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
import { fromHex, toHex } from '../core/bytes';

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

const hexBytes = (h: string): Uint8Array | undefined => (h.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(h) ? fromHex(h) : undefined);

/**
 * One key log line: its entry (`LABEL <client random hex>` and the secret), 'malformed' when it
 * has a kept label but cannot be read, undefined for comments, blank lines and other labels.
 */
export function keyLogEntry(raw: string): { key: string; secret: Uint8Array } | 'malformed' | undefined {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return undefined;
  const parts = line.split(/\s+/);
  const lengths = LABELS[parts[0]];
  if (!lengths) return undefined;
  const random = parts.length === 3 && parts[1].length === 64 ? hexBytes(parts[1]) : undefined;
  const secret = random ? hexBytes(parts[2]) : undefined;
  if (!random || !secret || !lengths.includes(secret.length)) return 'malformed';
  return { key: `${parts[0]} ${toHex(random)}`, secret };
}

/** Each line of key log text, overlong ones (> MAX_LINE) as undefined; stops when `each` returns true. */
export function keyLogLines(text: string, each: (line: string | undefined) => boolean | void): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (each(end - start <= MAX_LINE ? text.slice(start, end) : undefined)) return;
    start = end + 1;
  }
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
    keyLogLines(text, (line) => {
      const e = line === undefined ? 'malformed' : keyLogEntry(line);
      if (e === 'malformed') this.malformed++;
      else if (e && !this.map.has(e.key)) {
        if (this.map.size >= MAX_SECRETS) this.dropped++;
        else this.map.set(e.key, e.secret);
      }
    });
  }
}
