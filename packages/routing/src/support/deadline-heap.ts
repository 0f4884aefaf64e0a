/** Something due at a time; `seq` breaks ties so equal deadlines fire in the order they were set. */
export interface Deadline {
  readonly at: number;
  readonly seq: number;
}

const INITIAL_CAPACITY = 64;

/**
 * A binary min-heap of deadlines. Cancellation is lazy: the owner checks, when a deadline pops,
 * whether it still means anything (a ring timer for an offer already answered does not). That keeps
 * every state change O(1) on the timer side instead of O(log n) removals.
 *
 * The keys live in two typed arrays next to the items, in heap order: sifting compares numbers in
 * contiguous memory instead of following a pointer to each item, which with tens of thousands of
 * pending timers was most of the cost of `pop` (a cache miss per comparison).
 */
export class DeadlineHeap<T extends Deadline> {
  private readonly items: T[] = [];
  private ats = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let i = items.length;
    if (i === this.ats.length) this.grow();
    const { ats, seqs } = this;
    const at = item.at;
    const seq = item.seq;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const pAt = ats[parent] as number;
      if (pAt < at || (pAt === at && (seqs[parent] as number) < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, item, at, seq);
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const { ats, seqs } = this;
    const n = items.length;
    // The old last slot (index n) still holds `last`'s keys; read them before it can be overwritten.
    const at = ats[n] as number;
    const seq = seqs[n] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && earlier(ats, seqs, r, l) ? r : l;
      const cAt = ats[c] as number;
      if (cAt > at || (cAt === at && (seqs[c] as number) > seq)) break;
      this.move(c, i);
      i = c;
    }
    this.place(i, last, at, seq);
    return top;
  }

  /** Removes every deadline; used when the engine rebuilds its timers from state. */
  clear(): void {
    this.items.length = 0;
  }

  private move(from: number, to: number): void {
    this.items[to] = this.items[from] as T;
    this.ats[to] = this.ats[from] as number;
    this.seqs[to] = this.seqs[from] as number;
  }

  private place(i: number, item: T, at: number, seq: number): void {
    this.items[i] = item;
    this.ats[i] = at;
    this.seqs[i] = seq;
  }

  private grow(): void {
    const ats = new Float64Array(this.ats.length * 2);
    const seqs = new Float64Array(this.seqs.length * 2);
    ats.set(this.ats);
    seqs.set(this.seqs);
    this.ats = ats;
    this.seqs = seqs;
  }
}

function earlier(ats: Float64Array, seqs: Float64Array, a: number, b: number): boolean {
  const aAt = ats[a] as number;
  const bAt = ats[b] as number;
  return aAt < bAt || (aAt === bAt && (seqs[a] as number) < (seqs[b] as number));
}
