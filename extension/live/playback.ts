/**
 * Playback in the editor: the open capture's calls appear again on their own clock (play,
 * pause, step, 0.25×–50×, idle gaps shortened), by swapping the document's analysis for a
 * host-fed one that receives the calls as the PlaybackClock makes them visible — the webview
 * sees ordinary `calls/didAppend` rows. Stop puts the full analysis back. The clock needs only
 * the start times; the calls themselves are fetched from the original analysis (its worker)
 * as they become visible.
 */
import * as vscode from 'vscode';
import { PlaybackClock } from '../../decoders/playback/clock';
import { Analysis } from '../analysis/analysis';
import type { CaptureDocument } from '../editor/document';

export const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 25, 50];
const IDLE_GAP_US = 2_000_000;

export class Playback implements vscode.Disposable {
  private clock!: PlaybackClock;
  /** Start times in time order. */
  private times: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private shown = 0;
  /** Calls asked of the original analysis (≥ shown); fetches run one after another. */
  private requested = 0;
  private fetching: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current!: Analysis;
  private readonly original: Analysis;
  private readonly originalKey: string;
  private stopped = false;
  skipIdle = true;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private constructor(readonly doc: CaptureDocument) {
    this.original = doc.analysis;
    this.originalKey = doc.key;
  }

  /** A playback of the document's calls (their start times come from its analysis). */
  static async create(doc: CaptureDocument): Promise<Playback> {
    const pb = new Playback(doc);
    pb.times = await doc.analysis.store.query('calls/startTimes', {});
    pb.clock = new PlaybackClock(Array.from(pb.times), { speed: 1, idleGapUs: IDLE_GAP_US });
    pb.fresh();
    return pb;
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
    this.requested = 0;
    this.doc.replaceAnalysis(`playback:${this.originalKey}`, a);
    old?.dispose();
  }

  private now(): number {
    return performance.now();
  }

  private sync(): void {
    if (this.stopped) return;
    const v = this.clock.visibleAt(this.now());
    if (v < this.requested) {
      this.fresh();
    }
    if (v > this.requested) {
      const target = this.current;
      const start = this.requested;
      this.requested = v;
      // In order, one fetch at a time; a restart (new analysis) drops what is still in flight.
      this.fetching = this.fetching.then(async () => {
        // Asked again when the original analysis does not answer (a busy or restarting worker): a
        // batch given up for lost would leave the playback short of those calls for good.
        let batch: Awaited<ReturnType<typeof this.original.store.select>> = [];
        for (let attempt = 0; attempt < 4; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 100 << (attempt - 1)));
          const got = await this.original.store.select({ start, count: v - start }).catch(() => undefined);
          if (this.stopped || target !== this.current) return;
          if (got) {
            batch = got;
            break;
          }
        }
        if (this.stopped || target !== this.current) return;
        this.shown = v;
        target.feed({ type: 'calls', calls: batch });
        const fb = this.original.fileBytes;
        target.feed({ type: 'progress', progress: { bytesRead: Math.round((fb * v) / Math.max(1, this.total)), fileBytes: fb, frames: 0, calls: v } });
        this.finishIfDone();
        this.changed.fire();
      });
    }
    this.finishIfDone();
    this.changed.fire();
    this.schedule();
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

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.clock.nextDueAt(this.now());
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
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.current.dispose();
    this.doc.replaceAnalysis(this.originalKey, this.original);
    this.changed.fire();
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
