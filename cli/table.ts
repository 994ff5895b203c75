/**
 * The terminal version of the timeline: one aligned line per call, in start order; deliveries
 * under the message they deliver, inner calls of a batch under the batch; then the
 * connections no decoder claimed, with their byte counts, so nothing is hidden.
 */
import type { Call, FlowSummary } from '../decoders/core/model';
import { isEncryptedPort } from '../decoders/tls/names';
import { codeAndText, endpointLabel } from '../decoders/export/common';
import { SortedSpool, sortableNumber, type SpoolOptions } from './platform/sorted-spool';
import { ParentLinks } from './platform/parent-links';
import { isObj } from '../decoders/core/json';

export interface TableOptions {
  color?: boolean;
}

const MAX_CALL_TEXT = 72;
/** Calls remembered as possible parents, and children waiting for a parent seen later. */
const RECENT_PARENTS = 1 << 16;
const MAX_PENDING = 1 << 16;
const CELL = '\x1f';

interface Row {
  id: number;
  startUs: number;
  /** dur, endpoints, protocol, call text, status: one line each. */
  cells: string[];
  color: 'r' | 'y' | 'n';
}

/**
 * Builds the table as calls arrive, in bounded memory: rows wait in a SortedSpool (on disk past
 * its budget) keyed by start time, a child's key extending its parent's so that it sorts right
 * under it. A child reported before its parent (a delivery before the publish it delivers) waits
 * for it; one whose parent never comes (left out by --filter) is a row of its own.
 */
export class TableWriter {
  private readonly spool: SortedSpool;
  private readonly links = new ParentLinks<{ key: string; depth: number }, Row>(RECENT_PARENTS, MAX_PENDING);
  /** Widths of dur, client → server, proto, call, status: the header's at least. */
  private readonly widths = [3, 15, 5, 4, 6];
  private t0 = Infinity;
  private maxStart = -Infinity;
  private calls = 0;
  private withWarnings = 0;
  private readonly unclaimed: FlowSummary[] = [];
  /** Connections also captured with other addresses (NAT), the first MAX_NAT_LINES; how many in all. */
  private readonly translated: FlowSummary[] = [];
  private translatedCount = 0;
  /** Frames that were copies of packets captured on other interfaces (FlowSummary.copies). */
  private copyFrames = 0;

  private readonly c: ReturnType<typeof colors>;
  private headerDone = false;
  private timeWidth = 4;

  constructor(opts: TableOptions = {}, spoolOpts?: SpoolOptions) {
    this.spool = new SortedSpool(spoolOpts);
    this.c = colors(opts.color === true);
  }

  addCall(x: Call): void {
    this.calls++;
    if (x.warnings.length) this.withWarnings++;
    if (x.timing.startUs < this.t0) this.t0 = x.timing.startUs;
    if (x.timing.startUs > this.maxStart) this.maxStart = x.timing.startUs;
    const row: Row = {
      id: x.id,
      startUs: x.timing.startUs,
      cells: [
        formatDuration(x),
        `${endpointLabel(x.client)} → ${endpointLabel(x.server)}`,
        oneLine(x.protocol),
        oneLine(callText(x)),
        oneLine(statusText(x)),
      ],
      color: x.status && !x.status.ok ? 'r' : x.state !== 'complete' ? 'y' : 'n',
    };
    const parent = x.parentId ?? x.links?.publishId;
    if (parent === undefined) return this.place(row, undefined);
    const p = this.links.parent(parent);
    if (p) return this.place(row, p);
    for (const r of this.links.wait(parent, row) ?? []) this.place(r, undefined);
  }

  addFlow(f: FlowSummary): void {
    if (f.startUs < this.t0) this.t0 = f.startUs;
    if (f.protocol === 'tcp' || f.protocol === 'udp') this.unclaimed.push(f);
    if (f.alsoSeenAs?.length && this.translatedCount++ < MAX_NAT_LINES) this.translated.push(f);
    if (f.copies) this.copyFrames += f.copies.frames;
  }

