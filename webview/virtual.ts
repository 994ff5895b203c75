/**
 * Virtual scrolling math (pure). Browsers cap an element's height (Chrome ~33.5 M px, Firefox
 * ~17.9 M px), so a million 22 px rows cannot be one tall spacer. Past `maxSpacerPx` the spacer is
 * compressed and the scroll position is mapped proportionally onto row indexes.
 */
export interface ScrollGeometry {
  /** Height to give the spacer element. */
  spacerPx: number;
  /** True when the spacer is compressed (scrollTop is not rowIndex × rowHeight). */
  scaled: boolean;
}

export const MAX_SPACER_PX = 8_000_000;

export function scrollGeometry(total: number, rowPx: number, maxSpacerPx = MAX_SPACER_PX): ScrollGeometry {
  const natural = total * rowPx;
  return natural <= maxSpacerPx ? { spacerPx: natural, scaled: false } : { spacerPx: maxSpacerPx, scaled: true };
}

export interface VisibleRange {
  /** First row index to render (overscan included). */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Pixel offset (within the spacer) at which row `start` is drawn. */
  offsetPx: number;
  /** Fractional index of the row at the top of the viewport. */
  topIndex: number;
}

/** Which rows to draw for a scroll position. */
export function visibleRange(scrollTop: number, viewportPx: number, total: number, rowPx: number, overscan = 8, maxSpacerPx = MAX_SPACER_PX): VisibleRange {
  if (total <= 0 || viewportPx <= 0) return { start: 0, end: 0, offsetPx: 0, topIndex: 0 };
  const g = scrollGeometry(total, rowPx, maxSpacerPx);
  const visibleRows = Math.ceil(viewportPx / rowPx) + 1;
  let topIndex: number;
  if (!g.scaled) topIndex = scrollTop / rowPx;
  else {
    const maxScroll = Math.max(1, g.spacerPx - viewportPx);
    const maxTop = Math.max(0, total - viewportPx / rowPx);
    topIndex = (Math.min(scrollTop, maxScroll) / maxScroll) * maxTop;
  }
  const first = Math.floor(topIndex);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + visibleRows + overscan);
  // Rows are placed relative to the viewport top so that, scaled or not, they line up with scrollTop.
  const offsetPx = scrollTop - (topIndex - start) * rowPx;
  return { start, end, offsetPx, topIndex };
}

/** The scrollTop that puts row `index` in view (minimal movement), or undefined if already visible. */
export function scrollToReveal(index: number, scrollTop: number, viewportPx: number, total: number, rowPx: number, maxSpacerPx = MAX_SPACER_PX): number | undefined {
  const r = visibleRange(scrollTop, viewportPx, total, rowPx, 0, maxSpacerPx);
  const visibleRows = viewportPx / rowPx;
  if (index >= r.topIndex && index + 1 <= r.topIndex + visibleRows) return undefined;
  const wantTop = index < r.topIndex ? index : index + 1 - visibleRows;
  return scrollTopForIndex(Math.max(0, wantTop), viewportPx, total, rowPx, maxSpacerPx);
}

/** Inverse of visibleRange: the scrollTop whose top row is `topIndex`. */
export function scrollTopForIndex(topIndex: number, viewportPx: number, total: number, rowPx: number, maxSpacerPx = MAX_SPACER_PX): number {
  const g = scrollGeometry(total, rowPx, maxSpacerPx);
  if (!g.scaled) return topIndex * rowPx;
  const maxScroll = Math.max(1, g.spacerPx - viewportPx);
  const maxTop = Math.max(1e-9, total - viewportPx / rowPx);
  return (Math.min(topIndex, maxTop) / maxTop) * maxScroll;
}

/** Page bookkeeping for rows fetched from the host in fixed-size pages. */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  const out: number[] = [];
  if (end <= start) return out;
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) out.push(p);
  return out;
}
