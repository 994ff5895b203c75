/**
 * Waterfall geometry (pure): where a call's latency bar sits on the capture's time axis, and
 * the axis ticks. Fractions are of the axis width (0…1).
 */
import type { CallRow } from './protocol';
import { formatDuration } from './format';

export interface Bar {
  left: number;
  width: number;
  /** Part of the bar (0…1 of its width) spent waiting for the first response byte. */
  waitFraction?: number;
  /** No end seen: the bar runs to the end of the capture. */
  open: boolean;
}

export function waterfallBar(row: Pick<CallRow, 'startUs' | 'endUs' | 'responseStartUs'>, [a, b]: [number, number]): Bar {
  const span = Math.max(1, b - a);
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  const left = clamp((row.startUs - a) / span);
  const open = row.endUs === undefined;
  const end = clamp(((row.endUs ?? b) - a) / span);
  const width = Math.max(0, end - left);
  let waitFraction: number | undefined;
  if (row.responseStartUs !== undefined && row.endUs !== undefined && row.endUs > row.startUs) {
    waitFraction = clamp((row.responseStartUs - row.startUs) / (row.endUs - row.startUs));
  }
  return { left, width, waitFraction, open };
}

export interface Tick {
  fraction: number;
  label: string;
}

/** "Nice" ticks (1/2/5 × 10ⁿ µs) relative to the start of the axis, about `count` of them. */
export function axisTicks(a: number, b: number, count: number): Tick[] {
  const span = b - a;
  if (!(span > 0)) return [{ fraction: 0, label: '0' }];
  const raw = span / Math.max(1, count);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: Tick[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push({ fraction: t / span, label: t === 0 ? '0' : formatDuration(t) });
  return out;
}
