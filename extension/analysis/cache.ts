/**
 * Reopening an unchanged capture is instant: finished (and running) analyses are kept by
 * (path, size, mtime, options). A few finished ones stay in memory after their editor closed,
 * newest first, within a budget.
 */
import { createHash } from 'node:crypto';
import type { Analysis } from './analysis';
import type { AnalyzeRequest } from './worker-protocol';

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export function analysisKey(req: AnalyzeRequest, stamp: FileStamp): string {
  const opts = createHash('sha1')
    .update(JSON.stringify([req.decodeAs, req.hints, req.protoPaths, req.definitionFiles, req.tlsKeyLogFiles ?? [], req.tlsKeyLogStamp ?? '', req.limits ?? null]))
    .digest('hex')
    .slice(0, 16);
  return `${req.file}\u0000${stamp.size}\u0000${Math.floor(stamp.mtimeMs)}\u0000${opts}`;
}

export class AnalysisCache {
  private readonly entries = new Map<string, { analysis: Analysis; users: number; lastUsed: number }>();

  constructor(
    private readonly maxUnused = 4,
    private readonly budgetBytes = 512 * 2 ** 20,
  ) {}

  get(key: string): Analysis | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.analysis.state === 'failed' || e.analysis.state === 'cancelled') {
      this.entries.delete(key);
      if (!e.users) e.analysis.dispose();
      return undefined;
    }
    return e.analysis;
  }

  /** Take a reference (an editor shows it). */
  acquire(key: string, a: Analysis): void {
    const e = this.entries.get(key);
    if (e && e.analysis === a) {
      e.users++;
      e.lastUsed = Date.now();
    } else {
      if (e && !e.users) e.analysis.dispose();
      this.entries.set(key, { analysis: a, users: 1, lastUsed: Date.now() });
    }
  }

  release(key: string, a: Analysis): void {
    const e = this.entries.get(key);
    if (!e || e.analysis !== a) return;
    e.users = Math.max(0, e.users - 1);
    e.lastUsed = Date.now();
    if (!e.users && a.state === 'running') {
      // Nobody waits for it any more: stop decoding, then let the worker (and its calls) go.
      a.cancel();
      this.entries.delete(key);
      void a.whenFinished().then(() => a.dispose());
      return;
    }
    this.evict();
  }

  /** Forget analyses of a file (it changed on disk, or decode-as rules changed). */
  invalidate(file?: string): void {
    for (const [k, e] of this.entries) {
      if (file && e.analysis.file !== file) continue;
      this.entries.delete(k);
      if (!e.users) e.analysis.dispose();
    }
  }

  all(): Analysis[] {
    return [...this.entries.values()].map((e) => e.analysis);
  }

  private evict(): void {
    const unused = [...this.entries.entries()].filter(([, e]) => !e.users).sort((a, b) => b[1].lastUsed - a[1].lastUsed);
    let total = [...this.entries.values()].reduce((n, e) => n + memoryOf(e.analysis), 0);
    for (let i = unused.length - 1; i >= 0; i--) {
      const [k, e] = unused[i];
      if (i < this.maxUnused && total <= this.budgetBytes) break;
      total -= memoryOf(e.analysis);
      this.entries.delete(k);
      e.analysis.dispose();
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.analysis.dispose();
    this.entries.clear();
  }
}

/** The worker's call index plus the frame index (12 bytes a frame); the calls themselves are in a spill file. */
function memoryOf(a: Analysis): number {
  return (a.indexBytes || a.store.size * 120) + (a.frameIndex?.byteSize ?? 0);
}
