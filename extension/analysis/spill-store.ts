/**
 * The calls of one analysis with memory bounded by a compact index, not by the calls: each call
 * is appended as one JSON line to a spill file (in os.tmpdir() or the extension's storage;
 * unlinked as soon as it is open on POSIX, so it goes away with the process, and closed on
 * dispose) and described by one entry of a columnar CallIndex. The first calls (up to
 * `residentCalls` / `residentBytes`) are also kept in memory (as their JSON), so small captures never read the
 * file; the rest are read back by offset (positional reads) or streamed for filters the index
 * cannot answer.
 *
 * A line is `<fields JSON>\t<call JSON>`: filters on `fields` keys (http.status, mqtt.topic…)
 * parse only the small first part (JSON never holds a raw tab, so the first one separates).
 *
 * Calls are kept as decoded; definition links (a Linker) are applied when a call is read, and
 * their outcome (definition, warning count, per-definition statistics) is recorded in the index
 * when it arrives — and again, by one pass over the file, when the definitions change.
 *
 * Runs in the decoding worker (extension/worker.ts) and, for host-fed analyses (live capture,
 * proxy, playback), on the host. Synchronous file I/O: reads are small and positional, scans
 * yield between chunks.
 */
import { openSync, closeSync, writeSync, readSync, unlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call, DefinitionRef, FlowSummary } from '../../decoders/core/model';
import type { CallRow, FilterErrorInfo, SortSpec } from '../../webview/protocol';
import { parseFilter, evaluateFilter, callField, filterFields, type FilterNode } from '../../decoders/filter/index';
import { percentile } from '../../decoders/definitions/stats';
import { CallIndex, INDEXED_FIELDS } from './call-index';
import { isProblem, type Linker, type LinkResult } from '../definitions/linker';
import { callJson } from '../../decoders/export/jsonl';

export interface PageResult {
  rows: CallRow[];
  total: number;
  filterError?: FilterErrorInfo;
}

/** A filter that does not parse, with where (character offsets) for the filter bar. */
export class FilterSyntaxError extends Error {
  constructor(readonly info: FilterErrorInfo) {
    super(info.message);
  }
}

/** Progress of a long task (a filter that reads the spill file, a relink): calls done of total. */
export type TaskProgress = (done: number, total: number) => void;

export interface SpillStoreOptions {
  /** Folder for the spill file (default: os.tmpdir()). */
  dir?: string;
  /** Calls also kept in memory, at most this many… */
  residentCalls?: number;
  /** …and this many bytes of JSON. */
  residentBytes?: number;
}

/** A problem (schema, unknown field) of one call, for the Problems panel. */
export interface DefinitionProblem {
  id: number;
  method: string;
  target?: string;
  warning: string;
}

/** Calls to one definition in one capture (CodeLens, diagnostics). */
export interface DefinitionSummary {
  ref: DefinitionRef;
  calls: number;
  errors: number;
  /** Durations (µs), sorted: all of them, or evenly spaced quantiles when there are many (`exact` false). */
  durations: number[];
  exact: boolean;
  /** Calls that ended (have a duration). */
  ended: number;
  /** Call ids (the first MAX_REVEAL). */
  ids: number[];
  problems: DefinitionProblem[];
}

export interface ConnectionSummary {
  flowId: number;
  client: string;
  server: string;
  protocol: string;
  calls: number;
}

const MAX_REVEAL = 5000;
const MAX_PROBLEMS = 20;
const SAMPLES = 1001;
const WRITE_CHUNK = 1 << 20;
const READ_CHUNK = 4 << 20;
const TAB = 0x09;

interface DefAcc {
  ref: DefinitionRef;
  calls: number;
  errors: number;
  durations: Float64Array;
  n: number;
  ids: number[];
  problems: DefinitionProblem[];
  problemCount: number;
}

let spillSeq = 0;

