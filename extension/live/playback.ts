/**
 * Playback in the editor: the open capture's calls appear again on their own clock (play,
 * pause, step, 0.25×–50×, idle gaps shortened), by showing a host-fed analysis over the
 * document's own (CaptureDocument.showOverlay) that receives the calls as the PlaybackClock makes
 * them visible — the webview sees ordinary `calls/didAppend` rows. Stop shows the full analysis
 * again. The clock needs only the start times; the calls themselves are fetched from the
 * document's own analysis (its worker) as they become visible. That analysis stays the
 * document's (held in the cache under its key) all along; a document decoded again or closed
 * ends the playback first.
 */
import * as vscode from 'vscode';
import { PlaybackClock } from '../../decoders/playback/clock';
import { Analysis } from '../analysis/analysis';
import type { CaptureDocument } from '../editor/document';
import type { Call } from '../../decoders/core/model';

export const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 25, 50];
const IDLE_GAP_US = 2_000_000;
/** Calls asked of the original analysis at once, and how often a failed request is asked again. */
const FETCH_MAX = 2000;
const FETCH_RETRIES = 8;
/** A request the decoder has not answered in this long is asked again (a busy or stuck worker). */
const FETCH_TIMEOUT_MS = 5000;
/** Captures with at most this many calls have them all fetched when the playback starts. */
const PREFETCH_MAX = 5000;

export class Playback implements vscode.Disposable {
  private clock!: PlaybackClock;
  /** Start times in time order. */
  private times: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /**
   * The calls fetched when the playback started (small captures): fed from here, so the playback
   * no longer depends on the decoder's worker answering while it plays.
   */
  private prefetched: Call[] = [];
  /** Calls fed to the playback's analysis. */
  private shown = 0;
  /** Calls the clock makes visible now (the pump brings `shown` up to it). */
  private target = 0;
  private pumping = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current!: Analysis;
  private readonly original: Analysis;
  private isStopped = false;
  skipIdle = true;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private constructor(readonly doc: CaptureDocument) {
    this.original = doc.ownAnalysis;
  }

  /**
   * A playback of the document's calls (their start times come from its analysis). Fails if
   * the document was decoded again while the times were asked for.
   */
  static async create(doc: CaptureDocument): Promise<Playback> {
    const pb = new Playback(doc);
    pb.times = await pb.original.store.query('calls/startTimes', {});
    if (pb.times.length <= PREFETCH_MAX) pb.prefetched = (await pb.fetch(0, pb.times.length)) ?? [];
    if (doc.ownAnalysis !== pb.original || doc.hasOverlay) throw new Error('the capture was decoded again meanwhile; play it back when it is decoded');
    pb.clock = new PlaybackClock(Array.from(pb.times), { speed: 1, idleGapUs: IDLE_GAP_US });
    pb.fresh();
    return pb;
  }

  /** Ended: back to the whole capture (it cannot be started again). */
  get stopped(): boolean {
    return this.isStopped;
  }

  get total(): number {
    return this.times.length;
  }

  get visible(): number {
    return this.shown;
  }

  get playing(): boolean {
    return this.clock.isPlaying;
  }

  get speed(): number {
    return this.clock.speed;
  }

  get done(): boolean {
    return this.shown >= this.times.length;
  }

  /** Seconds of capture time at the playhead since the first call. */
  get elapsedS(): number {
    if (!this.times.length) return 0;
    return (this.clock.state(performance.now()).captureUs - this.times[0]) / 1e6;
  }

  /** A new empty host-fed analysis in the editor (start, or going back). */
  private fresh(): void {
    const old = this.current;
    const a = new Analysis(this.original.request, this.original.fileBytes, '');
    a.onCancel = () => this.stop();
    // Same file: the Bytes tab reads the packets through the original's frame index.
    a.frameIndex = this.original.frameIndex;
    this.current = a;
    this.shown = 0;
    this.target = 0;
    this.doc.showOverlay(a, () => this.stop());
    old?.dispose();
  }

  private now(): number {
    return performance.now();
  }

