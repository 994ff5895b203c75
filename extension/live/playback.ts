/**
 * Playback in the editor: the open capture's calls appear again on their own clock (play,
 * pause, step, 0.25×–50×, idle gaps shortened), by swapping the document's analysis for a
 * host-fed one that receives the calls as the PlaybackClock makes them visible — the webview
 * sees ordinary `calls/didAppend` rows. Stop puts the full analysis back.
 */
import * as vscode from 'vscode';
import type { Call } from '../../decoders/core/model';
import { PlaybackClock } from '../../decoders/playback/clock';
import { Analysis } from '../analysis/analysis';
import type { CaptureDocument } from '../editor/document';

export const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 25, 50];
const IDLE_GAP_US = 2_000_000;

export class Playback implements vscode.Disposable {
  private clock: PlaybackClock;
  private calls: Call[];
  private shown = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current!: Analysis;
  private readonly original: Analysis;
  private readonly originalKey: string;
  private stopped = false;
  skipIdle = true;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(readonly doc: CaptureDocument) {
    this.original = doc.analysis;
    this.originalKey = doc.key;
    this.calls = [...doc.analysis.store.calls].sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
    this.clock = new PlaybackClock(
      this.calls.map((c) => c.timing.startUs),
      { speed: 1, idleGapUs: IDLE_GAP_US },
    );
    this.fresh();
  }

  get total(): number {
    return this.calls.length;
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
    return this.shown >= this.calls.length;
  }

  /** Seconds of capture time at the playhead since the first call. */
  get elapsedS(): number {
    if (!this.calls.length) return 0;
    return (this.clock.state(performance.now()).captureUs - this.calls[0].timing.startUs) / 1e6;
  }

  /** A new empty host-fed analysis in the editor (start, or going back). */
  private fresh(): void {
    const a = new Analysis(this.original.request, this.original.fileBytes, '');
    a.onCancel = () => this.stop();
    // Same file: the Bytes tab reads the packets through the original's frame index.
    a.frameIndex = this.original.frameIndex;
    this.current = a;
    this.shown = 0;
    this.doc.replaceAnalysis(`playback:${this.originalKey}`, a);
  }

  private now(): number {
    return performance.now();
  }

  private sync(): void {
    if (this.stopped) return;
    const v = this.clock.visibleAt(this.now());
    if (v < this.shown) {
      this.fresh();
    }
    if (v > this.shown) {
      const batch = this.calls.slice(this.shown, v);
      this.shown = v;
      this.current.feed({ type: 'calls', calls: batch });
      const fb = this.original.fileBytes;
      this.current.feed({ type: 'progress', progress: { bytesRead: Math.round((fb * v) / Math.max(1, this.total)), fileBytes: fb, frames: 0, calls: v } });
    }
    if (this.done && this.current.state === 'running') {
      this.current.feed({ type: 'flows', flows: this.original.store.flows });
      this.current.feed({
        type: 'done',
        result: this.original.result ?? { frames: 0, calls: this.total, flows: 0, bytesRead: this.original.fileBytes, warnings: [], cancelled: false },
        startUs: this.original.startUs,
        endUs: this.original.endUs,
      });
    }
    this.changed.fire();
    this.schedule();
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
