export interface PollOptions {
  /** Real time allowed, ms. */
  readonly timeoutMs: number;
  /** What is awaited, for the error: `timed out after 5000 ms waiting for <what>`. */
  readonly what: string;
  /**
   * Between two checks: a pause in ms (default 10), or what to do instead of waiting (keep
   * sending audio while a recording completes).
   */
  readonly every?: number | (() => Promise<unknown>);
  /** The state seen last, appended to the error (an event log, a list, a level). */
  readonly detail?: () => string;
}

/**
 * Checks until `check` gives a truthy value, and resolves with it; rejects after `timeoutMs` of
 * real time. For integration tests of real peers, processes and files, which no virtual clock
 * drives; time is `performance.now()`, so a wall-clock step cannot end the wait early or late.
 * An error thrown by `check` (a peer that died) ends the wait at once.
 */
export async function pollUntil<T>(
  check: () => T | Promise<T>,
  options: PollOptions,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + options.timeoutMs;
  const every = options.every ?? 10;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) {
      const detail = options.detail ? `: ${options.detail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${detail}`);
    }
    await (typeof every === 'number' ? new Promise((resolve) => setTimeout(resolve, every)) : every());
  }
}
