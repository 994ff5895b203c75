/**
 * The compact, columnar index of an analysis's calls: what the call list, sorting and the cheap
 * filter fields need, without the calls themselves. One entry per call, in arrival order
 * (its "position"); columns are typed arrays grown by half, id-like columns only as wide as their
 * largest value so far (NarrowColumn), strings are interned in byte arenas (string-table.ts:
 * method, target, endpoints, protocol…; a string past 2,048 characters kept as its start, marked
 * cut, filters reading it whole from the call). About 52 bytes a call on the HTTP bench capture (77
 * before the narrow columns; 20 of them for start time and spill offset) plus ~6 for the id
 * lookup, plus the distinct strings (~36 bytes each for its 254,353 targets).
 *
 * The full calls live elsewhere (a spill file, see spill-store.ts); `offsets`/`lengths` say where.
 * Pure: no node, no vscode.
 */
import type { Call, CallStatus } from '../../decoders/core/model';
import type { CallRow, SortSpec } from '../../webview/protocol';
import type { FieldValue } from '../../decoders/filter/index';
import { callSize, hostNameOf, startedByServer } from './rows';
import { endpointLabel } from '../../decoders/export/common';
import { StringTable } from './string-table';

export { StringTable };

/** What decoration (definition linking) decided for one call. */
export interface CallDecoration {
  /** Interned definition id (`defKey`), -1 for none. */
  defId: number;
  /** Warnings after decoration. */
  warnings: number;
}

/** Enum-like tables (protocol, kind, state) fit a byte. */
function small(id: number): number {
  if (id > 255) throw new Error('more than 255 distinct protocols, kinds or states');
  return id;
}

/** The address part of "ip:port" / "[v6]:port". */
function ipOf(endpoint: string): string {
  const cut = endpoint.lastIndexOf(':');
  return endpoint.slice(0, cut).replace(/^\[|\]$/g, '');
}


/** The call fields the index answers itself; any other filter field needs the full calls. */
export const INDEXED_FIELDS = new Set(['protocol', 'method', 'target', 'status', 'status.text', 'ok', 'duration', 'size', 'client', 'server', 'kind', 'state', 'flow', 'id', 'warnings']);

const STATE_OK: Record<string, boolean | undefined> = { aborted: false, complete: true };

/** A duration-like offset from startUs, in µs: absent, or too large for 32 bits (kept in a map). */
const NO_DELTA = 0xffffffff;

/**
 * A column of unsigned values as narrow as its largest value so far: bytes until a value needs
 * 16 bits, then 16 bits until one needs 32. Most id columns hold a few distinct values (methods,
 * statuses, hosts, endpoints, flows), so a byte or two a call instead of four.
 */
export type NarrowColumn = Uint8Array | Uint16Array | Uint32Array;

/**
 * Compare positions by the rank of their id in a column. One closure per width: a closure shared
 * by columns of every width sees them all and its loads go polymorphic (sorts by method or
 * endpoints were 10-30% slower).
 */
function byRank(col: NarrowColumn, r: Uint32Array): (a: number, b: number) => number {
  if (col instanceof Uint8Array) return (a, b) => r[col[a]] - r[col[b]];
  if (col instanceof Uint16Array) return (a, b) => r[col[a]] - r[col[b]];
  return (a, b) => r[col[a]] - r[col[b]];
}

/** `col`, or a wider copy of it when v does not fit (v: an unsigned 32-bit value). */
function widened(col: NarrowColumn, v: number): NarrowColumn {
  const bytes = col.BYTES_PER_ELEMENT;
  if (bytes === 4 || (bytes === 2 && v < 0x10000) || v < 0x100) return col;
  const w = v < 0x10000 ? new Uint16Array(col.length) : new Uint32Array(col.length);
  w.set(col);
  return w;
}

