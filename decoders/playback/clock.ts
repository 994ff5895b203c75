/**
 * The playback clock, as pure logic: a capture's items (calls or frames, each with a capture
 * time) replayed on a wall clock at a chosen speed, with long idle gaps shortened, pause and
 * step. The caller owns the timers: it asks `visibleAt(now)` how many items are shown and
 * `nextDueAt(now)` when to look again. No timers, no Date.now() in here — `now` is always given
 * (ms, any monotonic origin), which makes the behaviour exact to test.
 *
 * Model: items are sorted by time; each gets a "play offset" (µs of capture time since the first
 * item, where every gap longer than `idleGapUs` counts as `idleGapUs` when skipping idle). A
 * playhead moves along the offsets at `speed` × wall time while playing. Item i is visible when
 * its offset ≤ playhead.
 */

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 50;

export interface PlaybackOptions {
  /** 0.25 … 50 (clamped). Default 1. */
  speed?: number;
  /** Shorten gaps longer than this many µs to this length (undefined or 0: keep every gap). */
  idleGapUs?: number;
}

export interface PlaybackState {
  playing: boolean;
  speed: number;
  /** Items visible now. */
  visible: number;
  total: number;
  /** Capture time (µs) of the playhead: where the original clock stands. */
  captureUs: number;
  /** Playhead position in play offsets (µs since the first item, idle gaps shortened). */
  positionUs: number;
  done: boolean;
}

export class PlaybackClock {
  private readonly times: number[];
  private offsets: number[] = [];
  private speedX: number;
  private idleGapUs: number | undefined;
  private playing = false;
  /** Playhead at `anchorMs` of wall time. */
  private anchorPos = 0;
  private anchorMs = 0;

  /** `timesUs`: capture time of each item, in display order (sorted here if not). */
  constructor(timesUs: number[], opts: PlaybackOptions = {}) {
    this.times = timesUs.slice().sort((a, b) => a - b);
    this.speedX = clampSpeed(opts.speed ?? 1);
    this.idleGapUs = opts.idleGapUs && opts.idleGapUs > 0 ? opts.idleGapUs : undefined;
    this.layout();
  }

  get total(): number {
    return this.times.length;
  }

