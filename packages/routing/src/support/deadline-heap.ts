/** Something due at a time; `seq` breaks ties so equal deadlines fire in the order they were set. */
export interface Deadline {
  readonly at: number;
  readonly seq: number;
}

function earlier(a: Deadline, b: Deadline): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A binary min-heap of deadlines. Cancellation is lazy: the owner checks, when a deadline pops,
 * whether it still means anything (a ring timer for an offer already answered does not). That keeps
 * every state change O(1) on the timer side instead of O(log n) removals.
 */
export class DeadlineHeap<T extends Deadline> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = items[parent] as T;
      if (!earlier(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && earlier(items[r] as T, items[l] as T) ? r : l;
      const child = items[c] as T;
      if (!earlier(child, last)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }

  /** Removes every deadline; used when the engine rebuilds its timers from state. */
  clear(): void {
    this.items.length = 0;
  }
}
