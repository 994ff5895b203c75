/**
 * The NSS key log format (`SSLKEYLOGFILE`, as written by NSS, OpenSSL/BoringSSL through curl,
 * Chrome, Firefox, Node's `--tls-keylog`, Go's `KeyLogWriter`, Python's `keylog_filename`): one
 * secret per line, `LABEL <client random, 64 hex digits> <secret, hex>`, `#` comments and blank
 * lines ignored. Also the text of a pcapng Decryption Secrets Block of type TLSK, which holds the
 * same lines.
 *
 * Kept: `CLIENT_RANDOM` (TLS ≤ 1.2 master secret, 48 bytes), the TLS 1.3 handshake and first
 * application traffic secrets of both sides, and the client's 0-RTT secret
 * (`CLIENT_EARLY_TRAFFIC_SECRET`). Other labels (`EXPORTER_SECRET`, `RSA`…) are skipped. Bounded: at most MAX_SECRETS entries (the
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
  CLIENT_EARLY_TRAFFIC_SECRET: [32, 48],
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

/**
 * A store that may still receive secrets while the capture is decoded (live capture: the key log
 * is followed as the client appends to it). A connection whose secrets are not there yet waits
 * for them, bounded (decoders/tls `HOLD_*`), instead of giving up at its first encrypted record.
 * The decoders have no clock: `looks` counts the looks at the key logs (the follower says each),
 * so a connection waits a few looks, not an amount of time a busy machine would not keep.
 */
export interface GrowingSecrets extends TlsSecrets {
  /** True while secrets may still come; false: decide at once, as with a file. */
  readonly growing: boolean;
  /** Bumped each time `add` keeps a new secret. */
  readonly generation: number;
  /** Looks at the key logs so far (each one read up to its end). */
  readonly looks: number;
  /**
   * Call `fn` after each `add` that kept a new secret, each look and when `growing` ends; returns
   * the unsubscribe, or undefined when too many wait already (MAX_LISTENERS: decide at once).
   */
  subscribe(fn: () => void): (() => void) | undefined;
  /**
   * Count `bytes` more (negative: fewer) as held by connections waiting for their secrets; false
   * when that would pass MAX_HELD_BYTES over all of them (nothing counted: the caller stops waiting).
   */
  reserve(bytes: number): boolean;
}

/** The store as a growing one, when it is one and still grows. */
export function growingSecrets(s: TlsSecrets | undefined): GrowingSecrets | undefined {
  const g = s as Partial<GrowingSecrets> | undefined;
  return g && g.growing === true && typeof g.subscribe === 'function' ? (g as GrowingSecrets) : undefined;
}

/** Listeners at most (connections waiting for their secrets at once); past it, a connection is decided at once. */
export const MAX_LISTENERS = 4096;
/** Bytes held at most by all the connections waiting for their secrets, together. */
export const MAX_HELD_BYTES = 64 << 20;

/** A bounded in-memory key log. */
export class KeyLog implements GrowingSecrets {
  private readonly map = new Map<string, Uint8Array>();
  private readonly listeners = new Set<() => void>();
  /** Client randoms (hex) whose secrets were found (see usedLines). */
  private readonly used = new Set<string>();
  private live = false;
  /** Lines that looked like entries but could not be read (bad hex, wrong lengths, too long). */
  malformed = 0;
  /** Entries not kept because the store was full. */
  dropped = 0;
  generation = 0;
  looks = 0;
  /** Bytes held now by the connections waiting for their secrets. */
  heldBytes = 0;

  get size(): number {
    return this.map.size;
  }

  /** See GrowingSecrets; false unless set (a key log read whole, or Decryption Secrets Blocks). */
  get growing(): boolean {
    return this.live;
  }

  /** Secrets may still come (true) or not any more (false: the connections still waiting are told). */
  setGrowing(on: boolean): void {
    if (this.live === on) return;
    this.live = on;
    if (!on) this.notify();
  }

  get(label: string, clientRandom: Uint8Array): Uint8Array | undefined {
    const random = toHex(clientRandom);
    const secret = this.map.get(`${label} ${random}`);
    if (secret && this.used.size < MAX_SECRETS) this.used.add(random);
    return secret;
  }

  /**
   * The key log lines of the connections that looked up a secret and found it (every kept label of
   * their client random): what a capture of those connections needs to be decrypted later, and not
   * the secrets of other sessions a browser's key log holds.
   */
  usedLines(): string {
    let out = '';
    if (!this.used.size) return out;
    for (const [key, secret] of this.map) {
      const sp = key.indexOf(' ');
      if (this.used.has(key.slice(sp + 1))) out += `${key} ${toHex(secret)}\n`;
    }
    return out;
  }

  add(text: string): void {
    const before = this.map.size;
    keyLogLines(text, (line) => {
      const e = line === undefined ? 'malformed' : keyLogEntry(line);
      if (e === 'malformed') this.malformed++;
      else if (e && !this.map.has(e.key)) {
        if (this.map.size >= MAX_SECRETS) this.dropped++;
        else this.map.set(e.key, e.secret);
      }
    });
    if (this.map.size === before) return;
    this.generation++;
    this.notify();
  }

  /** The key logs were looked at (read up to their end): told to the connections waiting. */
  looked(): void {
    this.looks++;
    if (this.listeners.size) this.notify();
  }

  reserve(bytes: number): boolean {
    if (bytes > 0 && this.heldBytes + bytes > MAX_HELD_BYTES) return false;
    this.heldBytes = Math.max(0, this.heldBytes + bytes);
    return true;
  }

  subscribe(fn: () => void): (() => void) | undefined {
    if (this.listeners.size >= MAX_LISTENERS) return undefined;
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  private notify(): void {
    // A listener unsubscribes itself when told (its connection is decided): iterate over a copy.
    for (const fn of [...this.listeners]) {
      try {
        fn();
      } catch {
        // a listener's failure is its own (the TLS decoder catches its errors and says so)
      }
    }
  }
}
