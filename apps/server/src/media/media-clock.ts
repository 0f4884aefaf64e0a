import type { Clock, Random, Timers } from '@switchboard/kernel';

/**
 * The ports every media object takes, so tests can run them on a virtual clock. `now()` is in
 * milliseconds since the Unix epoch, with sub-millisecond precision in production (the 20 ms
 * send schedule and RFC 3550 §A.8 jitter need better than `Date.now()`'s whole milliseconds).
 */
export interface MediaRuntime {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
}

/** A monotonic, sub-millisecond wall clock: `performance` anchored at the process start. */
export const systemMediaClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
};

/** `setTimeout` behind the kernel's Timers port; timers never keep the process alive. */
export const systemTimers: Timers = {
  set: (delayMs, callback) => {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref();
    return handle as unknown as number;
  },
  clear: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

/** The production runtime: system clock, Node timers and `Math.random`. */
export const systemMediaRuntime: MediaRuntime = {
  clock: systemMediaClock,
  timers: systemTimers,
  random: { next: () => Math.random() },
};
