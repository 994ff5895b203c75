/**
 * The terminal version of the timeline: one aligned line per call, in start order; deliveries
 * under the message they deliver, inner calls of a batch under the batch; then the
 * connections no decoder claimed, with their byte counts, so nothing is hidden.
 */
import type { Call, FlowSummary } from '../decoders/core/model';
import { isEncryptedPort } from '../decoders/tls/names';

export interface TableOptions {
  color?: boolean;
}

const MAX_CALL_TEXT = 72;

export function formatTable(calls: Call[], flows: FlowSummary[], opts: TableOptions = {}): string {
  const c = colors(opts.color === true);
  const byId = new Map(calls.map((x) => [x.id, x]));
  const children = new Map<number, Call[]>();
  const isChild = (x: Call) => (x.parentId !== undefined && byId.has(x.parentId)) || (x.links?.publishId !== undefined && byId.has(x.links.publishId));
  for (const x of calls) {
    const parent = x.parentId !== undefined && byId.has(x.parentId) ? x.parentId : x.links?.publishId;
    if (parent !== undefined && byId.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(x);
      children.set(parent, list);
    }
  }
  const sorted = [...calls].sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  // (a loop: spreading 100k+ values as arguments overflows the stack)
  let t0 = Infinity;
  for (const x of sorted) if (x.timing.startUs < t0) t0 = x.timing.startUs;
  for (const f of flows) if (f.startUs < t0) t0 = f.startUs;
  const rows: string[][] = [];
  const rowColors: Array<(s: string) => string> = [];
  const emit = (x: Call, depth: number) => {
    const indent = depth ? '  '.repeat(depth - 1) + '└ ' : '';
    rows.push([
      formatSeconds(x.timing.startUs - t0),
      formatDuration(x),
      `${x.client.ip.includes(':') ? `[${x.client.ip}]` : x.client.ip}:${x.client.port} → ${x.server.ip.includes(':') ? `[${x.server.ip}]` : x.server.ip}:${x.server.port}`,
      x.protocol,
      indent + oneLine(callText(x)),
      oneLine(statusText(x)),
    ]);
    rowColors.push(x.status && !x.status.ok ? c.red : x.state !== 'complete' ? c.yellow : (s) => s);
    for (const k of (children.get(x.id) ?? []).sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id)) emit(k, depth + 1);
  };
  for (const x of sorted) if (!isChild(x)) emit(x, 0);

  const header = ['time', 'dur', 'client → server', 'proto', 'call', 'status'];
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) if (r[i].length > widths[i]) widths[i] = r[i].length;
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 || i === 1 ? cell.padStart(widths[i]) : i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  let out = c.dim(line(header)) + '\n';
  rows.forEach((r, i) => (out += rowColors[i](line(r)) + '\n'));
  if (!rows.length) out += '(no calls decoded)\n';

  const unclaimed = flows.filter((f) => f.protocol === 'tcp' || f.protocol === 'udp');
  // A SYN answered by a reset is a refused connection, not something a decoder could claim.
  const refused = unclaimed.filter((f) => f.transport === 'tcp' && f.synSeen && f.synAckUs === undefined && f.rstUs !== undefined);
  const empty = unclaimed.filter((f) => !refused.includes(f) && f.c2sBytes === 0 && f.s2cBytes === 0);
  const raw = unclaimed.filter((f) => !refused.includes(f) && !empty.includes(f));
  if (refused.length) {
    out += `\n${refused.length} connection${refused.length === 1 ? '' : 's'} refused (SYN answered by RST):\n`;
    for (const f of refused) out += `  ${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}\n`;
  }
  if (empty.length) {
    out += `\n${empty.length} connection${empty.length === 1 ? '' : 's'} without data:\n`;
    for (const f of empty) out += `  ${f.transport}  ${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}  ${f.packets} packets\n`;
  }
  // On a TLS/QUIC port the bytes are most likely encrypted: no decode-as rule can help there.
  const encrypted = raw.filter((f) => isEncryptedPort(f.transport, f.server.port) || isEncryptedPort(f.transport, f.client.port));
  const plain = raw.filter((f) => !encrypted.includes(f));
  const rawLine = (f: FlowSummary) =>
    `  ${f.transport}  ${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}  ${formatBytes(f.c2sBytes)} → / ← ${formatBytes(f.s2cBytes)}  ${f.packets} packets\n`;
  if (plain.length) {
    out += `\n${plain.length} connection${plain.length === 1 ? '' : 's'} not decoded (use --decode-as tcp.port==PORT,PROTOCOL):\n`;
    for (const f of plain.sort((a, b) => a.startUs - b.startUs)) out += rawLine(f);
  }
  if (encrypted.length) {
    out += `\n${encrypted.length} connection${encrypted.length === 1 ? '' : 's'} on TLS/QUIC ports not decoded (likely encrypted: --decode-as cannot decrypt them; record in plain text with \`callscope proxy\` or capture the service without TLS):\n`;
    for (const f of encrypted.sort((a, b) => a.startUs - b.startUs)) out += rawLine(f);
  }
  const withWarnings = calls.filter((x) => x.warnings.length).length;
  out += `\n${calls.length} call${calls.length === 1 ? '' : 's'}${withWarnings ? `, ${withWarnings} with warnings` : ''}\n`;
  return out;
}

