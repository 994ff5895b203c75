/**
 * All calls of one analysis, in arrival order, with filtered/sorted views computed on demand and
 * memoised per (filter, sort, count) so paging through a view is O(page). Pure.
 */
import type { Call, FlowSummary } from '../../decoders/core/model';
import type { CallRow, FilterErrorInfo, SortSpec } from '../../webview/protocol';
import { compileFilter } from '../../decoders/filter/index';
import { comparator, sortKey, toRow } from './rows';

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

export class CallStore {
  readonly calls: Call[] = [];
  private readonly byId = new Map<number, Call>();
  flows: FlowSummary[] = [];
  /** Arrival order is start order when the last call appended started no earlier than the one before. */
  private inTimeOrder = true;
  private view?: { key: string; count: number; ids: Call[] };

  add(batch: readonly Call[]): void {
    for (const c of batch) {
      const last = this.calls[this.calls.length - 1];
      if (last && (c.timing.startUs < last.timing.startUs || (c.timing.startUs === last.timing.startUs && c.id < last.id))) this.inTimeOrder = false;
      this.calls.push(c);
      this.byId.set(c.id, c);
    }
  }

  get(id: number): Call | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.calls.length;
  }

  /** Re-derive something on every call (definitions changed) and drop memoised views. */
  touch(): void {
    this.view = undefined;
  }

  /** The calls under a filter and sort; throws FilterSyntaxError. */
  select(filter: string | undefined, sort: SortSpec | undefined): Call[] {
    const key = `${sortKey(sort)}\u0000${filter ?? ''}`;
    if (this.view && this.view.key === key && this.view.count === this.calls.length) return this.view.ids;
    const plain = !filter || !filter.trim();
    let list: Call[];
    if (plain) list = this.calls.slice();
    else {
      const compiled = compileFilter(filter);
      if (!compiled.ok) throw new FilterSyntaxError(compiled.error);
      list = this.calls.filter(compiled.test);
    }
    const isDefault = !sort || (sort.key === 'time' && sort.dir === 'asc');
    if (!(isDefault && this.inTimeOrder)) list.sort(comparator(sort));
    this.view = { key, count: this.calls.length, ids: list };
    return list;
  }

  page(start: number, count: number, filter?: string, sort?: SortSpec): PageResult {
    try {
      const list = this.select(filter, sort);
      const s = Math.max(0, Math.min(start, list.length));
      return { rows: list.slice(s, s + Math.max(0, Math.min(count, 5000))).map(toRow), total: list.length };
    } catch (e) {
      if (e instanceof FilterSyntaxError) return { rows: [], total: 0, filterError: e.info };
      throw e;
    }
  }

  indexOf(id: number, filter?: string, sort?: SortSpec): number {
    try {
      const list = this.select(filter, sort);
      for (let i = 0; i < list.length; i++) if (list[i].id === id) return i;
    } catch {
      /* a bad filter finds nothing */
    }
    return -1;
  }

  /** Rough memory use, for the cache's budget. */
  approxBytes(): number {
    return this.calls.length * 2048;
  }
}