  private place(row: Row, parent: { key: string; depth: number } | undefined): void {
    const key = (parent ? parent.key : '') + sortableNumber(row.startUs) + sortableNumber(row.id);
    const depth = parent ? parent.depth + 1 : 0;
    if (depth) row.cells[3] = '  '.repeat(depth - 1) + '└ ' + row.cells[3];
    for (let i = 0; i < row.cells.length; i++) if (row.cells[i].length > this.widths[i]) this.widths[i] = row.cells[i].length;
    this.spool.add(key, row.startUs + CELL + row.color + CELL + row.cells.join(CELL));
    this.links.remember(row.id, { key, depth });
    for (const k of this.links.children(row.id) ?? []) this.place(k, { key, depth });
  }

  /** The whole table, a piece at a time; `pause` is awaited now and then (back-pressure). */
  async finish(write: (s: string) => void, pause: () => Promise<void> = async () => {}): Promise<void> {
    this.settle();
    await this.spool.drain((text) => write(this.render(text)), pause);
    write(this.footer());
  }

  /** The same, all in memory (no budget): for tests and small inputs. */
  finishSync(): string {
    this.settle();
    let out = '';
    this.spool.drainSync((text) => (out += this.render(text)));
    return out + this.footer();
  }

  /** Children still waiting become rows of their own; the header is fixed. */
  private settle(): void {
    for (const r of this.links.orphans()) this.place(r, undefined);
    if (this.maxStart > -Infinity) this.timeWidth = Math.max(4, formatSeconds(this.maxStart - this.t0).length);
  }

  private line(r: string[]): string {
    const w = [this.timeWidth, ...this.widths];
    return r
      .map((cell, i) => (i === 0 || i === 1 ? cell.padStart(w[i]) : i === r.length - 1 ? cell : cell.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  }

  /** The header line, before the first row (or the note that there is none); then nothing. */
  private header(): string {
    if (this.headerDone) return '';
    this.headerDone = true;
    return this.c.dim(this.line(['time', 'dur', 'client → server', 'proto', 'call', 'status'])) + '\n';
  }

  private render(text: string): string {
    const parts = text.split(CELL);
    const color = parts[1] === 'r' ? this.c.red : parts[1] === 'y' ? this.c.yellow : (s: string) => s;
    return this.header() + color(this.line([formatSeconds(Number(parts[0]) - this.t0), ...parts.slice(2)])) + '\n';
  }

  private footer(): string {
    let out = '';
    if (!this.headerDone) out += this.header() + '(no calls decoded)\n';
    const unclaimed = this.unclaimed;
    // A SYN answered by a reset is a refused connection, not something a decoder could claim.
    const isRefused = (f: FlowSummary) => f.transport === 'tcp' && f.synSeen && f.synAckUs === undefined && f.rstUs !== undefined;
    const isEmpty = (f: FlowSummary) => f.c2sBytes === 0 && f.s2cBytes === 0;
    const refused = unclaimed.filter(isRefused);
    const empty = unclaimed.filter((f) => !isRefused(f) && isEmpty(f));
    const raw = unclaimed.filter((f) => !isRefused(f) && !isEmpty(f));
    if (refused.length) {
      out += `\n${refused.length} connection${refused.length === 1 ? '' : 's'} refused (SYN answered by RST):\n`;
      for (const f of refused) out += `  ${endpointLabel(f.client)} → ${endpointLabel(f.server)}\n`;
    }
    if (empty.length) {
      out += `\n${empty.length} connection${empty.length === 1 ? '' : 's'} without data:\n`;
      for (const f of empty) out += `  ${f.transport}  ${endpointLabel(f.client)} → ${endpointLabel(f.server)}  ${f.packets} packets\n`;
    }
    // On a TLS/QUIC port the bytes are most likely encrypted: no decode-as rule can help there.
    const isEncrypted = (f: FlowSummary) => isEncryptedPort(f.transport, f.server.port) || isEncryptedPort(f.transport, f.client.port);
    const encrypted = raw.filter(isEncrypted);
    const plain = raw.filter((f) => !isEncrypted(f));
    const rawLine = (f: FlowSummary) =>
      `  ${f.transport}  ${endpointLabel(f.client)} → ${endpointLabel(f.server)}  ${formatBytes(f.c2sBytes)} → / ← ${formatBytes(f.s2cBytes)}  ${f.packets} packets\n`;
    if (plain.length) {
      out += `\n${plain.length} connection${plain.length === 1 ? '' : 's'} not decoded (use --decode-as tcp.port==PORT,PROTOCOL):\n`;
      for (const f of plain.sort((a, b) => a.startUs - b.startUs)) out += rawLine(f);
    }
    if (encrypted.length) {
      out += `\n${encrypted.length} connection${encrypted.length === 1 ? '' : 's'} on TLS/QUIC ports not decoded (likely encrypted: --decode-as cannot decrypt them; record in plain text with \`callscope proxy\` or capture the service without TLS):\n`;
      for (const f of encrypted.sort((a, b) => a.startUs - b.startUs)) out += rawLine(f);
    }
    if (this.translatedCount) {
      const n = this.translatedCount;
      out += `\n${n} connection${n === 1 ? '' : 's'} also captured with other addresses (NAT: each call is shown once, with the addresses seen first):\n`;
      for (const f of this.translated.sort((a, b) => a.startUs - b.startUs)) {
        const as = (f.alsoSeenAs ?? []).map((a) => `${endpointLabel(a.client)} → ${endpointLabel(a.server)}${a.interfaces.length ? ` (${a.interfaces.join(', ')})` : ''}`).join(', ');
        out += `  ${f.transport}  ${endpointLabel(f.client)} → ${endpointLabel(f.server)}  also as ${as}\n`;
      }
      if (n > this.translated.length) out += `  … and ${n - this.translated.length} more\n`;
    }
    if (this.copyFrames) out += `\n${this.copyFrames} frame${this.copyFrames === 1 ? ' was a copy' : 's were copies'} of packets captured on other interfaces: counted once\n`;
    out += `\n${this.calls} call${this.calls === 1 ? '' : 's'}${this.withWarnings ? `, ${this.withWarnings} with warnings` : ''}\n`;
    return out;
  }
}

/** Connections listed under "also captured with other addresses". */
const MAX_NAT_LINES = 20;

/** The table of these calls and flows, in one string. */
export function formatTable(calls: Call[], flows: FlowSummary[], opts: TableOptions = {}): string {
  const t = new TableWriter(opts, { budgetBytes: Infinity });
  for (const f of flows) t.addFlow(f);
  for (const x of calls) t.addCall(x);
  return t.finishSync();
}

/** A cell on one line: line breaks and other control characters written as escapes (`\n`). */
export function oneLine(s: string): string {
  return /[\x00-\x1f\x7f]/.test(s) ? s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)) : s;
}

