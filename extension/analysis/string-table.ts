/**
 * Interned strings kept as bytes, not as JS strings: the call index's tables (targets, endpoints,
 * methods…). Id 0 is "absent"; the empty string is a string like any other.
 *
 * A JS string per distinct value plus a Map entry cost ~100 bytes each, and more when the decoder's
 * string is a slice of a larger one: V8 keeps the whole parent (the request head) alive. On the
 * 527 MB HTTP bench capture the 254,353 distinct targets took 39 MB of heap that way (22 MB of
 * it request heads); here they take ~10 MB: their code units in one growable byte arena, start
 * and length per id in typed arrays, and an open-addressing hash (typed array of ids) to find
 * them again.
 *
 * A string whose code units all fit a byte is stored one byte a unit; any other as its UTF-16
 * code units, two bytes each (at an even offset), so any string — lone surrogates included —
 * comes back exactly. Strings of the first ids are also kept decoded (`CACHED`): the small
 * tables (protocol, kind, state, method) never decode twice.
 *
 * Strings longer than a limit are kept as their start, marked cut (see the constructor).
 *
 * Pure: no node, no vscode.
 */

/** Ids below this keep their decoded string. */
const CACHED = 1024;
/** Longest run given to one String.fromCharCode call. */
const CHUNK = 8192;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** How long an interned string may be: see StringTable's constructor. */
export interface StringTableLimits {
  /** Code units kept of a string while the table holds less than `softBytes` (default 2048). */
  fullChars?: number;
  /** Bytes of strings after which new strings keep only `shortChars` code units (default 64 MiB). */
  softBytes?: number;
  /** Code units kept of a string once the table holds `softBytes` (default 128). */
  shortChars?: number;
}

export class StringTable {
  private readonly fullChars: number;
  private readonly softBytes: number;
  private readonly shortChars: number;

  /**
   * Strings longer than the limits are kept cut (isCut): the table stays bounded whatever the
   * capture holds (a target is as long as a request line: 64 KiB and more), about `softBytes` plus
   * `shortChars` code units a distinct string beyond it, as an index does. The calls keep the
   * whole strings (the spill file); readers of a cut entry that need it whole read the call.
   */
  constructor(limits: StringTableLimits = {}) {
    this.fullChars = limits.fullChars ?? 2048;
    this.softBytes = limits.softBytes ?? 64 << 20;
    this.shortChars = limits.shortChars ?? 128;
  }

  /** Code units of every string (see the top). */
  private bytes = new Uint8Array(4096);
  private used = 0;
  /** Per id: start in `bytes`; length in code units × 4, + 2 when cut (see intern), + 1 when stored two bytes a unit. */
  private starts = new Uint32Array(256);
  private lens = new Uint32Array(256);
  /** Ids in use, absent (0) included. */
  private n = 1;
  /** Open addressing, linear probing: slot → id (0: empty). A power of two, at most half full. */
  private slots = new Uint32Array(512);
  private readonly cache: Array<string | undefined> = [];
  /** The string interned last and its id: the same string object often comes again (protocol, method). */
  private last: string | undefined;
  private lastId = 0;
  private rankCache?: { n: number; ranks: Uint32Array };

  /** Distinct strings, absent not counted. */
  get size(): number {
    return this.n - 1;
  }

  intern(s: string | undefined): number {
    if (s === undefined) return 0;
    if (s === this.last) return this.lastId;
    // Bounded whatever the input: a long string is kept as its first code units, marked cut (a
    // cut string and a whole one of the same text are different entries). Past `softBytes` new
    // strings are cut shorter, but one the table already holds as it was then keeps its id.
    let id = this.find(s, this.fullChars, this.used >= this.softBytes && s.length > this.shortChars);
    if (id < 0) id = this.find(s, this.shortChars, false);
    this.last = s;
    this.lastId = id;
    return id;
  }

  /**
   * The id of `s` kept to `limit` code units; added when absent unless `lookOnly` (then -1).
   */
  private find(full: string, limit: number, lookOnly: boolean): number {
    const cut = full.length > limit ? 1 : 0;
    const s = cut ? full.slice(0, limit) : full;
    const len = s.length;
    let h = 0x811c9dc5;
    let or = 0;
    for (let i = 0; i < len; i++) {
      const u = s.charCodeAt(i);
      or |= u;
      h = Math.imul(h ^ u, 0x01000193);
    }
    const wide = or > 0xff ? 1 : 0;
    const lenKey = len * 4 + cut * 2 + wide;
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = mix(h ^ cut) & mask;
    for (let id = slots[slot]; id !== 0; id = slots[slot]) {
      if (this.lens[id] === lenKey && this.equals(id, s)) return id;
      slot = (slot + 1) & mask;
    }
    if (lookOnly) return -1;
    const id = this.add(s, wide, cut);
    slots[slot] = id;
    if (this.n * 2 > slots.length) this.rehash(slots.length * 2);
    return id;
  }

  /** Was the string of this id cut to the limits (its start only)? */
  isCut(id: number): boolean {
    return id > 0 && id < this.n && (this.lens[id] & 2) !== 0;
  }

  get(id: number): string | undefined {
    if (id < CACHED) {
      const c = this.cache[id];
      if (c !== undefined) return c;
    }
    if (id <= 0 || id >= this.n) return undefined;
    const s = this.decode(id);
    if (id < CACHED) this.cache[id] = s;
    return s;
  }

