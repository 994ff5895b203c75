/**
 * Per-definition call statistics for CodeLens: "12 calls · p50 8 ms · 1 error". Pure.
 */
import type { Call } from '../core/model';
import { formatDuration } from '../export/common';

export interface DefinitionStats {
  calls: number;
  errors: number;
  /** Median duration in µs over calls that ended. */
  p50Us?: number;
  p95Us?: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (!sorted.length) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function definitionStats(calls: readonly Call[]): DefinitionStats {
  const durations: number[] = [];
  let errors = 0;
  for (const c of calls) {
    if (c.timing.endUs !== undefined) durations.push(c.timing.endUs - c.timing.startUs);
    if ((c.status && !c.status.ok) || c.state === 'aborted') errors++;
  }
  durations.sort((a, b) => a - b);
  return { calls: calls.length, errors, p50Us: percentile(durations, 50), p95Us: percentile(durations, 95) };
}

export function statsLabel(s: DefinitionStats): string {
  const parts = [`${s.calls} call${s.calls === 1 ? '' : 's'}`];
  if (s.p50Us !== undefined) parts.push(`p50 ${formatDuration(s.p50Us)}`);
  if (s.errors) parts.push(`${s.errors} error${s.errors === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
