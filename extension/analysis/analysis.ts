/**
 * One analysis of one capture file. A worker thread decodes it and keeps the calls (spill file +
 * compact index, see spill-store.ts); the host keeps only counts, flow summaries and the frame
 * index, and asks the worker for pages, details, filters, exports and statistics through
 * `store` (a CallSource). Host-fed analyses (live capture, proxy, playback) keep their calls in
 * a SpillStore on the host, behind the same CallSource.
 * Listeners (editors, tree, status bar) hear about new rows, progress and the end.
 * Knows nothing of vscode, so it can run under plain node in tests.
 */
import { Worker } from 'node:worker_threads';
import type { CaptureWarning } from '../../decoders/core/model';
import type { AnalyzeProgress, AnalyzeResult } from '../../cli/platform/analyze';
import type { CallRow } from '../../webview/protocol';
import type { AnalyzeRequest, WorkerToHost } from './worker-protocol';
import { FrameIndex } from './frame-index';
import { SpillStore } from './spill-store';
import { CallSource, answerQuery, type QueryMethod, type Queries } from './store-queries';
import type { LinkConfig } from '../definitions/linker';

/** The part of a worker_threads Worker an Analysis uses (a measurement can put a child process behind it). */
export interface WorkerLike {
  postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
  on(event: 'message', fn: (m: WorkerToHost) => void): unknown;
  on(event: 'error', fn: (e: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  terminate(): unknown;
}

export type AnalysisState = 'running' | 'done' | 'failed' | 'cancelled';

/** Rows announced with `rows` while calls arrive; past this, listeners only hear progress (the list pages). */
export const STREAMED_ROWS = 20_000;

export interface AnalysisListener {
  /** Rows of newly arrived calls at positions first… (the first STREAMED_ROWS calls only). */
  rows?(batch: CallRow[], first: number): void;
  progress?(p: AnalyzeProgress): void;
  done?(a: Analysis): void;
  failed?(message: string): void;
  /** A long query (a filter reading every call, a relink) moving on. */
  task?(done: number, total: number): void;
}

let nextAnalysisId = 1;

/**
 * Heap bounds of the decoding worker. Its live heap is small (calls live in the spill file and in
 * typed-array indexes), but an unbounded isolate let its heap grow with the churn of decoding:
 * 534 MiB peak RSS on the 527 MB benchmark capture, 345 MiB with these bounds (and first rows
 * sooner: less time in large collections). scripts/measure-store.mts measures it.
 */
const WORKER_HEAP_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 };

export class Analysis {
  /** Field names the capture's calls use (for filter completion), once decoded. */
  fieldNames: string[] = [];
  readonly id = nextAnalysisId++;
  readonly store: CallSource;
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
  /** Memory the worker's index holds (bytes), for the cache's budget. */
  indexBytes = 0;
  /** The definitions the calls were last linked with (DefinitionsService's generation). */
  linkGeneration = 0;
  /** Host-fed analyses (live capture, proxy, playback; see extension/live): what cancel does instead. */
  onCancel?: () => void;
  private worker?: WorkerLike;
  private local?: SpillStore;
  private streamed = 0;
  private readonly listeners = new Set<AnalysisListener>();
  private readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private nextRequest = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private disposed = false;

  constructor(
    readonly request: AnalyzeRequest,
    readonly fileBytes: number,
    private readonly workerPath: string,
  ) {
    this.progress = { bytesRead: 0, fileBytes, frames: 0, calls: 0 };
    this.finished = new Promise((r) => (this.resolveFinished = r));
    if (!workerPath) {
      const local = new SpillStore({ dir: request.spillDir });
      this.local = local;
      this.store = new CallSource((method, params) =>
        answerQuery(local, method, params, { progress: (d, t) => this.emit('task', d, t) }),
      );
    } else this.store = new CallSource((method, params) => this.ask(method, params));
  }

  get file(): string {
    return this.request.file;
  }

  /** Host-fed (live capture, proxy, playback): calls come through `feed`, not a worker. */
  get hostFed(): boolean {
    return !!this.local;
  }