  /** Rank of every id in string order (code units; absent first, then ""), for sorting by the string without comparing strings. */
  ranks(): Uint32Array {
    const n = this.n;
    if (this.rankCache && this.rankCache.n === n) return this.rankCache.ranks;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // Code-unit order: a collator takes seconds over a million distinct targets.
    order.sort((a, b) => this.compare(a, b) || a - b);
    const ranks = new Uint32Array(n);
    for (let r = 0; r < n; r++) ranks[order[r]] = r;
    this.rankCache = { n, ranks };
    return ranks;
  }

  get approxBytes(): number {
    let n = this.bytes.byteLength + this.starts.byteLength + this.lens.byteLength + this.slots.byteLength + (this.rankCache?.ranks.byteLength ?? 0);
    for (const s of this.cache) if (s !== undefined) n += 2 * (s.length + 20);
    return n;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private add(s: string, wide: number, cut: number): number {
    const id = this.n;
    if (id === this.starts.length) {
      const cap = Math.ceil(id * 1.5);
      this.starts = grown(this.starts, cap);
      this.lens = grown(this.lens, cap);
    }
    const len = s.length;
    let at = this.used;
    if (wide) at += at & 1;
    const end = at + len * (wide + 1);
    if (end > 0xffffffff) throw new Error('interned strings exceed 4 GiB');
    if (end > this.bytes.length) {
      let cap = this.bytes.length;
      while (cap < end) cap = Math.ceil(cap * 1.5);
      const b = new Uint8Array(cap);
      b.set(this.bytes.subarray(0, this.used));
      this.bytes = b;
    }
    if (wide) {
      const u16 = new Uint16Array(this.bytes.buffer, at, len);
      for (let i = 0; i < len; i++) u16[i] = s.charCodeAt(i);
    } else {
      const b = this.bytes;
      for (let i = 0; i < len; i++) b[at + i] = s.charCodeAt(i);
    }
    this.used = end;
    this.starts[id] = at;
    this.lens[id] = len * 4 + cut * 2 + wide;
    this.n++;
    return id;
  }

  /** Whether id holds s (its length and width already match). */
  private equals(id: number, s: string): boolean {
    const at = this.starts[id];
    const l = this.lens[id];
    const len = l >>> 2;
    if (l & 1) {
      const u16 = new Uint16Array(this.bytes.buffer, at, len);
      for (let i = 0; i < len; i++) if (u16[i] !== s.charCodeAt(i)) return false;
      return true;
    }
    const b = this.bytes;
    for (let i = 0; i < len; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  private hashOf(id: number): number {
    const at = this.starts[id];
    const l = this.lens[id];
    const len = l >>> 2;
    let h = 0x811c9dc5;
    if (l & 1) {
      const u16 = new Uint16Array(this.bytes.buffer, at, len);
      for (let i = 0; i < len; i++) h = Math.imul(h ^ u16[i], 0x01000193);
    } else {
      const b = this.bytes;
      for (let i = 0; i < len; i++) h = Math.imul(h ^ b[at + i], 0x01000193);
    }
    return mix(h ^ ((l >>> 1) & 1));
  }

  private rehash(size: number): void {
    const slots = new Uint32Array(size);
    const mask = size - 1;
    for (let id = 1; id < this.n; id++) {
      let slot = this.hashOf(id) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }

  private decode(id: number): string {
    const at = this.starts[id];
    const l = this.lens[id];
    const len = l >>> 2;
    if (len <= 256 && !(l & 1)) {
      // Through a plain array: twice as fast as applying a typed array.
      const b = this.bytes;
      const a = new Array<number>(len);
      for (let i = 0; i < len; i++) a[i] = b[at + i];
      return String.fromCharCode.apply(null, a);
    }
    const units = l & 1 ? new Uint16Array(this.bytes.buffer, at, len) : this.bytes.subarray(at, at + len);
    if (len <= CHUNK) return String.fromCharCode.apply(null, units as unknown as number[]);
    let s = '';
    for (let i = 0; i < len; i += CHUNK) s += String.fromCharCode.apply(null, units.subarray(i, i + CHUNK) as unknown as number[]);
    return s;
  }

  /** Code-unit order of two ids' strings (absent as ""). */
  private compare(a: number, b: number): number {
    const la = this.lens[a];
    const lb = this.lens[b];
    const na = la >>> 2;
    const nb = lb >>> 2;
    const m = na < nb ? na : nb;
    const sa = this.starts[a];
    const sb = this.starts[b];
    if (!((la | lb) & 1)) {
      const by = this.bytes;
      for (let i = 0; i < m; i++) {
        const d = by[sa + i] - by[sb + i];
        if (d) return d;
      }
    } else {
      const ua = la & 1 ? new Uint16Array(this.bytes.buffer, sa, na) : this.bytes.subarray(sa, sa + na);
      const ub = lb & 1 ? new Uint16Array(this.bytes.buffer, sb, nb) : this.bytes.subarray(sb, sb + nb);
      for (let i = 0; i < m; i++) {
        const d = ua[i] - ub[i];
        if (d) return d;
      }
    }
    // A cut string stands for a longer one: after the whole string of the same text.
    return na - nb || ((la >>> 1) & 1) - ((lb >>> 1) & 1);
  }
}

function grown(a: Uint32Array<ArrayBuffer>, cap: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(cap);
  b.set(a);
  return b;
}