export class CallIndex {
  /** Names connections gave themselves (fields['client.name']), by flow id: client lifeline names. */
  private readonly flowNames = new Map<number, string>();
  count = 0;
  private cap = 0;
  ids = new Uint32Array(0);
  /** Where the call's JSON line is in the spill file (bytes). */
  offsets = new Float64Array(0);
  lengths: NarrowColumn = new Uint8Array(0);
  startUs = new Float64Array(0);
  /** endUs − startUs and responseStartUs − startUs (NO_DELTA: absent or in `bigDeltas`). */
  private endDelta = new Uint32Array(0);
  private responseDelta = new Uint32Array(0);
  /** `callSize` (the list's Size column) and the filter's `size` (wire bytes, else bodies); saturate at 4 GiB. */
  sizeBytes: NarrowColumn = new Uint8Array(0);
  filterSize: NarrowColumn = new Uint8Array(0);
  flowId: NarrowColumn = new Uint8Array(0);
  protocol = new Uint8Array(0);
  kind = new Uint8Array(0);
  state = new Uint8Array(0);
  client: NarrowColumn = new Uint8Array(0);
  server: NarrowColumn = new Uint8Array(0);
  method: NarrowColumn = new Uint8Array(0);
  target: NarrowColumn = new Uint8Array(0);
  status: NarrowColumn = new Uint8Array(0);
  /** HTTP Host / :authority (the lifeline name when no service name is set). */
  host: NarrowColumn = new Uint8Array(0);
  /** Warnings after decoration (saturates at 65,535). */
  private warningCount: NarrowColumn = new Uint8Array(0);
  /** Definition id + 1 (0: none). */
  private defPlus1: NarrowColumn = new Uint8Array(0);
  /**
   * Reads a field from the call at a position (the spill store sets it): filters on a string the
   * index keeps cut (a target longer than 2,048 characters) see the whole string.
   */
  wholeField?: (pos: number, name: string) => FieldValue;
  /** Rare values kept apart: publish links of deliveries, deltas beyond 32 bits, ids beyond 32 bits. */
  private readonly publishIds = new Map<number, number>();
  /** Positions of calls the server started (rare next to all calls). */
  private readonly fromServer = new Set<number>();
  private readonly bigDeltas = new Map<number, [number | undefined, number | undefined]>();
  private readonly bigIds = new Map<number, number>();

  readonly strings = {
    protocol: new StringTable(),
    kind: new StringTable(),
    state: new StringTable(),
    endpoint: new StringTable(),
    method: new StringTable(),
    target: new StringTable(),
    host: new StringTable(),
    definition: new StringTable(),
  };
  /** Distinct statuses; id 0 is "no status". */
  readonly statuses: Array<CallStatus | undefined> = [undefined];
  private readonly statusIds = new Map<string, number>();
  /** call id → position + 1 (0: unknown), for dense ids; a Map for the rest. */
  private byIdDense = new Int32Array(0);
  private readonly byIdSparse = new Map<number, number>();
  /** Arrival order is start order while each call started no earlier than the one before. */
  inTimeOrder = true;
  minStartUs = Infinity;
  maxEndUs = -Infinity;

