import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in (due time, creation order) order, each with
 * `now()` set to its due time, so timed behaviour (RFC 3261 timers, ring timeouts, wrap-up) is tested
 * exactly and instantly, without sleeps.
 *
 * Timers sit in a binary min-heap; a cleared timer stays in the heap and is skipped when it surfaces,
 * which keeps `clear` O(1) for the common case of timers cancelled long before they are due.
 */
export class VirtualClock implements Clock, Timers {
  private current: number;
  private seq = 0;
  private readonly heap: Pending[] = [];
  private readonly live = new Set<number>();

  constructor(startMs = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  set(delayMs: number, callback: () => void): TimerHandle {
    const id = ++this.seq;
    this.live.add(id);
    this.push({ id, at: this.current + Math.max(0, delayMs), callback });
    return id;
  }

  clear(handle: TimerHandle): void {
    this.live.delete(handle as number);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingCount(): number {
    return this.live.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(targetMs: number): void {
    for (let next = this.peekLive(); next !== undefined && next.at <= targetMs; next = this.peekLive()) {
      this.pop();
      this.live.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = Math.max(this.current, targetMs);
  }

  /** Fires timers until none is left (bounded, so a timer that re-arms itself forever fails loudly). */
  runAll(maxTimers = 100_000): void {
    for (let i = 0; i < maxTimers; i++) {
      const next = this.peekLive();
      if (next === undefined) return;
      this.advanceTo(next.at);
    }
    throw new Error(`VirtualClock.runAll: more than ${maxTimers} timers fired`);
  }

  private peekLive(): Pending | undefined {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.id)) this.pop();
    return this.heap[0];
  }

  private static before(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private push(p: Pending): void {
    const h = this.heap;
    let i = h.push(p) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && VirtualClock.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && VirtualClock.before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