  get speed(): number {
    return this.speedX;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Play offset of each item (µs), for drawing a progress bar. */
  get playOffsets(): readonly number[] {
    return this.offsets;
  }

  /** Length of the whole playback in play offsets (µs). */
  get durationUs(): number {
    return this.offsets.length ? this.offsets[this.offsets.length - 1] : 0;
  }

  private layout(): void {
    const t = this.times;
    const out = new Array<number>(t.length);
    let acc = 0;
    for (let i = 0; i < t.length; i++) {
      if (i > 0) {
        const gap = Math.max(0, t[i] - t[i - 1]);
        acc += this.idleGapUs !== undefined && gap > this.idleGapUs ? this.idleGapUs : gap;
      }
      out[i] = acc;
    }
    this.offsets = out;
  }

  /** Playhead (play-offset µs) at wall time `nowMs`. */
  position(nowMs: number): number {
    if (!this.playing) return this.anchorPos;
    const p = this.anchorPos + Math.max(0, nowMs - this.anchorMs) * 1000 * this.speedX;
    return Math.min(p, this.durationUs);
  }

  /** Number of items visible at `nowMs`. */
  visibleAt(nowMs: number): number {
    if (this.times.length === 0) return 0;
    // The first item is visible as soon as playback starts (position 0 ≥ offset 0) — but only
    // once started: before play() / step() nothing is shown.
    if (!this.started) return 0;
    return upperBound(this.offsets, this.position(nowMs));
  }

  private started = false;

  /** Wall time (ms) at which the next item becomes visible, or undefined (paused or done). */
  nextDueAt(nowMs: number): number | undefined {
    if (!this.playing) return undefined;
    const v = this.visibleAt(nowMs);
    if (v >= this.offsets.length) return undefined;
    const need = this.offsets[v] - this.anchorPos;
    return this.anchorMs + need / (1000 * this.speedX);
  }

  play(nowMs: number): void {
    if (this.playing) return;
    if (this.started && this.anchorPos >= this.durationUs && this.visibleAt(nowMs) >= this.total) {
      // At the end: play again from the start.
      this.anchorPos = 0;
    }
    this.started = true;
    this.playing = true;
    this.anchorMs = nowMs;
  }

  pause(nowMs: number): void {
    if (!this.playing) return;
    this.anchorPos = this.position(nowMs);
    this.anchorMs = nowMs;
    this.playing = false;
  }

  toggle(nowMs: number): void {
    if (this.playing) this.pause(nowMs);
    else this.play(nowMs);
  }

  /** Show exactly one more item and pause there. Returns the number now visible. */
  step(nowMs: number): number {
    this.pause(nowMs);
    const v = this.visibleAt(nowMs);
    this.started = true;
    if (v < this.offsets.length) this.anchorPos = this.offsets[v];
    this.anchorMs = nowMs;
    return this.visibleAt(nowMs);
  }

  /** Back one item (paused). */
  stepBack(nowMs: number): number {
    this.pause(nowMs);
    const v = this.visibleAt(nowMs);
    if (v <= 1) {
      this.anchorPos = 0;
      this.started = false;
      return 0;
    }
    // Just before item v-1's offset (items sharing that offset go too).
    this.anchorPos = this.offsets[v - 2];
    return this.visibleAt(nowMs);
  }

  setSpeed(speed: number, nowMs: number): number {
    const p = this.position(nowMs);
    this.anchorPos = p;
    this.anchorMs = nowMs;
    this.speedX = clampSpeed(speed);
    return this.speedX;
  }

  /** Change idle-gap skipping; the playhead keeps showing the same items. */
  setIdleGap(idleGapUs: number | undefined, nowMs: number): void {
    const v = this.visibleAt(nowMs);
    const wasPlaying = this.playing;
    this.pause(nowMs);
    this.idleGapUs = idleGapUs && idleGapUs > 0 ? idleGapUs : undefined;
    this.layout();
    this.anchorPos = v > 0 ? this.offsets[v - 1] : 0;
    if (wasPlaying) this.play(nowMs);
  }

  /** Jump to the point where `count` items are visible (paused state kept). */
  seekToCount(count: number, nowMs: number): void {
    const wasPlaying = this.playing;
    this.pause(nowMs);
    const c = Math.max(0, Math.min(count, this.total));
    this.started = c > 0 || wasPlaying;
    this.anchorPos = c > 0 ? this.offsets[c - 1] : 0;
    if (wasPlaying) this.play(nowMs);
  }

  state(nowMs: number): PlaybackState {
    const pos = this.position(nowMs);
    const visible = this.visibleAt(nowMs);
    return {
      playing: this.playing,
      speed: this.speedX,
      visible,
      total: this.total,
      positionUs: pos,
      captureUs: this.captureTimeAt(pos),
      done: visible >= this.total,
    };
  }

  /** Map a play offset back to capture time (inside a shortened gap: proportionally). */
  private captureTimeAt(pos: number): number {
    const o = this.offsets;
    if (o.length === 0) return 0;
    const i = upperBound(o, pos) - 1;
    if (i < 0) return this.times[0];
    if (i >= o.length - 1) return this.times[o.length - 1];
    const span = o[i + 1] - o[i];
    const real = this.times[i + 1] - this.times[i];
    return this.times[i] + (span > 0 ? ((pos - o[i]) / span) * real : 0);
  }
}

export function clampSpeed(s: number): number {
  if (!Number.isFinite(s)) return 1;
  return Math.max(MIN_SPEED, Math.min(MAX_SPEED, s));
}

/** Index of the first element > x (elements ≤ x count as visible). */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
