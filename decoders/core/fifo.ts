/**
 * A first-in first-out list whose shift is amortised O(1): Array.prototype.shift moves every element
 * of a large array, so a queue of 100 000 pipelined requests answered one by one was quadratic.
 * Optionally counts the items matching a predicate (evaluated once, when an item is pushed).
 */
export class Fifo<T> implements Iterable<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  private marked: boolean[] = [];
  /** Items now queued that matched `mark` when pushed. */
  markedCount = 0;

  constructor(private readonly mark?: (item: T) => boolean) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** The oldest item. */
  first(): T | undefined {
    return this.items[this.head];
  }

  /** The item `i` places after the oldest. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.items[this.head + i] : undefined;
  }

  push(item: T): void {
    const m = this.mark?.(item) ?? false;
    this.items.push(item);
    this.marked.push(m);
    if (m) this.markedCount++;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    if (this.marked[this.head]) this.markedCount--;
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) this.clearArrays();
    else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.marked = this.marked.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  findIndex(f: (item: T) => boolean): number {
    for (let i = this.head; i < this.items.length; i++) if (f(this.items[i] as T)) return i - this.head;
    return -1;
  }

  /** Remove the item `i` places after the oldest. */
  removeAt(i: number): void {
    if (i < 0 || i >= this.length) return;
    if (this.marked[this.head + i]) this.markedCount--;
    this.items.splice(this.head + i, 1);
    this.marked.splice(this.head + i, 1);
  }

  /** Remove and return every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.clearArrays();
    return out;
  }

  /** Keep only `keep` (items taken from this list, in order). */
  replace(keep: T[]): void {
    this.clearArrays();
    for (const x of keep) this.push(x);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }

  private clearArrays(): void {
    this.items = [];
    this.marked = [];
    this.head = 0;
    this.markedCount = 0;
  }
}