  /** Grows by half: the copy made while growing stays small next to what is kept. */
  private grow(min: number): void {
    let cap = this.cap || 4096;
    while (cap < min) cap = Math.ceil(cap * 1.5);
    const g = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      return b;
    };
    this.ids = g(this.ids);
    this.offsets = g(this.offsets);
    this.lengths = g(this.lengths);
    this.startUs = g(this.startUs);
    this.endDelta = g(this.endDelta);
    this.responseDelta = g(this.responseDelta);
    this.sizeBytes = g(this.sizeBytes);
    this.filterSize = g(this.filterSize);
    this.flowId = g(this.flowId);
    this.protocol = g(this.protocol);
    this.kind = g(this.kind);
    this.state = g(this.state);
    this.client = g(this.client);
    this.server = g(this.server);
    this.method = g(this.method);
    this.target = g(this.target);
    this.status = g(this.status);
    this.host = g(this.host);
    this.warningCount = g(this.warningCount);
    this.defPlus1 = g(this.defPlus1);
    this.cap = cap;
  }

  /** The call id at a position. */
  idAt(i: number): number {
    const id = this.ids[i];
    return id === NO_DELTA ? (this.bigIds.get(i) ?? id) : id;
  }

  endAt(i: number): number | undefined {
    const d = this.endDelta[i];
    return d !== NO_DELTA ? this.startUs[i] + d : this.bigDeltas.get(i)?.[0];
  }

  responseStartAt(i: number): number | undefined {
    const d = this.responseDelta[i];
    return d !== NO_DELTA ? this.startUs[i] + d : this.bigDeltas.get(i)?.[1];
  }

  private delta(i: number, startUs: number, at: number | undefined, which: 0 | 1): number {
    if (at === undefined) return NO_DELTA;
    const d = at - startUs;
    if (Number.isInteger(d) && d >= 0 && d < NO_DELTA) return d;
    const big = this.bigDeltas.get(i) ?? [undefined, undefined];
    big[which] = at;
    this.bigDeltas.set(i, big);
    return NO_DELTA;
  }

  private statusId(s: CallStatus | undefined): number {
    if (!s) return 0;
    const k = `${typeof s.code}\u0000${s.code}\u0000${s.text ?? ''}\u0000${s.ok}`;
    let id = this.statusIds.get(k);
    if (id === undefined) {
      id = this.statuses.length;
      this.statuses.push(s.text === undefined ? { code: s.code, ok: s.ok } : { code: s.code, text: s.text, ok: s.ok });
      this.statusIds.set(k, id);
    }
    return id;
  }

  /** Append one call; returns its position. */
  add(c: Call, offset: number, length: number, dec: CallDecoration): number {
    const i = this.count;
    if (startedByServer(c)) this.fromServer.add(i);
    const selfName = c.fields['client.name'];
    if (typeof selfName === 'string' && selfName && !this.flowNames.has(c.flowId)) this.flowNames.set(c.flowId, selfName);
    if (i >= this.cap) this.grow(i + 1);
    if (i > 0) {
      const ls = this.startUs[i - 1];
      if (c.timing.startUs < ls || (c.timing.startUs === ls && c.id < this.idAt(i - 1))) this.inTimeOrder = false;
    }
    if (Number.isInteger(c.id) && c.id >= 0 && c.id < NO_DELTA) this.ids[i] = c.id;
    else (this.ids[i] = NO_DELTA), this.bigIds.set(i, c.id);
    this.offsets[i] = offset;
    if (length > 0xff) this.lengths = widened(this.lengths, Math.min(NO_DELTA, length));
    this.lengths[i] = length;
    const st = c.timing.startUs;
    this.startUs[i] = st;
    this.endDelta[i] = this.delta(i, st, c.timing.endUs, 0);
    this.responseDelta[i] = this.delta(i, st, c.timing.responseStartUs, 1);
    const size = Math.min(NO_DELTA, callSize(c));
    if (size > 0xff) this.sizeBytes = widened(this.sizeBytes, size);
    this.sizeBytes[i] = size;
    const wire = (c.request?.wireBytes ?? 0) + (c.response?.wireBytes ?? 0);
    const fsize = Math.min(NO_DELTA, wire || (c.request?.body?.size ?? 0) + (c.response?.body?.size ?? 0));
    if (fsize > 0xff) this.filterSize = widened(this.filterSize, fsize);
    this.filterSize[i] = fsize;
    if (c.links?.publishId !== undefined) this.publishIds.set(i, c.links.publishId);
    const flow = c.flowId >>> 0;
    if (flow > 0xff) this.flowId = widened(this.flowId, flow);
    this.flowId[i] = flow;
    this.protocol[i] = small(this.strings.protocol.intern(c.protocol));
    this.kind[i] = small(this.strings.kind.intern(c.kind));
    this.state[i] = small(this.strings.state.intern(c.state));
    const client = this.strings.endpoint.intern(endpointLabel(c.client));
    if (client > 0xff) this.client = widened(this.client, client);
    this.client[i] = client;
    const server = this.strings.endpoint.intern(endpointLabel(c.server));
    if (server > 0xff) this.server = widened(this.server, server);
    this.server[i] = server;
    const method = this.strings.method.intern(c.method);
    if (method > 0xff) this.method = widened(this.method, method);
    this.method[i] = method;
    const target = this.strings.target.intern(c.target);
    if (target > 0xff) this.target = widened(this.target, target);
    this.target[i] = target;
    const status = this.statusId(c.status);
    if (status > 0xff) this.status = widened(this.status, status);
    this.status[i] = status;
    const host = this.strings.host.intern(hostNameOf(c));
    if (host > 0xff) this.host = widened(this.host, host);
    this.host[i] = host;
    this.setDecoration(i, dec);
    this.setId(c.id, i);
    if (st < this.minStartUs) this.minStartUs = st;
    const end = c.timing.endUs ?? st;
    if (end > this.maxEndUs) this.maxEndUs = end;
    this.count++;
    return i;
  }

  /** Record what decoration decided for the call at position i (when it arrives, and again on relinking). */
  setDecoration(i: number, dec: CallDecoration): void {
    const w = Math.min(0xffff, dec.warnings);
    if (w > 0xff) this.warningCount = widened(this.warningCount, w);
    this.warningCount[i] = w;
    const d = dec.defId + 1;
    if (d > 0xff) this.defPlus1 = widened(this.defPlus1, d);
    this.defPlus1[i] = d;
  }

  /** The definition id (`defKey`) of the call at position i, -1 for none. */
  defIdAt(i: number): number {
    return this.defPlus1[i] - 1;
  }

  warningsAt(i: number): number {
    return this.warningCount[i];
  }

  private setId(id: number, pos: number): void {
    if (Number.isInteger(id) && id >= 0 && id < 4 * (this.count + 1024)) {
      if (id >= this.byIdDense.length) {
        let n = this.byIdDense.length || 1024;
        while (n <= id) n *= 2;
        const d = new Int32Array(n);
        d.set(this.byIdDense);
        this.byIdDense = d;
      }
      this.byIdDense[id] = pos + 1;
    } else this.byIdSparse.set(id, pos);
  }

  /** Position of a call id, or -1. */
  positionOf(id: number): number {
    if (Number.isInteger(id) && id >= 0 && id < this.byIdDense.length && this.byIdDense[id]) return this.byIdDense[id] - 1;
    return this.byIdSparse.get(id) ?? -1;
  }

  /** The list row of the call at position i. */
  row(i: number, serviceNames: Record<string, string>): CallRow {
    const s = this.strings;
    const server = this.shown(s.endpoint, this.server[i])!;
    const row: CallRow = {
      id: this.idAt(i),
      protocol: s.protocol.get(this.protocol[i])!,
      kind: s.kind.get(this.kind[i]) as CallRow['kind'],
      state: s.state.get(this.state[i]) as CallRow['state'],
      flowId: this.flowId[i],
      client: this.shown(s.endpoint, this.client[i])!,
      server,
      method: this.shown(s.method, this.method[i]) ?? '',
      startUs: this.startUs[i],
      sizeBytes: this.sizeBytes[i],
      warnings: this.warningCount[i],
      hasDefinition: this.defPlus1[i] > 0,
    };
    const target = this.shown(s.target, this.target[i]);
    if (target !== undefined) row.target = target;
    const status = this.statuses[this.status[i]];
    if (status) row.status = status;
    const end = this.endAt(i);
    if (end !== undefined) row.endUs = end;
    const rs = this.responseStartAt(i);
    if (rs !== undefined) row.responseStartUs = rs;
    const name = serviceNames[server] ?? serviceNames[ipOf(server)] ?? this.shown(s.host, this.host[i]);
    if (name) row.serverName = name;
    const client = row.client;
    const clientName = serviceNames[client] ?? this.flowNames.get(row.flowId);
    if (clientName) row.clientName = clientName;
    if (this.fromServer.has(i)) row.fromServer = true;
    const pub = this.publishIds.get(i);
    if (pub !== undefined) row.publishId = pub;
    return row;
  }

  durationOf(i: number): number | undefined {
    const d = this.endDelta[i];
    if (d !== NO_DELTA) return d;
    const e = this.bigDeltas.get(i)?.[0];
    return e === undefined ? undefined : e - this.startUs[i];
  }

  /** `callField` for the indexed fields (INDEXED_FIELDS), from the columns. */
  field(i: number, name: string): FieldValue {
    const s = this.strings;
    switch (name) {
      case 'protocol':
        return s.protocol.get(this.protocol[i]);
      case 'method':
        return this.text(i, name, s.method, this.method[i]);
      case 'target':
        return this.text(i, name, s.target, this.target[i]);
      case 'status':
        return this.statuses[this.status[i]]?.code;
      case 'status.text':
        return this.statuses[this.status[i]]?.text;
      case 'ok': {
        const st = this.statuses[this.status[i]];
        return st ? st.ok : STATE_OK[s.state.get(this.state[i])!];
      }
      case 'duration':
        return this.durationOf(i);
      case 'size':
        return this.filterSize[i];
      case 'client':
        return this.text(i, name, s.endpoint, this.client[i]);
      case 'server':
        return this.text(i, name, s.endpoint, this.server[i]);
      case 'kind':
        return s.kind.get(this.kind[i]);
      case 'state':
        return s.state.get(this.state[i]);
      case 'flow':
        return this.flowId[i];
      case 'id':
        return this.idAt(i);
      case 'warnings':
        return this.warningCount[i];
    }
    return undefined;
  }

  /**
   * An interned string field of the call at i for a filter: whole, from the call itself
   * (`wholeField`, the spill file) when the table keeps only its start (StringTable.isCut).
   */
  private text(i: number, name: string, table: StringTable, id: number): FieldValue {
    return table.isCut(id) && this.wholeField ? this.wholeField(i, name) : table.get(id);
  }

  /** A table's string for the call list: a cut one ends in "…". */
  private shown(table: StringTable, id: number): string | undefined {
    const v = table.get(id);
    return v !== undefined && table.isCut(id) ? `${v}…` : v;
  }

  /** A comparator over positions for a sort of the call list (ties: start time, then id). */
  comparator(sort: SortSpec | undefined): (a: number, b: number) => number {
    const st = this.startUs;
    const byTime = (a: number, b: number) => st[a] - st[b] || this.idAt(a) - this.idAt(b);
    if (!sort || (sort.key === 'time' && sort.dir === 'asc')) return byTime;
    const sign = sort.dir === 'desc' ? -1 : 1;
    let k: (a: number, b: number) => number;
    const ranked = (col: NarrowColumn, t: StringTable) => byRank(col, t.ranks());
    switch (sort.key) {
      case 'duration': {
        const d = (i: number) => this.durationOf(i) ?? -Infinity;
        k = (a, b) => {
          const x = d(a);
          const y = d(b);
          return x === y ? 0 : x < y ? -1 : 1;
        };
        break;
      }
      case 'endpoints': {
        const r = this.strings.endpoint.ranks();
        const client = byRank(this.client, r);
        const server = byRank(this.server, r);
        k = (a, b) => client(a, b) || server(a, b);
        break;
      }
      case 'protocol':
        k = ranked(this.protocol, this.strings.protocol);
        break;
      case 'method':
        k = ranked(this.method, this.strings.method);
        break;
      case 'target':
        k = ranked(this.target, this.strings.target);
        break;
      case 'status': {
        const keys = this.statuses.map((x) => (x ? String(x.code).padStart(6, ' ') : ''));
        const order = keys.map((_, i) => i).sort((a, b) => keys[a].localeCompare(keys[b]));
        const r = new Uint32Array(keys.length);
        order.forEach((id, rank) => (r[id] = rank));
        k = (a, b) => r[this.status[a]] - r[this.status[b]];
        break;
      }
      case 'size':
        k = (a, b) => this.sizeBytes[a] - this.sizeBytes[b];
        break;
      default:
        k = byTime;
    }
    return (a, b) => sign * k(a, b) || byTime(a, b);
  }

  /** Memory held by the columns and tables, in bytes. */
  get byteSize(): number {
    const columns = [this.ids, this.offsets, this.lengths, this.startUs, this.endDelta, this.responseDelta, this.sizeBytes, this.filterSize, this.flowId, this.protocol, this.kind, this.state, this.client, this.server, this.method, this.target, this.status, this.host, this.warningCount, this.defPlus1];
    let n = this.byIdDense.byteLength + (this.byIdSparse.size + this.publishIds.size + this.bigDeltas.size) * 40;
    for (const c of columns) n += c.byteLength;
    for (const t of Object.values(this.strings)) n += t.approxBytes;
    return n;
  }
}
