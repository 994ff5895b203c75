/**
 * Records sorted by a text key, in bounded memory: the CLI's table and HAR list every call in
 * start order, and a capture can hold millions of calls. Records are kept in memory up to a
 * budget; past it each full batch is sorted and written to a temporary file (a "run"), and the
 * runs are merged at the end (an external merge sort, like `sort(1)`). Memory: the budget plus a
 * 64 KiB read buffer per run. Small outputs never touch the disk. In a run each record is its
 * key's and its text's UTF-8 lengths (32 bits each, little-endian) then both, encoded straight
 * into a reused buffer (no joined strings, no escaping: a text may hold any character).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './analyze';

export interface SpoolOptions {
  /**
   * In-memory budget in bytes: two per character (text with a character above U+00FF, an arrow or
   * a dash, is stored two bytes per character) plus an overhead per record. Default 24 MiB
   * (CALLSCOPE_SPOOL_BYTES).
   */
  budgetBytes?: number;
  /** Folder for the runs (default: the OS temporary folder). */
  dir?: string;
}

const RECORD_OVERHEAD = 96;
const READ_BYTES = 64 << 10;
const WRITE_BYTES = 1 << 20;

export class SortedSpool {
  private keys: string[] = [];
  private texts: string[] = [];
  private used = 0;
  private readonly budget: number;
  private readonly parent: string;
  private dir: string | undefined;
  private runs: string[] = [];

  constructor(opts: SpoolOptions = {}) {
    this.budget = opts.budgetBytes ?? (Number(process.env.CALLSCOPE_SPOOL_BYTES) || 24 << 20);
    this.parent = opts.dir ?? tmpdir();
  }

  add(key: string, text: string): void {
    if (this.failure) return;
    this.keys.push(key);
    this.texts.push(text);
    this.used += 2 * (key.length + text.length) + RECORD_OVERHEAD;
    if (this.used > this.budget) this.spill();
  }

  /** Indexes of the in-memory records in key order (stable: equal keys keep their order). */
  private order(): number[] {
    const k = this.keys;
    const idx = Array.from(k, (_, i) => i);
    idx.sort((a, b) => (k[a] < k[b] ? -1 : k[a] > k[b] ? 1 : a - b));
    return idx;
  }

  private spill(): void {
    if (!this.keys.length) return;
    try {
      this.writeRun();
    } catch (e) {
      // Not thrown from here: `add` runs inside the decoders' callbacks, which would take it for
      // their own failure. `drain` reports it.
      const err = e as NodeJS.ErrnoException;
      this.failure = new UserError(
        `cannot write the temporary files that sort a large table or HAR in ${this.parent} (${err.code ?? err.message}): ` +
          'point TMPDIR at a folder with room (as large as the output), or use --format jsonl, which needs none',
      );
      this.dispose();
    }
  }

  /** Why records could not be kept (thrown by `drain`). */
  failure: UserError | undefined;

  private writeRun(): void {
    if (!this.dir) {
      this.dir = mkdtempSync(join(this.parent, 'callscope-sort-'));
      // Removed however the process ends (an exception, EPIPE, exit()).
      process.once('exit', () => this.dispose());
    }
    const file = join(this.dir, `run${this.runs.length}`);
    const fd = openSync(file, 'w');
    try {
      let buf = Buffer.allocUnsafe(WRITE_BYTES);
      let pos = 0;
      for (const i of this.order()) {
        const key = this.keys[i];
        const text = this.texts[i];
        // (at most 3 bytes of UTF-8 per UTF-16 unit)
        const need = 8 + 3 * (key.length + text.length);
        if (pos + need > buf.length) {
          writeSync(fd, buf, 0, pos);
          pos = 0;
          if (need > buf.length) buf = Buffer.allocUnsafe(need);
        }
        const k = buf.write(key, pos + 8);
        const t = buf.write(text, pos + 8 + k);
        buf.writeUInt32LE(k, pos);
        buf.writeUInt32LE(t, pos + 4);
        pos += 8 + k + t;
      }
      if (pos) writeSync(fd, buf, 0, pos);
    } finally {
      closeSync(fd);
    }
    this.runs.push(file);
    this.keys = [];
    this.texts = [];
    this.used = 0;
  }

