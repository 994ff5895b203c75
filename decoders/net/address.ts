/**
 * IP address text with small direct-mapped caches, so the per-packet path returns an existing
 * string for the addresses a capture repeats (a handful of hosts, millions of packets) instead
 * of building a new one each time.
 *
 * IPv6 text follows RFC 5952: lower-case hex, leading zeros dropped, the longest run of two or
 * more zero groups (the first when tied) written `::`, IPv4-mapped addresses as ::ffff:a.b.c.d.
 */

const V4_SLOTS = 1024;
const v4Keys = new Int32Array(V4_SLOTS);
const v4Used = new Uint8Array(V4_SLOTS);
const v4Text: string[] = new Array(V4_SLOTS).fill('');

/** Dotted-quad text of the IPv4 address at b[o..o+4). */
export function ipv4Text(b: Uint8Array, o: number): string {
  const key = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  const slot = (key ^ (key >>> 10) ^ (key >>> 20)) & (V4_SLOTS - 1);
  if (v4Used[slot] === 1 && v4Keys[slot] === key) return v4Text[slot];
  const s = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  v4Keys[slot] = key;
  v4Used[slot] = 1;
  v4Text[slot] = s;
  return s;
}

const V6_SLOTS = 1024;
const v6Keys = new Int32Array(V6_SLOTS * 4);
const v6Used = new Uint8Array(V6_SLOTS);
const v6Text: string[] = new Array(V6_SLOTS).fill('');

/** RFC 5952 text of the IPv6 address at b[o..o+16). */
export function ipv6Text(b: Uint8Array, o: number): string {
  const w0 = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  const w1 = (b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7];
  const w2 = (b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11];
  const w3 = (b[o + 12] << 24) | (b[o + 13] << 16) | (b[o + 14] << 8) | b[o + 15];
  let h = (w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca6b) ^ Math.imul(w3, 0xc2b2ae35)) | 0;
  h ^= h >>> 15;
  h ^= h >>> 7;
  const slot = h & (V6_SLOTS - 1);
  const k = slot * 4;
  if (v6Used[slot] === 1 && v6Keys[k] === w0 && v6Keys[k + 1] === w1 && v6Keys[k + 2] === w2 && v6Keys[k + 3] === w3) {
    return v6Text[slot];
  }
  const s = formatIpv6(b, o);
  v6Keys[k] = w0;
  v6Keys[k + 1] = w1;
  v6Keys[k + 2] = w2;
  v6Keys[k + 3] = w3;
  v6Used[slot] = 1;
  v6Text[slot] = s;
  return s;
}

/** RFC 5952 formatting without the cache. */
export function formatIpv6(b: Uint8Array, o: number): string {
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 section 5).
  let mapped = true;
  for (let i = 0; i < 10; i++) if (b[o + i] !== 0) mapped = false;
  if (mapped && b[o + 10] === 0xff && b[o + 11] === 0xff) {
    return `::ffff:${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
  }
  // Longest run of zero groups (length ≥ 2), first one on ties (section 4.2).
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && b[o + 2 * g] === 0 && b[o + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
    } else if (runStart >= 0) {
      const len = g - runStart;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += '::';
      g += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += ((b[o + 2 * g] << 8) | b[o + 2 * g + 1]).toString(16);
  }
  return s;
}
