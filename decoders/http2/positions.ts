/**
 * Where each buffered byte of one direction came from: the Position of every chunk handed to
 * `data`, so the byte that starts or ends a frame (or a gRPC message inside DATA frames) gets
 * the frame number and time of the packet that carried it, whatever the split.
 */
import type { Position } from '../core/decoder';

export class PositionTrack {
  private offsets: number[] = [];
  private frames: number[] = [];
  private times: number[] = [];
  private head = 0;

  add(at: Position): void {
    const n = this.offsets.length;
    if (n > this.head && this.offsets[n - 1] === at.streamOffset) {
      // An empty chunk earlier at the same offset: the later one carries the bytes.
      this.frames[n - 1] = at.frame;
      this.times[n - 1] = at.tsUs;
      return;
    }
    this.offsets.push(at.streamOffset);
    this.frames.push(at.frame);
    this.times.push(at.tsUs);
  }

  /** Position of the byte at stream offset `offset` (the chunk that carried it). */
  at(offset: number): Position {
    let i = this.head;
    const n = this.offsets.length;
    if (i >= n) return { frame: 0, tsUs: 0, streamOffset: offset };
    // Binary search for the last chunk starting at or before offset.
    let lo = this.head;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    i = lo;
    return { frame: this.frames[i], tsUs: this.times[i], streamOffset: offset };
  }

  /**
   * Where each chunk overlapping stream offsets [from, to) starts: the first entry is the
   * position of `from`, the others the chunk boundaries after it.
   */
  startsIn(from: number, to: number): Position[] {
    const out = [this.at(from)];
    for (let i = this.head; i < this.offsets.length; i++) {
      const o = this.offsets[i];
      if (o <= from) continue;
      if (o >= to) break;
      out.push({ frame: this.frames[i], tsUs: this.times[i], streamOffset: o });
    }
    return out;
  }

  /** Forget chunks that end before `offset`. */
  drop(offset: number): void {
    const n = this.offsets.length;
    while (this.head + 1 < n && this.offsets[this.head + 1] <= offset) this.head++;
    if (this.head > 1024 && this.head * 2 > n) {
      this.offsets = this.offsets.slice(this.head);
      this.frames = this.frames.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
