/**
 * The real-time scheduler of one routing engine: a single timer re-armed to the engine's next
 * deadline (`nextDueAt()`) after every command and tick. Time comes through the `Clock` and
 * `Timers` ports, so tests drive it with testkit's `VirtualClock` instead of sleeping.
 */
import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';

/** Node's setTimeout fires at once beyond 2^31 - 1 ms; longer waits re-arm on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class DeadlineTimer {
  private handle: TimerHandle | undefined;
  private armedAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly onDue: () => void,
  ) {}

  /** Fires `onDue` at `at` (epoch ms), replacing any earlier arming; undefined disarms. */
  arm(at: number | undefined): void {
    if (at === this.armedAt && this.handle !== undefined) return;
    this.disarm();
    if (at === undefined) return;
    this.armedAt = at;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, at - this.clock.now()));
    this.handle = this.timers.set(delay, () => {
      this.handle = undefined;
      this.armedAt = undefined;
      this.onDue();
    });
  }

  disarm(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.armedAt = undefined;
  }
}

/** `Timers` on Node's clock; timers are unref'd so they never hold a stopping process open. */
export const nodeTimers: Timers = {
  set: (delayMs, callback) => {
    const t = setTimeout(callback, delayMs);
    t.unref();
    return t as unknown as TimerHandle;
  },
  clear: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};