/** A cell on one line: line breaks and other control characters written as escapes (`\n`). */
export function oneLine(s: string): string {
  return /[\x00-\x1f\x7f]/.test(s) ? s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)) : s;
}

/** `fun_add(2, 3) → 5`, `POST /persons`, `PUBLISH trips/new`. */
export function callText(x: Call): string {
  let s: string;
  const rpc = ['xmlrpc', 'jsonrpc', 'thrift', 'dubbo', 'soap'].includes(x.protocol);
  if (rpc && x.kind !== 'batch') {
    const args = Array.isArray(x.request?.value) ? (x.request!.value as unknown[]).map(short).join(', ') : x.request?.value !== undefined ? short(x.request.value) : '';
    s = `${x.method}(${args})`;
    if (x.response?.value !== undefined && x.status?.ok !== false) s += ` → ${short(x.response.value)}`;
  } else {
    s = x.target && x.target !== x.method ? `${x.method} ${x.target}` : x.method;
  }
  return s.length > MAX_CALL_TEXT ? s.slice(0, MAX_CALL_TEXT - 1) + '…' : s;
}

function short(v: unknown, depth = 0): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v.length > 24 ? v.slice(0, 23) + '…' : v);
  if (typeof v !== 'object') return String(v);
  if (depth > 1) return Array.isArray(v) ? '[…]' : '{…}';
  if (Array.isArray(v)) return `[${v.slice(0, 4).map((x) => short(x, depth + 1)).join(', ')}${v.length > 4 ? ', …' : ''}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `{${entries
    .slice(0, 3)
    .map(([k, x]) => `${k}: ${short(x, depth + 1)}`)
    .join(', ')}${entries.length > 3 ? ', …' : ''}}`;
}

export function statusText(x: Call): string {
  const parts: string[] = [];
  if (x.status) {
    const mark = x.status.ok ? '✓' : '✗';
    parts.push(`${mark} ${x.status.code}${x.status.text ? ' ' + x.status.text : ''}`);
  }
  if (x.state !== 'complete') parts.push(x.state);
  if (x.links?.deliveryIds?.length) parts.push(`→ ${x.links.deliveryIds.length} deliver${x.links.deliveryIds.length === 1 ? 'y' : 'ies'}`);
  if (x.warnings.length) parts.push(`⚠ ${x.warnings.length}`);
  return parts.join('  ');
}

function formatSeconds(us: number): string {
  return (us / 1e6).toFixed(6);
}

export function formatDuration(x: Call): string {
  const end = x.timing.endUs;
  if (end === undefined || x.kind === 'publish' || x.kind === 'deliver' || x.kind === 'event') return end !== undefined && end > x.timing.startUs ? humanUs(end - x.timing.startUs) : '—';
  return humanUs(end - x.timing.startUs);
}

export function humanUs(us: number): string {
  if (us < 1000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

function colors(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap('31'), yellow: wrap('33'), dim: wrap('2') };
}
