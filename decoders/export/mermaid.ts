/**
 * Mermaid `sequenceDiagram` export: lifelines in order of first appearance, one solid arrow per
 * request (publish, delivery), one dashed arrow per response with its status and duration.
 * Mermaid reads `;` and `#` specially in message text, so they are written as entity codes.
 */
import type { Call } from '../core/model';
import { durationUs, formatDuration, statusLabel } from './common';
import { callParties, type ServiceNames } from './names';

export interface MermaidOptions {
  names?: ServiceNames;
  /** Leave out the response arrows (a compact diagram). */
  requestsOnly?: boolean;
  /** Longest message label, in characters (default 60). */
  maxLabel?: number;
  /** Draw autonumbered arrows. */
  autonumber?: boolean;
}

/** Text safe inside a Mermaid message or participant label. */
export function mermaidText(s: string, max = 60): string {
  let t = s.replace(/[\r\n\t]+/g, ' ').trim();
  if (t.length > max) t = t.slice(0, max - 1) + '…';
  const codes: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' };
  return t.replace(/[#;<>]/g, (ch) => codes[ch]);
}

function requestLabel(c: Call): string {
  if (c.protocol === 'http' || c.protocol === 'http2') return `${c.method} ${c.target ?? ''}`;
  if (c.target && c.target !== c.method) return `${c.method} ${c.target}`;
  return c.method;
}

export function toMermaid(calls: readonly Call[], opts: MermaidOptions = {}): string {
  const max = opts.maxLabel ?? 60;
  const ids = new Set(calls.map((c) => c.id));
  const rows = calls.filter((c) => !(c.parentId !== undefined && ids.has(c.parentId))).slice().sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  const aliases = new Map<string, string>();
  const alias = (label: string): string => {
    let a = aliases.get(label);
    if (!a) aliases.set(label, (a = `P${aliases.size + 1}`));
    return a;
  };
  type Ev = { t: number; seq: number; line: string };
  const events: Ev[] = [];
  let seq = 0;
  for (const c of rows) {
    const { from, to } = callParties(c, opts.names);
    const a = alias(from);
    const b = alias(to);
    const oneWay = c.kind === 'oneway' || c.kind === 'publish' || c.kind === 'deliver' || c.kind === 'event';
    events.push({ t: c.timing.startUs, seq: seq++, line: `  ${a}${oneWay ? '-)' : '->>'}${b}: ${mermaidText(requestLabel(c), max)}` });
    if (opts.requestsOnly || oneWay) continue;
    if (c.timing.endUs === undefined && !c.status) continue;
    const status = statusLabel(c) || c.state;
    const dur = durationUs(c);
    const label = `${status}${dur !== undefined ? ` (${formatDuration(dur)})` : ''}`;
    const arrow = c.status && !c.status.ok ? '--x' : '-->>';
    events.push({ t: c.timing.responseStartUs ?? c.timing.endUs ?? c.timing.startUs, seq: seq++, line: `  ${b}${arrow}${a}: ${mermaidText(label, max)}` });
  }
  events.sort((x, y) => x.t - y.t || x.seq - y.seq);
  const lines = ['sequenceDiagram'];
  if (opts.autonumber) lines.push('  autonumber');
  for (const [label, a] of aliases) lines.push(`  participant ${a} as ${mermaidText(label, 80)}`);
  for (const e of events) lines.push(e.line);
  return lines.join('\n') + '\n';
}
