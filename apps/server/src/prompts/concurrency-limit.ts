/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order. Prompt
 * synthesis is CPU-bound in child processes, so running more of them than there are cores only
 * slows every one of them down.
 */
export class ConcurrencyLimit {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  /** @param limit how many tasks may run at once; at least 1. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('concurrency limit must be an integer ≥ 1');
    this.#limit = limit;
  }

  /** Runs `task` once a slot is free and releases the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter so that a newcomer cannot overtake it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  /** Tasks running now and tasks waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }
}
