import type { Random } from '@switchboard/kernel';
import { exponential } from './distributions';

/**
 * How contacts arrive at one queue, per interval of the scenario:
 * - `poisson`: a Poisson process whose rate is constant within an interval; `callsPerInterval[i]`
 *   is the expected number of arrivals in interval i (the usual forecast figure);
 * - `empirical`: exactly `counts[i]` arrivals in interval i, spread uniformly at random over it —
 *   a recorded profile such as the spike after a TV-shopping slot, replayed as it happened.
 */
export type ArrivalProfile =
  | { readonly kind: 'poisson'; readonly callsPerInterval: readonly number[] }
  | { readonly kind: 'empirical'; readonly counts: readonly number[] };

/**
 * Generates the arrival times (seconds from the start of the simulation) of one queue lazily, one
 * at a time and in increasing order, so memory stays constant however many contacts a day has.
 */
export class ArrivalStream {
  private t = 0;
  /** Empirical profiles: current interval, arrivals left in it and the last uniform position. */
  private interval = -1;
  private left = 0;
  private position = 0;

  constructor(
    private readonly profile: ArrivalProfile,
    private readonly intervalSeconds: number,
    private readonly random: Random,
  ) {}

  /** The next arrival time in seconds, or `Infinity` once the profile is exhausted. */
  next(): number {
    return this.profile.kind === 'poisson'
      ? this.nextPoisson(this.profile.callsPerInterval)
      : this.nextEmpirical(this.profile.counts);
  }

  /**
   * Piecewise-constant rate: draw an exponential gap at the current interval's rate; if it crosses
   * the interval's end, restart at the boundary with the next rate. Memorylessness makes this exact.
   */
  private nextPoisson(calls: readonly number[]): number {
    const width = this.intervalSeconds;
    for (;;) {
      const i = Math.floor(this.t / width);
      if (i >= calls.length) return Infinity;
      const end = (i + 1) * width;
      const expected = calls[i] as number;
      if (expected > 0) {
        const candidate = this.t + exponential(this.random, width / expected);
        if (candidate < end) return (this.t = candidate);
      }
      this.t = end;
    }
  }

  /**
   * k uniform points in order without storing them: given the previous order statistic u of the
   * remaining m points, the next is u + (1 − u)(1 − V^(1/m)) with V uniform (the minimum of m
   * uniforms on [u, 1)).
   */
  private nextEmpirical(counts: readonly number[]): number {
    while (this.left === 0) {
      this.interval++;
      if (this.interval >= counts.length) return Infinity;
      this.left = counts[this.interval] as number;
      this.position = 0;
    }
    const v = 1 - this.random.next();
    this.position += (1 - this.position) * (1 - Math.pow(v, 1 / this.left));
    this.left--;
    return (this.interval + this.position) * this.intervalSeconds;
  }
}
