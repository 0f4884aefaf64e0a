/** How a contact's time in one queue ended. */
export type QueueOutcome = 'answered' | 'abandoned' | 'overflowed' | 'callback';

/** Raw counters of one interval; figures are derived from them on read. */
export interface IntervalCounters {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWaitMs: number;
  /** Wait of every offered contact that left the queue, abandoners for the time they waited. */
  totalWaitMs: number;
}

/** Queue figures over an interval, per the metric definitions of ARCHITECTURE.md. */
export interface IntervalFigures {
  /** Contacts that entered the queue and whose time in it ended in the interval. */
  readonly offered: number;
  readonly answered: number;
  readonly answeredWithinThreshold: number;
  readonly abandoned: number;
  /** Answered within T / offered; abandons count as failures; null when nothing was offered. */
  readonly serviceLevel: number | null;
  /** Mean wait of answered contacts, seconds. */
  readonly asaSeconds: number | null;
  /** Mean wait over all offered contacts, abandoners counted for the time they waited, seconds. */
  readonly meanWaitSeconds: number | null;
  /** Abandoned / offered. */
  readonly abandonRate: number | null;
}

export function emptyCounters(): IntervalCounters {
  return {
    offered: 0,
    answered: 0,
    answeredWithinThreshold: 0,
    abandoned: 0,
    shortAbandoned: 0,
    answeredWaitMs: 0,
    totalWaitMs: 0,
  };
}

/** Adds one contact's outcome to counters. `shortAbandonMs` 0 keeps every abandon. */
export function countOutcome(
  c: IntervalCounters,
  outcome: QueueOutcome,
  waitMs: number,
  thresholdMs: number,
  shortAbandonMs: number,
): void {
  if (outcome === 'abandoned' && waitMs < shortAbandonMs) {
    // Excluded from offered and abandoned alike, as the definition allows when configured.
    c.shortAbandoned++;
    return;
  }
  c.offered++;
  c.totalWaitMs += waitMs;
  if (outcome === 'answered') {
    c.answered++;
    c.answeredWaitMs += waitMs;
    if (waitMs <= thresholdMs) c.answeredWithinThreshold++;
  } else if (outcome === 'abandoned') c.abandoned++;
}

export function addCounters(into: IntervalCounters, from: IntervalCounters): void {
  into.offered += from.offered;
  into.answered += from.answered;
  into.answeredWithinThreshold += from.answeredWithinThreshold;
  into.abandoned += from.abandoned;
  into.shortAbandoned += from.shortAbandoned;
  into.answeredWaitMs += from.answeredWaitMs;
  into.totalWaitMs += from.totalWaitMs;
}

export function figuresOf(c: IntervalCounters): IntervalFigures {
  const per = (x: number, n: number): number | null => (n === 0 ? null : x / n);
  return {
    offered: c.offered,
    answered: c.answered,
    answeredWithinThreshold: c.answeredWithinThreshold,
    abandoned: c.abandoned,
    serviceLevel: per(c.answeredWithinThreshold, c.offered),
    asaSeconds: per(c.answeredWaitMs / 1000, c.answered),
    meanWaitSeconds: per(c.totalWaitMs / 1000, c.offered),
    abandonRate: per(c.abandoned, c.offered),
  };
}

const MINUTE = 60_000;
/** Minutes of history kept for sliding windows: the longest window the wallboard shows. */
export const WINDOW_MINUTES = 30;

/**
 * Counters of the last {@link WINDOW_MINUTES} minutes in one-minute buckets: "last 15 minutes" is
 * the current minute and the 14 before it, so a window moves in one-minute steps.
 */
export class SlidingCounters {
  private readonly buckets = Array.from({ length: WINDOW_MINUTES }, emptyCounters);
  private readonly stamps = new Float64Array(WINDOW_MINUTES).fill(-1);

  /** The bucket for a time, cleared first if it held an older minute. */
  at(t: number): IntervalCounters {
    const minute = Math.floor(t / MINUTE);
    const i = minute % WINDOW_MINUTES;
    if (this.stamps[i] !== minute) {
      this.stamps[i] = minute;
      this.buckets[i] = emptyCounters();
    }
    return this.buckets[i] as IntervalCounters;
  }

  /** Sum over the last `minutes` minutes up to `now`. */
  sum(minutes: number, now: number): IntervalCounters {
    const total = emptyCounters();
    const nowMinute = Math.floor(now / MINUTE);
    for (let m = nowMinute - Math.min(minutes, WINDOW_MINUTES) + 1; m <= nowMinute; m++) {
      const i = ((m % WINDOW_MINUTES) + WINDOW_MINUTES) % WINDOW_MINUTES;
      if (this.stamps[i] === m) addCounters(total, this.buckets[i] as IntervalCounters);
    }
    return total;
  }
}
