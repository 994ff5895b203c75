/**
 * Markdown table export (GitHub-flavoured): one row per call with time, duration, protocol,
 * client, server, method, target and status. Pipes and line breaks in cells are escaped.
 */
import type { Call } from '../core/model';
import { durationUs, endpointLabel, formatDuration, isoTime, statusLabel } from './common';
import { clientName, serverName, type ServiceNames } from './names';

export type TimeDisplay = 'absolute' | 'relative' | 'delta';

export interface MarkdownOptions {
  time?: TimeDisplay;
  names?: ServiceNames;
  /** Longest cell, in characters (default 80). */
  maxCell?: number;
}

export function markdownCell(s: string, max = 80): string {
  let t = s.replace(/[\r\n]+/g, ' ').trim();
  if (t.length > max) t = t.slice(0, max - 1) + '…';
  return t.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Time of a call as the user chose to see it: absolute ISO, seconds since the first call, or since the previous one. */
export function formatTime(us: number, mode: TimeDisplay, firstUs: number, prevUs: number | undefined): string {
  if (mode === 'absolute') return isoTime(us).replace('T', ' ').replace('Z', '');
  const base = mode === 'relative' ? firstUs : (prevUs ?? us);
  const s = (us - base) / 1e6;
  return (mode === 'delta' && s >= 0 ? '+' : '') + s.toFixed(6);
}

export function toMarkdownTable(calls: readonly Call[], opts: MarkdownOptions = {}): string {
  const mode = opts.time ?? 'relative';
  const max = opts.maxCell ?? 80;
  const rows = calls.slice().sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  const first = rows[0]?.timing.startUs ?? 0;
  const out = [
    '| # | Time | Duration | Protocol | Client | Server | Method | Target | Status |',
    '|--:|-----:|---------:|----------|--------|--------|--------|--------|--------|',
  ];
  let prev: number | undefined;
  for (const c of rows) {
    const client = opts.names ? clientName(c.client, opts.names) : endpointLabel(c.client);
    const server = opts.names ? serverName(c.server, opts.names) : endpointLabel(c.server);
    const status = (c.status && !c.status.ok ? '✗ ' : c.status?.ok ? '✓ ' : '') + (statusLabel(c) || c.state);
    const cells = [
      String(c.id),
      formatTime(c.timing.startUs, mode, first, prev),
      formatDuration(durationUs(c)),
      c.protocol,
      client,
      server,
      c.method,
      c.target ?? '',
      status,
    ].map((x) => markdownCell(x, max));
    out.push(`| ${cells.join(' | ')} |`);
    prev = c.timing.startUs;
  }
  return out.join('\n') + '\n';
}
