/**
 * The RFC 3261 timer constants (§17.1.1.1, Table 4 of Appendix A) and the timers derived from them.
 * All values are milliseconds; packages never read the environment, so deployments that need other
 * values (a high-latency satellite trunk, a LAN where T1 can be smaller) pass them explicitly.
 */
export interface TimerValues {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Maximum time a message remains in the network, default 5 s. */
  readonly t4: number;
  /** Timer D on unreliable transports: at least 32 s (§17.1.1.2). */
  readonly timerD: number;
  /**
   * Delay before an INVITE server transaction sends `100 Trying` on its own when the TU has not
   * answered (§17.2.1 allows skipping it only when the TU answers within 200 ms).
   */
  readonly tryingDelay: number;
}

/** Defaults of RFC 3261 Table 4. */
export const DEFAULT_TIMER_VALUES: TimerValues = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  timerD: 32_000,
  tryingDelay: 200,
});

/** Fills the missing values with the RFC 3261 defaults. */
export function timerValues(partial: Partial<TimerValues> = {}): TimerValues {
  return Object.freeze({ ...DEFAULT_TIMER_VALUES, ...partial });
}

/** 64*T1: Timers B, F, H, J (unreliable), and RFC 6026 Timers L and M. */
export function transactionTimeout(v: TimerValues): number {
  return 64 * v.t1;
}

/** Next retransmit interval: doubled, and capped at T2 when `capAtT2` (Timers E and G, §17.1.2.2, §17.2.1). */
export function nextInterval(v: TimerValues, current: number, capAtT2: boolean): number {
  const doubled = current * 2;
  return capAtT2 ? Math.min(doubled, v.t2) : doubled;
}
