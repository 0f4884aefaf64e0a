/**
 * An entry of an {@link OrderedSet}: three numeric sort keys compared in order. The last key must
 * make every entry unique (a sequence number), so that an entry can be found again by its keys.
 */
export interface Keyed {
  k1: number;
  k2: number;
  k3: number;
}

/** Block size: big enough that small sets are one array, small enough that a splice stays cheap. */
const BLOCK = 512;

function compare(a: Keyed, b: Keyed): number {
  return a.k1 - b.k1 || a.k2 - b.k2 || a.k3 - b.k3;
}

/**
 * A sorted collection with O(log n) search and O(√n)-bounded moves on insert and delete: a list of
 * sorted blocks (the layout of Python's sortedcontainers). Unlike a binary heap it can be walked in
 * order, which the matcher needs when an expression reads contact attributes and the head entry
 * does not match. Keys of an entry must not change while it is in the set: delete, re-key, insert.
 */
export class OrderedSet<T extends Keyed> {
  private readonly blocks: T[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The smallest entry, or undefined when empty. */
  first(): T | undefined {
    return this.blocks[0]?.[0];
  }

  insert(entry: T): void {
    this.count++;
    if (this.blocks.length === 0) {
      this.blocks.push([entry]);
      return;
    }
    const bi = this.blockFor(entry);
    const block = this.blocks[bi] as T[];
    block.splice(upperBound(block, entry), 0, entry);
    if (block.length > BLOCK * 2) this.blocks.splice(bi + 1, 0, block.splice(BLOCK));
  }

  /** Removes this exact entry (found by its keys); false when it is not in the set. */
  delete(entry: T): boolean {
    if (this.blocks.length === 0) return false;
    const bi = this.blockFor(entry);
    const block = this.blocks[bi] as T[];
    const i = lowerBound(block, entry);
    if (block[i] !== entry) return false;
    block.splice(i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(bi, 1);
    return true;
  }

  /** Whether this exact entry is in the set. */
  has(entry: T): boolean {
    if (this.blocks.length === 0) return false;
    const block = this.blocks[this.blockFor(entry)] as T[];
    return block[lowerBound(block, entry)] === entry;
  }

  /** Visits entries smallest first until `visit` returns true; returns the entry that stopped it. */
  find(visit: (entry: T) => boolean): T | undefined {
    for (const block of this.blocks) {
      for (const entry of block) if (visit(entry)) return entry;
    }
    return undefined;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const block of this.blocks) yield* block;
  }

  /** Index of the block that holds, or would hold, `entry`: the first whose last entry is ≥ it. */
  private blockFor(entry: Keyed): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid] as T[];
      if (compare(block[block.length - 1] as T, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(block: readonly Keyed[], entry: Keyed): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(block[mid] as Keyed, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(block: readonly Keyed[], entry: Keyed): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(block[mid] as Keyed, entry) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
