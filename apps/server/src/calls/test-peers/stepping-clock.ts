import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';

/** Lets promise continuations (media port calls, command results) run before the next timer. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A virtual clock for code that mixes timers and promises: between two timer firings it lets every
 * pending promise continuation run, so an awaited media call completes at the virtual instant it
 * was made, as it would on a fast real media layer.
 */
export class SteppingClock implements Clock, Timers {
  private readonly inner: VirtualClock;
  private readonly due = new Map<TimerHandle, number>();

  constructor(startMs = 0) {
    this.inner = new VirtualClock(startMs);
  }

  now(): number {
    return this.inner.now();
  }

  set(delayMs: number, callback: () => void): TimerHandle {
    const handle: TimerHandle = this.inner.set(delayMs, () => {
      this.due.delete(handle);
      callback();
    });
    this.due.set(handle, this.inner.now() + Math.max(0, delayMs));
    return handle;
  }

  clear(handle: TimerHandle): void {
    this.due.delete(handle);
    this.inner.clear(handle);
  }

  /** Timers armed and not yet fired. */
  get pendingCount(): number {
    return this.due.size;
  }

  /** Moves `ms` forward, firing timers in order and settling promises after each. */
  async run(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      await settleMicrotasks();
      const next = this.nextDue();
      if (next === undefined || next > target) break;
      this.inner.advanceTo(next);
    }
    this.inner.advanceTo(target);
    await settleMicrotasks();
  }

  /** Runs until no timer is left (bounded). */
  async runAll(maxSteps = 100_000): Promise<void> {
    for (let i = 0; i < maxSteps; i++) {
      await settleMicrotasks();
      const next = this.nextDue();
      if (next === undefined) return;
      this.inner.advanceTo(next);
    }
    throw new Error('SteppingClock.runAll: timers keep coming');
  }

  private nextDue(): number | undefined {
    let min: number | undefined;
    for (const at of this.due.values()) if (min === undefined || at < min) min = at;
    return min;
  }
}
