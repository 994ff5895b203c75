/**
 * The call list: an ARIA grid over a virtual scroller. Only the rows in view exist in the DOM;
 * a pool of row elements is reused as the list scrolls. Optional waterfall column: one latency
 * bar per call on the capture's time axis.
 */
import { h, icon, fill } from './dom';
import type { CallRow, SortSpec } from './protocol';
import type { RowStore } from './rows';
import { formatDuration, formatSize, formatTime, protocolFamily, protocolLabel, rowDuration, shortEndpoints, shortMethod, statusBadge, formatDateTime, type TimeFormat } from './format';
import { visibleRange, scrollGeometry, scrollToReveal, scrollTopForIndex } from './virtual';
import { waterfallBar, axisTicks } from './waterfall';

export const ROW_PX = 22;

export interface Column {
  key: SortSpec['key'] | 'waterfall';
  title: string;
  width: string;
  /** The narrowest the column gets (px), for choosing the columns that fit the pane. */
  min: number;
  align?: 'end';
}

export const COLUMNS: Column[] = [
  { key: 'time', title: 'Time', width: '96px', min: 96, align: 'end' },
  { key: 'duration', title: 'Duration', width: '88px', min: 88, align: 'end' },
  { key: 'endpoints', title: 'Client → Server', width: 'minmax(140px, 1.2fr)', min: 140 },
  { key: 'protocol', title: 'Protocol', width: '92px', min: 92 },
  { key: 'method', title: 'Method', width: 'minmax(90px, 1fr)', min: 90 },
  // Status before target: in a list beside the diagram it must stay in view. It grows when
  // there is room, so that NOT_FOUND or DEADLINE_EXCEEDED is not cut.
  { key: 'status', title: 'Status', width: 'minmax(120px, 0.9fr)', min: 120 },
  { key: 'target', title: 'Target', width: 'minmax(100px, 1.4fr)', min: 100 },
  { key: 'size', title: 'Size', width: '72px', min: 72, align: 'end' },
];
export const WATERFALL: Column = { key: 'waterfall', title: 'Waterfall', width: 'minmax(160px, 2fr)', min: 160 };

/** The columns a narrow list leaves out, first to last: what the details also say, least used first. */
const DROP_ORDER: Column['key'][] = ['size', 'endpoints', 'protocol', 'duration', 'time'];

/**
 * The columns that fit a list `widthPx` wide at their minimum widths, in their usual order: when
 * they do not all fit, size goes first, then client → server, protocol, duration and time, so
 * that method, status and target (or the waterfall) stay readable in a narrow pane instead of
 * being cut off at its right edge. A width of 0 (not laid out yet) keeps them all.
 */
export function fitColumns(cols: Column[], widthPx: number): Column[] {
  if (!(widthPx > 0)) return cols;
  const total = (cs: Column[]) => cs.reduce((n, c) => n + c.min, 0);
  let shown = cols;
  for (const key of DROP_ORDER) {
    if (total(shown) <= widthPx) break;
    shown = shown.filter((c) => c.key !== key);
  }
  // Narrower still (a split editor with the diagram on): what is left shares the width in
  // proportion to its minimums, rather than the last column being cut off at the pane's edge.
  if (total(shown) > widthPx) shown = shown.map((c) => ({ ...c, width: `minmax(0, ${c.min}fr)` }));
  return shown;
}

/**
 * The Time column for a time format: wall-clock times (20:30:17.283320, 15 characters) need more
 * room than seconds since the start (0.001171); at the narrower width every row read "20:30:17…".
 */
export function timeColumn(format: TimeFormat): Column {
  const time = COLUMNS[0];
  return format === 'absolute' ? { ...time, width: '144px', min: 144 } : time;
}

function columnsSignature(cols: Column[]): string {
  return cols.map((c) => `${c.key}:${c.width}`).join(' ');
}

/** Room the vertical scrollbar takes from the rows. */
const SCROLLBAR_PX = 12;

export interface ListOptions {
  timeFormat: TimeFormat;
  baseUs: number;
  /** Capture time range for the waterfall column. */
  rangeUs: [number, number];
  waterfall: boolean;
}

interface RowEl {
  el: HTMLElement;
  cells: HTMLElement[];
  index: number;
}

export class CallList {
  readonly root: HTMLElement;
  private readonly head: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly pool: RowEl[] = [];
  private frame = 0;
  selectedId: number | undefined;
  selectedIndex = -1;
  opts: ListOptions = { timeFormat: 'relative', baseUs: 0, rangeUs: [0, 1], waterfall: false };
  onSelect: (row: CallRow, index: number) => void = () => {};
  onOpen: (row: CallRow) => void = () => {};
  onSort: (sort: SortSpec) => void = () => {};
  onKey: (e: KeyboardEvent) => boolean = () => false;