  private sync(): void {
    if (this.isStopped) return;
    // One instant for what is visible and for when to look again: asked at two instants, the last
    // calls could become visible in between (feeding rows takes a moment; ride-hailing's last two
    // calls are 2.6 ms apart) — then "nothing more is due" was the answer, and the playback stayed
    // one call short for good (CI's 78/79).
    const now = this.now();
    const v = this.clock.visibleAt(now);
    if (v < this.target) this.fresh();
    this.target = v;
    void this.pump();
    this.finishIfDone();
    this.changed.fire();
    this.schedule(now);
  }

  /**
   * Brings the shown calls up to the clock's count: the calls [shown, target) are asked of the
   * original analysis, in order, one request at a time, and `shown` moves by what came back — a
   * call is never counted as shown unless it was fed. A request that fails (a busy or restarting
   * worker) is asked again after a pause; a restart (new analysis) ends the pump.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let failures = 0;
      while (!this.isStopped && this.shown < this.target) {
        const target = this.current;
        const start = this.shown;
        const count = Math.min(this.target - start, FETCH_MAX);
        const got = start + count <= this.prefetched.length ? this.prefetched.slice(start, start + count) : await this.fetch(start, count);
        if (this.isStopped) return;
        if (target !== this.current) continue; // restarted meanwhile: `shown` is 0 again
        if (got && !got.length) {
          // The decoder answered that there is nothing at `start`: fewer calls than start times
          // (should not happen). Said once, not asked forever.
          this.failed(`the decoder has no call ${start + 1} of ${this.total}; the playback shows the ${start} it has`);
          return;
        }
        if (!got?.length) {
          if (++failures > FETCH_RETRIES) {
            this.failed(`the decoder did not return calls ${start + 1}–${start + count} (asked ${failures} times); stop the playback and start it again`);
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 << (failures - 1))));
          continue;
        }
        failures = 0;
        this.shown = start + got.length;
        target.feed({ type: 'calls', calls: got });
        const fb = this.original.fileBytes;
        target.feed({ type: 'progress', progress: { bytesRead: Math.round((fb * this.shown) / Math.max(1, this.total)), fileBytes: fb, frames: 0, calls: this.shown } });
        this.finishIfDone();
        this.changed.fire();
      }
    } catch (e) {
      this.failed((e as Error)?.message ?? String(e));
    } finally {
      this.pumping = false;
    }
  }

  /** Calls [start, start + count) of the capture from its decoder; undefined when it fails or does not answer in time. */
  private fetch(start: number, count: number): Promise<Call[] | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), FETCH_TIMEOUT_MS)));
    const asked = this.original.store.select({ start, count }).catch(() => undefined);
    return Promise.race([asked, late]).finally(() => clearTimeout(timer));
  }

  private failed(message: string): void {
    if (this.current.state === 'running') this.current.feed({ type: 'error', message: `playback: ${message}` });
  }

  private finishIfDone(): void {
    if (this.done && this.current.state === 'running') {
      this.current.feed({ type: 'flows', flows: this.original.store.flows });
      this.current.feed({
        type: 'done',
        result: this.original.result ?? { frames: 0, calls: this.total, flows: 0, bytesRead: this.original.fileBytes, warnings: [], cancelled: false },
        startUs: this.original.startUs,
        endUs: this.original.endUs,
      });
    }
  }

  private schedule(now = this.now()): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.clock.nextDueAt(now);
    if (due === undefined) return;
    this.timer = setTimeout(() => this.sync(), Math.max(0, due - this.now()));
  }

  play(): void {
    if (this.done) this.restart();
    this.clock.play(this.now());
    this.sync();
  }

  pause(): void {
    this.clock.pause(this.now());
    this.sync();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  step(): void {
    this.clock.step(this.now());
    this.sync();
  }

  setSpeed(x: number): void {
    this.clock.setSpeed(x, this.now());
    this.sync();
  }

  setSkipIdle(on: boolean): void {
    this.skipIdle = on;
    this.clock.setIdleGap(on ? IDLE_GAP_US : undefined, this.now());
    this.sync();
  }

  restart(): void {
    this.clock.seekToCount(0, this.now());
    this.fresh();
    this.sync();
  }

  /** Back to the whole capture. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.doc.clearOverlay();
    this.current.dispose();
    this.changed.fire();
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