  /** Resolves when the analysis has ended (done, failed or cancelled). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  listen(l: AnalysisListener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  start(worker?: WorkerLike): this {
    const w: WorkerLike = worker ?? new Worker(this.workerPath, { resourceLimits: WORKER_HEAP_LIMITS });
    this.worker = w;
    w.on('message', (m: WorkerToHost) => this.onMessage(m));
    w.on('error', (e) =>
      this.fail(
        (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the decoder ran out of memory (its JavaScript heap is bounded to ${WORKER_HEAP_LIMITS.maxOldGenerationSizeMb} MiB). Split the capture (e.g. editcap -c 1000000 big.pcap part.pcap) and open the parts, and please report the capture's size and protocols.`
          : e.message,
      ),
    );
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error('the decoder worker has stopped'));
      this.pending.clear();
      if (this.state === 'running') this.fail(`decoder worker stopped (exit code ${code})`);
    });
    w.postMessage(this.request);
    return this;
  }

  private ask<M extends QueryMethod>(method: M, params: Queries[M]['params']): Promise<Queries[M]['result']> {
    const w = this.worker;
    if (!w) return Promise.reject(new Error(this.disposed ? 'the analysis was closed' : 'the decoder worker has stopped'));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ type: 'query', requestId, method, params });
    });
  }

  /** Link the calls to these definitions again (they changed). */
  async relink(config: LinkConfig | undefined, generation: number): Promise<void> {
    this.linkGeneration = generation;
    if (this.local) return;
    await this.store.query('definitions/link', { config });
  }

  /** `callscope.serviceNames` changed. */
  setServiceNames(names: Record<string, string>): Promise<void> {
    return this.store.query('settings/serviceNames', { names }).catch(() => undefined);
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
    if (m.type === 'calls' && this.local) {
      const rows: CallRow[] = [];
      const first = this.local.size;
      for (const c of m.calls) {
        this.local.add(c);
        if (this.startUs === undefined || c.timing.startUs < this.startUs) this.startUs = c.timing.startUs;
        const end = c.timing.endUs ?? c.timing.startUs;
        if (this.endUs === undefined || end > this.endUs) this.endUs = end;
        if (this.streamed + rows.length < STREAMED_ROWS) rows.push(this.local.index.row(this.local.size - 1, {}));
      }
      this.onMessage({ type: 'rows', rows, first, count: this.local.size });
      return;
    }
    if (m.type === 'flows' && this.local) this.local.flows = m.flows;
    this.onMessage(m);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    if (this.state === 'running') this.state = 'cancelled';
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      // The worker closes its spill file and exits; terminate if it does not.
      w.postMessage({ type: 'close' });
      setTimeout(() => void w.terminate(), 2000).unref?.();
    }
    for (const p of this.pending.values()) p.reject(new Error('the analysis was closed'));
    this.pending.clear();
    this.local?.dispose();
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
      case 'rows': {
        this.store.size = Math.max(this.store.size, m.count);
        this.progress = { ...this.progress, calls: this.store.size };
        this.streamed += m.rows.length;
        if (m.rows.length) this.emit('rows', m.rows, m.first);
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
        this.store.size = Math.max(this.store.size, m.progress.calls);
        this.progress = { ...m.progress, calls: this.store.size };
        this.emit('progress', this.progress);
        break;
      case 'done':
        this.result = m.result;
        this.startUs = m.startUs ?? this.startUs;
        this.endUs = m.endUs ?? this.endUs;
        this.indexBytes = m.indexBytes ?? this.store.size * 120;
        if (m.fieldNames) this.fieldNames = m.fieldNames;
        if (this.local) this.store.size = this.local.size;
        else this.store.size = Math.max(this.store.size, m.result.calls);
        this.warnings.push(...m.result.warnings.filter((w) => !this.warnings.some((x) => x.message === w.message && x.frame === w.frame)));
        this.progress = { bytesRead: m.result.bytesRead, fileBytes: this.fileBytes, frames: m.result.frames, calls: this.store.size };
        this.state = m.result.cancelled ? 'cancelled' : 'done';
        this.finish();
        break;
      case 'error':
        this.fail(m.message);
        break;
      case 'answer': {
        const p = this.pending.get(m.requestId);
        if (!p) break;
        this.pending.delete(m.requestId);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
        break;
      }
      case 'task/progress':
        this.emit('task', m.done, m.total);
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
    // The worker stays: it holds the calls and answers queries until the analysis is disposed.
    if (this.state !== 'failed') this.emit('done', this);
    this.resolveFinished();
  }
}
