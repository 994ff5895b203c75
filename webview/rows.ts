/**
 * The rows the view knows about: fixed-size pages fetched from the host for the current filter
 * and sort. A change of filter or sort starts a new generation; answers of older generations are
 * dropped. Rows are also indexed by call id so that selection survives re-sorting.
 */
import type { Host } from './host';
import type { CallRow, FilterErrorInfo, SortSpec } from './protocol';
import { pagesFor } from './virtual';

export const PAGE_SIZE = 200;
/** Pages kept in memory; the oldest are dropped beyond that (a million rows never all live here). */
const MAX_PAGES = 60;

export class RowStore {
  total = 0;
  filter = '';
  sort: SortSpec = { key: 'time', dir: 'asc' };
  filterError: FilterErrorInfo | undefined;
  private generation = 0;
  private pages = new Map<number, CallRow[]>();
  private loading = new Set<number>();
  private readonly byId = new Map<number, { row: CallRow; index: number }>();
  /** `appended` calls so far: a page asked for before the latest ones carries an older total. */
  private appends = 0;
  /** Called when rows arrive or the total changes. */
  onChange: () => void = () => {};

  constructor(private readonly host: Host) {}

  /** The row at an index, or undefined while its page loads. */
  at(index: number): CallRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  byCallId(id: number): { row: CallRow; index: number } | undefined {
    return this.byId.get(id);
  }

  /** All rows currently loaded, in index order (for the diagram and waterfall windows). */
  loaded(start: number, end: number): Array<{ row: CallRow; index: number }> {
    const out: Array<{ row: CallRow; index: number }> = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.total); i++) {
      const row = this.at(i);
      if (row) out.push({ row, index: i });
    }
    return out;
  }

  setQuery(filter: string, sort: SortSpec): void {
    this.filter = filter;
    this.sort = sort;
    this.reset();
  }

  /**
   * A new analysis replaces the rows (the capture decoded again, a playback starting): back to none, as when the
   * view opened, before its snapshot arrives. Without this its rows were counted on top of the old ones until the
   * next page answer (a playback of 79 calls showed 80–93 rows for a moment).
   */
  clear(): void {
    this.total = 0;
    this.appends++;
    this.reset();
  }

  /** Forget every page (new filter/sort, or the host's rows changed). */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.loading.clear();
    this.byId.clear();
    this.ensure(0, PAGE_SIZE);
  }

  /**
   * New rows were decoded: with no filter and time order they extend the list in place. `first` (the host's
   * position of the first of them) makes this idempotent: a page answered meanwhile may already count them (the
   * host answers from its store while these rows wait for its next flush), and were they added again the list would
   * grow past the calls for a moment (a playback showed 86 rows of 79).
   */
  appended(rows: CallRow[], first: number): void {
    this.appends++;
    if (!this.filter && this.sort.key === 'time' && this.sort.dir === 'asc') {
      const lastPage = Math.floor(Math.max(0, this.total - 1) / PAGE_SIZE);
      this.total = Math.max(this.total, first + rows.length);
      // The last page is now stale; let it reload when visible.
      this.pages.delete(lastPage);
      this.onChange();
    } else {
      this.refreshSoon();
    }
  }

  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Re-query (throttled) keeping the pages shown until the answers come back. */
  refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.generation++;
      const keep = [...this.pages.keys()];
      this.loading.clear();
      for (const p of keep.length ? keep : [0]) void this.load(p);
    }, 250);
  }

  /** Makes sure the rows [start, end) are loaded or loading. */
  ensure(start: number, end: number): void {
    const want = pagesFor(start, Math.max(end, start + 1), PAGE_SIZE);
    for (const p of want) if (!this.pages.has(p) && !this.loading.has(p)) void this.load(p);
  }

  private async load(page: number): Promise<void> {
    const gen = this.generation;
    const appends = this.appends;
    this.loading.add(page);
    const answer = await this.host.request({ type: 'calls/page', start: page * PAGE_SIZE, count: PAGE_SIZE, filter: this.filter || undefined, sort: this.sort });
    if (gen !== this.generation) return;
    this.loading.delete(page);
    if (appends === this.appends) this.total = answer.total;
    else {
      // Rows came while this page was asked for: the answer may predate them (its total one
      // short, and the last row never shown). Keep the larger count and ask again.
      this.total = Math.max(this.total, answer.total);
      this.refreshSoon();
    }
    this.filterError = answer.filterError;
    this.pages.set(page, answer.rows);
    answer.rows.forEach((row, i) => this.byId.set(row.id, { row, index: page * PAGE_SIZE + i }));
    this.evict(page);
    this.onChange();
  }

  private evict(keep: number): void {
    if (this.pages.size <= MAX_PAGES) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES)) {
      for (const row of this.pages.get(p) ?? []) this.byId.delete(row.id);
      this.pages.delete(p);
    }
  }

  /** Row index of a call under the current query (asks the host when not loaded). */
  async indexOf(id: number): Promise<number> {
    const known = this.byId.get(id);
    if (known) return known.index;
    const a = await this.host.request({ type: 'calls/indexOf', id, filter: this.filter || undefined, sort: this.sort });
    return a.index;
  }
}
