/**
 * One direction's unconsumed bytes for the HTTP/1 parser, always contiguous: `buf[s..e)`. The
 * parser's hot paths index `buf` directly, without views or walking chunks.
 *
 * A segment that arrives with nothing buffered (the usual case: a keep-alive connection whose
 * messages end with their segments) is *lent*: `buf` is the caller's own view and nothing is
 * copied. The caller must call `own()` before that memory changes (at the end of the call that
 * received it); only what is still unconsumed is copied then, usually nothing.
 */
const EMPTY = new Uint8Array(0);
/** Storage larger than this is given back once emptied. */
const KEEP_STORE = 1 << 16;

export class Input {
  /** The bytes are buf[s..e): the lent segment, or our storage. */
  buf: Uint8Array = EMPTY;
  s = 0;
  e = 0;
  private store: Uint8Array = EMPTY;
  private lent = false;

  get length(): number {
    return this.e - this.s;
  }

  /** Append a segment (lent when nothing is buffered: see `own`). */
  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.s === this.e) {
      this.buf = bytes;
      this.s = 0;
      this.e = n;
      this.lent = true;
      return;
    }
    if (this.lent) this.own();
    const len = this.e - this.s;
    let store = this.store;
    if (this.e + n > store.length) {
      if (len + n <= store.length >> 1) store.copyWithin(0, this.s, this.e);
      else {
        let cap = Math.max(1024, store.length);
        while (cap < len + n) cap *= 2;
        const grown = new Uint8Array(cap);
        grown.set(store.subarray(this.s, this.e));
        this.store = this.buf = store = grown;
      }
      this.s = 0;
      this.e = len;
    }
    store.set(bytes, this.e);
    this.e += n;
  }

  /** Copy what is still buffered of a lent segment into our storage. */
  own(): void {
    if (!this.lent) return;
    this.lent = false;
    const len = this.e - this.s;
    if (len > this.store.length) {
      let cap = 1024;
      while (cap < len) cap *= 2;
      this.store = new Uint8Array(cap);
    }
    if (len) this.store.set(this.buf.subarray(this.s, this.e));
    this.buf = this.store;
    this.s = 0;
    this.e = len;
  }

  /** Byte i (i < length). */
  at(i: number): number {
    return this.buf[this.s + i];
  }

  /** A view of the first n bytes (n ≤ length); valid until the next push, own or clear. */
  peek(n: number): Uint8Array {
    return this.buf.subarray(this.s, this.s + n);
  }

  /** Index of the first byte `v` at or after `from`, before `limit`; -1 if none. */
  indexOf(v: number, from = 0, limit = Infinity): number {
    const b = this.buf;
    const end = this.s + Math.min(limit, this.e - this.s);
    for (let i = this.s + Math.max(0, from); i < end; i++) if (b[i] === v) return i - this.s;
    return -1;
  }

  /** Remove and return (a copy of) the first n bytes. */
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.s, this.s + n);
    this.skip(n);
    return out;
  }

  /** Drop the first n bytes (n ≤ length). */
  skip(n: number): void {
    if (n > this.e - this.s) throw new RangeError(`skip(${n}) past ${this.e - this.s} buffered bytes`);
    this.s += n;
    if (this.s === this.e) this.empty();
  }

  clear(): void {
    this.lent = false;
    this.empty();
  }

  private empty(): void {
    if (this.lent) return; // (the lent segment is dropped by own)
    this.s = this.e = 0;
    if (this.store.length > KEEP_STORE) this.store = EMPTY;
    this.buf = this.store;
  }
}