  constructor(private readonly store: RowStore) {
    this.head = h('div', { class: 'grid-head', role: 'rowgroup' });
    this.rowsEl = h('div', { class: 'grid-rows', role: 'presentation' });
    this.spacer = h('div', { class: 'grid-spacer', role: 'presentation' }, this.rowsEl);
    this.scroller = h('div', { class: 'grid-scroller', role: 'rowgroup' }, this.spacer);
    this.root = h('div', { class: 'grid', role: 'grid', 'aria-label': 'Calls', tabindex: 0, 'aria-readonly': 'true', 'aria-rowcount': 1 }, this.head, this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule());
    // The width is read here, once per resize (layout is done then), not on each scroll frame.
    new ResizeObserver(() => {
      this.width = Math.max(0, this.root.clientWidth - SCROLLBAR_PX);
      this.schedule();
    }).observe(this.scroller);
    this.root.addEventListener('keydown', (e) => this.keydown(e));
    this.rowsEl.addEventListener('click', (e) => {
      const rowEl = (e.target as Element).closest<HTMLElement>('[role=row]');
      if (!rowEl) return;
      const index = Number(rowEl.dataset.index);
      this.select(index, false);
      this.root.focus({ preventScroll: true });
    });
    this.rowsEl.addEventListener('dblclick', () => {
      const row = this.store.at(this.selectedIndex);
      if (row) this.onOpen(row);
    });
    this.renderHead();
  }

  /** The rows' width (px, without the scrollbar) at the last resize; 0 before the first layout. */
  private width = 0;
  /** The columns for the current options and width, and what they were worked out for. */
  private cols: Column[] = [];
  private colsFor = '';
  /** The columns the head (and the pooled rows' cells) were made for. */
  private headCols: Column[] | undefined;

  /**
   * The columns (and widths) to show: a narrower pane shows fewer. Worked out again only when the
   * waterfall, the time format or the width changed, and replaced only when they differ, so that
   * a scroll frame does no more than compare a key.
   */
  private columns(): Column[] {
    const key = `${this.opts.waterfall} ${this.opts.timeFormat} ${this.width}`;
    if (key === this.colsFor) return this.cols;
    this.colsFor = key;
    // Time, duration, client → server, protocol, method, status — then the bars.
    const base = this.opts.waterfall ? [...COLUMNS.filter((c) => c.key !== 'target' && c.key !== 'size'), WATERFALL] : COLUMNS;
    const all = base.map((c) => (c.key === 'time' ? timeColumn(this.opts.timeFormat) : c));
    const next = fitColumns(all, this.width);
    if (columnsSignature(next) !== columnsSignature(this.cols)) this.cols = next;
    return this.cols;
  }

  setOptions(opts: Partial<ListOptions>): void {
    const headChanged = opts.waterfall !== undefined && opts.waterfall !== this.opts.waterfall;
    this.opts = { ...this.opts, ...opts };
    if (headChanged) {
      this.pool.splice(0).forEach((r) => r.el.remove());
      this.renderHead();
    } else if (this.opts.waterfall) this.renderHead();
    this.schedule();
  }

  renderHead(): void {
    const cols = this.columns();
    this.headCols = cols;
    this.root.style.setProperty('--grid-cols', cols.map((c) => c.width).join(' '));
    this.root.setAttribute('aria-colcount', String(cols.length));
    const row = h('div', { class: 'grid-row grid-head-row', role: 'row', 'aria-rowindex': 1 });
    cols.forEach((c, i) => {
      const sorted = this.store.sort.key === c.key;
      const sortState = sorted ? (this.store.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
      // The waterfall's head holds its time axis, placed in this cell (.col-waterfall.head-cell).
      const cell = h('div', { class: `grid-cell head-cell${c.align ? ' align-end' : ''}${c.key === 'waterfall' ? ' col-waterfall' : ''}`, role: 'columnheader', 'aria-colindex': i + 1, 'aria-sort': c.key === 'waterfall' ? undefined : sortState });
      if (c.key === 'waterfall') {
        cell.append(h('span', { class: 'head-title' }, c.title));
        cell.append(this.axis());
      } else {
        const btn = h('button', { class: 'head-button', type: 'button', title: `Sort by ${c.title.toLowerCase()}` }, h('span', { class: 'head-title' }, c.title), h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (this.store.sort.dir === 'asc' ? '▲' : '▼') : ''));
        btn.addEventListener('click', () => {
          const key = c.key as SortSpec['key'];
          const dir: SortSpec['dir'] = this.store.sort.key === key && this.store.sort.dir === 'asc' ? 'desc' : 'asc';
          this.onSort({ key, dir });
        });
        cell.append(btn);
      }
      row.append(cell);
    });
    fill(this.head, row);
  }

