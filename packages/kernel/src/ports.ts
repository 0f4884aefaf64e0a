/**
 * Time and randomness enter pure code only through these ports, so that the same logic runs on the
 * wall clock in the server and on a virtual clock in tests and in the simulator.
 */

/** Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** Opaque handle returned by {@link Timers.set}. */
export type TimerHandle = { readonly __timer: unique symbol } | number;

/** One-shot timers; the callback runs at or after `now() + delayMs`, never before. */
export interface Timers {
  set(delayMs: number, callback: () => void): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** Uniform random numbers in [0, 1). */
export interface Random {
  next(): number;
}
