/**
 * Parents and children among calls that arrive one at a time (the table puts batch inner calls
 * and deliveries under their parent, the HAR leaves inner calls out when their batch is there),
 * in bounded memory: the last `recentMax` calls are remembered by id, and a child that comes
 * before its parent waits for it, at most `pendingMax` of them (past that the longest-waiting
 * give up on their parent).
 */
export class ParentLinks<V, C> {
  private readonly recent = new Map<number, V>();
  /** The remembered ids in arrival order: the oldest is forgotten through this ring, because taking
   * a Map's first key walks past every deleted entry before it (quadratic over a long capture). */
  private readonly ring: Float64Array;
  private ringAt = 0;
  private readonly pending = new Map<number, C[]>();
  private pendingCount = 0;
  /**
   * The waiting lists in the order they were made, for the same reason: the oldest that is still
   * waiting (`pending.get(id) === list`) gives up first. Lists already claimed are dropped when
   * they reach the front, or all at once when they outnumber the waiting ones.
   */
  private queue: Array<{ id: number; list: C[] }> = [];
  private queueAt = 0;

  constructor(
    recentMax: number,
    private readonly pendingMax: number,
  ) {
    this.ring = new Float64Array(recentMax);
  }

  /** A call that may be a parent, and what its children need of it. */
  remember(id: number, value: V): void {
    if (this.recent.size >= this.ring.length) this.recent.delete(this.ring[this.ringAt]);
    this.recent.set(id, value);
    this.ring[this.ringAt] = id;
    this.ringAt = (this.ringAt + 1) % this.ring.length;
  }

  parent(id: number): V | undefined {
    return this.recent.get(id);
  }

  /** Park a child until its parent comes; returns the children that give up, if any. */
  wait(parentId: number, child: C): C[] | undefined {
    const list = this.pending.get(parentId);
    if (list) list.push(child);
    else {
      const fresh = [child];
      this.pending.set(parentId, fresh);
      if (this.queue.length - this.queueAt > 2 * this.pending.size + 64) this.compact();
      this.queue.push({ id: parentId, list: fresh });
    }
    if (++this.pendingCount <= this.pendingMax) return undefined;
    for (;;) {
      const { id, list: given } = this.queue[this.queueAt++];
      if (this.pending.get(id) !== given) continue;
      this.pending.delete(id);
      this.pendingCount -= given.length;
      return given;
    }
  }

  /** Keep only the lists still waiting in the queue. */
  private compact(): void {
    this.queue = this.queue.slice(this.queueAt).filter((q) => this.pending.get(q.id) === q.list);
    this.queueAt = 0;
  }

  /** The children that waited for this call. */
  children(id: number): C[] | undefined {
    const list = this.pending.get(id);
    if (list) {
      this.pending.delete(id);
      this.pendingCount -= list.length;
    }
    return list;
  }

  /** The children whose parent never came (and forget them). */
  orphans(): C[] {
    const all = [...this.pending.values()].flat();
    this.pending.clear();
    this.pendingCount = 0;
    this.queue = [];
    this.queueAt = 0;
    return all;
  }
}