  private axis(): HTMLElement {
    const axis = h('div', { class: 'wf-axis', 'aria-hidden': 'true' });
    const [a, b] = this.opts.rangeUs;
    for (const t of axisTicks(a, b, 4)) {
      const tick = h('span', { class: 'wf-tick' }, t.label);
      tick.style.left = `${t.fraction * 100}%`;
      axis.append(tick);
    }
    return axis;
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const total = this.store.total;
    this.root.setAttribute('aria-rowcount', String(total + 1));
    const g = scrollGeometry(total, ROW_PX);
    this.spacer.style.height = `${g.spacerPx}px`;
    const viewport = this.scroller.clientHeight;
    const r = visibleRange(this.scroller.scrollTop, viewport || 600, total, ROW_PX);
    this.store.ensure(r.start, r.end);
    this.rowsEl.style.transform = `translateY(${r.offsetPx}px)`;
    const cols = this.columns();
    if (cols !== this.headCols) {
      // The pane got narrower or wider: other columns, so other cells in each row.
      this.pool.splice(0).forEach((p) => p.el.remove());
      this.renderHead();
    }
    const count = r.end - r.start;
    while (this.pool.length < count) this.pool.push(this.makeRow(cols.length));
    while (this.pool.length > count) this.pool.pop()!.el.remove();
    for (let k = 0; k < count; k++) {
      const index = r.start + k;
      const slot = this.pool[k];
      if (!slot.el.parentNode) this.rowsEl.append(slot.el);
      this.fillRow(slot, index, cols, this.store.at(index), index > 0 ? this.store.at(index - 1) : undefined);
    }
    const sel = this.selectedId !== undefined ? `row-${this.selectedId}` : '';
    if (sel && this.rowsEl.querySelector(`#${sel}`)) this.root.setAttribute('aria-activedescendant', sel);
    else this.root.removeAttribute('aria-activedescendant');
  }

  private makeRow(n: number): RowEl {
    const cells: HTMLElement[] = [];
    const el = h('div', { class: 'grid-row', role: 'row' });
    for (let i = 0; i < n; i++) {
      const c = h('div', { class: 'grid-cell', role: 'gridcell', 'aria-colindex': i + 1 });
      cells.push(c);
      el.append(c);
    }
    return { el, cells, index: -1 };
  }

  private fillRow(slot: RowEl, index: number, cols: Column[], row: CallRow | undefined, prev: CallRow | undefined): void {
    const el = slot.el;
    slot.index = index;
    el.dataset.index = String(index);
    el.setAttribute('aria-rowindex', String(index + 2));
    if (!row) {
      el.removeAttribute('id');
      el.removeAttribute('data-call-id');
      el.setAttribute('aria-selected', 'false');
      el.className = 'grid-row loading';
      for (const c of slot.cells) c.textContent = '';
      slot.cells[0].textContent = '…';
      return;
    }
    const selected = row.id === this.selectedId;
    el.id = `row-${row.id}`;
    el.dataset.callId = String(row.id);
    el.setAttribute('aria-selected', selected ? 'true' : 'false');
    const badge = statusBadge(row);
    el.className = `grid-row fam-${protocolFamily(row.protocol)} tone-${badge.tone}${selected ? ' selected' : ''}${index % 2 ? ' odd' : ''}`;
    cols.forEach((c, i) => {
      const cell = slot.cells[i];
      cell.className = `grid-cell col-${c.key}${c.align ? ' align-end' : ''}`;
      switch (c.key) {
        case 'time':
          cell.textContent = formatTime(row.startUs, this.opts.timeFormat, this.opts.baseUs, prev?.startUs);
          cell.title = formatDateTime(row.startUs);
          break;
        case 'duration':
          cell.textContent = formatDuration(rowDuration(row));
          cell.title = '';
          break;
        case 'endpoints': {
          const e = shortEndpoints(row.client, row.server);
          fill(cell, h('span', { class: 'ep' }, e.client), h('span', { class: 'ep-arrow', 'aria-label': 'to' }, ' → '), h('span', { class: 'ep' }, e.server));
          cell.title = `${row.client} → ${row.server} (connection ${row.flowId})`;
          break;
        }
        case 'protocol':
          fill(cell, h('span', { class: 'proto-chip' }, protocolLabel(row.protocol)));
          cell.title = row.kind;
          break;
        case 'method':
          cell.textContent = shortMethod(row.method);
          cell.title = row.method;
          break;
        case 'target':
          cell.textContent = row.target ?? '';
          cell.title = row.target ?? '';
          break;
        case 'status':
          fill(cell, icon(badge.icon), h('span', { class: 'status-text' }, badge.text), row.warnings ? icon('warning', `${row.warnings} warning${row.warnings > 1 ? 's' : ''}`) : null);
          cell.title = badge.label;
          cell.setAttribute('aria-label', badge.label + (row.warnings ? `, ${row.warnings} warnings` : ''));
          break;
        case 'size':
          cell.textContent = formatSize(row.sizeBytes);
          cell.title = `${row.sizeBytes} bytes`;
          break;
        case 'waterfall': {
          const bar = waterfallBar(row, this.opts.rangeUs);
          const track = h('div', { class: 'wf-track' });
          const b = h('div', { class: 'wf-bar' });
          b.style.left = `${bar.left * 100}%`;
          b.style.width = `max(2px, ${bar.width * 100}%)`;
          if (bar.waitFraction !== undefined) {
            const wait = h('div', { class: 'wf-wait' });
            wait.style.width = `${bar.waitFraction * 100}%`;
            b.append(wait);
          }
          if (bar.open) b.classList.add('open');
          track.append(b);
          fill(cell, track);
          cell.title = `${formatDuration(rowDuration(row))}${bar.open ? ' (no end seen)' : ''}`;
          break;
        }
      }
    });
  }

