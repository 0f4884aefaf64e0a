/**
 * Counts requests being worked on per source address, so one source cannot tie up the server's
 * asynchronous work (credential lookups) and starve others. The transaction layer later bounds live
 * server transactions per source the same way (RFC 3261 §17.2 transactions live up to 32 s).
 */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerSource: number) {}

  /** Reserves a slot; false when `key` already has the maximum in flight. */
  enter(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.maxPerSource) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  /** Releases a slot taken by {@link enter}. */
  leave(key: string): void {
    const n = this.counts.get(key) ?? 0;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  /** Requests in flight for `key`. */
  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
