import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in (due time, creation order) order, each with
 * `now()` set to its due time, so timed behaviour (RFC 3261 timers, ring timeouts, wrap-up) is tested
 * exactly and instantly, without sleeps.
 */
export class VirtualClock implements Clock, Timers {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(startMs = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  set(delayMs: number, callback: () => void): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { id, at: this.current + Math.max(0, delayMs), seq: id, callback });
    return id;
  }

  clear(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.at > targetMs) break;
      this.pending.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = Math.max(this.current, targetMs);
  }

  /** Fires timers until none is left (bounded, so a timer that re-arms itself forever fails loudly). */
  runAll(maxTimers = 100_000): void {
    for (let i = 0; i < maxTimers; i++) {
      const next = this.nextDue();
      if (next === undefined) return;
      this.advanceTo(next.at);
    }
    throw new Error(`VirtualClock.runAll: more than ${maxTimers} timers fired`);
  }

  private nextDue(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending.values()) {
      if (best === undefined || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }
}