export class SpillStore {
  readonly index = new CallIndex();
  flows: FlowSummary[] = [];
  readonly path: string;
  private fd: number;
  private unlinked = false;
  /** One reusable write buffer: no allocation per call (many small ones fragment the heap). */
  private readonly writeBuf = Buffer.allocUnsafe(WRITE_CHUNK);
  private pendingBytes = 0;
  /** Bytes on disk (flushed) and in total (with pending). */
  private flushed = 0;
  private total = 0;
  /** The JSON of the first calls (see add). */
  private readonly resident: string[] = [];
  private residentBytesUsed = 0;
  private readonly residentCalls: number;
  private readonly residentBytes: number;
  private linker?: Linker;
  private defs: DefAcc[] = [];
  private defIds = new Map<string, number>();
  private serviceNames: Record<string, string> = {};
  private views = new Map<string, { count: number; positions: Uint32Array | null }>();
  private matchMemo = new Map<string, { scanned: number; matches: Uint32Array; n: number }>();
  private inflight = new Map<string, Promise<Uint32Array | null>>();
  /** Bumped when the linker changes: scans started before drop their results. */
  private generation = 0;
  private closed = false;

  constructor(opts: SpillStoreOptions = {}) {
    this.residentCalls = opts.residentCalls ?? 20_000;
    this.residentBytes = opts.residentBytes ?? 4 << 20;
    // Filters on a string the index keeps cut read it from the call.
    this.index.wholeField = (pos, name) => callField(this.raw(pos), name);
    const dir = opts.dir ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `callscope-calls-${process.pid}-${Date.now().toString(36)}-${++spillSeq}.jsonl`);
    this.fd = openSync(this.path, 'w+');
    if (process.platform !== 'win32') {
      try {
        // The open descriptor keeps the data; the name goes now, so nothing is left behind.
        unlinkSync(this.path);
        this.unlinked = true;
      } catch {
        /* removed on dispose */
      }
    }
  }

  get size(): number {
    return this.index.count;
  }

  /** Bytes of calls written to the spill file so far. */
  get spillBytes(): number {
    return this.total;
  }

  /** Memory held by the index (the calls kept in memory are counted apart). */
  get indexBytes(): number {
    return this.index.byteSize;
  }

  setServiceNames(names: Record<string, string>): void {
    this.serviceNames = names;
  }

  setLinker(linker: Linker | undefined): void {
    this.linker = linker;
  }

  add(c: Call): void {
    if (this.closed) return;
    const json = callJson(c, true);
    const text = JSON.stringify(c.fields ?? {}) + '\t' + json + '\n';
    const offset = this.total;
    let length: number;
    // At most 3 bytes per UTF-16 unit: when that fits, write in place and learn the real length.
    if (text.length * 3 > WRITE_CHUNK - this.pendingBytes) this.flush();
    if (text.length * 3 <= WRITE_CHUNK) {
      length = this.writeBuf.write(text, this.pendingBytes, 'utf8');
      this.pendingBytes += length;
    } else {
      const big = Buffer.from(text, 'utf8');
      this.writeAt(big, this.flushed);
      this.flushed += big.length;
      length = big.length;
    }
    this.total += length;
    const link = this.linker?.link(c);
    const pos = this.index.add(c, offset, length - 1, this.decorationOf(c, link));
    if (pos < this.residentCalls && this.residentBytesUsed + length <= this.residentBytes && this.resident.length === pos) {
      // Kept as its JSON text, read like a spilled line: holding the first calls as objects made
      // V8 pretenure the decoders' allocation sites (they survived), and every later call was
      // then allocated in the old generation, its garbage kept young objects alive: a scavenge
      // promoted ~1 MB, 216 MB over the 84,442 calls of the HTTP bench capture (27 MB this way)
      // and GC took a fifth of the decoding time.
      this.resident.push(json);
      this.residentBytesUsed += length;
    }
  }

  /** Index facts of a (linked) call: its definition id and warning count; feeds the definition statistics. */
  private decorationOf(c: Call, link: LinkResult | undefined): { defId: number; warnings: number } {
    const ref = link?.ref ?? c.definition;
    const warnings = c.warnings.length + (link?.warnings.length ?? 0);
    if (!ref) return { defId: -1, warnings };
    const key = `${ref.file}\u0000${ref.line}`;
    let id = this.defIds.get(key);
    if (id === undefined) {
      id = this.defs.length;
      this.defIds.set(key, id);
      this.defs.push({ ref, calls: 0, errors: 0, durations: new Float64Array(16), n: 0, ids: [], problems: [], problemCount: 0 });
    }
    const d = this.defs[id];
    d.calls++;
    if ((c.status && !c.status.ok) || c.state === 'aborted') d.errors++;
    if (c.timing.endUs !== undefined) {
      if (d.n === d.durations.length) {
        const g = new Float64Array(d.n * 2);
        g.set(d.durations);
        d.durations = g;
      }
      d.durations[d.n++] = c.timing.endUs - c.timing.startUs;
    }
    if (d.ids.length < MAX_REVEAL) d.ids.push(c.id);
    if (d.problemCount < MAX_PROBLEMS) {
      const all = [...c.warnings, ...(link?.warnings.map((w) => 'schema: ' + w) ?? [])].filter(isProblem);
      if (all.length) {
        d.problemCount += all.length;
        for (const w of all) d.problems.push({ id: c.id, method: c.method, ...(c.target !== undefined ? { target: c.target } : {}), warning: w });
      }
    }
    return { defId: id, warnings };
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    this.writeAt(this.writeBuf.subarray(0, this.pendingBytes), this.flushed);
    this.flushed += this.pendingBytes;
    this.pendingBytes = 0;
  }

  private writeAt(buf: Buffer, position: number): void {
    let at = 0;
    while (at < buf.length) at += writeSync(this.fd, buf, at, buf.length - at, position + at);
  }

  /** The call at a position, as decoded (no links). */
  private raw(pos: number): Call {
    if (pos < this.resident.length) return JSON.parse(this.resident[pos]) as Call;
    const offset = this.index.offsets[pos];
    const length = this.index.lengths[pos];
    if (offset + length > this.flushed) this.flush();
    const buf = Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const n = readSync(this.fd, buf, at, length - at, offset + at);
      if (!n) break;
      at += n;
    }
    return JSON.parse(buf.toString('utf8', buf.indexOf(TAB) + 1, at)) as Call;
  }

  /** The call at a position as the user sees it (linked). */
  at(pos: number): Call {
    const c = this.raw(pos);
    return this.linker ? this.linker.decorate(c) : c;
  }

  get(id: number): Call | undefined {
    const pos = this.index.positionOf(id);
    return pos < 0 ? undefined : this.at(pos);
  }

  /**
   * Visit the calls at positions [from, to) in order, reading the spill file in large chunks.
   * Yields to the event loop between chunks; `visit` returning false stops.
   */
  async scan(from: number, to: number, visit: (c: Call, pos: number) => boolean | void, progress?: TaskProgress, part: 'call' | 'fields' = 'call'): Promise<void> {
    const ix = this.index;
    let pos = from;
    for (; pos < to && pos < this.resident.length; pos++) if (visit(JSON.parse(this.resident[pos]) as Call, pos) === false) return;
    if (pos >= to) return;
    this.flush();
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let lastYield = Date.now();
    while (pos < to && !this.closed) {
      const start = ix.offsets[pos];
      const firstLen = ix.lengths[pos];
      if (firstLen + 1 > buf.length) {
        if (visit(this.raw(pos), pos) === false) return;
        pos++;
        continue;
      }
      let got = 0;
      while (got < buf.length) {
        const n = readSync(this.fd, buf, got, buf.length - got, start + got);
        if (!n) break;
        got += n;
      }
      while (pos < to) {
        const a = ix.offsets[pos] - start;
        const b = a + ix.lengths[pos];
        if (b > got) break;
        const tab = buf.indexOf(TAB, a);
        const c = part === 'fields' ? ({ fields: JSON.parse(buf.toString('utf8', a, tab)) } as Call) : (JSON.parse(buf.toString('utf8', tab + 1, b)) as Call);
        if (visit(c, pos) === false) return;
        pos++;
      }
      progress?.(pos - from, to - from);
      if (Date.now() - lastYield > 40) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  }

  // ── views: filter + sort ──────────────────────────────────────────────────────────────────

  /** Positions (arrival order) of the calls that pass a filter; null when every call does. Throws FilterSyntaxError. */
  async matching(filter: string | undefined, progress?: TaskProgress): Promise<Uint32Array | null> {
    const text = (filter ?? '').trim();
    if (!text) return null;
    const parsed = parseFilter(text);
    if (!parsed.ok) throw new FilterSyntaxError(parsed.error);
    const node = parsed.node;
    if (!node) return null;
    const key = `${text}\u0000${this.index.count}`;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.computeMatches(text, node, progress).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async computeMatches(text: string, node: FilterNode, progress?: TaskProgress): Promise<Uint32Array> {
    const ix = this.index;
    const count = ix.count;
    const gen = this.generation;
    const prev = this.matchMemo.get(text);
    if (prev && prev.scanned >= count) return prev.matches.subarray(0, prev.n);
    // A copy: memoised results are never changed in place (a scan may run while another finishes).
    const memo = { scanned: prev?.scanned ?? 0, n: prev?.n ?? 0, matches: prev ? prev.matches.slice() : new Uint32Array(256) };
    const push = (pos: number) => {
      if (memo.n === memo.matches.length) {
        const g = new Uint32Array(memo.matches.length * 2);
        g.set(memo.matches);
        memo.matches = g;
      }
      memo.matches[memo.n++] = pos;
    };
    const fields = [...filterFields(node)];
    const indexed = fields.every((f) => INDEXED_FIELDS.has(f));
    // Built-ins from the index, `fields` keys from the first part of the line; `messages` needs the call.
    const fieldsOnly = !fields.includes('messages');
    const from = memo.scanned;
    if (from < count) {
      if (indexed) {
        for (let i = from; i < count; i++) if (evaluateFilter(node, (f) => ix.field(i, f))) push(i);
      } else {
        await this.scan(
          from,
          count,
          (c, pos) => {
            // Linked fields (warnings) come from the index; the rest from the call.
            if (evaluateFilter(node, (f) => (INDEXED_FIELDS.has(f) ? ix.field(pos, f) : callField(c, f)))) push(pos);
          },
          progress,
          fieldsOnly ? 'fields' : 'call',
        );
      }
      memo.scanned = count;
      if (gen === this.generation) {
        this.matchMemo.delete(text);
        this.matchMemo.set(text, memo);
        while (this.matchMemo.size > 8) this.matchMemo.delete(this.matchMemo.keys().next().value!);
      }
    }
    return memo.matches.subarray(0, memo.n);
  }

  /** Positions of a filtered and sorted view; null for all calls in arrival order (already time order). */
  async select(filter: string | undefined, sort: SortSpec | undefined, progress?: TaskProgress): Promise<Uint32Array | null> {
    const ix = this.index;
    const key = `${sort ? `${sort.key}:${sort.dir}` : 'time:asc'}\u0000${(filter ?? '').trim()}`;
    const memo = this.views.get(key);
    if (memo && memo.count === ix.count) return memo.positions;
    const count = ix.count;
    const matches = await this.matching(filter, progress);
    const isDefault = !sort || (sort.key === 'time' && sort.dir === 'asc');
    let positions: Uint32Array | null;
    if (isDefault && ix.inTimeOrder) positions = matches;
    else {
      positions = matches ? matches.slice() : Uint32Array.from({ length: count }, (_, i) => i);
      positions.sort(ix.comparator(sort));
    }
    this.views.delete(key);
    this.views.set(key, { count, positions });
    while (this.views.size > 6) this.views.delete(this.views.keys().next().value!);
    return positions;
  }

  async page(start: number, count: number, filter?: string, sort?: SortSpec, progress?: TaskProgress): Promise<PageResult> {
    try {
      const n0 = this.index.count;
      const list = await this.select(filter, sort, progress);
      const total = list ? list.length : Math.min(n0, this.index.count);
      const s = Math.max(0, Math.min(start, total));
      const e = Math.min(total, s + Math.max(0, Math.min(count, 5000)));
      const rows: CallRow[] = [];
      for (let i = s; i < e; i++) rows.push(this.index.row(list ? list[i] : i, this.serviceNames));
      return { rows, total };
    } catch (e) {
      if (e instanceof FilterSyntaxError) return { rows: [], total: 0, filterError: e.info };
      throw e;
    }
  }

  async indexOf(id: number, filter?: string, sort?: SortSpec, progress?: TaskProgress): Promise<number> {
    const pos = this.index.positionOf(id);
    if (pos < 0) return -1;
    try {
      const list = await this.select(filter, sort, progress);
      if (!list) return pos;
      for (let i = 0; i < list.length; i++) if (list[i] === pos) return i;
    } catch {
      /* a bad filter finds nothing */
    }
    return -1;
  }

  /** Rows in arrival order (what the list streams while decoding). */
  rows(start: number, count: number): CallRow[] {
    const out: CallRow[] = [];
    const end = Math.min(this.index.count, start + count);
    for (let i = Math.max(0, start); i < end; i++) out.push(this.index.row(i, this.serviceNames));
    return out;
  }

  /** Full (linked) calls of a view, or a window of it, or by id. */
  async calls(q: { filter?: string; sort?: SortSpec; start?: number; count?: number; ids?: number[] }, progress?: TaskProgress): Promise<Call[]> {
    if (q.ids) return q.ids.map((id) => this.get(id)).filter((c): c is Call => !!c);
    let list: Uint32Array | null;
    try {
      list = await this.select(q.filter, q.sort, progress);
    } catch {
      list = null;
    }
    const total = list ? list.length : this.index.count;
    const s = Math.max(0, q.start ?? 0);
    const e = Math.min(total, q.count === undefined ? total : s + q.count);
    if (!list) {
      const out: Call[] = [];
      await this.scan(s, e, (c) => void out.push(this.linker ? this.linker.decorate(c) : c), progress);
      return out;
    }
    const out: Call[] = [];
    for (let i = s; i < e; i++) out.push(this.at(list[i]));
    return out;
  }

  /** Start times in time order (playback's clock). */
  async startTimes(): Promise<Float64Array> {
    const list = await this.select(undefined, undefined);
    const n = list ? list.length : this.index.count;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.index.startUs[list ? list[i] : i];
    return out;
  }

  // ── definitions ───────────────────────────────────────────────────────────────────────────

  definitionSummaries(): DefinitionSummary[] {
    return this.defs
      .filter((d) => d.calls > 0)
      .map((d) => {
        const sorted = d.durations.slice(0, d.n).sort();
        const exact = sorted.length <= SAMPLES;
        const durations = exact ? Array.from(sorted) : Array.from({ length: SAMPLES }, (_, k) => percentile(sorted as unknown as number[], (k / (SAMPLES - 1)) * 100)!);
        return { ref: d.ref, calls: d.calls, errors: d.errors, durations, exact, ended: d.n, ids: d.ids, problems: d.problems };
      });
  }

  /** New definitions: link every call again (one pass over the file). */
  async relink(linker: Linker | undefined, progress?: TaskProgress): Promise<void> {
    this.linker = linker;
    this.generation++;
    const gen = this.generation;
    this.defs = [];
    this.defIds = new Map();
    this.views.clear();
    this.matchMemo.clear();
    const ix = this.index;
    const count = ix.count;
    await this.scan(
      0,
      count,
      (c, pos) => {
        if (gen !== this.generation) return false;
        const d = this.decorationOf(c, linker?.link(c));
        ix.setDecoration(pos, d);
      },
      progress,
    );
  }

  // ── connections (the side-bar tree) ───────────────────────────────────────────────────────

  connections(): ConnectionSummary[] {
    const ix = this.index;
    const byFlow = new Map<number, ConnectionSummary>();
    for (let i = 0; i < ix.count; i++) {
      const f = ix.flowId[i];
      const s = byFlow.get(f);
      if (s) s.calls++;
      else byFlow.set(f, { flowId: f, client: ix.strings.endpoint.get(ix.client[i])!, server: ix.strings.endpoint.get(ix.server[i])!, protocol: ix.strings.protocol.get(ix.protocol[i])!, calls: 1 });
    }
    return [...byFlow.values()];
  }

  flowCalls(flowId: number, limit: number): { rows: CallRow[]; total: number } {
    const ix = this.index;
    const rows: CallRow[] = [];
    let total = 0;
    for (let i = 0; i < ix.count; i++) {
      if (ix.flowId[i] !== flowId) continue;
      total++;
      if (rows.length < limit) rows.push(ix.row(i, this.serviceNames));
    }
    return { rows, total };
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.pendingBytes = 0;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    if (!this.unlinked) {
      try {
        unlinkSync(this.path);
      } catch {
        /* gone */
      }
    }
  }
}