  /** Every record's text in key order; `pause` is awaited every ~1 MiB of text (back-pressure). */
  async drain(each: (text: string) => void, pause: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    let since = 0;
    const give = async (t: string): Promise<void> => {
      each(t);
      since += t.length;
      if (since >= 1 << 20) {
        since = 0;
        await pause();
      }
    };
    try {
      if (!this.runs.length) {
        for (const i of this.order()) await give(this.texts[i]);
        return;
      }
      this.spill();
      if (this.failure) throw this.failure;
      const readers = this.runs.map((f) => new RunReader(f));
      try {
        // A binary heap of readers by their current key (ties: the earlier run first, which
        // keeps equal keys in the order they were added).
        const heap = readers.filter((r) => r.next());
        const less = (a: RunReader, b: RunReader) => (a.key < b.key ? true : a.key > b.key ? false : a.index < b.index);
        readers.forEach((r, i) => (r.index = i));
        const down = (i: number) => {
          for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < heap.length && less(heap[l], heap[m])) m = l;
            if (r < heap.length && less(heap[r], heap[m])) m = r;
            if (m === i) return;
            [heap[i], heap[m]] = [heap[m], heap[i]];
            i = m;
          }
        };
        for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
        while (heap.length) {
          const top = heap[0];
          await give(top.text);
          if (top.next()) down(0);
          else {
            const last = heap.pop()!;
            if (heap.length) {
              heap[0] = last;
              down(0);
            }
          }
        }
      } finally {
        for (const r of readers) r.close();
      }
    } finally {
      this.dispose();
    }
  }

  /** Every record's text in key order, when nothing was written to disk (an unlimited budget). */
  drainSync(each: (text: string) => void): void {
    if (this.runs.length) throw new Error('SortedSpool.drainSync: records were spilled to disk');
    for (const i of this.order()) each(this.texts[i]);
    this.dispose();
  }

  /** Forget everything and remove the temporary files. */
  dispose(): void {
    this.keys = [];
    this.texts = [];
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
      this.runs = [];
    }
  }
}

/** Lines of one run, read 64 KiB at a time. */
class RunReader {
  key = '';
  text = '';
  index = 0;
  private fd: number;
  private buf = Buffer.allocUnsafe(READ_BYTES);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  /** Reads the next record; false at the end of the run. */
  next(): boolean {
    for (;;) {
      const have = this.end - this.start;
      if (have >= 8) {
        const k = this.buf.readUInt32LE(this.start);
        const t = this.buf.readUInt32LE(this.start + 4);
        if (have >= 8 + k + t) {
          const at = this.start + 8;
          this.key = this.buf.toString('utf8', at, at + k);
          this.text = this.buf.toString('utf8', at + k, at + k + t);
          this.start = at + k + t;
          return true;
        }
        if (8 + k + t > this.buf.length) {
          const bigger = Buffer.allocUnsafe(8 + k + t);
          this.buf.copy(bigger, 0, this.start, this.end);
          this.buf = bigger;
          this.end = have;
          this.start = 0;
        }
      }
      if (this.eof) return false;
      // Keep the partial record at the front, fill the rest.
      if (this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.end);
        this.end = have;
        this.start = 0;
      }
      const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (n === 0) this.eof = true;
      this.end += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A number as a fixed-width decimal that sorts as text in numeric order: whole numbers from 0 to
 * 10^17 (microseconds since 1970 and call ids fit; a negative time, which only a broken
 * timestamp offset makes, sorts as 0).
 */
export function sortableNumber(n: number): string {
  const v = Math.round(n);
  return !(v > 0) ? '0'.repeat(17) : v >= 1e17 ? '9'.repeat(17) : String(v).padStart(17, '0');
}
