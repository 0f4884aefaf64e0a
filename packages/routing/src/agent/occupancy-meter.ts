const MINUTE = 60_000;
/** The longest window a strategy may ask about, in minutes. */
export const MAX_OCCUPANCY_WINDOW_MINUTES = 60;
/** One more bucket than the longest window: a window usually starts part-way into a minute. */
const BUCKETS = MAX_OCCUPANCY_WINDOW_MINUTES + 1;
const AVAILABLE = BUCKETS;
const STAMP = 2 * BUCKETS;

/** What an agent's channel is doing, as far as occupancy is concerned. */
export type OccupancyMode = 'handling' | 'available' | 'away';

/**
 * Handle and available time of one channel over a sliding window, in one-minute buckets, so the
 * `least-occupied` strategy reads occupancy in O(window) without keeping a history of spans.
 * Occupancy = handle / (handle + available), as ARCHITECTURE.md defines it.
 */
export class OccupancyMeter {
  /**
   * Three series of {@link BUCKETS} in one array: handle ms at `b`, available ms at `BUCKETS + b`,
   * the minute bucket `b` holds at `STAMP + b`. One array rather than three because there is a meter
   * per agent and channel, and each typed array costs two heap objects and a separate allocation.
   */
  private readonly series = new Float64Array(3 * BUCKETS).fill(-1, STAMP);
  private mode: OccupancyMode = 'away';
  private since = 0;

  /** Closes the current span at `at` and starts one in `mode`. */
  switchTo(mode: OccupancyMode, at: number): void {
    if (mode === this.mode) return;
    this.record(this.since, at);
    this.mode = mode;
    this.since = at;
  }

  /** Occupancy over the last `windowMinutes` up to `now`, counting the open span; 0 when no data. */
  occupancy(windowMinutes: number, now: number): number {
    const minutes = Math.min(MAX_OCCUPANCY_WINDOW_MINUTES, Math.max(1, windowMinutes));
    const from = now - minutes * MINUTE;
    let handle = 0;
    let available = 0;
    const nowMinute = Math.floor(now / MINUTE);
    // Whole buckets: the window is measured to the minute, which is all a strategy needs.
    for (let m = Math.floor(from / MINUTE); m <= nowMinute; m++) {
      const b = m % BUCKETS;
      if (this.series[STAMP + b] !== m) continue;
      handle += this.series[b] as number;
      available += this.series[AVAILABLE + b] as number;
    }
    const open = Math.max(0, now - Math.max(this.since, from));
    if (this.mode === 'handling') handle += open;
    else if (this.mode === 'available') available += open;
    return handle + available === 0 ? 0 : handle / (handle + available);
  }

  private record(from: number, to: number): void {
    if (this.mode === 'away' || to <= from) return;
    const series = this.series;
    const target = this.mode === 'handling' ? 0 : AVAILABLE;
    // Older than the longest window is never read again.
    let t = Math.max(from, to - MAX_OCCUPANCY_WINDOW_MINUTES * MINUTE);
    while (t < to) {
      const minute = Math.floor(t / MINUTE);
      const end = Math.min(to, (minute + 1) * MINUTE);
      const b = minute % BUCKETS;
      if (series[STAMP + b] !== minute) {
        series[STAMP + b] = minute;
        series[b] = 0;
        series[AVAILABLE + b] = 0;
      }
      series[target + b] = (series[target + b] as number) + (end - t);
      t = end;
    }
  }
}