/** `fun_add(2, 3) → 5`, `POST /persons`, `PUBLISH trips/new`. Never throws: a value of an unexpected shape prints the method and target. */
export function callText(x: Call): string {
  try {
    return describeCall(x);
  } catch {
    return x.target && x.target !== x.method ? `${x.method} ${x.target}` : String(x.method);
  }
}

function describeCall(x: Call): string {
  let s: string;
  const rpc = ['xmlrpc', 'jsonrpc', 'thrift', 'dubbo', 'hessian', 'soap', 'trpc', 'signalr'].includes(x.protocol);
  const rv = x.request?.value;
  if (x.protocol === 'graphql' && x.kind !== 'batch' && rv !== null && typeof rv === 'object' && !Array.isArray(rv) && 'query' in rv) {
    // `Signup({name: "Ada", …}) → {signup: {…}}`: the operation with its variables, and its data
    const vars = (rv as { variables?: unknown }).variables;
    s = `${x.method}(${vars !== undefined ? short(vars) : ''})`;
    if (x.response?.value !== undefined && x.status?.ok !== false && x.kind !== 'server-stream') s += ` → ${short(x.response.value)}`;
  } else if (x.protocol === 'sockjs' && x.method === 'message') {
    // a SockJS message that is not STOMP, with what it said
    s = `message(${short(x.request?.value ?? x.response?.value)})`;
  } else if (x.protocol === 'socketio' && !x.http && Array.isArray(x.request?.value)) {
    // an event with its arguments, and the ack's
    s = `${x.method}(${(x.request!.value as unknown[]).map(short).join(', ')})`;
    if (Array.isArray(x.response?.value)) s += ` → ${(x.response!.value as unknown[]).map(short).join(', ')}`;
  } else if (x.protocol === 'dubbo' && isObj(rv) && Array.isArray(rv.arguments)) {
    // `readPerson("1234") → Person{id: "1234", …}`: the arguments, and the value of the answer
    s = `${x.method}(${rv.arguments.map(short).join(', ')})`;
    const res = x.response?.value;
    if (isObj(res) && 'value' in res && x.status?.ok !== false) s += ` → ${short(res.value)}`;
  } else if (x.protocol === 'soap' && isObj(rv) && 'Body' in rv) {
    // `Add({a: 2, b: 3}) → {AddResult: 5}`: what the Body carries, not the envelope's Header blocks first
    // (WS-Addressing's Action, MessageID, ReplyTo and To filled the cell before the arguments showed)
    s = `${x.method}(${soapBody(rv)})`;
    const res = x.response?.value;
    if (isObj(res) && 'Body' in res && x.status?.ok !== false) s += ` → ${soapBody(res)}`;
  } else if (rpc && x.kind !== 'batch') {
    const args = Array.isArray(x.request?.value) ? (x.request!.value as unknown[]).map(short).join(', ') : x.request?.value !== undefined ? short(x.request.value) : '';
    s = `${x.method}(${args})`;
    if (x.response?.value !== undefined && x.status?.ok !== false) s += ` → ${short(x.response.value)}`;
  } else {
    // (a gRPC or Connect target is the method's path: `/pkg.Service/Method`, said once; a Twirp
    // one has its prefix before it, `/twirp/pkg.Service/Method`, also said by the method)
    const said = x.target === x.method || x.target === `/${x.method}` || (x.protocol === 'twirp' && x.target?.endsWith(`/${x.method}`));
    s = x.target && !said ? `${x.method} ${x.target}` : x.method;
  }
  return s.length > MAX_CALL_TEXT ? s.slice(0, MAX_CALL_TEXT - 1) + '…' : s;
}

