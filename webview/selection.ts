/**
 * What happens to the selection when a filter hides the selected call: it moves to the nearest
 * call that matches, as Wireshark moves the selection to the nearest displayed packet — the last
 * match before it in capture order (start time, then call number), else the first match after it.
 * Pure (the rows are read through a callback), tested.
 */

/** A call's place in capture order. */
export interface OrderKey {
  startUs: number;
  id: number;
}

/** Does `a` come before `b` in capture order (the list's default time sort)? */
export function comesBefore(a: OrderKey, b: OrderKey): boolean {
  return a.startUs < b.startUs || (a.startUs === b.startUs && a.id < b.id);
}

/**
 * Index, in a list of `total` matching calls in capture order, of the call nearest to `hidden`:
 * the last one before it, else the first one (after it). -1 when nothing matches. A binary search:
 * `at` is asked for about log2(total) rows.
 */
export async function nearestIndex(total: number, hidden: OrderKey, at: (index: number) => Promise<OrderKey | undefined>): Promise<number> {
  if (total <= 0) return -1;
  // The first index whose call does not come before the hidden one.
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const row = await at(mid);
    if (!row) return 0;
    if (comesBefore(row, hidden)) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? lo - 1 : 0;
}

/** A call as the status line names it: `PUT /items/456`, `GetPerson`. */
export function callName(c: { method: string; target?: string }): string {
  const t = c.target && !c.target.endsWith('/' + c.method) ? ` ${c.target}` : '';
  const name = `${c.method}${t}`;
  return name.length > 48 ? name.slice(0, 47) + '…' : name;
}

/** The status line's words after the selection moved off a call the filter hid. */
export function movedSelectionNote(hidden: { method: string; target?: string }, nearest: { method: string; target?: string }): string {
  return `${callName(hidden)} is hidden by the filter: selected ${callName(nearest)}, the nearest call that matches`;
}