  /** Selects the row at an index (scrolling it into view). */
  select(index: number, reveal = true): void {
    const total = this.store.total;
    if (total === 0) return;
    index = Math.max(0, Math.min(total - 1, index));
    this.selectedIndex = index;
    const row = this.store.at(index);
    if (reveal) this.reveal(index);
    if (row) {
      this.selectedId = row.id;
      this.onSelect(row, index);
    } else {
      // Page still loading: select when it arrives.
      this.store.ensure(index, index + 1);
      this.pendingSelect = index;
    }
    this.schedule();
  }

  private pendingSelect: number | undefined;
  /** Called after new rows arrive. */
  rowsChanged(): void {
    if (this.pendingSelect !== undefined) {
      const row = this.store.at(this.pendingSelect);
      if (row) {
        const i = this.pendingSelect;
        this.pendingSelect = undefined;
        this.selectedId = row.id;
        this.onSelect(row, i);
      }
    }
    if (this.selectedId !== undefined) {
      const known = this.store.byCallId(this.selectedId);
      if (known) this.selectedIndex = known.index;
    }
    this.schedule();
  }

  /** Selects a call by id when it is known (after a diagram click, a reveal…). */
  selectId(id: number, index: number): void {
    this.selectedId = id;
    this.selectedIndex = index;
    this.reveal(index);
    this.schedule();
  }

  reveal(index: number): void {
    const viewport = this.scroller.clientHeight || 600;
    const top = scrollToReveal(index, this.scroller.scrollTop, viewport, this.store.total, ROW_PX);
    if (top !== undefined) this.scroller.scrollTop = top;
  }

  /** First visible row index and the number of rows in view (for the diagram window). */
  viewWindow(): { start: number; end: number } {
    const viewport = this.scroller.clientHeight || 600;
    const r = visibleRange(this.scroller.scrollTop, viewport, this.store.total, ROW_PX, 0);
    return { start: r.start, end: r.end };
  }

  scrollToTop(index: number): void {
    this.scroller.scrollTop = scrollTopForIndex(index, this.scroller.clientHeight || 600, this.store.total, ROW_PX);
  }

  focus(): void {
    this.root.focus();
  }

  private keydown(e: KeyboardEvent): void {
    if (e.target !== this.root) return;
    this.handleKey(e);
  }

  /** The list's keys (↑ ↓ j k PageUp PageDown Home End Enter), also when they were pressed elsewhere. */
  handleKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor((this.scroller.clientHeight || 600) / ROW_PX) - 1);
    const cur = this.selectedIndex < 0 ? -1 : this.selectedIndex;
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        next = cur + 1;
        break;
      case 'ArrowUp':
      case 'k':
        next = Math.max(0, cur - 1);
        break;
      case 'PageDown':
        next = cur + page;
        break;
      case 'PageUp':
        next = Math.max(0, cur - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.store.total - 1;
        break;
      case 'Enter': {
        const row = this.store.at(this.selectedIndex);
        if (row) this.onOpen(row);
        e.preventDefault();
        return;
      }
    }
    if (next !== undefined) {
      e.preventDefault();
      this.select(next);
      return;
    }
    if (this.onKey(e)) e.preventDefault();
  }
}