/**
 * A SOAP envelope's value in short: the WSDL's parts when the call is typed (a document/literal
 * wrapped operation's one part shows its fields), else the Body's first element's value.
 */
function soapBody(env: Record<string, unknown>): string {
  const parts = env.parts;
  if (isObj(parts)) {
    const ks = Object.keys(parts);
    return short(ks.length === 1 && isObj(parts[ks[0]]) ? parts[ks[0]] : parts);
  }
  const body = env.Body;
  if (!isObj(body)) return body === undefined ? '' : short(body);
  const first = Object.keys(body)[0];
  return first === undefined ? '' : short(body[first]);
}

function short(v: unknown, depth = 0): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v.length > 24 ? v.slice(0, 23) + '…' : v);
  if (typeof v !== 'object') return String(v);
  // A typed Hessian object (`{$class: "org.callscope.Person", …}`) or fastjson one (`@type`) is
  // named by its class's simple name; a typed list (`{$type, items}`) is its items.
  const o = v as Record<string, unknown>;
  const type = typeof o.$class === 'string' ? o.$class : typeof o['@type'] === 'string' ? o['@type'] : '';
  const cls = type.slice(type.lastIndexOf('.') + 1);
  if (!cls && typeof o.$type === 'string' && Array.isArray(o.items) && Object.keys(o).length === 2) return short(o.items, depth);
  if (depth > 1) return Array.isArray(v) ? '[…]' : `${cls}{…}`;
  if (Array.isArray(v)) return `[${v.slice(0, 4).map((x) => short(x, depth + 1)).join(', ')}${v.length > 4 ? ', …' : ''}]`;
  const entries = Object.entries(o).filter(([k]) => !cls || (k !== '$class' && k !== '@type'));
  return `${cls}{${entries
    .slice(0, 3)
    .map(([k, x]) => `${k}: ${short(x, depth + 1)}`)
    .join(', ')}${entries.length > 3 ? ', …' : ''}}`;
}

export function statusText(x: Call): string {
  const parts: string[] = [];
  if (x.status) {
    const mark = x.status.ok ? '✓' : '✗';
    parts.push(`${mark} ${codeAndText(x.status)}`);
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
