/**
 * One analysis of one capture file: a worker thread decodes it, calls arrive in batches into a
 * CallStore, listeners (editors, tree, status bar) hear about calls, progress and the end.
 * Knows nothing of vscode, so it can run under plain node in tests.
 */
import { Worker } from 'node:worker_threads';
import type { Call, CaptureWarning } from '../../decoders/core/model';
import type { AnalyzeProgress, AnalyzeResult } from '../../cli/platform/analyze';
import { CallStore } from './call-store';
import type { AnalyzeRequest, WorkerToHost } from './worker-protocol';
import { FrameIndex } from './frame-index';

export type AnalysisState = 'running' | 'done' | 'failed' | 'cancelled';

export interface AnalysisListener {
  calls?(batch: Call[]): void;
  progress?(p: AnalyzeProgress): void;
  done?(a: Analysis): void;
  failed?(message: string): void;
}

let nextAnalysisId = 1;

export class Analysis {
  readonly id = nextAnalysisId++;
  readonly store = new CallStore();
  state: AnalysisState = 'running';
  progress: AnalyzeProgress;
  result?: AnalyzeResult;
  error?: string;
  warnings: CaptureWarning[] = [];
  startUs?: number;
  endUs?: number;
  /** Where each frame is in the file (for the Bytes tab); absent for gzip and host-fed analyses. */
  frameIndex?: FrameIndex;
  readonly startedAt = Date.now();
  finishedAt?: number;
  /** Applied to every call as it arrives (definition linking, schema checks). */
  decorate?: (c: Call) => void;
  /** Host-fed analyses (live capture, proxy, playback; see extension/live): what cancel does instead. */
  onCancel?: () => void;
  private worker?: Worker;
  private listeners = new Set<AnalysisListener>();
  private finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(
    readonly request: AnalyzeRequest,
    readonly fileBytes: number,
    private readonly workerPath: string,
  ) {
    this.progress = { bytesRead: 0, fileBytes, frames: 0, calls: 0 };
    this.finished = new Promise((r) => (this.resolveFinished = r));
  }

  get file(): string {
    return this.request.file;
  }

  /** Resolves when the analysis has ended (done, failed or cancelled). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  listen(l: AnalysisListener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  start(): this {
    const w = new Worker(this.workerPath);
    this.worker = w;
    w.on('message', (m: WorkerToHost) => this.onMessage(m));
    w.on('error', (e) => this.fail(e.message));
    w.on('exit', (code) => {
      if (this.state === 'running') this.fail(`decoder worker stopped (exit code ${code})`);
    });
    w.postMessage(this.request);
    return this;
  }

  cancel(): void {
    if (this.state !== 'running') return;
    if (this.onCancel) return this.onCancel();
    this.worker?.postMessage({ type: 'cancel' });
    // A worker stuck in a long synchronous step is stopped outright after a grace period.
    const w = this.worker;
    setTimeout(() => {
      if (this.state === 'running' && this.worker === w) {
        this.state = 'cancelled';
        void w?.terminate();
        this.finish();
      }
    }, 1500).unref?.();
  }

  /** Feed a host-side source's messages (live capture, proxy, playback) instead of a worker's. */
  feed(m: WorkerToHost): void {
    this.onMessage(m);
  }

  dispose(): void {
    this.listeners.clear();
    if (this.state === 'running') this.state = 'cancelled';
    void this.worker?.terminate();
    this.worker = undefined;
    this.resolveFinished();
  }

  private emit<K extends keyof AnalysisListener>(k: K, ...args: Parameters<NonNullable<AnalysisListener[K]>>): void {
    for (const l of [...this.listeners]) {
      try {
        (l[k] as ((...a: unknown[]) => void) | undefined)?.(...args);
      } catch (e) {
        console.error(`callscope: listener ${k} failed`, e);
      }
    }
  }

  private onMessage(m: WorkerToHost): void {
    switch (m.type) {
      case 'calls': {
        if (this.decorate) for (const c of m.calls) this.decorate(c);
        this.store.add(m.calls);
        this.progress = { ...this.progress, calls: this.store.size };
        this.emit('calls', m.calls);
        break;
      }
      case 'flows':
        this.store.flows = m.flows;
        break;
      case 'frameIndex':
        this.frameIndex = FrameIndex.fromData(m.index);
        break;
      case 'warning':
        this.warnings.push(m.warning);
        break;
      case 'progress':
        this.progress = { ...m.progress, calls: Math.max(m.progress.calls, this.store.size) };
        this.emit('progress', this.progress);
        break;
      case 'done':
        this.result = m.result;
        this.startUs = m.startUs;
        this.endUs = m.endUs;
        this.warnings.push(...m.result.warnings.filter((w) => !this.warnings.some((x) => x.message === w.message && x.frame === w.frame)));
        this.progress = { bytesRead: m.result.bytesRead, fileBytes: this.fileBytes, frames: m.result.frames, calls: this.store.size };
        this.state = m.result.cancelled ? 'cancelled' : 'done';
        this.finish();
        break;
      case 'error':
        this.fail(m.message);
        break;
    }
  }

  private fail(message: string): void {
    if (this.state !== 'running') return;
    this.state = 'failed';
    this.error = message;
    this.emit('failed', message);
    this.finish();
  }

  private finish(): void {
    this.finishedAt = Date.now();
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    if (this.state !== 'failed') this.emit('done', this);
    this.resolveFinished();
  }
}
